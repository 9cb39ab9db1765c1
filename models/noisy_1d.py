r"""A one-dimensional strongly convex, non-quadratic loss with additive gradient noise (C9).

With :math:`u = x - x^*`, curvature :math:`\mu > 0`, weight :math:`\beta \ge 0` and shift
:math:`c`,

.. math::

    f(x) = \frac{\mu}{2} u^2
           + \beta\bigl(\log\cosh(u - c) - \log\cosh c + u \tanh c\bigr),

    f'(x) = \mu u + \beta\bigl(\tanh(u - c) + \tanh c\bigr),
    \qquad f''(x) = \mu + \beta \operatorname{sech}^2(u - c),

    f'''(x) = -2\beta \operatorname{sech}^2(u - c) \tanh(u - c),

so :math:`f'(x^*) = 0` exactly, :math:`\mu \le f'' \le \mu + \beta` on all of
:math:`\mathbb{R}`, and :math:`f'''(x^*) = 2\beta\operatorname{sech}^2 c \tanh c \ne 0` for
:math:`\beta > 0, c \ne 0` (the default :math:`\tanh c = 1/\sqrt3` maximizes it).

The stochastic gradient step adds noise :math:`e_k` from a finite symmetric law with
variance :math:`s^2` (``points=2``: :math:`\pm s`, equal weights; ``points=3``:
:math:`0, \pm\sqrt3 s` with weights :math:`2/3, 1/6, 1/6`, which matches the first five
moments of :math:`N(0, s^2)`):

.. math::

    T_k(x) = x - h\bigl(f'(x) + e_k\bigr),
    \qquad \operatorname{Lip}(T_k) = \max(|1 - h\mu|, |1 - h(\mu + \beta)|),

a family of K = ``points`` maps that all contract iff :math:`0 < h < 2/(\mu + \beta)` (C4).
As a :class:`revsgd.models.Model` these are the gradient steps of the K batch losses

.. math::

    L_k(x) = f(x) + e_k (x - x^*), \qquad \nabla L_k = f' + e_k, \qquad \nabla^2 L_k = f'',

whose mean is :math:`f` (the noise has mean 0), with the curvature bounds
:math:`\mu_k = \mu` and :math:`L_k = \mu + \beta` of every batch.
Its stationary law :math:`\pi` satisfies :math:`E_\pi f'(x) = 0` exactly (take expectations
of :math:`x' = T_\xi(x)`), and expanding :math:`f'` around :math:`x^*` gives the
first-order bias of C9

.. math::

    E_\pi x - x^* = -\frac{h f'''(x^*) s^2}{4 f''(x^*)^2} + O(h^2).

Example:
    >>> model = NoisyOneDim()
    >>> model.minimizer(), float(model.first_derivative(0.0))
    (array([0.]), 0.0)
    >>> model.gradient(1, model.minimizer())  # f'(x*) + e_1, with e_1 = s = 1
    array([1.])
    >>> fam = model.step_family(0.1)
    >>> fam.K, fam.dim, float(fam.lipschitz().max())
    (2, 1, 0.9)
    >>> round(model.first_order_bias(0.1), 6)
    -0.00707

References:
    A. Dieuleveut, A. Durmus, F. Bach, "Bridging the gap between constant step size SGD and
    Markov chains", Annals of Statistics 48(3), 2020 (the O(h) bias of the stationary mean).
"""

from __future__ import annotations

import numbers

import numpy as np

from revsgd.models.protocol import LearningRateRange, batch_args
from revsgd.theory._validate import as_finite_array, as_positive_float, describe
from revsgd.theory.family import GradientSteps

__all__ = ["NoisyOneDim", "NOISE_POINTS"]

NOISE_POINTS = (2, 3)
DEFAULT_SHIFT = float(np.arctanh(1.0 / np.sqrt(3.0)))


def _real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _nonnegative(value, name: str) -> float:
    value = _real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _noise_law(points, variance) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(points, bool) or not isinstance(points, numbers.Integral) or points not in NOISE_POINTS:
        raise ValueError(f"points must be one of {NOISE_POINTS}, got {describe(points)}")
    s = np.sqrt(variance)
    if points == 2:
        return np.array([-s, s]), np.array([0.5, 0.5])
    a = np.sqrt(3.0) * s
    return np.array([-a, 0.0, a]), np.array([1 / 6, 2 / 3, 1 / 6])


