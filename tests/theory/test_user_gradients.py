"""gradient_steps: a plain gradient function becomes a family (vectorized once, certified when told)."""

import numpy as np
import pytest

from revsgd.theory import backward, certify, forward
from revsgd.theory.user_gradients import FunctionOracle, gradient_steps

RNG = np.random.default_rng(0)
X = RNG.standard_normal((12, 3))
Y = RNG.standard_normal(12)
BATCHES = np.arange(12).reshape(4, 3)  # K = 4 batches of 3 rows
DELTA = 0.5


def huber_grad(k, w):
    """Gradient of the mean Huber loss of batch k at w (one point)."""
    rows = BATCHES[k]
    r = X[rows] @ w - Y[rows]
    return X[rows].T @ np.clip(r, -DELTA, DELTA) / rows.size


def huber_grad_vectorized(ks, W):
    """The same, for ks (m,) and W (m, 3); also works for one point."""
    if np.ndim(ks) == 0:
        return huber_grad(ks, W)
    return np.stack([huber_grad(k, w) for k, w in zip(ks, W)])


def naive_forward(grad, lr, word, x0):
    rows = [np.array(x0, dtype=float)]
    for k in word:
        rows.append(rows[-1] - lr * grad(int(k), rows[-1]))
    return np.array(rows)


def naive_backward(grad, lr, word, x0):
    """y_n = T_{w_1} o ... o T_{w_n}(x0), recomputed from scratch for every n."""
    out = []
    for n in range(len(word) + 1):
        x = np.array(x0, dtype=float)
        for k in word[:n][::-1]:
            x = x - lr * grad(int(k), x)
        out.append(x)
    return np.array(out)


@pytest.mark.parametrize("grad,vectorized", [(huber_grad, False), (huber_grad_vectorized, True)])
def test_trajectories_match_the_naive_loops(grad, vectorized):
    fam = gradient_steps(grad, 0.3, K=4, dim=3)
    assert fam.oracle.vectorized is vectorized
    word = RNG.integers(0, 4, size=25)
    x0 = RNG.standard_normal(3)
    np.testing.assert_allclose(forward(fam, word, x0), naive_forward(huber_grad, 0.3, word, x0), rtol=0, atol=1e-13)
    np.testing.assert_allclose(backward(fam, word, x0), naive_backward(huber_grad, 0.3, word, x0), rtol=0, atol=1e-13)


def test_a_broadcasting_but_wrong_vectorized_form_is_not_used():
    """A * x written for one point broadcasts with (m, d) rows to the wrong answer: detected, not used."""
    A = np.stack([np.diag([1.0, 2.0]), np.array([[1.0, 0.5], [0.5, 1.0]])])
    grad = lambda k, x: A[k] @ x if np.ndim(k) == 0 else x @ A[0]  # noqa: E731 - wrong for k = 1 rows
    fam = gradient_steps(grad, 0.1, K=2, dim=2)
    assert not fam.oracle.vectorized
    np.testing.assert_allclose(fam.apply(np.array([1]), np.array([[1.0, 1.0]])), [[1.0 - 0.15, 1.0 - 0.15]])


def test_dimension_one_and_certificate():
    c = np.array([-1.0, 1.0])
    fam = gradient_steps(lambda k, x: 2.0 * (x - c[k]), 0.2, K=2, dim=1, smoothness=2.0, strong_convexity=2.0)
    np.testing.assert_allclose(fam.lipschitz(), [0.6, 0.6])
    cert = certify(fam, np.zeros(1))
    assert cert.rho == pytest.approx(0.6) and cert.C == pytest.approx(0.4)


def test_per_batch_bounds_give_the_c4_constant():
    fam = gradient_steps(huber_grad, 0.5, K=4, dim=3, smoothness=[1.0, 2.0, 3.0, 4.0], strong_convexity=0.5)
    np.testing.assert_allclose(fam.lipschitz(), [0.75, 0.75, 0.75, 1.0])


def test_without_bounds_it_iterates_but_refuses_a_certificate():
    fam = gradient_steps(huber_grad, 0.3, K=4, dim=3)
    forward(fam, np.array([0, 1, 2]), np.zeros(3))
    with pytest.raises(ValueError, match="smoothness=.*strong_convexity=.*gradient_steps"):
        fam.lipschitz()
    with pytest.raises(ValueError, match="smoothness"):
        certify(fam, np.zeros(3))


def test_hvp_is_used_when_given_and_refused_when_not():
    fam = gradient_steps(lambda k, x: 3.0 * x, 0.1, K=2, dim=2, hvp=lambda k, x, v: 3.0 * v)
    np.testing.assert_allclose(fam.oracle.hvp(np.array([0, 1]), np.ones((2, 2)), np.eye(2)), 3.0 * np.eye(2))
    bare = gradient_steps(lambda k, x: 3.0 * x, 0.1, K=2, dim=2)
    with pytest.raises(ValueError, match="hvp=hvp"):
        bare.oracle.hvp(0, np.ones(2), np.ones(2))


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(grad=lambda k, x: np.zeros(2)), ValueError, r"shape \(3,\)"),
    (dict(grad=lambda k, x: x * np.nan), ValueError, "NaN"),
    (dict(grad=lambda k, x: 1.0), TypeError, "array"),
    (dict(grad="not callable"), TypeError, "grad must be"),
    (dict(K=0), ValueError, "K"),
    (dict(K=2.5), (TypeError, ValueError), "K"),
    (dict(dim=-1), ValueError, "dim"),
    (dict(smoothness=[1.0, 2.0]), ValueError, r"smoothness.*\(4,\)"),
    (dict(smoothness=-1.0), ValueError, "smoothness"),
    (dict(smoothness="big"), TypeError, "smoothness"),
    (dict(smoothness=1.0, strong_convexity=2.0), ValueError, "strong_convexity must not exceed"),
    (dict(hvp=3), TypeError, "hvp"),
    (dict(lr=0.0), ValueError, "lr"),
])
def test_bad_input_is_refused_at_construction(kwargs, error, match):
    args = dict(grad=huber_grad, lr=0.3, K=4, dim=3)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        gradient_steps(args.pop("grad"), args.pop("lr"), **args)


def test_a_gradient_that_turns_nan_later_is_caught_at_the_call():
    fam = gradient_steps(lambda k, x: x if np.all(np.abs(x) < 10) else x * np.nan, 0.1, K=1, dim=1)
    with pytest.raises(ValueError, match="NaN"):
        fam.apply(0, np.array([100.0]))


def test_function_oracle_is_a_gradient_oracle():
    from revsgd.theory.family import check_oracle

    check_oracle(FunctionOracle(huber_grad, K=4, dim=3, hvp=lambda k, x, v: v))
