r"""Least-squares slope fits with standard errors, and generalized least squares (GLS).

**Ordinary least squares.** For points :math:`(x_i, y_i)`, :math:`i = 1..n`, the line
:math:`y = a + p x` that minimizes :math:`\sum_i (y_i - a - p x_i)^2` has

.. math::

    \hat p = \frac{\sum_i (x_i - \bar x)(y_i - \bar y)}{S_{xx}}, \qquad
    \operatorname{se}(\hat p) = \sqrt{\frac{s^2}{S_{xx}}}, \qquad
    s^2 = \frac{1}{n - 2} \sum_i r_i^2, \qquad S_{xx} = \sum_i (x_i - \bar x)^2,

with :math:`r_i` the residuals. :func:`log_log_slope` fits :math:`\log v = a + p \log h`
(a power law :math:`v = c\,h^p`), :func:`log_linear_slope` fits :math:`\log v = a + p\,n`
(an exponential rate :math:`v = c\,e^{p n}`). The slope is the one ``numpy.polyfit`` returns
(the same bits), so results computed with the copies this module replaces do not move.

**What the standard error means.** For noisy data it is the usual standard error of
:math:`\hat p`. For deterministic data, such as a residual that follows a Taylor expansion,
it measures only the curvature the straight line leaves out; what moves the slope is the
next term of the expansion. If :math:`v(h) = c\,h^p (1 + \beta h^q + O(h^{2q}))`, then
:math:`\log v = \log c + p \log h + \beta h^q + O(h^{2q})` and, since the OLS slope is linear
in the data,

.. math::

    \hat p = p + \beta\, w_q + O(\beta^2 h_{\max}^{2q}), \qquad
    w_q = \text{the OLS slope of } h_i^q \text{ against } \log h_i,

computed by :func:`correction_slope`: the theoretical next-order term of a fitted slope.

**Generalized least squares.** :func:`fit_polynomial` and :func:`fit_log_slope` fit values
with a known joint covariance :math:`\Sigma` (estimates that share random numbers):
:math:`\hat c = (A^\top \Sigma^{-1} A)^{-1} A^\top \Sigma^{-1} v`, with covariance
:math:`(A^\top \Sigma^{-1} A)^{-1}`.

References:
    A. Bjorck, *Numerical Methods for Least Squares Problems*, SIAM 1996, ch. 1 (OLS, GLS).
    L. F. Richardson, "The deferred approach to the limit", Phil. Trans. A 226, 1927
    (fitting the next term of an expansion).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from revsgd.theory._validate import _as_numeric, as_finite_array

__all__ = [
    "SlopeFit",
    "correction_slope",
    "fit_log_slope",
    "fit_polynomial",
    "linear_fit",
    "log_linear_slope",
    "log_log_slope",
]


class SlopeFit(NamedTuple):
    r"""A fitted line :math:`y = a + p x` (:func:`linear_fit`).

    Attributes:
        slope: :math:`\hat p` (NaN when some :math:`y_i` is not finite).
        stderr: :math:`\operatorname{se}(\hat p)`; NaN for two points (no residual degree
            of freedom) or a non-finite :math:`y_i`.
        intercept: :math:`\hat a`.
        points: :math:`n`.

    Args:
        slope, stderr, intercept, points: the fields, in this order.

    Raises:
        Nothing: the fields are stored as given (:func:`linear_fit` computes them).

    Example:
        >>> SlopeFit(2.0, 0.01, -1.0, 6).slope
        2.0
    """

    slope: float
    stderr: float
    intercept: float
    points: int


def _line_points(x, y, name_x, name_y) -> tuple[np.ndarray, np.ndarray]:
    x = as_finite_array(x, name_x, ndim=1)
    y = _as_numeric(y, name_y)  # real (complex, bool refused); non-finite allowed: a NaN fit
    if y.shape != x.shape:
        raise ValueError(f"{name_y} must have the shape of {name_x}, {x.shape}; got shape {y.shape}")
    if x.size < 2:
        raise ValueError(f"{name_x} must hold at least 2 points for a slope; got {x.size}")
    if np.ptp(x) == 0.0:
        raise ValueError(f"{name_x} must hold at least 2 distinct values; got all equal to {x[0]!r}")
    return x, y


def linear_fit(x, y) -> SlopeFit:
    r"""The least-squares line :math:`y = a + p x` and the standard error of :math:`p`.

    Args:
        x: ``(n,)`` finite abscissae, at least two distinct.
        y: ``(n,)`` ordinates; a non-finite entry gives NaN slope and standard error (so a
            check that fits it fails) rather than an exception.

    Returns:
        a :class:`SlopeFit`; the slope and intercept are ``numpy.polyfit(x, y, 1)``'s.

    Raises:
        ValueError: if the shapes differ, fewer than 2 points or all ``x`` equal.

    Example:
        >>> fit = linear_fit([0.0, 1.0, 2.0, 3.0], [1.0, 3.1, 4.9, 7.0])
        >>> round(fit.slope, 3), round(fit.stderr, 3), fit.points
        (1.98, 0.042, 4)
    """
    x, y = _line_points(x, y, "x", "y")
    with np.errstate(divide="ignore", invalid="ignore"):
        slope, intercept = np.polyfit(x, y, 1)
        n = x.size
        if n > 2 and np.all(np.isfinite(y)):
            resid = y - (intercept + slope * x)
            sxx = float(np.sum((x - x.mean()) ** 2))
            stderr = float(np.sqrt(np.sum(resid**2) / (n - 2) / sxx))
        else:
            stderr = float("nan")
    return SlopeFit(float(slope), stderr, float(intercept), int(n))


def log_log_slope(h, values) -> SlopeFit:
    r"""The power-law fit :math:`\log v = a + p \log h` (:func:`linear_fit` on the logs).

    Args:
        h: ``(n,)`` positive abscissae (step sizes).
        values: ``(n,)`` the quantity :math:`v(h) \ge 0`; a zero value gives a NaN slope
            (so a check that fits it fails), a negative one is refused.

    Returns:
        a :class:`SlopeFit` in log-log coordinates.

    Raises:
        ValueError: if some ``h`` is not positive, a negative value, or as :func:`linear_fit`.

    Example:
        >>> h = np.geomspace(1e-3, 1e-2, 6)
        >>> round(log_log_slope(h, 5 * h**2).slope, 12)
        2.0
    """
    h = as_finite_array(h, "h", ndim=1)
    if np.any(h <= 0):
        raise ValueError(f"h must be positive for a log-log fit; got minimum {h.min()!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        return linear_fit(np.log(h), np.log(_magnitudes(values)))


def _magnitudes(values) -> np.ndarray:
    """``values`` as real numbers >= 0 (a log fit of a negative value is an input error)."""
    v = _as_numeric(values, "values")
    if np.any(v < 0):
        raise ValueError(f"values must be >= 0 for a fit of their logarithm; got minimum {float(np.nanmin(v))!r}")
    return v


def log_linear_slope(n, values) -> SlopeFit:
    r"""The exponential-rate fit :math:`\log v = a + p\,n` (:func:`linear_fit` on ``log v``).

    Args:
        n: ``(m,)`` abscissae (step counts).
        values: ``(m,)`` the quantity :math:`v(n) \ge 0`; a zero value gives a NaN slope,
            a negative one is refused.

    Returns:
        a :class:`SlopeFit`; ``slope`` estimates the rate :math:`p`.

    Raises:
        ValueError: as :func:`linear_fit`.

    Example:
        >>> n = np.arange(10)
        >>> round(log_linear_slope(n, 3.0 * 0.5**n).slope, 12)  # log(1/2)
        -0.69314718056
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return linear_fit(n, np.log(_magnitudes(values)))


