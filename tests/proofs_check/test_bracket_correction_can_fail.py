"""The C7 corrected-forward checks pass on the real implementation and fail on broken ones.

The broken implementations are the natural mistakes: the correction with the wrong sign,
only half of the bracket (the sum of H_i g_j over i < j without the H_j g_i term), the
correction scaled by h instead of h^2, and a fast sum whose prefix sums are off by one
(inclusive instead of exclusive), which the plain double sum exposes.
"""

import numpy as np
import pytest

from revsgd.proofs_check.numeric import bracket_correction as checks
from revsgd.proofs_check.registry import REGISTRY, check_rng
from revsgd.theory.bracket_correction import CorrectedForward, bracket_sum, corrected_forward


def wrong_sign(model, h, idx, x0):
    out = corrected_forward(model, h, idx, x0)
    return CorrectedForward(out.forward - h * h * out.bracket, out.forward, -out.bracket)


def first_order(model, h, idx, x0):
    out = corrected_forward(model, h, idx, x0)
    return CorrectedForward(out.forward + h * out.bracket, out.forward, out.bracket)


def half_bracket_sum(model, idx, x):
    """Only sum_{i<j} H_i g_j (the backward half), via one HVP per position."""
    idx = np.asarray(idx)
    S = np.zeros(model.dim)
    g = np.array([model.gradient(int(k), x) for k in idx])
    after = g[::-1].cumsum(axis=0)[::-1] - g
    for i, k in enumerate(idx):
        S += model.hvp(int(k), x, after[i])
    return S


def half_bracket(model, h, idx, x0):
    out = corrected_forward(model, h, idx, x0)
    S = half_bracket_sum(model, idx, x0)
    return CorrectedForward(out.forward + h * h * S, out.forward, S)


def inclusive_prefix_sum(model, idx, x):
    """G_{<=i} used where G_{<i} belongs: off by -2 sum_i H_i g_i."""
    S = bracket_sum(model, idx, x)
    for k in np.asarray(idx):
        S -= 2 * model.hvp(int(k), x, model.gradient(int(k), x))
    return S


CASES = [
    (checks.c7_corrected_forward_third_order_quadratic, dict(corrected=wrong_sign)),
    (checks.c7_corrected_forward_third_order_quadratic, dict(corrected=first_order)),
    (checks.c7_corrected_forward_third_order_quadratic, dict(corrected=half_bracket)),
    (checks.c7_corrected_forward_third_order_logistic, dict(corrected=wrong_sign)),
    (checks.c7_corrected_forward_third_order_logistic, dict(corrected=first_order)),
    (checks.c7_corrected_forward_third_order_logistic, dict(corrected=half_bracket)),
    (checks.c7_bracket_sum_fast_matches_double_sum, dict(bracket=half_bracket_sum)),
    (checks.c7_bracket_sum_fast_matches_double_sum, dict(bracket=inclusive_prefix_sum)),
]


@pytest.mark.parametrize("check,broken", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_check_rejects_broken_implementation(check, broken):
    assert check(check_rng(check.__name__, 0)).passed
    assert not check(check_rng(check.__name__, 0), **broken).passed


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_checks_pass_on_several_seeds_and_are_registered(seed):
    for name in checks.__all__:
        assert REGISTRY[name].claim == "C7" and REGISTRY[name].kind == "numeric"
        assert REGISTRY[name].func(check_rng(name, seed)).passed, name
