"""Broken implementations fed to the numeric checks (the table is in test_can_fail_table.py).

Each one is a natural mistake in the piece a check exercises, with the signature of the
keyword argument through which the check receives it. Grouped by the check module they
break: contraction/steps/average (C1, C3, C4, C7, C8), orders, bias and logistic (C9, C1,
C3), bracket correction (C7), sampling (C10), small batch (C8).
"""

import dataclasses
import math
from types import SimpleNamespace

import numpy as np

from revsgd.theory import orders as theory_orders
from revsgd.theory.bracket_correction import CorrectedForward, bracket_sum, corrected_forward
from revsgd.theory.contraction import certify
from revsgd.theory.ensemble import backward_ensemble, forward_ensemble, sample_backward_ensemble, sample_word_array
from revsgd.theory.family import AffineFamily
from revsgd.theory.iterate import backward, backward_certified, forward
from revsgd.theory.lyapunov import ContractionClass, LyapunovEstimate, lyapunov_exponent, mean_log_lipschitz
from revsgd.theory.run import Ensemble, Run
from revsgd.theory.sampling import CertifiedSample
from revsgd.theory.stationary_mean import stationary_means
from revsgd.theory.windows import moving_window

# --- contraction, steps, average (C1, C3, C4, C7, C8) ------------------------------------


def start_dependent_backward(family, idx, x0):
    """A backward limit that remembers the start: ``y_n + 0.01 x0``."""
    return backward(family, idx, x0) + 0.01 * x0


def shifted_forward(family, idx, x0):
    """Forward iterates shifted by 1e-3: they leave the common fixed point."""
    return forward(family, idx, x0) + 1e-3


def scaled_backward(family, idx, x0):
    """Backward iterates scaled by 1 + 1e-4: the gap gets an O(1) term."""
    return backward(family, idx, x0) * (1 + 1e-4)


def factor_ignoring_mu(model, lr):
    """max_k |1 - lr L_k|: the contraction factor without the smallest eigenvalue."""
    return float(np.abs(1.0 - lr * model._eig[:, -1]).max())


def gradient_with_wrong_sign(model, k, x):
    """q_k - H_k x instead of H_k x - q_k."""
    return model.q[k] - model.H[k] @ np.asarray(x)


def always_converges(family, **_):
    """A classifier that calls every family contracting on average."""
    return ContractionClass("contracting on average", 1.0, 0.0, None, "claims everything")


def _transformed(est, f):
    return LyapunovEstimate(f(est.exponent), (f(est.interval[0]), f(est.interval[1])), est.confidence,
                            est.runs, est.n, f(est.per_run))


def biased_estimator(family, **kwargs):
    """The Lyapunov exponent plus 0.05 (interval and per-run values shifted too)."""
    return _transformed(lyapunov_exponent(family, **kwargs), lambda g: g + 0.05)


def base_ten_estimator(family, **kwargs):
    """The exponent in log10 units: gamma / ln 10."""
    return _transformed(lyapunov_exponent(family, **kwargs), lambda g: g / np.log(10.0))


def lipschitz_as_exponent(family, **kwargs):
    """E log Lip(T_xi) reported as the exponent: 0 for non-expansive maps."""
    g = mean_log_lipschitz(family)
    runs, steps = kwargs.get("runs", 16), kwargs.get("steps", 2000)
    return LyapunovEstimate(g, (g, g), kwargs.get("confidence", 0.99), runs, steps, np.full(runs, g))


# --- orders (C7, C1, C2) -------------------------------------------------------------------


def _repeated_not_reversed(half_family, word, x0):
    """Each epoch followed by itself instead of its reverse, read every second half step."""
    perms = np.asarray(word).reshape(-1, half_family.K)
    traj = forward(half_family, np.concatenate([perms, perms], axis=1).reshape(-1), x0)[::2]
    return Run(perms.reshape(-1), traj, 2 * perms.size, perms.size)


#: the palindromic order whose epochs are followed by themselves, not their reverse
palindrome_without_reverse = dataclasses.replace(theory_orders.palindromic(), run=_repeated_not_reversed)


def block_backward_as_forward(family, word, x0, window):
    """A 'block backward' that is the forward iterate."""
    return SimpleNamespace(trajectory=forward(family, word, x0))


def window_starting_late(family, word, x0, window):
    """The window composed onto the iterate one step too late (x_{n-w+1})."""
    return moving_window(family, word, family.apply(int(word[0]), np.asarray(x0, float)), window)


def block_starting_late(family, word, x0, window):
    """A one-block 'block backward' (forward) started one step late: the law of x_{n+1}."""
    return SimpleNamespace(trajectory=forward(family, word, family.apply(int(word[0]), np.asarray(x0, float))))


# --- bias and logistic (C9, C1, C3) --------------------------------------------------------


def ignores_h(families, *args, **kwargs):
    """Every step size simulated with the first family."""
    return stationary_means([families[0]] * len(families), *args, **kwargs)


def bias_with_wrong_sign(model, lr):
    """-c_1 h."""
    return -model.first_order_bias(lr)


def bias_times_two(model, lr):
    """2 c_1 h."""
    return 2.0 * model.first_order_bias(lr)


def stops_too_early(family, idx, x0, tol):
    """A certified backward run to 1000 times the asked tolerance."""
    return backward_certified(family, idx, x0, 1e3 * tol)


