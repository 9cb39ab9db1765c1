r"""Assertions for your own test suite: the claims of ``THEORY.md`` as ``assert_*`` helpers.

Each helper computes both sides of one inequality or test of the theory on your family,
and raises :class:`AssertionError` that prints both sides and the first step ``n`` (or the
first map and pair of points) where it fails. Round-off slack is derived from the
arithmetic (:mod:`revsgd.theory.tolerances`: machine epsilon times the dimension, the
step count and a bound on the iterates from the contraction certificate), never a loose
constant. Statistical helpers take a false-alarm rate ``alpha`` and a seed: a correct
family fails them with probability at most ``alpha`` (up to the stated approximations).

===================================  =====================================================
helper                               what it checks
===================================  =====================================================
:func:`assert_lipschitz`             C4: |T_k(a) - T_k(b)| <= L_k |a - b| on your points
:func:`assert_cauchy_bound`          C1: |y_{n+1} - y_n| <= rho^n C at every n
:func:`assert_limit_independent_of_start`  C1: |y_n(x0) - y_n(x1)| <= rho^n |x0 - x1|
:func:`assert_same_law`              C2: forward and backward iterates at step n, same law
:func:`assert_stationary_moments`    C5/C10: certified draws vs the exact mean, covariance
:func:`assert_backward_matches`      your fast backward-SGD against the exact reference
===================================  =====================================================

Example:

>>> import numpy as np
>>> from revsgd.theory import AffineFamily
>>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
>>> assert_cauchy_bound(fam, [0, 1, 1, 0, 1], np.zeros(1))
>>> assert_lipschitz(fam, np.linspace(-1, 1, 5)[:, None])
"""

from __future__ import annotations

import numpy as np
import scipy.stats

from revsgd.theory import (
    AffineFamily,
    backward,
    backward_ensemble,
    certify,
    forward_ensemble,
    ks_two_sample,
    sample_stationary,
    sample_word_array,
    stationary_moments,
)
from revsgd.theory._validate import as_finite_array, as_generator, as_index_array, as_positive_float, as_positive_int
from revsgd.theory.family import check_family, check_point
from revsgd.theory.tolerances import iterate_scale, trajectory_roundoff

__all__ = [
    "assert_backward_matches",
    "assert_cauchy_bound",
    "assert_limit_independent_of_start",
    "assert_lipschitz",
    "assert_same_law",
    "assert_stationary_moments",
]


def _alpha(alpha) -> float:
    if isinstance(alpha, (bool, np.bool_)) or not isinstance(alpha, (int, float, np.floating)):
        raise TypeError(f"alpha must be a false-alarm rate in (0, 1) (a float); got {type(alpha).__name__} {alpha!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be a false-alarm rate in (0, 1); got {alpha!r}")
    return float(alpha)


def _word(family, word) -> np.ndarray:
    return as_index_array(word, "word", family.K, allow_empty=False)


def _backward_rows(family, word, x0) -> np.ndarray:
    return np.asarray(backward(family, word, x0))


