"""revsgd.testing assertions: each passes on a correct input and rejects a natural broken one."""

import numpy as np
import pytest

from revsgd.models import LeastSquares
from revsgd.testing.assertions import (
    assert_backward_matches,
    assert_cauchy_bound,
    assert_limit_independent_of_start,
    assert_lipschitz,
    assert_same_law,
    assert_stationary_moments,
)
from revsgd.theory import AffineFamily, backward, forward, gradient_steps, stationary_moments
from revsgd.theory.reference import backward_naive

def _contraction(d=3, K=4, rho=0.9, seed=0):
    g = np.random.default_rng(seed)
    A = g.standard_normal((K, d, d))
    A *= rho / np.linalg.norm(A, ord=2, axis=(1, 2))[:, None, None]
    return AffineFamily(A, g.standard_normal((K, d)))


class Understated:
    """A family that claims smaller Lipschitz constants than its maps have."""

    def __init__(self, family, claim):
        self.inner, self.claim = family, claim
        self.K, self.dim, self.probs = family.K, family.dim, family.probs

    def apply(self, k, x):
        return self.inner.apply(k, x)

    def lipschitz(self):
        return np.full(self.K, self.claim)


class FirstIndexApply:
    """A batched apply with a common bug: every row uses the first row's map."""

    def __init__(self, family):
        self.inner = family
        self.K, self.dim, self.probs = family.K, family.dim, family.probs

    def apply(self, k, x):
        k = np.asarray(k)
        if k.ndim == 0:
            return self.inner.apply(int(k), x)
        return self.inner.apply(np.full(k.shape, k[0]) if k.size else k, x)

    def lipschitz(self):
        return self.inner.lipschitz()


def test_lipschitz_passes_and_rejects_an_understated_constant():
    rng = np.random.default_rng(1)  # its own stream: the draws do not depend on test order
    fam = _contraction()
    pts = rng.standard_normal((12, 3))
    assert_lipschitz(fam, pts)
    with pytest.raises(AssertionError, match=r"map \d is not 0.5-Lipschitz.*points\[\d+\]"):
        assert_lipschitz(fam, pts, lipschitz=0.5)


def test_lipschitz_in_dimension_one_and_for_gradient_steps():
    fam = gradient_steps(lambda k, x: np.tanh(x - k), 0.5, K=2, dim=1, smoothness=1.0, strong_convexity=0.0)
    assert_lipschitz(fam, np.linspace(-3, 3, 9)[:, None])
    with pytest.raises(AssertionError, match="Lipschitz"):
        assert_lipschitz(fam, np.linspace(-0.2, 0.2, 9)[:, None], lipschitz=0.6)


def test_cauchy_bound_passes_and_rejects_an_understated_certificate():
    rng = np.random.default_rng(2)  # its own stream: the draws do not depend on test order
    fam, word, x0 = _contraction(), rng.integers(0, 4, 80), rng.standard_normal(3)
    assert_cauchy_bound(fam, word, x0)
    with pytest.raises(AssertionError, match=r"C1 fails first at n = \d+"):
        assert_cauchy_bound(Understated(fam, 0.3), word, x0)


def test_limit_independent_of_start_passes_and_rejects_an_understated_certificate():
    rng = np.random.default_rng(3)  # its own stream: the draws do not depend on test order
    fam, word = _contraction(), rng.integers(0, 4, 60)
    x0, x1 = rng.standard_normal(3), rng.standard_normal(3)
    assert_limit_independent_of_start(fam, word, x0, x1)
    with pytest.raises(AssertionError, match="depend on the start at n = "):
        assert_limit_independent_of_start(Understated(fam, 0.3), word, x0, x1)


class Opaque:
    """Hides the affine structure, so the general (wavefront) paths run."""

    def __init__(self, family):
        self.inner = family
        self.K, self.dim, self.probs = family.K, family.dim, family.probs

    def apply(self, k, x):
        return self.inner.apply(k, x)

    def lipschitz(self):
        return self.inner.lipschitz()


def test_same_law_passes_and_rejects_a_batched_apply_that_ignores_the_row_index():
    fam = Opaque(_contraction(d=2, K=3, rho=0.8))
    assert_same_law(fam, 25, m=500, alpha=1e-3, rng=1)
    with pytest.raises(AssertionError, match="differ in law"):
        assert_same_law(FirstIndexApply(fam.inner), 25, m=500, alpha=1e-3, rng=1)


