"""The C10 sampling checks and the C8 small-batch checks pass on the real implementations
and fail on natural mistakes.

Sampling: a depth computed from the inverted ratio of logarithms (depth 1), one word shared
by all draws, forward composition of the words, a sampler that stops one step short (and
says so, or claims the certified depth anyway). Forward composition gives end points with
the same law as backward ones (C2), so only the pathwise check can see it; the law checks
are asserted to accept it.

Small batch: an "exponent" that is really E log Lip (= 0 here), the exponent in base-10
logarithms, an exponent with a bias, increments of the forward chain (which do not decay,
C3), every batch stepping with the full-data curvature (then each map contracts), and two
limit samplers: the successive iterates of one backward run (which converge to one point)
and a backward run stopped after a few steps. (Composing the limit sampler's words in the
forward order gives the same law, C2, and is invisible to the law check.)
"""

import math
import numbers

import numpy as np
import pytest

from revsgd.proofs_check.numeric import sampling, small_batch
from revsgd.proofs_check.registry import check_rng
from revsgd.theory.contraction import certify
from revsgd.theory.ensemble import backward_ensemble, forward_ensemble, sample_backward_ensemble, sample_word_array
from revsgd.theory.family import AffineFamily
from revsgd.theory.iterate import backward, forward
from revsgd.theory.lyapunov import LyapunovEstimate, lyapunov_exponent, mean_log_lipschitz
from revsgd.theory.run import Ensemble
from revsgd.theory.sampling import CertifiedSample


# --- broken samplers (C10) -------------------------------------------------------------


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


# --- broken pieces (C8) ------------------------------------------------------------------


def lipschitz_as_exponent(family, **kwargs):
    """E log Lip(T_xi) reported as the exponent: 0 for non-expansive maps."""
    g = mean_log_lipschitz(family)
    runs, steps = kwargs.get("runs", 16), kwargs.get("steps", 2000)
    return LyapunovEstimate(g, (g, g), kwargs.get("confidence", 0.99), runs, steps, np.full(runs, g))


def _transformed(est, f):
    return LyapunovEstimate(f(est.exponent), (f(est.interval[0]), f(est.interval[1])), est.confidence,
                            est.runs, est.steps, f(est.per_run))


def base_ten_estimator(family, **kwargs):
    """The exponent in log10 units: gamma / ln 10."""
    return _transformed(lyapunov_exponent(family, **kwargs), lambda g: g / np.log(10.0))


def biased_estimator(family, **kwargs):
    return _transformed(lyapunov_exponent(family, **kwargs), lambda g: g + 0.05)


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


CASES = [
    (sampling.c10_binary_chain_uniform, dict(sampler=inverted_log_depth)),
    (sampling.c10_binary_chain_uniform, dict(sampler=one_word_for_all)),
    (sampling.c10_cantor_cdf, dict(sampler=inverted_log_depth)),
    (sampling.c10_cantor_cdf, dict(sampler=one_word_for_all)),
    (sampling.c10_certified_error_bound, dict(sampler=forward_composition)),
    (sampling.c10_certified_error_bound, dict(sampler=one_step_short)),
    (sampling.c10_certified_error_bound, dict(sampler=one_step_short_claiming_certified)),
    (small_batch.c8_least_squares_small_batch, dict(estimator=lipschitz_as_exponent)),
    (small_batch.c8_least_squares_small_batch, dict(estimator=base_ten_estimator)),
    (small_batch.c8_least_squares_small_batch, dict(estimator=biased_estimator)),
    (small_batch.c8_least_squares_small_batch, dict(increments=forward_increments)),
    (small_batch.c8_least_squares_small_batch, dict(step_family=full_batch_curvature)),
    (small_batch.c8_least_squares_small_batch_law, dict(limit_sampler=backward_trajectory_as_samples)),
    (small_batch.c8_least_squares_small_batch_law, dict(limit_sampler=stops_after_few_steps)),
]

CHECKS = [sampling.c10_binary_chain_uniform, sampling.c10_cantor_cdf, sampling.c10_certified_error_bound,
          small_batch.c8_least_squares_small_batch, small_batch.c8_least_squares_small_batch_law]


def _is_numeric(value):
    if value is None or isinstance(value, numbers.Real):
        return True
    return isinstance(value, list) and all(isinstance(v, numbers.Real) for v in value)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_passes_with_numeric_outcome(check):
    out = check(check_rng(check.__name__, 0))
    assert out.passed, (out.measured, out.expected, out.note)
    assert _is_numeric(out.measured) and _is_numeric(out.expected), (out.measured, out.expected)
    assert out.instance and out.note


@pytest.mark.parametrize("check,broken", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_check_rejects_broken_implementation(check, broken):
    assert check(check_rng(check.__name__, 0)).passed
    out = check(check_rng(check.__name__, 0), **broken)
    assert out.passed is False, (out.measured, out.expected)
    assert _is_numeric(out.measured) and _is_numeric(out.expected)


@pytest.mark.parametrize("check", [sampling.c10_binary_chain_uniform, sampling.c10_cantor_cdf],
                         ids=lambda c: c.__name__)
def test_law_checks_cannot_see_the_composition_order(check):
    """Forward end points of i.i.d. words have the law of backward ones (C2): the law checks
    accept them, which is why c10_certified_error_bound checks each draw against its word."""
    assert check(check_rng(check.__name__, 0), sampler=forward_composition).passed
