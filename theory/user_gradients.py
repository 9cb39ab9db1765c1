r"""Your own loss as a family: :func:`gradient_steps` turns a plain gradient function into
the gradient steps :math:`T_k(x) = x - h\,\nabla L_k(x)` of :class:`revsgd.theory.GradientSteps`.

``grad(k, x)`` takes an int batch index and a point of shape ``(dim,)``. If it also
accepts an int array ``ks`` of shape ``(m,)`` with points ``X`` of shape ``(m, dim)`` and
returns the ``(m, dim)`` gradients row by row, that vectorized form is used: detected once,
at construction, by comparing it with the row-by-row calls on a probe batch; never per
call. With per-batch curvature bounds :math:`\mu_k I \preceq \nabla^2 L_k \preceq L_k I`
(``strong_convexity``, ``smoothness``) the family has the C4 certificate
:math:`\mathrm{Lip}(T_k) = \max(|1 - h\mu_k|, |1 - hL_k|)` and :func:`revsgd.theory.certify`
works; without them it iterates, and ``lipschitz()`` refuses, naming the arguments that
would give a certificate. With ``hvp(k, x, v)`` (Hessian-vector products) it is also a
gradient oracle for the bracket correction (C7).

Example:

>>> import numpy as np
>>> c = np.array([-1.0, 1.0])
>>> fam = gradient_steps(lambda k, x: x - c[k], 0.5, K=2, dim=1,
...                      smoothness=1.0, strong_convexity=1.0)
>>> fam.apply(1, np.array([0.0]))          # 0 - 0.5 (0 - 1)
array([0.5])
>>> fam.lipschitz()
array([0.5, 0.5])

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025.
    Y. Nesterov, *Introductory Lectures on Convex Optimization*, Kluwer 2004, sec. 2.1
    (for :math:`\mu I \preceq \nabla^2 L \preceq L I` the gradient step contracts iff
    :math:`0 < h < 2/L`, :math:`\mu > 0`).
"""

from __future__ import annotations

import numbers

import numpy as np

from revsgd.theory._validate import as_finite_array, as_positive_int
from revsgd.theory.family import GradientSteps
from revsgd.theory.interfaces import _map_args

__all__ = ["FunctionOracle", "gradient_steps"]


def _bounds(value, name: str, K: int):
    if value is None:
        return None
    try:
        arr = None if isinstance(value, (str, bytes, bool)) else np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if arr is None:
        raise TypeError(f"{name} must be a number or a ({K},) array of numbers; got {type(value).__name__}")
    if arr.ndim == 0:
        arr = np.full(K, float(arr))
    if arr.shape != (K,):
        raise ValueError(f"{name} must be a scalar or have shape ({K},), one bound per batch; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must hold finite non-negative curvature bounds; got {arr}")
    return arr


def _check_rows(value, shape, what: str) -> np.ndarray:
    if isinstance(value, numbers.Number) or not hasattr(value, "__array__") and not isinstance(value, (list, tuple)):
        raise TypeError(f"{what} must return an array of shape {shape}; got {type(value).__name__}")
    arr = np.asarray(value, dtype=float)
    if arr.shape != shape:
        raise ValueError(f"{what} must return an array of shape {shape}; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} returned NaN or inf (shape {shape})")
    return arr


