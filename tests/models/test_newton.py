"""Damped Newton and the separability LP against naive references: scipy's BFGS and a
closed form for Newton, and for separability an exhaustive search over the extreme rays of the
cone of separating directions in two dimensions.

Newton: on a strongly convex f with |grad| <= tol at the result, |x - x*| <= tol / mu, so the
result is within 1e-12 / mu of the reference minimizer (BFGS is held to its own gradient
norm in the same way).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models.newton import newton_minimize, weakly_separable
from revsgd.theory.strategies import seeds

EPS = np.finfo(float).eps


def softplus_problem(rng, d):
    r"""f(x) = sum_i softplus(a_i . x - b_i) + mu |x|^2 / 2, strongly convex with modulus mu."""
    A, b, mu = rng.standard_normal((3 * d, d)), rng.standard_normal(3 * d), 0.3

    def f(x):
        return float(np.logaddexp(0.0, A @ x - b).sum() + 0.5 * mu * x @ x)

    def g(x):
        return A.T @ (1.0 / (1.0 + np.exp(-(A @ x - b)))) + mu * x

    def H(x):
        s = 1.0 / (1.0 + np.exp(-(A @ x - b)))
        return (A.T * (s * (1 - s))) @ A + mu * np.eye(d)

    return f, g, H, mu


@given(seeds(), st.integers(1, 5))
def test_newton_reaches_the_tolerance_and_the_bfgs_minimizer(seed, d):
    from scipy.optimize import minimize

    f, g, H, mu = softplus_problem(np.random.default_rng(seed), d)
    x = newton_minimize(f, g, H, np.zeros(d), tol=1e-12)
    assert np.linalg.norm(g(x)) <= 1e-12
    ref = minimize(f, np.zeros(d), jac=g, method="BFGS", options=dict(gtol=1e-10)).x
    assert np.linalg.norm(x - ref) <= (1e-12 + np.linalg.norm(g(ref))) / mu


def test_newton_on_a_quadratic_takes_one_full_step():
    """f = (x - c)^T M (x - c) / 2: one Newton step lands on c up to the round-off of a solve."""
    M, c = np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([1.0, -2.0])
    calls = []

    def hessian(x):
        calls.append(1)
        return M

    x = newton_minimize(lambda x: 0.5 * (x - c) @ M @ (x - c), lambda x: M @ (x - c), hessian,
                        np.zeros(2), tol=1e-12)
    assert np.abs(x - c).max() <= 16 * EPS * np.linalg.cond(M) * np.abs(c).max() and len(calls) <= 2


def test_newton_failure_names_the_gradient_reached_and_the_hint():
    f, g, H, _ = softplus_problem(np.random.default_rng(0), 3)
    with pytest.raises(ValueError, match=r"did not reach .* tol = 1e-12: stopped at \|grad\| = .*\(a hint\)"):
        newton_minimize(f, g, H, 50 * np.ones(3), tol=1e-12, max_iter=1, hint=" (a hint)")
    # exp(-x) has no minimizer: Newton walks off by one unit per step (p = -g / H = 1)
    with pytest.raises(ValueError, match=r"stopped at \|grad\| = 0.0498"):
        newton_minimize(lambda x: float(np.exp(-x[0])), lambda x: -np.exp(-x), lambda x: np.exp(-x)[None],
                        np.zeros(1), max_iter=3)
    # a singular Hessian stops the iteration
    with pytest.raises(ValueError, match="did not reach"):
        newton_minimize(lambda x: float(x @ x), lambda x: 2 * x + 1, lambda x: np.zeros((2, 2)), np.ones(2))


@pytest.mark.parametrize(
    "args,exc,match",
    [
        (("f", None, None, np.zeros(1)), TypeError, "loss must be a callable"),
        ((abs, abs, 3, np.zeros(1)), TypeError, "hessian must be a callable"),
        ((abs, abs, abs, [[0.0]]), ValueError, "x0 must have 1 dimension"),
        ((abs, abs, abs, [np.nan]), ValueError, "x0 must have finite"),
    ],
)
def test_newton_bad_input(args, exc, match):
    with pytest.raises(exc, match=match):
        newton_minimize(*args)
    with pytest.raises(ValueError, match="tol"):
        newton_minimize(abs, abs, abs, np.zeros(1), tol=0.0)
    with pytest.raises(TypeError, match="max_iter"):
        newton_minimize(abs, abs, abs, np.zeros(1), max_iter=1.5)


def separable_2d_naive(X, s):
    """Exhaustive reference in d = 2: if some w != 0 has all margins >= 0 and one > 0, then one
    on an extreme ray of that cone does, and every extreme ray is perpendicular to a row."""
    A = s[:, None] * X
    scale = np.abs(A).max()
    for a in A:
        for w in (np.array([-a[1], a[0]]), np.array([a[1], -a[0]])):
            m = A @ w
            if np.linalg.norm(w) > 0 and np.all(m >= -1e-12 * scale * np.linalg.norm(w)) and m.max() > 1e-9 * scale:
                return True
    return False


@given(seeds(), st.integers(2, 12), st.sampled_from(["separable", "mixed"]))
def test_separability_matches_the_exhaustive_2d_search(seed, n, kind):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    s = np.sign(X @ rng.standard_normal(2)) if kind == "separable" else rng.choice([-1.0, 1.0], n)
    s[s == 0] = 1.0
    assert weakly_separable(X, s) == separable_2d_naive(X, s)
    if kind == "separable":
        assert weakly_separable(X, s)


def test_separability_examples_and_bad_input():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    assert weakly_separable(X, [1, 1, -1, -1])  # w = (1, 1)
    assert not weakly_separable(X, [1, -1, 1, -1])  # every w has a negative margin
    assert weakly_separable(np.array([[1.0], [-1.0]]), [1, 1]) is False
    with pytest.raises(ValueError, match=r"s must hold labels in \{-1, 1\}"):
        weakly_separable(X, [0, 1, 1, 0])
    with pytest.raises(ValueError, match=r"s must have shape \(4\)"):
        weakly_separable(X, [1, 1])
