r"""Quadratic batch losses and their gradient-step families (THEORY.md C4, C5).

.. math::

    L_k(x) = \tfrac12 (x - c_k)^\top H_k (x - c_k)
           = \tfrac12 x^\top H_k x - q_k^\top x + r_k,
    \qquad q_k = H_k c_k,

with :math:`H_k` symmetric positive semi-definite. A gradient step with learning rate
:math:`h` is the affine map

.. math::

    T_k(x) = x - h \nabla L_k(x) = (I - h H_k)\, x + h\, q_k,
    \qquad \operatorname{Lip}(T_k) = \|I - h H_k\|_2 = \max(|1 - h\mu_k|, |1 - h L_k|),

where :math:`\mu_k, L_k` are the extreme eigenvalues of :math:`H_k`. Every step contracts iff
:math:`\min_k \mu_k > 0` and :math:`0 < h < 2 / \max_k L_k`.

The linear-term form :math:`(H_k, q_k, r_k)` is kept internally so that singular batch
Hessians (least squares with fewer rows than features) need no centres :math:`c_k`.

References:
    Y. Nesterov, *Introductory Lectures on Convex Optimization*, Kluwer 2004, sec. 2.1
    (smooth strongly convex functions; here :math:`\|I - h H_k\|_2` is the exact constant).
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (quadratic losses, C5).
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, ch. 3
    (the round-off margin below which a computed eigenvalue counts as 0).
"""

from __future__ import annotations

import numpy as np

from revsgd.models.protocol import LearningRateRange, batch_args, batch_index
from revsgd.theory._validate import as_finite_array, as_positive_float, as_probabilities
from revsgd.theory.memory import check_allocation
from revsgd.theory.family import AffineFamily
from revsgd.theory.tolerances import roundoff_margin

__all__ = ["Quadratic"]


def _symmetric_psd(H, name: str) -> np.ndarray:
    H = as_finite_array(H, name, ndim=3)
    K, d, d2 = H.shape
    if K == 0:
        raise ValueError(f"{name} must hold at least one batch (K >= 1), got K = 0")
    if d == 0 or d != d2:
        raise ValueError(f"{name} must have shape (K, d, d) with d >= 1, got shape {H.shape}")
    scale = max(1.0, float(np.abs(H).max()))
    asym = float(np.abs(H - H.transpose(0, 2, 1)).max())
    if asym > 16 * d * np.finfo(float).eps * scale:
        raise ValueError(f"{name} must be symmetric, got max |H - H^T| = {asym:.3g}")
    H = 0.5 * (H + H.transpose(0, 2, 1))
    check_allocation(8 * 4 * H.size, f"{name}: {K} batch Hessians of shape ({d}, {d})", "pass fewer or smaller batches")
    low = float(np.linalg.eigvalsh(H).min())
    if low < -16 * d * np.finfo(float).eps * scale:
        raise ValueError(
            f"{name} must be positive semi-definite (convex losses), got eigenvalue {low:.3g}"
        )
    return H


