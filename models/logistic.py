r"""Mini-batch L2-regularized logistic regression and its gradient-step family (C4, C9).

The rows of ``(X, y)`` are split once into K equal batches :math:`B_1, \dots, B_K` of size
:math:`B` (a fixed partition, optionally after a seeded shuffle, as in
:class:`revsgd.models.least_squares.LeastSquares`). With labels :math:`s_i \in \{-1, +1\}`
(labels in :math:`\{0, 1\}` are mapped by :math:`s = 2y - 1`) and no intercept,

.. math::

    L_k(w) = \frac{1}{B} \sum_{i \in B_k} \log\bigl(1 + e^{-s_i x_i^\top w}\bigr)
             + \frac{\lambda}{2}\|w\|^2,

    \nabla L_k(w) = -\frac{1}{B} \sum_{i \in B_k} \sigma(-s_i x_i^\top w)\, s_i x_i + \lambda w,

    \nabla^2 L_k(w) = \frac{1}{B} X_k^\top D_k(w) X_k + \lambda I,
    \qquad D_k = \operatorname{diag}\bigl(\sigma(z_i)\sigma(-z_i)\bigr),\ z = X_k w .

Since :math:`0 < \sigma(z)\sigma(-z) \le 1/4`, every batch Hessian satisfies
:math:`\mu I \preceq \nabla^2 L_k \preceq L_k I` on all of :math:`\mathbb{R}^d` with

.. math::

    \mu = \lambda, \qquad L_k = \lambda + \frac{\lambda_{\max}(X_k^\top X_k)}{4B},

so by C4 the step :math:`T_k(w) = w - h \nabla L_k(w)` is globally Lipschitz with constant
:math:`\max(|1 - h\mu|, |1 - hL_k|)`, a contraction iff :math:`\lambda > 0` and
:math:`0 < h < 2/\max_k L_k`. All exponentials go through ``np.logaddexp`` and
``scipy.special.expit``, so arbitrarily large margins give finite values.

References:
    Y. Nesterov, *Introductory Lectures on Convex Optimization*, Kluwer 2004, sec. 2.1
    (for :math:`\mu I \preceq \nabla^2 L \preceq L I` the gradient step contracts iff
    :math:`0 < h < 2/L`, :math:`\mu > 0`).
    A. Dieuleveut, A. Durmus, F. Bach, "Bridging the gap between constant step size SGD and
    Markov chains", Annals of Statistics 48(3), 2020 (the O(h) bias of the stationary mean, C9).
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.special import expit

from revsgd.models._batches import partition_rows
from revsgd.models.newton import newton_minimize, weakly_separable
from revsgd.models.protocol import LearningRateRange, batch_args
from revsgd.theory._validate import as_finite_array, as_positive_float, as_positive_int, describe
from revsgd.theory.family import GradientSteps
from revsgd.theory.memory import check_allocation

__all__ = ["Logistic"]

REMAINDER_POLICIES = ("error", "drop")


def _signed_labels(y) -> np.ndarray:
    """Labels in {0, 1} or in {-1, +1} as signs in {-1, +1}."""
    values = set(np.unique(y).tolist())
    if values <= {0.0, 1.0}:
        return 2.0 * y - 1.0
    if values <= {-1.0, 1.0}:
        return y.copy()
    shown = sorted(values)[:6]
    raise ValueError(
        f"y must hold labels in {{0, 1}} or in {{-1, 1}}, got values {shown}"
        + (" ..." if len(values) > 6 else "")
    )


def _batch_gradients(Xb, sb, w, l2) -> np.ndarray:
    r"""Rows :math:`\nabla L_{k_i}(w_i)` for stacked batches ``Xb (m, B, d)``, ``w (m, d)``."""
    z = np.einsum("mbd,md->mb", Xb, w)
    coef = -sb * expit(-sb * z) / Xb.shape[1]
    return np.einsum("mb,mbd->md", coef, Xb) + l2 * w


class Logistic:
    r"""L2-regularized logistic regression (no intercept) with a fixed partition into batches.

    Args:
        X: ``(N, d)`` design matrix, finite.
        y: ``(N,)`` labels, all in {0, 1} or all in {-1, 1}.
        batch_size: rows per batch, ``1 <= batch_size <= N``.
        l2: :math:`\lambda \ge 0`; :math:`\lambda > 0` is needed for contraction
            certificates (strong convexity).
        rng: if given (Generator or seed), the rows are shuffled once before partitioning;
            if None they are split in order.
        remainder: when ``batch_size`` does not divide N: ``"error"`` (default) refuses,
            ``"drop"`` discards the last ``N mod batch_size`` rows of the (shuffled) order.
            Batches are always equal, selected uniformly, so :math:`\frac1K\sum_k L_k` is
            the full-data objective.

    Attributes:
        X, y: the rows actually used (after ``"drop"``); ``s`` their labels in {-1, +1}.
        batches: list of row-index arrays (into the input X). Xb, sb: ``(K, B, d)`` and
        ``(K, B)`` stacked batches.

    A :class:`revsgd.models.Model`: ``loss``, ``gradient``, ``hvp`` and ``hessian`` take an int
    ``k`` with ``x`` of shape ``(d,)``, or ``k`` of shape ``(m,)`` with ``x`` of shape ``(m, d)``;
    ``strong_convexity()`` and ``smoothness()`` are the per-batch bounds above, which make
    ``step_family(lr)`` a certified :class:`revsgd.theory.GradientSteps`.

    Raises:
        TypeError: non-numeric input or a non-integer batch_size.
        ValueError: bad shapes, non-finite entries, labels outside both sets, ``l2 < 0``,
            ``batch_size > N``, or an unequal partition with ``remainder="error"``.

    Example:
        >>> import numpy as np
        >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.5], [0.5, -1.0]])
        >>> model = Logistic(X, [1, 0, 0, 1], batch_size=2, l2=0.1)
        >>> model.K, model.contractive_lr_range().high > 0
        (2, True)
        >>> w = model.minimizer()
        >>> bool(np.linalg.norm(model.mean_gradient(w)) <= 1e-12)
        True
        >>> model.gradient(np.array([0, 1]), np.tile(w, (2, 1))).shape  # one row per batch
        (2, 2)
    """

    def __init__(self, X, y, batch_size, l2, rng=None, remainder="error"):
        X = as_finite_array(X, "X", ndim=2)
        N, d = X.shape
        if N == 0 or d == 0:
            raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
        y = as_finite_array(y, "y", shape=(N,))
        s = _signed_labels(y)
        if isinstance(l2, bool) or not isinstance(l2, numbers.Real):
            raise TypeError(f"l2 must be a real number >= 0, got {describe(l2)}")
        l2 = float(l2)
        if not np.isfinite(l2) or l2 < 0:
            raise ValueError(f"l2 must be a finite number >= 0, got {l2}")
        self.batches = partition_rows(N, batch_size, rng, remainder, REMAINDER_POLICIES)
        order = np.concatenate(self.batches)
        B = len(self.batches[0])
        used = np.sort(order)
        self.X, self.y, self.s = X[used], y[used], s[used]
        self.Xb = np.stack([X[rows] for rows in self.batches])
        self.sb = np.stack([s[rows] for rows in self.batches])
        self.l2 = l2
        self.batch_size = B
        self.K, self.dim = len(self.batches), d
        self.probs = np.full(self.K, 1.0 / self.K)
        check_allocation(8 * 4 * self.K * d * d, f"Logistic: {self.K} batch Gram matrices of shape ({d}, {d})",
                         "pass a larger batch_size (fewer batches)")
        with np.errstate(over="ignore", invalid="ignore"):
            gram = np.einsum("kbi,kbj->kij", self.Xb, self.Xb)
        if not np.isfinite(gram).all():
            raise ValueError(
                f"X is too large: X_k^T X_k overflows float64 (max |X| = {float(np.abs(X).max()):.3g}), so "
                "the smoothness bound L_k is not finite; rescale X, e.g. standardize its columns"
            )
        gram_top = np.linalg.eigvalsh(gram)[:, -1]
        self._smooth = l2 + np.maximum(gram_top, 0.0) / (4.0 * B)
        for arr in (self.X, self.y, self.s, self.Xb, self.sb, self.probs, self._smooth):
            arr.setflags(write=False)

    def __repr__(self) -> str:
        return f"Logistic(K={self.K}, dim={self.dim}, l2={self.l2})"

    def _point(self, x, name="x") -> np.ndarray:
        return as_finite_array(x, name, shape=(self.dim,))

    # -- per-batch kernels (validated input) ------------------------------------------------
    @staticmethod
    def _loss(Xr, sr, w, l2) -> float:
        return float(np.mean(np.logaddexp(0.0, -sr * (Xr @ w))) + 0.5 * l2 * (w @ w))

    @staticmethod
    def _gradient(Xr, sr, w, l2) -> np.ndarray:
        coef = -sr * expit(-sr * (Xr @ w)) / Xr.shape[0]
        return Xr.T @ coef + l2 * w

    @staticmethod
    def _weights(Xr, w) -> np.ndarray:
        z = Xr @ w
        return expit(z) * expit(-z)

    @staticmethod
    def _hessian(Xr, w, l2) -> np.ndarray:
        H = (Xr.T * Logistic._weights(Xr, w)) @ Xr / Xr.shape[0]
        return 0.5 * (H + H.T) + l2 * np.eye(Xr.shape[1])

    # -- the protocol (revsgd.models.protocol): k then x, an int k or a batch of rows ----------
    def loss(self, k, x):
        r"""Batch loss :math:`L_k(x)` (mean log-loss of batch k plus :math:`\frac\lambda2|x|^2`):
        a float, or shape ``(m,)`` for ``k`` of shape ``(m,)``."""
        k, x, single = batch_args(self.K, self.dim, k, x)
        if single:
            return self._loss(self.Xb[k], self.sb[k], x, self.l2)
        z = np.einsum("mbd,md->mb", self.Xb[k], x)
        return np.mean(np.logaddexp(0.0, -self.sb[k] * z), axis=1) + 0.5 * self.l2 * np.einsum("md,md->m", x, x)

    def gradient(self, k, x) -> np.ndarray:
        r""":math:`\nabla L_k(x)`: shape ``(d,)``, or ``(m, d)`` for ``k`` of shape ``(m,)``."""
        k, x, single = batch_args(self.K, self.dim, k, x)
        if single:
            return self._gradient(self.Xb[k], self.sb[k], x, self.l2)
        return self.unchecked_gradient(k, x)

    def unchecked_gradient(self, k, x) -> np.ndarray:
        r"""Rows :math:`\nabla L_{k_i}(x_i)` for validated ``k`` ``(m,)`` and ``x`` ``(m, d)``."""
        return _batch_gradients(self.Xb[k], self.sb[k], x, self.l2)

    def hvp(self, k, x, v) -> np.ndarray:
        r"""Hessian-vector product :math:`\nabla^2 L_k(x)\, v` without forming the Hessian."""
        k, x, v, single = batch_args(self.K, self.dim, k, x, v)
        if single:
            Xr = self.Xb[k]
            return Xr.T @ (self._weights(Xr, x) * (Xr @ v)) / Xr.shape[0] + self.l2 * v
        Xb = self.Xb[k]
        z = np.einsum("mbd,md->mb", Xb, x)
        Xv = np.einsum("mbd,md->mb", Xb, v)
        return np.einsum("mb,mbd->md", expit(z) * expit(-z) * Xv, Xb) / Xb.shape[1] + self.l2 * v

    def hessian(self, k, x) -> np.ndarray:
        r""":math:`\nabla^2 L_k(x) = X_k^\top D_k X_k / B + \lambda I`: shape ``(d, d)``, or
        ``(m, d, d)`` for ``k`` of shape ``(m,)``."""
        k, x, single = batch_args(self.K, self.dim, k, x)
        if single:
            return self._hessian(self.Xb[k], x, self.l2)
        Xb = self.Xb[k]
        z = np.einsum("mbd,md->mb", Xb, x)
        H = np.einsum("mbi,mb,mbj->mij", Xb, expit(z) * expit(-z), Xb) / Xb.shape[1]
        return 0.5 * (H + H.transpose(0, 2, 1)) + self.l2 * np.eye(self.dim)

    # -- mean (full-data) objective -------------------------------------------------------
    def mean_loss(self, x) -> float:
        r""":math:`\frac1K \sum_k L_k(x)`, the full-data regularized mean log-loss."""
        return self._loss(self.X, self.s, self._point(x), self.l2)

    def mean_gradient(self, x) -> np.ndarray:
        r""":math:`\frac1K \sum_k \nabla L_k(x)`."""
        return self._gradient(self.X, self.s, self._point(x), self.l2)

    def mean_hessian(self, x) -> np.ndarray:
        r""":math:`\frac1K \sum_k \nabla^2 L_k(x)`."""
        return self._hessian(self.X, self._point(x), self.l2)

    def _check_attained(self) -> None:
        r"""With l2 = 0, refuse data whose mean loss has no unique minimizer.

        The unregularized loss attains a unique minimum iff X has rank d and the data are not
        (weakly) separable through the origin (:func:`revsgd.models.newton.weakly_separable`).
        """
        rank = np.linalg.matrix_rank(self.X)
        if rank < self.dim:
            raise ValueError(
                f"with l2 = 0 and X of rank {rank} < d = {self.dim} the minimizer is not "
                "unique; pass l2 > 0"
            )
        if weakly_separable(self.X, self.s):
            raise ValueError(
                "with l2 = 0 the data are (weakly) linearly separable: the mean loss decreases "
                "forever along a separating direction, so no minimizer is attained; pass l2 > 0"
            )

    def minimizer(self, tol=1e-12, max_iter=200) -> np.ndarray:
        r"""The minimizer of the mean loss by damped Newton from 0, to :math:`|\nabla \bar L(w)| \le` ``tol``.

        :func:`revsgd.models.newton.newton_minimize` on ``mean_loss``, ``mean_gradient`` and
        ``mean_hessian``.

        Args:
            tol: the gradient-norm tolerance (> 0).
            max_iter: the maximum number of Newton steps.

        Returns:
            ``w`` of shape ``(d,)`` with ``|mean_gradient(w)| <= tol``.

        Raises:
            ValueError: with ``l2 = 0``, rank-deficient or (weakly) separable data (no unique
                minimizer; checked by a linear program); or if the tolerance is not reached
                (the message gives the gradient norm).
        """
        tol = as_positive_float(tol, "tol")
        max_iter = as_positive_int(max_iter, "max_iter")
        if self.l2 == 0.0:
            self._check_attained()
        hint = " (with l2 = 0 the minimum may not be attained, e.g. on separable data)" if self.l2 == 0 else ""
        return newton_minimize(self.mean_loss, self.mean_gradient, self.mean_hessian, np.zeros(self.dim),
                               tol=tol, max_iter=max_iter, hint=hint)

    # -- contraction certificate (C4) --------------------------------------------------
    def strong_convexity(self) -> np.ndarray:
        r"""The ``(K,)`` strong-convexity constants :math:`\mu_k = \lambda` of the batch losses."""
        return np.full(self.K, self.l2)

    def smoothness(self) -> np.ndarray:
        r"""The ``(K,)`` smoothness constants :math:`L_k = \lambda + \lambda_{\max}(X_k^\top X_k)/(4B)`."""
        return self._smooth

    def curvature_bounds(self) -> tuple[float, float]:
        r""":math:`(\mu, L) = (\lambda, \max_k L_k)`: global bounds on every batch Hessian."""
        return self.l2, float(self._smooth.max())

    def contractive_lr_range(self) -> LearningRateRange:
        r"""The learning rates :math:`(0, 2/\max_k L_k)` where every step certifiably contracts.

        Raises:
            ValueError: if ``l2 = 0``.
        """
        if self.l2 <= 0.0:
            raise ValueError(
                "l2 must be > 0 for a contraction certificate, got l2 = 0: without l2 > 0 "
                "the logistic loss is not strongly convex (its curvature tends to 0 far "
                "from the data), so no learning rate makes every step a global contraction"
            )
        L = float(self._smooth.max())
        if not np.isfinite(2.0 / L):
            raise ValueError(f"the smoothness bound max L_k = {L!r} is so small that 2/L overflows float64: "
                             "rescale X or pass a larger l2")
        return LearningRateRange(0.0, 2.0 / L)

    def contraction_factor(self, lr) -> float:
        r"""The certified :math:`\max_k \max(|1 - h\mu|, |1 - hL_k|)` (C4)."""
        return float(self.step_family(lr).lipschitz().max())

    def step_family(self, lr) -> GradientSteps:
        r"""The gradient steps :math:`T_k(w) = w - h\nabla L_k(w)` as a nonlinear family.

        A :class:`revsgd.theory.GradientSteps` whose ``lipschitz()`` is the certificate
        :math:`\max(|1 - h\lambda|, |1 - hL_k|)`, valid on all of :math:`\mathbb{R}^d` (C4);
        it is >= 1 when :math:`\lambda = 0`, so then no certificate of contraction exists.

        Args:
            lr: the learning rate :math:`h > 0`.

        Raises:
            TypeError, ValueError: a non-real or non-positive ``lr``.
        """
        return GradientSteps(self, lr, self.probs)