def test_stationary_moments_passes_and_rejects_the_first_order_lyapunov_approximation():
    rng = np.random.default_rng(4)  # its own stream: the draws do not depend on test order
    X = rng.standard_normal((32, 2))
    y = X @ np.array([1.0, -1.0]) + 0.5 * rng.standard_normal(32)
    model = LeastSquares(X, y, batch_size=4, rng=0)
    lr = 0.8 * model.contractive_lr_range().high
    fam = model.step_family(lr)
    assert_stationary_moments(fam, m=4000, rng=2)
    mean, cov = stationary_moments(fam)
    assert_stationary_moments(fam, m=4000, rng=2, mean=mean, cov=cov)
    with pytest.raises(AssertionError, match="stationary (variance|mean)"):
        assert_stationary_moments(fam, m=4000, rng=2, mean=mean, cov=0.5 * cov)
    with pytest.raises(AssertionError, match="stationary mean"):
        assert_stationary_moments(fam, m=4000, rng=2, mean=mean + 3 * np.sqrt(np.diag(cov)), cov=cov)


def test_backward_matches_accepts_the_naive_reference_and_rejects_forward_and_off_by_one():
    rng = np.random.default_rng(5)  # its own stream: the draws do not depend on test order
    fam, word, x0 = _contraction(d=1), rng.integers(0, 4, 40), rng.standard_normal(1)
    word[:2] = (0, 1)  # two different first maps: forward and backward first differ at n = 2
    assert_backward_matches(lambda f, w, x: backward_naive(f, w, x), fam, word, x0)
    with pytest.raises(AssertionError, match=r"differs from backward SGD first at n = 2"):
        assert_backward_matches(forward, fam, word, x0)
    shifted = lambda f, w, x: np.vstack([x[None], backward(f, w, x)[:-1]])  # noqa: E731
    with pytest.raises(AssertionError, match="first at n = 1"):
        assert_backward_matches(shifted, fam, word, x0)
    with pytest.raises(AssertionError, match="shape"):
        assert_backward_matches(lambda f, w, x: backward(f, w, x)[1:], fam, word, x0)
    nan = lambda f, w, x: backward(f, w, x) * np.nan  # noqa: E731
    with pytest.raises(AssertionError, match="first at n = 0"):
        assert_backward_matches(nan, fam, word, x0)


@pytest.mark.parametrize("call,error,match", [
    (lambda f: assert_lipschitz(f, np.zeros((3, 3))), ValueError, "distinct"),
    (lambda f: assert_lipschitz(f, np.zeros((3, 2))), ValueError, "points"),
    (lambda f: assert_cauchy_bound(f, [0, 9], np.zeros(3)), ValueError, "word"),
    (lambda f: assert_cauchy_bound(f, [], np.zeros(3)), ValueError, "word"),
    (lambda f: assert_same_law(f, 5, alpha=2.0), ValueError, "alpha"),
    (lambda f: assert_same_law(f, 0), ValueError, "n"),
    (lambda f: assert_stationary_moments(Opaque(f)), TypeError, "AffineFamily"),
    (lambda f: assert_stationary_moments(f, mean=np.zeros(2)), ValueError, "mean"),
])
def test_bad_arguments_name_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call(_contraction())


from hypothesis import given  # noqa: E402

from revsgd.testing import gradient_families, least_squares_problems, logistic_problems  # noqa: E402


@given(gradient_families())
def test_gradient_families_carry_a_true_certificate(problem):
    fam = problem.family
    assert problem.rho < 1
    pts = np.random.default_rng(0).standard_normal((6, fam.dim)) * 3
    assert_lipschitz(fam, pts)
    assert_cauchy_bound(fam, np.arange(30) % fam.K, pts[0])


@given(least_squares_problems())
def test_least_squares_problems_contract(problem):
    fam = problem.model.step_family(problem.lr)
    assert_lipschitz(fam, np.random.default_rng(1).standard_normal((5, fam.dim)))
    assert np.all(fam.lipschitz() <= 1 + 1e-12)


@given(logistic_problems(max_dim=3))
def test_logistic_problems_contract(problem):
    fam = problem.model.step_family(problem.lr)
    assert np.all(fam.lipschitz() < 1)
    assert_cauchy_bound(fam, np.arange(12) % fam.K, np.zeros(fam.dim))
