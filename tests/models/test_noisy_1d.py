"""The 1-D noisy non-quadratic model: derivatives vs finite differences, the family vs a
loop, the certified Lipschitz constant vs empirical ratios, the noise law, the closed-form
bias coefficient, the stationary mean vs a transfer-operator reference, and bad input.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models.noisy_1d import NoisyOneDim
from revsgd.theory import Family, GradientSteps
from revsgd.theory.contraction import certify
from revsgd.theory.iterate import backward, backward_certified
from revsgd.theory.sampling import sample_stationary

EPS = np.finfo(float).eps

params = st.fixed_dictionaries(
    dict(
        curvature=st.floats(0.2, 3.0),
        beta=st.floats(0.0, 3.0),
        shift=st.floats(-2.0, 2.0),
        minimizer=st.floats(-3.0, 3.0),
        noise_variance=st.floats(0.0, 4.0),
        points=st.sampled_from([2, 3]),
    )
)


def transfer_operator_mean(model, h, dx=2e-4, half_width=4.0):
    """Naive reference: iterate the Markov operator on a grid (linear splitting of mass,
    which keeps each atom's mean) until the law is stationary; returns E x."""
    x = model.minimizer() + np.arange(-half_width, half_width + dx / 2, dx)
    w = np.zeros_like(x)
    w[x.size // 2] = 1.0
    moves = []
    for e, p in zip(model.noise, model.probs):
        t = x - h * (model.first_derivative(x) + e)
        j = np.clip(np.floor((t - x[0]) / dx).astype(int), 0, x.size - 2)
        moves.append((j, (t - x[j]) / dx, p))
    for _ in range(int(40 / (h * model.curvature))):
        new = np.zeros_like(w)
        for j, a, p in moves:
            new += p * (np.bincount(j, w * (1 - a), x.size) + np.bincount(j + 1, w * a, x.size))
        w = new
    return float(w @ x)


@given(params, st.floats(-4.0, 4.0))
def test_derivatives_match_finite_differences(kw, x):
    model = NoisyOneDim(**kw)
    step = 1e-4
    # |f'''| <= 2 beta * 4/(3 sqrt 3) < 2 beta, |f''''| <= 8 beta, |f'''''| <= 16 beta
    for lower, upper, bound in [
        (model.objective, model.first_derivative, model.curvature + 2 * model.beta),
        (model.first_derivative, model.second_derivative, 2 * model.beta),
        (model.second_derivative, model.third_derivative, 8 * model.beta),
    ]:
        fd = (lower(x + step) - lower(x - step)) / (2 * step)
        scale = 1.0 + abs(lower(x)) + model.curvature * (abs(x) + 8) ** 2
        assert abs(fd - upper(x)) <= step**2 / 6 * (bound + 16 * model.beta + model.curvature) \
            + 16 * EPS * scale / step


@given(params)
def test_minimizer_is_exact_and_curvature_bounded(kw):
    model = NoisyOneDim(**kw)
    x_star = model.minimizer()[0]
    assert model.first_derivative(x_star) == 0.0
    assert model.objective(x_star) == 0.0
    xs = x_star + np.linspace(-6, 6, 101)
    mu, L = model.curvature_bounds()
    f2 = model.second_derivative(xs)
    assert np.all(f2 >= mu) and np.all(f2 <= L + 4 * EPS * L)
    assert np.all(model.objective(xs) >= 0.0)


@pytest.mark.parametrize("points", [2, 3])
def test_noise_law_is_symmetric_with_the_given_variance(points):
    model = NoisyOneDim(noise_variance=2.5, points=points)
    e, p = model.noise, model.probs
    assert abs(p.sum() - 1) <= 4 * EPS
    np.testing.assert_array_equal(e, -e[::-1])
    np.testing.assert_array_equal(p, p[::-1])
    assert abs(p @ e) <= 4 * EPS
    assert abs(p @ e**2 - 2.5) <= 16 * EPS
    if points == 3:  # matches N(0, s^2) up to the fifth moment: E e^4 = 3 s^4
        assert abs(p @ e**4 - 3 * 2.5**2) <= 64 * EPS


@given(params, st.floats(0.05, 0.95), st.integers(1, 20), st.integers(0, 2**31))
def test_vectorized_apply_matches_a_loop(kw, frac, m, seed):
    model = NoisyOneDim(**kw)
    fam = model.step_family(frac * model.contractive_lr_range().high)
    assert isinstance(fam, Family) and fam.dim == 1 and fam.K == kw["points"]
    rng = np.random.default_rng(seed)
    k = rng.integers(0, fam.K, m)
    x = rng.normal(model.minimizer(), 2.0, (m, 1))
    out = fam.apply(k, x)
    assert out.shape == (m, 1)
    for i in range(m):
        one = fam.apply(int(k[i]), x[i])
        assert one.shape == (1,)
        naive = x[i, 0] - fam.lr * (model.first_derivative(x[i, 0]) + model.noise[k[i]])
        assert one[0] == out[i, 0]
        assert abs(one[0] - naive) <= 8 * EPS * (1 + abs(naive) + abs(x[i, 0]))


@given(params, st.floats(0.05, 1.5), st.integers(0, 2**31))
def test_certified_lipschitz_never_exceeded_and_tight(kw, frac, seed):
    model = NoisyOneDim(**kw)
    lr = frac * model.contractive_lr_range().high
    fam = model.step_family(lr)
    lip = float(fam.lipschitz().max())
    mu, L = model.curvature_bounds()
    assert lip == max(abs(1 - lr * mu), abs(1 - lr * L))
    rng = np.random.default_rng(seed)
    x, y = rng.normal(0, 3, (2, 200)) + model.minimizer()
    y = np.where(x == y, y + 1.0, y)
    k = np.zeros(200, dtype=int)
    ratio = np.abs(fam.apply(k, x[:, None]) - fam.apply(k, y[:, None]))[:, 0] / np.abs(x - y)
    # round-off of one step: a few eps times the size of the terms, over |x - y|
    scale = (np.abs(x) + np.abs(y) + 2 * abs(model.minimizer()) + abs(model.shift) + 2) * (1 + lr * L) \
        + lr * float(np.abs(model.noise).max())
    assert np.all(ratio <= lip + 16 * EPS * scale / np.abs(x - y))
    # tight: at the point of largest curvature (z = 0, where f''' vanishes) a small secant
    # of T has slope 1 - h(mu + beta) + O(h beta step^2); far away it is 1 - h mu
    c = model.minimizer()[0] + model.shift
    near = (fam.apply(0, [c + 1e-4])[0] - fam.apply(0, [c - 1e-4])[0]) / 2e-4
    assert abs(near - (1 - lr * L)) <= lr * model.beta * 1e-8 + 1e-9
    far = (fam.apply(0, [c + 60.0])[0] - fam.apply(0, [c + 40.0])[0]) / 20.0
    assert abs(far - (1 - lr * mu)) <= 1e-12 * (1 + lr * L)


def test_bias_coefficient_closed_form():
    model = NoisyOneDim()  # mu = 1, beta = 2, tanh c = 1/sqrt 3, s^2 = 1
    # f''(x*) = 1 + 2 * 2/3 = 7/3, f'''(x*) = 2 * 2 * (2/3) / sqrt 3 = 8 / (3 sqrt 3)
    assert abs(model.second_derivative(0.0) - 7 / 3) <= 4 * EPS
    assert abs(model.third_derivative(0.0) - 8 / (3 * np.sqrt(3))) <= 8 * EPS
    exact = -6 / (49 * np.sqrt(3))
    assert abs(model.bias_coefficient() - exact) <= 8 * EPS
    assert abs(model.first_order_bias(0.1) - 0.1 * exact) <= 8 * EPS
    scaled = NoisyOneDim(noise_variance=3.0, minimizer=5.0)
    assert abs(scaled.bias_coefficient() - 3 * exact) <= 16 * EPS
    assert NoisyOneDim(beta=0.0).bias_coefficient() == 0.0
    assert NoisyOneDim(shift=-NoisyOneDim().shift).bias_coefficient() == -model.bias_coefficient()


def test_stationary_mean_matches_first_order_bias_against_transfer_operator():
    """Naive reference: (m(h) - x*)/h from the transfer operator tends to c_1 linearly in h."""
    model = NoisyOneDim(minimizer=0.7)
    c1 = model.bias_coefficient()
    gaps = [(transfer_operator_mean(model, h) - model.minimizer()[0]) / h - c1 for h in (0.05, 0.1)]
    # (m(h) - x*)/h - c1 = c2 h + O(h^2): halving h roughly halves the gap, and it is small
    assert 1.6 <= gaps[1] / gaps[0] <= 2.4
    assert abs(gaps[1]) <= 0.2 * abs(c1)
    quadratic = NoisyOneDim(beta=0.0, minimizer=0.7)
    assert abs(transfer_operator_mean(quadratic, 0.1) - 0.7) <= 1e-9


def test_family_works_with_theory_iteration_and_sampling():
    model = NoisyOneDim(minimizer=-1.0)
    fam = model.step_family(0.3)
    idx = np.array([0, 1, 1, 0, 1, 0, 0, 1] * 10)
    exact = backward(fam, idx, [0.0])
    cert = backward_certified(fam, idx, [0.0], 1e-8)
    assert abs(cert.trajectory[-1, 0] - exact[-1, 0]) <= 1e-8 + 1e-14
    sample = sample_stationary(fam, 64, 1e-8, rng=0)
    assert sample.draws.shape == (64, 1) and np.all(np.isfinite(sample.draws))
    with pytest.raises(ValueError, match="Lipschitz"):
        certify(model.step_family(0.7), [0.0])  # 2/(mu + beta) = 2/3


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        (dict(curvature=0.0), ValueError, "curvature"),
        (dict(curvature=-1.0), ValueError, "curvature"),
        (dict(curvature=np.nan), ValueError, "curvature"),
        (dict(curvature="1"), TypeError, "curvature"),
        (dict(beta=-0.1), ValueError, "beta"),
        (dict(beta=np.inf), ValueError, "beta"),
        (dict(shift=np.nan), ValueError, "shift"),
        (dict(minimizer=np.inf), ValueError, "minimizer"),
        (dict(noise_variance=-1.0), ValueError, "noise_variance"),
        (dict(noise_variance=np.nan), ValueError, "noise_variance"),
        (dict(noise_variance=None), TypeError, "noise_variance"),
        (dict(points=4), ValueError, "points"),
        (dict(points=2.0), ValueError, "points"),
        (dict(points=True), ValueError, "points"),
    ],
)
def test_bad_parameters_are_refused(kwargs, error, word):
    with pytest.raises(error, match=word):
        NoisyOneDim(**kwargs)


def test_bad_learning_rates_and_points_are_refused():
    model = NoisyOneDim()
    for lr in (0.0, -0.1, np.nan, np.inf):
        with pytest.raises(ValueError, match="lr"):
            model.step_family(lr)
    with pytest.raises(TypeError, match="lr"):
        model.step_family("0.1")
    for lr in (2 / 3, 1.0):  # outside (0, 2/(mu + beta)): no certified stationary law
        with pytest.raises(ValueError, match="lr must lie in the contractive range"):
            model.first_order_bias(lr)
        with pytest.raises(ValueError, match="lr"):
            model.contraction_factor(lr)
    fam = model.step_family(0.1)
    with pytest.raises(ValueError, match="x"):
        fam.apply(0, [np.nan])
    with pytest.raises(ValueError, match="x"):
        fam.apply(np.array([0, 1]), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="k"):
        fam.apply(2, [0.0])
    with pytest.raises(ValueError, match="x"):
        model.first_derivative(np.inf)
    with pytest.raises(ValueError, match="x"):
        model.gradient(0, [np.inf])
    assert isinstance(fam, GradientSteps)