def assert_lipschitz(family, points, *, lipschitz=None) -> None:
    r"""Every map is as Lipschitz as claimed on ``points``: for all k and pairs a != b,

    .. math:: |T_k(a) - T_k(b)| \le L_k |a - b| + \delta_{ab},

    :math:`\delta_{ab}` the round-off of evaluating the two images (one step in dimension
    d, :func:`revsgd.theory.tolerances.trajectory_roundoff` at the size of a, b and their
    images, for each image).

    Args:
        family: a family (``K``, ``dim``, batched ``apply``).
        points: array ``(m, d)`` of at least two distinct points.
        lipschitz: the claimed constants, a scalar or ``(K,)``; default ``family.lipschitz()``.

    Raises:
        AssertionError: a ratio exceeds its constant (the map, the pair, both sides).
        ValueError: malformed ``points`` or ``lipschitz``.
    """
    check_family(family)
    P = as_finite_array(points, "points", shape=(None, family.dim))
    if P.shape[0] < 2:
        raise ValueError(f"points must be a finite (m, {family.dim}) array with m >= 2; got shape {P.shape}")
    L = as_finite_array(family.lipschitz() if lipschitz is None else lipschitz,
                        "family.lipschitz()" if lipschitz is None else "lipschitz")
    if L.ndim == 0:
        L = np.full(family.K, float(L))
    if L.shape != (family.K,) or not np.all(np.isfinite(L)) or np.any(L < 0):
        raise ValueError(f"lipschitz must be a non-negative scalar or ({family.K},) array; got {L!r}")
    i, j = np.triu_indices(P.shape[0], k=1)
    gap = np.linalg.norm(P[i] - P[j], axis=1)
    keep = gap > 0
    if not keep.any():
        raise ValueError("points must hold at least two distinct points")
    i, j, gap = i[keep], j[keep], gap[keep]
    for k in range(family.K):
        img = np.asarray(family.apply(np.full(P.shape[0], k), P), dtype=float)
        diff = np.linalg.norm(img[i] - img[j], axis=1)
        size = np.maximum.reduce([np.linalg.norm(v, axis=1) for v in (P[i], P[j], img[i], img[j])])
        slack = 2.0 * np.array([trajectory_roundoff(1, family.dim, s) for s in size])
        bad = np.nonzero(diff > L[k] * gap + slack)[0]
        if bad.size:
            b = bad[0]
            raise AssertionError(
                f"map {k} is not {L[k]:.6g}-Lipschitz on the points: |T_k(a) - T_k(b)| = {diff[b]:.6g} > "
                f"L_k |a - b| + round-off = {L[k] * gap[b]:.6g} + {slack[b]:.2g} for a = points[{i[b]}], "
                f"b = points[{j[b]}] (ratio {diff[b] / gap[b]:.6g}); {bad.size} such pairs")


def assert_cauchy_bound(family, word, x0) -> None:
    r"""C1 at every n: :math:`|y_{n+1} - y_n| \le \rho^n C` (plus round-off) along ``word``.

    :math:`(\rho, C)` is the family's certificate at ``x0`` (:func:`revsgd.theory.certify`);
    the backward iterates come from :func:`revsgd.theory.backward`. The slack at step n is
    twice the round-off of n + 1 steps at the certified iterate size.

    Args:
        family: a uniformly contracting family.
        word: 1-D int array of map indices, length N.
        x0: the start, shape ``(d,)``.

    Raises:
        AssertionError: the first n with an increment above its bound (both sides printed).
        ValueError: a family without a certificate (the certificate's message), a bad word.
    """
    check_family(family)
    word = _word(family, word)
    x0 = check_point(family, x0)
    cert = certify(family, x0)
    y = _backward_rows(family, word, x0)
    inc = np.linalg.norm(np.diff(y, axis=0), axis=1)
    n = np.arange(inc.size)
    bound = cert.cauchy(n)
    scale = iterate_scale(cert, x0)
    slack = 2.0 * np.array([trajectory_roundoff(k + 1, family.dim, scale) for k in n])
    bad = np.nonzero(inc > bound + slack)[0]
    if bad.size:
        k = bad[0]
        raise AssertionError(
            f"C1 fails first at n = {k}: |y_{{n+1}} - y_n| = {inc[k]:.6g} > rho^n C = {bound[k]:.6g} "
            f"(rho = {cert.rho:.6g}, C = {cert.C:.6g}, round-off slack {slack[k]:.2g}); "
            f"{bad.size} of {inc.size} steps fail")


def assert_limit_independent_of_start(family, word, x0, x1) -> None:
    r"""C1: the backward iterates forget the start, :math:`|y_n(x_0) - y_n(x_1)| \le \rho^n |x_0 - x_1|`.

    Args:
        family: a uniformly contracting family.
        word: 1-D int array of map indices.
        x0, x1: two starts, shape ``(d,)``.

    Raises:
        AssertionError: the first n where the gap exceeds the bound (plus round-off of both runs).
        ValueError: a family without a certificate, a bad word or start.
    """
    check_family(family)
    word = _word(family, word)
    x0, x1 = check_point(family, x0), check_point(family, x1, "x1")
    c0, c1 = certify(family, x0), certify(family, x1)
    gap = np.linalg.norm(_backward_rows(family, word, x0) - _backward_rows(family, word, x1), axis=1)
    n = np.arange(gap.size)
    bound = c0.rho ** n * float(np.linalg.norm(x0 - x1))
    slack = np.array([trajectory_roundoff(k, family.dim, iterate_scale(c0, x0))
                      + trajectory_roundoff(k, family.dim, iterate_scale(c1, x1)) for k in n])
    bad = np.nonzero(gap > bound + slack)[0]
    if bad.size:
        k = bad[0]
        raise AssertionError(
            f"the backward iterates depend on the start at n = {k}: |y_n(x0) - y_n(x1)| = {gap[k]:.6g} > "
            f"rho^n |x0 - x1| = {bound[k]:.6g} (rho = {c0.rho:.6g}, round-off slack {slack[k]:.2g})")


