"""The stationary-mean estimator agrees with naive references: the plain sample mean without
useful controls, an exact control, the exact affine stationary mean (I - E A)^{-1} E b, and a
transfer-operator solution of the 1-D noisy model."""

import numpy as np
import pytest
from scipy.special import ndtri

from revsgd.models.noisy_1d import NoisyOneDim
from revsgd.theory.family import AffineFamily
from revsgd.theory.stationary import stationary_moments
from revsgd.theory.stationary_mean import control_variate_mean, stationarity_controls, stationary_means

Z = float(ndtri(1.0 - 1e-3 / 2.0))  # two-sided 99.9% normal quantile, as the C9 checks use


def naive_mean_and_variance(values):
    return values.mean(axis=0), np.cov(values.T, ddof=1).reshape(values.shape[1], -1) / len(values)


def test_control_variate_mean_without_useful_controls_is_the_sample_mean():
    rng = np.random.default_rng(0)
    values = rng.standard_normal((500, 2))
    est, cov, bound = control_variate_mean(values, np.zeros((500, 1)), 1e-3)
    mean, var = naive_mean_and_variance(values)
    np.testing.assert_allclose(est, mean, rtol=0, atol=1e-15)
    np.testing.assert_allclose(cov, var * 499 / 498, rtol=1e-12)  # dof m - q - 1
    np.testing.assert_array_equal(bound, [1e-3, 1e-3])


def test_control_variate_removes_a_correlated_part_exactly():
    rng = np.random.default_rng(1)
    control = rng.standard_normal((400, 1))
    values = 3.0 + 2.0 * control  # the control explains everything: estimate = 3 exactly
    est, cov, _ = control_variate_mean(values, control)
    assert abs(est[0] - 3.0) <= 1e-12 and cov[0, 0] <= 1e-26


def test_stationary_means_cover_the_exact_affine_stationary_mean():
    """Naive reference: the exact stationary mean (I - E A)^{-1} E b of an affine family."""
    A = np.array([[[0.6, 0.2], [-0.1, 0.5]], [[0.3, -0.2], [0.4, 0.7]], [[0.5, 0.0], [0.1, 0.2]]])
    b = np.array([[1.0, -1.0], [0.5, 2.0], [-1.5, 0.0]])
    fams = [AffineFamily(A, b), AffineFamily(0.5 * A, b)]
    means = stationary_means(fams, 400, np.random.default_rng(3), 1e-10, np.zeros(2), np.zeros(2))
    est, cov, bound = means.combine(np.eye(2))
    for j, fam in enumerate(fams):
        exact = stationary_moments(fam)[0]
        se = np.sqrt(np.diag(cov)[2 * j:2 * j + 2])
        assert np.all(np.abs(est[j] - exact) <= Z * se + bound[j])
    # affine maps and the second-moment controls determine the mean exactly (zero residual)
    assert np.all(np.sqrt(np.diag(cov)) <= 1e-10)


def test_stationary_means_at_h_against_transfer_operator():
    """The 99.9% interval covers the grid reference (false-alarm rate 1e-3; over 150 seeds
    the standardized errors had standard deviation 0.93)."""
    from tests.models.test_noisy_1d import transfer_operator_mean

    model = NoisyOneDim()
    means = stationary_means([model.step_family(0.1)], 400, np.random.default_rng(0), 1e-10,
                                  [0.0], [0.0])
    est, cov, bound = means.combine(np.eye(1))
    reference = transfer_operator_mean(model, 0.1)
    assert abs(est[0, 0] - reference) <= Z * np.sqrt(cov[0, 0]) + bound[0, 0] + 1e-7


def naive_controls(family, x, center):
    """D_1 and vech D_2 point by point, with plain loops over the maps."""
    rows = []
    for point in x:
        mapped = [family.apply(k, point) for k in range(family.K)]
        drift = sum(p * t for p, t in zip(family.probs, mapped)) - point
        second = sum(p * np.outer(t - center, t - center) for p, t in zip(family.probs, mapped))
        second = second - np.outer(point - center, point - center)
        rows.append(np.concatenate([drift, second[np.triu_indices(len(point))]]))
    return np.array(rows)


def test_stationarity_controls_match_the_naive_loop():
    rng = np.random.default_rng(4)
    A = 0.4 * rng.standard_normal((3, 2, 2))
    fam = AffineFamily(A, rng.standard_normal((3, 2)), [0.2, 0.3, 0.5])
    x, center = rng.standard_normal((7, 2)), rng.standard_normal(2)
    controls, lip = stationarity_controls(fam, x, center)
    np.testing.assert_allclose(controls, naive_controls(fam, x, center), rtol=0, atol=1e-13)
    assert lip.shape == (5,) and np.all(lip > 0)


@pytest.mark.parametrize("call, match", [
    (lambda f: control_variate_mean(np.zeros((5, 1)), np.zeros((4, 1))), "values and controls"),
    (lambda f: control_variate_mean(np.zeros((5, 1)), np.zeros((5, 4))), "fewer than m - 1"),
    (lambda f: stationary_means([], 10, np.random.default_rng(0), 1e-6, [0.0], [0.0]), "non-empty"),
    (lambda f: stationary_means([f], 0, np.random.default_rng(0), 1e-6, [0.0], [0.0]), "m must be"),
    (lambda f: stationary_means([f], 10, np.random.default_rng(0), 0.0, [0.0], [0.0]), "tol must be"),
    (lambda f: stationary_means([f], 10, np.random.default_rng(0), 1e-6, [0.0], [0.0], window=10,
                                records=3), "records must divide"),
    (lambda f: stationarity_controls(f, np.zeros((3, 2)), [0.0]), "x must have shape"),
])
def test_bad_input_names_the_parameter(call, match):
    fam = AffineFamily([[[0.5]], [[0.5]]], [[1.0], [3.0]])
    with pytest.raises(ValueError, match=match):
        call(fam)
