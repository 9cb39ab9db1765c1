"""C3: forward iterates converge to a point iff the maps share a fixed point.

With a common fixed point x*, |x_n - x*| <= rho^n |x0 - x*| for every sequence. Without
one, at every state x the expected step is bounded below:
for any maps a, b, |T_a x - x| >= (1 - rho)|x - x_a*|, so

    E_k |T_k(x) - x| >= delta := (1 - rho) max_{a,b} min(p_a, p_b) |x_a* - x_b*| > 0.
"""

import numpy as np
from hypothesis import given

from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory import AffineFamily, backward, certify, contraction_factor, forward, sample_indices
from revsgd.theory.strategies import affine_families, seeds


def expected_step(fam, x):
    """E_k |T_k(x) - x| under fam.probs."""
    moved = fam.apply(np.arange(fam.K), np.broadcast_to(x, (fam.K, fam.dim)))
    return float(fam.probs @ np.linalg.norm(moved - x, axis=1))


def step_floor(fam):
    """delta of the module docstring."""
    xs, p = fam.fixed_points(), fam.probs
    gaps = np.linalg.norm(xs[:, None] - xs[None], axis=2) * np.minimum.outer(p, p)
    return (1.0 - contraction_factor(fam)) * gaps.max()


@given(affine_families(min_K=2), seeds())
def test_common_fixed_point_forward_converges(fam, seed):
    rng = np.random.default_rng(seed)
    x_star = rng.standard_normal(fam.dim)
    shared = AffineFamily(fam.A, x_star - np.einsum("kij,j->ki", fam.A, x_star))
    x0 = rng.standard_normal(fam.dim)
    idx = sample_indices(fam.K, 50, rng)
    x = forward(shared, idx, x0)
    rho = contraction_factor(shared)
    tol = trajectory_tol(50, fam.dim, iterate_scale(shared, x0))
    dist = np.linalg.norm(x - x_star, axis=1)
    assert np.all(dist <= rho ** np.arange(51) * np.linalg.norm(x0 - x_star) + tol)


@given(affine_families(min_K=2, random_probs=True), seeds())
def test_distinct_fixed_points_forward_keeps_moving(fam, seed):
    delta = step_floor(fam)
    rng = np.random.default_rng(seed)
    x = forward(fam, sample_indices(fam.K, 200, rng, probs=fam.probs), rng.standard_normal(fam.dim))
    tol = trajectory_tol(200, fam.dim, iterate_scale(fam, x[0]))
    floor = np.array([expected_step(fam, xi) for xi in x])
    assert delta > 0
    assert np.all(floor >= delta - tol)
    # the backward iterates on a sequence of the same law do settle (C1)
    y = backward(fam, sample_indices(fam.K, 200, rng, probs=fam.probs), x[0])
    assert np.linalg.norm(y[-1] - y[-2]) <= certify(fam, x[0]).cauchy(199) + tol


def test_two_batch_quadratic_realized_steps_stay_large():
    """Fixed seed, h = 1/2: T_pm(x) = x/2 +- 1/2, delta = h = 1/2 exactly here
    (E|T_k x - x| = h(|x-1| + |x+1|)/2 >= h). Steps are bounded by M = 1 on [-1, 1], so by
    Azuma the mean of m = 1000 realized steps falls below delta - 1/4 with probability
    at most exp(-m (1/4)^2 / 2) < 1e-13."""
    fam = AffineFamily(np.full((2, 1, 1), 0.5), [[-0.5], [0.5]])
    x = forward(fam, sample_indices(2, 2000, 0), [0.0])[:, 0]
    steps = np.abs(np.diff(x))[-1000:]
    assert steps.mean() >= 0.5 - 0.25
    y = backward(fam, sample_indices(2, 2000, 0), [0.0])[:, 0]
    assert np.abs(np.diff(y))[-1000:].max() <= 0.5**1000
