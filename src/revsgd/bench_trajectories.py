"""Benchmarks of single trajectories: blocked affine paths, d = 1, thinning, certified wavefront."""

from __future__ import annotations

import tracemalloc

from functools import partial

import numpy as np

from revsgd.bench_timing import BenchResult, paired_times, relative_error
from revsgd.theory.instances import gaussian_contraction_family
from revsgd.theory.iterate import backward, backward_certified, forward
from revsgd.theory.reference import backward_naive, backward_naive_affine, forward_naive_affine
from revsgd.theory.sequences import sample_indices

__all__ = [
    "bench_backward_vs_recompute",
    "bench_backward_vs_forward_loop",
    "bench_forward_vs_loop",
    "bench_dimension_one",
    "bench_thinned_memory",
    "bench_certified_general",
    "workloads",
]


def _problem(d, n, K, seed, rho=0.9):
    rng = np.random.default_rng(seed)
    fam = gaussian_contraction_family(rng, d, K, rho)
    return fam, sample_indices(K, n, rng), rng.standard_normal(d)


def bench_backward_vs_recompute(*, d=10, n=2000, K=8, repeats=3, seed=0) -> BenchResult:
    """Backward trajectory against recomputing every composition from x0 (n(n+1)/2 steps)."""
    fam, idx, x0 = _problem(d, n, K, seed)
    ours_s, ours, base_s, base = paired_times(
        lambda: backward(fam, idx, x0), lambda: backward_naive_affine(fam.A, fam.b, idx, x0),
        repeats, 1,
    )
    rel, ratio = relative_error(ours, base), base_s / ours_s
    return BenchResult(
        f"backward d={d} n={n}", ours_s, "naive recompute", base_s, ratio,
        ">= 200x, agree to 1e-12 rel", ratio >= 200 and rel <= 1e-12, rel,
    )


def bench_backward_vs_forward_loop(*, d=10, n=100000, K=8, repeats=3, seed=1) -> BenchResult:
    """Backward trajectory (blocked) against the plain forward loop ``x = A[k] @ x + b[k]``."""
    fam, idx, x0 = _problem(d, n, K, seed)
    ours_s, _, base_s, _ = paired_times(
        lambda: backward(fam, idx, x0), lambda: forward_naive_affine(fam.A, fam.b, idx, x0), repeats
    )
    ratio = base_s / ours_s
    return BenchResult(
        f"backward d={d} n={n}", ours_s, "plain forward loop", base_s, ratio,
        "backward <= 3x forward loop (>= 0.333)", ratio >= 1 / 3, float("nan"),
    )


def bench_forward_vs_loop(*, d=10, n=100000, K=8, repeats=3, seed=2) -> BenchResult:
    """Forward trajectory (blocked) against the plain forward loop."""
    fam, idx, x0 = _problem(d, n, K, seed)
    ours_s, ours, base_s, base = paired_times(
        lambda: forward(fam, idx, x0), lambda: forward_naive_affine(fam.A, fam.b, idx, x0), repeats
    )
    rel, ratio = relative_error(ours, base), base_s / ours_s
    return BenchResult(
        f"forward d={d} n={n}", ours_s, "plain forward loop", base_s, ratio,
        ">= 1x (not slower), agree 1e-12 rel", ratio >= 1 and rel <= 1e-12, rel,
    )


def bench_dimension_one(*, n=1000000, K=2, repeats=3, seed=3) -> BenchResult:
    """d = 1 closed path (cumprod / cumsum) against the plain loop."""
    fam, idx, x0 = _problem(1, n, K, seed)
    ours_s, _, base_s, _ = paired_times(
        lambda: backward(fam, idx, x0), lambda: forward_naive_affine(fam.A, fam.b, idx, x0),
        repeats, 1,
    )
    ratio = base_s / ours_s
    return BenchResult(
        f"backward d=1 n={n}", ours_s, "plain forward loop", base_s, ratio, ">= 20x",
        ratio >= 20, float("nan"),
    )


def _peak_bytes(fn) -> tuple[int, object]:
    tracemalloc.start()
    try:
        value = fn()
        return tracemalloc.get_traced_memory()[1], value
    finally:
        tracemalloc.stop()


def bench_thinned_memory(*, d=10, n=1000000, every=1000, K=8, seed=4) -> BenchResult:
    """Peak memory of a thinned backward run against holding the whole trajectory."""
    fam, idx, x0 = _problem(d, n, K, seed)
    ours_s, thin, base_s, full = paired_times(
        lambda: backward(fam, idx, x0, record=range(0, n + 1, every)), lambda: backward(fam, idx, x0), 1
    )
    peak_thin, _ = _peak_bytes(lambda: backward(fam, idx, x0, record=range(0, n + 1, every)))
    peak_full, _ = _peak_bytes(lambda: backward(fam, idx, x0))
    rel = relative_error(thin, full[::every])
    word = idx.nbytes  # both calls hold one validated copy of the word: not trajectory memory
    share = (peak_thin - word) / (peak_full - word)
    return BenchResult(
        f"backward d={d} n={n} every={every}", ours_s, "full trajectory", base_s, base_s / ours_s,
        "peak beyond the word <= 10% of full, same rows", share <= 0.1 and rel == 0.0, rel,
        f"peak {peak_thin / 2**20:.1f} MiB vs {peak_full / 2**20:.1f} MiB, of which the word "
        f"{word / 2**20:.1f} MiB; beyond it {100 * share:.1f}%",
    )


def bench_certified_general(*, n=400, tol=1e-6, seed=5) -> BenchResult:
    """Certified backward trajectory of a logistic family (wavefront) against naive recompute."""
    from revsgd.models.instances import random_logistic

    rng = np.random.default_rng(seed)
    model = random_logistic(rng, 5, rows=64, batch_size=8, l2=0.5)
    fam = model.step_family(0.5 * model.contractive_lr_range().high)
    idx, x0 = sample_indices(fam.K, n, rng), np.zeros(5)
    m = backward_certified(fam, idx, x0, tol).depth
    ours_s, cert, base_s, base = paired_times(
        lambda: backward_certified(fam, idx, x0, tol), lambda: backward_naive(fam, idx[:m], x0), 1
    )
    rel = float(np.max(np.abs(cert.trajectory[: m + 1] - base)))
    return BenchResult(
        f"certified backward logistic n={n}", ours_s, "naive recompute (depth m)", base_s,
        base_s / ours_s, f">= 5x, rows 0..m agree 1e-12, bound <= {tol:g}",
        base_s / ours_s >= 5 and rel <= 1e-12 and cert.error_bound <= tol, rel,
        f"depth m = {m} (C1 minimum for tol {tol:g}); {cert.applications} applications in {m} "
        f"batched calls vs {n * (n + 1) // 2} uncertified; endpoint alone needs m = {m}",
    )


def workloads(quick: bool) -> list:
    """The trajectory workloads as zero-argument callables (``quick``: small sizes, one repetition)."""
    if quick:
        return [
            partial(bench_backward_vs_recompute, n=300, repeats=1),
            partial(bench_backward_vs_forward_loop, n=10000, repeats=1),
            partial(bench_forward_vs_loop, n=10000, repeats=1),
            partial(bench_dimension_one, n=100000, repeats=1),
            partial(bench_thinned_memory, n=50000, every=100),
            partial(bench_certified_general, n=200),
        ]
    return [
        bench_backward_vs_recompute,
        bench_backward_vs_forward_loop,
        bench_forward_vs_loop,
        bench_dimension_one,
        bench_thinned_memory,
        bench_certified_general,
    ]
