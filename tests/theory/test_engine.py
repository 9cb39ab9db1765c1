"""The composition engine (theory.engine) against a naive row-by-row composition."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.opaque import OpaqueFamily
from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory.contraction import certify
from revsgd.theory.engine import CERTIFIED_BOUND, Positions, certified_run, wavefront
from revsgd.theory.family import AffineFamily
from revsgd.theory.strategies import affine_families, seeds


def compose_naive(fam, word, starts, matrix, depth):
    """Row r: T_{word[matrix[r, D_r - 1]]} o ... o T_{word[matrix[r, 0]]}(starts[r]), one map at a time."""
    rows = []
    for r in range(len(starts)):
        z = np.asarray(starts[r], float)
        for s in range(depth[r]):
            z = fam.apply(int(word[matrix[r, s]]), z)
        rows.append(z)
    return np.array(rows).reshape(len(starts), fam.dim)


@st.composite
def position_matrices(draw):
    fam = draw(affine_families(max_K=4))
    rng = np.random.default_rng(draw(seeds()))
    n, R = draw(st.integers(1, 12)), draw(st.integers(1, 6))
    word = rng.integers(0, fam.K, n)
    depth = rng.integers(0, 8, R)
    matrix = rng.integers(0, n, (R, max(int(depth.max()), 1)))
    starts = rng.standard_normal((R, fam.dim))
    return fam, word, starts, matrix, depth


@given(position_matrices(), st.booleans())
def test_wavefront_matches_the_naive_composition(problem, opaque):
    fam, word, starts, matrix, depth = problem
    family = OpaqueFamily(fam) if opaque else fam
    positions = Positions(depth, lambda rows, s: matrix[rows, s])
    record = sorted({0, int(depth.max()), int(depth.min())})
    got, recorded = wavefront(family, word, starts, positions, record=record)
    scale = max(iterate_scale(fam, x) for x in starts)
    tol = trajectory_tol(int(depth.max()), fam.dim, scale)
    np.testing.assert_allclose(got, compose_naive(fam, word, starts, matrix, depth), rtol=0, atol=tol)
    for r, level in enumerate(record):  # after `level` levels, row i has applied min(D_i, level) maps
        partial = compose_naive(fam, word, starts, matrix, np.minimum(depth, level))
        np.testing.assert_allclose(recorded[r], partial, rtol=0, atol=tol)
    if opaque:  # one batched call per level, sum D_r rows
        assert family.calls == positions.levels and family.rows == int(depth.sum())


def test_wavefront_leaves_the_starts_alone_and_skips_finished_rows():
    fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
    starts = np.array([[1.0], [2.0]])
    positions = Positions(np.array([0, 2]), lambda rows, s: np.full(rows.shape, s))
    rows, recorded = wavefront(fam, np.array([1, 0]), starts, positions)
    np.testing.assert_array_equal(rows[:, 0], [1.0, 0.75])  # T0(T1(2)) = (1 + 0.5) / 2
    np.testing.assert_array_equal(starts[:, 0], [1.0, 2.0])
    assert recorded.shape == (0, 2, 1)


@given(affine_families(max_K=3), seeds(), st.floats(1e-8, 1e-1), st.integers(1, 4))
def test_certified_run_freezes_after_the_certified_depth(fam, seed, tol, multiple):
    rng = np.random.default_rng(seed)
    word, x0 = rng.integers(0, fam.K, 30), rng.standard_normal(fam.dim)
    exact = rng.standard_normal((31, fam.dim))  # any rows: the freezing does not look at them
    asked = []
    run = certified_run(fam, word, x0, tol, lambda D: asked.append(D) or exact[: D + 1], multiple)
    cert = certify(fam, x0)
    D = min(30, multiple * -(-cert.steps_for(tol) // multiple))
    assert asked == [D] and run.depth == D and run.applications == D * (D + 1) // 2
    np.testing.assert_array_equal(run.trajectory[: D + 1], exact[: D + 1])
    np.testing.assert_array_equal(run.trajectory[D + 1 :], np.broadcast_to(exact[D], (30 - D, fam.dim)))
    assert run.error_bound == (0.0 if D == 30 else cert.limit(D)) and run.error_bound <= tol
    assert run.certificate == cert and run.bound == CERTIFIED_BOUND
    np.testing.assert_array_equal(run.word, word)


@pytest.mark.parametrize("tol,exc", [(0.0, ValueError), (-1.0, ValueError), ("1", TypeError)])
def test_certified_run_refuses_bad_tol(tol, exc):
    fam = AffineFamily([[[0.5]]], [[1.0]])
    with pytest.raises(exc, match="tol"):
        certified_run(fam, np.zeros(3, dtype=np.int64), np.zeros(1), tol, lambda D: np.zeros((D + 1, 1)))
