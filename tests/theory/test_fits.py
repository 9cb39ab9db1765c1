"""The fits recover exact models, agree with naive least squares, and refuse bad input."""

import numpy as np
import pytest

from revsgd.theory.fits import (
    correction_slope,
    fit_log_slope,
    fit_polynomial,
    linear_fit,
    log_linear_slope,
    log_log_slope,
)


def test_fits_recover_exact_models():
    h = 0.01 * 2.0 ** np.arange(5)
    coef, _ = fit_polynomial(h, 0.3 * h - 2.0 * h**2 + 5.0 * h**3, np.eye(5), (1, 2, 3))
    np.testing.assert_allclose(coef, [0.3, -2.0, 5.0], rtol=1e-9)
    direction = np.array([0.6, -0.8])
    b = (0.2 * h**1.5 * np.exp(0.7 * h))[:, None] * direction
    slope, se, g = fit_log_slope(h, b, 1e-8 * np.eye(10))
    assert abs(slope - 1.5) <= 1e-9 and se > 0 and g.shape == (5,)
    assert abs(g.sum()) <= 1e-9  # a constant shift of every log|b| leaves the slope unchanged


def naive_line(x, y):
    """Slope, intercept and se(slope) from the 2x2 normal equations, written plainly."""
    n = len(x)
    A = np.column_stack([np.ones(n), x])
    (a, p) = np.linalg.solve(A.T @ A, A.T @ y)
    s2 = np.sum((y - a - p * x) ** 2) / (n - 2)
    return p, a, np.sqrt(s2 * np.linalg.inv(A.T @ A)[1, 1])


@pytest.mark.parametrize("seed", range(5))
def test_linear_fit_matches_normal_equations_and_polyfit(seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 5, 12))
    y = 1.5 - 0.7 * x + 0.1 * rng.standard_normal(12)
    fit = linear_fit(x, y)
    p, a, se = naive_line(x, y)
    assert abs(fit.slope - p) <= 1e-12 and abs(fit.intercept - a) <= 1e-12
    assert abs(fit.stderr - se) <= 1e-12 * se
    assert fit.slope == float(np.polyfit(x, y, 1)[0])  # the same bits as the copies it replaces
    assert fit.points == 12


def test_log_fits_are_linear_fits_of_the_logs():
    h = np.geomspace(1e-3, 1e-2, 6)
    v = 3.0 * h**2 * (1 + 5 * h)
    assert log_log_slope(h, v) == linear_fit(np.log(h), np.log(v))
    n = np.arange(20)
    assert log_linear_slope(n, 0.9**n * (1 + 0.1 * np.cos(n))) == linear_fit(n, np.log(0.9**n * (1 + 0.1 * np.cos(n))))


def test_correction_slope_predicts_the_next_order_deviation():
    """v = c h^p (1 + beta h): the fitted slope is p + beta w_1 + O(beta^2 h^2)."""
    h = np.geomspace(1e-3, 1e-2, 6)
    w = correction_slope(h)
    for beta in (-40.0, -4.0, 3.0, 30.0):
        slope = log_log_slope(h, 2.0 * h**2 * (1 + beta * h)).slope
        assert abs(slope - 2.0 - beta * w) <= beta**2 * h[-1] ** 2
    # w_q is the slope of h^q itself, so the exact model h^q is its own check
    assert abs(correction_slope(h, 2.0) - linear_fit(np.log(h), h**2).slope) == 0.0


def test_zero_value_gives_nan_not_an_exception():
    h = np.geomspace(1e-3, 1e-2, 4)
    fit = log_log_slope(h, [1.0, 0.0, 2.0, 3.0])
    assert np.isnan(fit.slope) and np.isnan(fit.stderr)


def test_two_points_have_a_slope_but_no_standard_error():
    fit = linear_fit([0.0, 1.0], [1.0, 3.0])
    assert fit.slope == pytest.approx(2.0) and np.isnan(fit.stderr)


@pytest.mark.parametrize("call, match", [
    (lambda: linear_fit([0.0, 1.0, 2.0], [1.0, 2.0]), "y must have the shape of x"),
    (lambda: linear_fit([1.0], [1.0]), "at least 2 points"),
    (lambda: linear_fit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]), "2 distinct values"),
    (lambda: linear_fit([0.0, np.nan], [1.0, 2.0]), "finite"),
    (lambda: log_log_slope([0.0, 1.0], [1.0, 2.0]), "h must be positive"),
    (lambda: correction_slope([1e-3, 1e-2], power=0.0), "power must be a positive"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
