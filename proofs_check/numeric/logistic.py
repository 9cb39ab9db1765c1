r"""Numeric checks of C1 and C3 for the logistic-regression step family (a nonlinear family).

The gradient steps :math:`T_k(w) = w - h\nabla L_k(w)` of
:class:`revsgd.models.logistic.Logistic` with :math:`\lambda > 0` are :math:`\rho`-Lipschitz on all
of :math:`\mathbb{R}^d` with the certified :math:`\rho = \max_k \max(|1 - h\lambda|,
|1 - hL_k|)` (C4), so the backward contraction principle (C1) applies with the bounds of
:mod:`revsgd.theory.contraction`, while the forward iterates keep moving (C3) because the batch
minimizers differ.

Round-off: one step computes B margins (d-term dot products) and a B-term weighted sum,
so a trajectory of n steps carries at most about :math:`4(n+1)(d + B)\varepsilon` relative
round-off (not amplified by the contraction); the checks subtract
:func:`roundoff` with ``d + B`` in place of d.
"""

from __future__ import annotations

import numpy as np

from revsgd.models.instances import random_logistic as random_logistic_model
from revsgd.models.logistic import Logistic
from revsgd.proofs_check.numeric._instances import iterate_scale, roundoff
from revsgd.proofs_check.numeric._ratios import cauchy_outcome, start_gap_outcome
from revsgd.proofs_check.registry import Outcome, register_check
from revsgd.theory.contraction import certify, limit_bound
from revsgd.theory.ensemble import forward_ensemble, sample_word_array
from revsgd.theory.iterate import backward, backward_certified
from revsgd.theory.sequences import sample_indices

__all__ = [
    "random_logistic",
    "forward_step_lower_bound",
    "c1_logistic_cauchy_bound",
    "c1_logistic_limit_independent_of_start",
    "c1_logistic_certified_limit",
    "c3_logistic_forward_keeps_moving",
]

DIMENSIONS = (1, 3)
BATCH = 4
N_STEPS = 120
INSTANCE = f"d={DIMENSIONS}, K=6, B=4, l2=0.5, n={N_STEPS}"


def random_logistic(rng, d: int, K: int = 6, l2: float = 0.5) -> Logistic:
    """K batches of B = 4 standard normal rows in dimension d, labels from a noisy linear rule."""
    return random_logistic_model(rng, d, rows=K * BATCH, batch_size=BATCH, l2=l2, weight_scale=2.0,
                                 noise=0.5, both_labels=True)  # batch minimizers differ


def _instances(rng):
    for d in DIMENSIONS:
        model = random_logistic(rng, d)
        lr = rng.uniform(0.3, 0.9) * model.contractive_lr_range().high
        fam = model.step_family(lr)
        yield d, fam, sample_indices(fam.K, N_STEPS, rng), 2.0 * rng.standard_normal(d)


def _roundoff(n, d, scale):
    return roundoff(n, d + BATCH, scale)


@register_check(
    "C1", r"|y_{n+1} - y_n| \le \rho^n C \text{ (logistic steps, } \lambda > 0)", kind="numeric"
)
def c1_logistic_cauchy_bound(rng, *, backward=backward) -> Outcome:
    r"""Largest ratio of the backward increment to :math:`\rho^n C` (round-off subtracted),
    with :math:`\rho, C` from :func:`revsgd.theory.contraction.certify`."""
    return cauchy_outcome(backward, _instances(rng), INSTANCE, extra_dim=BATCH)


@register_check(
    "C1", r"|y_n(x_0) - y_n(x_0')| \le \rho^n |x_0 - x_0'| \text{ (logistic steps)}", kind="numeric"
)
def c1_logistic_limit_independent_of_start(rng, *, backward=backward) -> Outcome:
    """Largest ratio of the gap between the backward runs from two starts to :math:`\\rho^n |x_0 - x_0'|`."""
    return start_gap_outcome(backward, _instances(rng), lambda d: 2.0 * rng.standard_normal(d), INSTANCE,
                             extra_dim=BATCH)


