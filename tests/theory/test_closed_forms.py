"""Closed-form stationary laws of THEORY.md section 3 from certified backward draws.

Each KS check has false-alarm rate ALPHA = 1e-3 under a correct implementation (fixed seeds);
the certified error tol = 1e-9 shifts the empirical CDF by far less than the KS resolution.
"""

import numpy as np

from revsgd.models import bernoulli_convolution, binary_chain, cantor_maps, two_batch_quadratic
from revsgd.theory import (
    arcsine_cdf,
    backward_ensemble,
    cantor_cdf,
    forward_ensemble,
    ks_one_sample,
    ks_two_sample,
    sample_stationary,
    sample_word_array,
    uniform_cdf,
)

ALPHA = 1e-3
M = 4000


def draws(fam, seed):
    return sample_stationary(fam, M, 1e-9, rng=seed).draws[:, 0]


def test_cantor_law_accepted_and_arcsine_rejected():
    x = draws(cantor_maps(), 1)
    assert ks_one_sample(x, cantor_cdf).pvalue > ALPHA
    assert ks_one_sample(x, arcsine_cdf).pvalue < ALPHA  # same mean and variance
    # mean 1/2, variance 1/8: CLT 4-sigma bounds (false alarm < 1e-4)
    assert abs(x.mean() - 0.5) <= 4 * np.sqrt(1 / 8 / M)
    assert abs(x.var() - 1 / 8) <= 4 * x.var() * np.sqrt(2 / M)


def test_two_batch_quadratic_half_is_uniform_and_two_thirds_is_scaled_cantor():
    x = draws(two_batch_quadratic().step_family(0.5), 2)
    assert ks_one_sample(x, lambda t: uniform_cdf(t, -1, 1)).pvalue > ALPHA
    y = draws(two_batch_quadratic().step_family(2 / 3), 3)
    assert ks_one_sample(y, lambda t: cantor_cdf((t + 1) / 2)).pvalue > ALPHA
    assert not np.any(np.abs(y) < 1 / 3 - 1e-8)  # no mass in (-1/3, 1/3)


def test_binary_chain_and_bernoulli_half_are_uniform():
    assert ks_one_sample(draws(binary_chain(), 4), uniform_cdf).pvalue > ALPHA
    x = draws(bernoulli_convolution(0.5), 5)
    assert ks_one_sample(x, lambda t: uniform_cdf(t, -2, 2)).pvalue > ALPHA


def test_forward_and_backward_have_the_same_law_at_small_n():
    # C2 at n = 3: independent words, same law; two KS tests with Holm, alpha = 1e-3.
    fam = bernoulli_convolution(0.6)
    fwd = forward_ensemble(fam, sample_word_array(fam, M, 3, rng=6), [0.3]).final
    bwd = backward_ensemble(fam, sample_word_array(fam, M, 3, rng=7), [0.3]).final
    assert ks_two_sample(fwd, bwd).pvalue > ALPHA
    # ...while x_3 is far from pi (power check: the test can fail).
    assert ks_two_sample(fwd, draws(fam, 8)[:, None]).pvalue < ALPHA
