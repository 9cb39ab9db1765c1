r"""C2 (forward and backward share their law; W_1 rate), C3 (interpolation) and a singular law.

* At large n, m independent forward chains and m certified backward-limit draws
  (:func:`theory.sample_stationary`) are two samples of :math:`\pi`: per-coordinate two-sample
  KS with Holm correction at :math:`\alpha = 10^{-3}` and an energy test at
  :math:`\alpha = 10^{-2}` (199 seeded permutations, smallest p-value 1/200); together a false-alarm rate
  <= 1.1e-2, with fixed seeds.
* :math:`W_1(\mathrm{Law}(x_n), \pi) \le \rho^n C/(1-\rho)` in 1-D, for n = 1..8, measured
  between empirical samples. For a law supported in an interval of length R,
  :math:`W_1(\hat F, F) = \int |\hat F - F| \le R \sup|\hat F - F|`, and the DKW inequality
  gives :math:`\sup|\hat F - F| \le \varepsilon = \sqrt{\log(2/\delta)/(2m)}` with probability
  :math:`\ge 1 - \delta`. With 9 samples (8 forward steps and the draws) and
  :math:`\delta = 10^{-6}/9` each, the measured distance exceeds the bound by more than
  :math:`\varepsilon (R_n + R_\pi) + \mathrm{tol}` with probability <= 1e-6.
* Interpolation (all maps fix :math:`x^*`): the forward ensemble collapses onto the Dirac
  mass, :math:`|x_n - x^*| \le \rho^n |x_0 - x^*|` for every chain.
* Bernoulli convolution :math:`a = 1/3` (:math:`x/3 \pm 1`): :math:`X = \sum_{j \ge 0} 3^{-j}
  \epsilon_j` with :math:`\epsilon_j = 2 t_j - 1`, :math:`t_j \in \{0, 1\}` fair. The Cantor law
  is :math:`C = \sum_{j \ge 1} 2 t_j 3^{-j}`, so :math:`\sum_{j\ge0} t_j 3^{-j} = 3C/2` and
  :math:`X = 2 \cdot 3C/2 - \sum_{j \ge 0} 3^{-j} = 3C - 3/2`: its CDF is
  :math:`F_C((x + 3/2)/3)` (mean 0, variance 9/8 = 1/(1 - a^2)), and the Cantor gap
  (1/3, 2/3) becomes (-1/2, 1/2).
"""

import numpy as np
import pytest

from revsgd.models import bernoulli_convolution
from revsgd.theory import (
    AffineFamily,
    arcsine_cdf,
    cantor_cdf,
    certify,
    energy_test,
    forward_ensemble,
    ks_one_sample,
    ks_two_sample,
    sample_forward_ensemble,
    sample_stationary,
    sample_word_array,
    wasserstein_1d,
)
from revsgd.theory.instances import contraction_family

EPS = np.finfo(float).eps


def _contraction(seed, d, K, rho, offsets=True):
    """Non-symmetric A_k = U diag(s) V^T with max_k ||A_k||_2 = rho."""
    fam = contraction_family(np.random.default_rng(seed), d, K, rho, spectrum_first=True)
    return fam.A, (fam.b if offsets else np.zeros((K, d)))


def _same_law(x, y, seed):
    return ks_two_sample(x, y).pvalue, energy_test(x, y, permutations=199, rng=seed).pvalue


def test_forward_ensemble_at_large_n_matches_certified_draws():
    A, b = _contraction(7, 2, 3, 0.8)
    fam = AffineFamily(A, b, [0.5, 0.3, 0.2])
    m = 300
    draws = sample_stationary(fam, m, 1e-10, rng=1)
    x0 = np.array([5.0, -5.0])
    n = certify(fam, x0).steps_for(1e-10)  # forward law within W_1 1e-10 of pi (C2)
    fwd = sample_forward_ensemble(fam, m, n, x0, rng=2).final
    p_ks, p_energy = _same_law(fwd, draws.draws, 3)
    assert p_ks > 1e-3 and p_energy > 1e-2, (p_ks, p_energy)
    # Power: after 3 steps from x0 the forward law is still far from pi.
    early = sample_forward_ensemble(fam, m, 3, x0, rng=4).final
    p_ks, p_energy = _same_law(early, draws.draws, 5)
    assert p_ks <= 1e-3 and p_energy <= 1e-2, (p_ks, p_energy)


