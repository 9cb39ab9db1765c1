r"""C6 for mini-batch least squares: exact stationary mean and covariance against theory.

* Equal batches drawn uniformly: the stationary mean of the SGD chain is *exactly* the
  least-squares solution, :math:`m = (I - \mathbb{E}A)^{-1}\mathbb{E}b = \bar H^{-1}\bar q = w^*`,
  for every stable learning rate :math:`h`.
* The exact covariance :math:`S(h)` solves :math:`h(\bar H S + S \bar H) - h^2\mathbb{E}[H_k S H_k]
  = h^2 C` with :math:`C = \mathbb{E}[g_k g_k^\top]`, :math:`g_k = \nabla L_k(w^*)`; the
  first-order (Lyapunov) solution :math:`P(h)` of :math:`\bar H P + P \bar H = h C` is
  :math:`O(h)` and :math:`S = P + O(h^2)`, so :math:`|S - P| / |P| = O(h)`.
* In 1-D with common curvature :math:`k` and noise variance :math:`s^2 = \mathbb{E} g_k^2`:
  :math:`\operatorname{Var}_\pi = h s^2 / (k (2 - h k))`, exactly.
"""

import numpy as np
import pytest
import scipy.linalg

from revsgd.models import LeastSquares
from revsgd.theory import AffineFamily, sample_forward_ensemble, stationary_moments
from revsgd.theory.fits import log_log_slope

EPS = np.finfo(float).eps


def _problem(seed=0, N=48, d=3, batch_size=6):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, d)) @ np.diag(np.linspace(1.0, 0.4, d))
    y = X @ rng.standard_normal(d) + 0.5 * rng.standard_normal(N)
    return LeastSquares(X, y, batch_size=batch_size)


def _gradient_covariance(ls, w):
    G = np.stack([ls.gradient(k, w) for k in range(ls.K)])
    return np.einsum("k,ki,kj->ij", ls.probs, G, G)


@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.5, 0.9])
def test_stationary_mean_is_least_squares_solution(fraction):
    r"""m(h) = w* for stable h; tolerance :math:`8 d\,\epsilon\,(\kappa(\bar H) + 1/(h\mu))|w^*|`.

    :math:`\kappa(\bar H)` bounds the error of the least-squares solve; forming
    :math:`I - \mathbb{E}A = h\bar H` from :math:`\mathbb{E}A = I - h\bar H` loses an absolute
    :math:`\epsilon`, i.e. a relative :math:`\epsilon/(h\mu)` with :math:`\mu = \lambda_{\min}(\bar H)`.
    """
    ls = _problem()
    _, L = ls.curvature_bounds()
    h = fraction * 2.0 / L
    w = ls.minimizer()
    m, _ = stationary_moments(ls.step_family(h))
    H = ls.mean_hessian()
    mu = np.linalg.eigvalsh(H)[0]
    tol = 8 * ls.dim * EPS * (np.linalg.cond(H) + 1.0 / (h * mu)) * np.linalg.norm(w)
    assert np.linalg.norm(m - w) <= tol, (np.linalg.norm(m - w), tol)


def test_unequal_batches_need_their_probabilities():
    """Control: the exactness rests on p_k matching the batches; uniform p on unequal batches breaks it."""
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((10, 2)), rng.standard_normal(10)
    ls = LeastSquares(X, y, batch_size=4, remainder="keep")  # batches of 4, 4, 2
    fam = ls.step_family(0.1)
    m, _ = stationary_moments(fam)
    assert np.allclose(m, ls.minimizer(), rtol=1e-10, atol=1e-12)

    uniform = AffineFamily(fam.A, fam.b, np.full(ls.K, 1.0 / ls.K))
    m_uniform, _ = stationary_moments(uniform)
    assert not np.allclose(m_uniform, ls.minimizer(), rtol=1e-6, atol=1e-8)


