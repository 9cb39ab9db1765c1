"""Bracket-corrected forward SGD (C7): fast bracket sum vs the plain double sum, the
corrected endpoint vs the exact backward iterate (residual slope 3 in h, forward slope 2),
the oracle-call count, windows, and bad input.

Tolerances. The fast and the naive bracket sums add the same n(n - 1) products
H_i g_j in different orders; recursive summation of N terms errs by at most
(N - 1) eps sum |terms| (Higham, Thm 4.4 / eq. 4.4) and a matrix-vector product by d eps, so
they agree to ``2 (n^2 + 2 d) eps * sum_{i,j} |H_i| |g_j|``. Slopes are least-squares fits of
log residual against log h over h in [1e-3, 1e-2] with n h L <= 0.2, where the next order
changes the fitted slope by O(n h L) (a few hundredths); the round-off of the residuals
(about 1e-15 |x|) is far below the smallest residual (about 1e-9).
"""

import doctest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revsgd.theory.bracket_correction as bc
from revsgd.models import instances
from revsgd.models.instances import random_quadratic
from revsgd.models.strategies import quadratic_models
from revsgd.theory.bracket_correction import (
    bracket_sum,
    corrected_forward,
    corrected_forward_cost,
    corrected_forward_windows,
)
from revsgd.theory.family import GradientOracle
from revsgd.theory.fits import log_log_slope
from revsgd.theory.iterate import backward_at, forward
from revsgd.theory.sequences import sample_indices
from revsgd.theory.strategies import seeds

EPS = np.finfo(float).eps
HS = np.geomspace(1e-3, 1e-2, 6)


# -- instances and the naive reference -----------------------------------------------------
def random_logistic(rng, d, N=24, B=6, l2=0.3):
    return instances.random_logistic(rng, d, rows=N, batch_size=B, l2=l2, noise=0.7)


def dense_hessian(model, k, x):
    return model.hessian(k, x)  # one signature on every model (Quadratic ignores x)


def naive_bracket_sum(model, idx, x):
    """sum_{i<j} (H_i g_j - H_j g_i)(x), the double sum written plainly with dense Hessians."""
    S = np.zeros(model.dim)
    for i in range(len(idx)):
        for j in range(i + 1, len(idx)):
            Hi, Hj = dense_hessian(model, int(idx[i]), x), dense_hessian(model, int(idx[j]), x)
            gi, gj = model.gradient(int(idx[i]), x), model.gradient(int(idx[j]), x)
            S += Hi @ gj - Hj @ gi
    return S


def summation_tol(model, idx, x):
    n, d = len(idx), model.dim
    H = sum(np.linalg.norm(dense_hessian(model, int(k), x), 2) for k in idx)
    g = sum(np.linalg.norm(model.gradient(int(k), x)) for k in idx)
    return 2.0 * (n * n + 2 * d) * EPS * max(H * g, 1.0)


class Counting:
    """A GradientOracle that counts the calls it forwards to ``model``."""

    def __init__(self, model):
        self.model, self.K, self.dim, self.probs = model, model.K, model.dim, model.probs
        self.gradients = self.hvps = 0

    def gradient(self, k, x):
        self.gradients += 1
        return self.model.gradient(k, x)

    def hvp(self, k, x, v):
        self.hvps += 1
        return self.model.hvp(k, x, v)


def slope(hs, values):
    return log_log_slope(hs, values).slope


def residual_slopes(model, idx, x0, hs=HS):
    """Fitted slopes of |x_n - y_n| and |z_n - y_n| against h (y_n exact backward)."""
    fwd, cor = [], []
    for h in hs:
        y = backward_at(model.step_family(h), idx, x0, [idx.size])[0]
        out = corrected_forward(model, h, idx, x0)
        fwd.append(np.linalg.norm(out.forward - y))
        cor.append(np.linalg.norm(out.corrected - y))
    return slope(hs, fwd), slope(hs, cor)


# -- fast vs naive -------------------------------------------------------------------------
@given(quadratic_models(min_dim=1, max_dim=4, max_K=4), seeds(), st.integers(0, 9))
def test_bracket_sum_matches_double_sum_on_quadratics(case, seed, n):
    rng = np.random.default_rng(seed)
    model = case.model
    idx = rng.integers(0, model.K, size=n)
    x = rng.standard_normal(model.dim)
    fast, naive = bracket_sum(model, idx, x), naive_bracket_sum(model, idx, x)
    assert np.abs(fast - naive).max(initial=0.0) <= summation_tol(model, idx, x)


@given(seeds(), st.integers(1, 4), st.integers(0, 9))
def test_bracket_sum_matches_double_sum_on_logistic(seed, d, n):
    rng = np.random.default_rng(seed)
    model = random_logistic(rng, d)
    idx = rng.integers(0, model.K, size=n)
    x = rng.standard_normal(d)
    fast, naive = bracket_sum(model, idx, x), naive_bracket_sum(model, idx, x)
    assert np.abs(fast - naive).max(initial=0.0) <= summation_tol(model, idx, x)


