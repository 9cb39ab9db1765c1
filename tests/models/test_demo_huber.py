"""The one-file model of ``demo_huber.py`` runs through the package untouched: it is a Model and
a GradientOracle, its derivatives match finite differences, its minimizer matches scipy's, and
its GradientSteps run forward and backward under the certificate of C1.

Finite differences: away from the kinks |r_i| = delta the loss is quadratic along a line, so
a central difference with step 1e-6 errs only by round-off, a few eps |L| / step; the points
are drawn so that no residual is within 1e-3 of a kink.
"""

import numpy as np
import pytest

from revsgd.models import Model, check_model
from revsgd.theory import GradientOracle, GradientSteps, backward, certify, forward, sample_indices
from revsgd.theory.bracket_correction import corrected_forward
from tests.models.demo_huber import HuberRegression

EPS = np.finfo(float).eps


def model_and_rng(seed=0, N=24, d=3, B=4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, d))
    y = X @ rng.standard_normal(d) + rng.standard_t(2, N)  # heavy tails: residuals on both pieces
    return HuberRegression(X, y, B, delta=0.8, l2=0.2), rng


def away_from_kinks(model, rng):
    for _ in range(100):
        w = rng.standard_normal(model.dim)
        r = np.einsum("kbd,d->kb", model.Xb, w) - model.yb
        if np.abs(np.abs(r) - model.delta).min() > 1e-3:
            return w
    raise AssertionError("no point away from the kinks")


def test_it_is_a_model_and_an_oracle():
    model, _ = model_and_rng()
    assert isinstance(model, Model) and isinstance(model, GradientOracle)
    check_model(model)
    assert isinstance(model.step_family(0.1), GradientSteps)


def test_derivatives_match_finite_differences():
    model, rng = model_and_rng(1)
    step = 1e-6
    for k in range(model.K):
        w, v = away_from_kinks(model, rng), rng.standard_normal(model.dim)
        fd = (model.loss(k, w + step * v) - model.loss(k, w - step * v)) / (2 * step)
        assert abs(fd - model.gradient(k, w) @ v) <= 64 * EPS * (1 + model.loss(k, w)) / step + 1e-9
        fd = (model.gradient(k, w + step * v) - model.gradient(k, w - step * v)) / (2 * step)
        assert np.abs(fd - model.hvp(k, w, v)).max() <= 64 * EPS * (1 + np.abs(model.gradient(k, w)).max()) / step
    k, W = rng.integers(0, model.K, 5), rng.standard_normal((5, model.dim))
    np.testing.assert_allclose(model.gradient(k, W), [model.gradient(int(a), b) for a, b in zip(k, W)],
                               rtol=0, atol=64 * EPS * (1 + np.abs(W).max()))


def test_minimizer_matches_scipy():
    from scipy.optimize import minimize

    model, _ = model_and_rng(2)
    w = model.minimizer()
    mean_grad = lambda x: model.probs @ model.gradient(np.arange(model.K), np.tile(x, (model.K, 1)))  # noqa: E731
    assert np.linalg.norm(mean_grad(w)) <= 1e-10
    ref = minimize(lambda x: model.probs @ model.loss(np.arange(model.K), np.tile(x, (model.K, 1))),
                   np.zeros(model.dim), jac=mean_grad, method="BFGS", options=dict(gtol=1e-10)).x
    assert np.linalg.norm(w - ref) <= (1e-10 + np.linalg.norm(mean_grad(ref))) / model.l2


@pytest.mark.parametrize("fraction", [0.3, 0.9])
def test_steps_run_forward_backward_and_certify(fraction):
    """C1 on the new model: backward increments <= rho^n C, limits independent of the start."""
    model, rng = model_and_rng(3)
    lr = fraction * model.contractive_lr_range().high
    fam = model.step_family(lr)
    lip = fam.lipschitz()
    np.testing.assert_array_equal(lip, np.maximum(np.abs(1 - lr * model.l2), np.abs(1 - lr * model.smoothness())))
    x0 = rng.standard_normal(model.dim)
    cert = certify(fam, x0)
    assert cert.rho == lip.max() < 1
    n = 150
    idx = sample_indices(fam.K, n, rng)
    y = backward(fam, idx, x0)
    scale = np.abs(x0).max() + cert.C / (1 - cert.rho)
    roundoff = 16 * (n + 1) * (4 + model.dim) * EPS * (1 + scale)
    inc = np.linalg.norm(np.diff(y, axis=0), axis=1)
    assert np.all(inc <= cert.cauchy(np.arange(n)) + roundoff)
    other = backward(fam, idx, x0 + 3.0)
    assert np.linalg.norm(other[-1] - y[-1]) <= cert.rho**n * 3 * np.sqrt(model.dim) + roundoff
    x, naive = forward(fam, idx, x0), [x0]
    for k in idx:  # naive reference: SGD written out with the model's own gradient
        naive.append(naive[-1] - lr * model.gradient(int(k), naive[-1]))
    assert np.abs(x - np.array(naive)).max() <= roundoff


def test_bracket_correction_takes_it_as_an_oracle():
    model, rng = model_and_rng(4)
    x0, word = rng.standard_normal(model.dim), [0, 1, 2, 3]
    out = corrected_forward(model, 0.01, word, x0)
    ref = forward(model.step_family(0.01), word, x0)[-1]
    assert np.abs(out.forward - ref).max() <= 64 * EPS * (1 + np.abs(ref).max())
    assert out.bracket.shape == (model.dim,) and np.all(np.isfinite(out.corrected))
