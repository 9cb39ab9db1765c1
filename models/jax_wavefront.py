r"""Exact backward iterates of a JaxModel's gradient steps in compiled JAX: aligned row blocks.

The backward iterate :math:`y_t = T_{\xi_1} \circ \dots \circ T_{\xi_t}(x_0)` applies
:math:`\xi_t` first and :math:`\xi_1` last. *Aligned* on a common last level :math:`L = \max_r
t_r`, row :math:`r` (recording :math:`y_{t_r}`) starts at level :math:`o_r = L - t_r` and at
every level :math:`s \ge o_r` applies

.. math::

    x \leftarrow T_{\xi_{L - s}}(x) = x - h\, \nabla L_{\xi_{L-s}}(x), \qquad s = o_r, \dots, L - 1,

so that after level :math:`L - 1` it holds :math:`T_{\xi_1} \circ \dots \circ T_{\xi_{t_r}}(x_0) =
y_{t_r}`. At each level *every* active row applies the *same* map: the batch is shared, so the
vmapped gradient multiplies one batch of data by all rows' parameters (the first layer of a
network becomes one matrix product) and no batch is gathered per row. Rows are independent, so
they are cut into blocks of ``block`` rows (sorted by :math:`t`, so that the rows of a block
start at nearby levels); each block is one call of a compiled ``lax.fori_loop`` over its levels
(rows that have not started are masked and keep :math:`x_0`), its state of ``block`` rows stays
in cache, and the blocks run on ``workers`` threads (JAX releases the interpreter lock while a
compiled call runs). One compilation per (model, learning rate, block size, word length): the
first level of a block is a traced argument.

Cost: :math:`\sum_r t_r` gradient steps plus the masked levels of each block (the spread of
:math:`t` in a block, at most ``block - 1`` record strides per row), the same steps as the
level-by-level wavefront (:func:`revsgd.theory.engine.wavefront`) without a Python call per
level. Results agree with sequential composition to round-off (the same float64 operations, the
products summed in another order).

:class:`JaxSteps` is the step family of :meth:`revsgd.models.JaxModel.step_family`: a
:class:`revsgd.theory.GradientSteps` with the optional ``backward_rows(word, x0, steps)`` hook
that :func:`revsgd.theory.backward` and :func:`revsgd.theory.backward_at` use when a family has
one. Non-finite rows are not returned: the rows are recomputed by the generic wavefront, which
names the batch whose gradient is not finite (the same error as without the hook).

References:
    J. Bradbury et al., "JAX: composable transformations of Python+NumPy programs", 2018,
    https://github.com/jax-ml/jax (``vmap``, ``jit``, ``lax.fori_loop``, ``lax.switch``).
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (backward SGD).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from revsgd.theory._validate import as_index_array, as_positive_int
from revsgd.theory.family import GradientSteps

__all__ = ["BLOCK", "JaxSteps", "backward_rows_compiled"]

#: Rows per compiled block (measured on the digits MLP: 8 keeps a block's state in cache).
BLOCK = 8


def _workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _compiled_block(model):
    """``run(X, offsets, first, length, letters, lr)``: levels ``first..length-1`` of the rows ``X``."""
    jax = model._jax
    jnp = jax.numpy
    branches = [
        (lambda X, k, lo=lo, stacked=stacked: jax.vmap(model._grad_fn, in_axes=(0, None, None))(X, k - lo, stacked))
        for lo, _, stacked in model._groups
    ]
    bounds = np.array([hi for _, hi, _ in model._groups[:-1]], dtype=np.int64)

    def gradients(X, k):
        if len(branches) == 1:
            return branches[0](X, k)
        return jax.lax.switch(jnp.searchsorted(bounds, k, side="right"), branches, X, k)

    def run(X, offsets, first, length, letters, lr):
        def level(s, X):
            new = X - lr * gradients(X, letters[s])
            return jnp.where((offsets <= s)[:, None], new, X)
        return jax.lax.fori_loop(first, length, level, X)

    return jax.jit(run)


def backward_rows_compiled(model, lr, word, x0, steps, *, block: int = BLOCK, workers: int | None = None):
    r"""Rows :math:`y_{t} = T_{\xi_1} \circ \dots \circ T_{\xi_t}(x_0)` of a JaxModel, :math:`t \in` ``steps``.

    The aligned, blocked compiled wavefront of the module docstring, with
    :math:`T_k(x) = x - h \nabla L_k(x)`.

    Args:
        model: a :class:`revsgd.models.JaxModel`.
        lr: the learning rate :math:`h` (a float > 0, validated by the caller).
        word: ``(n,)`` int array of batch indices in ``0..K-1``.
        x0: ``(d,)`` float64 start point.
        steps: ``(R,)`` step numbers in ``0..n``, any order, repeats allowed.
        block: rows per compiled block (>= 1); workers: threads (None: up to 2).

    Returns:
        ``(R, d)`` float64 array; row ``i`` is :math:`y_{\mathrm{steps}[i]}` (possibly
        non-finite: :meth:`JaxSteps.backward_rows` checks).

    Raises:
        TypeError, ValueError: ``block`` or ``workers`` not a positive int; steps outside ``0..n``.

    Example:
        >>> import jax.numpy as jnp
        >>> from revsgd.models import JaxModel
        >>> X = np.arange(8.0).reshape(4, 2) / 10; y = np.arange(4.0)
        >>> model = JaxModel(lambda p, b: jnp.mean((b[0] @ p - b[1]) ** 2) / 2, np.zeros(2), (X, y), batch_size=2)
        >>> rows = backward_rows_compiled(model, 0.1, np.array([1, 0, 1]), np.zeros(2), np.array([3, 0, 1]))
        >>> fam = model.step_family(0.1)
        >>> bool(np.allclose(rows[0], fam.apply(1, fam.apply(0, fam.apply(1, np.zeros(2))))))
        True
    """
    block = as_positive_int(block, "block")
    workers = _workers() if workers is None else as_positive_int(workers, "workers")
    word = np.asarray(word, dtype=np.int64)
    steps = as_index_array(steps, "steps", word.size + 1)
    x0 = np.asarray(x0, dtype=np.float64)
    out = np.broadcast_to(x0, (steps.size, x0.size)).copy()
    todo = np.unique(steps[steps > 0])[::-1]  # descending: the rows of a block start at nearby levels
    if todo.size == 0:
        return out
    length = int(todo[0])
    blocks = -(-todo.size // block)
    padded = np.concatenate([todo, np.full(blocks * block - todo.size, todo[-1])]).reshape(blocks, block)
    jax = model._jax
    from revsgd.models.jax_model import _bucket, _x64

    with _x64(jax):
        jnp = jax.numpy
        run = model.__dict__.get("_compiled_backward")
        if run is None:  # compiled per (block, word-length bucket, dtype) shapes; lr and levels traced
            run = model.__dict__["_compiled_backward"] = _compiled_block(model)
        letters = np.zeros(_bucket(length), dtype=np.int64)
        letters[:length] = word[:length][::-1]  # level s applies word[length - 1 - s]
        letters = jnp.asarray(letters)
        start = jnp.asarray(np.broadcast_to(x0, (block, x0.size)).copy())

        def one(b):
            with _x64(jax):
                offsets = length - padded[b]
                return np.asarray(run(start, jnp.asarray(offsets), int(offsets[0]), length, letters, float(lr)))

        if workers == 1 or blocks == 1:
            results = [one(b) for b in range(blocks)]
        else:
            with ThreadPoolExecutor(min(workers, blocks)) as pool:
                results = list(pool.map(one, range(blocks)))
    rows = np.concatenate(results)[: todo.size]
    where = {int(t): i for i, t in enumerate(todo)}
    for i, t in enumerate(steps):
        if t > 0:
            out[i] = rows[where[int(t)]]
    return out


class JaxSteps(GradientSteps):
    r"""The gradient steps :math:`T_k(x) = x - h \nabla L_k(x)` of a JaxModel, with a compiled backward.

    A :class:`revsgd.theory.GradientSteps` (same ``apply``, ``K``, ``dim``, ``probs``) with the
    hook ``backward_rows(word, x0, steps)`` (:func:`backward_rows_compiled`), used by
    :func:`revsgd.theory.backward` and :func:`revsgd.theory.backward_at`.

    Example:
        >>> import jax.numpy as jnp
        >>> from revsgd.models import JaxModel
        >>> from revsgd.theory import backward
        >>> X = np.arange(8.0).reshape(4, 2) / 10; y = np.arange(4.0)
        >>> model = JaxModel(lambda p, b: jnp.mean((b[0] @ p - b[1]) ** 2) / 2, np.zeros(2), (X, y), batch_size=2)
        >>> fam = model.step_family(0.1)
        >>> type(fam).__name__, backward(fam, [1, 0], np.zeros(2)).shape
        ('JaxSteps', (3, 2))
    """

    def backward_rows(self, word, x0, steps) -> np.ndarray:
        r"""Rows :math:`y_t`, :math:`t \in` ``steps`` (validated ``word``, ``x0``, ``steps``), finite.

        Returns:
            ``(len(steps), d)`` float64 array. Non-finite rows are recomputed by the generic
            wavefront (:func:`revsgd.theory.engine.wavefront`), whose batched ``apply`` names
            the batch with a non-finite gradient.
        """
        rows = backward_rows_compiled(self.oracle, self.lr, word, x0, steps)
        if np.isfinite(rows).all():
            return rows
        from revsgd.theory.engine import wavefront
        from revsgd.theory.iterate import backward_positions

        steps = np.asarray(steps, dtype=np.int64)
        return wavefront(self, word, np.broadcast_to(x0, (steps.size, self.dim)), backward_positions(steps))[0]
