"""Index sequences: the three schemes and their laws."""

import numpy as np
import pytest
from scipy import stats

from revsgd.theory import sample_indices


def test_iid_follows_probs():
    """Chi-square goodness of fit, fixed seed; false-alarm rate 1e-3."""
    p = np.array([0.1, 0.2, 0.3, 0.4])
    idx = sample_indices(4, 20000, rng=7, probs=p)
    counts = np.bincount(idx, minlength=4)
    assert stats.chisquare(counts, 20000 * p).pvalue > 1e-3


def test_iid_rejects_a_wrong_law():
    idx = sample_indices(4, 20000, rng=7, probs=[0.1, 0.2, 0.3, 0.4])
    counts = np.bincount(idx, minlength=4)
    assert stats.chisquare(counts, np.full(4, 5000.0)).pvalue < 1e-10


def test_reshuffle_epochs_are_permutations():
    idx = sample_indices(5, 23, rng=3, scheme="reshuffle")
    assert idx.shape == (23,)
    for e in range(4):
        assert sorted(idx[5 * e : 5 * e + 5]) == list(range(5))
    assert set(idx[20:]) <= set(range(5)) and len(set(idx[20:])) == 3


def test_reshuffle_epochs_are_uniform_permutations():
    """All 6 permutations of 3 items equally likely: chi-square, false-alarm rate 1e-3."""
    idx = sample_indices(3, 3 * 12000, rng=11, scheme="reshuffle").reshape(-1, 3)
    codes = idx[:, 0] * 9 + idx[:, 1] * 3 + idx[:, 2]
    _, counts = np.unique(codes, return_counts=True)
    assert counts.size == 6
    assert stats.chisquare(counts).pvalue > 1e-3


def test_cyclic():
    np.testing.assert_array_equal(sample_indices(3, 7, scheme="cyclic"), [0, 1, 2, 0, 1, 2, 0])


def test_seed_and_generator_reproducible():
    a = sample_indices(6, 50, rng=5)
    b = sample_indices(6, 50, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    assert sample_indices(6, 0, rng=5).shape == (0,)


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(K=0, n=3), ValueError, "K must be a positive integer, got 0"),
        (dict(K=2.5, n=3), TypeError, "K must be a positive integer"),
        (dict(K=2, n=-1), ValueError, "n must be a non-negative integer, got -1"),
        (dict(K=2, n=3, scheme="random"), ValueError, "scheme must be one of iid, reshuffle, cyclic"),
        (dict(K=2, n=3, probs=[0.5, 0.6]), ValueError, "probs must sum to 1"),
        (dict(K=2, n=3, probs=[1.5, -0.5]), ValueError, "probs must be non-negative"),
        (dict(K=2, n=3, probs=[1.0]), ValueError, r"probs must have shape \(2\)"),
        (dict(K=2, n=3, probs=[0.5, 0.5], scheme="cyclic"), ValueError, "probs applies to scheme 'iid'"),
        (dict(K=2, n=3, rng="seed"), TypeError, "rng must be a numpy.random.Generator"),
        (dict(K=2, n=3, rng=-1), ValueError, "rng seed must be >= 0"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        sample_indices(**kwargs)
