"""Quadratic models: losses, gradients, C4 learning-rate range at its edges, C7 exactly."""

import numpy as np
import pytest
from hypothesis import given

from revsgd.models import Quadratic, two_batch_quadratic
from revsgd.models.strategies import quadratic_models
from revsgd.theory.strategies import seeds

EPS = np.finfo(float).eps


@given(quadratic_models(), seeds())
def test_gradient_is_derivative_of_loss(problem, seed):
    """Central differences are exact for quadratics up to round-off ~ eps |L| / step."""
    q = problem.model
    rng = np.random.default_rng(seed)
    x, v = rng.standard_normal(q.dim), rng.standard_normal(q.dim)
    step = 1e-3
    for k in range(q.K):
        fd = (q.loss(k, x + step * v) - q.loss(k, x - step * v)) / (2 * step)
        scale = abs(q.loss(k, x + step * v)) + abs(q.loss(k, x - step * v)) + 1.0
        assert abs(fd - q.gradient(k, x) @ v) <= 8 * EPS * scale / step


@given(quadratic_models())
def test_minimizer_zeroes_mean_gradient(problem):
    q = problem.model
    w = q.minimizer()
    g = sum(p * q.gradient(k, w) for k, p in enumerate(q.probs))
    Hbar = q.mean_hessian()
    assert np.linalg.norm(g) <= 16 * q.dim * EPS * np.linalg.norm(Hbar, 2) * (np.linalg.norm(w) + 1) * np.linalg.cond(Hbar)


@given(quadratic_models())
def test_contraction_factor_equals_operator_norm(problem):
    q, lr = problem.model, problem.lr
    A = np.eye(q.dim) - lr * q.H
    direct = np.linalg.norm(A, ord=2, axis=(1, 2)).max()
    assert abs(q.contraction_factor(lr) - direct) <= 8 * q.dim * EPS * max(1, direct)
    assert problem.rho < 1
    np.testing.assert_allclose(q.step_family(lr).lipschitz().max(), direct, rtol=0, atol=8 * q.dim * EPS)


@given(quadratic_models())
def test_learning_rate_range_edges(problem):
    """C4: rho(h) < 1 inside (0, 2/L), = 1 at h = 2/L, > 1 beyond."""
    q = problem.model
    mu, L = q.curvature_bounds()
    high = q.contractive_lr_range().high
    assert high == 2.0 / L
    inside = high * (1 - 1e-6)
    assert q.contraction_factor(inside) < 1
    assert abs(q.contraction_factor(high) - 1.0) <= 8 * EPS
    assert q.contraction_factor(high * (1 + 1e-6)) > 1
    assert inside in q.contractive_lr_range() and high not in q.contractive_lr_range()
    # small h: the factor is 1 - h mu, the slowest direction
    assert abs(q.contraction_factor(1e-3 * high) - (1 - 1e-3 * high * mu)) <= 8 * EPS


@given(quadratic_models(min_K=2), seeds())
def test_bracket_is_exact_for_quadratics(problem, seed):
    """C7: T_a o T_b - T_b o T_a = h^2 (H_a g_b - H_b g_a), no remainder."""
    q, h = problem.model, problem.lr
    fam = q.step_family(h)
    x = np.random.default_rng(seed).standard_normal(q.dim)
    for a in range(q.K):
        for b in range(q.K):
            lhs = fam.apply(a, fam.apply(b, x)) - fam.apply(b, fam.apply(a, x))
            rhs = h**2 * (q.H[a] @ q.gradient(b, x) - q.H[b] @ q.gradient(a, x))
            scale = np.abs(fam.apply(a, fam.apply(b, x))).max() + np.abs(x).max() + 1
            assert np.abs(lhs - rhs).max() <= 16 * q.dim * EPS * scale


def test_singular_hessian_has_no_contractive_range():
    q = Quadratic(np.array([[[1.0, 0], [0, 0]], [[2.0, 0], [0, 1]]]), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="batch 0 has a singular Hessian"):
        q.contractive_lr_range()


def test_two_batch_quadratic_maps():
    fam = two_batch_quadratic().step_family(0.25)
    np.testing.assert_allclose(fam.A[:, 0, 0], [0.75, 0.75])
    np.testing.assert_allclose(fam.b[:, 0], [-0.25, 0.25])
    assert two_batch_quadratic().loss(1, [3.0]) == 2.0