def ignores_sequence(family, idx, x0, record=None):
    """Always batch 0: plain gradient descent on one batch, which settles."""
    return forward_ensemble(family, np.zeros_like(idx), x0, record)


# --- bracket correction (C7) ---------------------------------------------------------------


def correction_with_wrong_sign(model, h, idx, x0):
    """x_n - h^2 S instead of x_n + h^2 S."""
    out = corrected_forward(model, h, idx, x0)
    return CorrectedForward(out.forward - h * h * out.bracket, out.forward, -out.bracket)


def first_order_correction(model, h, idx, x0):
    """The correction scaled by h instead of h^2."""
    out = corrected_forward(model, h, idx, x0)
    return CorrectedForward(out.forward + h * out.bracket, out.forward, out.bracket)


def half_bracket_sum(model, idx, x):
    """Only sum_{i<j} H_i g_j (the backward half), via one HVP per position."""
    idx = np.asarray(idx)
    S = np.zeros(model.dim)
    g = np.array([model.gradient(int(k), x) for k in idx])
    after = g[::-1].cumsum(axis=0)[::-1] - g
    for i, k in enumerate(idx):
        S += model.hvp(int(k), x, after[i])
    return S


def half_bracket(model, h, idx, x0):
    """The correction with only half of the bracket (no H_j g_i term)."""
    out = corrected_forward(model, h, idx, x0)
    S = half_bracket_sum(model, idx, x0)
    return CorrectedForward(out.forward + h * h * S, out.forward, S)


def inclusive_prefix_sum(model, idx, x):
    """G_{<=i} used where G_{<i} belongs: off by -2 sum_i H_i g_i."""
    S = bracket_sum(model, idx, x)
    for k in np.asarray(idx):
        S -= 2 * model.hvp(int(k), x, model.gradient(int(k), x))
    return S


# --- sampling (C10) ------------------------------------------------------------------------


def _start(family, x0):
    return np.zeros(family.dim) if x0 is None else np.asarray(x0, dtype=float)


def inverted_log_depth(family, m, tol, rng=None, x0=None):
    """Depth log(rho) / log(tol (1 - rho) / C): the ratio of logarithms upside down."""
    x0 = _start(family, x0)
    cert = certify(family, x0)
    depth = max(1, math.ceil(math.log(cert.rho) / math.log(tol * (1 - cert.rho) / cert.C)))
    draws = backward_ensemble(family, sample_word_array(family, m, depth, rng), x0).final
    return CertifiedSample(draws, tol, depth, cert)


def one_word_for_all(family, m, tol, rng=None, x0=None):
    """The certified depth, but one word drawn and reused for every draw."""
    x0 = _start(family, x0)
    cert = certify(family, x0)
    depth = cert.steps_for(tol)
    words = np.repeat(sample_word_array(family, 1, depth, rng), m, axis=0)
    return CertifiedSample(backward_ensemble(family, words, x0).final, float(cert.limit(depth)), depth, cert)


def forward_composition(family, m, tol, rng=None, x0=None):
    """The right words and depth, composed newest map last (forward)."""
    x0 = _start(family, x0)
    cert = certify(family, x0)
    depth = cert.steps_for(tol)
    draws = forward_ensemble(family, sample_word_array(family, m, depth, rng), x0).final
    return CertifiedSample(draws, float(cert.limit(depth)), depth, cert)


def one_step_short(family, m, tol, rng=None, x0=None):
    """Stops one step before the certified depth, and reports that depth's (too large) bound."""
    x0 = _start(family, x0)
    cert = certify(family, x0)
    depth = cert.steps_for(tol) - 1
    draws = backward_ensemble(family, sample_word_array(family, m, depth, rng), x0).final
    return CertifiedSample(draws, float(cert.limit(depth)), depth, cert)


def one_step_short_claiming_certified(family, m, tol, rng=None, x0=None):
    """Drops the newest map of each word but claims the certified depth and bound."""
    x0 = _start(family, x0)
    cert = certify(family, x0)
    depth = cert.steps_for(tol)
    words = sample_word_array(family, m, depth, rng)
    draws = backward_ensemble(family, words[:, :-1], x0).final
    return CertifiedSample(draws, float(cert.limit(depth)), depth, cert)


# --- small batch (C8) ----------------------------------------------------------------------


def forward_increments(family, idx, x0):
    """|x_{n+1} - x_n| of the forward chain: they do not decay (C3)."""
    return np.linalg.norm(np.diff(forward(family, idx, x0), axis=0), axis=1)


def full_batch_curvature(model, lr):
    """Every batch steps with the full-data Hessian X^T X / N instead of its own."""
    A = np.broadcast_to(np.eye(model.dim) - lr * model.mean_hessian(), (model.K, model.dim, model.dim))
    return AffineFamily(A, lr * model.q, model.probs)


def backward_trajectory_as_samples(family, m, n, x0, rng):
    """The iterates y_{n+1}, ..., y_{n+m} of one backward run: they converge to one point."""
    word = sample_word_array(family, 1, n + m, rng)[0]
    return Ensemble(backward(family, word, x0)[n + 1 :], (), np.empty((0, m, family.dim)))


def stops_after_few_steps(family, m, n, x0, rng):
    """Ten backward steps from x0, whatever depth was asked: far from the limit."""
    return sample_backward_ensemble(family, m, 10, x0, rng)
