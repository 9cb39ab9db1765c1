"""Reliability decisions of issue 18: divergence and its opt-out, the allocation limit and its
override, round-off in rank decisions, classify and certify agreeing, exact tiny tolerances."""

import math

import numpy as np
import pytest

from revsgd.models import LeastSquares
from revsgd.theory import (AffineFamily, backward, certify, classify, forward, gradient_steps,
                           sample_word_array, steps_for_tolerance)
from revsgd.theory.divergence import DivergenceError
from revsgd.theory.memory import allocation_limit

EXPANDING = AffineFamily([[[1e200]]], [[1.0]])


def test_divergence_names_the_step_and_the_contractive_range():
    steps = gradient_steps(lambda k, x: x, 3.0, K=1, dim=1, smoothness=1.0, strong_convexity=1.0)
    with pytest.raises(DivergenceError) as info:
        forward(steps, [0] * 2000, [1.0])  # T(x) = -2x: |x_n| = 2^n overflows at n = 1024
    assert info.value.step == 1024
    assert "step 1024" in str(info.value) and "lr in (0, 2)" in str(info.value)


def test_the_model_range_is_named_for_affine_steps():
    model = LeastSquares(np.tile(np.eye(2), (2, 1)), np.ones(4), batch_size=2)  # H_k = I / 2
    with pytest.raises(DivergenceError, match=r"every step contracts for lr in \(0, 4\)"):
        backward(model.step_family(1e150), [0, 1] * 10, np.ones(2))


def test_allow_returns_the_ieee_values(monkeypatch):
    monkeypatch.setenv("REVSGD_NONFINITE", "allow")
    assert np.isinf(forward(EXPANDING, [0] * 3, [1.0])[-1, 0])
    monkeypatch.setenv("REVSGD_NONFINITE", "sometimes")
    with pytest.raises(ValueError, match="REVSGD_NONFINITE must be 'raise' or 'allow'"):
        forward(EXPANDING, [0] * 3, [1.0])


def test_the_allocation_limit_is_overridable(monkeypatch):
    fam = AffineFamily([[[0.5]]], [[0.0]])
    monkeypatch.setenv("REVSGD_MAX_BYTES", "1e6")
    assert allocation_limit() == 10**6
    with pytest.raises(ValueError, match="REVSGD_MAX_BYTES.*smaller m"):
        sample_word_array(fam, 1000, 10**5)
    monkeypatch.setenv("REVSGD_MAX_BYTES", "lots")
    with pytest.raises(ValueError, match="REVSGD_MAX_BYTES must be a positive number"):
        allocation_limit()


def test_rank_one_least_squares_never_has_a_contractive_range():
    # every batch Hessian x x^T / 1 of a 3x3 problem is singular; round-off may leave its
    # smallest eigenvalue at +1e-18, which must count as 0 (16 d eps ||H||)
    rng = np.random.default_rng(0)
    ranges = 0
    for _ in range(2000):
        X = rng.standard_normal((2, 3))
        try:
            LeastSquares(X, rng.standard_normal(2), batch_size=1).contractive_lr_range()
            ranges += 1
        except ValueError:
            pass
    assert ranges == 0


def test_classify_and_certify_agree_on_probability_zero_maps():
    fam = AffineFamily([[[0.5]], [[2.0]]], [[0.0], [0.0]], probs=[1.0, 0.0])
    with pytest.raises(ValueError, match="map 1"):
        certify(fam, [0.0])
    c = classify(fam)
    assert c.kind != "uniformly contracting" and c.max_lipschitz == 2.0
    assert c.kind == "contracting on average"  # E log Lip = log(1/2): map 1 has weight 0


def test_a_round_off_contraction_is_not_certified():
    fam = AffineFamily([[[1.0 - 2.0**-52]]], [[1.0]])  # 1 - eps: Lip < 1 only by round-off
    with pytest.raises(ValueError, match="within round-off"):
        certify(fam, [0.0])
    assert classify(fam, rng=0).kind != "uniformly contracting"


@pytest.mark.parametrize("tol", [5e-324, 1e-310, 2.2250738585072014e-308, 1e-3])
def test_steps_for_tolerance_is_the_least_depth_even_for_subnormal_tol(tol):
    n = steps_for_tolerance(0.5, 1.0, tol)
    assert 0.5**n / 0.5 <= tol < 0.5 ** (n - 1) / 0.5
    assert n == max(0, math.ceil((math.log(tol) + math.log(0.5)) / math.log(0.5)))
