"""Distribution tests and distances: calibration, power, analytic CDFs, bad input.

Statistical checks use fixed seeds; each states its false-alarm rate alpha (the probability
that a correct implementation fails for a fresh seed).
"""

import numpy as np
import pytest

from revsgd.theory.analytic_laws import arcsine_cdf, cantor_cdf, uniform_cdf
from revsgd.theory.distributions import (
    energy_test,
    ks_one_sample,
    ks_two_sample,
    sliced_wasserstein,
    wasserstein_1d,
)

ALPHA = 1e-3


def test_cantor_cdf_exact_values_and_self_similarity():
    x = np.linspace(0, 1, 1001)
    F = cantor_cdf(x)
    assert np.all(np.diff(F) >= 0)
    assert np.allclose(cantor_cdf([0.0, 1 / 9, 0.25, 0.5, 0.75, 1.0]), [0, 0.25, 1 / 3, 0.5, 2 / 3, 1], atol=1e-15)
    # F(x/3) = F(x)/2 and F(x/3 + 2/3) = 1/2 + F(x)/2
    assert np.allclose(cantor_cdf(x / 3), F / 2, atol=1e-15)
    assert np.allclose(cantor_cdf(x / 3 + 2 / 3), 0.5 + F / 2, atol=1e-15)
    assert cantor_cdf([-1.0])[0] == 0 and cantor_cdf([2.0])[0] == 1


def test_uniform_and_arcsine_cdf():
    assert np.allclose(uniform_cdf([-2, 0, 3], -1, 1), [0, 0.5, 1])
    assert np.allclose(arcsine_cdf([0, 0.5, 1]), [0, 0.5, 1])
    with pytest.raises(ValueError, match="a < b"):
        uniform_cdf([0.0], 1, 1)


def test_two_sample_tests_accept_same_law_and_reject_shift():
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=(400, 3)), rng.normal(size=(400, 3))
    for correction in ("holm", "bonferroni"):
        assert ks_two_sample(x, y, correction).pvalue > ALPHA
    assert energy_test(x, y, rng=0).pvalue > ALPHA
    z = y + np.array([0.0, 0.0, 0.5])
    assert ks_two_sample(x, z).pvalue < ALPHA
    assert energy_test(x[:200], z[:200] + np.array([0.0, 0.0, 0.5]), rng=0).pvalue < 0.01  # shift 1; min p 1/200


def test_holm_is_never_more_conservative_than_bonferroni():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(100, 5)), rng.normal(0.2, 1, size=(100, 5))
    h, b = ks_two_sample(x, y, "holm"), ks_two_sample(x, y, "bonferroni")
    assert np.all(h.details["adjusted"] <= b.details["adjusted"] + 1e-15)


def test_wasserstein_known_values():
    x = np.linspace(0, 1, 101)
    assert wasserstein_1d(x, x + 0.3) == pytest.approx(0.3)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    shift = np.array([1.0, 0, 0, 0])
    sw = sliced_wasserstein(X, X + shift, rng=1)
    assert 0 < sw <= 1.0 + 1e-12  # |u . shift| <= 1, and W1 of a translate is the shift


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ks_two_sample(np.zeros((0, 2)), np.zeros((3, 2))), "x must hold"),
        (lambda: energy_test(np.zeros((3, 2)), np.zeros((0, 2))), "y must hold"),
        (lambda: ks_two_sample(np.zeros((3, 2)), np.zeros((3, 3))), "same dimension"),
        (lambda: wasserstein_1d(np.zeros((3, 2)), np.zeros((3, 2))), "1-D"),
        (lambda: ks_one_sample(np.zeros(0), cantor_cdf), "non-empty"),
        (lambda: ks_two_sample(np.zeros(3), np.zeros(3), "sidak"), "correction"),
    ],
)
def test_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def _energy_test_naive(x, y, permutations, seed):
    """The textbook permutation test: gather the permuted distance matrix each time."""
    import scipy.spatial

    x, y = np.asarray(x, float).reshape(len(x), -1), np.asarray(y, float).reshape(len(y), -1)
    Z = np.vstack([x, y])
    D = scipy.spatial.distance.squareform(scipy.spatial.distance.pdist(Z))
    n = len(x)

    def stat(M):
        return 2.0 * M[:n, n:].mean() - M[:n, :n].mean() - M[n:, n:].mean()

    gen = np.random.default_rng(seed)
    s = stat(D)
    stats = np.array([stat(D[np.ix_(p, p)]) for p in (gen.permutation(len(Z)) for _ in range(permutations))])
    return s, stats


@pytest.mark.parametrize("n,m,d,shift", [(30, 45, 1, 0.0), (40, 25, 3, 0.3), (20, 20, 2, 1.0)])
def test_energy_test_matches_the_naive_permutation_test(n, m, d, shift):
    g = np.random.default_rng(n + m + d)
    x, y = g.standard_normal((n, d)), g.standard_normal((m, d)) + shift
    s, stats = _energy_test_naive(x, y, 99, seed=7)
    res = energy_test(x, y, permutations=99, rng=7)
    scale = np.abs(stats).max() + abs(s)
    assert abs(res.statistic - s) <= 1e-12 * scale
    # the p-value is identical unless a permuted statistic lies within round-off of s
    close = np.abs(stats - s) <= 1e-12 * scale
    assert not close.any()
    assert res.pvalue == (1 + np.sum(stats >= s)) / 100
