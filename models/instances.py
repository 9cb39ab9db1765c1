r"""Random quadratic and logistic instances, constructed (never filtered) from a generator.

The model-side half of the one home for random instances (the matrices and affine families
are in :mod:`revsgd.theory.instances`), shared by the strategies, the numeric checks and the
benchmarks:

* :func:`random_quadratic`: batch Hessians :math:`H_k = Q_k \operatorname{diag}(\lambda_k)
  Q_k^\top` with Haar :math:`Q_k` and :math:`\lambda_{k,i} \sim U[\mu, L]` (independent
  eigenvectors, so the Hessians do not commute), linear terms :math:`q_k \sim N(0, I)`;
* :func:`random_logistic`: Gaussian rows :math:`X_{ij} \sim N(0, 1)`, labels from a noisy
  linear rule :math:`y_i = [x_i^\top w + \sigma \varepsilon_i > 0]` with
  :math:`w \sim N(0, s^2 I)`.

As in :mod:`revsgd.theory.instances`, the order of the draws is documented and fixed, so
that seeded checks keep their numbers.

References:
    F. Mezzadri, "How to generate random matrices from the classical compact groups",
    Notices of the AMS 54(5), 2007 (Haar orthogonal factors).
"""

from __future__ import annotations

import numbers

import numpy as np

from revsgd.models.logistic import Logistic
from revsgd.models.quadratic import Quadratic
from revsgd.theory.instances import random_spd

__all__ = ["random_logistic", "random_quadratic"]


def random_quadratic(rng: np.random.Generator, d: int, K: int, mu: float = 0.2, L: float = 2.0) -> Quadratic:
    r"""K batch Hessians with spectra in :math:`[\mu, L]` and independent eigenvectors.

    Draws, for k = 0..K-1, :func:`~revsgd.theory.instances.random_spd` (a Haar factor, then
    the d eigenvalues), then the ``(K, d)`` linear terms.

    Args:
        rng: the generator.
        d, K: the dimension and the number of batches, positive ints.
        mu, L: the range of every batch spectrum, ``0 < mu <= L``.

    Returns:
        a :class:`~revsgd.models.quadratic.Quadratic` (non-commuting Hessians for d >= 2).

    Raises:
        ValueError: if ``d`` or ``K`` is not a positive int or not ``0 < mu <= L``.

    Example:
        >>> model = random_quadratic(np.random.default_rng(0), 3, 4)
        >>> model.K, model.dim, bool(model.contraction_factor(0.5) < 1)
        (4, 3, True)
    """
    if isinstance(K, bool) or not isinstance(K, numbers.Integral) or K < 1:
        raise ValueError(f"K must be a positive int; got {K!r}")
    H = np.stack([random_spd(rng, d, mu, L) for _ in range(K)])
    return Quadratic(H, rng.standard_normal((K, d)))


def random_logistic(rng: np.random.Generator, d: int, *, rows: int, batch_size: int, l2: float,
                    weight_scale: float = 1.0, noise: float = 1.0, both_labels: bool = False) -> Logistic:
    r"""Logistic regression on ``rows`` Gaussian rows with labels from a noisy linear rule.

    Draws the ``(rows, d)`` design :math:`X`, then the weights :math:`w = s\,g`, then the
    label noise; :math:`y_i = [x_i^\top w + \sigma \varepsilon_i > 0]`.

    Args:
        rng: the generator.
        d: the dimension, a positive int.
        rows: the number of rows N (keyword).
        batch_size: rows per batch B, dividing ``rows`` (keyword).
        l2: the ridge weight :math:`\lambda > 0` (keyword).
        weight_scale: :math:`s`, the standard deviation of the rule's weights.
        noise: :math:`\sigma`, the standard deviation of the label noise.
        both_labels: if every label came out equal, flip the first one, so that both
            labels are present and the batch minimizers differ.

    Returns:
        a :class:`~revsgd.models.logistic.Logistic` with ``rows / batch_size`` batches.

    Raises:
        ValueError: as :class:`~revsgd.models.logistic.Logistic` for invalid data.

    Example:
        >>> model = random_logistic(np.random.default_rng(0), 3, rows=24, batch_size=6, l2=0.1)
        >>> model.K, model.dim
        (4, 3)
    """
    X = rng.standard_normal((rows, d))
    w = weight_scale * rng.standard_normal(d)
    y = (X @ w + noise * rng.standard_normal(rows) > 0).astype(float)
    if both_labels and y.min() == y.max():
        y[0] = 1.0 - y[0]
    return Logistic(X, y, batch_size=batch_size, l2=l2)
