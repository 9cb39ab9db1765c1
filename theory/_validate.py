"""Input validation shared by the public functions of :mod:`revsgd.theory` and :mod:`revsgd.models`.

Every public entry point checks its arguments here, at the boundary, and raises a
``ValueError`` or ``TypeError`` that names the parameter, the expected form and what was
given. Nothing downstream re-checks.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_finite_array",
    "as_generator",
    "as_index_array",
    "as_positive_int",
    "as_nonnegative_int",
    "as_positive_float",
    "as_probabilities",
    "describe",
]


def describe(value) -> str:
    """A short description of ``value`` for error messages (type, shape, a preview)."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def as_finite_array(value, name: str, *, ndim: int | None = None, shape=None) -> np.ndarray:
    """``value`` as a float64 array with finite entries and the given ``ndim``/``shape``.

    ``shape`` may contain ``None`` for free axes. Raises TypeError for non-numeric input
    and ValueError for a wrong shape or a NaN/inf entry.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if shape is not None:
        if arr.ndim != len(shape) or any(
            s is not None and s != a for s, a in zip(shape, arr.shape)
        ):
            want = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {want}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must have finite entries, got {bad} NaN or inf entries")
    return arr


def as_positive_int(value, name: str) -> int:
    """``value`` as an int >= 1 (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {describe(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def as_nonnegative_int(value, name: str) -> int:
    """``value`` as an int >= 0 (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer, got {describe(value)}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value}")
    return int(value)


def as_positive_float(value, name: str) -> float:
    """``value`` as a finite float > 0 (bools refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive real number, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def as_probabilities(value, name: str, K: int) -> np.ndarray:
    """``value`` as a probability vector of length ``K`` (uniform when None).

    Entries must be finite and >= 0 and sum to 1 within ``K * 8 * eps`` (the rounding of a
    sum of K terms); the returned vector is renormalised to remove that rounding.
    """
    if value is None:
        return np.full(K, 1.0 / K)
    p = as_finite_array(value, name, shape=(K,))
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative, got minimum {float(p.min())!r}")
    total = p.sum()
    if abs(total - 1.0) > K * 8 * np.finfo(float).eps:
        raise ValueError(f"{name} must sum to 1, got sum {float(total)!r}")
    return p / total


def as_index_array(value, name: str, K: int, *, allow_empty: bool = True) -> np.ndarray:
    """``value`` as a 1-D int64 array of map indices in ``0..K-1``."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a 1-D integer array, got {describe(value)}")
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        if not allow_empty:
            raise ValueError(f"{name} must not be empty")
        return arr.astype(np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= K:
        raise ValueError(f"{name} must lie in 0..{K - 1}, got values in {lo}..{hi}")
    return arr.astype(np.int64)


def as_generator(rng, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` from a Generator, a non-negative int seed, or None."""
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, an int seed or None, got {describe(rng)}"
        )
    if rng < 0:
        raise ValueError(f"{name} seed must be >= 0, got {rng}")
    return np.random.default_rng(int(rng))
