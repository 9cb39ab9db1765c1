r"""Round-off tolerances derived from the arithmetic: machine epsilon times a condition
number, an operation count and a scale.

Every floating-point operation on numbers of size at most :math:`s` commits an error of at
most :math:`\varepsilon s/2` (unit round-off), and errors add along a chain of operations, so
a computation of ``ops`` operations whose result is amplified at most :math:`\kappa` times
(a condition number, 1 where nothing is solved) differs from the exact one by at most

.. math:: \mathrm{tol} = \mathrm{ops} \cdot \varepsilon \cdot \kappa \cdot s
    \qquad (:func:`roundoff_tolerance`).

The other tolerances are this bound for one kind of computation, with the count written out:

* :func:`trajectory_roundoff`: n affine steps in dimension d. Each step is a d-term dot
  product per coordinate (d roundings relative to the iterates' size), a contraction does
  not amplify earlier errors, and the matrix-product form of a composed map rounds twice per
  entry instead of once; a factor 2 more for safety: :math:`4 (n + 1) d\,\varepsilon
  \max(1, s)`, with :math:`s` a bound on the iterates (:func:`iterate_scale`).
* :func:`roundoff_margin`: a Lyapunov exponent. Each step's :math:`\log|A v|` carries a
  relative error of about :math:`d\varepsilon`; with a factor 16: :math:`16 d\,\varepsilon`.
  Exponents within this margin of 0 cannot be told from 0 (isometries such as rotations
  give :math:`|\hat\gamma| \sim 10^{-18}`).

Tolerances come from these formulas, never from trial and error.

References:
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002,
    ch. 2-3 (the model of floating-point arithmetic, error bounds for inner products).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "EPS",
    "iterate_scale",
    "roundoff_margin",
    "roundoff_tolerance",
    "trajectory_roundoff",
]

#: machine epsilon of float64, :math:`2^{-52}`
EPS = float(np.finfo(float).eps)


def roundoff_tolerance(scale: float, ops: int, cond: float = 1.0) -> float:
    r"""The round-off bound :math:`\mathrm{ops} \cdot \varepsilon \cdot \kappa \cdot s`.

    Args:
        scale: :math:`s \ge 0`, the size of the quantities compared.
        ops: the length of the longest chain of floating-point operations (a matrix
            product counts d), a positive int.
        cond: :math:`\kappa \ge 1`, a condition number where a solve is involved.

    Returns:
        the tolerance, a float.

    Raises:
        ValueError: if ``scale`` is negative or not finite, ``ops`` is not a positive int,
            or ``cond`` is below 1 or not finite.

    Example:
        >>> roundoff_tolerance(1.0, 10) == 10 * EPS
        True
    """
    if not (np.isfinite(scale) and scale >= 0):
        raise ValueError(f"scale must be a finite non-negative number; got {scale!r}")
    if isinstance(ops, bool) or not isinstance(ops, (int, np.integer)) or ops < 1:
        raise ValueError(f"ops must be a positive int; got {ops!r}")
    if not (np.isfinite(cond) and cond >= 1):
        raise ValueError(f"cond must be a finite number >= 1; got {cond!r}")
    return float(ops) * EPS * float(cond) * float(scale)


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be a non-negative int; got {value!r}")
    return int(value)


def trajectory_roundoff(n: int, d: int, scale: float) -> float:
    r""":math:`4 (n + 1) d\,\varepsilon \max(1, s)`: the round-off of n affine steps in dimension d.

    Two correct evaluation orders of the same trajectory (a loop and a blocked product, say)
    agree to this tolerance (derivation in the module docstring).

    Args:
        n: the number of steps, an int >= 0.
        d: the dimension (or, for nonlinear steps, the length of the longest inner
            product per step, e.g. d + B for a batch of B rows), an int >= 1.
        scale: :math:`s`, a bound on the iterates' size (:func:`iterate_scale`).

    Returns:
        the tolerance, :func:`roundoff_tolerance` with ``ops = 4 (n + 1) d`` and scale
        :math:`\max(1, s)` (the same bits).

    Raises:
        ValueError: if ``n`` or ``d`` is not a non-negative int, ``d`` is 0, or ``scale``
            is not a finite number.

    Example:
        >>> trajectory_roundoff(9, 2, 0.5) == 80 * EPS
        True
    """
    n, d = _count(n, "n"), _count(d, "d")
    if d < 1:
        raise ValueError(f"d must be a positive int; got {d!r}")
    if not np.isfinite(scale):
        raise ValueError(f"scale must be a finite number; got {scale!r}")
    return roundoff_tolerance(max(1.0, float(scale)), ops=4 * (n + 1) * d)


def iterate_scale(certificate, x0) -> float:
    r""":math:`|x_0| + C/(1-\rho)`: every forward or backward iterate from ``x0`` lies in this ball (C1).

    Args:
        certificate: a :class:`revsgd.theory.contraction.ContractionCertificate` (anything
            with attributes ``rho < 1`` and ``C``), certified at ``x0``.
        x0: the start, an array.

    Returns:
        the radius, a float: the ``scale`` of :func:`trajectory_roundoff`.

    Raises:
        TypeError: if ``certificate`` has no ``rho`` and ``C``.

    Example:
        >>> from revsgd.theory.contraction import ContractionCertificate
        >>> iterate_scale(ContractionCertificate(0.5, 1.0), [3.0, 4.0])
        7.0
    """
    if not (hasattr(certificate, "rho") and hasattr(certificate, "C")):
        raise TypeError(f"certificate must have attributes rho and C (a ContractionCertificate); "
                        f"got {type(certificate).__name__}")
    return float(np.linalg.norm(x0) + certificate.C / (1.0 - certificate.rho))


def roundoff_margin(d: int) -> float:
    r""":math:`16 d\,\varepsilon`: Lyapunov exponents within this margin of 0 cannot be told from 0.

    Each step's :math:`\log|A v|` carries a relative round-off of about :math:`d\varepsilon`
    (module docstring); the margin is :func:`roundoff_tolerance` with ``ops = 16 d``.

    Args:
        d: the dimension, a positive int.

    Returns:
        the margin, a float.

    Raises:
        ValueError: if ``d`` is not a positive int.

    Example:
        >>> roundoff_margin(2) == 32 * EPS
        True
    """
    d = _count(d, "d")
    if d < 1:
        raise ValueError(f"d must be a positive int; got {d!r}")
    return roundoff_tolerance(1.0, ops=16 * d)
