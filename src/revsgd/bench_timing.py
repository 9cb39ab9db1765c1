"""What every benchmark shares: the result row, paired timing and the agreement measure.

The workload modules (:mod:`revsgd.bench_trajectories`, :mod:`revsgd.bench_stationary`,
:mod:`revsgd.bench_jax`) import from here and :mod:`revsgd.bench` imports them, so the import
graph is a tree: ``bench -> bench_{trajectories,stationary,jax} -> bench_timing``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

__all__ = ["BenchResult", "median_time", "paired_times", "relative_error"]


@dataclass(frozen=True)
class BenchResult:
    """One benchmark row: ``ratio = baseline_s / ours_s`` compared with ``target``.

    ``agreement`` is the largest difference of our answer from the baseline's (relative
    where stated; NaN where the baseline gives no answer to compare); ``note`` carries
    counts such as map applications or memory.

    Example:
        >>> row = BenchResult("w", 1.0, "base", 2.0, 2.0, ">= 1x", True, 0.0)
        >>> row.as_dict()["ratio"]
        2.0
    """

    workload: str
    ours_s: float
    baseline: str
    baseline_s: float
    ratio: float
    target: str
    met: bool
    agreement: float
    note: str = ""

    def as_dict(self) -> dict:
        """The row as a plain dict (for JSON)."""
        return asdict(self)


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time of ``fn()`` over ``repeats`` runs after one warm-up, and its value.

    Args:
        fn: a zero-argument callable.
        repeats: the number of timed runs, >= 1.

    Returns:
        ``(median seconds, the last value)``.

    Example:
        >>> seconds, value = median_time(lambda: 6 * 7, 3)
        >>> value, seconds >= 0
        (42, True)
    """
    value = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), value


def paired_times(ours: Callable, base: Callable, repeats: int, base_repeats: int | None = None):
    """Median times of ``ours`` and ``base``, timed alternately after one warm-up of each.

    Timing the two alternately makes a change of machine load hit both.

    Args:
        ours, base: zero-argument callables.
        repeats: timed runs of ``ours`` (and of ``base`` unless ``base_repeats`` is given).
        base_repeats: timed runs of ``base`` (fewer for a slow baseline).

    Returns:
        ``(ours_s, ours_value, base_s, base_value)``.

    Example:
        >>> ours_s, a, base_s, b = paired_times(lambda: 1, lambda: 2, 2, 1)
        >>> a, b
        (1, 2)
    """
    base_repeats = repeats if base_repeats is None else base_repeats
    ours_value, base_value = ours(), base()
    t_ours, t_base = [], []
    for r in range(max(repeats, base_repeats)):
        if r < repeats:
            start = time.perf_counter()
            ours_value = ours()
            t_ours.append(time.perf_counter() - start)
        if r < base_repeats:
            start = time.perf_counter()
            base_value = base()
            t_base.append(time.perf_counter() - start)
    return float(np.median(t_ours)), ours_value, float(np.median(t_base)), base_value


def relative_error(ours, reference) -> float:
    """``max |ours - reference| / max(1, max |reference|)``: the agreement of two answers.

    Example:
        >>> relative_error([1.0, 2.5], [1.0, 2.0])
        0.25
    """
    ours, reference = np.asarray(ours), np.asarray(reference)
    return float(np.max(np.abs(ours - reference)) / max(1.0, np.max(np.abs(reference))))
