r"""Hypothesis strategies of problems with known certificates, for your property tests.

* :func:`gradient_families`: non-affine gradient-step families (L2-regularized log-cosh
  regression) built with :func:`revsgd.theory.gradient_steps`, with their C4 certificate:
  batch loss :math:`L_k(w) = \frac1B \sum_{i \in k} \log\cosh(x_i^\top w - y_i) +
  \frac{\lambda}{2}|w|^2` has Hessian :math:`\frac1B X_k^\top \mathrm{diag}(\mathrm{sech}^2)
  X_k + \lambda I`, so :math:`\mu_k = \lambda` and :math:`L_k = \|X_k\|_2^2 / B + \lambda`;
  the learning rate is drawn inside :math:`(0, 2/\max_k L_k)`;
* :func:`least_squares_problems`, :func:`logistic_problems`: models on drawn data with a
  learning rate inside their contractive range.

Everything is built from a drawn seed (nothing filtered). Requires the ``test`` extra.

Example:

>>> from hypothesis import given, settings
>>> @settings(max_examples=3, derandomize=True)
... @given(gradient_families(max_dim=2))
... def check(problem):
...     assert (problem.family.lipschitz() < 1).all()
>>> check()
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

from revsgd.models import LeastSquares, Logistic
from revsgd.theory import gradient_steps

__all__ = ["GradientProblem", "ModelProblem", "gradient_families", "least_squares_problems", "logistic_problems"]


class GradientProblem(NamedTuple):
    """A non-affine family with its certificate: ``rho = max_k lipschitz``."""

    family: object
    lr: float
    rho: float


class ModelProblem(NamedTuple):
    """A model and a learning rate inside its contractive range."""

    model: object
    lr: float


def _check_range(lo, hi, name):
    if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi):
        raise ValueError(f"{name} range must be ints 1 <= min <= max; got {lo!r}, {hi!r}")


def _log_cosh_family(seed, dim, K, B, l2, fraction):
    g = np.random.default_rng(seed)
    X = g.standard_normal((K, B, dim))
    y = g.standard_normal((K, B))
    L = np.linalg.norm(X, ord=2, axis=(1, 2)) ** 2 / B + l2

    def grad(k, w):
        if np.ndim(k) == 0:
            return X[k].T @ np.tanh(X[k] @ w - y[k]) / B + l2 * w
        r = np.tanh(np.einsum("mbd,md->mb", X[k], w) - y[k])
        return np.einsum("mbd,mb->md", X[k], r) / B + l2 * w

    lr = float(fraction * 2.0 / L.max())
    fam = gradient_steps(grad, lr, K=K, dim=dim, smoothness=L, strong_convexity=l2)
    return GradientProblem(fam, lr, float(fam.lipschitz().max()))


@st.composite
def gradient_families(draw, *, min_dim=1, max_dim=4, min_K=1, max_K=4, batch_size=3, l2=0.5,
                      min_lr_fraction=0.05, max_lr_fraction=0.95):
    r"""Strategy for :class:`GradientProblem` (L2 log-cosh regression; module docstring).

    Args:
        min_dim, max_dim, min_K, max_K: ranges of d and K.
        batch_size: rows per batch.
        l2: :math:`\lambda > 0`, the strong convexity of every batch loss.
        min_lr_fraction, max_lr_fraction: ``lr = f * 2 / max L_k``, f in this sub-range of (0, 1).

    Returns:
        a strategy of :class:`GradientProblem`.

    Raises:
        ValueError: bad ranges, ``l2 <= 0`` or fractions outside (0, 1).
    """
    _check_range(min_dim, max_dim, "dim")
    _check_range(min_K, max_K, "K")
    if not l2 > 0:
        raise ValueError(f"l2 must be > 0 (the certificate's mu); got {l2!r}")
    if not 0 < min_lr_fraction <= max_lr_fraction < 1:
        raise ValueError(f"lr fractions must satisfy 0 < min <= max < 1; got {min_lr_fraction}, {max_lr_fraction}")
    return _log_cosh_family(draw(st.integers(0, 2**32 - 1)), draw(st.integers(min_dim, max_dim)),
                            draw(st.integers(min_K, max_K)), batch_size, l2,
                            draw(st.floats(min_lr_fraction, max_lr_fraction)))


@st.composite
def least_squares_problems(draw, *, min_dim=1, max_dim=4, batch_size=4, max_batches=4,
                           min_lr_fraction=0.05, max_lr_fraction=0.95):
    """Strategy for :class:`ModelProblem` with a :class:`revsgd.models.LeastSquares` on Gaussian data.

    Returns:
        a strategy of ``(model, lr)`` with ``lr`` a fraction of the contractive range's upper end.
    """
    _check_range(min_dim, max_dim, "dim")
    g = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    d, K = draw(st.integers(min_dim, max_dim)), draw(st.integers(1, max_batches))
    X = g.standard_normal((K * batch_size, d))
    model = LeastSquares(X, X @ g.standard_normal(d) + g.standard_normal(K * batch_size), batch_size, rng=g)
    return ModelProblem(model, draw(st.floats(min_lr_fraction, max_lr_fraction)) * model.contractive_lr_range().high)


@st.composite
def logistic_problems(draw, *, min_dim=1, max_dim=4, batch_size=4, max_batches=4, l2=0.5,
                      min_lr_fraction=0.05, max_lr_fraction=0.95):
    """Strategy for :class:`ModelProblem` with an L2 :class:`revsgd.models.Logistic` on Gaussian data.

    Returns:
        a strategy of ``(model, lr)`` with ``lr`` inside the certified contractive range.
    """
    _check_range(min_dim, max_dim, "dim")
    g = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    d, K = draw(st.integers(min_dim, max_dim)), draw(st.integers(1, max_batches))
    X = g.standard_normal((K * batch_size, d))
    y = (X @ g.standard_normal(d) + g.standard_normal(K * batch_size) > 0).astype(float)
    model = Logistic(X, y, batch_size, l2, rng=g)
    return ModelProblem(model, draw(st.floats(min_lr_fraction, max_lr_fraction)) * model.contractive_lr_range().high)
