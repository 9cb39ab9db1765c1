"""Ensembles of chains against a loop of single-chain forward/backward runs on the same words."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.opaque import OpaqueFamily
from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory import (
    Ensemble,
    backward,
    backward_ensemble,
    forward,
    forward_ensemble,
    sample_backward_ensemble,
    sample_forward_ensemble,
    sample_word_array,
)
from revsgd.theory.strategies import affine_families, seeds


@st.composite
def ensembles(draw):
    fam = draw(affine_families(max_dim=4, max_K=4, random_probs=True))
    rng = np.random.default_rng(draw(seeds()))
    m, n = draw(st.integers(1, 6)), draw(st.integers(0, 12))
    idx = rng.integers(0, fam.K, size=(m, n))
    x0 = rng.standard_normal((m, fam.dim))
    record = sorted(rng.choice(n + 1, size=draw(st.integers(0, n + 1)), replace=False).tolist())
    return fam, idx, x0, record


@given(ensembles(), st.booleans())
def test_ensemble_matches_loop_over_chains(problem, opaque):
    fam, idx, x0, record = problem
    family = OpaqueFamily(fam) if opaque else fam
    m, n = idx.shape
    ens = forward_ensemble(family, idx, x0, record=record)
    back = backward_ensemble(family, idx, x0)
    assert isinstance(back, Ensemble) and back.steps == () and back.recorded.shape == (0, m, fam.dim)
    ys = back.final
    for i in range(m):
        tol = trajectory_tol(n, fam.dim, iterate_scale(fam, x0[i]))
        traj = forward(fam, idx[i], x0[i])
        assert np.max(np.abs(ens.final[i] - traj[-1])) <= tol
        for r, s in enumerate(record):
            assert np.max(np.abs(ens.recorded[r, i] - traj[s])) <= tol
        assert np.max(np.abs(ys[i] - backward(fam, idx[i], x0[i])[-1])) <= tol
    assert ens.steps == tuple(record)


def test_common_start_point_is_broadcast():
    from revsgd.models import cantor_maps

    fam = cantor_maps()
    idx = np.array([[0, 1, 1], [1, 0, 0]])
    common = forward_ensemble(fam, idx, [0.25]).final
    each = forward_ensemble(fam, idx, [[0.25], [0.25]]).final
    assert np.array_equal(common, each)
    # backward: newest map first. Word (0, 1, 1): T0(T1(T1(x0))).
    expected = (((0.25 / 3 + 2 / 3) / 3 + 2 / 3) / 3)
    assert backward_ensemble(fam, idx, [0.25]).final[0, 0] == pytest.approx(expected, abs=1e-15)


def test_sampled_words_follow_probs():
    from revsgd.theory import AffineFamily

    fam = AffineFamily(np.zeros((3, 1, 1)), np.zeros((3, 1)), [0.2, 0.0, 0.8])
    words = sample_word_array(fam, 2000, 5, rng=7)
    assert words.shape == (2000, 5) and not np.any(words == 1)
    # Binomial(10000, 0.2): 5 sigma = 200.
    assert abs(np.count_nonzero(words == 0) - 2000) <= 200
    ens = sample_forward_ensemble(fam, 4, 3, [1.0], rng=1, record=[0, 3])
    assert np.array_equal(ens.recorded[0], np.ones((4, 1)))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(words=np.zeros((0, 3), int)), "m >= 1"),
        (dict(words=np.zeros(3, int)), "words must have shape \\(m, n\\)"),
        (dict(words=np.full((2, 3), 5)), "0..1"),
        (dict(x0=np.zeros(2)), "x0 must have shape"),
        (dict(record=[2, 1]), "strictly increasing"),
        (dict(record=[0, 4]), "0..3"),
    ],
)
def test_bad_input(kwargs, match):
    from revsgd.models import cantor_maps

    args = dict(words=np.zeros((2, 3), int), x0=np.zeros(1), record=None) | kwargs
    with pytest.raises(ValueError, match=match):
        forward_ensemble(cantor_maps(), args["words"], args["x0"], record=args["record"])


@pytest.mark.parametrize("K, d", [(1, 1), (7, 3), (300, 2)])  # 8-bit and 16-bit sort keys
def test_grouped_affine_sweep_matches_the_gathered_naive_sweep(K, d):
    from revsgd.theory.family import AffineFamily
    from revsgd.theory.reference import forward_ensemble_naive_affine

    rng = np.random.default_rng(K)
    A = rng.standard_normal((K, d, d))  # non-symmetric, contractive
    A *= 0.9 / np.linalg.norm(A, 2, axis=(1, 2))[:, None, None]
    fam = AffineFamily(A, rng.standard_normal((K, d)))
    m, n = 2000, 9
    idx, x0 = rng.integers(0, K, size=(m, n)), rng.standard_normal((m, d))
    ens = forward_ensemble(fam, idx, x0, record=[0, 4, 9])
    tol = trajectory_tol(n, d, max(iterate_scale(fam, x) for x in x0[:50]) + np.abs(x0).max())
    np.testing.assert_allclose(ens.final, forward_ensemble_naive_affine(fam.A, fam.b, idx, x0), rtol=0, atol=tol)
    np.testing.assert_allclose(ens.recorded[1], forward_ensemble_naive_affine(fam.A, fam.b, idx[:, :4], x0), rtol=0, atol=tol)
    np.testing.assert_array_equal(ens.recorded[0], x0)
    np.testing.assert_allclose(
        backward_ensemble(fam, idx, x0).final, forward_ensemble_naive_affine(fam.A, fam.b, idx[:, ::-1], x0),
        rtol=0, atol=tol,
    )


@given(ensembles())
def test_general_sweep_is_one_batched_call_per_step_and_matches_sampled(problem):
    """The engine's wavefront with one row per chain: n calls of m rows, both directions."""
    fam, idx, x0, _ = problem
    m, n = idx.shape
    op = OpaqueFamily(fam)
    forward_ensemble(op, idx, x0)
    backward_ensemble(op, idx, x0)
    assert op.calls == 2 * n and op.rows == 2 * m * n
    a = sample_backward_ensemble(fam, m, n, x0, rng=5)
    b = backward_ensemble(fam, sample_word_array(fam, m, n, rng=5), x0)
    np.testing.assert_array_equal(a.final, b.final)
