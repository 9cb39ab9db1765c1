r"""Local curvature of a loss from Hessian-vector products: Lanczos extremes and a measured certificate.

:func:`extreme_eigenvalues` finds the extreme eigenvalues :math:`\lambda_{\min}, \lambda_{\max}`
of a symmetric operator :math:`H` seen only through ``matvec(v)`` :math:`= Hv` (implicitly
restarted Lanczos, ``scipy.sparse.linalg.eigsh``). ARPACK stops when every Ritz pair
:math:`(\theta, u)`, :math:`|u| = 1`, has a residual :math:`|Hu - \theta u| \le \mathrm{tol}\,|\theta|`;
the residual :math:`r = |Hu - \theta u|` is then recomputed and reported, and for symmetric
:math:`H` some eigenvalue lies in :math:`[\theta - r, \theta + r]` (Weyl). That the Ritz values
are the *extreme* eigenvalues rests on Lanczos having converged to them, which is not
guaranteed (a start vector nearly orthogonal to an extreme eigenvector can miss it).

:func:`local_certificate` measures these eigenvalues of every batch Hessian
:math:`\nabla^2 L_k` at a few points of the ball :math:`\bar B(x, r)` and forms the C4 constants
from them,

.. math::

    \hat\mu_k = \min_{y \in S} \lambda_{\min}(\nabla^2 L_k(y)), \qquad
    \hat L_k = \max_{y \in S} \lambda_{\max}(\nabla^2 L_k(y)), \qquad
    \hat\rho = \max_k \max(|1 - h\hat\mu_k|, |1 - h\hat L_k|),

with :math:`S` the sampled points. The ball is (on that evidence) invariant under every step
when :math:`\hat\rho < 1` and :math:`h\,|\nabla L_k(x)| \le (1 - \hat\rho)\, r` for all k, since
:math:`|T_k(y) - x| \le \hat\rho\,|y - x| + h\,|\nabla L_k(x)|`. **This is measured at points,
not a proof**: the curvature between the sampled points is not bounded, and every result
says so in its ``basis`` field and in its printed form.

References:
    R. B. Lehoucq, D. C. Sorensen, C. Yang, "ARPACK Users' Guide", SIAM, 1998 (the stopping
    criterion).
    B. N. Parlett, "The Symmetric Eigenvalue Problem", SIAM, 1998, ch. 4 (an eigenvalue
    within the residual norm of a Ritz value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from revsgd.theory._validate import as_finite_array, as_generator, as_positive_float, as_positive_int

__all__ = ["BASIS", "Curvature", "LocalCertificate", "extreme_eigenvalues", "local_certificate"]

#: What a :class:`LocalCertificate` rests on, in its ``basis`` field and its printed form.
BASIS = "measured at points, not a proof"


class Curvature(NamedTuple):
    r"""Extreme Hessian eigenvalues found by Lanczos (module docstring).

    Attributes:
        low, high: the Ritz values for :math:`\lambda_{\min}` and :math:`\lambda_{\max}`.
        residual: the larger of :math:`|Hu - \theta u|` of the two Ritz pairs: each of
            ``low``, ``high`` is within ``residual`` of an eigenvalue of :math:`H`.
        tol: the relative tolerance ARPACK was asked for.
    """

    low: float
    high: float
    residual: float
    tol: float


def _ritz(op, which: str, tol: float, v0, maxiter) -> tuple[float, float]:
    theta, u = eigsh(op, k=1, which=which, tol=tol, v0=v0, maxiter=maxiter)
    u = u[:, 0] / np.linalg.norm(u[:, 0])
    return float(theta[0]), float(np.linalg.norm(op.matvec(u) - theta[0] * u))


def extreme_eigenvalues(matvec, dim, *, tol=1e-10, rng=0, maxiter=None) -> Curvature:
    r"""The smallest and largest eigenvalue of a symmetric :math:`H` from products :math:`Hv`.

    Args:
        matvec: ``matvec(v)`` returning :math:`Hv`, shape ``(dim,)``, for ``v`` of shape ``(dim,)``.
        dim: the dimension, a positive int (``dim = 1``: :math:`H = \mathrm{matvec}(1)`).
        tol: the relative residual tolerance of ARPACK, > 0.
        rng: a Generator or seed for the Lanczos start vector (fixed by default, so the
            result is reproducible).
        maxiter: ARPACK's limit on restarts (None: its default, ``10 * dim``).

    Returns:
        a :class:`Curvature`.

    Raises:
        TypeError, ValueError: bad ``dim``, ``tol`` or ``rng``;
        scipy.sparse.linalg.ArpackNoConvergence: Lanczos did not converge.

    Example:
        >>> H = np.diag([-1.0, 0.5, 2.0, 3.0])
        >>> c = extreme_eigenvalues(lambda v: H @ v, 4)
        >>> round(c.low, 12), round(c.high, 12), c.residual < 1e-8
        (-1.0, 3.0, True)
    """
    dim = as_positive_int(dim, "dim")
    tol = as_positive_float(tol, "tol")
    v0 = as_generator(rng).standard_normal(dim)
    if dim == 1:  # ARPACK needs k < dim: the 1 x 1 operator is its own eigenvalue
        h = float(np.asarray(matvec(np.ones(1)))[0])
        return Curvature(h, h, 0.0, tol)
    op = LinearOperator((dim, dim), matvec=lambda v: np.asarray(matvec(np.ravel(v)), dtype=np.float64),
                        dtype=np.float64)
    low, r_low = _ritz(op, "SA", tol, v0, maxiter)
    high, r_high = _ritz(op, "LA", tol, v0, maxiter)
    return Curvature(low, high, max(r_low, r_high), tol)


@dataclass(frozen=True)
class LocalCertificate:
    r"""Step constants on a ball from Hessian eigenvalues **measured at points, not a proof**.

    Attributes:
        center, radius, lr: the ball :math:`\bar B(x, r)` and the learning rate :math:`h`.
        low, high: ``(K,)`` arrays :math:`\hat\mu_k`, :math:`\hat L_k` (module docstring).
        lipschitz: ``(K,)`` array :math:`\max(|1 - h\hat\mu_k|, |1 - h\hat L_k|)`.
        rho: :math:`\hat\rho = \max_k` ``lipschitz``.
        displacement: :math:`\max_k h\,|\nabla L_k(x)|`, the largest step from the center.
        invariant: whether :math:`\hat\rho < 1` and displacement :math:`\le (1 - \hat\rho) r`.
        points: how many points were measured (the center and ``points - 1`` in the ball).
        residual: the largest Lanczos residual of all the eigenvalues measured.
        basis: what the numbers rest on, always :data:`BASIS`.
    """

    center: np.ndarray
    radius: float
    lr: float
    low: np.ndarray
    high: np.ndarray
    lipschitz: np.ndarray
    rho: float
    displacement: float
    invariant: bool
    points: int
    residual: float
    basis: str = BASIS

    def __str__(self) -> str:
        return (f"LocalCertificate ({self.basis}): rho = {self.rho:.6g} on the ball of radius "
                f"{self.radius:g} (lr = {self.lr:g}, {self.points} points, curvature in "
                f"[{self.low.min():.6g}, {self.high.max():.6g}]); invariant: {self.invariant}")


def _ball_points(x: np.ndarray, radius: float, points: int, rng) -> np.ndarray:
    """The center and ``points - 1`` points uniform in the ball (direction, then radius)."""
    gen = as_generator(rng)
    d = x.shape[0]
    u = gen.standard_normal((points - 1, d))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    r = radius * gen.random(points - 1) ** (1.0 / d)
    return np.vstack([x[None], x + r[:, None] * u])


def local_certificate(model, x, radius, lr, *, points=8, rng=0, tol=1e-10) -> LocalCertificate:
    r"""The constants of C4 from batch curvatures measured at ``points`` points of a ball.

    Args:
        model: anything with ``K``, ``dim``, ``gradient(k, x)`` and ``curvature(x, k, tol=)``
            returning a :class:`Curvature` (a :class:`revsgd.models.JaxModel`).
        x: the center, shape ``(dim,)``.
        radius: the radius :math:`r > 0`.
        lr: the learning rate :math:`h > 0`.
        points: the number of points measured (>= 1: the center, then uniform in the ball).
        rng: a Generator or seed for the points (and the Lanczos start vectors).
        tol: the Lanczos tolerance of :func:`extreme_eigenvalues`.

    Returns:
        a :class:`LocalCertificate`, labelled ``basis = "measured at points, not a proof"``.

    Raises:
        TypeError, ValueError: a bad ``x``, ``radius``, ``lr``, ``points``, ``rng`` or ``tol``.

    Example:
        >>> class Quad:  # L_k(x) = c_k |x|^2 / 2
        ...     K, dim, c = 2, 3, (1.0, 2.0)
        ...     def gradient(self, k, x): return self.c[k] * x
        ...     def curvature(self, x, k, tol): return Curvature(self.c[k], self.c[k], 0.0, tol)
        >>> cert = local_certificate(Quad(), np.zeros(3), 1.0, 0.25, points=4)
        >>> cert.lipschitz.tolist(), cert.invariant, cert.basis
        ([0.75, 0.5], True, 'measured at points, not a proof')
    """
    x = as_finite_array(x, "x", shape=(model.dim,))
    radius = as_positive_float(radius, "radius")
    lr = as_positive_float(lr, "lr")
    points = as_positive_int(points, "points")
    gen = as_generator(rng)
    ys = _ball_points(x, radius, points, gen)
    low, high = np.full(model.K, np.inf), np.full(model.K, -np.inf)
    residual = 0.0
    for y in ys:
        for k in range(model.K):
            c = model.curvature(y, k, tol=tol)
            low[k], high[k] = min(low[k], c.low), max(high[k], c.high)
            residual = max(residual, c.residual)
    lip = np.maximum(np.abs(1.0 - lr * low), np.abs(1.0 - lr * high))
    rho = float(lip.max())
    step = max(lr * float(np.linalg.norm(model.gradient(k, x))) for k in range(model.K))
    for arr in (x, low, high, lip):
        arr.setflags(write=False)
    return LocalCertificate(x, radius, lr, low, high, lip, rho, step,
                            bool(rho < 1.0 and step <= (1.0 - rho) * radius), points, residual)
