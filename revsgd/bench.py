"""Benchmarks: our fast paths against baselines run in the same process.

Each workload times our implementation and its baseline (median of several repetitions
after one warm-up), checks that both give the same answer, and reports the ratio against
a target. Benchmarks are not tests: the tests check agreement, never speed.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from theory.family import AffineFamily
from theory.iterate import backward, forward
from theory.reference import backward_naive_affine
from theory.sequences import sample_indices

__all__ = ["BenchResult", "median_time", "run_benchmarks", "format_table", "WORKLOADS"]


@dataclass(frozen=True)
class BenchResult:
    """One benchmark row: ``ratio = baseline_s / ours_s`` compared with ``target``."""

    workload: str
    ours_s: float
    baseline: str
    baseline_s: float
    ratio: float
    target: str
    met: bool
    agreement: float

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


def _random_contraction(d: int, K: int, rho: float, rng) -> AffineFamily:
    A = rng.standard_normal((K, d, d))
    A *= rho / np.linalg.norm(A, ord=2, axis=(1, 2))[:, None, None]
    return AffineFamily(A, rng.standard_normal((K, d)))


def bench_backward_vs_recompute(*, d=20, n=1000, K=8, repeats=3, seed=0) -> BenchResult:
    """Affine backward trajectory (composed map kept) against recomputing every composition."""
    rng = np.random.default_rng(seed)
    fam = _random_contraction(d, K, 0.9, rng)
    idx = sample_indices(K, n, rng)
    x0 = rng.standard_normal(d)
    ours_s, ours = median_time(lambda: backward(fam, idx, x0), repeats)
    base_s, base = median_time(lambda: backward_naive_affine(fam.A, fam.b, idx, x0), 1)
    rel = float(np.max(np.abs(ours - base)) / max(1.0, np.max(np.abs(base))))
    ratio = base_s / ours_s
    return BenchResult(
        f"backward affine d={d} n={n}", ours_s, "naive recompute", base_s, ratio,
        ">= 50x faster, agree to 1e-12 rel", ratio >= 50 and rel <= 1e-12, rel,
    )


def bench_backward_vs_forward(*, d=10, n=100000, K=8, repeats=3, seed=1) -> BenchResult:
    """Affine backward trajectory against a plain forward loop of the same length."""
    rng = np.random.default_rng(seed)
    fam = _random_contraction(d, K, 0.9, rng)
    idx = sample_indices(K, n, rng)
    x0 = rng.standard_normal(d)
    ours_s, _ = median_time(lambda: backward(fam, idx, x0), repeats)
    base_s, _ = median_time(lambda: forward(fam, idx, x0), repeats)
    ratio = base_s / ours_s
    return BenchResult(
        f"backward affine d={d} n={n}", ours_s, "forward loop", base_s, ratio,
        "backward <= 3x forward (ratio >= 0.333)", ratio >= 1 / 3, float("nan"),
    )


WORKLOADS = {
    "backward_vs_recompute": bench_backward_vs_recompute,
    "backward_vs_forward": bench_backward_vs_forward,
}


def run_benchmarks(quick: bool = False) -> list[BenchResult]:
    """Run every workload (``quick`` shrinks the sizes) and return the rows."""
    from revsgd.bench_stationary import bench_ensemble_step, bench_stationary_moments

    if quick:
        return [
            bench_backward_vs_recompute(n=300, repeats=1),
            bench_backward_vs_forward(n=10000, repeats=1),
            bench_ensemble_step(m=20000, n=5, repeats=1),
            bench_stationary_moments(d=60, K=8),
        ]
    return [fn() for fn in WORKLOADS.values()] + [bench_ensemble_step(), bench_stationary_moments()]


def format_table(rows: list[BenchResult]) -> str:
    """The rows as a fixed-width text table."""
    head = f"{'workload':34} {'ours s':>9} {'baseline':18} {'base s':>9} {'ratio':>8}  target"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r.workload:34} {r.ours_s:9.4f} {r.baseline:18} {r.baseline_s:9.4f} "
            f"{r.ratio:8.1f}  {r.target} [{'met' if r.met else 'MISSED'}]"
        )
    return "\n".join(lines)
