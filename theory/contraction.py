r"""Contraction certificates and the bounds of the backward contraction principle (C1).

If every map of a family is :math:`\rho`-Lipschitz with :math:`\rho < 1`, then for every index
sequence the backward iterates :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)` satisfy

.. math::

    |y_{n+1} - y_n| \le \rho^n |T_{\xi_{n+1}}(x_0) - x_0| \le \rho^n C,
    \qquad |y_n - y_\infty| \le \frac{\rho^n C}{1 - \rho},
    \qquad C = \max_k |T_k(x_0) - x_0| .

:class:`ContractionCertificate` holds :math:`(\rho, C)` and evaluates these bounds; the
free functions are the same bounds for callers that hold the two numbers themselves.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from revsgd.theory._validate import as_finite_array, as_nonnegative_int, as_positive_float
from revsgd.theory.interfaces import check_family, check_point, checked_apply
from revsgd.theory.tolerances import roundoff_margin

__all__ = [
    "ContractionCertificate",
    "certify",
    "contraction_factor",
    "displacement_constant",
    "cauchy_bound",
    "limit_bound",
    "steps_for_tolerance",
]


def _check_rho_C(rho, C) -> tuple[float, float]:
    rho = float(as_finite_array(rho, "rho", ndim=0))
    C = float(as_finite_array(C, "C", ndim=0))
    if not 0.0 <= rho < 1.0:
        raise ValueError(f"rho must be a contraction factor in [0, 1), got {rho!r}")
    if C < 0.0:
        raise ValueError(f"C must be >= 0, got {C!r}")
    return rho, C


def _check_steps(n) -> np.ndarray | int:
    if np.ndim(n) == 0:
        return as_nonnegative_int(n, "n")
    try:
        arr = np.asarray(n)
    except ValueError as exc:
        raise ValueError(f"n must be a rectangular array of non-negative integers, got a ragged {type(n).__name__}") from exc
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"n must hold non-negative integers, got dtype {arr.dtype}")
    if np.any(arr < 0):
        raise ValueError(f"n must hold non-negative integers, got minimum {int(arr.min())}")
    return arr


def cauchy_bound(rho, C, n):
    r""":math:`\rho^n C`, the bound of C1 on the backward increment :math:`|y_{n+1} - y_n|`.

    .. math::

        |y_{n+1} - y_n| \le \rho^n |T_{\xi_{n+1}}(x_0) - x_0| \le \rho^n C .

    Args:
        rho: the contraction factor, in [0, 1).
        C: :math:`\max_k |T_k(x_0) - x_0| \ge 0`.
        n: a step number, or an array of them (non-negative integers).

    Returns:
        :math:`\rho^n C`, a float for an int ``n``, else an array of the shape of ``n``.

    Raises:
        TypeError: non-numeric ``rho`` or ``C``, a non-integer ``n`` (or an array ``n`` not of
            integers).
        ValueError: ``rho`` outside [0, 1), ``C < 0``, a negative ``n``.

    Example:
        >>> cauchy_bound(0.5, 2.0, [0, 1, 3])
        array([2.  , 1.  , 0.25])
    """
    rho, C = _check_rho_C(rho, C)
    return np.power(rho, _check_steps(n)) * C


def limit_bound(rho, C, n):
    r""":math:`\rho^n C / (1 - \rho)`, the bound of C1 on the distance :math:`|y_n - y_\infty|`.

    .. math::

        |y_n - y_\infty| \le \sum_{j \ge n} |y_{j+1} - y_j| \le \frac{\rho^n C}{1 - \rho} .

    Args:
        rho: the contraction factor, in [0, 1).
        C: :math:`\max_k |T_k(x_0) - x_0| \ge 0`.
        n: a step number, or an array of them (non-negative integers).

    Returns:
        the bound, a float for an int ``n``, else an array of the shape of ``n``.

    Raises:
        TypeError, ValueError: as :func:`cauchy_bound`.

    Example:
        >>> float(limit_bound(0.5, 1.0, 3))
        0.25
    """
    rho, C = _check_rho_C(rho, C)
    return np.power(rho, _check_steps(n)) * C / (1.0 - rho)


def steps_for_tolerance(rho, C, tol) -> int:
    r"""The least :math:`n \ge 0` with :math:`\rho^n C / (1 - \rho) \le \mathrm{tol}`.

    .. math::

        n = \max\Bigl(0, \Bigl\lceil \frac{\log(\mathrm{tol}(1-\rho)/C)}{\log \rho}
        \Bigr\rceil\Bigr)

    (the ceiling is then corrected by exact comparisons, so rounding in the logarithms never
    gives a depth one too small or too large).

    Args:
        rho: the contraction factor, in [0, 1).
        C: :math:`\max_k |T_k(x_0) - x_0| \ge 0`.
        tol: the distance to the limit asked for, > 0.

    Returns:
        the depth :math:`n`, an int (0 when :math:`C/(1-\rho) \le \mathrm{tol}`).

    Raises:
        TypeError: non-numeric ``rho``, ``C`` or ``tol``.
        ValueError: ``rho`` outside [0, 1), ``C < 0`` or ``tol <= 0``.

    Example:
        >>> steps_for_tolerance(0.5, 1.0, 1e-3)
        11
    """
    rho, C = _check_rho_C(rho, C)
    tol = as_positive_float(tol, "tol")
    if C / (1.0 - rho) <= tol:
        return 0
    if rho == 0.0:
        return 1
    # In logarithms, so that a tiny tol (down to 5e-324) never underflows tol (1 - rho) / C to 0.
    n = max(0, math.ceil((math.log(tol) + math.log1p(-rho) - math.log(C)) / math.log(rho)))
    # Guard the ceil against rounding in the logarithms: step to the exact least n.
    while n > 0 and rho ** (n - 1) * C / (1.0 - rho) <= tol:
        n -= 1
    while rho**n * C / (1.0 - rho) > tol:
        n += 1
    return n


def contraction_factor(family) -> float:
    r""":math:`\rho = \max_k \operatorname{Lip}(T_k)` over all K maps of ``family``.

    All maps count, not only those with positive probability, because C1 is a statement
    about every index sequence (:func:`certify` and
    :func:`revsgd.theory.classify` count them the same way).

    Args:
        family: a :class:`revsgd.theory.Family`.

    Returns:
        :math:`\rho`, a float (it may be >= 1: this function certifies nothing; see
        :func:`certify`).

    Raises:
        TypeError: ``family`` is not a Family.
        ValueError: ``family.lipschitz()`` is not a finite array of shape ``(K,)``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> contraction_factor(AffineFamily([[[0.5]], [[-0.8]]], [[0.0], [1.0]]))
        0.8
    """
    check_family(family)
    lip = as_finite_array(family.lipschitz(), "family.lipschitz()", shape=(family.K,))
    return float(lip.max())


def displacement_constant(family, x0) -> float:
    r""":math:`C = \max_k |T_k(x_0) - x_0|`, how far one map moves the start point.

    .. math::

        C = \max_{k = 0..K-1} |T_k(x_0) - x_0|_2 .

    Args:
        family: a :class:`revsgd.theory.Family`.
        x0: the start point, shape ``(d,)``.

    Returns:
        :math:`C \ge 0`, a float.

    Raises:
        TypeError: ``family`` is not a Family, or a non-numeric ``x0``.
        ValueError: ``x0`` of the wrong shape or with non-finite entries.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> displacement_constant(AffineFamily([[[0.5]], [[0.5]]], [[0.0], [2.0]]), [1.0])
        1.5
    """
    check_family(family)
    x0 = check_point(family, x0)
    ks = np.arange(family.K)
    moved = checked_apply(family, ks, np.broadcast_to(x0, (family.K, family.dim)).copy())
    with np.errstate(over="ignore", invalid="ignore"):
        C = float(np.max(np.linalg.norm(moved - x0, axis=1)))
    if not np.isfinite(C):
        raise ValueError(
            f"family.apply(k, x0) must be finite at x0 for every map, got |T_k(x0) - x0| = {C!r} "
            "(an overflow, or NaN returned by apply), so C is not defined"
        )
    return C


@dataclass(frozen=True)
class ContractionCertificate:
    r"""A certified pair :math:`(\rho, C)` for a family at a start point :math:`x_0`.

    .. math::

        \rho = \max_k \operatorname{Lip}(T_k) < 1, \qquad C = \max_k |T_k(x_0) - x_0|;

    ``cauchy(n)`` is :math:`\rho^n C`, ``limit(n)`` is :math:`\rho^n C/(1-\rho)` and
    ``steps_for(tol)`` the least depth whose ``limit`` is at most ``tol``.

    Attributes:
        rho: the contraction factor, in [0, 1).
        C: :math:`\max_k |T_k(x_0) - x_0|`.

    Args:
        rho, C: the attributes.

    Raises:
        TypeError: non-numeric ``rho`` or ``C``.
        ValueError: ``rho`` outside [0, 1) or ``C < 0``.

    Example:
        >>> cert = ContractionCertificate(0.5, 1.0)
        >>> float(cert.cauchy(2)), float(cert.limit(2)), cert.steps_for(1e-3)
        (0.25, 0.5, 11)
    """

    rho: float
    C: float

    def __post_init__(self):
        _check_rho_C(self.rho, self.C)

    def cauchy(self, n):
        r""":math:`\rho^n C`: bound on the n-th backward increment."""
        return cauchy_bound(self.rho, self.C, n)

    def limit(self, n):
        r""":math:`\rho^n C/(1-\rho)`: bound on the distance from :math:`y_n` to the limit."""
        return limit_bound(self.rho, self.C, n)

    def steps_for(self, tol) -> int:
        """Backward steps needed so that the distance to the limit is at most ``tol``."""
        return steps_for_tolerance(self.rho, self.C, tol)


def certify(family, x0) -> ContractionCertificate:
    r"""The :class:`ContractionCertificate` :math:`(\rho, C)` of ``family`` at ``x0`` (C1).

    .. math::

        \rho = \max_k \operatorname{Lip}(T_k) < 1, \qquad C = \max_k |T_k(x_0) - x_0| .

    Args:
        family: a :class:`revsgd.theory.Family` whose ``lipschitz()`` bounds hold where it is
            iterated.
        x0: the start point, shape ``(d,)``.

    Returns:
        a :class:`ContractionCertificate`.

    Raises:
        TypeError: ``family`` is not a Family, or a non-numeric ``x0``.
        ValueError: if some map has Lipschitz constant >= 1, or within the round-off margin
            :math:`16 d\varepsilon` of 1 (:func:`revsgd.theory.tolerances.roundoff_margin`: no
            uniform contraction; the message names the map and its constant), or a bad ``x0``.

    Every map counts, also those of probability 0: C1 bounds every word, and a word may use
    any map (:func:`revsgd.theory.classify` decides "uniformly contracting" the same way).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> certify(AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]]), [0.0])
        ContractionCertificate(rho=0.5, C=0.5)
        >>> certify(AffineFamily([[[2.0]]], [[0.0]]), [0.0])
        Traceback (most recent call last):
        ...
        ValueError: family is not a uniform contraction: map 0 has Lipschitz constant 2 >= 1, so the bounds of C1 do not apply
    """
    check_family(family)
    lip = as_finite_array(family.lipschitz(), "family.lipschitz()", shape=(family.K,))
    if np.any(lip < 0):
        raise ValueError(f"family.lipschitz() must be >= 0, got minimum {float(lip.min())!r}")
    worst = int(np.argmax(lip))
    if lip[worst] >= 1.0:
        raise ValueError(
            f"family is not a uniform contraction: map {worst} has Lipschitz constant "
            f"{lip[worst]:.6g} >= 1, so the bounds of C1 do not apply"
        )
    margin = roundoff_margin(family.dim)
    if lip[worst] >= 1.0 - margin:
        raise ValueError(
            f"family is not a uniform contraction within round-off: map {worst} has Lipschitz "
            f"constant {lip[worst]!r}, within 16 d eps = {margin:.3g} of 1 (a singular Hessian, an "
            "isometry), so the bounds of C1 do not apply"
        )
    return ContractionCertificate(float(lip[worst]), displacement_constant(family, x0))
