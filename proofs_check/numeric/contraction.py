r"""Numeric checks of C1 (backward contraction) and C3 (fixed points and forward motion)."""

from __future__ import annotations

import numpy as np

from revsgd.proofs_check.numeric._instances import DIMENSIONS, iterate_scale, random_contraction, roundoff
from revsgd.proofs_check.numeric._ratios import cauchy_outcome, ratio_outcome, start_gap_outcome, worst_ratio
from revsgd.proofs_check.registry import Outcome, register_check
from revsgd.theory.contraction import certify, contraction_factor
from revsgd.theory.family import AffineFamily
from revsgd.theory.iterate import backward, forward
from revsgd.theory.sequences import sample_indices

__all__ = [
    "c1_cauchy_bound",
    "c1_limit_independent_of_start",
    "c1_distance_to_limit",
    "c3_common_fixed_point",
    "c3_forward_keeps_moving",
]

N_STEPS = 200
INSTANCE = f"d={DIMENSIONS}, K=4, rho=0.9, n={N_STEPS}"


def _instances(rng):
    for d in DIMENSIONS:
        fam = random_contraction(rng, d, K=4, rho=0.9)
        yield d, fam, sample_indices(fam.K, N_STEPS, rng), rng.standard_normal(d)


@register_check("C1", r"|y_{n+1}-y_n| \le \rho^n C \text{ for all } n", kind="numeric")
def c1_cauchy_bound(rng, *, backward=backward) -> Outcome:
    """Largest ratio of backward increment to :math:`\\rho^n C` (round-off subtracted)."""
    return cauchy_outcome(backward, _instances(rng), INSTANCE)


@register_check(
    "C1", r"|y_n(x_0) - y_n(x_0')| \le \rho^n |x_0 - x_0'|", kind="numeric"
)
def c1_limit_independent_of_start(rng, *, backward=backward) -> Outcome:
    """Largest ratio of the gap between two starts to :math:`\\rho^n |x_0 - x_0'|`."""
    return start_gap_outcome(backward, _instances(rng), rng.standard_normal, INSTANCE)


@register_check("C1", r"|y_n - y_\infty| \le \rho^n C / (1 - \rho)", kind="numeric")
def c1_distance_to_limit(rng, *, backward=backward) -> Outcome:
    """Largest ratio of :math:`|y_n - y_N|` (N = 600, where the bound is below 1e-25) to the bound."""
    N = 600

    def ratio(d, fam, x0):
        idx = sample_indices(fam.K, N, rng)
        cert = certify(fam, x0)
        y = backward(fam, idx, x0)
        dist = np.linalg.norm(y[:N_STEPS] - y[-1], axis=1)
        tol = roundoff(N, d, iterate_scale(cert, x0)) + cert.limit(N)
        return np.max((dist - tol) / cert.limit(np.arange(N_STEPS)))

    worst = worst_ratio(ratio(d, fam, x0) for d, fam, _, x0 in _instances(rng))
    return ratio_outcome(worst, f"d={DIMENSIONS}, K=4, rho=0.9, N={N}",
                         "largest ratio over d and n < 200 of |y_n - y_N| (round-off and the bound at N "
                         "subtracted) to rho^n C / (1 - rho); pass iff measured <= expected")


@register_check(
    "C3", r"T_k(x^*) = x^* \ \forall k \implies |x_n - x^*| \le \rho^n |x_0 - x^*|", kind="numeric"
)
def c3_common_fixed_point(rng, *, forward=forward) -> Outcome:
    """With a shared fixed point the forward iterates converge to it at rate rho."""

    def ratio(d, fam, idx, x0):
        x_star = rng.standard_normal(d)
        shared = AffineFamily(fam.A, x_star - np.einsum("kij,j->ki", fam.A, x_star))
        dist = np.linalg.norm(forward(shared, idx, x0) - x_star, axis=1)
        bound = contraction_factor(shared) ** np.arange(N_STEPS + 1) * np.linalg.norm(x0 - x_star)
        tol = roundoff(N_STEPS, d, np.linalg.norm(x0) + np.linalg.norm(x_star))
        return np.max((dist - tol) / bound)

    worst = worst_ratio(ratio(*instance) for instance in _instances(rng))
    return ratio_outcome(worst, INSTANCE, "largest ratio over d and n of |x_n - x^*| (round-off "
                         "subtracted) to rho^n |x_0 - x^*|; pass iff measured <= expected")


@register_check(
    "C3",
    r"\text{distinct fixed points} \implies \tfrac1m \sum |x_{n+1}-x_n| \ge \delta/2 > 0",
    kind="numeric",
)
def c3_forward_keeps_moving(rng, *, forward=forward) -> Outcome:
    r"""Two-batch quadratic at h = 1/2: :math:`E|T_k x - x| \ge \delta = 1/2` at every state.

    Steps are at most M = 1 on [-1, 1], so by Azuma the mean of m = 2000 realized steps
    falls below :math:`\delta/2` with probability at most :math:`e^{-m/32} < 10^{-27}`.
    """
    fam = AffineFamily(np.full((2, 1, 1), 0.5), [[-0.5], [0.5]])
    idx = sample_indices(2, 4000, rng)
    steps = np.abs(np.diff(forward(fam, idx, [0.0])[:, 0]))[-2000:]
    mean = float(steps.mean())
    return Outcome(mean >= 0.25, mean, 0.25, "T(x) = x/2 +- 1/2, m=2000",
                   "mean of the last m = 2000 realized forward steps |x_{n+1} - x_n|; pass iff "
                   "measured >= expected = delta/2 (delta = 1/2); Azuma false alarm <= e^{-m/32} < 1e-27")
