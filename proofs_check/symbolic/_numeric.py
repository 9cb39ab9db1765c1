"""Numeric second opinions for the symbolic checks (numpy only, no sympy).

Each symbolic identity is evaluated again in floating point on random matrices from
:mod:`revsgd.theory.instances`. Tolerances are round-off bounds, never tuned
(:func:`revsgd.theory.tolerances.roundoff_tolerance`):

.. math:: \\mathrm{tol} = \\mathrm{ops} \\cdot \\varepsilon \\cdot \\kappa \\cdot \\mathrm{scale},

with ``ops`` the length of the longest chain of floating-point operations (matrix
products count ``d`` each), ``kappa`` a condition number where a solve is involved and
``scale`` the size of the quantities being compared.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from revsgd.theory.instances import gaussian_contraction, random_spd
from revsgd.theory.tolerances import EPS, roundoff_tolerance

__all__ = [
    "EPS",
    "roundoff_tolerance",
    "random_contraction",
    "random_spd",
    "affine_forward",
    "affine_backward",
    "gradient_step",
    "enumerate_words_1d",
    "max_abs_error",
]

Affine = tuple[np.ndarray, np.ndarray]


def random_contraction(rng: np.random.Generator, d: int, rho: float) -> np.ndarray:
    """A random non-symmetric ``d x d`` matrix with spectral norm exactly ``rho``.

    :func:`revsgd.theory.instances.gaussian_contraction` (one Gaussian matrix, scaled).

    >>> A = random_contraction(np.random.default_rng(0), 3, 0.5)
    >>> round(float(np.linalg.norm(A, 2)), 12)
    0.5
    """
    return gaussian_contraction(rng, d, rho)


def affine_forward(maps: Sequence[Affine], x: np.ndarray) -> np.ndarray:
    """``T_n o ... o T_1 (x)``: the first map of ``maps`` is applied first."""
    for a, b in maps:
        x = a @ x + b
    return x


def affine_backward(maps: Sequence[Affine], x: np.ndarray) -> np.ndarray:
    """``T_1 o ... o T_n (x)``: the last map of ``maps`` is applied first."""
    for a, b in reversed(maps):
        x = a @ x + b
    return x


def gradient_step(h: float, hess: np.ndarray, centre: np.ndarray):
    """The map ``x -> x - h H (x - c)``: a gradient step on ``1/2 (x-c)^T H (x-c)``."""
    return lambda x: x - h * (hess @ (x - centre))


def enumerate_words_1d(slopes, offsets, probs, n: int, x0: float = 0.0):
    """All ``K**n`` backward iterates of a 1-D affine family, with their probabilities.

    Returns ``(values, weights)``: ``values[w] = T_{w_1} o ... o T_{w_n}(x0)`` and
    ``weights[w] = p_{w_1} ... p_{w_n}`` over all words ``w`` (an exact enumeration of
    ``Law(y_n)``, no sampling).
    """
    slopes, offsets, probs = (np.asarray(v, dtype=float) for v in (slopes, offsets, probs))
    if not (slopes.shape == offsets.shape == probs.shape and slopes.ndim == 1):
        raise ValueError("slopes, offsets and probs must be 1-D arrays of equal length")
    if n < 0 or len(slopes) ** n > 2**24:
        raise ValueError(f"n must be in [0, log_K 2^24]; got n={n} with K={len(slopes)}")
    values, weights = np.array([x0]), np.array([1.0])
    for _ in range(n):  # apply one more map outermost: T_k o (previous word)
        values = (slopes[:, None] * values[None, :] + offsets[:, None]).ravel()
        weights = (probs[:, None] * weights[None, :]).ravel()
    return values, weights


def max_abs_error(a, b) -> float:
    """``max |a - b|`` over all entries, after checking the shapes agree."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    return float(np.max(np.abs(a - b))) if a.size else 0.0
