"""Input validation shared by the public functions of :mod:`revsgd.theory` and :mod:`revsgd.models`.

Every public entry point checks its arguments here, at the boundary, and raises a
``ValueError`` or ``TypeError`` that names the parameter, the expected form and what was
given. Nothing downstream re-checks. One rule for every number:

* complex input (a complex array, a complex scalar) is a ``TypeError``: it is never cast to
  its real part;
* a bool where a number is expected (``True``, a bool array) is a ``TypeError``;
* a Python int too large for the machine (beyond :data:`MAX_INT`, or beyond float64 for a
  real) is a ``ValueError`` naming the parameter, never an ``OverflowError``;
* a ragged nested list is a ``ValueError`` (not rectangular), an empty axis where points
  are expected a ``ValueError`` naming the shape.

Example:
    >>> as_positive_int(10**400, "m")
    Traceback (most recent call last):
    ValueError: m must be a positive integer at most 9223372036854775807, got an integer of 401 digits
    >>> as_finite_array([1 + 2j], "x")
    Traceback (most recent call last):
    TypeError: x must be a real numeric array, got complex values (array of shape (1,) and dtype complex128); pass the real part explicitly if that is meant

References:
    NumPy, "Data type objects (dtype)", https://numpy.org/doc/stable/reference/arrays.dtypes.html
    (the dtype kinds ``b``, ``i``, ``u``, ``f``, ``c``, ``O`` checked here).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "MAX_INT",
    "as_array",
    "as_finite_array",
    "as_generator",
    "as_index_array",
    "as_positive_int",
    "as_nonnegative_int",
    "as_positive_float",
    "as_probabilities",
    "as_real",
    "describe",
]

#: The largest count accepted anywhere (an int64): larger Python ints are refused by name.
MAX_INT = int(np.iinfo(np.int64).max)


def describe(value) -> str:
    """A short description of ``value`` for error messages (type, shape, a preview)."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and abs(int(value)).bit_length() > 200:
        return f"int, {_digits(value)}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _digits(value) -> str:
    """``an integer of N digits`` without converting a huge int to text (Python limits that)."""
    bits = abs(int(value)).bit_length()
    digits = int(bits * 0.30102999566398120) + 1
    if bits <= 64:
        digits = len(str(abs(int(value))))
    return f"an integer of {digits} digits"


