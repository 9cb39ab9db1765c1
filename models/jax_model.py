r"""A loss written in JAX as a model: batch losses, gradients, HVPs and their gradient steps.

A scalar loss :math:`\ell(\theta, D)` of parameters :math:`\theta` (any pytree of float
arrays) and a batch of data rows :math:`D`, with the rows split once into batches
:math:`B_1, \dots, B_K` (:func:`revsgd.models._batches.partition_rows`, as
:class:`revsgd.models.LeastSquares`), gives the model on :math:`x = \mathrm{ravel}(\theta)
\in \mathbb{R}^d`

.. math::

    L_k(x) = \ell(\mathrm{unravel}(x), D_{B_k}), \qquad p_k = |B_k| / N, \qquad
    T_k(x) = x - h\, \nabla L_k(x),

with gradients by reverse mode and Hessian-vector products
:math:`\nabla^2 L_k(x)\, v = \frac{d}{dt} \nabla L_k(x + t v)|_{t=0}` by forward over reverse.

**Float64 without touching the global switch.** Every JAX computation of a model (tracing,
compiling, running) happens inside ``jax.enable_x64(True)``, a context local to the calling
thread and restored on exit. The user's ``jax_enable_x64`` setting, and the dtypes the rest of
the program gets, are never changed; results come back as float64 numpy arrays.

**Batched calls compile once per bucket.** A batched call with ``m`` rows (``k`` of shape
``(m,)``, ``x`` of shape ``(m, d)``) is one call of a jitted, vmapped function, padded to the
next power of two :math:`b \ge m` with copies of row 0 and sliced back, so the wavefront of a
backward run over n steps (sizes n, n - 1, ..., 1) compiles :math:`\lceil \log_2 n \rceil + 1`
times, not n. With ``remainder="keep"`` and a short last batch the batches have two sizes, and
a call makes one such call per size present.

A model follows the :mod:`revsgd.models.protocol` batching rule for ``loss(k, x)``,
``gradient``, ``hvp``; ``step_family(lr)`` is a :class:`revsgd.theory.GradientSteps`. It has no
``minimizer()`` and no ``contractive_lr_range()``: a general (non-convex) loss has neither a
unique minimizer nor global curvature bounds, so ``lipschitz()`` of its steps refuses, and
:meth:`JaxModel.local_certificate` gives constants measured at points (not a proof).

References:
    J. Bradbury et al., "JAX: composable transformations of Python+NumPy programs", 2018,
    https://github.com/jax-ml/jax (``grad``, ``jvp``, ``vmap``, ``jit``).
    B. A. Pearlmutter, "Fast exact multiplication by the Hessian", Neural Computation 6(1), 1994.
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025.
"""

from __future__ import annotations

import functools

import numpy as np

from revsgd.models._batches import partition_rows
from revsgd.models._jax_inputs import data_arrays, param_layout
from revsgd.models.jax_wavefront import JaxSteps
from revsgd.models.local_curvature import extreme_eigenvalues, local_certificate
from revsgd.models.protocol import batch_args, batch_index
from revsgd.theory._validate import as_finite_array, describe
from revsgd.theory.extras import require
from revsgd.theory.family import GradientSteps

__all__ = ["JaxModel", "REMAINDER_POLICIES"]

REMAINDER_POLICIES = ("error", "drop", "keep")


def _x64(jax):
    """The thread-local float64 context (older jax releases: ``jax.experimental.enable_x64``)."""
    scoped = getattr(jax, "enable_x64", None)
    if scoped is None:  # pragma: no cover - jax releases before jax.enable_x64
        from jax.experimental import enable_x64 as scoped
    return scoped(True)


def _in_x64(method):
    """Run ``method`` inside the float64 context of its model."""
    @functools.wraps(method)
    def scoped(self, *args, **kwargs):
        with _x64(self._jax):
            return method(self, *args, **kwargs)
    return scoped


def _bucket(m: int) -> int:
    """The smallest power of two >= m."""
    return 1 << (m - 1).bit_length()


