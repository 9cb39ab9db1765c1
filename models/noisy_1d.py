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
Its stationary law :math:`\pi` satisfies :math:`E_\pi f'(x) = 0` exactly (take expectations
of :math:`x' = T_\xi(x)`), and expanding :math:`f'` around :math:`x^*` gives the
first-order bias of C9

.. math::

    E_\pi x - x^* = -\frac{h f'''(x^*) s^2}{4 f''(x^*)^2} + O(h^2).

Example:
    >>> model = NoisyOneDim()
    >>> model.minimizer(), float(model.gradient(0.0))
    (0.0, 0.0)
    >>> fam = model.step_family(0.1)
    >>> fam.K, fam.dim, float(fam.lipschitz().max())
    (2, 1, 0.9)
    >>> round(model.first_order_bias(0.1), 6)
    -0.00707
"""

from __future__ import annotations

import numbers

import numpy as np

from revsgd.models.quadratic import LearningRateRange
from revsgd.theory._validate import as_finite_array, as_index_array, as_positive_float, describe

__all__ = ["NoisyOneDim", "NoisyStepFamily", "NOISE_POINTS"]

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


class NoisyStepFamily:
    r"""The noisy gradient steps :math:`T_k(x) = x - h(f'(x) + e_k)` of a :class:`NoisyOneDim`.

    A nonlinear :class:`revsgd.theory.Family` on :math:`\mathbb{R}^1`: ``apply(k, x)`` takes an int
    ``k`` with ``x`` of shape ``(1,)``, or an int array ``k`` of shape ``(m,)`` with ``x`` of
    shape ``(m, 1)``. ``lipschitz()`` is the certified global constant
    :math:`\max(|1 - h\mu|, |1 - h(\mu+\beta)|)` of every map.
    """

    def __init__(self, model: "NoisyOneDim", lr):
        self.model = model
        self.lr = as_positive_float(lr, "lr")
        self.K = model.noise.size
        self.dim = 1
        self.probs = model.probs

    def __repr__(self) -> str:
        return f"NoisyStepFamily(K={self.K}, lr={self.lr})"

    def apply(self, k, x) -> np.ndarray:
        """Apply map ``k`` to ``x`` (one point), or maps ``k[i]`` to rows ``x[i]``."""
        m = self.model
        if np.ndim(k) == 0:
            k = int(as_index_array(np.array([k]), "k", self.K)[0])
            x = as_finite_array(x, "x", shape=(1,))
        else:
            k = as_index_array(k, "k", self.K)
            x = as_finite_array(x, "x", shape=(k.shape[0], 1))
            k = k[:, None]
        return x - self.lr * (m._gradient(x) + m.noise[k])

    def lipschitz(self) -> np.ndarray:
        r"""The ``(K,)`` certified constants :math:`\max(|1 - h\mu|, |1 - h(\mu + \beta)|)`."""
        mu, L = self.model.curvature_bounds()
        return np.full(self.K, max(abs(1.0 - self.lr * mu), abs(1.0 - self.lr * L)))


class NoisyOneDim:
    r"""The loss :math:`f` of the module docstring with additive symmetric gradient noise.

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

    def __repr__(self) -> str:
        return (f"NoisyOneDim(curvature={self.curvature}, beta={self.beta}, shift={self.shift:.6g}, "
                f"minimizer={self.x_star}, noise_variance={self.noise_variance}, points={self.noise.size})")

    # -- the loss and its derivatives ------------------------------------------------------
    def _gradient(self, x):
        u = x - self.x_star
        return self.curvature * u + self.beta * (np.tanh(u - self.shift) + np.tanh(self.shift))

    def loss(self, x):
        r""":math:`f(x)` (elementwise on a float or an array); :math:`f(x^*) = 0`."""
        u = as_finite_array(x, "x") - self.x_star
        z = u - self.shift

        def log_cosh(t):
            t = np.abs(t)
            return t + np.log1p(np.exp(-2.0 * t)) - np.log(2.0)

        return 0.5 * self.curvature * u**2 + self.beta * (
            log_cosh(z) - log_cosh(self.shift) + u * np.tanh(self.shift))

    def gradient(self, x):
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

    def minimizer(self) -> float:
        r""":math:`x^*`, exact: :math:`f'(x^*) = \beta(\tanh(-c) + \tanh c) = 0`."""
        return self.x_star

    def curvature_bounds(self) -> tuple[float, float]:
        r""":math:`(\mu, \mu + \beta)`: global bounds on :math:`f''`."""
        return self.curvature, self.curvature + self.beta

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

    def step_family(self, lr) -> NoisyStepFamily:
        r"""The noisy gradient steps :math:`T_k(x) = x - h(f'(x) + e_k)` at learning rate ``lr`` > 0.

        Any ``lr > 0`` is accepted (for experiments with unstable rates); certificates
        (:func:`revsgd.theory.certify`) refuse the family outside :meth:`contractive_lr_range`.
        """
        return NoisyStepFamily(self, lr)

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
