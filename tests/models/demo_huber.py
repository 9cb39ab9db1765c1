r"""A new model in one file: mini-batch Huber regression on the :class:`revsgd.models.Model` protocol.

The demonstration of issue 14: nothing in the package changes to add a loss. The rows of
``(X, y)`` are split in order into K equal batches of B rows, and with the Huber function
:math:`\rho_\delta(r) = r^2/2` for :math:`|r| \le \delta`, :math:`\delta|r| - \delta^2/2` beyond,

.. math::

    L_k(w) = \frac1B \sum_{i \in B_k} \rho_\delta(x_i^\top w - y_i) + \frac\lambda2 |w|^2,
    \qquad \nabla L_k(w) = \frac1B X_k^\top \psi_\delta(X_k w - y_k) + \lambda w,

with :math:`\psi_\delta(r) = \operatorname{clip}(r, -\delta, \delta)`. The loss is :math:`C^1`
with a piecewise-constant generalized Hessian
:math:`\frac1B X_k^\top \operatorname{diag}(1_{|r_i| \le \delta}) X_k + \lambda I`, between
:math:`\mu_k = \lambda` and :math:`L_k = \lambda + \lambda_{\max}(X_k^\top X_k)/B`, so the steps
:math:`w - h \nabla L_k(w)` are certified by :class:`revsgd.theory.GradientSteps` (C4).

Everything a model needs comes from the package: :func:`revsgd.models.protocol.batch_args`
validates by the batching rule, :func:`revsgd.models.newton.newton_minimize` finds the
minimizer, :class:`revsgd.theory.GradientSteps` makes the steps. Each member computes a
batch of rows; a single point is the batch of one.
"""

from __future__ import annotations

import numpy as np

from revsgd.models import LearningRateRange
from revsgd.models.newton import newton_minimize
from revsgd.models.protocol import batch_args
from revsgd.theory import GradientSteps

__all__ = ["HuberRegression"]


class HuberRegression:
    """Huber regression with ridge ``l2 > 0`` and threshold ``delta > 0`` (module docstring).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> model = HuberRegression(rng.standard_normal((12, 2)), rng.standard_normal(12), 3)
        >>> model.K, model.gradient(np.array([0, 1]), np.zeros((2, 2))).shape
        (4, (2, 2))
    """

    def __init__(self, X, y, batch_size, delta=1.0, l2=0.1):
        X, y = np.asarray(X, float), np.asarray(y, float)
        N, d = X.shape
        if N % batch_size or not (delta > 0 and l2 > 0):
            raise ValueError(f"need batch_size | N = {N}, delta > 0 and l2 > 0; got {batch_size}, {delta}, {l2}")
        self.K, self.dim, self.delta, self.l2 = N // batch_size, d, float(delta), float(l2)
        self.Xb, self.yb = X.reshape(self.K, batch_size, d), y.reshape(self.K, batch_size)
        self.probs = np.full(self.K, 1.0 / self.K)
        top = np.linalg.eigvalsh(np.einsum("kbi,kbj->kij", self.Xb, self.Xb))[:, -1]
        self._smooth = self.l2 + top / batch_size

    def _rows(self, k, x, single):
        K = np.atleast_1d(k)
        X = x[None] if single else x
        return self.Xb[K], np.einsum("mbd,md->mb", self.Xb[K], X) - self.yb[K], X

    def loss(self, k, x):
        k, x, single = batch_args(self.K, self.dim, k, x)
        _, r, X = self._rows(k, x, single)
        a = np.abs(r)
        rho = np.where(a <= self.delta, 0.5 * r * r, self.delta * a - 0.5 * self.delta**2).mean(axis=1)
        out = rho + 0.5 * self.l2 * np.einsum("md,md->m", X, X)
        return float(out[0]) if single else out

    def gradient(self, k, x):
        k, x, single = batch_args(self.K, self.dim, k, x)
        Xb, r, X = self._rows(k, x, single)
        g = np.einsum("mb,mbd->md", np.clip(r, -self.delta, self.delta), Xb) / Xb.shape[1] + self.l2 * X
        return g[0] if single else g

    def hvp(self, k, x, v):
        k, x, v, single = batch_args(self.K, self.dim, k, x, v)
        Xb, r, _ = self._rows(k, x, single)
        V = v[None] if single else v
        inside = (np.abs(r) <= self.delta) * np.einsum("mbd,md->mb", Xb, V)
        out = np.einsum("mb,mbd->md", inside, Xb) / Xb.shape[1] + self.l2 * V
        return out[0] if single else out

    def _mean(self, member, x):
        ks = np.arange(self.K)
        return self.probs @ member(ks, np.broadcast_to(x, (self.K, self.dim)))

    def minimizer(self, tol=1e-10):
        def hessian(x):
            return np.stack([self._mean(lambda k, X: self.hvp(k, X, np.broadcast_to(e, X.shape)), x)
                             for e in np.eye(self.dim)], axis=1)

        return newton_minimize(lambda x: float(self._mean(self.loss, x)), lambda x: self._mean(self.gradient, x),
                               hessian, np.zeros(self.dim), tol=tol)

    def strong_convexity(self):
        return self.l2

    def smoothness(self):
        return self._smooth

    def step_family(self, lr):
        return GradientSteps(self, lr, self.probs)

    def contractive_lr_range(self):
        return LearningRateRange(0.0, 2.0 / float(self._smooth.max()))
