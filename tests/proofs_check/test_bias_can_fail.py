"""The C9 bias checks and the logistic C1/C3 checks pass on the real implementations and
fail on broken ones; the estimator and the fits agree with naive references.

Broken implementations: a bias formula with the wrong sign or a factor 2, an estimator
that ignores h (every step size simulated with the first family), Richardson with the
wrong weights, a backward computed forward, a start-dependent backward, a certified
backward that stops too early, a forward that ignores the index sequence.
"""

import importlib

import numpy as np
import pytest

from revsgd.models.noisy_1d import NoisyOneDim
from revsgd.proofs_check import registry
from revsgd.proofs_check.numeric import bias, logistic
from revsgd.proofs_check.registry import check_rng
from revsgd.theory.ensemble import forward_ensemble
from revsgd.theory.family import AffineFamily
from revsgd.theory.iterate import backward, backward_certified, forward
from revsgd.theory.stationary import stationary_moments


def ignores_h(families, *args, **kwargs):
    return bias.stationary_means([families[0]] * len(families), *args, **kwargs)


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


def naive_mean_and_variance(values):
    return values.mean(axis=0), np.cov(values.T, ddof=1).reshape(values.shape[1], -1) / len(values)


def test_control_variate_mean_without_useful_controls_is_the_sample_mean():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((500, 2))
    est, cov, bound = bias.control_variate_mean(values, np.zeros((500, 1)), 1e-3)
    mean, var = naive_mean_and_variance(values)
    np.testing.assert_allclose(est, mean, rtol=0, atol=1e-15)
    np.testing.assert_allclose(cov, var * 499 / 498, rtol=1e-12)  # dof m - q - 1
    np.testing.assert_array_equal(bound, [1e-3, 1e-3])


def test_control_variate_removes_a_correlated_part_exactly():
    rng = np.random.default_rng(1)
    control = rng.standard_normal((400, 1))
    values = 3.0 + 2.0 * control  # the control explains everything: estimate = 3 exactly
    est, cov, _ = bias.control_variate_mean(values, control)
    assert abs(est[0] - 3.0) <= 1e-12 and cov[0, 0] <= 1e-26


def test_stationary_means_cover_the_exact_affine_stationary_mean():
    """Naive reference: the exact stationary mean (I - E A)^{-1} E b of an affine family."""
    A = np.array([[[0.6, 0.2], [-0.1, 0.5]], [[0.3, -0.2], [0.4, 0.7]], [[0.5, 0.0], [0.1, 0.2]]])
    b = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.0]])
    fams = [AffineFamily(A, b), AffineFamily(0.5 * A, b)]
    means = bias.stationary_means(fams, 400, np.random.default_rng(3), 1e-10, np.zeros(2), np.zeros(2))
    est, cov, bound = means.combine(np.eye(2))
    for j, fam in enumerate(fams):
        exact = stationary_moments(fam)[0]
        se = np.sqrt(np.diag(cov)[2 * j:2 * j + 2])
        assert np.all(np.abs(est[j] - exact) <= bias.Z * se + bound[j])
    # affine maps and the second-moment controls determine the mean exactly (zero residual)
    assert np.all(np.sqrt(np.diag(cov)) <= 1e-10)


def test_stationary_means_at_h_against_transfer_operator():
    """The 99.9% interval covers the grid reference (false-alarm rate 1e-3; over 150 seeds
    the standardized errors had standard deviation 0.93)."""
    from tests.models.test_noisy_1d import transfer_operator_mean

    model = NoisyOneDim()
    means = bias.stationary_means([model.step_family(0.1)], 400, np.random.default_rng(0), 1e-10,
                                  [0.0], [0.0])
    est, cov, bound = means.combine(np.eye(1))
    reference = transfer_operator_mean(model, 0.1)
    assert abs(est[0, 0] - reference) <= bias.Z * np.sqrt(cov[0, 0]) + bound[0, 0] + 1e-7


def test_fits_recover_exact_models():
    h = 0.01 * 2.0 ** np.arange(5)
    coef, _ = bias.fit_polynomial(h, 0.3 * h - 2.0 * h**2 + 5.0 * h**3, np.eye(5), (1, 2, 3))
    np.testing.assert_allclose(coef, [0.3, -2.0, 5.0], rtol=1e-9)
    direction = np.array([0.6, -0.8])
    b = (0.2 * h**1.5 * np.exp(0.7 * h))[:, None] * direction
    slope, se, g = bias.fit_log_slope(h, b, 1e-8 * np.eye(10))
    assert abs(slope - 1.5) <= 1e-9 and se > 0 and g.shape == (5,)
    assert abs(g.sum()) <= 1e-9  # a constant shift of every log|b| leaves the slope unchanged


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
