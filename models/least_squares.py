r"""Mini-batch least squares as a :class:`~revsgd.models.quadratic.Quadratic` (THEORY.md C6).

The rows of ``(X, y)`` are split once into batches :math:`B_1, \dots, B_K` (a fixed
partition, optionally after a seeded shuffle), and

.. math::

    L_k(w) = \frac{1}{2|B_k|} \|X_k w - y_k\|^2 + \frac{\lambda}{2}\|w\|^2,
    \qquad H_k = \frac{X_k^\top X_k}{|B_k|} + \lambda I,
    \qquad q_k = \frac{X_k^\top y_k}{|B_k|} .

Batches are selected with probability :math:`p_k = |B_k| / N`, so
:math:`\sum_k p_k L_k` is the full-data ridge objective
:math:`\frac{1}{2N}\|Xw - y\|^2 + \frac{\lambda}{2}\|w\|^2` and :math:`\bar H^{-1}\bar q` its
minimizer: with equal batches this is the uniform selection of C6 (the stationary mean of
the forward chain is exactly this minimizer, and to first order in :math:`h` the stationary
covariance solves a Lyapunov equation).

References:
    A. Dieuleveut, A. Durmus, F. Bach, "Bridging the gap between constant step size SGD and
    Markov chains", Annals of Statistics 48(3), 2020 (least squares: the stationary mean).
    S. Mandt, M. D. Hoffman, D. M. Blei, "Stochastic gradient descent as approximate Bayesian
    inference", JMLR 18, 2017 (the Lyapunov approximation of the stationary covariance).
"""

from __future__ import annotations

import numpy as np

from revsgd.models._batches import partition_rows
from revsgd.models.quadratic import Quadratic
from revsgd.theory._validate import as_finite_array
from revsgd.theory.memory import check_allocation

__all__ = ["LeastSquares", "REMAINDER_POLICIES"]

REMAINDER_POLICIES = ("error", "drop", "keep")


class LeastSquares(Quadratic):
    r"""Least squares (optionally ridge) with a fixed partition of the rows into batches.

    Args:
        X: ``(N, d)`` design matrix.
        y: ``(N,)`` targets.
        batch_size: rows per batch, ``1 <= batch_size <= N``.
        ridge: :math:`\lambda \ge 0`.
        rng: if given (Generator or seed), the rows are shuffled once before partitioning;
            if None they are split in order.
        remainder: what to do when ``batch_size`` does not divide N: ``"error"`` (default)
            refuses, ``"drop"`` discards the last ``N mod batch_size`` rows (of the shuffled
            order), ``"keep"`` keeps a smaller last batch (selected with probability
            :math:`|B_K|/N`, so the mean loss is still the full-data objective).

    Attributes:
        X, y: the data actually used (after ``"drop"``). batches: list of row-index arrays.

    Raises:
        TypeError: non-numeric ``X``, ``y`` or ``ridge``, a non-integer ``batch_size``, a bad
            ``rng``.
        ValueError: an empty ``X``, shapes that do not match, non-finite entries,
            ``ridge < 0``, ``batch_size`` outside ``1..N``, an unknown ``remainder``, or a
            ``batch_size`` that does not divide N with ``remainder="error"``.

    Example:
        >>> import numpy as np
        >>> X = np.arange(8.0).reshape(4, 2); y = np.array([1.0, 0.0, 2.0, 1.0])
        >>> ls = LeastSquares(X, y, batch_size=2)
        >>> ls.K, ls.probs
        (2, array([0.5, 0.5]))
    """

    def __init__(self, X, y, batch_size, ridge=0.0, rng=None, remainder="error"):
        X = as_finite_array(X, "X", ndim=2)
        N, d = X.shape
        if N == 0 or d == 0:
            raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
        y = as_finite_array(y, "y", shape=(N,))
        ridge = float(as_finite_array(ridge, "ridge", ndim=0))
        if ridge < 0:
            raise ValueError(f"ridge must be >= 0, got {ridge}")
        self.batches = partition_rows(N, batch_size, rng, remainder, REMAINDER_POLICIES)
        order = np.concatenate(self.batches)
        B = len(self.batches[0])
        used = np.sort(order)
        self.X, self.y = X[used], y[used]
        self.ridge = ridge
        self.batch_size = B
        sizes = np.array([len(rows) for rows in self.batches], dtype=float)
        check_allocation(8 * 4 * len(self.batches) * d * d,
                         f"LeastSquares: {len(self.batches)} batch Hessians of shape ({d}, {d})",
                         "pass a larger batch_size (fewer batches)")
        with np.errstate(over="ignore", invalid="ignore"):
            H = np.stack([X[rows].T @ X[rows] / len(rows) for rows in self.batches])
            H += ridge * np.eye(d)
            q = np.stack([X[rows].T @ y[rows] / len(rows) for rows in self.batches])
            r = np.array([y[rows] @ y[rows] / (2 * len(rows)) for rows in self.batches])
        for arr, what in ((H, "X (X_k^T X_k) or ridge"), (q, "X and y (X_k^T y_k)"), (r, "y (y_k^T y_k)")):
            if not np.isfinite(arr).all():
                raise ValueError(
                    f"{what} too large: the batch sums overflow float64 (max |X| = {float(np.abs(X).max()):.3g}, "
                    f"max |y| = {float(np.abs(y).max()):.3g}); rescale the data, e.g. standardize X and y"
                )
        self._setup(H, q, r, sizes / sizes.sum())

    def minimizer(self) -> np.ndarray:
        r"""The ridge solution :math:`\arg\min_w \frac{1}{2N}\|Xw-y\|^2 + \frac{\lambda}{2}\|w\|^2`.

        Solved by ``lstsq`` on the stacked system :math:`[X; \sqrt{N\lambda} I]`, which avoids
        squaring the condition number of :math:`X`.

        Raises:
            ValueError: if the solution is not unique (rank-deficient X and no ridge).
        """
        N, d = self.X.shape
        A = np.vstack([self.X, np.sqrt(N * self.ridge) * np.eye(d)])
        rhs = np.concatenate([self.y, np.zeros(d)])
        w, _, rank, _ = np.linalg.lstsq(A, rhs, rcond=None)
        if rank < d:
            raise ValueError(
                f"X has rank {rank} < d = {d} and ridge = 0: the least-squares solution is "
                "not unique"
            )
        return w