class NoisyOneDim:
    r"""The loss :math:`f` of the module docstring with additive symmetric gradient noise.

    A :class:`revsgd.models.Model` with ``K = points`` batches and ``dim = 1``: ``loss``,
    ``gradient``, ``hvp`` and ``hessian`` take an int ``k`` with ``x`` of shape ``(1,)``, or
    ``k`` of shape ``(m,)`` with ``x`` of shape ``(m, 1)``. The elementwise functions of one
    real variable are ``objective`` (:math:`f`), ``first_derivative``, ``second_derivative``
    and ``third_derivative``.

    Args:
        curvature: :math:`\mu > 0`, the quadratic part (strong convexity).
        beta: :math:`\beta \ge 0`, the weight of the log-cosh part (0 gives a quadratic,
            whose stationary mean is unbiased).
        shift: :math:`c`, finite; default :math:`\operatorname{artanh}(1/\sqrt3)`.
        minimizer: :math:`x^*`, finite (default 0).
        noise_variance: :math:`s^2 \ge 0`.
        points: 2 or 3, the support size of the noise law (the number of maps K).

    Raises:
        TypeError: a non-real parameter or a non-integer ``points``.
        ValueError: ``curvature <= 0``, ``beta < 0``, ``noise_variance < 0``, a non-finite
            parameter, or ``points`` not in (2, 3).

    Example:
        >>> model = NoisyOneDim(points=3)
        >>> model.K, model.dim, model.loss(np.array([0, 2]), np.zeros((2, 1)))
        (3, 1, array([0., 0.]))
    """

    def __init__(self, curvature=1.0, beta=2.0, shift=DEFAULT_SHIFT, minimizer=0.0,
                 noise_variance=1.0, points=2):
        self.curvature = _real(curvature, "curvature")
        if self.curvature <= 0:
            raise ValueError(
                f"curvature must be > 0 (strong convexity: a unique minimizer and a "
                f"contraction certificate), got {self.curvature}"
            )
        self.beta = _nonnegative(beta, "beta")
        self.shift = _real(shift, "shift")
        self.x_star = _real(minimizer, "minimizer")
        self.noise_variance = _nonnegative(noise_variance, "noise_variance")
        self.noise, self.probs = _noise_law(points, self.noise_variance)
        self.noise.setflags(write=False)
        self.probs.setflags(write=False)
        self.K, self.dim = int(self.noise.size), 1

    def __repr__(self) -> str:
        return (f"NoisyOneDim(curvature={self.curvature}, beta={self.beta}, shift={self.shift:.6g}, "
                f"minimizer={self.x_star}, noise_variance={self.noise_variance}, points={self.noise.size})")

    # -- f and its derivatives, elementwise --------------------------------------------------
    def _gradient(self, x):
        u = x - self.x_star
        return self.curvature * u + self.beta * (np.tanh(u - self.shift) + np.tanh(self.shift))

    def objective(self, x):
        r""":math:`f(x)` (elementwise on a float or an array); :math:`f(x^*) = 0`."""
        u = as_finite_array(x, "x") - self.x_star
        z = u - self.shift

        def log_cosh(t):
            t = np.abs(t)
            return t + np.log1p(np.exp(-2.0 * t)) - np.log(2.0)

        return 0.5 * self.curvature * u**2 + self.beta * (
            log_cosh(z) - log_cosh(self.shift) + u * np.tanh(self.shift))

    def first_derivative(self, x):
        r""":math:`f'(x)` (elementwise)."""
        return self._gradient(as_finite_array(x, "x"))

    def second_derivative(self, x):
        r""":math:`f''(x) = \mu + \beta\operatorname{sech}^2(x - x^* - c)` (elementwise)."""
        z = as_finite_array(x, "x") - self.x_star - self.shift
        return self.curvature + self.beta / np.cosh(z) ** 2

    def third_derivative(self, x):
        r""":math:`f'''(x) = -2\beta\operatorname{sech}^2(z)\tanh(z)`, :math:`z = x - x^* - c`."""
        z = as_finite_array(x, "x") - self.x_star - self.shift
        return -2.0 * self.beta * np.tanh(z) / np.cosh(z) ** 2

    # -- the protocol (revsgd.models.protocol): k then x, an int k or a batch of rows ----------
    def _noise(self, k, single: bool):
        return self.noise[k] if single else self.noise[k][:, None]

    def loss(self, k, x):
        r""":math:`L_k(x) = f(x) + e_k (x - x^*)`: a float, or shape ``(m,)`` for a batch."""
        k, x, single = batch_args(self.K, self.dim, k, x)
        values = (self.objective(x) + self._noise(k, single) * (x - self.x_star))[..., 0]
        return float(values) if single else values

    def gradient(self, k, x) -> np.ndarray:
        r""":math:`\nabla L_k(x) = f'(x) + e_k`: shape ``(1,)``, or ``(m, 1)`` for a batch."""
        k, x, single = batch_args(self.K, self.dim, k, x)
        return self._gradient(x) + self._noise(k, single)

    def unchecked_gradient(self, k, x) -> np.ndarray:
        r"""Rows :math:`f'(x_i) + e_{k_i}` for validated ``k`` ``(m,)`` and ``x`` ``(m, 1)``."""
        return self._gradient(x) + self.noise[k][:, None]

    def hvp(self, k, x, v) -> np.ndarray:
        r""":math:`\nabla^2 L_k(x)\, v = f''(x)\, v` (the same for every ``k``)."""
        _, x, v, _ = batch_args(self.K, self.dim, k, x, v)
        return self.second_derivative(x) * v

    def hessian(self, k, x) -> np.ndarray:
        r""":math:`\nabla^2 L_k(x) = f''(x)`: shape ``(1, 1)``, or ``(m, 1, 1)`` for a batch."""
        _, x, _ = batch_args(self.K, self.dim, k, x)
        return self.second_derivative(x)[..., None]

    def minimizer(self) -> np.ndarray:
        r""":math:`x^*` as shape ``(1,)``, exact: :math:`f'(x^*) = \beta(\tanh(-c) + \tanh c) = 0`."""
        return np.array([self.x_star])

    def curvature_bounds(self) -> tuple[float, float]:
        r""":math:`(\mu, \mu + \beta)`: global bounds on :math:`f''`."""
        return self.curvature, self.curvature + self.beta

    def strong_convexity(self) -> np.ndarray:
        r"""The ``(K,)`` bounds :math:`\mu_k = \mu` (every batch has Hessian :math:`f''`)."""
        return np.full(self.K, self.curvature)

    def smoothness(self) -> np.ndarray:
        r"""The ``(K,)`` bounds :math:`L_k = \mu + \beta`."""
        return np.full(self.K, self.curvature + self.beta)

    # -- steps and the C9 bias -------------------------------------------------------------
    def contractive_lr_range(self) -> LearningRateRange:
        r"""The learning rates :math:`(0, 2/(\mu + \beta))` where every step contracts."""
        return LearningRateRange(0.0, 2.0 / (self.curvature + self.beta))

    def _contractive_lr(self, lr) -> float:
        lr = as_positive_float(lr, "lr")
        high = self.contractive_lr_range().high
        if not lr < high:
            raise ValueError(
                f"lr must lie in the contractive range (0, 2/(mu + beta)) = (0, {high:.6g}), "
                f"where the stationary law is certified to exist; got lr = {lr}"
            )
        return lr

    def contraction_factor(self, lr) -> float:
        r"""The certified :math:`\max(|1 - h\mu|, |1 - h(\mu+\beta)|) < 1`.

        Raises:
            ValueError: ``lr`` outside :meth:`contractive_lr_range`.
        """
        return float(self.step_family(self._contractive_lr(lr)).lipschitz()[0])

    def step_family(self, lr) -> GradientSteps:
        r"""The noisy gradient steps :math:`T_k(x) = x - h(f'(x) + e_k)` at learning rate ``lr`` > 0.

        A :class:`revsgd.theory.GradientSteps` certified by :math:`\mu_k, L_k`. Any ``lr > 0``
        is accepted (for experiments with unstable rates); certificates
        (:func:`revsgd.theory.certify`) refuse the family outside :meth:`contractive_lr_range`.

        Args:
            lr: the learning rate :math:`h > 0`.

        Raises:
            TypeError, ValueError: a non-real or non-positive ``lr``.
        """
        return GradientSteps(self, lr, self.probs)

    def bias_coefficient(self) -> float:
        r""":math:`c_1 = -f'''(x^*)\, s^2 / (4 f''(x^*)^2)`, so :math:`E_\pi x - x^* = c_1 h + O(h^2)`."""
        x = np.array(self.x_star)
        return float(-self.third_derivative(x) * self.noise_variance
                     / (4.0 * self.second_derivative(x) ** 2))

    def first_order_bias(self, lr) -> float:
        r"""The first-order bias :math:`-h f'''(x^*) s^2 / (4 f''(x^*)^2)` of :math:`E_\pi x` (C9).

        Raises:
            ValueError: ``lr`` outside :meth:`contractive_lr_range`.
        """
        return self._contractive_lr(lr) * self.bias_coefficient()