@register_check(
    "C1",
    r"|y_m - y_\infty| \le \rho^m C/(1-\rho) \text{ (certified truncation, logistic steps)}",
    kind="numeric",
)
def c1_logistic_certified_limit(rng, *, backward=backward, backward_certified=backward_certified) -> Outcome:
    r""":func:`revsgd.theory.iterate.backward_certified` at ``tol`` = 1e-6 against the exact backward
    iterate at depth N = 120, whose own distance to the limit is at most
    :math:`\rho^N C/(1-\rho)`: largest ratio of :math:`|y^{\mathrm{cert}}_N - y_N|` to
    ``error_bound`` + that remainder + round-off (must be <= 1), and the certified run must
    stop early (depth < N)."""
    worst, early, depth, error_bound = 0.0, True, 0, 0.0
    for d, fam, idx, x0 in _instances(rng):
        cert = certify(fam, x0)
        run = backward_certified(fam, idx, x0, 1e-6)
        exact = backward(fam, idx, x0)[-1]
        allowed = run.error_bound + float(limit_bound(cert.rho, cert.C, N_STEPS)) \
            + _roundoff(N_STEPS, d, iterate_scale(cert, x0))
        early &= run.depth < N_STEPS and run.error_bound <= 1e-6
        depth, error_bound = max(depth, int(run.depth)), max(error_bound, float(run.error_bound))
        worst = max(worst, float(np.linalg.norm(run.trajectory[-1] - exact)) / allowed)
    return Outcome(bool(worst <= 1.0 and early), [worst, depth, error_bound], [1.0, N_STEPS, 1e-6],
                   f"d={DIMENSIONS}, K=6, B=4, l2=0.5, N={N_STEPS}, tol=1e-6",
                   "measured: largest ratio of |y^cert_N - y_N| to error_bound + rho^N C/(1-rho) + "
                   "round-off, largest certified depth, largest error_bound; pass iff ratio <= 1, "
                   "every depth < N and every error_bound <= 1e-6")


def forward_step_lower_bound(model: Logistic, lr: float) -> float:
    r"""A lower bound :math:`\delta` on :math:`E_k |T_k(w) - w|` valid at *every* w.

    Each :math:`L_k` is :math:`\lambda`-strongly convex with minimizer :math:`w_k`, so
    :math:`|\nabla L_k(w)| \ge \lambda |w - w_k|`; for any pairing of the batches
    (here greedy, farthest pairs first) the triangle inequality
    :math:`|w - w_a| + |w - w_b| \ge |w_a - w_b|` gives

    .. math::

        E_k |T_k(w) - w| = \frac{h}{K}\sum_k |\nabla L_k(w)|
        \ge \frac{h\lambda}{K} \sum_{(a, b)} |w_a - w_b| = \delta .
    """
    mins = [Logistic(model.Xb[k], model.sb[k], model.batch_size, model.l2).minimizer()
            for k in range(model.K)]
    free, total = set(range(model.K)), 0.0
    dist = np.array([[np.linalg.norm(a - b) for b in mins] for a in mins])
    while len(free) >= 2:
        a, b = max(((i, j) for i in free for j in free if i < j), key=lambda p: dist[p])
        total += dist[a, b]
        free -= {a, b}
    return lr * model.l2 * total / model.K


CHAINS, STEPS = 256, 320


@register_check(
    "C3",
    r"\text{distinct batch minimizers} \implies \tfrac1m \sum |x_{n+1}-x_n| \ge \delta/2 > 0 \text{ (logistic)}",
    kind="numeric",
)
def c3_logistic_forward_keeps_moving(rng, *, forward_ensemble=forward_ensemble) -> Outcome:
    r"""Mean realized forward step of 256 chains x 320 steps (from :math:`w^*`, d = 3) is at
    least :math:`\delta/2`, :math:`\delta` from :func:`forward_step_lower_bound`.

    Every iterate lies in the ball :math:`|w| \le R = |x_0| + C/(1-\rho)` (C1 applied to
    :math:`|x_n - x_0|`), where a step is at most
    :math:`M = h \max_k (\frac1B\sum_{i \in B_k} |x_i| + \lambda R)`. The realized steps
    minus their conditional means (each :math:`\ge \delta`) are martingale differences in
    an interval of length M, so by Azuma-Hoeffding the mean of the :math:`m = 81920` steps
    falls below :math:`\delta/2` with probability at most :math:`e^{-m\delta^2/(2M^2)}`
    (reported; the check also requires it to be below 1e-6, so that it is informative).
    """
    model = random_logistic(rng, 3, K=6)
    lr = 0.5 * model.contractive_lr_range().high
    fam = model.step_family(lr)
    x0 = model.minimizer()
    cert = certify(fam, x0)
    R = float(np.linalg.norm(x0)) + cert.C / (1.0 - cert.rho)
    row_norms = np.linalg.norm(model.Xb, axis=2).mean(axis=1)
    M = lr * (float(row_norms.max()) + model.l2 * R)
    delta = forward_step_lower_bound(model, lr)
    words = sample_word_array(fam, CHAINS, STEPS, rng)
    run = forward_ensemble(fam, words, x0, record=np.arange(STEPS + 1))
    steps = np.linalg.norm(np.diff(run.recorded, axis=0), axis=2)
    mean = float(steps.mean())
    false_alarm = float(np.exp(-steps.size * delta**2 / (2 * M**2)))
    ok = mean >= delta / 2 and false_alarm <= 1e-6
    return Outcome(bool(ok), [mean, false_alarm], [delta / 2, 1e-6],
                   f"d=3, K=6, B=4, l2=0.5, {CHAINS} chains x {STEPS} steps",
                   "measured: mean realized forward step |x_{n+1} - x_n| and the Azuma-Hoeffding "
                   "false-alarm probability e^{-m delta^2/(2M^2)}; expected: [delta/2, 1e-6]; pass iff "
                   "mean >= delta/2 and false alarm <= 1e-6")
