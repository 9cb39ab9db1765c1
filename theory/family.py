r"""Families of maps, and the gradient oracles whose steps make them.

A *family* is K maps :math:`T_1, \dots, T_K` on :math:`\mathbb{R}^d` with selection
probabilities :math:`p_1, \dots, p_K`: anything with ``K``, ``dim``, ``probs``, ``apply`` and
``lipschitz`` (:class:`Family`), so nonlinear gradient-step families plug into the same
iteration functions as the affine ones. **Batching** (every family, and the oracles below):
``apply(k, x)`` with an int ``k`` and ``x`` of shape ``(d,)`` returns :math:`T_k(x)`, shape
``(d,)``; with an int array ``k`` of shape ``(m,)`` and ``x`` of shape ``(m, d)`` it maps row
``i`` by its own map, :math:`(T_{k_i}(x_i))_i`, shape ``(m, d)``. ``lipschitz()`` returns a
``(K,)`` array of (upper bounds on) the Euclidean Lipschitz constants, on the region where
the family is meant to be used.

**Gradient oracles.** K batch losses :math:`L_1, \dots, L_K` seen through ``gradient(k, x)``
:math:`= \nabla L_k(x)` and ``hvp(k, x, v)`` :math:`= \nabla^2 L_k(x)\, v`
(:class:`GradientOracle`), batched as ``apply`` (``v`` has the shape of ``x``; row ``i`` is
batch ``k[i]`` at ``x[i]``). An oracle validates its input (ValueError or TypeError naming
``k``, ``x`` or ``v``); the learning rate is not part of it (:class:`GradientSteps` holds
it). Optional, and used by :class:`GradientSteps` when present:

* ``strong_convexity()`` and ``smoothness()``: per-batch curvature bounds, a float or a
  ``(K,)`` array each, with :math:`\mu_k I \preceq \nabla^2 L_k(x) \preceq L_k I` at every
  :math:`x` (for a loss that is only :math:`C^1`, the same bounds on every generalized
  Hessian); they give the certificate of C4;
* ``unchecked_gradient(k, x)``: the batched form of ``gradient`` for input that the caller
  has validated (``k`` int64 of shape ``(m,)`` in range, ``x`` finite float64 of shape
  ``(m, d)``), so that a step validates once.

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025.
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_finite_array, as_positive_float, as_positive_int, as_probabilities
from revsgd.theory.interfaces import (Family, GradientOracle, _map_args, check_family, check_oracle,
                                      check_point, checked_apply)

__all__ = ["AffineFamily", "Family", "GradientOracle", "GradientSteps", "check_family", "check_oracle",
           "check_point", "checked_apply"]


class AffineFamily:
    r"""K affine maps :math:`T_k(x) = A_k x + b_k` with selection probabilities ``probs``.

    .. math::

        T_k(x) = A_k x + b_k, \qquad \operatorname{Lip}(T_k) = \|A_k\|_2 .

    Args:
        A: array of shape ``(K, d, d)``, the linear parts (need not be symmetric).
        b: array of shape ``(K, d)``, the offsets.
        probs: optional ``(K,)`` selection probabilities (uniform when None).

    Raises:
        TypeError: non-numeric input.
        ValueError: wrong or mismatched shapes, non-finite entries, K = 0, bad probabilities.

    Example:
        >>> fam = AffineFamily(np.array([[[0.5]], [[0.5]]]), np.array([[0.0], [0.5]]))
        >>> fam.apply(1, np.array([1.0]))
        array([1.])
        >>> fam.fixed_points()[:, 0]
        array([0., 1.])
    """

    _validated_family = True  # K, dim, probs and apply's shapes are checked here, once

    def __init__(self, A, b, probs=None):
        A = as_finite_array(A, "A", ndim=3, copy=True)  # copied, then frozen: the caller's stay writable
        K, d, d2 = A.shape
        if K == 0:
            raise ValueError("A must hold at least one map (K >= 1), got K = 0")
        if d == 0 or d != d2:
            raise ValueError(f"A must have shape (K, d, d) with d >= 1, got shape {A.shape}")
        b = as_finite_array(b, "b", ndim=2, copy=True)
        if b.shape != (K, d):
            raise ValueError(
                f"b must have shape (K, d) = ({K}, {d}) to match A, got shape {b.shape}"
            )
        self.A = A
        self.b = b
        self.K = K
        self.dim = d
        self.probs = as_probabilities(probs, "probs", K)
        self.A.setflags(write=False)
        self.b.setflags(write=False)
        self.probs.setflags(write=False)

    def __repr__(self) -> str:
        return f"AffineFamily(K={self.K}, dim={self.dim})"

    def apply(self, k, x) -> np.ndarray:
        """Apply map ``k`` to ``x`` (one point), or maps ``k[i]`` to rows ``x[i]``."""
        k, x, single = _map_args(k, x, self.K, self.dim)
        if single:
            return self.A[k] @ x + self.b[k]
        return np.einsum("mij,mj->mi", self.A[k], x) + self.b[k]

    def lipschitz(self) -> np.ndarray:
        """The ``(K,)`` operator 2-norms :math:`\\|A_k\\|_2` (largest singular values)."""
        return np.linalg.norm(self.A, ord=2, axis=(1, 2))

    def divergence_hint(self) -> str:
        """Why iterates may overflow: the maker's learning-rate range if known, else the worst map."""
        if getattr(self, "_hint", None):
            return self._hint
        lip = self.lipschitz()
        k = int(np.argmax(lip))
        if lip[k] >= 1.0:
            return f"map {k} has ||A_{k}||_2 = {lip[k]:.6g} >= 1: the maps expand, so no uniform contraction"
        return f"every map contracts (max ||A_k||_2 = {lip[k]:.6g} < 1)"

    def fixed_points(self) -> np.ndarray:
        r"""The ``(K, d)`` fixed points :math:`x_k^* = (I - A_k)^{-1} b_k`.

        Raises:
            ValueError: if some :math:`I - A_k` is singular (no unique fixed point).
        """
        eye = np.eye(self.dim)
        out = np.empty((self.K, self.dim))
        for k in range(self.K):
            M = eye - self.A[k]
            if np.linalg.cond(M) > 1.0 / np.finfo(float).eps:
                raise ValueError(
                    f"map {k} has no unique fixed point: I - A[{k}] is singular "
                    f"(condition number {np.linalg.cond(M):.3g})"
                )
            out[k] = np.linalg.solve(M, self.b[k])
        return out

    def mean_map(self) -> tuple[np.ndarray, np.ndarray]:
        """``(E A, E b)`` under ``probs``: the affine map of the expected step."""
        return (
            np.tensordot(self.probs, self.A, axes=1),
            np.tensordot(self.probs, self.b, axes=1),
        )