def _directions(d, gen) -> np.ndarray:
    """The d coordinate axes and 2d random unit directions (columns)."""
    R = gen.standard_normal((d, 2 * d))
    return np.hstack([np.eye(d), R / np.linalg.norm(R, axis=0)])


def assert_same_law(family, n, *, m=2000, alpha=1e-3, rng=None, x0=None) -> None:
    r"""C2: forward and backward iterates at step ``n`` have the same law.

    ``m`` forward chains and ``m`` backward chains run on independent i.i.d. words of
    length ``n`` (so the two samples are independent); their projections on the
    coordinate axes and on 2d random directions are compared by two-sample KS tests with
    Holm's correction (:func:`revsgd.theory.ks_two_sample`): distribution-free, false-alarm
    rate at most ``alpha``.

    Args:
        family: any family.
        n: the step, a positive int.
        m: chains per direction.
        alpha: false-alarm rate.
        rng: seed or ``numpy.random.Generator`` (words and directions).
        x0: start (default the origin).

    Raises:
        AssertionError: the Holm-adjusted p-value is below ``alpha`` (statistic, p-value,
            the direction).
        ValueError: bad ``n``, ``m``, ``alpha``.
    """
    check_family(family)
    n, m, alpha = as_positive_int(n, "n"), as_positive_int(m, "m"), _alpha(alpha)
    gen = as_generator(rng)
    x0 = np.zeros(family.dim) if x0 is None else check_point(family, x0)
    fwd = forward_ensemble(family, sample_word_array(family, m, n, gen), x0).final
    bwd = backward_ensemble(family, sample_word_array(family, m, n, gen), x0).final
    D = _directions(family.dim, gen)
    res = ks_two_sample(fwd @ D, bwd @ D)
    if res.pvalue < alpha:
        worst = int(np.argmax(res.details["statistics"]))
        raise AssertionError(
            f"forward and backward iterates at n = {n} differ in law: KS statistic {res.statistic:.4g} "
            f"on direction {worst} (Holm-adjusted p = {res.pvalue:.3g} < alpha = {alpha:g}; m = {m} chains each)")


