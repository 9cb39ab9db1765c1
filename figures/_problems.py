r"""The fixed problems the figures are drawn on.

The problem data are fixed (built from a private seed), so a figure's ``seed`` only
changes its random index sequences, never the model it shows.
"""

from __future__ import annotations

import numpy as np

from revsgd.models import LeastSquares
from revsgd.theory import contraction_factor

__all__ = ["least_squares_2d", "contracting_lr"]

_DATA_SEED = 20250203


def least_squares_2d() -> LeastSquares:
    r"""Eight rows in :math:`\mathbb{R}^2`, four batches of two: non-commuting, non-singular.

    .. math::

        H_k = \tfrac12 X_k^\top X_k = R_k \operatorname{diag}(1.28, 0.405) R_k^\top, \qquad
        H_a H_b \ne H_b H_a, \qquad \min_k \lambda_{\min}(H_k) > 0,

    so every gradient step contracts for :math:`0 < h < 2 / \max_k \lambda_{\max}(H_k)` and
    the batches disagree about the minimiser (no interpolation: C3 applies).
    """
    rng = np.random.default_rng(_DATA_SEED)
    rows = []
    for k in range(4):  # batch k: two orthogonal rows along directions rotated by k pi/5
        t = k * np.pi / 5 + 0.1
        rows += [1.6 * np.array([np.cos(t), np.sin(t)]), 0.9 * np.array([-np.sin(t), np.cos(t)])]
    X = np.array(rows)
    y = X @ np.array([1.0, -0.5]) + 0.6 * rng.normal(size=8)
    return LeastSquares(X, y, batch_size=2)


def contracting_lr(model, fraction: float) -> float:
    """``fraction`` of the largest contractive learning rate :math:`2/L` (0 < fraction < 1)."""
    lr = fraction * model.contractive_lr_range().high
    assert contraction_factor(model.step_family(lr)) < 1.0
    return lr
