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

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (the
    stationary law is the law of the backward limit).
    J. E. Hutchinson, "Fractals and self-similarity", Indiana Univ. Math. J. 30(5), 1981
    (the Cantor law).
    Y. Peres, W. Schlag, B. Solomyak, "Sixty years of Bernoulli convolutions", in *Fractal
    Geometry and Stochastics II*, Progress in Probability 46, Birkhauser 2000.
"""

from __future__ import annotations

import numpy as np

from revsgd.models.quadratic import Quadratic
from revsgd.theory._validate import as_finite_array
from revsgd.theory.family import AffineFamily

__all__ = ["two_batch_quadratic", "binary_chain", "cantor_maps", "bernoulli_convolution"]


def two_batch_quadratic() -> Quadratic:
    r"""Batches :math:`L_k(x) = \frac12 (x - c_k)^2`, :math:`c = (-1, +1)`, equal weights.

    .. math::

        T_\pm(x) = x - h (x \mp 1) = (1 - h) x \pm h, \qquad
        \operatorname{mean}(\pi) = 0, \quad \operatorname{Var}(\pi) = \frac{h}{2 - h} .

    Returns:
        the :class:`~revsgd.models.quadratic.Quadratic`; ``step_family(h)`` is :math:`T_\pm`.

    Raises:
        Nothing.

    Example:
        >>> fam = two_batch_quadratic().step_family(0.5)
        >>> fam.A[:, 0, 0], fam.b[:, 0]
        (array([0.5, 0.5]), array([-0.5,  0.5]))
    """
    return Quadratic(np.ones((2, 1, 1)), np.array([[-1.0], [1.0]]))


def _one_dim(slopes, offsets) -> AffineFamily:
    return AffineFamily(np.reshape(slopes, (-1, 1, 1)), np.reshape(offsets, (-1, 1)))


def binary_chain() -> AffineFamily:
    r""":math:`x/2` and :math:`x/2 + 1/2`: stationary law uniform on :math:`[0, 1]`.

    .. math::

        T_0(x) = x/2, \quad T_1(x) = x/2 + 1/2, \qquad
        y_\infty = \sum_{j \ge 1} \xi_j 2^{-j} \sim U[0, 1] .

    Returns:
        the :class:`~revsgd.theory.family.AffineFamily` of the two maps, equal weights.

    Raises:
        Nothing.

    Example:
        >>> binary_chain().apply(1, [0.5])
        array([0.75])
    """
    return _one_dim([0.5, 0.5], [0.0, 0.5])


def cantor_maps() -> AffineFamily:
    r""":math:`x/3` and :math:`x/3 + 2/3`: stationary law the Cantor law.

    The backward limit writes a random ternary expansion with digits 0 and 2 only, so the law
    lives on the Cantor set (mean 1/2, variance 1/8, the CDF is
    :func:`revsgd.theory.cantor_cdf`):

    .. math:: y_\infty = \sum_{j \ge 1} 2\xi_j\, 3^{-j}, \qquad T_k(x) = x/3 + 2k/3 .

    Returns:
        an :class:`~revsgd.theory.family.AffineFamily` (K = 2, uniform ``probs``).

    Raises:
        Nothing.

    Example:
        >>> cantor_maps().apply(1, [0.0])
        array([0.66666667])
    """
    return _one_dim([1 / 3, 1 / 3], [0.0, 2 / 3])


def bernoulli_convolution(a) -> AffineFamily:
    r""":math:`a x + 1` and :math:`a x - 1` for :math:`0 < a < 1`.

    .. math::

        T_\pm(x) = a x \pm 1, \qquad y_\infty = \sum_{j \ge 1} \pm a^{j-1}, \qquad
        \operatorname{mean} 0, \quad \operatorname{variance} \frac{1}{1 - a^2}

    (:math:`a = 1/2`: uniform on :math:`[-2, 2]`; :math:`a < 1/2`: a singular law).

    Args:
        a: the contraction factor, a float in (0, 1).

    Returns:
        the :class:`~revsgd.theory.family.AffineFamily` of the two maps, equal weights.

    Raises:
        TypeError: non-numeric ``a``; ValueError: ``a`` not a finite scalar in (0, 1).

    Example:
        >>> bernoulli_convolution(0.5).b[:, 0]
        array([ 1., -1.])
    """
    a = float(as_finite_array(a, "a", ndim=0))
    if not 0.0 < a < 1.0:
        raise ValueError(f"a must lie in (0, 1) for a contraction, got {a}")
    return _one_dim([a, a], [1.0, -1.0])