class JaxModel:
    r"""A JAX loss on a fixed partition of data rows into batches (module docstring).

    Args:
        loss: ``loss(params, batch)``, JAX-traceable, returning a float scalar; ``batch`` is a
            tuple of arrays like ``data`` (of its type, e.g. a namedtuple) holding the rows of one
            batch.
        params: a pytree of float arrays (its structure and shapes define ``ravel``); the
            values are only used to check ``loss``.
        data: a tuple (or namedtuple) of arrays with equal first axis (the rows), e.g. ``(X, y)``;
            float arrays are used as float64, integer and bool arrays (labels) as they are.
        batch_size: rows per batch, ``1 <= batch_size <= N``.
        rng: if given (Generator or seed), the rows are shuffled once before partitioning.
        remainder: when ``batch_size`` does not divide N: ``"error"`` refuses, ``"drop"``
            discards the last rows of the (shuffled) order, ``"keep"`` keeps a smaller last
            batch (selected with probability :math:`|B_K|/N`).

    Attributes:
        K, dim, probs: batches, dimension :math:`d` of ``ravel(params)``, ``(K,)`` probabilities.
        batches: list of row-index arrays (into ``data``). data: the rows used (after ``"drop"``).
        batch_size: rows of the first batch.

    Raises:
        ImportError: jax is not installed (the message names the ``jax`` extra).
        TypeError: ``loss`` not callable, not traceable or returning a non-float;
            ``data`` not a tuple of real arrays; ``params`` with non-float leaves.
        ValueError: ``loss`` returning a non-scalar; data of unequal lengths or non-finite;
            non-finite ``params``; bad ``batch_size``, ``remainder`` or ``rng``.

    Example:
        >>> import jax.numpy as jnp
        >>> X = np.arange(12.0).reshape(6, 2) / 10; y = np.arange(6.0)
        >>> def loss(p, batch):
        ...     Xb, yb = batch
        ...     return jnp.mean((Xb @ p["w"] + p["b"] - yb) ** 2) / 2
        >>> model = JaxModel(loss, {"b": 0.0, "w": jnp.zeros(2)}, (X, y), batch_size=2)
        >>> model.K, model.dim, model.probs.tolist()
        (3, 3, [0.3333333333333333, 0.3333333333333333, 0.3333333333333333])
        >>> x = model.ravel({"b": 1.0, "w": jnp.ones(2)})
        >>> model.gradient(np.array([0, 2]), np.stack([x, x])).shape
        (2, 3)
        >>> fam = model.step_family(0.1)
        >>> fam.apply(1, x).dtype
        dtype('float64')
    """

    certificate_hint = ("a JaxModel has no global curvature bounds (its local_certificate(x, radius, lr) measures "
                        "local ones at points, not a proof); with bounds known for your loss, pass "
                        "model.gradient and model.hvp to revsgd.theory.gradient_steps with smoothness=L_k and "
                        "strong_convexity=mu_k")

    def __init__(self, loss, params, data, *, batch_size, rng=None, remainder="error"):
        require("jax", "JaxModel")
        import jax

        self._jax = jax
        if not callable(loss):
            raise TypeError(f"loss must be a callable loss(params, batch), got {describe(loss)}")
        arrays = data_arrays(data)
        self.batches = partition_rows(arrays[0].shape[0], batch_size, rng, remainder, REMAINDER_POLICIES)
        used = np.sort(np.concatenate(self.batches))
        self._make = getattr(type(data), "_make", tuple)  # a namedtuple of arrays stays one
        self.data = self._make(a[used] for a in arrays)
        sizes = np.array([len(rows) for rows in self.batches], dtype=float)
        self.K, self.batch_size = len(self.batches), len(self.batches[0])
        self.probs = sizes / sizes.sum()
        self._treedef, self._shapes = param_layout(jax, params)
        self.dim = sum(int(np.prod(s)) for s in self._shapes)
        self._batch_rows = [self._make(a[rows] for a in arrays) for rows in self.batches]
        for arr in (*self.data, *(a for b in self._batch_rows for a in b), self.probs):
            arr.setflags(write=False)
        with _x64(jax):
            self._compile(loss)
            self._check_loss(self.ravel(params))

    def __repr__(self) -> str:
        return f"JaxModel(K={self.K}, dim={self.dim}, batch_size={self.batch_size})"

    # -- the jitted functions (built once, inside the float64 context) -----------------------
    def _compile(self, loss) -> None:
        jax, jnp = self._jax, self._jax.numpy
        treedef, shapes = self._treedef, self._shapes
        cuts = np.cumsum([int(np.prod(s)) for s in shapes])[:-1].tolist()

        def unravel(x):  # one split (its transpose, in the gradient, is one concatenate)
            parts = jnp.split(x, cuts) if cuts else [x]
            return jax.tree_util.tree_unflatten(treedef, [p.reshape(s) for p, s in zip(parts, shapes)])

        def full(x, arrays):
            return loss(unravel(x), arrays)

        def one(x, k, stacked):
            return full(x, self._make(s[k] for s in stacked))

        def hvp_of(grad):
            return lambda x, v, *rest: jax.jvp(lambda y: grad(y, *rest), (x,), (v,))[1]

        def rows(f, mapped):
            return jax.jit(jax.vmap(f, in_axes=(0,) * mapped + (None,)))

        self._loss_fn, self._grad_fn = one, jax.grad(one)
        self._rows = {"loss": rows(one, 2), "gradient": rows(self._grad_fn, 2),
                      "hvp": rows(hvp_of(self._grad_fn), 3)}
        self._full = {"loss": jax.jit(full), "gradient": jax.jit(jax.grad(full)),
                      "hvp": jax.jit(hvp_of(jax.grad(full)))}
        self._data_j = self._make(jnp.asarray(a) for a in self.data)
        # batches of one size share one stacked array (K_g, B_g, ...): at most two groups
        starts = [0] + [k for k in range(1, self.K) if len(self.batches[k]) != len(self.batches[k - 1])]
        ends = starts[1:] + [self.K]
        self._groups = [(lo, hi, tuple(jnp.asarray(np.stack([self._batch_rows[k][i] for k in range(lo, hi)]))
                                       for i in range(len(self.data))))
                        for lo, hi in zip(starts, ends)]

    def _check_loss(self, x0: np.ndarray) -> None:
        """Trace ``loss`` on every batch size: a float64 scalar, differentiable, else named errors."""
        jax = self._jax
        for lo, _, stacked in self._groups:
            try:
                out = jax.eval_shape(self._loss_fn, x0, 0, stacked)
            except Exception as exc:
                raise TypeError(f"loss(params, batch) must be JAX-traceable; tracing it on batch {lo} raised "
                                f"{type(exc).__name__}: {exc}") from exc
            shape, dtype = getattr(out, "shape", None), getattr(out, "dtype", None)
            if shape is None or dtype is None:
                raise TypeError(f"loss must return a float scalar (an array of shape ()), got {type(out).__name__}")
            if shape != ():
                raise ValueError(f"loss must return a scalar (shape ()), got shape {shape} on batch {lo}")
            if dtype != np.float64:
                raise TypeError(f"loss must return a float64 scalar under float64 inputs, got dtype {dtype} "
                                "(does it cast to a lower precision or to an integer?)")
            jax.eval_shape(self._grad_fn, x0, 0, stacked)

    def _padded(self, kind: str, k: np.ndarray, points, stacked) -> np.ndarray:
        """One jitted, vmapped call on ``m`` rows padded to the bucket size, sliced back."""
        m = k.shape[0]
        b = _bucket(m)
        if b > m:
            k = np.concatenate([k, np.full(b - m, k[0])])
            points = [np.concatenate([p, np.broadcast_to(p[0], (b - m, p.shape[1]))]) for p in points]
        return np.asarray(self._rows[kind](*points, k, stacked))[:m]

    def _call(self, kind: str, k: np.ndarray, *points) -> np.ndarray:
        """Rows ``kind`` of batch ``k[i]`` at ``points[j][i]`` (validated input), finite."""
        m = k.shape[0]
        out = np.empty((m,) if kind == "loss" else (m, self.dim))
        if len(self._groups) == 1 and m:
            out = self._padded(kind, k, points, self._groups[0][2])
        else:
            for lo, hi, stacked in self._groups:
                sel = np.nonzero((k >= lo) & (k < hi))[0]
                if sel.size:
                    out[sel] = self._padded(kind, k[sel] - lo, [p[sel] for p in points], stacked)
        if not np.all(np.isfinite(out)):
            bad = sorted({int(i) for i in k[~np.isfinite(out.reshape(m, -1)).all(axis=1)]})[:5]
            raise ValueError(f"the {kind} of the loss is not finite on batches {bad} (diverging iterates? "
                             "a learning rate too large, or a loss undefined there)")
        return out

    # -- parameters and data ------------------------------------------------------------
    def ravel(self, params) -> np.ndarray:
        """The flat float64 vector ``x`` of a pytree of the model's structure and shapes.

        Raises:
            ValueError: another tree structure, or a leaf of another shape or non-finite.
        """
        jax = self._jax
        leaves, treedef = jax.tree_util.tree_flatten(params)
        if treedef != self._treedef:
            raise ValueError(f"params must have the structure {self._treedef}, got {treedef}")
        parts = [as_finite_array(leaf, f"params leaf {i}", shape=shape)
                 for i, (leaf, shape) in enumerate(zip(leaves, self._shapes))]
        return np.concatenate([p.ravel() for p in parts])

    def unravel(self, x):
        """The pytree of ``x`` (shape ``(dim,)``): the model's structure, float64 numpy leaves."""
        x = as_finite_array(x, "x", shape=(self.dim,))
        parts, start = [], 0
        for shape in self._shapes:
            size = int(np.prod(shape))
            parts.append(x[start:start + size].reshape(shape).copy())
            start += size
        return self._jax.tree_util.tree_unflatten(self._treedef, parts)

    def batch(self, k) -> tuple:
        """The data tuple of batch ``k`` (an int in ``0..K-1``): the rows ``batches[k]``."""
        return self._batch_rows[self._one_batch(k)]

    def _one_batch(self, k) -> int:
        k, single = batch_index(self.K, k)
        if not single:
            raise TypeError(f"k must be an int batch index in 0..{self.K - 1} here, got an array")
        return k

    # -- losses, gradients, HVPs (revsgd.models.protocol batching) -----------------------------
    def _rows_of(self, kind: str, k, x, *v):
        k, x, *rest = batch_args(self.K, self.dim, k, x, *v)
        single = rest[-1]
        if single:
            return self._call(kind, np.array([k]), x[None], *(a[None] for a in rest[:-1]))[0]
        return self._call(kind, k, x, *rest[:-1])

    @_in_x64
    def loss(self, *args):
        r"""``loss(x)``: the loss on all rows used, :math:`\ell(\mathrm{unravel}(x), D)`;
        ``loss(k, x)``: the protocol's batch loss :math:`L_k(x)`, as :meth:`batch_loss`.

        Raises:
            TypeError: not one or two arguments; ValueError/TypeError: bad ``k`` or ``x``.
        """
        if len(args) == 2:
            return self.batch_loss(*args)
        if len(args) != 1:
            raise TypeError(f"loss takes x (the full-data loss) or k, x (a batch loss), got {len(args)} arguments")
        x = as_finite_array(args[0], "x", shape=(self.dim,))
        return float(self._full["loss"](x, self._data_j))

    @_in_x64
    def batch_loss(self, k, x):
        r""":math:`L_k(x)`: a float for an int ``k``, shape ``(m,)`` for ``k`` of shape ``(m,)``."""
        out = self._rows_of("loss", k, x)
        return float(out) if np.ndim(out) == 0 else out

    @_in_x64
    def gradient(self, k, x) -> np.ndarray:
        r""":math:`\nabla L_k(x)`: shape ``(d,)``, or ``(m, d)`` for ``k`` of shape ``(m,)``."""
        return np.array(self._rows_of("gradient", k, x))

    @_in_x64
    def unchecked_gradient(self, k, x) -> np.ndarray:
        r"""Rows :math:`\nabla L_{k_i}(x_i)` for validated int64 ``k`` ``(m,)`` and float64 ``x`` ``(m, d)``."""
        return self._call("gradient", k, x)

    @_in_x64
    def hvp(self, k, x, v) -> np.ndarray:
        r""":math:`\nabla^2 L_k(x)\, v` (forward over reverse): shape ``(d,)`` or ``(m, d)``."""
        return np.array(self._rows_of("hvp", k, x, v))

    @_in_x64
    def full_gradient(self, x) -> np.ndarray:
        r"""The gradient of ``loss(x)``, the loss on all rows used."""
        x = as_finite_array(x, "x", shape=(self.dim,))
        return np.array(self._full["gradient"](x, self._data_j))

    @_in_x64
    def full_hvp(self, x, v) -> np.ndarray:
        r"""The Hessian-vector product of ``loss(x)``, the loss on all rows used."""
        x = as_finite_array(x, "x", shape=(self.dim,))
        v = as_finite_array(v, "v", shape=(self.dim,))
        return np.array(self._full["hvp"](x, v, self._data_j))

    def step_family(self, lr) -> GradientSteps:
        r"""The gradient steps :math:`T_k(x) = x - h\nabla L_k(x)`, a :class:`revsgd.theory.GradientSteps`.

        Its batched ``apply`` is one jitted, vmapped gradient call (module docstring) and one
        numpy update; exact backward rows run as compiled JAX
        (:class:`revsgd.models.jax_wavefront.JaxSteps`); ``lipschitz()`` refuses (no global curvature bounds: see
        :meth:`local_certificate`).

        Raises:
            TypeError, ValueError: a non-real or non-positive ``lr``.
        """
        return JaxSteps(self, lr, self.probs)

    # -- local curvature (measured, not proved) --------------------------------------------
    @_in_x64
    def curvature(self, x, k=None, *, tol=1e-10, rng=0):
        r"""Extreme eigenvalues of :math:`\nabla^2 L_k(x)` (or of the full-data loss when ``k`` is None).

        Lanczos on HVPs (:func:`revsgd.models.local_curvature.extreme_eigenvalues`): ARPACK's
        relative tolerance ``tol``, and the recomputed residual, within which each value is an
        eigenvalue.

        Returns:
            a :class:`revsgd.models.local_curvature.Curvature` ``(low, high, residual, tol)``.
        """
        x = as_finite_array(x, "x", shape=(self.dim,))
        if k is None:
            def matvec(v):
                return np.asarray(self._full["hvp"](x, v, self._data_j))
        else:
            ks, xs = np.array([self._one_batch(k)]), x[None]

            def matvec(v):
                return self._call("hvp", ks, xs, v[None])[0]
        return extreme_eigenvalues(matvec, self.dim, tol=tol, rng=rng)

    def local_certificate(self, x, radius, lr, *, points=8, rng=0, tol=1e-10):
        r"""C4 constants on the ball :math:`\bar B(x, r)` from curvatures **measured at points, not a proof**.

        See :func:`revsgd.models.local_curvature.local_certificate`: the extreme eigenvalues of
        every batch Hessian at the center and ``points - 1`` points of the ball.

        Returns:
            a :class:`revsgd.models.local_curvature.LocalCertificate` whose ``basis`` is
            ``"measured at points, not a proof"``.
        """
        return local_certificate(self, x, radius, lr, points=points, rng=rng, tol=tol)
