r"""Cumulative distribution functions of the closed-form stationary laws (THEORY.md (Closed forms)).

* Cantor law (stationary law of :math:`x/3,\ x/3 + 2/3`): for
  :math:`x = \sum_k t_k 3^{-k}` with ternary digits :math:`t_k`,

  .. math::

      F(x) = \sum_{k < k^*} \frac{t_k}{2}\, 2^{-k} + 2^{-k^*}, \qquad
      k^* = \text{the first } k \text{ with } t_k = 1 \text{ (no last term if none)};

* uniform on :math:`[a, b]`: :math:`F(x) = (x - a)/(b - a)` clipped to [0, 1];
* arcsine on [0, 1] (same mean 1/2 and variance 1/8 as Cantor):
  :math:`F(x) = \tfrac{2}{\pi} \arcsin \sqrt{x}`.

All are vectorized and return 0 left of the support and 1 right of it.

References:
    J. E. Hutchinson, "Fractals and self-similarity", Indiana Univ. Math. J. 30(5), 1981
    (the Cantor law as the invariant measure of :math:`x/3,\ x/3 + 2/3`).
    W. Feller, *An Introduction to Probability Theory and Its Applications*, vol. I, 3rd ed.,
    Wiley 1968, ch. III (the arcsine law).
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_finite_array, as_real

__all__ = ["arcsine_cdf", "cantor_cdf", "uniform_cdf"]

_DIGITS = 40  # 3^-40 < 1e-19: below double resolution on [0, 1]


def cantor_cdf(x) -> np.ndarray:
    r"""The Cantor function, exact to double precision on [0, 1] (digit expansion).

    .. math::

        F(x) = \sum_{k < k^*} \frac{t_k}{2}\, 2^{-k} + 2^{-k^*}, \qquad
        x = \sum_k t_k 3^{-k},\ k^* = \min\{k : t_k = 1\}

    (no last term when no digit is 1), over 40 ternary digits (:math:`3^{-40} < 10^{-19}`).

    Args:
        x: a float or an array of any shape.

    Returns:
        :math:`F(x)`, a float array of the shape of ``x``; 0 below 0, 1 above 1.

    Raises:
        TypeError: non-numeric ``x``; ValueError: non-finite entries.

    Example:
        >>> cantor_cdf([0.0, 0.25, 1 / 3, 0.5, 1.0])
        array([0.        , 0.33333333, 0.5       , 0.5       , 1.        ])
    """
    x = as_finite_array(x, "x")
    r = np.clip(x, 0.0, 1.0)
    out = np.zeros_like(r)
    active = r < 1.0
    out[~active] = 1.0
    weight = 0.5
    for _ in range(_DIGITS):
        r = r * 3.0
        digit = np.floor(r)
        r -= digit
        hit_one = active & (digit == 1)
        out[hit_one] += weight
        out[active & (digit == 2)] += weight
        active &= ~hit_one
        weight *= 0.5
    return out


def uniform_cdf(x, a=0.0, b=1.0) -> np.ndarray:
    r"""CDF of the uniform law on ``[a, b]``.

    .. math::

        F(x) = \min\Bigl(1, \max\Bigl(0, \frac{x - a}{b - a}\Bigr)\Bigr) .

    Args:
        x: a float or an array of any shape.
        a, b: the ends of the support, ``a < b``.

    Returns:
        :math:`F(x)`, a float array of the shape of ``x``.

    Raises:
        TypeError: non-numeric ``x``; ValueError: non-finite ``x``, or ``a >= b``.

    Example:
        >>> uniform_cdf([-1.0, 0.0, 0.5, 2.0], a=-1.0, b=1.0)
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    x = as_finite_array(x, "x")
    a, b = as_real(a, "a"), as_real(b, "b")
    if not float(a) < float(b):
        raise ValueError(f"need a < b for a uniform law on [a, b], got a = {a}, b = {b}")
    return np.clip((x - a) / (b - a), 0.0, 1.0)


def arcsine_cdf(x) -> np.ndarray:
    r"""CDF of the arcsine law on [0, 1] (mean 1/2 and variance 1/8, as the Cantor law).

    .. math::

        F(x) = \frac{2}{\pi} \arcsin \sqrt{x} \quad (0 \le x \le 1) .

    Args:
        x: a float or an array of any shape (clipped to [0, 1]).

    Returns:
        :math:`F(x)`, a float array of the shape of ``x``.

    Raises:
        TypeError: non-numeric ``x``; ValueError: non-finite entries.

    Example:
        >>> arcsine_cdf([0.0, 0.5, 1.0])
        array([0. , 0.5, 1. ])
    """
    x = as_finite_array(x, "x")
    return 2.0 / np.pi * np.arcsin(np.sqrt(np.clip(x, 0.0, 1.0)))
