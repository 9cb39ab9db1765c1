"""Random instances for the numeric checks, built (never filtered) from a generator.

Tolerances used by the checks come from :func:`roundoff`: a trajectory of n affine steps
in dimension d carries at most about ``4 (n + 1) d eps`` relative round-off (one d-term dot
product per step, not amplified by a contraction).
"""

from __future__ import annotations

import numpy as np

from revsgd.models.quadratic import Quadratic
from revsgd.theory.family import AffineFamily

__all__ = [
    "orthogonal",
    "random_contraction",
    "random_quadratic",
    "roundoff",
    "iterate_scale",
    "DIMENSIONS",
]

DIMENSIONS = (1, 3, 10)
EPS = np.finfo(float).eps


def roundoff(n: int, d: int, scale: float) -> float:
    """``4 (n + 1) d eps max(1, scale)``: round-off of an n-step trajectory of size ``scale``."""
    return 4.0 * (n + 1) * d * EPS * max(1.0, scale)


def iterate_scale(cert, x0) -> float:
    """``|x0| + C / (1 - rho)``: every backward or forward iterate from ``x0`` lies in this ball (C1)."""
    return float(np.linalg.norm(x0) + cert.C / (1.0 - cert.rho))


def orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    """A Haar-distributed orthogonal ``(d, d)`` matrix."""
    Q, R = np.linalg.qr(rng.standard_normal((d, d)))
    return Q * np.sign(np.diag(R))


def random_contraction(rng, d: int, K: int, rho: float) -> AffineFamily:
    """K non-symmetric maps with singular values in [0, rho], the first one exactly rho."""
    A = np.empty((K, d, d))
    for k in range(K):
        s = rng.uniform(0.0, rho, size=d)
        if k == 0:
            s[0] = rho
        A[k] = (orthogonal(rng, d) * s) @ orthogonal(rng, d).T
    return AffineFamily(A, rng.standard_normal((K, d)))


def random_quadratic(rng, d: int, K: int, mu: float = 0.2, L: float = 2.0) -> Quadratic:
    """K batch Hessians with spectra in [mu, L] and independent eigenvectors (non-commuting)."""
    H = np.empty((K, d, d))
    for k in range(K):
        Q = orthogonal(rng, d)
        H[k] = (Q * rng.uniform(mu, L, size=d)) @ Q.T
    return Quadratic(H, rng.standard_normal((K, d)))
