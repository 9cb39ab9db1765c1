"""Benchmarks for ensembles and stationary moments (same-process baselines; not tests)."""

from __future__ import annotations

from functools import partial

import numpy as np

from revsgd.bench_timing import BenchResult, paired_times, relative_error
from revsgd.theory import ensemble_kernel
from revsgd.theory.ensemble import forward_ensemble, sample_forward_ensemble
from revsgd.theory.instances import gaussian_contraction_family
from revsgd.theory.reference import forward_ensemble_naive_affine
from revsgd.theory.stationary import solve_stationary

__all__ = ["bench_ensemble_step", "bench_stationary_moments", "workloads"]


def bench_ensemble_step(*, K=10, d=10, m=100000, n=20, repeats=3, seed=0) -> BenchResult:
    """Ensemble step time against one plain (m, d) x (d, d) product into a preallocated array.

    ``ratio = product time / step time``: the share of a plain product's throughput reached.
    The note names the kernel that ran (:mod:`revsgd.theory.ensemble_kernel`: the fused numba
    kernel and its thread count, or the numpy fallback).
    """
    rng = np.random.default_rng(seed)
    fam = gaussian_contraction_family(rng, d, K, 0.9)
    idx = rng.integers(0, K, size=(m, n))
    X = rng.standard_normal((m, d))
    M, out = fam.A[0].T.copy(), np.empty((m, d))
    ours_s, ours, base_s, _ = paired_times(
        lambda: forward_ensemble(fam, idx, X).final, lambda: np.matmul(X, M, out=out), repeats
    )
    naive = forward_ensemble_naive_affine(fam.A, fam.b, idx, X)
    rel = relative_error(ours, naive)
    ratio = base_s / (ours_s / n)
    return BenchResult(
        f"ensemble step K={K} d={d} m={m}", ours_s / n, "one (m,d)x(d,d) matmul", base_s,
        ratio, ">= 0.6 of matmul throughput", ratio >= 0.6, rel, f"kernel: {_kernel_ran(m, n, d)}",
    )


def _kernel_ran(m: int, n: int, d: int) -> str:
    if not ensemble_kernel.use_fused(m, n, d):
        return "numpy fallback (grouped matmul per map)"
    import numba

    return f"fused numba, {numba.get_num_threads()} threads"


def bench_stationary_moments(*, d=200, K=16, accuracy=1e-2, m=4000, repeats=1, seed=1) -> BenchResult:
    """solve_stationary at d = 200, K = 16 against Monte Carlo at the same accuracy.

    Monte Carlo: ``m`` chains run until the start is forgotten (rho^n |x0| < 1e-12), sample
    covariance; its relative Frobenius error ``e`` against the solved covariance falls like
    ``1/sqrt(m)``, so reaching ``accuracy`` takes ``t * (e / accuracy)^2`` (extrapolated). The
    solved covariance itself is accurate to its Stein residual (~1e-12), far beyond ``accuracy``.
    """
    rng = np.random.default_rng(seed)
    fam = gaussian_contraction_family(rng, d, K, 0.9)
    burn = int(np.ceil(np.log(1e-12) / np.log(0.9)))

    def monte_carlo():
        X = sample_forward_ensemble(fam, m, burn, np.zeros(d), rng=seed).final
        return np.cov(X, rowvar=False)

    ours_s, sm, mc_s, S_mc = paired_times(lambda: solve_stationary(fam), monte_carlo, repeats, 1)
    err = float(np.linalg.norm(S_mc - sm.cov) / np.linalg.norm(sm.cov))
    base_s = mc_s * (err / accuracy) ** 2
    return BenchResult(
        f"stationary cov d={d} K={K}", ours_s, f"Monte Carlo to {accuracy:g} rel", base_s,
        base_s / ours_s, "<= 5 s, residual <= 1e-9", ours_s <= 5.0 and sm.residual <= 1e-9,
        sm.residual,
        f"Stein residual {sm.residual:.2g} ({sm.method}); MC: {m} chains x {burn} steps in "
        f"{mc_s:.2f} s, rel. error {err:.3g}, extrapolated to {accuracy:g}",
    )


def workloads(quick: bool) -> list:
    """The stationary workloads as zero-argument callables."""
    if quick:
        return [partial(bench_ensemble_step, m=20000, n=5, repeats=1),
                partial(bench_stationary_moments, d=60, K=8, m=1000)]
    return [bench_ensemble_step, bench_stationary_moments]
