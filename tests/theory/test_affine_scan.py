"""The blocked affine trajectories (theory.affine_scan) against the naive references.

The property tests of tests/theory/test_iterate.py use short words, which take the plain
loop; these use words longer than the loop threshold, small segments (so the carry between
segments is exercised), thinning (a recorded stride), dimension 1 and non-symmetric matrices.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.opaque import OpaqueFamily
from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory import backward, backward_last, forward, forward_last
from revsgd.theory import affine_scan
from revsgd.theory.affine_scan import backward_affine, forward_affine
from revsgd.theory.family import AffineFamily
from revsgd.theory.reference import backward_naive_affine, forward_naive
from revsgd.theory.strategies import affine_families, index_sequences, seeds


@st.composite
def long_problems(draw, min_dim=1, max_dim=4):
    fam = draw(affine_families(min_dim=min_dim, max_dim=max_dim))
    idx = draw(index_sequences(fam.K, min_size=60, max_size=300))
    x0 = np.random.default_rng(draw(seeds())).standard_normal(fam.dim)
    stride = draw(st.integers(1, 9))
    segment = draw(st.sampled_from([17, 64, 100, affine_scan.SEGMENT]))
    return fam, idx, x0, stride, segment


@given(long_problems())
def test_blocked_backward_matches_recomputation(problem):
    fam, idx, x0, stride, segment = problem
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    ref = backward_naive_affine(fam.A, fam.b, idx, x0)[::stride]
    got = backward_affine(fam.A, fam.b, idx, x0, stride, segment)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol)


@given(long_problems())
def test_blocked_forward_matches_loop(problem):
    fam, idx, x0, stride, segment = problem
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    ref = forward_naive(fam, idx, x0)[::stride]
    got = forward_affine(fam.A, fam.b, idx, x0, stride, segment)
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=tol)


@given(long_problems(min_dim=1, max_dim=1))
def test_dimension_one_closed_path_is_the_loop_bit_for_bit(problem):
    # cumprod / cumsum perform the loop's multiplications and additions in the loop's order.
    fam, idx, x0, stride, _ = problem
    s = fam.A[:, :, 0] @ x0 + fam.b[:, 0] - x0[0]
    P, y, rows = 1.0, x0[0], [x0[0]]
    for k in idx:
        y = y + P * s[k]
        P = P * fam.A[k, 0, 0]
        rows.append(y)
    kept = range(0, idx.size + 1, stride)
    np.testing.assert_array_equal(backward(fam, idx, x0, record=kept)[:, 0], np.array(rows)[::stride])


def test_last_iterates_match_the_trajectories():
    rng = np.random.default_rng(5)
    A = rng.standard_normal((3, 4, 4))
    A *= 0.9 / np.linalg.norm(A, 2, axis=(1, 2))[:, None, None]
    fam = AffineFamily(A, rng.standard_normal((3, 4)))
    idx, x0 = rng.integers(0, 3, 500), rng.standard_normal(4)
    tol = trajectory_tol(500, 4, iterate_scale(fam, x0))
    np.testing.assert_allclose(forward_last(fam, idx, x0), forward_naive(fam, idx, x0)[-1], atol=tol, rtol=0)
    np.testing.assert_allclose(
        backward_last(fam, idx, x0), backward_naive_affine(fam.A, fam.b, idx, x0)[-1], atol=tol, rtol=0
    )
    np.testing.assert_array_equal(forward_last(fam, [], x0), x0)


def test_thinned_general_family_matches_thinned_affine():
    rng = np.random.default_rng(6)
    A = rng.standard_normal((2, 3, 3))
    A *= 0.8 / np.linalg.norm(A, 2, axis=(1, 2))[:, None, None]
    fam = AffineFamily(A, rng.standard_normal((2, 3)))
    idx, x0 = rng.integers(0, 2, 70), rng.standard_normal(3)
    tol = trajectory_tol(70, 3, iterate_scale(fam, x0))
    for stride in (1, 4, 70, 71):
        kept = range(0, 71, stride)
        np.testing.assert_allclose(
            backward(OpaqueFamily(fam), idx, x0, record=kept), backward(fam, idx, x0, record=kept),
            atol=tol, rtol=0,
        )
        np.testing.assert_allclose(
            forward(OpaqueFamily(fam), idx, x0, record=kept), forward(fam, idx, x0, record=kept),
            atol=tol, rtol=0,
        )
        assert forward(fam, idx, x0, record=kept).shape == (70 // stride + 1, 3)


def test_overflow_falls_back_to_the_sequential_loop():
    # An expanding family: the blocked products overflow; the returned trajectory must be
    # exactly what the sequential recurrence gives (inf where it overflows), never NaN from
    # inf * 0 introduced by the blocking.
    A = np.array([[[10.0, 0.0], [0.0, 0.5]], [[0.5, 0.0], [0.0, 10.0]]])
    b = np.array([[1.0, 0.0], [0.0, 1.0]])
    idx = np.tile([0, 0, 1], 400)
    x0 = np.array([1.0, 1.0])
    with np.errstate(over="ignore", invalid="ignore"):
        got = backward_affine(A, b, idx, x0)
        inc, _ = affine_scan._backward_loop(A, np.einsum("kij,j->ki", A, x0) + b - x0, idx, np.eye(2))
        ref = np.cumsum(np.concatenate([x0[None], inc]), axis=0)
        fwd = forward_affine(A, b, idx, x0)
        fwd_ref = affine_scan._forward_loop(A, b, idx, x0)
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(fwd[1:], fwd_ref)
    assert not np.isfinite(got[-1]).all() and not np.isfinite(fwd[-1]).all()


# Bad ``record`` values (which replaced ``every``): tests/theory/test_iterate.py::test_bad_record.
