r"""Exact backward SGD on the digits MLP: the toolkit's wavefront against sequential recomputation.

The backward iterates :math:`y_t = T_{\xi_1} \circ \dots \circ T_{\xi_t}(x_0)` of a non-affine
family cannot be updated from :math:`y_{t-1}`: each recorded :math:`t` costs :math:`t` gradient
steps, :math:`\sum_t t` in all (about :math:`n^2/(2k)` with every :math:`k`-th step recorded,
:math:`n(n+1)/2` for all of them). Ours is :func:`revsgd.theory.backward` with ``record``: on a
JaxModel's steps it runs the compiled wavefront of :mod:`revsgd.models.jax_wavefront` (rows
aligned on a common last level, so that all active rows apply one map per level; blocks of 8
rows, each one compiled ``lax.fori_loop``, on two threads), those steps and the masked levels
of each block. The baselines spend the same steps, recomputing each recorded :math:`y_t` from
:math:`x_0` one step at a time, or (the first) level by level:

* ``level-by-level wavefront``: the toolkit's generic wavefront
  (:func:`revsgd.theory.engine.wavefront`), one batched, jitted ``apply`` per level from Python;
* ``family.apply loop``: the family's own (jitted) map in a Python loop, what a user of the
  toolkit would write without the wavefront;
* ``jit step loop``: one ``jax.jit`` step :math:`x - h \nabla L_k(x)` of the same loss, device
  arrays, a Python loop over the steps;
* ``lax.fori_loop``: each recomputation one call of a compiled loop whose trip count is an
  argument (compiled once, no Python per step).

Each row checks that both give the same iterates (relative difference, round-off level) and
reports ``baseline_s / ours_s``. Timing: one run each after a warm-up that compiles (a full
warm-up run would double the minutes these take); our run of one size is shared by the rows of
its baselines. The baselines of the all-iterates rows run on every 100th (loops in Python) or
10th (``lax.fori_loop``) row only and are scaled by the steps all rows would need (marked
"estimated" in the note).

Targets (issue 16, on 2 cores): every 10th iterate to :math:`n = 2000` in at most 30 s; all
2000 iterates in at most 120 s; at least 5x faster than sequential recomputation.
"""

from __future__ import annotations

import importlib.util
import time
from functools import partial

import numpy as np

from revsgd.bench_timing import BenchResult, relative_error

__all__ = ["available", "bench_backward_digits", "workloads"]


def available() -> bool:
    """Whether JAX and scikit-learn can be imported."""
    return all(importlib.util.find_spec(m) is not None for m in ("jax", "sklearn"))


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _baselines(mlp, lr):
    """The three sequential recomputations of ``y_t`` for the recorded ``steps``."""
    import jax
    import jax.numpy as jnp

    from revsgd.theory.engine import wavefront
    from revsgd.theory.iterate import backward_positions

    model, family = mlp.model, mlp.model.step_family(lr)
    with jax.enable_x64(True):
        Xs = jnp.asarray(np.stack([model.batch(k)[0] for k in range(model.K)]))
        ys = jnp.asarray(np.stack([model.batch(k)[1] for k in range(model.K)]))
        grad = jax.grad(mlp.loss_fn)

        def one(x, k):
            return x - lr * grad(x, Xs[k], ys[k])

        step = jax.jit(one)

        def composed(x, word, t):  # y_t: the letters word[t-1], ..., word[0] in turn, t traced
            return jax.lax.fori_loop(0, t, lambda i, y: one(y, word[t - 1 - i]), x)

        loop = jax.jit(composed)  # one compilation for every t (a while loop with a traced trip count)

    def level_wavefront(word, x0, steps):
        starts = np.broadcast_to(x0, (steps.size, x0.size))
        return wavefront(family, word, starts, backward_positions(steps))[0]

    def family_loop(word, x0, steps):
        rows = []
        for t in steps:
            y = x0
            for k in word[:t][::-1]:
                y = family.apply(int(k), y)
            rows.append(y)
        return np.array(rows)

    def jit_loop(word, x0, steps):
        with jax.enable_x64(True):
            rows, start = [], jnp.asarray(x0)
            for t in steps:
                y = start
                for k in word[:t][::-1]:
                    y = step(y, int(k))
                rows.append(np.asarray(y))
        return np.array(rows)

    def compiled_loop(word, x0, steps):
        with jax.enable_x64(True):
            start, letters = jnp.asarray(x0), jnp.asarray(word)
            return np.array([np.asarray(loop(start, letters, int(t))) for t in steps])

    return {"level-by-level wavefront": level_wavefront, "family.apply loop": family_loop,
            "jit step loop": jit_loop, "lax.fori_loop": compiled_loop}


