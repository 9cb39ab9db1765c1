"""The shared ratio verdicts of the C1 checks: the floor 0, NaN fails, the per-instance ratios against loops.

The 1-D family x/2, x/2 + 1 makes both bounds tight (ratio 1 up to round-off), so the
round-off subtracted is seen to 1e-15.
"""

import numpy as np
import pytest

from revsgd.proofs_check.numeric import _ratios as ratios
from revsgd.theory.family import AffineFamily
from revsgd.theory.iterate import backward
from revsgd.theory.tolerances import trajectory_roundoff


def test_worst_ratio_has_floor_zero_and_fails_nan():
    assert ratios.worst_ratio([]) == 0.0 and ratios.worst_ratio([-2.0, -1.0]) == 0.0
    assert ratios.worst_ratio(r for r in (0.5, 3.0, 1.0)) == 3.0
    for with_nan in ([float("nan"), 0.5], [0.5, np.float64("nan"), 2.0]):  # max(0.5, nan) would be 0.5
        worst = ratios.worst_ratio(with_nan)
        assert np.isnan(worst) and not ratios.ratio_outcome(worst, "i", "n").passed


def test_ratio_outcome_passes_iff_at_most_one():
    assert ratios.ratio_outcome(1.0, "i", "n").passed and not ratios.ratio_outcome(1.0 + 1e-12, "i", "n").passed
    assert ratios.ratio_outcome(0.5, "i", "n").measured == 0.5 and ratios.ratio_outcome(0.5, "i", "n").expected == 1.0


# x -> x/2 + c_k in 1-D: rho = 1/2, C = max_k |x0/2 + c_k - x0|
FAMILY = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [1.0]])
IDX = np.array([1, 0, 1, 1, 0, 0, 1, 0])
X0 = np.array([0.25])


def _naive_cauchy(backward_fn):
    rho, C = 0.5, max(abs(0.5 * X0[0] + c - X0[0]) for c in (0.0, 1.0))
    y = backward_fn(FAMILY, IDX, X0)[:, 0]
    tol = trajectory_roundoff(len(IDX), 1, abs(X0[0]) + C / (1 - rho))
    return max((abs(y[n + 1] - y[n]) - tol) / (rho**n * C) for n in range(len(IDX)))


# the loops repeat the same float operations (up to the rounding of a 1-element norm): a few ulps
SAME_OPS = dict(rel=1e-15, abs=0)


def test_cauchy_ratio_matches_a_loop_over_n_and_sees_a_forward_run():
    assert ratios.cauchy_ratio(backward, FAMILY, IDX, X0, 1) == pytest.approx(_naive_cauchy(backward), **SAME_OPS)
    assert ratios.cauchy_ratio(backward, FAMILY, IDX, X0, 1) <= 1.0
    from revsgd.theory.iterate import forward
    assert ratios.cauchy_ratio(forward, FAMILY, IDX, X0, 1) > 1.0  # forward increments do not shrink


def test_start_gap_ratio_matches_a_loop_over_n_and_sees_a_start_dependent_run():
    x1 = np.array([-3.0])
    y0, y1 = backward(FAMILY, IDX, X0)[:, 0], backward(FAMILY, IDX, x1)[:, 0]
    scale = max(abs(x[0]) + max(abs(0.5 * x[0] + c - x[0]) for c in (0.0, 1.0)) / 0.5 for x in (X0, x1))
    tol = 2 * trajectory_roundoff(len(IDX), 1, scale)
    naive = max((abs(y0[n] - y1[n]) - tol) / (0.5**n * abs(X0[0] - x1[0])) for n in range(len(IDX) + 1))
    assert ratios.start_gap_ratio(backward, FAMILY, IDX, X0, x1, 1) == pytest.approx(naive, **SAME_OPS)
    assert ratios.start_gap_ratio(backward, FAMILY, IDX, X0, x1, 1) <= 1.0
    remembers = lambda fam, idx, x0: backward(fam, idx, x0) + 1e-3 * np.asarray(x0)
    assert ratios.start_gap_ratio(remembers, FAMILY, IDX, X0, x1, 1) > 1.0
