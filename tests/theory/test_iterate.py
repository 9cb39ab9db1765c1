"""Forward and backward trajectories against the naive references of theory.reference."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.opaque import OpaqueFamily
from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory import backward, backward_at, backward_certified, forward
from revsgd.theory.engine import CERTIFIED_BOUND
from revsgd.theory.family import AffineFamily
from revsgd.theory.reference import backward_naive, backward_naive_affine, forward_naive
from revsgd.theory.run import Run
from revsgd.theory.strategies import affine_families, index_sequences, seeds


@st.composite
def problems(draw, max_size=40, **family_options):
    fam = draw(affine_families(**family_options))
    idx = draw(index_sequences(fam.K, max_size=max_size))
    x0 = np.random.default_rng(draw(seeds())).standard_normal(fam.dim)
    return fam, idx, x0


@given(problems())
def test_forward_matches_naive_loop(problem):
    fam, idx, x0 = problem
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    np.testing.assert_allclose(forward(fam, idx, x0), forward_naive(fam, idx, x0), rtol=0, atol=tol)


@given(problems())
def test_backward_affine_matches_recomputation(problem):
    fam, idx, x0 = problem
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    got = backward(fam, idx, x0)
    assert got.shape == (idx.size + 1, fam.dim)
    np.testing.assert_allclose(got, backward_naive(fam, idx, x0), rtol=0, atol=tol)
    np.testing.assert_allclose(
        got, backward_naive_affine(fam.A, fam.b, idx, x0), rtol=0, atol=tol
    )


@given(problems(max_size=25))
def test_backward_general_wavefront_matches_recomputation(problem):
    fam, idx, x0 = problem
    opaque = OpaqueFamily(fam)
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    np.testing.assert_allclose(
        backward(opaque, idx, x0), backward_naive(fam, idx, x0), rtol=0, atol=tol
    )
    np.testing.assert_allclose(
        forward(opaque, idx, x0), forward_naive(fam, idx, x0), rtol=0, atol=tol
    )


@given(problems(min_dim=1, max_dim=1))
def test_dimension_one(problem):
    fam, idx, x0 = problem
    tol = trajectory_tol(idx.size, 1, iterate_scale(fam, x0))
    np.testing.assert_allclose(backward(fam, idx, x0), backward_naive(fam, idx, x0), atol=tol, rtol=0)


def test_orders_differ_on_a_hand_example():
    # T0(x) = x/2, T1(x) = x/2 + 1/2 ; idx = (1, 0): forward T0(T1(0)) = 1/4,
    # backward T1(T0(0)) = 1/2.
    fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
    np.testing.assert_array_equal(forward(fam, [1, 0], [0.0])[:, 0], [0.0, 0.5, 0.25])
    np.testing.assert_array_equal(backward(fam, [1, 0], [0.0])[:, 0], [0.0, 0.5, 0.5])


def test_empty_sequence_gives_start_point():
    fam = AffineFamily(np.eye(2)[None] * 0.5, np.ones((1, 2)))
    for traj in (forward(fam, [], [1.0, 2.0]), backward(fam, [], [1.0, 2.0])):
        np.testing.assert_array_equal(traj, [[1.0, 2.0]])


@given(problems(max_size=60), st.floats(1e-10, 1e-2))
def test_certified_backward_within_its_bound(problem, tol):
    fam, idx, x0 = problem
    res = backward_certified(OpaqueFamily(fam), idx, x0, tol)
    assert isinstance(res, Run) and res.bound == CERTIFIED_BOUND
    np.testing.assert_array_equal(res.word, idx)
    exact = backward_naive(fam, idx, x0)
    err = np.linalg.norm(res.trajectory - exact, axis=1).max()
    rounding = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    assert err <= res.error_bound + rounding
    assert res.error_bound <= tol
    assert res.applications == res.depth * (res.depth + 1) // 2
    # the depth is the least the bound allows (or the whole run)
    assert res.depth == min(res.certificate.steps_for(tol), idx.size)


def test_certified_backward_saves_work_and_reports_its_bound():
    fam = AffineFamily(np.full((2, 1, 1), 0.5), [[1.0], [-1.0]])
    idx = np.random.default_rng(0).integers(0, 2, size=500)
    opaque = OpaqueFamily(fam)
    res = backward_certified(opaque, idx, [0.0], 1e-9)
    # rho = 1/2, C = 1: 2^-m * 2 <= 1e-9  <=>  m >= 30.9
    assert res.depth == 31
    assert opaque.calls == 31 + 1  # one apply for C, one per wavefront level
    assert "rho^m C / (1 - rho)" in res.bound
    np.testing.assert_allclose(
        res.trajectory[-1], backward(fam, idx, [0.0])[-1], atol=res.error_bound, rtol=0
    )


@given(problems(max_size=30), st.data())
def test_backward_at_matches_recomputation(problem, data):
    """The wavefront restricted to chosen steps, through the general interface."""
    fam, idx, x0 = problem
    steps = np.array(data.draw(st.lists(st.integers(0, idx.size), min_size=1, max_size=6)))
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    np.testing.assert_allclose(
        backward_at(OpaqueFamily(fam), idx, x0, steps), backward_naive(fam, idx, x0)[steps],
        rtol=0, atol=tol,
    )


def test_backward_at_refuses_steps_outside_the_run():
    fam = AffineFamily(np.full((2, 1, 1), 0.5), [[1.0], [-1.0]])
    with pytest.raises(ValueError, match=r"steps must lie in 0\.\.3, got values in 0\.\.4"):
        backward_at(fam, [0, 1, 0], [0.0], [0, 4])
    with pytest.raises(ValueError, match="steps must not be empty"):
        backward_at(fam, [0, 1, 0], [0.0], [])


@given(problems(max_size=30), st.data())
def test_recorded_rows_are_the_rows_of_the_full_trajectory(problem, data):
    """record keeps rows of the full run, bit for bit, for affine and general families."""
    fam, idx, x0 = problem
    n = idx.size
    record = sorted(data.draw(st.sets(st.integers(0, n), max_size=6)))
    for f in (fam, OpaqueFamily(fam)):
        for fn in (forward, backward):
            np.testing.assert_array_equal(fn(f, idx, x0, record=record), fn(f, idx, x0)[record])
    k = data.draw(st.integers(1, n + 2))
    np.testing.assert_array_equal(backward(fam, idx, x0, record=range(0, n + 1, k)), backward(fam, idx, x0)[::k])


@pytest.mark.parametrize("record,exc,match", [
    ([2, 1], ValueError, "strictly increasing"),
    ([0, 3], ValueError, r"0\.\.2"),
    ([-1, 0], ValueError, "strictly increasing step numbers in 0..2"),
    (2.5, TypeError, "record"),
    ([[0, 1]], ValueError, "1-D"),
    ([0.0, 1.0], TypeError, "integer"),
    ("01", TypeError, "record"),
    (2, TypeError, "record"),
    (True, TypeError, "record"),
])
def test_bad_record(record, exc, match):
    fam = AffineFamily(np.eye(1)[None] * 0.5, np.zeros((1, 1)))
    for f in (fam, OpaqueFamily(fam)):
        for fn in (forward, backward):
            with pytest.raises(exc, match=match):
                fn(f, [0, 0], [0.0], record=record)


def test_bad_word_names_the_word():
    fam = AffineFamily(np.eye(1)[None] * 0.5, np.zeros((1, 1)))
    with pytest.raises(ValueError, match="word must lie in 0..0"):
        backward(fam, [0, 1], [0.0])
    with pytest.raises(TypeError, match="word"):
        forward(fam, "01", [0.0])