def test_w1_to_stationary_law_within_geometric_bound():
    a, x0, m, tol = 0.5, 10.0, 200_000, 1e-9
    fam = bernoulli_convolution(a)  # pi uniform on [-2, 2]
    cert = certify(fam, np.array([x0]))
    draws = sample_stationary(fam, m, tol, rng=11, x0=np.array([x0])).draws
    steps = np.arange(1, 9)
    ens = sample_forward_ensemble(fam, m, int(steps[-1]), np.array([x0]), rng=12, record=steps)
    eps_dkw = np.sqrt(np.log(2.0 / (1e-6 / 9)) / (2 * m))
    for r, n in enumerate(steps):
        # Law(x_n) = a^n x0 + sum_{j<n} a^j eps_j: support length 4 (1 - a^n); pi's is 4.
        margin = eps_dkw * (4.0 * (1.0 - a**n) + 4.0) + tol
        w1 = wasserstein_1d(ens.recorded[r], draws)
        bound = cert.limit(n)
        assert w1 <= bound + margin, (n, w1, bound, margin)


def test_interpolation_forward_collapses_to_common_fixed_point():
    d, K, rho = 3, 4, 0.75
    A, _ = _contraction(21, d, K, rho, offsets=False)
    x_star = np.array([1.0, -2.0, 0.5])
    b = x_star - A @ x_star  # T_k(x) = A_k (x - x*) + x*
    fam = AffineFamily(A, b)
    rng = np.random.default_rng(22)
    m, n = 500, 40
    x0 = x_star + 3.0 * rng.standard_normal((m, d))
    steps = np.arange(n + 1)
    ens = forward_ensemble(fam, sample_word_array(fam, m, n, rng), x0, record=steps)
    dist0 = np.linalg.norm(x0 - x_star, axis=1)
    scale = np.linalg.norm(x_star) + dist0.max()
    for n_ in steps:
        dist = np.linalg.norm(ens.recorded[n_] - x_star, axis=1)
        rounding = 8 * d * EPS * (n_ + 1) * scale  # per step: |A||x| + |b| rounding, summed
        assert np.all(dist <= rho**n_ * dist0 + rounding), n_
    # The stationary law is the Dirac mass: certified draws sit on x*.
    s = sample_stationary(fam, 100, 1e-10, rng=23)
    assert np.all(np.linalg.norm(s.draws - x_star, axis=1) <= s.error_bound + 64 * d * EPS * s.depth)


def _bernoulli_third_cdf(x):
    return cantor_cdf((np.asarray(x) + 1.5) / 3.0)


def test_bernoulli_convolution_one_third_is_rescaled_cantor_law():
    """KS one-sample at alpha = 1e-3 (false alarm 1e-3); the gap (-1/2, 1/2) holds no draw."""
    s = sample_stationary(bernoulli_convolution(1 / 3), 5000, 1e-12, rng=31)
    x = s.draws[:, 0]
    assert ks_one_sample(x, _bernoulli_third_cdf).pvalue > 1e-3
    assert np.all(np.abs(x) >= 0.5 - s.error_bound)
    assert np.isclose(_bernoulli_third_cdf(0.0), 0.5) and np.isclose(_bernoulli_third_cdf(-0.5), 0.5)
    # Power: the arcsine law with the same mean 0 and variance 9/8 is rejected.
    assert ks_one_sample(x, lambda t: arcsine_cdf((np.asarray(t) + 1.5) / 3.0)).pvalue < 1e-3


@pytest.mark.parametrize("a", [0.25, 0.4])
def test_bernoulli_convolution_small_a_has_a_gap(a):
    r"""For a < 1/2 the support misses :math:`(-(1 - 2a)/(1 - a), (1 - 2a)/(1 - a))`."""
    s = sample_stationary(bernoulli_convolution(a), 2000, 1e-12, rng=41)
    half_gap = (1.0 - 2.0 * a) / (1.0 - a)
    assert np.all(np.abs(s.draws[:, 0]) >= half_gap - s.error_bound - 8 * EPS)
