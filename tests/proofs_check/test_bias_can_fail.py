"""The C9 bias checks and the logistic C1/C3 checks pass on the real implementations and
fail on broken ones (the estimator and the fits are tested in tests/theory/test_stationary_mean.py
and tests/theory/test_fits.py).

Broken implementations: a bias formula with the wrong sign or a factor 2, an estimator
that ignores h (every step size simulated with the first family), Richardson with the
wrong weights, a backward computed forward, a start-dependent backward, a certified
backward that stops too early, a forward that ignores the index sequence.
"""

import importlib

import numpy as np
import pytest

from revsgd.proofs_check import registry
from revsgd.proofs_check.numeric import bias, logistic
from revsgd.proofs_check.registry import check_rng
from revsgd.theory.ensemble import forward_ensemble
from revsgd.theory.iterate import backward, backward_certified, forward
from revsgd.theory.stationary_mean import stationary_means


def ignores_h(families, *args, **kwargs):
    return stationary_means([families[0]] * len(families), *args, **kwargs)


def wrong_sign(model, lr):
    return -model.first_order_bias(lr)


def factor_two(model, lr):
    return 2.0 * model.first_order_bias(lr)


def stops_too_early(family, idx, x0, tol):
    return backward_certified(family, idx, x0, 1e3 * tol)


def ignores_sequence(family, idx, x0, record=None):
    """Always batch 0: plain gradient descent on one batch, which settles."""
    return forward_ensemble(family, np.zeros_like(idx), x0, record)


CASES = [
    (bias.c9_bias_formula_one_dimensional, dict(formula=wrong_sign)),
    (bias.c9_bias_formula_one_dimensional, dict(formula=factor_two)),
    (bias.c9_bias_formula_one_dimensional, dict(estimator=ignores_h)),
    (bias.c9_bias_slope_one_dimensional, dict(estimator=ignores_h)),
    (bias.c9_richardson_slope_one_dimensional, dict(richardson=lambda a, b: 1.5 * a - 0.5 * b)),
    (bias.c9_richardson_slope_one_dimensional, dict(richardson=lambda a, b: 2.0 * b - a)),
    (bias.c9_bias_slope_logistic, dict(estimator=ignores_h)),
    (bias.c9_richardson_slope_logistic, dict(richardson=lambda a, b: 1.5 * a - 0.5 * b)),
    (bias.c9_richardson_slope_logistic, dict(estimator=ignores_h)),
    (logistic.c1_logistic_cauchy_bound, dict(backward=forward)),
    (logistic.c1_logistic_limit_independent_of_start,
     dict(backward=lambda f, i, x: backward(f, i, x) + 0.01 * x)),
    (logistic.c1_logistic_certified_limit, dict(backward_certified=stops_too_early)),
    (logistic.c1_logistic_certified_limit, dict(backward=forward)),
    (logistic.c3_logistic_forward_keeps_moving, dict(forward_ensemble=ignores_sequence)),
]


def passes(check, **implementations):
    """The verdict as the registry gives it: an exception is a failure (registry.run_check)."""
    try:
        return bool(check(check_rng(check.__name__, 0), **implementations).passed)
    except Exception:
        return False


@pytest.mark.parametrize("check,broken", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_check_rejects_broken_implementation(check, broken):
    assert passes(check)
    assert not passes(check, **broken)


def test_checks_are_registered_once_and_reimport_is_harmless():
    names = [n for n in bias.__all__ if n.startswith("c9_")] + [
        n for n in logistic.__all__ if n.startswith(("c1_", "c3_"))]
    assert len(names) == 9
    for name in names:
        assert registry.REGISTRY[name].func is getattr(importlib.import_module(
            "revsgd.proofs_check.numeric.bias" if name.startswith("c9_") else "revsgd.proofs_check.numeric.logistic"), name)
    importlib.import_module("revsgd.proofs_check.numeric.bias")  # cached: no duplicate registration
    assert {registry.REGISTRY[n].claim for n in names} == {"C1", "C3", "C9"}


def test_run_check_reports_the_measurements():
    result = registry.run_check(registry.REGISTRY["c9_bias_formula_one_dimensional"], seed=1)
    assert result.passed and result.error is None and "c1" in result.note
    (fit, half), (predicted, widest) = result.measured, result.expected
    assert abs(fit - predicted) <= half <= widest == abs(predicted) / 4


def test_richardson_weights():
    np.testing.assert_array_equal(bias._richardson_weights(bias.richardson, 3), [[2, -1, 0], [0, 2, -1]])


def test_forward_step_lower_bound_holds_at_random_points():
    model = logistic.random_logistic(np.random.default_rng(5), 3)
    lr = 0.5 * model.contractive_lr_range().high
    fam = model.step_family(lr)
    delta = logistic.forward_step_lower_bound(model, lr)
    assert delta > 0
    rng = np.random.default_rng(6)
    for w in rng.normal(0, 3, (200, 3)):
        mean_step = np.mean([np.linalg.norm(fam.apply(k, w) - w) for k in range(fam.K)])
        assert mean_step >= delta
