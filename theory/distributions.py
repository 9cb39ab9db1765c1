r"""Comparing whole distributions from samples (scipy-based).

* :func:`ks_two_sample`: per-coordinate two-sample Kolmogorov-Smirnov tests, combined with a
  Holm (default) or Bonferroni correction; the reported ``pvalue`` is the smallest adjusted
  p-value, so rejecting when ``pvalue < alpha`` has family-wise false-alarm rate <= alpha.
* :func:`energy_test`: the multivariate energy distance
  :math:`\mathcal{E} = 2\,\mathbb{E}|X - Y| - \mathbb{E}|X - X'| - \mathbb{E}|Y - Y'|` with a
  seeded permutation p-value :math:`(1 + \#\{\mathcal{E}_\sigma \ge \mathcal{E}\})/(1 + B)`.
* :func:`ks_one_sample`: one-sample KS against an analytic CDF (1-D).
* :func:`wasserstein_1d` and :func:`sliced_wasserstein`: :math:`W_1` in 1-D, and its average
  over seeded random unit directions in d > 1 (a lower bound on :math:`W_1`).

References:
    F. J. Massey, "The Kolmogorov-Smirnov test for goodness of fit", J. Amer. Statist.
    Assoc. 46(253), 1951.
    S. Holm, "A simple sequentially rejective multiple test procedure", Scand. J. Statist.
    6(2), 1979.
    G. J. Szekely, M. L. Rizzo, "Energy statistics: a class of statistics based on
    distances", J. Statist. Plann. Inference 143(8), 2013 (the energy distance and its
    permutation test).
    N. Bonneel, J. Rabin, G. Peyre, H. Pfister, "Sliced and Radon Wasserstein barycenters of
    measures", J. Math. Imaging Vision 51(1), 2015 (sliced Wasserstein distance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import scipy.spatial.distance
import scipy.stats

from revsgd.theory._validate import _as_numeric, as_finite_array, as_generator, as_positive_int
from revsgd.theory.memory import check_allocation

__all__ = ["TestResult", "energy_test", "ks_one_sample", "ks_two_sample", "sliced_wasserstein", "wasserstein_1d"]


@dataclass(frozen=True)
class TestResult:
    r"""A test statistic and its p-value (``details`` holds per-coordinate values if any).

    .. math::

        \text{reject the null at level } \alpha \iff \mathtt{pvalue} < \alpha .

    Attributes:
        statistic: the test statistic (KS: the largest per-coordinate :math:`D`; energy:
            :math:`\mathcal{E}`).
        pvalue: the (family-wise adjusted) p-value.
        details: a dict of further values (per-coordinate statistics and p-values, the number of
            permutations), empty when there are none.

    Args:
        statistic, pvalue, details: the attributes, in this order.

    Raises:
        Nothing: the fields are stored as given (the tests compute them).

    Example:
        >>> res = TestResult(0.1, 0.5, {})
        >>> res.pvalue < 0.01
        False
    """

    statistic: float
    pvalue: float
    details: dict

    __test__ = False  # not a pytest class


def _samples(x, y) -> tuple[np.ndarray, np.ndarray]:
    x = as_finite_array(x, "x")
    y = as_finite_array(y, "y")
    x = x[:, None] if x.ndim == 1 else x
    y = y[:, None] if y.ndim == 1 else y
    for arr, name in ((x, "x"), (y, "y")):
        if arr.ndim != 2:
            raise ValueError(f"{name} must have shape (n,) or (n, d), got shape {arr.shape}")
        if arr.shape[0] == 0:
            raise ValueError(f"{name} must hold at least one sample, got 0 rows")
        if arr.shape[1] == 0:
            raise ValueError(f"{name} must have at least one coordinate (shape (n, d) with d >= 1), got shape {arr.shape}")
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"x and y must have the same dimension, got x of dimension {x.shape[1]} and y of "
            f"dimension {y.shape[1]}"
        )
    return x, y


def ks_two_sample(x, y, correction: str = "holm") -> TestResult:
    r"""Per-coordinate two-sample KS tests with a family-wise correction.

    .. math::

        D_j = \sup_t |F^{x}_{j}(t) - F^{y}_{j}(t)|, \qquad
        \tilde p_{(i)} = \max_{l \le i} \min\bigl(1, (d - l + 1)\, p_{(l)}\bigr) \ \text{(Holm)},
        \qquad \tilde p_j = \min(1, d\, p_j) \ \text{(Bonferroni)},

    with :math:`F^x_j` the empirical CDF of coordinate :math:`j` of ``x`` and
    :math:`p_{(1)} \le \dots \le p_{(d)}` the sorted per-coordinate p-values; the reported
    p-value is :math:`\min_j \tilde p_j`, so rejecting when it is below :math:`\alpha` has
    family-wise false-alarm rate at most :math:`\alpha`.

    Args:
        x, y: samples of shape ``(n, d)`` and ``(m, d)`` (or 1-D), at least one row each.
        correction: ``"holm"`` (default) or ``"bonferroni"``.

    Returns:
        a :class:`TestResult`: the largest :math:`D_j`, the smallest adjusted p-value, and in
        ``details`` the per-coordinate ``statistics``, ``pvalues`` and ``adjusted`` p-values.

    Raises:
        TypeError: non-numeric samples.
        ValueError: non-finite entries, a wrong shape, an empty sample, dimensions that differ,
            or an unknown ``correction``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> ks_two_sample(rng.normal(size=(500, 2)), rng.normal(size=(500, 2))).pvalue > 0.01
        True
    """
    x, y = _samples(x, y)
    if correction not in ("holm", "bonferroni"):
        raise ValueError(f"correction must be 'holm' or 'bonferroni', got {correction!r}")
    res = [scipy.stats.ks_2samp(x[:, j], y[:, j]) for j in range(x.shape[1])]
    p = np.array([r.pvalue for r in res])
    stats = np.array([r.statistic for r in res])
    d = p.size
    if correction == "bonferroni":
        adj = np.minimum(1.0, d * p)
    else:
        order = np.argsort(p)
        adj_sorted = np.minimum(1.0, np.maximum.accumulate((d - np.arange(d)) * p[order]))
        adj = np.empty(d)
        adj[order] = adj_sorted
    return TestResult(float(stats.max()), float(adj.min()), {"statistics": stats, "pvalues": p, "adjusted": adj})


def _energy_from_sums(within_x, total, rows_x, n, m) -> np.ndarray:
    """Energy statistics from ``a^T D a`` (``within_x``), ``1^T D 1`` and ``a^T D 1``.

    With ``a`` the indicator of the x-sample: sum_xx = a^T D a, sum_xy = a^T D 1 - a^T D a,
    sum_yy = 1^T D 1 - 2 a^T D 1 + a^T D a.
    """
    xy = rows_x - within_x
    yy = total - 2.0 * rows_x + within_x
    return 2.0 * xy / (n * m) - within_x / (n * n) - yy / (m * m)


def energy_test(x, y, permutations: int = 199, rng=None) -> TestResult:
    r"""Energy-distance two-sample test with a seeded permutation p-value.

    The statistic is :math:`E = 2\,\overline{|x - y|} - \overline{|x - x'|} -
    \overline{|y - y'|}` (means over all pairs, Szekely-Rizzo). Each permutation relabels
    the pooled sample; its statistic needs only :math:`a^T D a` for the indicator ``a`` of
    the relabelled x-sample, so the permutations are evaluated in blocks by one matrix
    product with the distance matrix ``D`` instead of gathering a permuted copy of ``D``.
    ``D`` itself is never held: its rows are computed in blocks (``scipy.spatial.distance.cdist``)
    of at most 32 MiB, once per group of permutations, so the memory is O(block x (n+m)) and
    the work O((n+m)^2) per permutation.

    Args:
        x, y: samples of shape (n, d) and (m, d) (or 1-D).
        permutations: number of random relabellings (p-value resolution 1/(B+1)).
        rng: seed or ``numpy.random.Generator`` of the relabellings.

    Returns:
        a :class:`TestResult` with the statistic and the p-value (1 + #{E_perm >= E}) / (1 + B).

    Raises:
        TypeError: non-numeric samples, a non-integer ``permutations``, a bad ``rng``.
        ValueError: non-finite entries, a wrong shape, an empty sample, dimensions that
            differ, or ``permutations < 1``.

    Example:
        >>> g = np.random.default_rng(0)
        >>> energy_test(g.normal(size=(50, 2)), g.normal(size=(60, 2)), rng=1).pvalue > 0.01
        True
    """
    x, y = _samples(x, y)
    B = as_positive_int(permutations, "permutations")
    gen = as_generator(rng)
    Z = np.vstack([x, y])
    n, N = x.shape[0], Z.shape[0]
    m = N - n
    group = max(1, min(B, _BLOCK // N))  # permutations per pass: N x group indicators
    rows_per_block = max(1, _BLOCK // N)  # distance rows per block: rows_per_block x N
    check_allocation(8 * (N * (group + 2 * rows_per_block) + 2 * N * Z.shape[1]),
                     f"energy_test: blocks of the {N} x {N} distance matrix",
                     "pass fewer samples (a random subsample of x and y)")
    a = np.zeros(N)
    a[:n] = 1.0
    # D is never held: row blocks D[i:j] = cdist(Z[i:j], Z) give D a, D 1 and (D A)[i:j] per pass.
    first = _distance_products(Z, a[:, None], rows_per_block)
    rows = first.rows
    total = rows.sum()
    stat = float(_energy_from_sums(a @ first.products[:, 0], total, a @ rows, n, m))
    count = 0
    for start in range(0, B, group):
        A = np.zeros((N, min(group, B - start)))
        for j in range(A.shape[1]):
            A[gen.permutation(N)[:n], j] = 1.0
        within = np.einsum("ij,ij->j", A, _distance_products(Z, A, rows_per_block).products)
        count += int(np.sum(_energy_from_sums(within, total, rows @ A, n, m) >= stat))
    return TestResult(stat, float((1.0 + count) / (1.0 + B)), {"permutations": B})


#: Floats per block of the blocked energy test (32 MiB): distance rows and indicators alike.
_BLOCK = 1 << 22


class _Products(NamedTuple):
    rows: np.ndarray  # D 1, shape (N,)
    products: np.ndarray  # D A, shape (N, B)


def _distance_products(Z, A, rows_per_block) -> _Products:
    """``D 1`` and ``D A`` for the Euclidean distance matrix ``D`` of ``Z``, one row block at a time."""
    N = Z.shape[0]
    rows = np.empty(N)
    out = np.empty((N, A.shape[1]))
    for i in range(0, N, rows_per_block):
        D = scipy.spatial.distance.cdist(Z[i:i + rows_per_block], Z)
        rows[i:i + rows_per_block] = D.sum(axis=1)
        out[i:i + rows_per_block] = D @ A
    return _Products(rows, out)


def ks_one_sample(x, cdf) -> TestResult:
    r"""One-sample KS test of 1-D draws ``x`` against the callable ``cdf``.

    .. math::

        D = \sup_t |F_x(t) - F(t)|, \qquad p = \Pr(D_{\text{null}} \ge D)

    (scipy's exact or asymptotic distribution of :math:`D` under the null).

    Args:
        x: a non-empty 1-D sample (or ``(n, 1)``).
        cdf: the vectorized CDF :math:`F` of the null law.

    Returns:
        a :class:`TestResult` with :math:`D` and :math:`p` (``details`` empty).

    Raises:
        TypeError: non-numeric ``x`` or a ``cdf`` that is not callable.
        ValueError: non-finite entries, ``x`` empty or not 1-D, or a ``cdf`` that does not
            return finite values in [0, 1] of the shape of ``x``.

    Example:
        >>> from revsgd.theory.analytic_laws import uniform_cdf
        >>> draws = np.random.default_rng(0).uniform(size=400)
        >>> ks_one_sample(draws, uniform_cdf).pvalue > 0.01
        True
    """
    x = as_finite_array(x, "x")
    x = x[:, 0] if x.ndim == 2 and x.shape[1] == 1 else x
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be a non-empty 1-D sample, got shape {x.shape}")
    if not callable(cdf):
        raise TypeError(f"cdf must be callable, got {type(cdf).__name__}")
    F = _as_numeric(cdf(x), "cdf(x)")
    if F.shape != x.shape or not np.all(np.isfinite(F)) or F.min() < 0 or F.max() > 1:
        raise ValueError(f"cdf(x) must return finite values in [0, 1] of the shape of x, {x.shape}; got "
                         f"shape {F.shape}, {int(np.sum(~np.isfinite(F)))} NaN/inf and {int(np.sum((F < 0) | (F > 1)))} "
                         "values outside [0, 1]")
    r = scipy.stats.kstest(x, cdf)
    return TestResult(float(r.statistic), float(r.pvalue), {})


def wasserstein_1d(x, y) -> float:
    r""":math:`W_1` between the empirical laws of two 1-D samples.

    .. math::

        W_1(\mu_x, \mu_y) = \int_{\mathbb{R}} |F_x(t) - F_y(t)|\, dt .

    Args:
        x, y: 1-D samples (or ``(n, 1)`` and ``(m, 1)``), at least one point each.

    Returns:
        the distance, a float.

    Raises:
        TypeError: non-numeric samples.
        ValueError: non-finite entries, an empty sample, or a dimension other than 1.

    Example:
        >>> wasserstein_1d([0.0, 1.0], [1.0, 2.0])
        1.0
    """
    x, y = _samples(x, y)
    if x.shape[1] != 1:
        raise ValueError(f"x and y must be 1-D samples, got dimension {x.shape[1]}")
    return float(scipy.stats.wasserstein_distance(x[:, 0], y[:, 0]))


def sliced_wasserstein(x, y, directions: int = 50, rng=None) -> float:
    r"""Mean over random unit directions :math:`u` of :math:`W_1(u^\top x, u^\top y)` (<= :math:`W_1`).

    .. math::

        SW_1(\mu_x, \mu_y) = \frac{1}{L} \sum_{l=1}^{L} W_1(u_l^\top \mu_x, u_l^\top \mu_y)
        \le W_1(\mu_x, \mu_y), \qquad u_l \sim \text{uniform on the sphere},

    since every projection :math:`x \mapsto u^\top x` is 1-Lipschitz.

    Args:
        x, y: samples of shape ``(n, d)`` and ``(m, d)``.
        directions: the number :math:`L` of random directions, >= 1.
        rng: seed or ``numpy.random.Generator`` of the directions.

    Returns:
        the estimate, a float.

    Raises:
        TypeError: non-numeric samples, a non-integer ``directions``, a bad ``rng``.
        ValueError: non-finite entries, a wrong shape, an empty sample, dimensions that differ,
            or ``directions < 1``.

    Example:
        >>> x = np.random.default_rng(0).normal(size=(100, 2))
        >>> sliced_wasserstein(x, x, rng=0), sliced_wasserstein(x, x + [1.0, 0.0], rng=0) <= 1.0
        (0.0, True)
    """
    x, y = _samples(x, y)
    L = as_positive_int(directions, "directions")
    U = as_generator(rng).standard_normal((L, x.shape[1]))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    return float(np.mean([scipy.stats.wasserstein_distance(x @ u, y @ u) for u in U]))
