"""Windowed backward iteration (theory.windows) against naive loops, identities, bounds and laws.

Statistical checks: one fixed seed each; a per-coordinate KS test with Holm correction
rejects at alpha = 1e-3, so each law test has false-alarm rate <= 1e-3.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tolerances import iterate_scale, trajectory_tol
from tests.opaque import OpaqueFamily
from revsgd.theory import backward, certify, forward, ks_two_sample
from revsgd.theory.family import AffineFamily
from revsgd.theory.run import Run
from revsgd.theory.strategies import affine_families, index_sequences, orthogonal, seeds
from revsgd.theory.windows import (
    block_backward,
    block_backward_bound,
    block_word,
    moving_window,
    moving_window_applications,
)

ALPHA = 1e-3


def moving_window_naive(fam, idx, x0, w):
    """z_n = T_{xi_{n-w+1}} o ... o T_{xi_n}(x_{n-w}), x_{<0} := x_0, by plain loops."""
    x = [np.asarray(x0, float)]
    for k in idx:
        x.append(fam.apply(int(k), x[-1]))
    rows = []
    for n in range(len(idx) + 1):
        start = max(n - w, 0)
        z = x[start]
        for i in range(n, start, -1):  # xi_n first (innermost), xi_{start+1} last
            z = fam.apply(int(idx[i - 1]), z)
        rows.append(z)
    return np.array(rows)


def block_backward_naive(fam, idx, x0, w):
    """z_n = F_{B_1} o ... o F_{B_{j-1}}(T_{xi_n} o ... o T_{xi_{(j-1)w+1}}(x_0)), by plain loops."""
    rows = [np.asarray(x0, float)]
    for n in range(1, len(idx) + 1):
        j = -(-n // w)
        z = np.asarray(x0, float)
        for i in range((j - 1) * w + 1, n + 1):  # the newest, partial block, forward
            z = fam.apply(int(idx[i - 1]), z)
        for blk in range(j - 1, 0, -1):  # then F_{B_{j-1}}, ..., F_{B_1}
            for i in range((blk - 1) * w + 1, blk * w + 1):
                z = fam.apply(int(idx[i - 1]), z)
        rows.append(z)
    return np.array(rows)


@st.composite
def problems(draw, max_size=30, **family_options):
    fam = draw(affine_families(**family_options))
    idx = draw(index_sequences(fam.K, max_size=max_size))
    w = draw(st.integers(1, idx.size + 2))
    x0 = np.random.default_rng(draw(seeds())).standard_normal(fam.dim)
    return fam, idx, x0, w


# ------------------------------------------------------------ naive references


@given(problems())
def test_moving_window_matches_naive_loop(problem):
    fam, idx, x0, w = problem
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    run = moving_window(fam, idx, x0, w)
    assert isinstance(run, Run) and run.depth == idx.size and run.error_bound == 0.0
    np.testing.assert_array_equal(run.word, idx)
    assert run.trajectory.shape == (idx.size + 1, fam.dim)
    np.testing.assert_allclose(run.trajectory, moving_window_naive(fam, idx, x0, w), rtol=0, atol=tol)


@given(problems())
def test_block_backward_matches_naive_loop_affine_and_general(problem):
    fam, idx, x0, drawn = problem
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    for w in {drawn, 1, 2}:  # short blocks always: several block ends per word
        naive = block_backward_naive(fam, idx, x0, w)
        np.testing.assert_allclose(block_backward(fam, idx, x0, w).trajectory, naive, rtol=0, atol=tol)
        np.testing.assert_allclose(
            block_backward(OpaqueFamily(fam), idx, x0, w).trajectory, naive, rtol=0, atol=tol
        )


@given(problems(min_dim=1, max_dim=1))
def test_dimension_one(problem):
    fam, idx, x0, w = problem
    tol = trajectory_tol(idx.size, 1, iterate_scale(fam, x0))
    np.testing.assert_allclose(moving_window(fam, idx, x0, w).trajectory,
                               moving_window_naive(fam, idx, x0, w), rtol=0, atol=tol)
    np.testing.assert_allclose(block_backward(fam, idx, x0, w).trajectory,
                               block_backward_naive(fam, idx, x0, w), rtol=0, atol=tol)


@given(problems())
def test_block_word_is_the_order_of_application(problem):
    fam, idx, x0, w = problem
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    naive = block_backward_naive(fam, idx, x0, w)
    for n in range(idx.size + 1):
        word = block_word(idx, n, w)
        assert sorted(word.tolist()) == sorted(idx[:n].tolist())
        np.testing.assert_allclose(forward(fam, word, x0)[-1], naive[n], rtol=0, atol=tol)


def test_hand_example():
    # T0 = x/2, T1 = x/2 + 1/2, word (1, 0, 0), w = 2.
    fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
    mw = moving_window(fam, [1, 0, 0], [0.0], 2).trajectory[:, 0]
    np.testing.assert_array_equal(mw, [0.0, 0.5, 0.5, 0.125])  # z_3 = T0 T0 (x_1 = 1/2)
    bb = block_backward(fam, [1, 0, 0], [0.0], 2).trajectory[:, 0]
    np.testing.assert_array_equal(bb, [0.0, 0.5, 0.25, 0.25])  # z_3 = T0 T1 (T0(0))


# ------------------------------------------------------------ identities w = 1, w >= n


@given(problems())
def test_window_one_and_long_windows_are_forward_and_backward(problem):
    fam, idx, x0, _ = problem
    n = idx.size
    tol = trajectory_tol(n, fam.dim, iterate_scale(fam, x0))
    fwd, bwd = forward(fam, idx, x0), backward(fam, idx, x0)
    np.testing.assert_allclose(moving_window(fam, idx, x0, 1).trajectory, fwd, rtol=0, atol=tol)
    np.testing.assert_allclose(block_backward(fam, idx, x0, 1).trajectory, bwd, rtol=0, atol=tol)
    for w in (max(n, 1), n + 5):
        np.testing.assert_allclose(moving_window(fam, idx, x0, w).trajectory, bwd, rtol=0, atol=tol)
        # the affine block path with one block is the forward loop itself: bit for bit
        np.testing.assert_array_equal(block_backward(fam, idx, x0, w).trajectory, fwd)


# ------------------------------------------------------------ convergence to a point


@given(problems(max_size=40))
def test_block_backward_increments_obey_the_c1_style_bound(problem):
    fam, idx, x0, w = problem
    cert = certify(fam, x0)
    n = idx.size
    tol = trajectory_tol(n, fam.dim, iterate_scale(fam, x0))
    for f in (fam, OpaqueFamily(fam)):
        z = block_backward(f, idx, x0, w).trajectory
        inc = np.linalg.norm(np.diff(z, axis=0), axis=1)
        assert np.all(inc <= block_backward_bound(cert.rho, cert.C, np.arange(n), w) + 2 * tol)
        dist = np.linalg.norm(z - z[-1], axis=1)  # z_N stands in for z_inf: same bound
        assert np.all(dist <= block_backward_bound(cert.rho, cert.C, np.arange(n + 1), w) + 2 * tol)


@given(problems(max_size=40), seeds())
def test_block_backward_forgets_the_start(problem, seed):
    fam, idx, x0, w = problem
    x1 = np.random.default_rng(seed).standard_normal(fam.dim)
    rho = certify(fam, x0).rho
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0) + iterate_scale(fam, x1))
    gap = np.linalg.norm(block_backward(fam, idx, x0, w).trajectory
                         - block_backward(fam, idx, x1, w).trajectory, axis=1)
    assert np.all(gap <= rho ** np.arange(idx.size + 1) * np.linalg.norm(x0 - x1) + 2 * tol)


@given(problems(max_size=40))
def test_moving_window_is_the_reversed_forward_chain_up_to_rho_w(problem):
    """|z_n - T_{xi_{n-w+1}}(z_{n+1})| <= rho^w 2C/(1-rho) for n >= w (module docstring)."""
    fam, idx, x0, w = problem
    cert = certify(fam, x0)
    z = moving_window(fam, idx, x0, w).trajectory
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    for n in range(w, idx.size):
        back = fam.apply(int(idx[n - w]), z[n + 1])
        assert np.linalg.norm(z[n] - back) <= cert.rho**w * 2 * cert.C / (1 - cert.rho) + 4 * tol


def _family(seed=3, d=2, K=4, rho=0.7, low=0.3):
    rng = np.random.default_rng(seed)
    A = np.empty((K, d, d))
    for k in range(K):
        s = rng.uniform(low, rho, size=d)
        A[k] = (orthogonal(rng, d) * s) @ orthogonal(rng, d).T
    return AffineFamily(A, rng.standard_normal((K, d)))


def test_moving_window_keeps_moving_block_backward_stops():
    """Late increments: the moving window keeps forward SGD's size (within 15% of it, the
    chains' sampling error is below 3%), block backward's fall under its bound (C3 vs C1)."""
    fam = _family()
    rng = np.random.default_rng(11)
    n, w, m = 120, 6, 200
    x0 = np.zeros(fam.dim)
    cert = certify(fam, x0)
    fwd, mov, blk = [], [], []
    for _ in range(m):
        idx = rng.integers(0, fam.K, n)
        fwd.append(np.linalg.norm(np.diff(forward(fam, idx, x0)[-20:], axis=0), axis=1))
        mov.append(np.linalg.norm(np.diff(moving_window(fam, idx, x0, w).trajectory[-20:], axis=0), axis=1))
        blk.append(np.linalg.norm(np.diff(block_backward(fam, idx, x0, w).trajectory[-20:], axis=0), axis=1))
    f, mv, b = np.mean(fwd), np.mean(mov), np.max(blk)
    assert f > 0.1
    assert mv == pytest.approx(f, rel=0.15)
    assert b <= block_backward_bound(cert.rho, cert.C, n - 20, w) + 1e-12
    assert b < 1e-6 * f


# ------------------------------------------------------------ laws


def _ensembles(fam, n, w, m, seed, x0):
    rng = np.random.default_rng(seed)
    words = rng.integers(0, fam.K, (3, m, n))
    fwd = np.array([forward(fam, idx, x0)[-1] for idx in words[0]])
    mov = np.array([moving_window(fam, idx, x0, w).trajectory[-1] for idx in words[1]])
    blk = np.array([block_backward(fam, idx, x0, w).trajectory[-1] for idx in words[2]])
    return fwd, mov, blk


def test_windowed_iterates_have_the_forward_law_at_every_n():
    """For i.i.d. words Law(z_n) = Law(x_n) for both variants, also far from stationarity
    (n = 5 from a distant start, where Law(x_5) and Law(x_6) differ)."""
    fam = _family(rho=0.9, low=0.8)
    x0 = np.full(fam.dim, 20.0)
    fwd, mov, blk = _ensembles(fam, 5, 3, 1500, 7, x0)
    assert ks_two_sample(fwd, mov).pvalue > ALPHA
    assert ks_two_sample(fwd, blk).pvalue > ALPHA
    # power: one more step is detected, so the comparison can fail
    later, _, _ = _ensembles(fam, 6, 3, 1500, 8, x0)
    assert ks_two_sample(fwd, later).pvalue < ALPHA


# ------------------------------------------------------------ cost and truncation


@given(problems(max_size=25))
def test_reported_applications_are_the_rows_mapped(problem):
    fam, idx, x0, w = problem
    op = OpaqueFamily(fam)
    run = moving_window(op, idx, x0, w)
    assert run.applications == op.rows == moving_window_applications(idx.size, w)
    op = OpaqueFamily(fam)
    run = block_backward(op, idx, x0, w)
    assert run.applications == op.rows == idx.size * (idx.size + 1) // 2
    assert block_backward(fam, idx, x0, w).applications == idx.size


@given(problems(max_size=40), st.floats(1e-8, 1e-1))
def test_certified_truncation_is_within_tol(problem, tol):
    fam, idx, x0, w = problem
    op = OpaqueFamily(fam)
    run = block_backward(op, idx, x0, w, tol=tol)
    exact = block_backward(fam, idx, x0, w).trajectory
    eps = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    assert run.depth == idx.size or run.depth % w == 0
    # the certificate's C = max_k |T_k(x0) - x0| costs K more
    assert run.applications + fam.K == op.rows
    assert run.applications == run.depth * (run.depth + 1) // 2
    cert = certify(fam, x0)
    assert run.error_bound == (0.0 if run.depth == idx.size else cert.limit(run.depth))
    assert run.error_bound <= tol
    assert np.all(np.linalg.norm(run.trajectory - exact, axis=1) <= tol + eps)


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize("fn", [moving_window, block_backward])
@pytest.mark.parametrize("window,exc", [(0, ValueError), (-2, ValueError), (2.5, TypeError),
                                         (True, TypeError), ("3", TypeError), (None, TypeError)])
def test_bad_window(fn, window, exc):
    fam = _family()
    with pytest.raises(exc, match="window"):
        fn(fam, [0, 1], np.zeros(fam.dim), window)


def test_bad_tol_and_non_contraction():
    fam = _family()
    with pytest.raises(ValueError, match="tol"):
        block_backward(fam, [0, 1], np.zeros(fam.dim), 1, tol=0.0)
    expanding = AffineFamily([[[1.5]], [[0.5]]], [[0.0], [1.0]])
    with pytest.raises(ValueError, match="contraction"):
        block_backward(expanding, [0, 1], [0.0], 1, tol=1e-3)
    # without tol nothing is certified and the exact trajectory is returned
    assert np.isfinite(block_backward(expanding, [0, 1], [0.0], 1).trajectory).all()


def test_bad_word_and_start():
    fam = _family()
    with pytest.raises(ValueError, match="word"):
        moving_window(fam, [0, 9], np.zeros(fam.dim), 1)
    with pytest.raises(ValueError, match="x0"):
        block_backward(fam, [0, 1], np.zeros(fam.dim + 1), 1)
    with pytest.raises(TypeError, match="family"):
        moving_window(object(), [0], np.zeros(2), 1)