def _bound(value, what: str, K: int) -> np.ndarray:
    value = as_finite_array(value, what)
    if value.shape not in ((), (K,)):
        raise ValueError(f"{what} must be a float or have shape ({K},), got shape {value.shape}")
    return np.broadcast_to(value, (K,))


def _curvature(oracle, K: int):
    """``(mu, L)`` as ``(K,)`` arrays from the oracle's optional bounds, or the names missing."""
    missing = [m for m in ("strong_convexity", "smoothness") if not callable(getattr(oracle, m, None))]
    if missing:
        return None, missing
    mu, L = (_bound(getattr(oracle, m)(), f"oracle.{m}()", K) for m in ("strong_convexity", "smoothness"))
    if np.any(mu > L):
        k = int(np.argmax(mu - L))
        raise ValueError(
            f"oracle curvature bounds must satisfy strong_convexity() <= smoothness(), got "
            f"mu_{k} = {float(mu[k])!r} > L_{k} = {float(L[k])!r}"
        )
    return (mu, L), []


class GradientSteps:
    r"""The gradient steps of an oracle as a :class:`Family`.

    .. math::

        T_k(x) = x - h\, \nabla L_k(x), \qquad
        \operatorname{Lip}(T_k) \le \max(|1 - h\mu_k|,\ |1 - hL_k|)
        \quad \text{when } \mu_k I \preceq \nabla^2 L_k \preceq L_k I

    (C4: the Jacobian :math:`I - h \nabla^2 L_k` has its eigenvalues in :math:`[1 - hL_k, 1 -
    h\mu_k]`). ``apply`` batches as every family does; a single point is computed as a batch
    of one, so both forms give the same bits. ``lipschitz()`` is the certificate when the
    oracle supplies ``strong_convexity()`` and ``smoothness()``, and refuses otherwise.

    Args:
        oracle: a :class:`GradientOracle` (``hvp`` is not needed), optionally with curvature
            bounds and ``unchecked_gradient`` (module docstring).
        lr: the learning rate :math:`h > 0`.
        probs: ``(K,)`` selection probabilities, kept as given (not renormalised); None: uniform.

    Raises:
        TypeError: an oracle without ``K``, ``dim`` or ``gradient``; a non-real ``lr``.
        ValueError: ``lr <= 0`` or non-finite; bad ``probs``; curvature bounds of the wrong
            shape, non-finite, or with :math:`\mu_k > L_k`.

    Example:
        >>> class Two:  # L_k(x) = c_k (x - k)^2 / 2 with curvature c = (1, 2)
        ...     K, dim, c = 2, 1, np.array([1.0, 2.0])
        ...     def gradient(self, k, x): return (self.c[k] * (x.T - np.asarray(k))).T  # k int or (m,)
        ...     def strong_convexity(self): return self.c
        ...     smoothness = strong_convexity
        >>> steps = GradientSteps(Two(), 0.25)
        >>> steps.apply(1, np.array([0.0]))  # 0 - 0.25 * 2 (0 - 1)
        array([0.5])
        >>> steps.apply(np.array([0, 1]), np.array([[1.0], [0.0]]))
        array([[0.75],
               [0.5 ]])
        >>> steps.lipschitz()  # max(|1 - h mu_k|, |1 - h L_k|)
        array([0.75, 0.5 ])
    """

    _validated_family = True  # K, dim, probs checked here; gradient shapes checked per call

    def __init__(self, oracle, lr, probs=None):
        check_oracle(oracle, hvp=False)
        self.oracle = oracle
        self.K = as_positive_int(oracle.K, "oracle.K")
        self.dim = as_positive_int(oracle.dim, "oracle.dim")
        self.lr = as_positive_float(lr, "lr")
        if probs is None:
            self.probs = np.full(self.K, 1.0 / self.K)
        else:
            as_probabilities(probs, "probs", self.K)  # validation only: keep the given bits
            self.probs = np.array(probs, dtype=np.float64)
        self.probs.setflags(write=False)
        self._bounds, self._missing = _curvature(oracle, self.K)
        self._rows = getattr(oracle, "unchecked_gradient", None) or oracle.gradient

    def __repr__(self) -> str:
        return (f"GradientSteps(K={self.K}, dim={self.dim}, lr={self.lr}, "
                f"oracle={type(self.oracle).__name__})")

    def _gradients(self, k: np.ndarray, x: np.ndarray) -> np.ndarray:
        g = self._rows(k, x)
        if np.shape(g) != x.shape:
            raise ValueError(
                f"oracle.gradient(k, x) must return the shape of x, {x.shape}, got shape {np.shape(g)}"
            )
        return g

    def apply(self, k, x) -> np.ndarray:
        r""":math:`x - h \nabla L_k(x)` for one point, or row-wise for ``k`` of shape ``(m,)``.

        Args:
            k, x: an int in ``0..K-1`` with ``x`` of shape ``(d,)``, or ``(m,)`` ints with ``(m, d)``.

        Returns:
            shape ``(d,)`` or ``(m, d)``.

        Raises:
            TypeError, ValueError: a bad ``k`` or ``x`` (named), or an oracle of the wrong shape.
        """
        k, x, single = _map_args(k, x, self.K, self.dim)
        if single:
            return x - self.lr * self._gradients(np.array([k]), x[None])[0]
        return x - self.lr * self._gradients(k, x)

    def divergence_hint(self) -> str:
        r"""The learning rates :math:`(0, 2/\max_k L_k)` of C4 where the steps contract, with ``lr``.

        Returns:
            a sentence (from the oracle's curvature bounds, else its ``contractive_lr_range()``).
        """
        lr = f"lr = {self.lr:.6g}"
        if self._bounds is not None:
            mu, L = self._bounds
            top = float(L.max())
            if top <= 0.0:
                return f"{lr}; the oracle's smoothness bounds are 0"
            if float(mu.min()) > 0.0:
                return f"{lr}, while the steps contract for lr in (0, {2.0 / top:.6g}) (C4: 0 < lr < 2/max L_k)"
            return (f"{lr}; the steps are non-expansive only for lr <= {2.0 / top:.6g} (a batch has "
                    "mu_k = 0, so no lr makes every step a contraction)")
        method = getattr(self.oracle, "contractive_lr_range", None)
        if callable(method):
            try:
                low, high = method()
                return f"{lr}, while the oracle's contractive learning-rate range is ({low:.6g}, {high:.6g})"
            except Exception:
                pass
        return (f"{lr}; give the oracle strong_convexity() and smoothness() to learn the contractive "
                "learning-rate range (0, 2/max L_k)")

    def lipschitz(self) -> np.ndarray:
        r"""The ``(K,)`` certified constants :math:`\max(|1 - h\mu_k|, |1 - hL_k|)` (C4).

        Returns:
            float array of shape ``(K,)``, valid wherever the oracle's bounds hold.

        Raises:
            ValueError: the oracle supplies no curvature bounds (the message says which
                methods would give the certificate).
        """
        if self._bounds is None:
            hint = getattr(self.oracle, "certificate_hint", None) or (
                "give it strong_convexity() and smoothness() returning bounds mu_k <= L_k (a float "
                "or one per batch) on the eigenvalues of every batch Hessian at every x")
            raise ValueError(
                f"no Lipschitz certificate for these gradient steps: the oracle "
                f"{type(self.oracle).__name__} has no {' and no '.join(m + '()' for m in self._missing)}; "
                f"{hint}, so that Lip(T_k) = max(|1 - lr mu_k|, |1 - lr L_k|) (C4)"
            )
        mu, L = self._bounds
        return np.maximum(np.abs(1.0 - self.lr * mu), np.abs(1.0 - self.lr * L))

