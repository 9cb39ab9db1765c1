r"""Numeric checks of C8 on least squares with batch size smaller than the dimension.

With :math:`d = 4` features and batches of :math:`B = 2` rows, every batch Hessian
:math:`H_k = X_k^\top X_k / B` has rank 2, so each step :math:`T_k(w) = (I - h H_k) w + h q_k`
fixes the directions of :math:`\ker X_k`: with :math:`h = 1/L`,
:math:`L = \max_k \lambda_{\max}(H_k)`, the spectrum of :math:`A_k = I - h H_k` lies in
:math:`[0, 1]` and contains 1, so :math:`\operatorname{Lip}(T_k) = 1` exactly and C1 does
not apply. The random product still contracts: the top Lyapunov exponent :math:`\gamma` is
negative, and by the telescoping identity of C1

.. math::

    y_{n+1} - y_n = A_{\xi_1} \cdots A_{\xi_n}\,(T_{\xi_{n+1}}(x_0) - x_0),
    \qquad \log|y_{n+1} - y_n| = \gamma n + c + W_n,

with :math:`W_n` a centred fluctuation of order :math:`\sqrt n` (CLT for products of random
matrices) and :math:`c` a constant up to an exponentially small transient. So the
least-squares slope of :math:`\log|y_{n+1} - y_n|` against :math:`n` (fitted with an
intercept, which absorbs :math:`c`) is an unbiased estimate of :math:`\gamma`, independent of
the estimator's own runs: two intervals for the same number.

The design matrix is *constructed*, not filtered: :math:`X = U \operatorname{diag}(s) V^\top`
with Haar factors and :math:`s \sim U[1, 2]^d` (:func:`revsgd.theory.instances.random_design`), so the full-data Hessian has spectrum in
:math:`[1/8, 1/2]`; the batches are a seeded partition of its rows.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from revsgd.models.least_squares import LeastSquares
from revsgd.proofs_check.registry import Outcome, register_check
from revsgd.theory.distributions import ks_two_sample
from revsgd.theory.ensemble import sample_backward_ensemble, sample_forward_ensemble, sample_word_array
from revsgd.theory.fits import log_linear_slope
from revsgd.theory.instances import random_design
from revsgd.theory.lyapunov import backward_increments, lyapunov_exponent
from revsgd.theory.stationary import solve_stationary
from revsgd.theory.tolerances import roundoff_margin, trajectory_roundoff

__all__ = [
    "ALPHA",
    "small_batch_problem",
    "c8_least_squares_small_batch",
    "c8_least_squares_small_batch_law",
]

#: false-alarm rate of each statistical verdict
ALPHA = 1e-3
#: features, rows, rows per batch (batch < features: singular batch Hessians)
D, ROWS, BATCH = 4, 8, 2
#: independent backward runs and steps per run for the fitted convergence rate
RUNS, STEPS = 16, 500
#: steps per run of the Lyapunov estimator
ESTIMATOR_STEPS = 2000
#: backward draws and forward chains of the law check
DRAWS = 20000


def _default_step_family(model, lr):
    return model.step_family(lr)


def small_batch_problem(rng, step_family=_default_step_family):
    """``(model, lr, family)``: least squares, d = 4, 8 rows in batches of 2, h = 1/L."""
    X = random_design(rng, ROWS, D, 1.0, 2.0)
    y = X @ rng.standard_normal(D) + 0.5 * rng.standard_normal(ROWS)
    model = LeastSquares(X, y, batch_size=BATCH, rng=rng)
    lr = 1.0 / model.curvature_bounds()[1]
    return model, lr, step_family(model, lr)


def _interval(values, level) -> tuple[float, float]:
    """Student-t interval for the mean of ``values`` at two-sided level ``level``."""
    mean = float(np.mean(values))
    n = len(values)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * np.std(values, ddof=1) / np.sqrt(n))
    return mean - half, mean + half


def _instance(model, lr) -> str:
    return f"least squares d={D}, N={ROWS}, batch={BATCH} (K={model.K}), h=1/L={lr:.4g}, x0=0"


@register_check(
    "C8",
    r"B < d:\ \operatorname{Lip}(T_k) = 1 \ \forall k,\ \text{yet } \gamma < 0 \text{ and } "
    r"|y_{n+1} - y_n| = e^{\gamma n + o(n)}",
    kind="numeric",
    quick=True,
)
def c8_least_squares_small_batch(
    rng, *, estimator=lyapunov_exponent, increments=backward_increments, step_family=_default_step_family
) -> Outcome:
    r"""Single maps only non-expansive, negative exponent, backward increments decay at it.

    (a) :math:`\max_k |\operatorname{Lip}(T_k) - 1| \le 4(B+1) d\,\varepsilon\,(1 + hL)`, the
    round-off of forming :math:`I - h X_k^\top X_k / B`; (b) the upper end of the
    estimator's interval (level :math:`1 - \alpha/2`) is below :math:`-16 d\varepsilon`;
    (c) the :math:`1 - \alpha/2` Student-t interval of the per-run fitted slopes of
    :math:`\log|y_{n+1} - y_n|` (16 runs of 500 steps) overlaps the estimator's interval.
    Both intervals cover :math:`\gamma` except with probability :math:`\alpha/2` each, and
    two intervals that cover the same number overlap, so (b) and (c) together raise a
    false alarm with probability at most :math:`\alpha`.
    """
    model, lr, family = small_batch_problem(rng, step_family)
    lip_gap = float(np.max(np.abs(np.asarray(family.lipschitz()) - 1.0)))
    lip_tol = trajectory_roundoff(BATCH, D, 1.0 + lr * model.curvature_bounds()[1])
    est = estimator(family, n=ESTIMATOR_STEPS, runs=RUNS, rng=rng, confidence=1.0 - ALPHA / 2)
    low, high = (float(v) for v in est.interval)
    words = sample_word_array(family, RUNS, STEPS, rng)
    n = np.arange(STEPS)
    # a zero increment gives slope nan: fail
    slopes = [log_linear_slope(n, increments(family, w, np.zeros(D))).slope for w in words]
    s_low, s_high = _interval(slopes, 1.0 - ALPHA / 2)
    ok_a = lip_gap <= lip_tol
    ok_b = high < -roundoff_margin(D)
    ok_c = bool(s_low <= high and low <= s_high)
    return Outcome(
        bool(ok_a and ok_b and ok_c),
        [lip_gap, low, high, s_low, s_high],
        [lip_tol, -roundoff_margin(D)],
        _instance(model, lr),
        f"measured = [max_k |Lip(T_k) - 1|; the estimator's interval for gamma (low, high; "
        f"{RUNS} runs x {ESTIMATOR_STEPS} steps); the interval of the least-squares slope of "
        f"log|y_(n+1) - y_n| against n (low, high; {RUNS} backward runs x {STEPS} steps, from "
        f"the product form of the increments)]; expected = [the round-off bound 4(B+1) d eps "
        f"(1 + hL) on the first entry, the bound -16 d eps on the estimator's high end]. Pass "
        f"iff (a) the Lipschitz gap <= its bound (every map non-expansive, none contracting: "
        f"C1 does not apply), (b) the estimator's high end < -16 d eps, and (c) the two "
        f"intervals overlap (the fitted slope is an unbiased estimate of gamma: the intercept "
        f"absorbs the constant offset of log|y_(n+1) - y_n| - gamma n). Each interval has level "
        f"1 - alpha/2, so the false-alarm rate is at most alpha = {ALPHA:g}.",
    )


@register_check(
    "C8",
    r"B < d:\ \mathrm{Law}(y_\infty) = \pi \text{ (forward stationary law)},\ "
    r"E_\pi w = m,\ \mathrm{Cov}_\pi w = S \text{ (Stein equation)}",
    kind="numeric",
    quick=True,
)
def c8_least_squares_small_batch_law(rng, *, limit_sampler=sample_backward_ensemble) -> Outcome:
    r"""Deep backward limits against the exact moments and against long forward chains.

    The depth :math:`n_b = \lceil \log(10^{-12}) / \gamma_+ \rceil` comes from the upper end
    :math:`\gamma_+` of the (real) Lyapunov estimator's interval, so the increments, which
    decay like :math:`e^{\gamma n}`, are near :math:`10^{-12}` of their start at :math:`n_b`;
    :math:`m = 20000` backward draws from :math:`x_0 = 0` and :math:`m = 20000` forward chains
    of :math:`2 n_b` steps from :math:`x_0 = 5 \cdot \mathbf 1`, all on fresh i.i.d. words.
    With :math:`(m_\pi, S)` the exact moments (:func:`revsgd.theory.stationary.solve_stationary`,
    valid when the mean-square radius is < 1) and :math:`u_j, \lambda_j` the eigenpairs of
    :math:`S`, three tests at level :math:`\alpha` each:

    * mean: :math:`m (\bar y - m_\pi)^\top S^{-1} (\bar y - m_\pi) \sim \chi^2_d` (CLT);
    * variance along each :math:`u_j`: :math:`(\hat v_j - \lambda_j) / \sqrt{(\hat\mu_{4,j} -
      \hat v_j^2)/m} \sim N(0, 1)` about the exact mean, Bonferroni over :math:`j`;
    * law: two-sample KS of the backward against the forward draws on the projections
      :math:`u_j^\top w`, Holm over :math:`j`.

    The false-alarm rate is at most :math:`3\alpha` (union bound). The first two are normal
    approximations whose acceptance regions are symmetric (a ball, two-sided intervals), so
    the skewness term of the Edgeworth expansion cancels and their level is
    :math:`\alpha + O(1/m)`, and :math:`m` is large enough for the
    next term to be small against :math:`\alpha` although the projections of :math:`\pi`
    are skewed (at :math:`m = 1000` the studentized variance statistic of one instance had
    skewness about -0.6 and false alarms well above :math:`\alpha`).
    """
    model, lr, family = small_batch_problem(rng)
    est = lyapunov_exponent(family, n=ESTIMATOR_STEPS, runs=RUNS, rng=rng,
                            confidence=1.0 - ALPHA / 2)
    high = float(est.interval[1])
    moments = solve_stationary(family)
    if not (high < -roundoff_margin(D) and moments.radius < 1.0):
        return Outcome(
            False, [high, moments.radius], [-roundoff_margin(D), 1.0], _instance(model, lr),
            "measured = [upper end of the exponent interval, mean-square radius]: the family does "
            "not contract on average or has no stationary covariance")
    depth = int(np.ceil(np.log(1e-12) / high))
    m = DRAWS
    back = np.asarray(limit_sampler(family, m, depth, np.zeros(D), rng).final, dtype=float)
    fwd = sample_forward_ensemble(family, m, 2 * depth, np.full(D, 5.0), rng).final
    mean, S = moments.mean, moments.cov
    lam, U = np.linalg.eigh(S)
    z = (back - mean) @ U  # coordinates along the principal axes of pi
    centre = z.mean(axis=0)
    p_mean = float(stats.chi2.sf(m * np.sum(centre**2 / lam), D))
    v = np.mean(z**2, axis=0)
    se = np.sqrt(np.maximum(np.mean(z**4, axis=0) - v**2, np.finfo(float).tiny) / m)
    p_var = float(min(1.0, D * np.min(2.0 * stats.norm.sf(np.abs(v - lam) / se))))
    p_law = float(ks_two_sample(back @ U, fwd @ U).pvalue)
    measured = [p_mean, p_var, p_law]
    return Outcome(
        bool(min(measured) > ALPHA),
        measured,
        [ALPHA, ALPHA, ALPHA],
        f"{_instance(model, lr)}; m={m} backward draws at depth {depth}, m={m} forward chains of "
        f"{2 * depth} steps from 5*1; mean-square radius {moments.radius:.4f}",
        f"measured = [p-value of the chi^2_d test of the backward sample mean against the exact "
        f"stationary mean with the exact covariance S, Bonferroni p-value of the per-axis "
        f"variance z-tests against the eigenvalues of S, Holm p-value of the two-sample KS tests "
        f"backward vs forward on the principal axes of S]; expected = alpha each. Pass iff all "
        f"three > alpha: false-alarm rate at most 3 alpha = {3 * ALPHA:g} (union bound; the "
        f"first two are CLT approximations with symmetric acceptance regions, accurate to "
        f"O(1/m)).",
    )
