"""C1, the backward contraction principle, on random affine contractions.

Each assertion is a bound of THEORY.md C1 checked at every step, with only the round-off
of tests.tolerances added.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory import backward, certify, forward, steps_for_tolerance
from revsgd.theory.contraction import cauchy_bound, contraction_factor, displacement_constant, limit_bound
from revsgd.theory.family import AffineFamily
from revsgd.theory.strategies import affine_families, index_sequences, seeds


@st.composite
def problems(draw, n=60):
    fam = draw(affine_families())
    idx = draw(index_sequences(fam.K, min_size=n, max_size=n))
    rng = np.random.default_rng(draw(seeds()))
    return fam, idx, rng.standard_normal(fam.dim), rng.standard_normal(fam.dim)


@given(problems())
def test_cauchy_bound_at_every_step(problem):
    fam, idx, x0, _ = problem
    cert = certify(fam, x0)
    y = backward(fam, idx, x0)
    inc = np.linalg.norm(np.diff(y, axis=0), axis=1)
    first = np.linalg.norm(fam.apply(idx, np.broadcast_to(x0, (idx.size, fam.dim))) - x0, axis=1)
    tol = trajectory_tol(idx.size, fam.dim, iterate_scale(fam, x0))
    n = np.arange(idx.size)
    assert np.all(inc <= cert.rho**n * first + tol)  # rho^n |T_{xi_{n+1}}(x0) - x0|
    assert np.all(inc <= cert.cauchy(n) + tol)  # rho^n C


@given(problems())
def test_limit_does_not_depend_on_start(problem):
    fam, idx, x0, x1 = problem
    rho = contraction_factor(fam)
    gap = np.linalg.norm(backward(fam, idx, x0) - backward(fam, idx, x1), axis=1)
    tol = trajectory_tol(idx.size, fam.dim, max(iterate_scale(fam, x0), iterate_scale(fam, x1)))
    assert np.all(gap <= rho ** np.arange(idx.size + 1) * np.linalg.norm(x0 - x1) + tol)


@given(problems(n=40), st.data())
def test_distance_to_limit_bound(problem, data):
    fam, idx, x0, _ = problem
    cert = certify(fam, x0)
    # extend the sequence until rho^N C/(1-rho) is below round-off: y_N is y_inf to that level
    N = max(idx.size, cert.steps_for(1e-14 * max(1.0, cert.C)))
    tail = data.draw(index_sequences(fam.K, min_size=N - idx.size, max_size=N - idx.size))
    full = np.concatenate([idx, tail])
    y = backward(fam, full, x0)
    y_inf = y[-1]
    tol = trajectory_tol(full.size, fam.dim, iterate_scale(fam, x0)) + cert.limit(N)
    dist = np.linalg.norm(y[: idx.size + 1] - y_inf, axis=1)
    assert np.all(dist <= cert.limit(np.arange(idx.size + 1)) + tol)


def test_cauchy_bound_is_attained_for_equal_slopes():
    # all slopes rho: y_{n+1} - y_n = rho^n (T_{xi_{n+1}}(x0) - x0) with equality
    rho = 0.7
    fam = AffineFamily(np.full((2, 1, 1), rho), [[1.0], [-2.0]])
    idx = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    inc = np.diff(backward(fam, idx, [0.0])[:, 0])
    np.testing.assert_allclose(inc, rho ** np.arange(8) * fam.b[idx, 0], rtol=1e-14)


def test_forward_increments_do_not_obey_the_bound():
    # the same bound fails for the forward order: order is what C1 is about
    fam = AffineFamily(np.full((2, 1, 1), 0.5), [[1.0], [-1.0]])
    idx = np.array([0, 1] * 20)
    cert = certify(fam, [0.0])
    inc = np.abs(np.diff(forward(fam, idx, [0.0])[:, 0]))
    assert np.any(inc > cert.cauchy(np.arange(idx.size)))


@pytest.mark.parametrize("rho,C,tol", [(0.5, 1.0, 1e-3), (0.9, 3.0, 1e-8), (0.01, 5.0, 1e-12),
                                       (0.99, 0.1, 1e-6), (0.0, 2.0, 0.5), (0.3, 0.0, 1e-9)])
def test_steps_for_tolerance_is_the_least(rho, C, tol):
    n = steps_for_tolerance(rho, C, tol)
    assert limit_bound(rho, C, n) <= tol
    if n > 0:
        assert limit_bound(rho, C, n - 1) > tol


def test_bounds_closed_forms():
    assert cauchy_bound(0.5, 2.0, 3) == 0.25
    assert limit_bound(0.5, 2.0, 3) == 0.5
    np.testing.assert_allclose(cauchy_bound(0.5, 1.0, np.arange(3)), [1, 0.5, 0.25])


def test_displacement_constant_is_the_largest_move():
    fam = AffineFamily(np.full((3, 1, 1), 0.5), [[1.0], [-3.0], [0.5]])
    # T_k(2) - 2 = -1 + b_k: 0, -4, -0.5
    assert displacement_constant(fam, [2.0]) == 4.0


def test_certify_refuses_an_expanding_map():
    fam = AffineFamily([[[0.5]], [[1.5]]], [[0.0], [1.0]])
    with pytest.raises(ValueError, match=r"map 1 has Lipschitz constant 1\.5"):
        certify(fam, [0.0])
