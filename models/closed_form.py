r"""The one-dimensional examples of THEORY.md (Closed forms), whose stationary laws are known.

======================  =====================================  ==============================
example                 maps                                   stationary law
======================  =====================================  ==============================
two-batch quadratic     :math:`(1-h)x \pm h`                   mean 0, variance h/(2-h)
binary chain            :math:`x/2,\ x/2 + 1/2`                uniform on [0, 1]
Cantor                  :math:`x/3,\ x/3 + 2/3`                Cantor law, mean 1/2, var 1/8
Bernoulli convolution   :math:`a x \pm 1`                      mean 0, variance 1/(1 - a^2)
======================  =====================================  ==============================

The two-batch quadratic is a loss (:class:`~revsgd.models.quadratic.Quadratic` with
:math:`L_\pm(x) = \frac12 (x \mp 1)^2`); the others are families of maps directly.
"""

from __future__ import annotations

import numpy as np

from revsgd.models.quadratic import Quadratic
from revsgd.theory._validate import as_finite_array
from revsgd.theory.family import AffineFamily

__all__ = ["two_batch_quadratic", "binary_chain", "cantor_maps", "bernoulli_convolution"]


def two_batch_quadratic() -> Quadratic:
    r"""Batches :math:`L_k(x) = \frac12 (x - c_k)^2`, :math:`c = (-1, +1)`, equal weights.

    Its step family at learning rate :math:`h` is :math:`T_\pm(x) = (1-h)x \pm h`.
    """
    return Quadratic(np.ones((2, 1, 1)), np.array([[-1.0], [1.0]]))


def _one_dim(slopes, offsets) -> AffineFamily:
    return AffineFamily(np.reshape(slopes, (-1, 1, 1)), np.reshape(offsets, (-1, 1)))


def binary_chain() -> AffineFamily:
    r""":math:`x/2` and :math:`x/2 + 1/2`: stationary law uniform on :math:`[0, 1]`."""
    return _one_dim([0.5, 0.5], [0.0, 0.5])


def cantor_maps() -> AffineFamily:
    r""":math:`x/3` and :math:`x/3 + 2/3`: stationary law the Cantor law."""
    return _one_dim([1 / 3, 1 / 3], [0.0, 2 / 3])


def bernoulli_convolution(a) -> AffineFamily:
    r""":math:`a x + 1` and :math:`a x - 1` for :math:`0 < a < 1`."""
    a = float(as_finite_array(a, "a", ndim=0))
    if not 0.0 < a < 1.0:
        raise ValueError(f"a must lie in (0, 1) for a contraction, got {a}")
    return _one_dim([a, a], [1.0, -1.0])
