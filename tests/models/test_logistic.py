"""Mini-batch logistic regression: oracles vs naive references and finite differences,
the vectorized family vs a loop, the C4 certificate vs empirical ratios, C1 and C3.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models import Logistic
from revsgd.theory import Family, GradientSteps
from revsgd.theory.contraction import certify
from revsgd.theory.iterate import backward, backward_certified, forward
from revsgd.theory.sequences import sample_indices

EPS = np.finfo(float).eps
# sup |d^3/dz^3 log(1 + e^{-z})| = sup |sigma''| = 1/(6 sqrt 3); sup |sigma'''| = 1/8.
THIRD = 1.0 / (6.0 * np.sqrt(3.0))
FOURTH = 1.0 / 8.0


def problem(N=24, d=3, B=6, l2=0.3, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal((N, d))
    w_true = rng.standard_normal(d)
    y = (X @ w_true + 0.7 * rng.standard_normal(N) > 0).astype(float)
    return Logistic(X, y, B, l2), rng


def naive_loss(X, y01, w, l2):
    """Per-row loop with the textbook formula (fine for moderate margins)."""
    total = 0.0
    for xi, yi in zip(X, y01):
        p = 1.0 / (1.0 + np.exp(-xi @ w))
        total += -(yi * np.log(p) + (1 - yi) * np.log(1 - p))
    return total / len(y01) + 0.5 * l2 * w @ w


@pytest.mark.parametrize("d", [1, 4])
def test_losses_match_naive_loop(d):
    model, rng = problem(d=d)
    w = rng.standard_normal(d)
    y01 = (model.s + 1) / 2
    for k, rows in enumerate(model.batches):
        ref = naive_loss(model.X[np.sort(rows)], y01[np.sort(rows)], w, model.l2)
        assert abs(model.loss(k, w) - ref) <= 64 * EPS * (1 + ref)
    full = naive_loss(model.X, y01, w, model.l2)
    assert abs(model.mean_loss(w) - full) <= 64 * EPS * (1 + full)
    batch_mean = np.mean([model.loss(k, w) for k in range(model.K)])
    assert abs(model.mean_loss(w) - batch_mean) <= 64 * EPS * (1 + full)


def test_signed_and_binary_labels_give_the_same_model():
    model, rng = problem()
    other = Logistic(model.X, model.s, model.batch_size, model.l2)
    w = rng.standard_normal(model.dim)
    assert model.mean_loss(w) == other.mean_loss(w)
    np.testing.assert_array_equal(model.gradient(1, w), other.gradient(1, w))


def _fd_bound(third_bound, step, f_abs, n_terms):
    """Central-difference error: step^2/6 * |third derivative| + round-off / step.

    The round-off of one evaluation of a mean of n_terms positive terms is at most
    about n_terms * eps * f_abs; the difference of two such, divided by 2 step, is at
    most n_terms * eps * f_abs / step.
    """
    return step**2 / 6.0 * third_bound + 4 * n_terms * EPS * f_abs / step


@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_finite_differences(d, seed):
    model, rng = problem(d=d, seed=seed)
    w = rng.standard_normal(d)
    step = 1e-4
    for k in range(model.K):
        Xk = model.Xb[k]
        g = model.gradient(k, w)
        for j in range(d):
            e = np.zeros(d)
            e[j] = 1.0
            fd = (model.loss(k, w + step * e) - model.loss(k, w - step * e)) / (2 * step)
            # d^3/dt^3 L_k(w + t e_j) = mean_i l'''(z_i) x_ij^3 (the l2 term is quadratic).
            third = THIRD * np.mean(np.abs(Xk[:, j]) ** 3)
            f_abs = model.loss(k, w) + 1.0
            assert abs(fd - g[j]) <= _fd_bound(third, step, f_abs, Xk.shape[0] + d)


@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_hvp_matches_finite_differences_and_hessian(d, seed):
    model, rng = problem(d=d, seed=seed)
    w, v = rng.standard_normal(d), rng.standard_normal(d)
    step = 1e-4
    for k in range(model.K):
        Xk = model.Xb[k]
        hv = model.hvp(k, w, v)
        fd = (model.gradient(k, w + step * v) - model.gradient(k, w - step * v)) / (2 * step)
        # d^3/dt^3 of component j: mean_i sigma'''-type term (x_i . v)^3 x_ij.
        xv = np.abs(Xk @ v)
        third = FOURTH * np.mean(xv**3 * np.abs(Xk).max(axis=1))
        g_abs = np.abs(Xk).max() + model.l2 * np.abs(w).max() + 1.0
        assert np.abs(fd - hv).max() <= _fd_bound(third, step, g_abs, Xk.shape[0] + d)
        H = model.hessian(k, w)
        np.testing.assert_allclose(H, H.T, rtol=0, atol=0)
        tol = 8 * (Xk.shape[0] + d) * EPS * (np.abs(H).max() * np.abs(v).sum() + 1)
        assert np.abs(H @ v - hv).max() <= tol


def test_mean_oracles_are_batch_averages():
    model, rng = problem()
    w = rng.standard_normal(model.dim)
    g = np.mean([model.gradient(k, w) for k in range(model.K)], axis=0)
    H = np.mean([model.hessian(k, w) for k in range(model.K)], axis=0)
    np.testing.assert_allclose(model.mean_gradient(w), g, rtol=0, atol=64 * EPS * (1 + np.abs(g).max()))
    np.testing.assert_allclose(model.mean_hessian(w), H, rtol=0, atol=64 * EPS * (1 + np.abs(H).max()))


@pytest.mark.parametrize("d", [1, 2, 5])
def test_minimizer_reaches_stated_tolerance(d):
    model, _ = problem(N=60, d=d, B=10, l2=0.05)
    w = model.minimizer(tol=1e-12)
    assert np.linalg.norm(model.mean_gradient(w)) <= 1e-12
    # Strong convexity: |w - w*| <= |grad(w)| / mu, so w beats nearby points.
    for delta in np.eye(d) * 1e-3:
        assert model.mean_loss(w) <= model.mean_loss(w + delta)


@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 4), m=st.integers(1, 9))
def test_vectorized_apply_matches_loop(seed, d, m):
    model, rng = problem(d=d, seed=seed % 1000)
    fam = model.step_family(0.3)
    k = rng.integers(0, model.K, size=m)
    x = rng.standard_normal((m, d)) * 3
    rows = np.stack([fam.apply(int(ki), xi) for ki, xi in zip(k, x)])
    direct = np.stack([xi - 0.3 * model.gradient(int(ki), xi) for ki, xi in zip(k, x)])
    batched = fam.apply(k, x)
    tol = 16 * (model.batch_size + d) * EPS * (np.abs(x).max() + 1)
    assert np.abs(batched - rows).max() <= tol
    assert np.abs(batched - direct).max() <= tol


def test_family_interface():
    model, _ = problem()
    fam = model.step_family(0.2)
    assert isinstance(fam, Family) and isinstance(fam, GradientSteps)
    assert fam.K == model.K and fam.dim == model.dim
    np.testing.assert_allclose(fam.probs, 1 / model.K)
    assert fam.apply(np.array([0, 1]), np.zeros((2, 3))).shape == (2, 3)


@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize("lr_frac", [0.3, 0.9, 1.3])
def test_certificate_never_exceeded_and_nearly_attained(d, lr_frac):
    """Empirical |T(x)-T(x')|/|x-x'| <= certified constant, on near and far random pairs.

    The certificate is tight at both ends: near w = 0 along the top eigenvector of
    X_k^T X_k the Hessian is exactly L_k (sigma(0) sigma(0) = 1/4), and far from the data the
    curvature tends to l2 = mu. So the best empirical ratio comes within 1% of it.
    """
    model, rng = problem(d=d, l2=0.2)
    lr = lr_frac * 2.0 / model.smoothness().max()
    fam = model.step_family(lr)
    lip = fam.lipschitz()
    for k in range(model.K):
        best = 0.0
        pairs = [rng.standard_normal((2, d)) * s for s in (1e-3, 1.0, 10.0, 1e3) for _ in range(50)]
        top = np.linalg.eigh(model.Xb[k].T @ model.Xb[k])[1][:, -1]
        pairs.append(np.array([-1e-4 * top, 1e-4 * top]))
        far = rng.standard_normal(d)
        pairs.append(np.array([1e4 * far, 1e4 * far + far]))
        for x, xp in pairs:
            gap = np.linalg.norm(x - xp)
            moved = np.linalg.norm(fam.apply(k, x) - fam.apply(k, xp))
            roundoff = 16 * (model.batch_size + d) * EPS * (np.abs(x).max() + np.abs(xp).max() + 1)
            ratio = moved / gap
            assert ratio <= lip[k] + roundoff / gap
            best = max(best, ratio)
        assert best >= 0.99 * lip[k]


def test_contractive_range_and_factor():
    model, _ = problem(l2=0.2)
    lo, hi = model.contractive_lr_range()
    assert lo == 0.0 and hi == pytest.approx(2 / model.smoothness().max(), rel=1e-15)
    assert model.contraction_factor(0.5 * hi) < 1 <= model.contraction_factor(1.01 * hi)
    L = model.smoothness()
    gram = np.array([np.linalg.eigvalsh(Xk.T @ Xk)[-1] for Xk in model.Xb])
    np.testing.assert_allclose(L, 0.2 + gram / (4 * model.batch_size), rtol=1e-12)


def test_c1_backward_increments_and_certified_limit():
    """C1 on a nonlinear family: increments <= rho^n C, certified truncation within tol."""
    model, rng = problem(N=40, d=3, B=10, l2=0.5)
    lr = 1.0 / model.smoothness().max()
    fam = model.step_family(lr)
    x0 = rng.standard_normal(3)
    cert = certify(fam, x0)
    assert cert.rho < 1
    n = 80
    idx = sample_indices(fam.K, n, rng)
    y = backward(fam, idx, x0)
    inc = np.linalg.norm(np.diff(y, axis=0), axis=1)
    scale = np.linalg.norm(x0) + cert.C / (1 - cert.rho)
    roundoff = 4 * (n + 1) * (model.batch_size + 3) * EPS * scale
    assert np.all(inc <= cert.cauchy(np.arange(n)) + roundoff)
    tol = 1e-9
    out = backward_certified(fam, idx, x0, tol)
    assert out.depth < n and out.error_bound <= tol
    # the exact backward iterate at the full length n is within tol of the truncation
    assert np.linalg.norm(out.trajectory[-1] - y[-1]) <= tol + roundoff
    # and the limit does not depend on the start (C1)
    y_other = backward(fam, idx, x0 + 5.0)
    assert np.linalg.norm(y_other[-1] - y[-1]) <= cert.rho**n * 5 * np.sqrt(3) + roundoff


def stationary_step_floor(model, lr, grid=4001):
    r"""A certified positive lower bound delta on E_k |T_k(x) - x| over the invariant interval.

    d = 1. With rho the certified factor, w* the minimizer and
    r = lr max_k |L_k'(w*)| / (1 - rho), the interval I = [w* - r, w* + r] is mapped into
    itself by every T_k (C4). delta(x) = sum_k p_k |T_k x - x| is lr max_k L_k-Lipschitz,
    so its minimum over I is at least its minimum over a grid minus lr L spacing / 2.
    Also returns M = max over I of max_k |T_k x - x| (bounded increments for Azuma).
    """
    fam = model.step_family(lr)
    rho = float(fam.lipschitz().max())
    w_star = model.minimizer()
    r = lr * max(abs(model.gradient(k, w_star)[0]) for k in range(model.K)) / (1 - rho)
    xs = np.linspace(w_star[0] - r, w_star[0] + r, grid)
    steps = np.array([[abs(fam.apply(k, np.array([x]))[0] - x) for k in range(model.K)] for x in xs])
    lip = lr * model.smoothness().max()
    spacing = xs[1] - xs[0]
    delta = float((steps @ model.probs).min() - lip * spacing / 2)
    M = float(steps.max() + lip * spacing / 2)
    return delta, M, w_star, fam


def test_c3_forward_keeps_moving():
    r"""Forward SGD on distinct batch minimizers keeps moving: mean step >= delta / 2 > 0.

    E[|x_{n+1} - x_n| | x_n] = delta(x_n) >= delta on the invariant interval, increments
    are bounded by M, so by Azuma's inequality the mean of m realized steps is below
    delta / 2 with probability at most exp(-m delta^2 / (8 M^2)); m is chosen to make this
    <= 1e-9. Backward iterates of the same sequence do settle (their steps -> 0).
    """
    rng = np.random.default_rng(7)
    X = rng.standard_normal((40, 1))
    y = (rng.random(40) < 0.5).astype(float)
    model = Logistic(X, y, 10, 0.2)
    lr = 0.5 * model.contractive_lr_range().high
    delta, M, w_star, fam = stationary_step_floor(model, lr)
    assert delta > 0
    m = int(np.ceil(8 * M**2 * np.log(1e9) / delta**2))
    idx = sample_indices(fam.K, 2 * m, rng)
    steps = np.abs(np.diff(forward(fam, idx, w_star)[:, 0]))[-m:]
    assert steps.mean() >= delta / 2
    settled = np.abs(np.diff(backward_certified(fam, idx[:400], w_star, 1e-12).trajectory[:, 0]))
    assert settled[-50:].mean() < delta / 2


@pytest.mark.parametrize("scale", [1e3, 1e8])
def test_large_margins_stay_finite(scale):
    model, rng = problem(scale=scale, l2=0.1)
    w = rng.standard_normal(model.dim)
    for k in range(model.K):
        z = model.sb[k] * (model.Xb[k] @ w)
        # exact asymptotics: log(1 + e^{-z}) = max(0, -z) + log1p(e^{-|z|})
        ref = np.mean(np.maximum(0, -z) + np.log1p(np.exp(-np.abs(z)))) + 0.05 * w @ w
        assert np.isfinite(model.loss(k, w)) and model.loss(k, w) == pytest.approx(ref, rel=1e-14)
        for out in (model.gradient(k, w), model.hessian(k, w), model.hvp(k, w, w)):
            assert np.all(np.isfinite(out))
    fam = model.step_family(1e-3 / scale**2)
    assert np.all(np.isfinite(fam.apply(np.arange(model.K), np.tile(w, (model.K, 1)))))


def test_bad_input():
    model, _ = problem()
    X = model.X
    y = (model.s + 1) / 2
    with pytest.raises(ValueError, match=r"y must hold labels in \{0, 1\} or in \{-1, 1\}"):
        Logistic(X, 2 * y, 6, 0.1)
    with pytest.raises(ValueError, match="y must hold labels"):
        Logistic(X, np.where(y > 0, 1.0, -1.0) * (np.arange(24) % 3 > 0), 6, 0.1)
    with pytest.raises(ValueError, match="l2 must be a finite number >= 0, got -0.1"):
        Logistic(X, y, 6, -0.1)
    with pytest.raises(ValueError, match="l2"):
        Logistic(X, y, 6, float("nan"))
    with pytest.raises(TypeError, match="l2"):
        Logistic(X, y, 6, "0.1")
    with pytest.raises(ValueError, match="batch_size must be at most the number of rows N = 24"):
        Logistic(X, y, 25, 0.1)
    with pytest.raises(TypeError, match="batch_size"):
        Logistic(X, y, 6.0, 0.1)
    with pytest.raises(ValueError, match="batch_size = 5 does not divide N = 24"):
        Logistic(X, y, 5, 0.1)
    assert Logistic(X, y, 5, 0.1, rng=0, remainder="drop").X.shape == (20, 3)
    with pytest.raises(ValueError, match="remainder"):
        Logistic(X, y, 5, 0.1, remainder="keep")
    Xbad = X.copy()
    Xbad[3, 1] = np.inf
    with pytest.raises(ValueError, match="X must have finite entries"):
        Logistic(Xbad, y, 6, 0.1)
    with pytest.raises(ValueError, match="y must have finite entries"):
        Logistic(X, np.where(np.arange(24) == 0, np.nan, y), 6, 0.1)
    flat = Logistic(X, y, 6, 0.0)
    with pytest.raises(ValueError, match="not strongly convex"):
        flat.contractive_lr_range()
    assert np.all(flat.step_family(0.1).lipschitz() >= 1.0)
    with pytest.raises(ValueError, match="k must lie in 0..3"):
        model.gradient(4, np.zeros(3))
    with pytest.raises(ValueError, match="x must have shape"):
        model.step_family(0.1).apply(np.array([0, 1]), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="lr"):
        model.step_family(0.0)


def test_separable_data_without_l2_is_refused():
    X = np.array([[1.0], [2.0], [-1.0], [-3.0]])
    model = Logistic(X, [1, 1, 0, 0], 2, 0.0)
    with pytest.raises(ValueError, match="l2 = 0"):
        model.minimizer()


def test_unregularized_minimizer_on_overlapping_classes():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 2))
    y = (rng.random(40) < 0.5).astype(float)
    model = Logistic(X, y, 10, 0.0)
    w = model.minimizer()
    assert np.linalg.norm(model.mean_gradient(w)) <= 1e-12
    with pytest.raises(ValueError, match="rank 1 < d = 2"):
        Logistic(np.hstack([X[:, :1], X[:, :1]]), y, 10, 0.0).minimizer()
