"""Every model is on the one protocol: the same members with the same signatures, batched by
one rule (k then x), the batched forms against a loop of single calls (the naive reference),
the steps against x - h grad_k(x), and bad input named the same way everywhere.

Tolerances: a batched row and a single call evaluate the same formula with different
summation orders (einsum against BLAS), so they agree to ``8 (B + d) eps`` times the size of
the terms (B rows per batch, d coordinates; Higham, Thm 3.1).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models import LeastSquares, LearningRateRange, Logistic, Model, NoisyOneDim, Quadratic, check_model
from revsgd.models.protocol import batch_args, batch_index
from revsgd.theory import Family, GradientSteps
from revsgd.theory.strategies import orthogonal, seeds

EPS = np.finfo(float).eps


def quadratic(rng):
    H = np.stack([(Q * rng.uniform(0.2, 2.0, 3)) @ Q.T for Q in (orthogonal(rng, 3) for _ in range(4))])
    return Quadratic(H, rng.standard_normal((4, 3)))


def least_squares(rng):
    return LeastSquares(rng.standard_normal((20, 3)), rng.standard_normal(20), 5, ridge=0.1)


def logistic(rng):
    X = rng.standard_normal((24, 3))
    return Logistic(X, (X @ rng.standard_normal(3) + rng.standard_normal(24) > 0).astype(float), 6, 0.2)


def noisy(rng):
    return NoisyOneDim(curvature=rng.uniform(0.5, 2), beta=rng.uniform(0, 3), minimizer=rng.uniform(-1, 1), points=3)


MODELS = [quadratic, least_squares, logistic, noisy]


def _scale(model, x):
    """A bound on the size of the terms of one evaluation (data, curvature and point)."""
    data = float(np.abs(model.Xb).max()) ** 2 if isinstance(model, Logistic) else 1.0
    curv = float(max(np.abs(model.smoothness()).max(), 1.0))
    return (1 + np.abs(x).max()) * (curv + data) * 8


@pytest.mark.parametrize("make", MODELS)
def test_models_satisfy_the_protocol(make):
    model = make(np.random.default_rng(0))
    assert isinstance(model, Model)
    check_model(model)
    assert model.probs.shape == (model.K,) and abs(model.probs.sum() - 1) <= model.K * EPS
    assert model.minimizer().shape == (model.dim,)
    assert isinstance(model.contractive_lr_range(), LearningRateRange)
    fam = model.step_family(0.5 * model.contractive_lr_range().high)
    assert isinstance(fam, Family) and fam.K == model.K and fam.dim == model.dim
    assert np.all(fam.lipschitz() < 1)


@pytest.mark.parametrize("make", MODELS)
@given(seed=seeds(), m=st.integers(0, 7))
def test_batched_members_are_loops_of_single_calls(make, seed, m):
    rng = np.random.default_rng(seed)
    model = make(rng)
    d, k = model.dim, rng.integers(0, model.K, m)
    x, v = 2 * rng.standard_normal((m, d)), rng.standard_normal((m, d))
    tol = 8 * (24 + d) * EPS * _scale(model, x if m else np.zeros(1))
    rows = [(model.loss(int(ki), xi), model.gradient(int(ki), xi), model.hvp(int(ki), xi, vi),
             model.hessian(int(ki), xi)) for ki, xi, vi in zip(k, x, v)]
    for j, batched in enumerate([model.loss(k, x), model.gradient(k, x), model.hvp(k, x, v), model.hessian(k, x)]):
        shape = [(m,), (m, d), (m, d), (m, d, d)][j]
        assert batched.shape == shape
        if m:
            naive = np.array([r[j] for r in rows])
            assert np.abs(batched - naive).max() <= tol, (j, np.abs(batched - naive).max(), tol)
    assert np.array_equal(model.unchecked_gradient(k, x), model.gradient(k, x))
    single = model.loss(0, x[0]) if m else model.loss(0, np.zeros(d))
    assert isinstance(single, float)


@pytest.mark.parametrize("make", [least_squares, logistic, noisy])
def test_steps_are_x_minus_lr_gradient(make):
    rng = np.random.default_rng(1)
    model = make(rng)
    lr = 0.7 * model.contractive_lr_range().high
    fam = model.step_family(lr)
    assert isinstance(fam, (Family, GradientSteps))
    k, x = rng.integers(0, model.K, 9), 3 * rng.standard_normal((9, model.dim))
    naive = np.array([xi - lr * model.gradient(int(ki), xi) for ki, xi in zip(k, x)])
    assert np.abs(fam.apply(k, x) - naive).max() <= 8 * (24 + model.dim) * EPS * _scale(model, x)


def test_noisy_batch_losses_average_to_f_and_vanish_at_the_minimizer():
    model = NoisyOneDim(minimizer=0.4, points=3)
    xs = np.linspace(-3, 3, 13)[:, None]
    for x in xs:
        mean = sum(p * model.loss(k, x) for k, p in enumerate(model.probs))
        assert abs(mean - model.objective(x[0])) <= 16 * EPS * (1 + abs(model.objective(x[0])) + 3 * abs(x[0]))
    assert all(model.loss(k, model.minimizer()) == 0.0 for k in range(model.K))
    np.testing.assert_array_equal(model.gradient(np.arange(3), np.tile(model.minimizer(), (3, 1)))[:, 0], model.noise)


def test_quadratic_hessian_takes_an_optional_point():
    q = quadratic(np.random.default_rng(2))
    assert np.array_equal(q.hessian(1), q.H[1]) and np.array_equal(q.hessian(1, np.zeros(3)), q.H[1])
    assert np.array_equal(q.hessian(np.array([0, 3])), q.H[[0, 3]])
    with pytest.raises(ValueError, match="x must have shape"):
        q.hessian(1, np.zeros(2))


@pytest.mark.parametrize("make", MODELS)
def test_bad_input_is_named_the_same_way_on_every_model(make):
    model = make(np.random.default_rng(3))
    d, K = model.dim, model.K
    cases = [
        (lambda: model.gradient(K, np.zeros(d)), ValueError, rf"k must lie in 0\.\.{K - 1}"),
        (lambda: model.gradient(-1, np.zeros(d)), ValueError, "k must lie in"),
        (lambda: model.gradient(1.0, np.zeros(d)), TypeError, "k must be an int batch index"),
        (lambda: model.loss(True, np.zeros(d)), TypeError, "k must be an int"),
        (lambda: model.gradient(np.array([0, K]), np.zeros((2, d))), ValueError, "k must lie in"),
        (lambda: model.gradient(np.array([0.0]), np.zeros((1, d))), TypeError, "k must hold integers"),
        (lambda: model.gradient(0, np.zeros(d + 1)), ValueError, "x must have shape"),
        (lambda: model.gradient(np.array([0, 0]), np.zeros((3, d))), ValueError, "x must have shape"),
        (lambda: model.gradient(0, np.full(d, np.inf)), ValueError, "x must have finite entries"),
        (lambda: model.hvp(0, np.zeros(d), np.zeros(d + 1)), ValueError, "v must have shape"),
        (lambda: model.hvp(np.array([0]), np.zeros((1, d)), np.zeros(d)), ValueError, "v must have shape"),
        (lambda: model.loss(0, "x"), TypeError, "x must be a numeric array"),
    ]
    for call, exc, match in cases:
        with pytest.raises(exc, match=match):
            call()


def test_check_model_and_the_argument_helpers():
    with pytest.raises(TypeError, match=r"model must provide K, dim, probs, .*\(missing: K, dim, probs, loss"):
        check_model(object())
    fam = NoisyOneDim().step_family(0.1)
    with pytest.raises(TypeError, match=r"missing: loss, gradient, hvp, minimizer, step_family"):
        check_model(fam)
    assert batch_index(4, np.int32(3)) == (3, True)
    k, x, v, single = batch_args(2, 1, [0, 1], [[1], [2]], [[0], [0]])
    assert k.dtype == np.int64 and x.shape == v.shape == (2, 1) and not single
