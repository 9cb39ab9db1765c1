r"""Numeric checks of C8: contracting on average (Lyapunov exponents)."""

from __future__ import annotations

import numpy as np

from revsgd.proofs_check.registry import Outcome, register_check
from revsgd.theory.family import AffineFamily
from revsgd.theory.lyapunov import classify, lyapunov_exponent

__all__ = ["c8_exponent_one_dimensional", "c8_classification_controls"]

EXPANDING_ON_ONE_SIDE = AffineFamily([[[0.5]], [[1.5]]], [[1.0], [1.0]])


def _rotation(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


@register_check(
    "C8",
    r"\gamma = E \log|a_\xi| \text{ in 1-D}; \ a \in \{1/2, 3/2\}: \gamma = \tfrac12 \log\tfrac34 < 0",
    kind="numeric",
)
def c8_exponent_one_dimensional(rng, *, estimator=lyapunov_exponent) -> Outcome:
    """The 99% interval of the estimated exponent covers the exact 1-D value."""
    exact = 0.5 * np.log(0.75)
    est = estimator(EXPANDING_ON_ONE_SIDE, n=4000, runs=16, rng=rng)
    low, high = est.interval
    return Outcome(bool(low <= exact <= high), [float(low), float(high)], float(exact),
                   "slopes 1/2, 3/2, equal weights; 16 runs x 4000 steps, 99%",
                   "measured: the 99% interval [low, high] of the estimated Lyapunov exponent; "
                   "expected: the exact value (1/2) log(3/4); pass iff low <= expected <= high")


@register_check(
    "C8",
    r"\text{backward convergence claimed iff } E\log\mathrm{Lip} < 0 \text{ or } \gamma < 0",
    kind="numeric",
)
def c8_classification_controls(rng, *, classifier=classify) -> Outcome:
    """Expanding-on-one-side contracts on average; x -> x, 2x and rotations are not claimed."""
    verdicts = {
        "slopes 1/2, 3/2": classifier(EXPANDING_ON_ONE_SIDE, rng=rng).backward_converges,
        "x, 2x": classifier(AffineFamily([[[1.0]], [[2.0]]], [[0.0], [0.0]]), rng=rng).backward_converges,
        "rotations": classifier(
            AffineFamily(np.stack([_rotation(0.3), _rotation(1.1)]), np.eye(2)), rng=rng
        ).backward_converges,
    }
    expected = {"slopes 1/2, 3/2": True, "x, 2x": False, "rotations": False}
    names = ", ".join(repr(k) for k in expected)
    return Outcome(verdicts == expected, [int(bool(verdicts[k])) for k in expected],
                   [int(v) for v in expected.values()], "3 families",
                   f"backward convergence claimed (1) or not (0) for the families {names}; "
                   "pass iff measured equals expected (converges, no claim, no claim)")