def as_array(value, name: str, expected: str, *, ragged: str | None = None) -> np.ndarray:
    """``np.asarray(value)`` (an ndarray as it is), refusing by name what numpy cannot make one of.

    Args:
        value: anything array-like.
        name: the parameter's name, for the messages.
        expected: the form expected, e.g. ``"a numeric array"``.
        ragged: the form named when ``value`` is a ragged nested sequence (default ``expected``).

    Returns:
        the array (not yet checked for dtype, shape or finiteness).

    Raises:
        ValueError: a ragged nested sequence (numpy >= 1.24 refuses them).
        TypeError: what numpy cannot convert at all.

    Example:
        >>> as_array([[1, 2], [3]], "A", "a numeric array")
        Traceback (most recent call last):
        ...
        ValueError: A must be a numeric array, got a ragged list
    """
    try:
        return value if isinstance(value, np.ndarray) else np.asarray(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be {ragged or expected}, got a ragged {type(value).__name__}") from exc
    except (TypeError, OverflowError) as exc:
        raise TypeError(f"{name} must be {expected}, got {describe(value)}") from exc


def _as_numeric(value, name: str) -> np.ndarray:
    """``value`` as a float64 array (not yet checked for finiteness), refusing by name what is not real."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a numeric array, got bool {value!r} (a number is expected)")
    if isinstance(value, (complex, np.complexfloating)):
        raise TypeError(f"{name} must be real, got complex {value!r}")
    raw = as_array(value, name, "a numeric array",
                   ragged="a rectangular numeric array (every row of one length)")
    kind = raw.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} must be a real numeric array, got complex values ({describe(raw)}); pass the "
            "real part explicitly if that is meant"
        )
    if kind == "b":
        raise TypeError(f"{name} must be a numeric array, got booleans ({describe(raw)})")
    if kind in "iuf":
        return raw.astype(np.float64, copy=False)
    if kind == "O":
        flat = raw.reshape(-1)
        for item in flat:
            if isinstance(item, (bool, np.bool_)):
                raise TypeError(f"{name} must be a numeric array, got a bool entry")
            if isinstance(item, (complex, np.complexfloating)):
                raise TypeError(f"{name} must be real, got a complex entry {item!r}")
            if isinstance(item, numbers.Integral) and abs(int(item)) > 2**1023:
                raise ValueError(f"{name} must have entries within float64 range, got {_digits(item)}")
        try:
            return raw.astype(np.float64)
        except (TypeError, ValueError, OverflowError) as exc:
            raise TypeError(f"{name} must be a numeric array, got {describe(value)}") from exc
    raise TypeError(f"{name} must be a numeric array, got {describe(raw)}")


def as_finite_array(value, name: str, *, ndim: int | None = None, shape=None, copy: bool = False) -> np.ndarray:
    """``value`` as a float64 array with finite entries and the given ``ndim``/``shape``.

    ``shape`` may contain ``None`` for free axes. Raises TypeError for non-numeric, complex
    or boolean input and ValueError for a ragged list, a wrong shape or a NaN/inf entry.
    With ``copy=True`` the result never shares memory with ``value`` (an object that keeps
    it may then freeze it without touching the caller's array).

    Example:
        >>> as_finite_array([[1, 2], [3]], "A")
        Traceback (most recent call last):
        ValueError: A must be a rectangular numeric array (every row of one length), got a ragged list
    """
    arr = _as_numeric(value, name)
    if copy and (arr is value or not arr.flags.owndata):
        arr = arr.copy()
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


def as_real(value, name: str, *, low=None, high=None, low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite float in the interval given by ``low``/``high`` (bools, complex refused).

    Example:
        >>> as_real(0.5, "rho", low=0.0, high=1.0, high_open=True)
        0.5
        >>> as_real(1.5, "rho", low=0.0, high=1.0, high_open=True)
        Traceback (most recent call last):
        ValueError: rho must be a finite number in [0.0, 1.0), got 1.5
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value.item()
        else:
            raise TypeError(f"{name} must be a real number, got {describe(value)}")
    if isinstance(value, numbers.Integral) and abs(int(value)) > 2**1023:
        raise ValueError(f"{name} must be a finite number within float64 range, got {_digits(value)}")
    value = float(value)
    below = low is not None and (value <= low if low_open else value < low)
    above = high is not None and (value >= high if high_open else value > high)
    if not np.isfinite(value) or below or above:
        if low is None and high is None:
            raise ValueError(f"{name} must be a finite number, got {value!r}")
        lo = "(-inf" if low is None else ("(" if low_open else "[") + repr(float(low))
        hi = "inf)" if high is None else repr(float(high)) + (")" if high_open else "]")
        raise ValueError(f"{name} must be a finite number in {lo}, {hi}, got {value!r}")
    return value


def _as_int(value, name: str, what: str, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
            value = value.item()
        else:
            raise TypeError(f"{name} must be {what}, got {describe(value)}")
    value = int(value)
    if value > MAX_INT:
        raise ValueError(f"{name} must be {what} at most {MAX_INT}, got {_digits(value)}")
    if value < low:
        shown = _digits(value) if value < -MAX_INT else str(value)
        raise ValueError(f"{name} must be {what}, got {shown}")
    return value


def as_positive_int(value, name: str) -> int:
    """``value`` as an int in ``1..MAX_INT`` (bools, floats such as ``2.0`` refused)."""
    return _as_int(value, name, "a positive integer", 1)


def as_nonnegative_int(value, name: str) -> int:
    """``value`` as an int in ``0..MAX_INT`` (bools refused)."""
    return _as_int(value, name, "a non-negative integer", 0)


def as_positive_float(value, name: str) -> float:
    """``value`` as a finite float > 0 (bools and complex refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive real number, got {describe(value)}")
    if isinstance(value, numbers.Integral) and abs(int(value)) > 2**1023:
        raise ValueError(f"{name} must be a finite number > 0 within float64 range, got {_digits(value)}")
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
    arr = as_array(value, name, "a 1-D integer array")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        if not allow_empty:
            raise ValueError(f"{name} must not be empty")
        return np.zeros(0, dtype=np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integers, got dtype {arr.dtype}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= K:
        raise ValueError(f"{name} must lie in 0..{K - 1}, got values in {lo}..{hi}")
    return arr.astype(np.int64, copy=False)


def as_generator(rng, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator`` from a Generator, a non-negative int seed, or None."""
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, numbers.Integral):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, an int seed or None, got {describe(rng)}"
        )
    if rng < 0:
        raise ValueError(f"{name} seed must be >= 0, got {rng}")
    return np.random.default_rng(int(rng))
