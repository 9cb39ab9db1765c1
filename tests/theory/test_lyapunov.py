"""C8: contracting on average. Exponents, classification, negative controls."""

import numpy as np
import pytest
from scipy import stats

from revsgd.models import LeastSquares
from tests.tolerances import trajectory_tol
from revsgd.theory import AffineFamily, backward, forward, sample_indices
from revsgd.theory.fits import log_linear_slope
from revsgd.theory.lyapunov import backward_increments, classify, lyapunov_exponent, mean_log_lipschitz

# fixed points 2 and -2: no common fixed point, so the forward chain keeps moving
HALF_AND_THREE_HALVES = AffineFamily([[[0.5]], [[1.5]]], [[1.0], [1.0]])
GAMMA_1D = 0.5 * np.log(0.75)  # E log|a| for slopes 0.5, 1.5 with equal weights


def rotation(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


class DoublingMod1:
    """x -> x and x -> 2x mod 1 on [0, 1): E log Lip = log(2)/2 > 0 (Diaconis-Freedman)."""

    K, dim, probs = 2, 1, np.array([0.5, 0.5])

    def apply(self, k, x):
        k = np.asarray(k)
        x = np.asarray(x, float)
        doubled = np.mod(2 * x, 1.0)
        if k.ndim == 0:
            return x if k == 0 else doubled
        return np.where((k == 1)[:, None], doubled, x)

    def lipschitz(self):
        return np.array([1.0, 2.0])


def test_one_dimensional_exponent_is_mean_log_slope():
    """In 1-D gamma = E log|a| exactly; the 99% interval covers it (fixed seed)."""
    est = lyapunov_exponent(HALF_AND_THREE_HALVES, n=4000, runs=16, rng=0)
    assert est.interval[0] <= GAMMA_1D <= est.interval[1]
    assert mean_log_lipschitz(HALF_AND_THREE_HALVES) == pytest.approx(GAMMA_1D, abs=1e-15)


def backward_rates(fam, n_lo, n_hi, runs, rng, x0):
    """Per-run least-squares slopes of log|y_{n+1} - y_n| over n in [n_lo, n_hi)."""
    slopes = []
    steps = np.arange(n_lo, n_hi)
    for _ in range(runs):
        idx = sample_indices(fam.K, n_hi + 1, rng, probs=fam.probs)
        inc = backward_increments(fam, idx, x0)
        # the trajectory agrees with the identity wherever its differences are above round-off
        y = backward(fam, idx, x0)
        diff = np.linalg.norm(np.diff(y, axis=0), axis=1)
        tol = 2 * trajectory_tol(idx.size, fam.dim, np.abs(y).max())
        np.testing.assert_allclose(diff, inc, rtol=0, atol=tol)
        slopes.append(log_linear_slope(steps, inc[n_lo:n_hi]).slope)
    return np.array(slopes)


def assert_rate_matches_exponent(slopes, est):
    """|mean slope - gamma_hat| <= 4 combined standard errors: false-alarm rate ~1e-4."""
    se_slope = slopes.std(ddof=1) / np.sqrt(slopes.size)
    se_gamma = est.per_run.std(ddof=1) / np.sqrt(est.runs)
    assert abs(slopes.mean() - est.exponent) <= 4 * np.hypot(se_slope, se_gamma)


def test_expanding_map_family_contracts_on_average_and_backward_converges():
    cl = classify(HALF_AND_THREE_HALVES)
    assert cl.kind == "contracting on average" and cl.backward_converges
    assert cl.max_lipschitz == 1.5
    # measured backward rate against gamma = E log|a| (1-D: exact), 100 runs
    slopes = backward_rates(HALF_AND_THREE_HALVES, 10, 300, 100, np.random.default_rng(3), [0.0])
    est = lyapunov_exponent(HALF_AND_THREE_HALVES, n=4000, rng=5)
    assert_rate_matches_exponent(slopes, est)
    assert abs(slopes.mean() - GAMMA_1D) <= 0.25 * abs(GAMMA_1D)


def test_forward_keeps_moving_for_the_same_family():
    x = forward(HALF_AND_THREE_HALVES, sample_indices(2, 3000, 3), [0.0])[:, 0]
    assert np.abs(np.diff(x))[-500:].mean() > 0.1


def test_least_squares_with_batch_size_one_contracts_on_average():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    ls = LeastSquares(X, y, batch_size=1)
    lr = 0.5 / np.linalg.eigvalsh(ls.H).max()
    fam = ls.step_family(lr)
    assert fam.lipschitz().max() >= 1.0 - 1e-12  # no single step contracts
    cl = classify(fam, rng=0)
    assert cl.kind == "contracting on average"
    # backward increments decay at the estimated exponent
    slopes = backward_rates(fam, 200, 1500, 30, np.random.default_rng(2), np.zeros(3))
    assert_rate_matches_exponent(slopes, cl.lyapunov)


def test_least_squares_backward_limit_has_the_forward_law():
    """Two-sample KS on the first coordinate, 400 forward endpoints vs 400 backward limits;
    both are (nearly exact) draws of pi. False-alarm rate 1e-3 (fixed seed)."""
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((20, 2)), rng.standard_normal(20)
    ls = LeastSquares(X, y, batch_size=1)
    fam = ls.step_family(0.5 / np.linalg.eigvalsh(ls.H).max())
    n, m = 1500, 400
    fwd = np.array([forward(fam, sample_indices(fam.K, n, rng), np.zeros(2))[-1] for _ in range(m)])
    bwd = np.array([backward(fam, sample_indices(fam.K, n, rng), np.zeros(2))[-1] for _ in range(m)])
    assert stats.ks_2samp(fwd[:, 0], bwd[:, 0]).pvalue > 1e-3
    # the backward limits are distinct points of a non-degenerate law, as the forward ones
    assert bwd[:, 0].std() > 0.5 * fwd[:, 0].std()


def test_rotations_are_not_claimed_to_converge():
    fam = AffineFamily(np.stack([rotation(0.3), rotation(1.1)]), [[1.0, 0.0], [0.0, 1.0]])
    cl = classify(fam, rng=0)
    assert cl.kind == "undetermined" and not cl.backward_converges
    assert "no claim" in cl.evidence


def test_identity_and_doubling_is_not_contracting():
    affine = AffineFamily([[[1.0]], [[2.0]]], [[0.0], [0.0]])
    cl = classify(affine, rng=0)
    assert cl.kind == "not contracting" and not cl.backward_converges
    assert cl.lyapunov.interval[0] <= np.log(2) / 2 <= cl.lyapunov.interval[1]
    circle = classify(DoublingMod1())
    assert circle.kind == "undetermined" and not circle.backward_converges
    assert circle.mean_log_lipschitz == pytest.approx(np.log(2) / 2)


def test_uniform_contraction_is_reported_as_such():
    cl = classify(AffineFamily([[[0.5]], [[0.25]]], [[0.0], [1.0]]))
    assert cl.kind == "uniformly contracting" and cl.lyapunov is None


@pytest.mark.parametrize(
    "kwargs,exc,match",
    [
        (dict(n=0), ValueError, "n must be a positive integer"),
        (dict(runs=1), ValueError, "runs must be >= 2"),
        (dict(confidence=1.0), ValueError, r"confidence must be a float in \(0, 1\)"),
        (dict(rng="x"), TypeError, "rng must be a numpy.random.Generator"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        lyapunov_exponent(HALF_AND_THREE_HALVES, **kwargs)


def test_non_affine_family_refused_for_exponent():
    with pytest.raises(TypeError, match="family must be a theory.AffineFamily"):
        lyapunov_exponent(DoublingMod1())
