r"""Exact stationary moments (C5) against Monte Carlo over certified draws (C10).

Five seeded affine contraction families, built like :func:`theory.strategies.affine_families`
(:math:`A_k = U_k \operatorname{diag}(s_k) V_k^\top`, :math:`\max_k\|A_k\|_2 = \rho`), among them
d = 1 and non-symmetric :math:`A_k`. For each, m = 20000 certified draws
(:func:`theory.sample_stationary`, tol = 1e-10) are compared with
:func:`theory.stationary_moments`:

* mean, coordinate i: :math:`|\bar x_i - m_i| \le z\sqrt{S_{ii}/m} + \mathrm{tol}` (exact
  :math:`S`);
* covariance entry (i, j): :math:`\hat S_{ij} = \operatorname{mean}(x_i - m_i)(x_j - m_j)`
  (known mean, unbiased) within :math:`z` standard errors estimated from the sample fourth
  moments, plus :math:`2\,\mathrm{tol}\,(\mathrm{tol} + \max|x - m|)` for the certified error.

z = 4.5, two-sided: 6.8e-6 per comparison. There are 11 mean coordinates and 20 covariance
entries over the five families, so by Bonferroni the false-alarm rate of the whole file is
at most 31 * 6.8e-6 = 2.1e-4 (and the seeds are fixed, so the outcome is reproducible).
"""

import numpy as np
import pytest

from revsgd.theory import sample_stationary, stationary_moments
from revsgd.theory.instances import contraction_family

Z = 4.5
M = 20000
TOL = 1e-10

# (seed, d, K, rho, symmetric, random_probs)
FAMILIES = [
    (0, 1, 2, 0.8, False, False),
    (1, 2, 3, 0.7, False, True),
    (2, 3, 2, 0.9, False, False),
    (3, 3, 4, 0.6, True, True),
    (4, 2, 5, 0.85, False, True),
]


def _family(seed, d, K, rho, symmetric, random_probs):
    return contraction_family(np.random.default_rng(seed), d, K, rho, symmetric=symmetric,
                              random_probs=random_probs)


def _draws(fam, seed):
    s = sample_stationary(fam, M, TOL, rng=100 + seed)
    assert s.error_bound <= TOL
    return s.draws


@pytest.mark.parametrize("spec", FAMILIES, ids=[f"seed{f[0]}-d{f[1]}" for f in FAMILIES])
def test_mean_and_covariance_match_monte_carlo(spec):
    fam = _family(*spec)
    if spec[1] > 1 and not spec[4]:
        assert not np.allclose(fam.A, fam.A.transpose(0, 2, 1))  # genuinely non-symmetric
    mean, S = stationary_moments(fam)
    x = _draws(fam, spec[0])
    dev = x - mean

    se_mean = np.sqrt(np.diag(S) / M)
    gap_mean = np.abs(dev.mean(axis=0))
    assert np.all(gap_mean <= Z * se_mean + TOL), (gap_mean, se_mean)

    d = fam.dim
    iu = np.triu_indices(d)
    prod = dev[:, iu[0]] * dev[:, iu[1]]  # (M, d(d+1)/2)
    se_cov = prod.std(axis=0, ddof=1) / np.sqrt(M)
    certified = 2 * TOL * (TOL + np.abs(dev).max())
    gap_cov = np.abs(prod.mean(axis=0) - S[iu])
    assert np.all(gap_cov <= Z * se_cov + certified), (gap_cov, se_cov)


def test_covariance_check_detects_a_small_perturbation():
    """Power control: a covariance off by 5 % (about 10 standard errors here) is rejected."""
    fam = _family(*FAMILIES[2])
    mean, S = stationary_moments(fam)
    dev = _draws(fam, FAMILIES[2][0]) - mean
    iu = np.triu_indices(fam.dim)
    prod = dev[:, iu[0]] * dev[:, iu[1]]
    se_cov = prod.std(axis=0, ddof=1) / np.sqrt(M)
    gap = np.abs(prod.mean(axis=0) - 1.05 * S[iu])
    assert np.any(gap > Z * se_cov)
