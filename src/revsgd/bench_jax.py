"""The optional JAX baseline: the same ensemble as a jitted ``vmap`` over chains of ``lax.scan``.

JAX is never required (``pip install 'revsgd[jax]'`` adds it); without it this module
contributes no rows. Double precision is switched on (``jax_enable_x64``) so both sides
compute in float64 and their answers can be compared.
"""

from __future__ import annotations

import importlib.util

from functools import partial

import numpy as np

from revsgd.bench_timing import BenchResult, paired_times, relative_error
from revsgd.theory.ensemble import forward_ensemble
from revsgd.theory.instances import gaussian_contraction_family

__all__ = ["available", "bench_jax_ensemble", "workloads"]


def available() -> bool:
    """Whether JAX can be imported."""
    return importlib.util.find_spec("jax") is not None


def _jax_forward_ensemble(A, b):
    import jax

    jax.config.update("jax_enable_x64", True)
    A, b = jax.numpy.asarray(A), jax.numpy.asarray(b)

    def chain(x, word):
        def step(x, k):
            return A[k] @ x + b[k], None

        return jax.lax.scan(step, x, word)[0]

    return jax.jit(jax.vmap(chain))


def bench_jax_ensemble(*, K=10, d=10, m=100000, n=20, repeats=3, seed=0) -> BenchResult:
    """Our forward ensemble against JAX's jitted vmap + lax.scan on the same words."""
    import jax

    rng = np.random.default_rng(seed)
    fam = gaussian_contraction_family(rng, d, K, 0.9)
    idx = rng.integers(0, K, size=(m, n))
    X = rng.standard_normal((m, d))
    run_jax = _jax_forward_ensemble(fam.A, fam.b)
    words, start = jax.numpy.asarray(idx), jax.numpy.asarray(X)
    ours_s, ours, jax_s, theirs = paired_times(
        lambda: forward_ensemble(fam, idx, X).final,
        lambda: np.asarray(run_jax(start, words).block_until_ready()),
        repeats,
    )
    rel = relative_error(ours, theirs)
    return BenchResult(
        f"ensemble K={K} d={d} m={m} n={n}", ours_s, f"JAX {jax.__version__} vmap+scan", jax_s,
        jax_s / ours_s, "report ours/JAX; agree 1e-12 rel", rel <= 1e-12, rel,
        f"ours / JAX = {ours_s / jax_s:.3g} (JAX jit compile excluded: warm-up)",
    )


def workloads(quick: bool) -> list:
    """The JAX baseline as a zero-argument callable (none when JAX is not installed)."""
    if not available():
        return []
    if quick:
        return [partial(bench_jax_ensemble, m=20000, n=5, repeats=1)]
    return [bench_jax_ensemble]
