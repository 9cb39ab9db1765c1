"""Families and gradient oracles: GradientSteps against a loop of x - h grad(x), a single point
against a batch of one (the same bits), the C4 certificate against the exact affine norm and
empirical secant ratios, the refusal without curvature bounds, the oracle checks, bad input.

Tolerances: a step x - h g computes g in a few flops per coordinate, so the batched and the
looped forms agree to a few eps times |x| + h |g| (they are in fact bit-identical here, since
every oracle below computes each row by the same formula).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models.strategies import quadratic_models
from revsgd.theory import AffineFamily, Family, GradientOracle, GradientSteps, certify, check_oracle
from revsgd.theory.family import check_family, check_point
from revsgd.theory.iterate import backward, forward
from revsgd.theory.strategies import seeds

EPS = np.finfo(float).eps


class Softplus:
    r"""K batch losses L_k(x) = sum_j a_kj softplus(x_j - c_kj) + mu |x|^2 / 2 on R^d.

    Hessian diag(a_k sigma'(x - c_k)) + mu I with 0 < sigma' <= 1/4: mu_k = mu,
    L_k = mu + max_j a_kj / 4. Batched by the protocol; ``bounds`` toggles the curvature bounds.
    """

    def __init__(self, rng, K=3, dim=2, mu=0.5):
        self.K, self.dim, self.mu = K, dim, mu
        self.a = rng.uniform(0.5, 4.0, (K, dim))
        self.c = rng.standard_normal((K, dim))
        self.calls = 0

    def gradient(self, k, x):
        self.calls += 1
        x = np.asarray(x, float)
        return self.a[k] / (1.0 + np.exp(-(x - self.c[k]))) + self.mu * x

    def hvp(self, k, x, v):
        s = 1.0 / (1.0 + np.exp(-(np.asarray(x) - self.c[k])))
        return (self.a[k] * s * (1 - s) + self.mu) * v


class Bounded(Softplus):
    def strong_convexity(self):
        return self.mu

    def smoothness(self):
        return self.mu + self.a.max(axis=1) / 4


# -- the steps against a loop ----------------------------------------------------------------
@given(seeds(), st.integers(1, 4), st.integers(1, 5), st.integers(0, 12))
def test_batched_apply_is_the_loop_of_single_steps(seed, d, K, m):
    rng = np.random.default_rng(seed)
    oracle = Bounded(rng, K, d)
    fam = GradientSteps(oracle, 0.3)
    k, x = rng.integers(0, K, m), 3 * rng.standard_normal((m, d))
    naive = np.array([xi - 0.3 * oracle.gradient(int(ki), xi) for ki, xi in zip(k, x)]).reshape(m, d)
    batched = fam.apply(k, x)
    assert batched.shape == (m, d)
    assert np.abs(batched - naive).max(initial=0.0) <= 8 * EPS * (1 + np.abs(x).max(initial=0.0) + 4)
    for i in range(m):  # a single point is a batch of one: the same bits
        assert np.array_equal(fam.apply(int(k[i]), x[i]), batched[i])


def test_single_point_calls_the_oracle_once_on_a_batch_of_one():
    oracle = Bounded(np.random.default_rng(0))
    fam = GradientSteps(oracle, 0.1)
    fam.apply(np.int64(2), np.zeros(2))
    fam.apply(np.array([0, 1, 2]), np.zeros((3, 2)))
    assert oracle.calls == 2


class Batched(Bounded):
    """The same losses, with an unchecked batched gradient that the steps must prefer."""

    def unchecked_gradient(self, k, x):
        assert k.dtype == np.int64 and k.ndim == 1 and x.dtype == np.float64 and x.shape == (k.size, self.dim)
        return Bounded.gradient(self, k, x)

    def gradient(self, k, x):
        raise AssertionError("GradientSteps must call unchecked_gradient when present")


def test_unchecked_gradient_is_preferred_and_gives_the_same_steps():
    rng = np.random.default_rng(1)
    plain, fast = Bounded(rng), Batched(np.random.default_rng(1))
    k, x = np.array([0, 2, 1]), np.ones((3, 2))
    assert np.array_equal(GradientSteps(fast, 0.2).apply(k, x), GradientSteps(plain, 0.2).apply(k, x))
    assert np.array_equal(GradientSteps(fast, 0.2).apply(1, x[0]), GradientSteps(plain, 0.2).apply(1, x[0]))


@given(quadratic_models(), seeds(), st.integers(1, 8))
def test_gradient_steps_of_a_quadratic_are_its_affine_family(problem, seed, m):
    """Naive reference: (I - h H_k) x + h q_k; certificate = ||I - h H_k||_2 up to round-off."""
    q, h = problem.model, problem.lr
    steps, affine = GradientSteps(q, h, q.probs), q.step_family(h)
    rng = np.random.default_rng(seed)
    k, x = rng.integers(0, q.K, m), rng.standard_normal((m, q.dim))
    scale = 1 + np.abs(x).max() * (1 + h * np.abs(q.H).max() * q.dim) + h * np.abs(q.q).max()
    assert np.abs(steps.apply(k, x) - affine.apply(k, x)).max() <= 8 * q.dim * EPS * scale
    np.testing.assert_allclose(steps.lipschitz(), affine.lipschitz(), rtol=0, atol=16 * q.dim * EPS)
    np.testing.assert_array_equal(steps.probs, affine.probs)


# -- the certificate ---------------------------------------------------------------------------
@pytest.mark.parametrize("frac", [0.3, 0.9, 1.4])
def test_certificate_bounds_secant_ratios_and_is_the_c4_formula(frac):
    rng = np.random.default_rng(2)
    oracle = Bounded(rng, K=3, dim=3)
    mu, L = oracle.mu, oracle.smoothness()
    h = frac * 2 / L.max()
    fam = GradientSteps(oracle, h)
    lip = fam.lipschitz()
    np.testing.assert_array_equal(lip, np.maximum(np.abs(1 - h * mu), np.abs(1 - h * L)))
    for k in range(3):
        x, y = rng.standard_normal((2, 400, 3)) * rng.choice([1e-3, 1.0, 10.0], (400, 1))
        ks = np.full(400, k)
        ratio = np.linalg.norm(fam.apply(ks, x) - fam.apply(ks, y), axis=1) / np.linalg.norm(x - y, axis=1)
        roundoff = 16 * EPS * (np.abs(x).max() + np.abs(y).max() + h * L.max() * 10) / np.linalg.norm(x - y, axis=1)
        assert np.all(ratio <= lip[k] + roundoff)


def test_a_certified_family_runs_forward_backward_and_certify():
    fam = GradientSteps(Bounded(np.random.default_rng(3)), 0.2, probs=[0.2, 0.3, 0.5])
    assert isinstance(fam, Family)
    idx = np.array([0, 2, 1, 1, 0, 2] * 10)
    x0 = np.zeros(2)
    cert = certify(fam, x0)
    y = backward(fam, idx, x0)
    inc = np.linalg.norm(np.diff(y, axis=0), axis=1)
    assert cert.rho < 1 and np.all(inc <= cert.cauchy(np.arange(idx.size)) + 64 * EPS * (1 + cert.C))
    assert forward(fam, idx, x0).shape == (61, 2)


def test_no_bounds_no_certificate():
    fam = GradientSteps(Softplus(np.random.default_rng(4)), 0.1)
    assert fam.apply(0, np.zeros(2)).shape == (2,)  # the steps work without bounds
    with pytest.raises(ValueError, match=r"no Lipschitz certificate.*strong_convexity\(\) and no smoothness\(\)"):
        fam.lipschitz()
    with pytest.raises(ValueError, match="no Lipschitz certificate"):
        certify(fam, np.zeros(2))

    class OnlySmooth(Softplus):
        def smoothness(self):
            return 1.0

    with pytest.raises(ValueError, match=r"has no strong_convexity\(\);.*max\(\|1 - lr mu_k\|"):
        GradientSteps(OnlySmooth(np.random.default_rng(4)), 0.1).lipschitz()


def test_probabilities_are_kept_bit_for_bit():
    p = np.array([1 / 6, 2 / 3, 1 / 6])  # sums to 1 - 1.1e-16: renormalising would change bits
    fam = GradientSteps(Bounded(np.random.default_rng(5)), 0.1, p)
    assert np.array_equal(fam.probs, p) and not fam.probs.flags.writeable
    np.testing.assert_array_equal(GradientSteps(Bounded(np.random.default_rng(5)), 0.1).probs, np.full(3, 1 / 3))


# -- protocol checks and bad input ------------------------------------------------------------
def test_protocol_checks():
    oracle = Bounded(np.random.default_rng(6))
    assert isinstance(oracle, GradientOracle)
    check_oracle(oracle)
    check_family(AffineFamily([[[0.5]]], [[0.0]]))
    assert check_point(GradientSteps(oracle, 0.1), [1, 2]).dtype == np.float64

    class GradOnly:
        K, dim = 1, 1

        def gradient(self, k, x):
            return x

    check_oracle(GradOnly(), hvp=False)
    with pytest.raises(TypeError, match=r"oracle must provide K, dim, gradient\(k, x\) and hvp"):
        check_oracle(GradOnly())
    with pytest.raises(TypeError, match=r"must provide K, dim and gradient\(k, x\)"):
        GradientSteps(object(), 0.1)
    with pytest.raises(TypeError, match="family must provide"):
        check_family(GradOnly())


class WrongShape(Softplus):
    def gradient(self, k, x):
        return np.zeros(3)


class BadBounds(Softplus):
    def __init__(self, rng, mu, L):
        super().__init__(rng)
        self._mu, self._L = mu, L

    def strong_convexity(self):
        return self._mu

    def smoothness(self):
        return self._L


@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda o: GradientSteps(o, 0.0), ValueError, "lr"),
        (lambda o: GradientSteps(o, "0.1"), TypeError, "lr"),
        (lambda o: GradientSteps(o, 0.1, probs=[0.5, 0.5]), ValueError, "probs"),
        (lambda o: GradientSteps(o, 0.1, probs=[0.5, 0.6, -0.1]), ValueError, "probs"),
        (lambda o: GradientSteps(o, 0.1).apply(3, np.zeros(2)), ValueError, r"k must lie in 0\.\.2"),
        (lambda o: GradientSteps(o, 0.1).apply(1.0, np.zeros(2)), TypeError, "k must hold integers"),
        (lambda o: GradientSteps(o, 0.1).apply(True, np.zeros(2)), TypeError, "k"),
        (lambda o: GradientSteps(o, 0.1).apply(0, np.zeros(3)), ValueError, r"x must have shape \(2\), got shape \(3,\)"),
        (lambda o: GradientSteps(o, 0.1).apply(0, [np.nan, 0.0]), ValueError, "x must have finite"),
        (lambda o: GradientSteps(o, 0.1).apply(np.array([0, 1]), np.zeros((3, 2))), ValueError, r"x must have shape \(2, 2\)"),
        (lambda o: GradientSteps(o, 0.1).apply(np.array([[0]]), np.zeros((1, 2))), ValueError, "k must be 1-D"),
        (lambda o: GradientSteps(WrongShape(np.random.default_rng(0)), 0.1).apply(0, np.zeros(2)), ValueError, "oracle.gradient"),
        (lambda o: GradientSteps(BadBounds(np.random.default_rng(0), 2.0, 1.0), 0.1), ValueError, "mu_0 = 2.0 > L_0 = 1.0"),
        (lambda o: GradientSteps(BadBounds(np.random.default_rng(0), np.nan, 1.0), 0.1), ValueError, "strong_convexity"),
        (lambda o: GradientSteps(BadBounds(np.random.default_rng(0), 0.1, np.ones(2)), 0.1), ValueError, r"smoothness\(\) must be a float or have shape \(3,\)"),
    ],
)
def test_bad_input_names_the_parameter(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Bounded(np.random.default_rng(0)))
