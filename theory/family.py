r"""Families of maps: the objects that forward and backward iteration compose.

A *family* is K maps :math:`T_1, \dots, T_K` on :math:`\mathbb{R}^d` with selection
probabilities :math:`p_1, \dots, p_K`. Anything with the attributes ``K``, ``dim``,
``probs`` and the methods ``apply`` and ``lipschitz`` is a family (:class:`Family`), so
nonlinear gradient-step families plug into the same iteration functions as the affine
ones defined here.

Contract of ``apply(k, x)``:

* ``k`` an int and ``x`` of shape ``(d,)``: returns :math:`T_k(x)`, shape ``(d,)``;
* ``k`` an int array of shape ``(m,)`` and ``x`` of shape ``(m, d)``: row ``i`` is mapped by
  its own map, returns :math:`(T_{k_i}(x_i))_i`, shape ``(m, d)``.

``lipschitz()`` returns a ``(K,)`` array of (upper bounds on) the Lipschitz constants in the
Euclidean norm, on the region where the family is meant to be used.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from revsgd.theory._validate import as_finite_array, as_index_array, as_probabilities

__all__ = ["Family", "AffineFamily", "check_point", "check_family"]


@runtime_checkable
class Family(Protocol):
    """Structural interface of a family of K maps on R^d (see the module docstring)."""

    K: int
    dim: int
    probs: np.ndarray

    def apply(self, k, x) -> np.ndarray:  # pragma: no cover - protocol
        ...

    def lipschitz(self) -> np.ndarray:  # pragma: no cover - protocol
        ...


def check_family(family, name: str = "family") -> None:
    """Raise TypeError unless ``family`` follows the :class:`Family` interface."""
    if not isinstance(family, Family):
        raise TypeError(
            f"{name} must provide K, dim, probs, apply and lipschitz "
            f"(a theory.Family), got {type(family).__name__}"
        )


def check_point(family, x0, name: str = "x0") -> np.ndarray:
    """``x0`` as a finite float array of shape ``(family.dim,)``."""
    return as_finite_array(x0, name, shape=(family.dim,))


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
        >>> import numpy as np
        >>> fam = AffineFamily(np.array([[[0.5]], [[0.5]]]), np.array([[0.0], [0.5]]))
        >>> fam.apply(1, np.array([1.0]))
        array([1.])
        >>> fam.fixed_points()[:, 0]
        array([0., 1.])
    """

    def __init__(self, A, b, probs=None):
        A = as_finite_array(A, "A", ndim=3)
        K, d, d2 = A.shape
        if K == 0:
            raise ValueError("A must hold at least one map (K >= 1), got K = 0")
        if d == 0 or d != d2:
            raise ValueError(f"A must have shape (K, d, d) with d >= 1, got shape {A.shape}")
        b = as_finite_array(b, "b", ndim=2)
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
        if np.ndim(k) == 0:
            k = int(as_index_array(np.array([k]), "k", self.K)[0])
            x = as_finite_array(x, "x", shape=(self.dim,))
            return self.A[k] @ x + self.b[k]
        k = as_index_array(k, "k", self.K)
        x = as_finite_array(x, "x", shape=(k.shape[0], self.dim))
        return np.einsum("mij,mj->mi", self.A[k], x) + self.b[k]

    def lipschitz(self) -> np.ndarray:
        """The ``(K,)`` operator 2-norms :math:`\\|A_k\\|_2` (largest singular values)."""
        return np.linalg.norm(self.A, ord=2, axis=(1, 2))

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
