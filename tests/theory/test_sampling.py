"""Certified backward sampling (C10): bound, depth, agreement with the exact limit, errors."""

import numpy as np
import pytest

from revsgd.models import bernoulli_convolution, binary_chain, cantor_maps
from revsgd.theory import AffineFamily, backward, sample_stationary, sample_word_array, steps_for_tolerance


def test_draws_are_within_bound_of_long_backward_limit():
    fam = bernoulli_convolution(0.7)
    s = sample_stationary(fam, 50, 1e-6, rng=3)
    rho, C = s.certificate.rho, s.certificate.C
    assert s.depth == steps_for_tolerance(rho, C, 1e-6) and s.error_bound <= 1e-6
    # Re-run the same words (same seed) much deeper: the limit moves each draw by <= bound.
    words = sample_word_array(fam, 50, s.depth, rng=3)
    extra = sample_word_array(fam, 50, 80, rng=4)
    for i in range(50):
        deep = backward(fam, np.concatenate([words[i], extra[i]]), np.zeros(1))[-1]
        assert abs(deep[0] - s.draws[i, 0]) <= s.error_bound + 1e-12


def test_binary_chain_draws_are_dyadic_truncations():
    s = sample_stationary(binary_chain(), 1000, 1e-3, rng=0)
    # Uniform on [0, 1] at depth n: draws are k / 2^n, all in [0, 1).
    assert np.all((s.draws >= 0) & (s.draws < 1))
    assert np.allclose(s.draws * 2**s.depth, np.round(s.draws * 2**s.depth))


@pytest.mark.parametrize(
    "m, tol, match", [(0, 1e-3, "m must be"), (5, 0.0, "tol must be"), (5, -1.0, "tol must be")]
)
def test_bad_input(m, tol, match):
    with pytest.raises(ValueError, match=match):
        sample_stationary(cantor_maps(), m, tol)


def test_refuses_non_contracting_family():
    fam = AffineFamily(np.array([[[1.1]], [[0.2]]]), np.zeros((2, 1)))
    with pytest.raises(ValueError, match="not a uniform contraction"):
        sample_stationary(fam, 5, 1e-3)