def correction_slope(h, power: float = 1.0) -> float:
    r""":math:`w_q`, the OLS slope of :math:`h_i^q` against :math:`\log h_i`.

    A relative correction :math:`(1 + \beta h^q)` of a power law moves its fitted log-log
    slope by :math:`\beta w_q` to first order (module docstring): the next-order term.

    Args:
        h: ``(n,)`` positive abscissae, at least two distinct.
        power: the order :math:`q > 0` of the correction.

    Returns:
        :math:`w_q` (positive for increasing :math:`h^q`).

    Raises:
        ValueError: if some ``h`` is not positive or ``power`` is not positive.

    Example:
        >>> h = np.geomspace(1e-3, 1e-2, 6)
        >>> round(correction_slope(h), 5)
        0.00376
    """
    h = as_finite_array(h, "h", ndim=1)
    if np.any(h <= 0):
        raise ValueError(f"h must be positive; got minimum {h.min()!r}")
    if isinstance(power, (bool, complex, np.complexfloating, str)) or power is None:
        raise TypeError(f"power must be a positive number; got {type(power).__name__} {power!r}")
    if not (np.isfinite(power) and power > 0):
        raise ValueError(f"power must be a positive number; got {power!r}")
    return linear_fit(np.log(h), h**power).slope


def fit_polynomial(lrs, values, cov, powers) -> tuple[np.ndarray, np.ndarray]:
    r"""GLS fit :math:`v_i = \sum_j c_j h_i^{p_j}` with covariance ``cov`` of the values.

    .. math::

        \hat c = F A^\top \Sigma^{-1} v, \qquad F = (A^\top \Sigma^{-1} A)^{-1},
        \qquad A_{ij} = h_i^{p_j}.

    Args:
        lrs: ``(n,)`` step sizes :math:`h_i`.
        values: ``(n,)`` values :math:`v_i`.
        cov: ``(n, n)`` positive definite covariance :math:`\Sigma` of the values.
        powers: the exponents :math:`p_j` (at most n of them).

    Returns:
        ``(coefficients, covariance)``: :math:`\hat c` and its covariance :math:`F`.

    Raises:
        numpy.linalg.LinAlgError: a singular ``cov`` or :math:`A^\top \Sigma^{-1} A` (e.g.
            fewer distinct step sizes than powers).
        TypeError, ValueError: non-numeric or non-finite input, shapes that do not match, or
            more powers than values (named).

    Example:
        >>> h = np.array([0.1, 0.2, 0.4])
        >>> coef, F = fit_polynomial(h, 2 * h - h**2, np.eye(3), (1, 2))
        >>> np.round(coef, 12).tolist()
        [2.0, -1.0]
    """
    h = as_finite_array(lrs, "lrs", ndim=1)
    v = as_finite_array(values, "values", shape=h.shape)
    cov = as_finite_array(cov, "cov", shape=(h.size, h.size))
    powers = as_finite_array(powers, "powers", ndim=1)
    if not 1 <= powers.size <= h.size:
        raise ValueError(f"powers must hold 1..{h.size} exponents (at most one per value), got {powers.size}")
    A = np.column_stack([h**p for p in powers])
    P = np.linalg.inv(cov)
    F = np.linalg.inv(A.T @ P @ A)
    return F @ A.T @ P @ v, F