class FunctionOracle:
    r"""A gradient oracle (``K``, ``dim``, batched ``gradient`` and ``hvp``) from plain functions.

    Args:
        grad: ``grad(k, x) -> (dim,)`` gradient of batch loss ``L_k`` at ``x``; vectorized
            use detected once (module docstring).
        K: number of batches, a positive int.
        dim: dimension of ``x``, a positive int.
        smoothness: :math:`L_k`, a scalar or ``(K,)`` array, or None.
        strong_convexity: :math:`\mu_k \le L_k`, a scalar or ``(K,)`` array, or None.
        hvp: ``hvp(k, x, v) -> (dim,)`` Hessian-vector product, or None.

    Raises:
        TypeError: ``grad``/``hvp`` not callable, or ``grad`` returning a non-array.
        ValueError: ``K``/``dim`` not positive ints; curvature bounds of the wrong length,
            negative, or ``strong_convexity > smoothness``; ``grad`` returning the wrong
            shape or NaN on the probe points.

    Example:

    >>> import numpy as np
    >>> oracle = FunctionOracle(lambda k, x: 2.0 * x, K=3, dim=2)
    >>> oracle.vectorized, oracle.gradient(np.array([0, 2]), np.ones((2, 2))).tolist()
    (True, [[2.0, 2.0], [2.0, 2.0]])
    """

    def __init__(self, grad, *, K, dim, smoothness=None, strong_convexity=None, hvp=None):
        if not callable(grad):
            raise TypeError(f"grad must be a callable grad(k, x); got {type(grad).__name__}")
        if hvp is not None and not callable(hvp):
            raise TypeError(f"hvp must be a callable hvp(k, x, v) or None; got {type(hvp).__name__}")
        self.K = as_positive_int(K, "K")
        self.dim = as_positive_int(dim, "dim")
        self._grad, self._hvp = grad, hvp
        L = _bounds(smoothness, "smoothness", self.K)
        mu = _bounds(strong_convexity, "strong_convexity", self.K)
        if L is not None and mu is not None and np.any(mu > L):
            k = int(np.argmax(mu > L))
            raise ValueError(f"strong_convexity must not exceed smoothness; batch {k} has mu = {mu[k]} > L = {L[k]}")
        if L is not None:
            self.smoothness = lambda: L
        if mu is not None:
            self.strong_convexity = lambda: mu
        self.certificate_hint = (
            "pass smoothness=L_k and strong_convexity=mu_k (bounds on the eigenvalues of every batch "
            "Hessian) to gradient_steps")
        self.vectorized = self._detect()

    def _row(self, k: int, x: np.ndarray) -> np.ndarray:
        return _check_rows(self._grad(int(k), x), (self.dim,), f"grad(k, x) for k = {int(k)}")

    def _detect(self) -> bool:
        """Whether ``grad(ks, X)`` gives the row-by-row gradients on a probe batch."""
        ks = np.arange(self.K)[np.arange(3) % self.K]
        X = np.linspace(-1.0, 1.0, 3 * self.dim).reshape(3, self.dim) + 0.5 * np.arange(self.dim)
        rows = np.stack([self._row(k, x) for k, x in zip(ks, X)])
        try:
            batch = np.asarray(self._grad(ks, X.copy()), dtype=float)
        except Exception:  # a function written for one point: fall back to rows
            return False
        scale = np.abs(rows).max() + 1.0
        return batch.shape == rows.shape and bool(np.all(np.abs(batch - rows) <= 1e-12 * scale))

    def gradient(self, k, x) -> np.ndarray:
        r""":math:`\nabla L_k(x)`: one point (int ``k``, ``x`` of shape ``(dim,)``) or rows (``(m,)``, ``(m, dim)``).

        ``k`` and ``x`` are validated (range, shape, finiteness; named) before ``grad`` is called.
        """
        k, x, single = _map_args(k, x, self.K, self.dim)
        if single:
            return self._row(k, x)
        return self.unchecked_gradient(k, x)

    def unchecked_gradient(self, k, x) -> np.ndarray:
        r"""Rows :math:`\nabla L_{k_i}(x_i)` for validated int64 ``k`` ``(m,)`` and finite ``x`` ``(m, dim)``."""
        if self.vectorized:
            return _check_rows(self._grad(k, x), x.shape, "grad(ks, X)")
        return np.stack([self._row(kk, xx) for kk, xx in zip(k, x)]) if k.size else np.empty((0, self.dim))

    def hvp(self, k, x, v) -> np.ndarray:
        r""":math:`\nabla^2 L_k(x) v`, one point or row by row.

        Raises:
            ValueError: the oracle was built without ``hvp``.
        """
        if self._hvp is None:
            raise ValueError("hvp is not available: pass hvp=hvp(k, x, v) to gradient_steps")
        k, x, single = _map_args(k, x, self.K, self.dim)
        v = as_finite_array(v, "v", shape=x.shape)
        if single:
            return _check_rows(self._hvp(int(k), x, v), (self.dim,), f"hvp(k, x, v) for k = {int(k)}")
        return np.stack([_check_rows(self._hvp(int(kk), xx, vv), (self.dim,), "hvp(k, x, v)")
                         for kk, xx, vv in zip(np.asarray(k), x, v)])


def gradient_steps(grad, lr, *, K, dim, probs=None, smoothness=None, strong_convexity=None, hvp=None):
    r"""The family :math:`T_k(x) = x - \mathrm{lr}\,\mathrm{grad}(k, x)`, k = 0..K-1.

    Args:
        grad: ``grad(k, x)`` with ``k`` an int and ``x`` of shape ``(dim,)`` (vectorized
            ``grad(ks, X)`` used when it works, detected once).
        lr: the learning rate, > 0.
        K: number of batches.
        dim: dimension.
        probs: ``(K,)`` batch probabilities (uniform when None).
        smoothness: :math:`L_k` (scalar or ``(K,)``): with ``strong_convexity``, the C4 certificate.
        strong_convexity: :math:`\mu_k` (scalar or ``(K,)``), at most ``smoothness``.
        hvp: ``hvp(k, x, v)``; makes the family a gradient oracle for the bracket correction.

    Returns:
        a :class:`revsgd.theory.GradientSteps` (``oracle`` is the :class:`FunctionOracle`).

    Raises:
        TypeError, ValueError: as :class:`FunctionOracle` and :class:`GradientSteps`, naming
            the parameter.

    Example:

    >>> import numpy as np
    >>> from revsgd.theory import backward, certify
    >>> fam = gradient_steps(lambda k, x: x - k, 0.5, K=2, dim=1, smoothness=1, strong_convexity=1)
    >>> backward(fam, np.array([1, 0, 1]), np.zeros(1)).shape
    (4, 1)
    >>> float(certify(fam, np.zeros(1)).rho)
    0.5
    """
    oracle = FunctionOracle(grad, K=K, dim=dim, smoothness=smoothness, strong_convexity=strong_convexity, hvp=hvp)
    return GradientSteps(oracle, lr, probs)
