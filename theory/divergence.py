r"""Non-finite iterates are an error, not a result: divergence is reported where it happens.

A run of a family that is not a contraction can overflow: :math:`|x_n| \to \infty` in
floating point becomes ``inf``, then ``inf - inf = NaN``; a user's ``apply`` can also return
NaN. Every function of :mod:`revsgd.theory` that returns iterates checks them where they
enter the result (one ``isfinite`` pass over the output, nothing per step), and on a
non-finite entry raises :class:`DivergenceError` naming the first step at which an iterate
is non-finite and, when the family knows it, the learning-rate range in which its maps
contract (:func:`divergence_hint`).

**Opt-out.** The environment variable ``REVSGD_NONFINITE`` chooses the policy: ``raise``
(the default) or ``allow``, which returns the IEEE values (``inf``, ``NaN``) unchanged, as
plain numpy arithmetic would.

Example:
    >>> import numpy as np
    >>> check_finite(np.array([[1.0], [np.inf]]), None, "forward")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    revsgd.theory.divergence.DivergenceError: forward: the iterates became non-finite (inf or NaN) at step 1: ...

References:
    IEEE Std 754-2019, *Standard for Floating-Point Arithmetic* (overflow to infinity and
    invalid operations giving NaN).
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["ENV", "DivergenceError", "check_finite", "divergence_hint", "nonfinite_policy", "raise_divergence"]

#: The environment variable of the policy: ``raise`` (default) or ``allow``.
ENV = "REVSGD_NONFINITE"

_POLICIES = ("raise", "allow")


class DivergenceError(ValueError):
    r"""The iterates of a run became non-finite (``inf`` or ``NaN``).

    .. math:: \exists\, t:\ x_t \notin \mathbb{R}^d \quad(\text{overflow, or a NaN from } \mathtt{apply}).

    A ``ValueError``, so callers that catch bad input catch it too.

    Attributes:
        step: the first step with a non-finite iterate (None when unknown).

    Args:
        message: the explanation; step: the attribute.

    Raises:
        Nothing: it is the exception.

    Example:
        >>> DivergenceError("diverged", step=3).step
        3
    """

    def __init__(self, message: str, step: int | None = None):
        super().__init__(message)
        self.step = step


def nonfinite_policy() -> str:
    """The policy for non-finite iterates: ``"raise"`` (default) or ``"allow"`` (``REVSGD_NONFINITE``).

    Returns:
        the policy, a str.

    Raises:
        ValueError: ``REVSGD_NONFINITE`` is set to something else.

    Example:
        >>> nonfinite_policy() in ("raise", "allow")
        True
    """
    value = os.environ.get(ENV, "").strip().lower() or "raise"
    if value not in _POLICIES:
        raise ValueError(f"{ENV} must be 'raise' or 'allow', got {os.environ.get(ENV)!r}")
    return value


def divergence_hint(family) -> str:
    """A sentence on why ``family`` may diverge: its contractive learning-rate range, or its worst map.

    A family may supply ``divergence_hint()`` itself (:class:`revsgd.theory.GradientSteps` gives
    the range :math:`(0, 2/\\max_k L_k)` of C4, a model's affine steps the model's range);
    otherwise the largest Lipschitz constant is named.

    Args:
        family: a family (anything; nothing is required of it).

    Returns:
        the sentence, a str (empty when nothing is known).

    Example:
        >>> class Expanding:
        ...     K, dim, probs = 1, 1, [1.0]
        ...     def apply(self, k, x): return 3.0 * x
        ...     def lipschitz(self): return [3.0]
        >>> divergence_hint(Expanding())
        'map 0 has Lipschitz constant 3 >= 1: the maps expand, so no uniform contraction'
    """
    own = getattr(family, "divergence_hint", None)
    if callable(own):
        try:
            return str(own())
        except Exception:  # a hint must never hide the error it explains
            pass
    try:
        lip = np.asarray(family.lipschitz(), dtype=float).reshape(-1)
        k = int(np.nanargmax(lip))
    except Exception:
        return ""
    if lip[k] >= 1.0:
        return f"map {k} has Lipschitz constant {lip[k]:.6g} >= 1: the maps expand, so no uniform contraction"
    return (f"every map is a contraction (max Lipschitz constant {lip[k]:.6g}), so family.apply "
            "itself returned NaN or inf")


def check_finite(values, family, what: str, steps=None, unit: str = "step") -> np.ndarray:
    """``values`` unchanged if finite; else :class:`DivergenceError` (or the values, under ``allow``).

    Args:
        values: the output, an array whose axis 0 runs over steps (rows of a trajectory,
            recorded states of an ensemble).
        family: the family that produced them (for :func:`divergence_hint`), or None.
        what: the function that produced them, for the message.
        steps: the step number of each index of axis 0 (None: the index itself).
        unit: what axis 0 counts ("step", "chain", ...).

    Returns:
        ``values``.

    Raises:
        DivergenceError: a non-finite entry, with ``REVSGD_NONFINITE`` unset or ``raise``.

    Example:
        >>> check_finite(np.zeros((2, 1)), None, "forward").shape
        (2, 1)
    """
    values = np.asarray(values)
    if values.dtype.kind != "f" or np.isfinite(values).all():
        return values
    if nonfinite_policy() == "allow":
        return values
    bad = ~np.isfinite(values.reshape(values.shape[0], -1)).all(axis=1) if values.ndim else np.array([True])
    i = int(np.argmax(bad))
    step = int(steps[i]) if steps is not None else i
    raise_divergence(what, family, step, unit)


def raise_divergence(what: str, family, step, unit: str = "step", detail: str = ""):
    """Raise the :class:`DivergenceError` of ``what`` at ``step`` (the message of :func:`check_finite`).

    Raises:
        DivergenceError: always.

    Example:
        >>> raise_divergence("forward_last", None, 7)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        revsgd.theory.divergence.DivergenceError: forward_last: the iterates became non-finite (inf or NaN) at step 7: ...
    """
    hint = divergence_hint(family) if family is not None else ""
    where = f"{unit} {step}" if step is not None else "some step"
    raise DivergenceError(
        f"{what}: the iterates became non-finite (inf or NaN) at {where}{detail}: the maps overflow or "
        f"family.apply returned NaN/inf" + (f"; {hint}" if hint else "")
        + f". Set {ENV}=allow to receive the IEEE values instead",
        step,
    )