def test_two_map_bracket_is_the_exact_commutator_on_a_quadratic():
    """n = 2: T_a T_b - T_b T_a = h^2 (H_a g_b - H_b g_a) exactly (C7), so y_2 = z_2."""
    rng = np.random.default_rng(3)
    model, x0, h = random_quadratic(rng, 3, 2), rng.standard_normal(3), 0.3
    out = corrected_forward(model, h, [0, 1], x0)
    y = backward_at(model.step_family(h), [0, 1], x0, [2])[0]
    assert np.abs(out.corrected - y).max() <= 64 * 3 * EPS * (1 + np.abs(y).max())
    assert np.abs(out.forward - y).max() > 1e-3


# -- the forward part and the oracle cost --------------------------------------------------
@pytest.mark.parametrize("make", [random_quadratic, lambda rng, d, K: random_logistic(rng, d)])
def test_forward_part_is_forward_sgd(make):
    rng = np.random.default_rng(5)
    model = make(rng, 3, 4)
    idx, x0, h = rng.integers(0, model.K, size=7), rng.standard_normal(3), 0.05
    out = corrected_forward(model, h, idx, x0)
    ref = forward(model.step_family(h), idx, x0)[-1]
    assert np.abs(out.forward - ref).max() <= 4 * 8 * 3 * EPS * (1 + np.abs(ref).max())
    assert np.array_equal(out.corrected, out.forward + h * h * out.bracket)
    assert np.array_equal(out.bracket, bracket_sum(model, idx, x0))


@pytest.mark.parametrize("n,K", [(0, 3), (1, 3), (2, 3), (6, 3), (200, 4), (9, 9)])
def test_oracle_calls_are_linear_in_n(n, K):
    """n + m - 1 gradients and m HVPs (m distinct batches): 4 HVPs for 200 steps on K = 4."""
    rng = np.random.default_rng(n)
    oracle = Counting(random_quadratic(rng, 2, K))
    idx = sample_indices(K, n, rng)
    corrected_forward(oracle, 0.001, idx, rng.standard_normal(2))
    cost = corrected_forward_cost(idx, K)
    assert (oracle.gradients, oracle.hvps) == (cost.gradients, cost.hvps)
    m = np.unique(idx).size
    assert cost.hvps == (m if n >= 2 else 0) and cost.gradients == max(n + m - 1, n)
    assert cost.per_step <= 3.0


# -- the order of the residuals ------------------------------------------------------------
@pytest.mark.parametrize("d", [1, 3])
def test_corrected_matches_backward_to_third_order_on_quadratics(d):
    rng = np.random.default_rng(10 + d)
    model, x0 = random_quadratic(rng, d, 4), rng.standard_normal(d)
    idx = sample_indices(4, 8, rng)
    fwd, cor = residual_slopes(model, idx, x0)
    assert abs(fwd - 2.0) <= 0.1, fwd
    assert abs(cor - 3.0) <= 0.1, cor


@pytest.mark.parametrize("d", [1, 3])
def test_corrected_matches_backward_to_third_order_on_logistic(d):
    rng = np.random.default_rng(20 + d)
    model, x0 = random_logistic(rng, d, N=40, B=5, l2=0.1), rng.standard_normal(d)
    idx = sample_indices(model.K, 8, rng, scheme="reshuffle")
    fwd, cor = residual_slopes(model, idx, x0)
    assert abs(fwd - 2.0) <= 0.1, fwd
    assert abs(cor - 3.0) <= 0.1, cor


def test_second_order_coefficient_is_the_bracket_sum():
    """(y_n - x_n) / h^2 -> S(x0): the relative gap shrinks at least like h (no O(1) offset)."""
    rng = np.random.default_rng(7)
    model, x0 = random_logistic(rng, 3), rng.standard_normal(3)
    idx = sample_indices(model.K, 6, rng, scheme="reshuffle")
    for h in (1e-3, 1e-2):
        y = backward_at(model.step_family(h), idx, x0, [idx.size])[0]
        out = corrected_forward(model, h, idx, x0)
        rel = np.linalg.norm((y - out.forward) / h**2 - out.bracket) / np.linalg.norm(out.bracket)
        assert rel <= 20 * h


