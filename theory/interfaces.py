r"""The interfaces of a family of maps and of a gradient oracle, and their checks at entry.

A *family* is anything with ``K``, ``dim``, ``probs``, ``apply(k, x)`` and ``lipschitz()``
(:class:`Family`); a *gradient oracle* anything with ``K``, ``dim``, ``gradient(k, x)`` and
``hvp(k, x, v)`` (:class:`GradientOracle`); the batching rule of both is that of
:mod:`revsgd.theory.family`. :func:`check_family` validates a family once, on entry to a
function (``K`` and ``dim`` positive ints, ``probs`` a probability vector), and
:func:`checked_apply` checks the shape of what ``apply`` returns where it enters a result;
the package's own families (``_validated_family``) were checked when built.

Example:
    >>> class Bad:
    ...     K, dim, probs = 2.0, 1, [0.5, 0.5]
    ...     def apply(self, k, x): return x
    ...     def lipschitz(self): return [0.5, 0.5]
    >>> check_family(Bad())
    Traceback (most recent call last):
    TypeError: family.K must be a positive integer, got float 2.0

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (families
    of maps selected at random).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from revsgd.theory._validate import (as_finite_array, as_index_array, as_positive_int, as_probabilities,
                                     describe)

__all__ = ["Family", "GradientOracle", "check_family", "check_oracle", "check_point", "checked_apply"]


@runtime_checkable
class Family(Protocol):
    r"""Structural interface of K maps :math:`T_k` on :math:`\mathbb{R}^d` (module docstring).

    .. math:: \Pr(\xi = k) = p_k, \qquad \operatorname{Lip}(T_k) \le \mathtt{lipschitz()}_k .

    Args:
        k, x (of ``apply``): an int with a point ``(dim,)`` (:math:`T_k(x)`), or ``(m,)`` ints with ``(m, dim)`` points (rows :math:`T_{k_i}(x_i)`).

    Raises:
        ValueError, TypeError: an implementation's, for a bad ``k`` or ``x``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> isinstance(AffineFamily([[[0.5]]], [[0.0]]), Family), isinstance("maps", Family)
        (True, False)
    """

    K: int
    dim: int
    probs: np.ndarray

    def apply(self, k, x) -> np.ndarray:  # pragma: no cover - protocol
        ...

    def lipschitz(self) -> np.ndarray:  # pragma: no cover - protocol
        ...


@runtime_checkable
class GradientOracle(Protocol):
    r"""Structural interface of K batch losses seen through gradients and HVPs (module docstring).

    .. math:: \mathtt{gradient}(k, x) = \nabla L_k(x), \qquad \mathtt{hvp}(k, x, v) = \nabla^2 L_k(x)\, v .

    Args:
        k, x, v (of ``gradient`` and ``hvp``): an int with points ``(dim,)``, or ``(m,)`` ints with ``(m, dim)``.

    Raises:
        ValueError, TypeError: an implementation's, for a bad ``k``, ``x`` or ``v``.

    Example:
        >>> class Two:  # L_0 = x^2/2, L_1 = (x - 1)^2
        ...     K, dim = 2, 1
        ...     def gradient(self, k, x): return np.array([1.0, 2.0])[k] * (x - k)
        ...     def hvp(self, k, x, v): return np.array([1.0, 2.0])[k] * v
        >>> isinstance(Two(), GradientOracle)
        True
    """

    K: int
    dim: int

    def gradient(self, k, x) -> np.ndarray:  # pragma: no cover - protocol
        ...

    def hvp(self, k, x, v) -> np.ndarray:  # pragma: no cover - protocol
        ...


def check_family(family, name: str = "family") -> None:
    """Raise unless ``family`` follows the :class:`Family` interface with valid ``K``, ``dim``, ``probs``.

    Checked once, on entry to every function that takes a family: ``K`` and ``dim`` positive
    ints (``K = 2.0`` refused), ``probs`` a finite non-negative ``(K,)`` vector summing to 1
    within :math:`8 K \varepsilon` (the rounding of a sum of K terms), ``apply`` and
    ``lipschitz`` callable. What ``apply`` returns is checked where it enters a result
    (shape and finiteness, :mod:`revsgd.theory.divergence`).

    Args:
        family: the object to check; name: its name in the message.

    Raises:
        TypeError: ``family`` lacks one of ``K``, ``dim``, ``probs``, ``apply``, ``lipschitz``, or
            ``K``/``dim`` are not ints.
        ValueError: ``K`` or ``dim`` below 1, or bad ``probs`` (the message names ``family.probs``).

    Example:
        >>> check_family("maps")
        Traceback (most recent call last):
        TypeError: family must provide K, dim, probs, apply and lipschitz (a theory.Family), got str
    """
    if getattr(type(family), "_validated_family", False):  # AffineFamily, GradientSteps: checked when built
        return
    try:
        ok = isinstance(family, Family) and callable(family.apply) and callable(family.lipschitz)
    except Exception:  # a property that raises is no interface
        ok = False
    if not ok:
        raise TypeError(
            f"{name} must provide K, dim, probs, apply and lipschitz "
            f"(a theory.Family), got {type(family).__name__}"
        )
    K = as_positive_int(family.K, f"{name}.K")
    as_positive_int(family.dim, f"{name}.dim")
    as_probabilities(family.probs, f"{name}.probs", K)


def checked_apply(family, k, x, name: str = "family") -> np.ndarray:
    """``family.apply(k, x)``, refused by name unless it has the shape of ``x``.

    A point ``x`` that is already non-finite (a run that diverged) gives NaN instead of the
    family's refusal of ``x``, so that the run's own check names the step of divergence.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> checked_apply(AffineFamily([[[0.5]]], [[0.0]]), 0, np.ones(1))
        array([0.5])
    """
    try:
        out = family.apply(k, x)
    except ValueError:
        if np.isfinite(x).all():
            raise
        # a family that refuses non-finite points (AffineFamily, GradientSteps): the run has
        # already diverged, so propagate NaN as IEEE arithmetic would, and let the caller's
        # check of the result name the step at which it happened
        return np.full(np.shape(x), np.nan)
    # once per step of a loop: the arrays' own .shape first (cheaper than two np.shape
    # calls); the package's own families always pass here
    if getattr(out, "shape", None) == getattr(x, "shape", False) or np.shape(out) == np.shape(x):
        return out
    raise ValueError(
        f"{name}.apply(k, x) must return the shape of x, {np.shape(x)}, got shape {np.shape(out)}"
    )


def check_oracle(oracle, name: str = "oracle", *, hvp: bool = True) -> None:
    """Raise TypeError unless ``oracle`` follows the :class:`GradientOracle` interface.

    Args:
        oracle: the object to check; name: its name in the message.
        hvp: whether ``hvp(k, x, v)`` is required (the steps need only ``gradient``).

    Returns:
        None: it checks that the members exist, not what they compute.

    Raises:
        TypeError: ``oracle`` lacks ``K``, ``dim``, ``gradient`` (or ``hvp``, if required).

    Example:
        >>> class Grad:
        ...     K, dim = 1, 1
        ...     def gradient(self, k, x): return x
        >>> check_oracle(Grad(), hvp=False)
        >>> check_oracle(Grad())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: oracle must provide K, dim, gradient(k, x) and hvp(k, x, v) (a revsgd.theory.GradientOracle), got Grad ...
    """
    needed = ("K", "dim", "gradient", "hvp") if hvp else ("K", "dim", "gradient")
    if not all(hasattr(oracle, attr) for attr in needed) or not callable(oracle.gradient):
        want = "K, dim, gradient(k, x) and hvp(k, x, v)" if hvp else "K, dim and gradient(k, x)"
        raise TypeError(
            f"{name} must provide {want} (a revsgd.theory.GradientOracle), got {describe(oracle)}"
        )


def check_point(family, x0, name: str = "x0") -> np.ndarray:
    """``x0`` as a finite float array of shape ``(family.dim,)``.

    Args:
        family: anything with ``dim``; x0: the point; name: its name in messages.

    Returns:
        float64 array of shape ``(dim,)``.

    Raises:
        TypeError, ValueError: non-numeric ``x0``, a wrong shape or non-finite entries.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> check_point(AffineFamily([[[0.5]]], [[0.0]]), [2])
        array([2.])
    """
    return as_finite_array(x0, name, shape=(family.dim,))


def _map_args(k, x, K: int, dim: int):
    """``(k, x, single)``: int ``k`` with ``x`` ``(d,)`` (single), or int64 ``k`` ``(m,)`` with ``x`` ``(m, d)``."""
    if np.ndim(k) == 0:
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool) and 0 <= k < K:
            k = int(k)
        else:  # the general path names the problem
            k = int(as_index_array(np.array([k]), "k", K)[0])
        return k, as_finite_array(x, "x", shape=(dim,)), True
    k = as_index_array(k, "k", K)
    return k, as_finite_array(x, "x", shape=(k.shape[0], dim)), False