def assert_stationary_moments(family, *, m=4000, alpha=1e-3, rng=None, tol=1e-10, mean=None, cov=None) -> None:
    r"""C5/C10 for an affine family: certified draws from :math:`\pi` have the claimed moments.

    ``m`` certified backward limits (:func:`revsgd.theory.sample_stationary`, error <= tol)
    are compared with the stationary mean :math:`\mu` and covariance :math:`S`: yours
    (``mean``, ``cov``, e.g. a closed form you derived) or, by default, the exact ones
    (:func:`revsgd.theory.stationary_moments`, the Stein equation): the mean by
    :math:`m (\bar x - \mu)^T S^+ (\bar x - \mu) \sim \chi^2_r` (r = rank S), the variance
    along each axis by a z-test with the sample fourth moment (both central-limit
    approximations), at ``alpha / 2`` each, Holm across axes.

    Args:
        family: an :class:`revsgd.theory.AffineFamily` with a stationary law.
        m: number of draws.
        alpha: false-alarm rate.
        rng: seed or generator.
        tol: certified error of each draw (keep it far below the standard errors).
        mean: the claimed stationary mean ``(d,)`` (default: exact).
        cov: the claimed stationary covariance ``(d, d)`` (default: exact).

    Raises:
        AssertionError: a moment test rejects (both sides printed).
        TypeError: a family that is not affine.
    """
    if not isinstance(family, AffineFamily):
        raise TypeError(f"family must be an AffineFamily (exact moments need affine maps); got {type(family).__name__}")
    m, alpha, tol = as_positive_int(m, "m"), _alpha(alpha), as_positive_float(tol, "tol")
    d = family.dim
    mean = None if mean is None else as_finite_array(mean, "mean", shape=(d,))
    cov = None if cov is None else as_finite_array(cov, "cov", shape=(d, d))
    if mean is None or cov is None:
        exact_mean, exact_cov = stationary_moments(family)
        mean = exact_mean if mean is None else mean
        cov = exact_cov if cov is None else cov
    draws = np.asarray(sample_stationary(family, m, tol, rng=rng).draws)
    xbar = draws.mean(axis=0)
    S_pinv = np.linalg.pinv(cov, hermitian=True)
    rank = int(np.linalg.matrix_rank(cov, hermitian=True))
    T = float(m * (xbar - mean) @ S_pinv @ (xbar - mean))
    p_mean = float(scipy.stats.chi2.sf(T, max(rank, 1)))
    if p_mean < alpha / 2:
        raise AssertionError(f"stationary mean: sample {xbar} vs exact {mean} (chi2_{rank} = {T:.4g}, "
                             f"p = {p_mean:.3g} < alpha/2 = {alpha / 2:g}; m = {m})")
    centred = draws - xbar
    var = (centred ** 2).mean(axis=0)
    se = np.sqrt(np.maximum((centred ** 4).mean(axis=0) - var ** 2, 0.0) / m)
    exact = np.diag(cov)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (var - exact) / se, np.where(var == exact, 0.0, np.inf))
    p = 2.0 * scipy.stats.norm.sf(np.abs(z))
    order = np.argsort(p)
    adjusted = np.maximum.accumulate(np.minimum(1.0, (p.size - np.arange(p.size)) * p[order]))
    if adjusted.min() < alpha / 2:
        a = int(order[np.argmin(adjusted)])
        raise AssertionError(f"stationary variance on axis {a}: sample {var[a]:.6g} vs exact {exact[a]:.6g} "
                             f"(z = {z[a]:.3g}, Holm p = {adjusted.min():.3g} < alpha/2 = {alpha / 2:g}; m = {m})")


def assert_backward_matches(backward_fn, family, word, x0) -> None:
    r"""Your own backward-SGD ``backward_fn(family, word, x0)`` against the exact reference.

    The reference is :func:`revsgd.theory.backward`: rows
    :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`, n = 0..N. Row n of yours may
    differ by twice the round-off of n steps at the iterate size (certified when the family
    has a certificate, else the largest reference row).

    Args:
        backward_fn: callable ``(family, word, x0) -> (N + 1, d)`` array.
        family: any family.
        word: 1-D int array of map indices, length N.
        x0: start, shape ``(d,)``.

    Raises:
        AssertionError: wrong shape, or the first n where the rows differ (both rows printed).
    """
    if not callable(backward_fn):
        raise TypeError(f"backward_fn must be a callable backward_fn(family, word, x0); got {type(backward_fn).__name__}")
    check_family(family)
    word = _word(family, word)
    x0 = check_point(family, x0)
    ref = _backward_rows(family, word, x0)
    got = np.asarray(backward_fn(family, word, x0), dtype=float)
    if got.shape != ref.shape:
        raise AssertionError(f"backward_fn returned shape {got.shape}; the reference has {ref.shape} "
                             f"(rows y_0 .. y_N)")
    try:
        scale = iterate_scale(certify(family, x0), x0)
    except ValueError:  # no certificate: the size the reference actually reached
        scale = float(np.linalg.norm(ref, axis=1).max())
    gap = np.linalg.norm(got - ref, axis=1)
    slack = 2.0 * np.array([trajectory_roundoff(k, family.dim, scale) for k in range(gap.size)])
    bad = np.nonzero(~(gap <= slack))[0]  # NaN fails
    if bad.size:
        k = bad[0]
        raise AssertionError(f"backward_fn differs from backward SGD first at n = {k}: yours {got[k]} vs "
                             f"exact {ref[k]} (|diff| = {gap[k]:.3g} > round-off {slack[k]:.2g}); "
                             f"{bad.size} of {gap.size} rows differ")
