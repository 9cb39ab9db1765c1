"""Benchmarks: our fast paths against baselines run in the same process.

Each workload times our implementation and its baseline (median of several repetitions
after one warm-up; the two are timed alternately so that a change of machine load hits
both), checks that both give the same answer, and reports ``ratio = baseline_s / ours_s``
against a target. Benchmarks are not tests: the tests check agreement, never speed.
Workloads live in :mod:`revsgd.bench_trajectories`, :mod:`revsgd.bench_stationary` and
:mod:`revsgd.bench_jax` (the JAX baseline, only when JAX is installed).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

__all__ = [
    "BenchResult",
    "median_time",
    "paired_times",
    "random_contraction",
    "workloads",
    "run_benchmarks",
    "HEADER",
    "format_row",
    "format_table",
]


@dataclass(frozen=True)
class BenchResult:
    """One benchmark row: ``ratio = baseline_s / ours_s`` compared with ``target``.

    ``agreement`` is the largest difference of our answer from the baseline's (relative
    where stated; NaN where the baseline gives no answer to compare); ``note`` carries
    counts such as map applications or memory.
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
        return asdict(self)


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall time of ``fn()`` over ``repeats`` runs after one warm-up, and its value."""
    value = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), value


def paired_times(ours: Callable, base: Callable, repeats: int, base_repeats: int | None = None):
    """Median times of ``ours`` and ``base``, timed alternately after one warm-up of each.

    Returns ``(ours_s, ours_value, base_s, base_value)``.
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


def random_contraction(d: int, K: int, rho: float, rng):
    """K random non-symmetric d x d maps scaled to operator norm ``rho``, random offsets."""
    from revsgd.theory.family import AffineFamily

    A = rng.standard_normal((K, d, d))
    A *= rho / np.linalg.norm(A, ord=2, axis=(1, 2))[:, None, None]
    return AffineFamily(A, rng.standard_normal((K, d)))


def workloads(quick: bool = False) -> list[Callable[[], BenchResult]]:
    """Every workload as a zero-argument callable, in the order the table lists them."""
    from revsgd import bench_jax, bench_stationary, bench_trajectories

    return (bench_trajectories.workloads(quick) + bench_stationary.workloads(quick)
            + bench_jax.workloads(quick))


def run_benchmarks(quick: bool = False,
                   on_row: Callable[[BenchResult], object] | None = None) -> list[BenchResult]:
    """Run every workload (``quick`` shrinks the sizes) and return the rows.

    Args:
        quick: small sizes and one repetition (a few seconds in all).
        on_row: called with each row as soon as its workload finishes.
    """
    if on_row is not None and not callable(on_row):
        raise TypeError(f"on_row must be callable or None; got {type(on_row).__name__}")
    rows = []
    for work in workloads(quick):
        rows.append(work())
        if on_row is not None:
            on_row(rows[-1])
    return rows


HEADER = f"{'workload':38} {'ours s':>9} {'baseline':26} {'base s':>9} {'ratio':>8}  target"


def format_row(r: BenchResult) -> str:
    """One row (and its note on a second line) of :func:`format_table`."""
    line = (f"{r.workload:38} {r.ours_s:9.4f} {r.baseline:26} {r.baseline_s:9.4f} "
            f"{r.ratio:8.3g}  {r.target} [{'met' if r.met else 'MISSED'}]")
    return line + (f"\n{'':38}   {r.note}" if r.note else "")


def format_table(rows: list[BenchResult]) -> str:
    """The rows as a fixed-width text table (notes on a second line)."""
    return "\n".join([HEADER, "-" * len(HEADER)] + [format_row(r) for r in rows])