def fit_log_slope(lrs, vectors, cov) -> tuple[float, float, np.ndarray]:
    r"""GLS fit :math:`\log|b_i| = a + p \log h_i + q h_i` of vectors with joint covariance.

    The term :math:`q h` is the next order of the expansion
    :math:`\log(c_1 h + c_2 h^2) = \log c_1 + \log h + (c_2/c_1) h + O(h^2)`, fitted rather
    than ignored. ``vectors`` is ``(n, d)`` (the :math:`b_i`), ``cov`` the ``(n d, n d)``
    covariance of their stacked entries; the covariance of :math:`\log|b_i|` is
    :math:`J \Sigma J^\top` with :math:`J = \partial \log|b_i| / \partial b = b_i^\top /
    |b_i|^2` (delta method).

    Args:
        lrs: ``(n,)`` step sizes, n >= 3.
        vectors: ``(n, d)`` the vectors :math:`b_i`, none zero.
        cov: ``(n d, n d)`` covariance of the stacked entries of ``vectors``.

    Returns:
        ``(p, se(p), g)`` with ``g`` the ``(n,)`` row of the (linear) GLS map, so that
        moving each :math:`\log|b_i|` by at most :math:`\delta_i` moves p by at most
        :math:`\sum_i |g_i| \delta_i`.

    Raises:
        numpy.linalg.LinAlgError: a singular covariance of the logarithms or design (e.g.
            fewer than 3 distinct step sizes).
        TypeError, ValueError: non-numeric or non-finite input, ``vectors`` not 2-D or with a
            zero row, shapes that do not match (named).

    Example:
        >>> h = 0.01 * 2.0 ** np.arange(4)
        >>> p, se, g = fit_log_slope(h, (0.3 * h**2)[:, None], 1e-10 * np.eye(4))
        >>> round(p, 9), g.shape
        (2.0, (4,))
    """
    b = as_finite_array(vectors, "vectors", ndim=2)
    n, d = b.shape
    if np.any(np.linalg.norm(b, axis=1) == 0):
        raise ValueError("vectors must all be non-zero (log |b_i| of a zero vector is -inf)")
    cov = as_finite_array(cov, "cov", shape=(n * d, n * d))
    lrs = as_finite_array(lrs, "lrs", shape=(n,))
    norms = np.linalg.norm(b, axis=1)
    J = np.zeros((n, n * d))
    for i in range(n):
        J[i, i * d:(i + 1) * d] = b[i] / norms[i] ** 2
    h = np.asarray(lrs, float)
    A = np.column_stack([np.ones(n), np.log(h), h])
    P = np.linalg.inv(J @ cov @ J.T)
    F = np.linalg.inv(A.T @ P @ A)
    G = F @ A.T @ P
    coef = G @ np.log(norms)
    return float(coef[1]), float(np.sqrt(F[1, 1])), G[1]
