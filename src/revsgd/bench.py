"""Benchmarks: our fast paths against baselines run in the same process.

Each workload times our implementation and its baseline (median of several repetitions
after one warm-up; the two are timed alternately so that a change of machine load hits
both), checks that both give the same answer, and reports ``ratio = baseline_s / ours_s``
against a target. Benchmarks are not tests: the tests check agreement, never speed.
Workloads live in :mod:`revsgd.bench_trajectories`, :mod:`revsgd.bench_stationary` and
:mod:`revsgd.bench_jax` (the JAX baseline, only when JAX is installed), :mod:`revsgd.bench_digits`
(exact backward SGD on the digits MLP, with JAX and scikit-learn) and :mod:`revsgd.bench_sweep`
(Dask sweeps: 2 against 1 local workers, scheduler overhead); what they share
(:class:`BenchResult`, paired timing) lives in :mod:`revsgd.bench_timing`, so the imports form
a tree. Random families come from :mod:`revsgd.theory.instances`.
"""

from __future__ import annotations

from typing import Callable

from revsgd.bench_timing import BenchResult

__all__ = [
    "BenchResult",
    "workloads",
    "run_benchmarks",
    "HEADER",
    "format_row",
    "format_table",
]


def workloads(quick: bool = False) -> list[Callable[[], BenchResult]]:
    """Every workload as a zero-argument callable, in the order the table lists them.

    Args:
        quick: small sizes and one repetition.

    Returns:
        a list of zero-argument callables, each returning a :class:`BenchResult`.
    """
    # imported here, not at the top: ``revsgd bench`` refuses bad arguments before numpy-scale
    # imports (the workload modules import revsgd.theory, which imports scipy)
    from revsgd import bench_digits, bench_jax, bench_stationary, bench_sweep, bench_trajectories

    return (bench_trajectories.workloads(quick) + bench_stationary.workloads(quick)
            + bench_jax.workloads(quick) + bench_digits.workloads(quick) + bench_sweep.workloads(quick))


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