def test_covariance_matches_lyapunov_to_first_order():
    r"""The relative gap :math:`|S(h) - P(h)|_F / |P(h)|_F` is :math:`O(h)`: log-log slope 1 +- 0.1.

    Grid: 7 learning rates, geometric in :math:`[10^{-4}, 10^{-2}] \cdot 2/L`. At these h the
    rounding error of the Kronecker solve, :math:`\sim\epsilon/(h\mu)`, is below :math:`10^{-9}`
    while the gap is above :math:`10^{-5}`, so the fitted slope measures the O(h) term only.
    """
    ls = _problem()
    _, L = ls.curvature_bounds()
    w = ls.minimizer()
    H = ls.mean_hessian()
    C = _gradient_covariance(ls, w)
    hs = (2.0 / L) * np.geomspace(1e-4, 1e-2, 7)
    gaps = []
    for h in hs:
        _, S = stationary_moments(ls.step_family(h))
        P = scipy.linalg.solve_continuous_lyapunov(H, h * C)
        gaps.append(np.linalg.norm(S - P) / np.linalg.norm(P))
    slope = log_log_slope(hs, gaps).slope
    assert abs(slope - 1.0) <= 0.1, (slope, gaps)
    # P itself is O(h): P(h)/h is the same matrix for every h (the Lyapunov map is linear).
    P1 = scipy.linalg.solve_continuous_lyapunov(H, C)
    assert np.allclose(scipy.linalg.solve_continuous_lyapunov(H, hs[0] * C), hs[0] * P1, rtol=1e-10)


def _one_dim_problem(k=1.5, N=40, batch_size=4, seed=2):
    r"""1-D least squares with :math:`x_i = \pm\sqrt{k}`, so every batch has curvature exactly k."""
    rng = np.random.default_rng(seed)
    X = np.sqrt(k) * rng.choice([-1.0, 1.0], size=(N, 1))
    y = 0.8 * X[:, 0] + rng.standard_normal(N)
    ls = LeastSquares(X, y, batch_size=batch_size)
    assert np.allclose(ls.H[:, 0, 0], k, rtol=4 * EPS)
    w = ls.minimizer()
    s2 = float(_gradient_covariance(ls, w)[0, 0])
    return ls, k, w, s2


@pytest.mark.parametrize("h", [0.1, 0.5, 1.0])
def test_one_dim_exact_variance(h):
    r""":math:`\operatorname{Var}_\pi = h s^2/(k(2 - hk))`: exact solver to rounding, Monte Carlo by CLT.

    Monte Carlo: m = 20000 independent forward chains started at :math:`w^*`, run
    n steps with :math:`(1-hk)^{2n} \le 10^{-12}` (so the variance at step n differs from the
    stationary one by a relative :math:`10^{-12}`). The estimator :math:`\hat V =
    \operatorname{mean}(x - w^*)^2` (known mean) is unbiased with standard error
    :math:`\sqrt{\operatorname{Var}((x-w^*)^2)/m}`, estimated from the sample; accepted within
    z = 4.5 standard errors: two-sided false-alarm rate 6.8e-6 per learning rate (2.0e-5 for
    the three).
    """
    ls, k, w, s2 = _one_dim_problem()
    exact = h * s2 / (k * (2.0 - h * k))
    lyapunov = h * s2 / (2.0 * k)
    m_exact, S = stationary_moments(ls.step_family(h))
    assert abs(S[0, 0] - exact) <= 64 * EPS * exact / (h * k * (2 - h * k)), (S[0, 0], exact)
    assert abs(m_exact[0] - w[0]) <= 64 * EPS * abs(w[0]) / (h * k)
    # The Lyapunov value is first-order only: it differs by the factor (2 - hk)/2.
    assert np.isclose(lyapunov / exact, (2.0 - h * k) / 2.0, rtol=1e-12)

    rho = abs(1.0 - h * k)
    n = int(np.ceil(np.log(1e-12) / (2.0 * np.log(rho))))
    m = 20000
    x = sample_forward_ensemble(ls.step_family(h), m, n, w, rng=10).final[:, 0]
    dev2 = (x - w[0]) ** 2
    est = dev2.mean()
    se = dev2.std(ddof=1) / np.sqrt(m)
    assert abs(est - exact) <= 4.5 * se + 1e-12 * exact, (est, exact, se)