# -- windows -------------------------------------------------------------------------------
def exact_windows(model, h, idx, x0, w):
    """Backward within each window, forward across windows (the window words composed exactly)."""
    z = [np.asarray(x0, float)]
    for b in range(idx.size // w):
        z.append(backward_at(model.step_family(h), idx[b * w:(b + 1) * w], z[-1], [w])[0])
    return np.array(z)


def test_window_one_is_forward_and_one_window_is_corrected_forward():
    rng = np.random.default_rng(8)
    model, x0 = random_logistic(rng, 2), rng.standard_normal(2)
    idx, h = sample_indices(model.K, 12, rng), 0.1
    ones = corrected_forward_windows(model, h, idx, x0, 1)
    ref = forward(model.step_family(h), idx, x0)
    assert np.abs(ones - ref).max() <= 4 * 13 * 2 * EPS * (1 + np.abs(ref).max())
    whole = corrected_forward_windows(model, h, idx, x0, 12)
    assert np.array_equal(whole[-1], corrected_forward(model, h, idx, x0).corrected)
    assert whole.shape == (2, 2) and np.array_equal(whole[0], x0)


@pytest.mark.parametrize("make", [random_quadratic, lambda rng, d, K: random_logistic(rng, d)])
def test_windows_track_exact_windowed_backward_to_third_order(make):
    rng = np.random.default_rng(9)
    model = make(rng, 3, 4)
    x0, idx = rng.standard_normal(3), sample_indices(model.K, 12, rng)
    res = [np.linalg.norm(corrected_forward_windows(model, h, idx, x0, 4)[-1]
                          - exact_windows(model, h, idx, x0, 4)[-1]) for h in HS]
    assert abs(slope(HS, res) - 3.0) <= 0.1


# -- protocol, models, doctests --------------------------------------------------------------
def test_models_are_gradient_oracles_and_quadratic_hvp_is_H_v():
    rng = np.random.default_rng(1)
    q, lg = random_quadratic(rng, 3, 2), random_logistic(rng, 3)
    assert isinstance(q, GradientOracle) and isinstance(lg, GradientOracle)
    x, v = rng.standard_normal(3), rng.standard_normal(3)
    assert np.array_equal(q.hvp(1, x, v), q.H[1] @ v)
    with pytest.raises(ValueError, match="v"):
        q.hvp(0, x, np.ones(2))
    with pytest.raises(ValueError, match="x"):
        q.hvp(0, np.full(3, np.nan), v)


def test_module_doctests():
    result = doctest.testmod(bc)
    assert result.attempted >= 3 and result.failed == 0


# -- bad input -----------------------------------------------------------------------------
class NoHvp:
    K, dim, probs = 1, 1, np.ones(1)

    def gradient(self, k, x):
        return x


class Broken:
    """An oracle returning NaN (``bad="gradient"`` or ``"hvp"``): an error naming it, never NaN."""

    K, dim, probs = 2, 2, np.full(2, 0.5)

    def __init__(self, bad):
        self.bad = bad

    def gradient(self, k, x):
        return np.full(2, np.nan) if self.bad == "gradient" else x

    def hvp(self, k, x, v):
        return np.full(2, np.nan) if self.bad == "hvp" else v


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda m: corrected_forward(m, 0.0, [0, 1], np.zeros(2)), ValueError, "lr"),
        (lambda m: corrected_forward(m, -0.1, [0, 1], np.zeros(2)), ValueError, "lr"),
        (lambda m: corrected_forward(m, np.nan, [0, 1], np.zeros(2)), ValueError, "lr"),
        (lambda m: corrected_forward(m, "0.1", [0, 1], np.zeros(2)), TypeError, "lr"),
        (lambda m: corrected_forward(m, True, [0, 1], np.zeros(2)), TypeError, "lr"),
        (lambda m: corrected_forward(m, 0.1, [0, 1], np.zeros(3)), ValueError, "x0"),
        (lambda m: corrected_forward(m, 0.1, [0, 1], [np.inf, 0.0]), ValueError, "x0"),
        (lambda m: corrected_forward(m, 0.1, [0, 1], "ab"), TypeError, "x0"),
        (lambda m: corrected_forward(m, 0.1, [0, 2], np.zeros(2)), ValueError, "idx"),
        (lambda m: corrected_forward(m, 0.1, [0.0, 1.0], np.zeros(2)), TypeError, "idx"),
        (lambda m: corrected_forward(m, 0.1, [[0, 1]], np.zeros(2)), ValueError, "idx"),
        (lambda m: corrected_forward(NoHvp(), 0.1, [0], np.zeros(1)), TypeError, "oracle"),
        (lambda m: corrected_forward(m.step_family(0.1), 0.1, [0], np.zeros(2)), TypeError, "oracle"),
        (lambda m: corrected_forward(Broken("gradient"), 0.1, [0, 1], np.zeros(2)), ValueError, "oracle.gradient"),
        (lambda m: corrected_forward(Broken("hvp"), 0.1, [0, 1], np.zeros(2)), ValueError, "oracle.hvp"),
        (lambda m: corrected_forward(m, 1e200, [0, 1, 0], np.ones(2)), ValueError, "lr"),
        (lambda m: bracket_sum(m, [0, 1], np.zeros(1)), ValueError, "x"),
        (lambda m: corrected_forward_windows(m, 0.1, [0, 1, 0], np.zeros(2), 2), ValueError, "window"),
        (lambda m: corrected_forward_windows(m, 0.1, [0, 1], np.zeros(2), 0), ValueError, "window"),
        (lambda m: corrected_forward_windows(m, 0.1, [0, 1], np.zeros(2), 1.0), TypeError, "window"),
        (lambda m: corrected_forward_cost([0, 3], 2), ValueError, "idx"),
        (lambda m: corrected_forward_cost([0, 1], 0), ValueError, "K"),
    ],
)
def test_bad_input_names_the_parameter(call, exc, match):
    model = random_quadratic(np.random.default_rng(0), 2, 2)
    with pytest.raises(exc, match=match):
        call(model)
