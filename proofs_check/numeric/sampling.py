r"""Numeric checks of C10: certified sampling from the backward limit.

:func:`revsgd.theory.sampling.sample_stationary` returns ``m`` backward end points
:math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)` at the depth :math:`n` where C1
certifies :math:`|y_n - y_\infty| \le \rho^n C / (1 - \rho) \le \mathrm{tol}`. Two things are
checked:

* **the law** (:func:`c10_binary_chain_uniform`, :func:`c10_cantor_cdf`): each draw is within
  ``tol`` of an exact draw :math:`y_\infty` from :math:`\pi`, so the empirical CDFs satisfy
  :math:`\hat F_y(x) \le \hat F_{y_\infty}(x + \mathrm{tol})` and
  :math:`\hat F_y(x) \ge \hat F_{y_\infty}(x - \mathrm{tol})`, hence

  .. math::

      D_m(y) = \sup_x |\hat F_y - F| \le D_m(y_\infty) + \omega(\mathrm{tol}),

  with :math:`\omega` the modulus of continuity of the closed-form CDF :math:`F`
  (:math:`\omega(t) = t` for the uniform law; :math:`\omega(t) = 4 t^{\log 2/\log 3}` for the
  Cantor function, which rises by :math:`2^{-k}` on a triadic interval of length
  :math:`3^{-k}`, and two points closer than :math:`3^{-k}` meet at most two of them). Since
  :math:`F` is continuous, :math:`D_m(y_\infty)` has the distribution-free Kolmogorov law,
  and rejecting when :math:`D_m(y) > c_\alpha(m) + \omega(\mathrm{tol})` has false-alarm
  rate at most :math:`\alpha`.
* **the pathwise certificate** (:func:`c10_certified_error_bound`): each draw is within the
  reported ``error_bound`` of the limit of its own word. The words are recovered from the
  seed: ``sample_stationary`` draws them as ``sample_word_array(family, m, depth, rng)``,
  so the same seed gives them back at the reported depth.

Forward composition of the same words gives end points with the *same law* (C2), so the
law checks cannot see the composition order; the pathwise check does.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import scipy.stats

from revsgd.proofs_check.numeric._instances import iterate_scale, random_contraction, roundoff
from revsgd.proofs_check.registry import Outcome, check_variant, register_check
from revsgd.theory.analytic_laws import cantor_cdf, uniform_cdf
from revsgd.theory.distributions import ks_one_sample
from revsgd.theory.ensemble import sample_word_array
from revsgd.theory.family import AffineFamily
from revsgd.theory.iterate import backward_last
from revsgd.theory.sampling import sample_stationary

__all__ = [
    "ALPHA",
    "BINARY_CHAIN",
    "CANTOR",
    "c10_binary_chain_uniform",
    "c10_cantor_cdf",
    "c10_certified_error_bound",
]

#: false-alarm rate of each one-sample KS test
ALPHA = 1e-3
#: x/2 and x/2 + 1/2, equal weights: stationary law uniform on [0, 1]
BINARY_CHAIN = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
#: x/3 and x/3 + 2/3, equal weights: stationary law the Cantor law
CANTOR = AffineFamily([[[1 / 3]], [[1 / 3]]], [[0.0], [2 / 3]])
#: Hoelder exponent of the Cantor function
CANTOR_EXPONENT = np.log(2.0) / np.log(3.0)

_M_LAW, _TOL_LAW = 2000, 1e-9


def _seed(rng) -> int:
    """A seed drawn from the check's generator, so that the sampler's words can be recovered."""
    return int(rng.integers(2**63))


def _certified_ks(sampler, family, cdf, omega, rng, name) -> Outcome:
    """One-sample KS test of certified draws, with the statistic widened by ``omega(tol)``."""
    sample = sampler(family, _M_LAW, _TOL_LAW, rng=_seed(rng))
    D = ks_one_sample(sample.draws, cdf).statistic
    shift = float(omega(_TOL_LAW))
    critical = float(scipy.stats.kstwo.isf(ALPHA, _M_LAW)) + shift
    pvalue = float(scipy.stats.kstwo.sf(max(D - shift, 0.0), _M_LAW))
    bound = float(sample.error_bound)
    ok = D <= critical and pvalue > ALPHA and bound <= _TOL_LAW
    return Outcome(
        bool(ok),
        [D, pvalue, bound],
        [critical, ALPHA, _TOL_LAW],
        f"{name}, equal weights, m={_M_LAW}, tol={_TOL_LAW:g}, x0=0, depth={sample.depth}",
        f"measured = [KS statistic D of the m certified draws against the closed-form CDF, "
        f"p-value of D - omega(tol) under the Kolmogorov law of m exact draws, the sampler's "
        f"error_bound]; expected = [c_alpha(m) + omega(tol), alpha, tol] with omega(tol) = "
        f"{shift:.3g} the CDF's modulus of continuity at tol. Pass iff D <= c_alpha(m) + "
        f"omega(tol) (equivalently p > alpha) and error_bound <= tol. Every draw is within tol "
        f"of an exact draw, so D exceeds the exact-draw statistic by at most omega(tol): the "
        f"false-alarm rate is at most alpha = {ALPHA:g}.",
    )


def _law_check(name, statement, *, family, maps, cdf, omega, doc):
    """Register the law check ``name``: certified draws of ``family`` (the ``maps``) against ``cdf``.

    ``omega`` is the modulus of continuity of ``cdf`` (see :func:`_certified_ks`).
    """

    def check(rng, *, sampler=sample_stationary) -> Outcome:
        return _certified_ks(sampler, family, cdf, omega, rng, maps)

    return register_check("C10", statement, kind="numeric")(check_variant(check, name, doc))


c10_binary_chain_uniform = _law_check(
    "c10_binary_chain_uniform",
    r"y_n,\ n = \lceil \log(\mathrm{tol}(1-\rho)/C) / \log\rho \rceil,\ \text{for } "
    r"\{x/2,\ x/2 + 1/2\}: \ \mathrm{KS}(y_n, U[0,1]) \le c_\alpha + \mathrm{tol}",
    family=BINARY_CHAIN, maps="x/2, x/2 + 1/2", cdf=uniform_cdf, omega=lambda t: t,
    doc="Certified draws of the binary chain against the uniform law on [0, 1] (KS, alpha = 1e-3).")

c10_cantor_cdf = _law_check(
    "c10_cantor_cdf",
    r"y_n \text{ for } \{x/3,\ x/3 + 2/3\}: \ \mathrm{KS}(y_n, F_{\mathrm{Cantor}}) \le "
    r"c_\alpha + 4\,\mathrm{tol}^{\log 2/\log 3}",
    family=CANTOR, maps="x/3, x/3 + 2/3", cdf=cantor_cdf, omega=lambda t: 4.0 * t**CANTOR_EXPONENT,
    doc="Certified draws of x/3, x/3 + 2/3 against the Cantor CDF (KS, alpha = 1e-3).")


def _binary_chain_ratio(sampler, rng, m, tol) -> tuple[float, float]:
    r"""Worst ratio of the exact distance to the limit set to the bound, for the binary chain.

    With :math:`x_0 = 0` and digits :math:`\delta_j = 2 b_{\xi_j} \in \{0, 1\}`, every
    continuation of the word :math:`\xi_1 .. \xi_n` has its limit in
    :math:`[s_n, s_n + 2^{-n}]`, :math:`s_n = \sum_{j \le n} \delta_j 2^{-j}`, and both ends
    are attained (all-0 and all-1 tails). The distance of a draw to the farthest of them is
    computed in exact rational arithmetic; here :math:`\rho^n C / (1 - \rho) = 2^{-n}`, so the
    certificate is tight and the correct sampler gives ratio 1 (its dyadic arithmetic is
    exact; the allowance ``roundoff(n, 1, 1)`` only guards against that assumption).
    """
    seed = _seed(rng)
    sample = sampler(BINARY_CHAIN, m, tol, rng=seed)
    n = int(sample.depth)
    words = sample_word_array(BINARY_CHAIN, m, n, rng=seed)
    worst = Fraction(0)
    for word, draw in zip(words, np.asarray(sample.draws)[:, 0]):
        s = sum((Fraction(int(k), 2**j) for j, k in enumerate(word, start=1)), Fraction(0))
        y = Fraction(float(draw))
        worst = max(worst, abs(y - s), abs(s + Fraction(1, 2**n) - y))
    allowance = float(sample.error_bound) + roundoff(n, 1, 1.0)
    return float(worst) / allowance, float(sample.error_bound) / tol


def _random_family_ratio(sampler, rng, m, tol) -> tuple[float, float]:
    r"""Worst ratio of :math:`|y_n - y_N|` to its bound, for a random contraction in d = 3.

    Each recovered word is extended by a fresh i.i.d. tail to depth :math:`N` with
    :math:`\rho^N C/(1-\rho) \le 10^{-3}\,\mathrm{tol}`; :math:`y_N` is evaluated by
    :func:`revsgd.theory.iterate.backward_last` (blockwise composed maps, not the sampler's
    ensemble sweep). Then
    :math:`|y_n - y_N| \le |y_n - y_\infty| + |y_\infty - y_N| \le \mathrm{error\_bound} +
    \rho^N C/(1-\rho)`, plus the round-off of the two evaluations.
    """
    d = 3
    family = random_contraction(rng, d, K=4, rho=0.9)
    x0 = rng.standard_normal(d)
    seed = _seed(rng)
    sample = sampler(family, m, tol, rng=seed, x0=x0)
    n = int(sample.depth)
    words = sample_word_array(family, m, n, rng=seed)
    cert = sample.certificate
    N = max(cert.steps_for(1e-3 * tol), n)
    tails = sample_word_array(family, m, N - n, rng=rng)
    deep = np.array([backward_last(family, np.concatenate([w, t]), x0) for w, t in zip(words, tails)])
    dist = np.linalg.norm(np.asarray(sample.draws) - deep, axis=1)
    scale = iterate_scale(cert, x0)
    allowance = float(sample.error_bound) + float(cert.limit(N)) + roundoff(n, d, scale) + roundoff(N, d, scale)
    return float(dist.max()) / allowance, float(sample.error_bound) / tol


@register_check(
    "C10",
    r"|y_n(\xi) - y_\infty(\xi)| \le \rho^n C/(1-\rho) \le \mathrm{tol} \text{ for every draw}",
    kind="numeric",
    quick=True,
)
def c10_certified_error_bound(rng, *, sampler=sample_stationary) -> Outcome:
    r"""Every certified draw is within its reported bound of the limit of its own word.

    Two instances: the binary chain, where the set of limits of all continuations of a word
    is known exactly and the certificate is tight (so a draw one level too shallow is off by
    twice the bound), and a random non-symmetric contraction in d = 3 with a random start,
    against a much deeper backward run of the same word.
    """
    m_chain, tol_chain = 200, 1e-9
    m_rand, tol_rand = 100, 1e-6
    r_chain, b_chain = _binary_chain_ratio(sampler, rng, m_chain, tol_chain)
    r_rand, b_rand = _random_family_ratio(sampler, rng, m_rand, tol_rand)
    measured = [r_chain, r_rand, max(b_chain, b_rand)]
    return Outcome(
        bool(max(measured) <= 1.0),
        measured,
        [1.0, 1.0, 1.0],
        f"binary chain x/2, x/2 + 1/2 (x0=0, m={m_chain}, tol={tol_chain:g}); random affine "
        f"contraction d=3, K=4, rho=0.9 (random x0, m={m_rand}, tol={tol_rand:g})",
        "measured = [binary chain: max over draws of the exact distance to the farthest limit "
        "of any continuation of the draw's word, divided by (error_bound + round-off "
        "4(n+1)d eps); random family: max |y_n - y_N| over draws, divided by (error_bound + "
        "rho^N C/(1-rho) + round-off of both runs), y_N the same word run to N with "
        "rho^N C/(1-rho) <= 1e-3 tol; max error_bound / tol]. Words recovered from the seed "
        "at the reported depth. Pass iff all <= 1; deterministic (no false alarms).",
    )