class Quadratic:
    r"""K quadratic batch losses :math:`L_k(x) = \frac12 (x - c_k)^\top H_k (x - c_k)`.

    Args:
        H: ``(K, d, d)`` symmetric positive semi-definite batch Hessians.
        c: ``(K, d)`` batch centres.
        probs: ``(K,)`` selection probabilities (uniform when None).

    A :class:`revsgd.models.Model` (``loss``, ``gradient``, ``hvp`` batched as
    :mod:`revsgd.models.protocol` says) whose ``step_family(lr)`` is an
    :class:`~revsgd.theory.AffineFamily`; ``strong_convexity()`` and ``smoothness()`` are the
    extreme eigenvalues of each :math:`H_k`.

    Raises:
        TypeError: non-numeric input.
        ValueError: bad shapes, non-finite entries, an ``H`` that is not symmetric positive
            semi-definite, bad probabilities.

    Example:
        >>> import numpy as np
        >>> q = Quadratic(np.ones((2, 1, 1)), np.array([[-1.0], [1.0]]))
        >>> q.minimizer()
        array([0.])
        >>> q.contractive_lr_range()
        LearningRateRange(low=0.0, high=2.0)
        >>> q.gradient(np.array([0, 1]), np.zeros((2, 1)))  # rows H_k x_k - q_k
        array([[ 1.],
               [-1.]])
    """

    def __init__(self, H, c, probs=None):
        H = _symmetric_psd(H, "H")
        c = as_finite_array(c, "c", shape=(H.shape[0], H.shape[1]))
        q = np.einsum("kij,kj->ki", H, c)
        r = 0.5 * np.einsum("ki,ki->k", c, q)
        self._setup(H, q, r, probs)

    def _setup(self, H, q, r, probs) -> None:
        self.H = H
        self.q = q
        self.r = r
        self.K, self.dim = H.shape[0], H.shape[1]
        self.probs = as_probabilities(probs, "probs", self.K)
        self._eig = np.linalg.eigvalsh(H)  # (K, d), ascending
        for arr in (self.H, self.q, self.r, self.probs, self._eig):
            arr.setflags(write=False)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(K={self.K}, dim={self.dim})"

    # -- the protocol (revsgd.models.protocol): k then x, an int k or a batch of rows ----------
    def loss(self, k, x):
        r"""Batch loss :math:`L_k(x)`: a float, or shape ``(m,)`` for ``k`` of shape ``(m,)``."""
        k, x, single = batch_args(self.K, self.dim, k, x)
        if single:
            return float(0.5 * x @ self.H[k] @ x - self.q[k] @ x + self.r[k])
        return 0.5 * np.einsum("mi,mij,mj->m", x, self.H[k], x) - np.einsum("mi,mi->m", self.q[k], x) + self.r[k]

    def gradient(self, k, x) -> np.ndarray:
        r""":math:`\nabla L_k(x) = H_k x - q_k`: shape ``(d,)``, or ``(m, d)`` for a batch."""
        k, x, single = batch_args(self.K, self.dim, k, x)
        return self.H[k] @ x - self.q[k] if single else self.unchecked_gradient(k, x)

    def unchecked_gradient(self, k, x) -> np.ndarray:
        r"""Rows :math:`H_{k_i} x_i - q_{k_i}` for validated ``k`` ``(m,)`` and ``x`` ``(m, d)``."""
        return np.einsum("mij,mj->mi", self.H[k], x) - self.q[k]

    def hvp(self, k, x, v) -> np.ndarray:
        r"""Hessian-vector product :math:`\nabla^2 L_k(x)\, v = H_k v` (``x`` is checked, unused)."""
        k, _, v, single = batch_args(self.K, self.dim, k, x, v)
        return self.H[k] @ v if single else np.einsum("mij,mj->mi", self.H[k], v)

    def hessian(self, k, x=None) -> np.ndarray:
        r""":math:`\nabla^2 L_k = H_k` (constant; ``x`` is optional, checked if given, unused).

        Returns shape ``(d, d)``, or ``(m, d, d)`` for ``k`` of shape ``(m,)``.
        """
        if x is None:
            k, _ = batch_index(self.K, k)
        else:
            k, _, _ = batch_args(self.K, self.dim, k, x)
        return self.H[k]

    def strong_convexity(self) -> np.ndarray:
        r"""The ``(K,)`` smallest eigenvalues :math:`\mu_k = \lambda_{\min}(H_k)`."""
        return self._eig[:, 0]

    def smoothness(self) -> np.ndarray:
        r"""The ``(K,)`` largest eigenvalues :math:`L_k = \lambda_{\max}(H_k)`."""
        return self._eig[:, -1]

    def mean_loss(self, x) -> float:
        r""":math:`\sum_k p_k L_k(x)`."""
        x = as_finite_array(x, "x", shape=(self.dim,))
        values = 0.5 * np.einsum("i,kij,j->k", x, self.H, x) - self.q @ x + self.r
        return float(self.probs @ values)

    def mean_hessian(self) -> np.ndarray:
        r""":math:`\bar H = \sum_k p_k H_k`."""
        return np.tensordot(self.probs, self.H, axes=1)

    def minimizer(self) -> np.ndarray:
        r"""The minimizer :math:`\bar H^{-1} \sum_k p_k q_k` of the mean loss.

        Raises:
            ValueError: if :math:`\bar H` is singular (the minimizer is not unique).
        """
        Hbar = self.mean_hessian()
        cond = np.linalg.cond(Hbar)
        if not cond < 1.0 / np.finfo(float).eps:
            raise ValueError(
                f"the mean Hessian is singular (condition number {cond:.3g}): "
                "the mean loss has no unique minimizer"
            )
        return np.linalg.solve(Hbar, self.probs @ self.q)

    def curvature_bounds(self) -> tuple[float, float]:
        r""":math:`(\mu, L) = (\min_k \lambda_{\min}(H_k), \max_k \lambda_{\max}(H_k))`."""
        return float(self._eig[:, 0].min()), float(self._eig[:, -1].max())

    def contraction_factor(self, lr) -> float:
        r""":math:`\max_k \|I - h H_k\|_2 = \max_k \max(|1 - h\mu_k|, |1 - h L_k|)` (exact)."""
        lr = as_positive_float(lr, "lr")
        return float(np.abs(1.0 - lr * self._eig).max())

    def singular_batches(self) -> np.ndarray:
        r"""The batches whose Hessian is singular within round-off: :math:`\mu_k \le 16 d \varepsilon \|H_k\|_2`.

        ``eigvalsh`` computes :math:`\mu_k` with an error of a few :math:`d\varepsilon\|H_k\|_2`
        (Higham, ch. 3), so a smallest eigenvalue below this margin (e.g. :math:`+3 \cdot 10^{-18}`
        for a rank-one batch) cannot be told from 0 and is counted as 0, the margin of the
        symmetric-PSD check of the constructor.

        Returns:
            ``(K,)`` bool array.
        """
        scale = np.abs(self._eig).max(axis=1)
        return self._eig[:, 0] <= roundoff_margin(self.dim) * scale

    def contractive_lr_range(self) -> LearningRateRange:
        r"""The learning rates :math:`(0, 2/L)` where every step contracts (C4).

        Raises:
            ValueError: if some batch Hessian is singular (:math:`\mu_k = 0` within round-off,
                :meth:`singular_batches`): then no single step contracts for any learning
                rate, though their random product may (C8).
        """
        singular = self.singular_batches()
        if singular.any():
            k = int(np.argmax(singular))
            raise ValueError(
                f"batch {k} has a singular Hessian (smallest eigenvalue {self._eig[k, 0]:.3g}, within "
                f"round-off 16 d eps ||H_{k}||_2 of 0): no learning rate makes every step a contraction"
            )
        _, L = self.curvature_bounds()
        high = 2.0 / L
        if not np.isfinite(high):
            raise ValueError(f"the largest batch curvature L = {L!r} is so small that 2/L overflows float64: rescale H")
        return LearningRateRange(0.0, high)

    def step_family(self, lr) -> AffineFamily:
        r"""The gradient steps :math:`T_k(x) = (I - h H_k) x + h q_k` as an AffineFamily.

        Raises:
            TypeError, ValueError: a non-real or non-positive ``lr``, or one so large that
                :math:`h H_k` or :math:`h q_k` overflow (named ``lr``, with the contractive range).
        """
        lr = as_positive_float(lr, "lr")
        with np.errstate(over="ignore", invalid="ignore"):
            A = np.eye(self.dim) - lr * self.H
            b = lr * self.q
        if not (np.isfinite(A).all() and np.isfinite(b).all()):
            raise ValueError(f"lr = {lr!r} is too large: lr * H_k or lr * q_k overflows float64; "
                             f"{self._range_text()}")
        family = AffineFamily(A, b, self.probs)
        family._hint = f"lr = {lr:.6g}; {self._range_text()}"
        return family

    def _range_text(self) -> str:
        try:
            high = self.contractive_lr_range().high
        except ValueError as exc:
            return str(exc)
        return f"every step contracts for lr in (0, {high:.6g}) (C4: 0 < lr < 2/max L_k)"
