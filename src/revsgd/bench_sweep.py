"""Sweep benchmarks: throughput on 2 local workers against 1, and the scheduler's overhead per point.

Both run the same least-squares sweep (:data:`SPEC`, 200 points; random data, so no extra
beyond ``sweep`` is needed) into fresh temporary stores on ``LocalCluster`` s of
single-threaded worker processes started before the clock runs:

* ``ratio = time on 1 worker / time on 2 workers`` (target >= 1.6); the two stores must be
  identical bit for bit (``agreement``: the number of differing values, 0);
* overhead: on 1 worker, ``wall / sum of the tasks' own compute times - 1`` (target < 10%);
  the row's ratio is ``sum of task times / wall``, the share of the sweep spent computing.

Without the ``sweep`` extra this module contributes no rows.
"""

from __future__ import annotations

import tempfile
import time
from functools import partial

import numpy as np

from revsgd.bench_timing import BenchResult

__all__ = ["SPEC", "available", "bench_sweep_overhead", "bench_sweep_throughput", "workloads"]

#: 10 learning rates x 5 batch sizes x 2 orders x 2 seeds = 200 points of least squares on random data
SPEC = {
    "model": "least_squares",
    "data": "random",
    "grid": {"lr_fraction": [0.1 * k for k in range(1, 11)], "batch_size": [4, 8, 16, 32, 64],
             "order": ["forward", "backward"], "seed": [0, 1]},
    "run": {"steps": 2000, "rows": 512, "dim": 10},
}


def available() -> bool:
    """Whether the sweep extra (dask, distributed, xarray, zarr) can be imported."""
    from revsgd.theory.extras import missing_modules

    return not missing_modules("sweep")


def _spec(points: int, steps: int) -> dict:
    grid = dict(SPEC["grid"])
    grid["lr_fraction"] = grid["lr_fraction"][: max(1, points // 20)]
    return {**SPEC, "grid": grid, "run": {**SPEC["run"], "steps": steps}}


def _warm_up() -> None:
    """Import what a point needs and run one tiny point (imports are per worker, not per point)."""
    from revsgd.sweep.points import compute_point
    from revsgd.sweep.spec import load_spec

    tiny = {**SPEC, "grid": {"lr_fraction": [0.5], "batch_size": [8], "order": ["backward"]}, "run": {"steps": 8}}
    compute_point(load_spec(tiny).canonical(), 0)


def _timed_sweep(spec, workers: int):
    from distributed import Client, LocalCluster

    from revsgd.sweep import execute

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client, tempfile.TemporaryDirectory() as tmp:
        client.run(_warm_up)  # every worker has imported the toolkit before the clock starts
        start = time.perf_counter()
        ds, summary = execute(spec, f"{tmp}/sweep.zarr", client)
        wall = time.perf_counter() - start
        values = {name: np.asarray(ds[name].values) for name in ds.data_vars}
    return wall, summary, values


def _differing(a: dict, b: dict) -> int:
    count = 0
    for name, x in a.items():
        y = b[name]
        same = x.view(np.int64) == y.view(np.int64) if x.dtype.kind == "f" else x == y
        count += int(np.size(same) - np.count_nonzero(same))
    return count


def bench_sweep_throughput(*, points=200, steps=2000) -> BenchResult:
    """The sweep on 2 local workers against 1 (module docstring)."""
    spec = _spec(points, steps)
    one_s, summary, one = _timed_sweep(spec, 1)
    two_s, _, two = _timed_sweep(spec, 2)
    ratio = one_s / two_s
    differing = _differing(one, two)
    return BenchResult(
        f"sweep {summary.total} points, 2 workers", two_s, "the same sweep on 1 worker", one_s, ratio,
        ">= 1.6x; stores identical", ratio >= 1.6 and differing == 0, float(differing),
        f"{1e3 * summary.task_seconds / summary.total:.0f} ms of compute per point; {differing} values differ",
    )


def bench_sweep_overhead(*, points=200, steps=2000) -> BenchResult:
    """The scheduler's overhead per point on 1 worker (module docstring)."""
    spec = _spec(points, steps)
    wall, summary, _ = _timed_sweep(spec, 1)
    overhead = wall / summary.task_seconds - 1.0
    per_point = wall / summary.total
    return BenchResult(
        f"sweep overhead per point, {summary.total} points", per_point, "the task's own compute",
        summary.task_seconds / summary.total, summary.task_seconds / wall, "overhead < 10% per point",
        overhead < 0.10, float("nan"), f"overhead {100 * overhead:.1f}% ({1e3 * (wall - summary.task_seconds) / summary.total:.1f} ms per point)",
    )


def workloads(quick: bool) -> list:
    """The sweep benchmarks as zero-argument callables (none without the sweep extra)."""
    if not available():
        return []
    if quick:
        return [partial(bench_sweep_throughput, points=40, steps=400), partial(bench_sweep_overhead, points=40, steps=400)]
    return [bench_sweep_throughput, bench_sweep_overhead]
