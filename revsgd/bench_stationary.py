"""Benchmarks for ensembles and stationary moments (same-process baselines; not tests)."""

from __future__ import annotations

import numpy as np

from revsgd.bench import BenchResult, median_time
from theory.ensemble import forward_ensemble
from theory.family import AffineFamily
from theory.stationary import solve_stationary

__all__ = ["bench_ensemble_step", "bench_stationary_moments", "run_stationary_benchmarks"]


def _family(d, K, rho, rng):
    A = rng.standard_normal((K, d, d))
    A *= rho / np.linalg.norm(A, ord=2, axis=(1, 2))[:, None, None]
    return AffineFamily(A, rng.standard_normal((K, d)))


def bench_ensemble_step(*, K=10, d=10, m=100000, n=20, repeats=3, seed=0) -> BenchResult:
    """Ensemble step time against one plain (m, d) x (d, d) matmul; ratio = matmul / step."""
    rng = np.random.default_rng(seed)
    fam = _family(d, K, 0.9, rng)
    idx = rng.integers(0, K, size=(m, n))
    X = rng.standard_normal((m, d))
    ours_s, _ = median_time(lambda: forward_ensemble(fam, idx, X), repeats)
    M = fam.A[0].T.copy()
    base_s, _ = median_time(lambda: X @ M, repeats)
    ratio = base_s / (ours_s / n)
    return BenchResult(
        f"ensemble step K={K} d={d} m={m}", ours_s / n, "one (m,d)x(d,d) matmul", base_s,
        ratio, ">= 0.3 of matmul throughput", ratio >= 0.3, float("nan"),
    )


def bench_stationary_moments(*, d=200, K=16, repeats=1, seed=1) -> BenchResult:
    """solve_stationary at d=200, K=16 (GMRES path); agreement = relative Stein residual."""
    fam = _family(d, K, 0.9, np.random.default_rng(seed))
    ours_s, sm = median_time(lambda: solve_stationary(fam), repeats)
    return BenchResult(
        f"stationary moments d={d} K={K}", ours_s, "target seconds", 5.0, 5.0 / ours_s,
        "<= 5 s, residual <= 1e-9", ours_s <= 5.0 and sm.residual <= 1e-9, sm.residual,
    )


def run_stationary_benchmarks() -> list[BenchResult]:
    return [bench_ensemble_step(), bench_stationary_moments()]