_OURS: dict = {}


def _ours(n, every, lr, seed):
    """Our run of one size, timed once and shared by the rows of its baselines (compile warmed up)."""
    key = (n, every, lr, seed)
    if key not in _OURS:
        from revsgd.models.digits_mlp import digits_mlp
        from revsgd.theory import backward

        mlp = digits_mlp(seed=seed)
        family = mlp.model.step_family(lr)
        word = np.random.default_rng([seed, 2]).integers(0, mlp.model.K, n)
        steps = np.arange(0, n + 1, every)
        backward(family, word, mlp.x0, record=[0, n])  # compile (the shapes of this word length)
        seconds, rows = _timed(lambda: backward(family, word, mlp.x0, record=steps))
        _OURS.clear()  # keep one size only (the all-iterates rows hold n x d numbers)
        _OURS[key] = (mlp, word, steps, seconds, rows)
    return _OURS[key]


def bench_backward_digits(*, n=2000, every=10, lr=0.5, baseline="jit step loop", estimate_stride=None,
                          target_s=None, seed=0) -> BenchResult:
    r"""Exact backward iterates of the digits MLP (64-32-10, 32 batches of 16) every ``every`` steps.

    Args:
        n: the steps; every: the recording stride (1: all iterates).
        lr: the learning rate; seed: the start and the (i.i.d.) word.
        baseline: one of ``"level-by-level wavefront"``, ``"family.apply loop"``, ``"jit step loop"``,
            ``"lax.fori_loop"``.
        estimate_stride: if given, the baseline runs on every ``estimate_stride``-th recorded
            row only and its time is scaled by the ratio of the steps (an estimate).
        target_s: the time target of ours in seconds (None: none).

    Returns:
        a :class:`revsgd.bench_timing.BenchResult`: ratio ``baseline_s / ours_s``, target
        ">= 5x" (and ``target_s``), met when both hold and the iterates agree to 1e-10.
    """
    mlp, word, steps, ours_s, ours = _ours(n, every, lr, seed)
    base = _baselines(mlp, lr)[baseline]
    if baseline == "level-by-level wavefront":  # compile every bucket of batch sizes it will use
        family, m = mlp.model.step_family(lr), 1
        while m < 2 * steps.size:
            family.apply(np.zeros(m, dtype=np.int64), np.broadcast_to(mlp.x0, (m, mlp.x0.size)))
            m *= 2
    base(word, mlp.x0, np.array([0, 3]))  # compile (on the whole word: its shape is the compiled one)
    sub = slice(None) if estimate_stride is None else slice(None, None, estimate_stride)
    base_s, theirs = _timed(lambda: base(word, mlp.x0, steps[sub]))
    base_s *= float(steps.sum() / max(steps[sub].sum(), 1))
    rel = relative_error(ours[sub], theirs)
    ratio = base_s / ours_s
    met = ratio >= 5 and rel <= 1e-10 and (target_s is None or ours_s <= target_s)
    applications = int(steps.sum())
    target = ">= 5x" + ("" if target_s is None else f", <= {target_s:g} s")
    note = (f"{applications} gradient steps each; {ours_s / applications * 1e6:.1f} vs "
            f"{base_s / applications * 1e6:.1f} us per step"
            + ("" if estimate_stride is None else f"; baseline estimated from every {estimate_stride}th row"))
    label = "all" if every == 1 else f"every {every}th"
    return BenchResult(f"digits backward n={n}, {label}", ours_s, baseline, base_s, ratio, target, met, rel, note)


def workloads(quick: bool) -> list:
    """The digits rows as zero-argument callables (none without JAX or scikit-learn)."""
    if not available():
        return []
    if quick:
        return [partial(bench_backward_digits, n=200, every=10, baseline=b)
                for b in ("level-by-level wavefront", "jit step loop", "lax.fori_loop")]
    return [partial(bench_backward_digits, n=2000, every=10, baseline=b, target_s=30.0)
            for b in ("level-by-level wavefront", "family.apply loop", "jit step loop", "lax.fori_loop")] + [
        partial(bench_backward_digits, n=2000, every=1, baseline="jit step loop", estimate_stride=100,
                target_s=120.0),
        partial(bench_backward_digits, n=2000, every=1, baseline="lax.fori_loop", estimate_stride=10,
                target_s=120.0)]
