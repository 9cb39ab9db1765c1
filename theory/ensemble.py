r"""Ensembles of independent chains, advanced together (one batched step per time step).

Row :math:`i` of an index array ``idx`` of shape ``(m, n)`` is the word
:math:`\xi^{(i)}_1, \dots, \xi^{(i)}_n` of chain :math:`i`. With the same words,

.. math::

    x^{(i)}_n = T_{\xi^{(i)}_n} \circ \dots \circ T_{\xi^{(i)}_1}(x_0)
    \quad\text{(forward)}, \qquad
    y^{(i)}_n = T_{\xi^{(i)}_1} \circ \dots \circ T_{\xi^{(i)}_n}(x_0)
    \quad\text{(backward)} .

The backward end point :math:`y_n` of a word is the forward end point of the *reversed*
word, so both are computed by the same sweep of ``n`` batched steps (``n m`` map
applications); only the column order differs. Each step is one call of
``family.apply`` on all ``m`` rows; an :class:`~theory.family.AffineFamily` instead groups the
rows by their map and does one ``(rows, d) x (d, d)`` product per map.

With i.i.d. words (:func:`sample_word_array`), C2 says the ``m`` forward and the ``m``
backward end points are two samples of the same law.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory._validate import as_finite_array, as_generator, as_nonnegative_int, as_positive_int
from theory.family import AffineFamily, check_family

__all__ = [
    "Ensemble",
    "backward_ensemble",
    "forward_ensemble",
    "sample_backward_ensemble",
    "sample_forward_ensemble",
    "sample_word_array",
]


@dataclass(frozen=True)
class Ensemble:
    """End points of ``m`` chains, and optionally their states at recorded steps.

    Attributes:
        final: ``(m, d)`` states after all ``n`` steps.
        steps: the recorded step numbers (sorted, in ``0..n``); empty when none asked.
        recorded: ``(len(steps), m, d)``; ``recorded[r]`` is the ensemble after ``steps[r]``
            steps.
    """

    final: np.ndarray
    steps: tuple
    recorded: np.ndarray


def _check_words(family, idx) -> np.ndarray:
    if isinstance(idx, (str, bytes)) or idx is None:
        raise TypeError(f"idx must be an (m, n) integer array, got {type(idx).__name__}")
    arr = np.asarray(idx)
    if arr.ndim != 2:
        raise ValueError(f"idx must have shape (m, n) (one word per row), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError("idx must hold at least one chain (m >= 1), got m = 0")
    if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"idx must hold integers, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= family.K):
        raise ValueError(
            f"idx must lie in 0..{family.K - 1}, got values in {arr.min()}..{arr.max()}"
        )
    return arr.astype(np.int64, copy=False)


def _check_start(family, x0, m) -> np.ndarray:
    x0 = as_finite_array(x0, "x0")
    if x0.shape == (family.dim,):
        return np.broadcast_to(x0, (m, family.dim)).copy()
    if x0.shape == (m, family.dim):
        return x0.copy()
    raise ValueError(
        f"x0 must have shape (d,) = ({family.dim},) or (m, d) = ({m}, {family.dim}), "
        f"got shape {x0.shape}"
    )


def _check_record(record, n) -> tuple:
    if record is None:
        return ()
    steps = np.asarray(record)
    if steps.ndim != 1 or (steps.size and not np.issubdtype(steps.dtype, np.integer)):
        raise ValueError(f"record must be a 1-D list of step numbers, got {record!r}")
    if steps.size and (steps.min() < 0 or steps.max() > n or np.any(np.diff(steps) <= 0)):
        raise ValueError(
            f"record must be strictly increasing step numbers in 0..{n}, got {steps.tolist()}"
        )
    return tuple(int(s) for s in steps)


def _step_affine(A, b, k, X, out):
    """``out[i] = A[k[i]] X[i] + b[k[i]]``: rows sorted by map, one GEMM per map's block."""
    K = A.shape[0]
    key = k.astype(np.uint8 if K <= 256 else np.uint16 if K <= 65536 else np.int64)
    order = np.argsort(key, kind="stable")  # radix sort for 8/16-bit keys: O(m)
    ends = np.cumsum(np.bincount(key, minlength=K))
    Xs = np.take(X, order, axis=0)  # np.take: much faster than X[order] for row gathers
    Ys = np.empty_like(Xs)
    start = 0
    for j in range(K):
        end = ends[j]
        if end > start:
            np.matmul(Xs[start:end], A[j].T, out=Ys[start:end])
            Ys[start:end] += b[j]
        start = end
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return np.take(Ys, inverse, axis=0, out=out)


def _sweep(family, words, X, steps) -> Ensemble:
    n = words.shape[1]
    recorded = np.empty((len(steps), X.shape[0], family.dim))
    want = {s: r for r, s in enumerate(steps)}
    if 0 in want:
        recorded[want[0]] = X
    affine = isinstance(family, AffineFamily)
    buf = np.empty_like(X)
    columns = np.ascontiguousarray(words.T)  # (n, m): each step reads one contiguous row
    for t in range(n):
        k = columns[t]
        if affine:
            X, buf = _step_affine(family.A, family.b, k, X, buf), X
        else:
            X = np.asarray(family.apply(k, X), dtype=float)
        if t + 1 in want:
            recorded[want[t + 1]] = X
    return Ensemble(X, steps, recorded)


def forward_ensemble(family, idx, x0, record=None) -> Ensemble:
    r"""Forward end points :math:`x^{(i)}_n` of ``m`` chains with explicit words.

    Args:
        family: a :class:`theory.Family`.
        idx: ``(m, n)`` int array; row i is the word of chain i (``idx[i, 0]`` acts first).
        x0: ``(d,)`` common start point or ``(m, d)`` one per chain.
        record: optional strictly increasing step numbers in ``0..n`` to keep.

    Returns:
        an :class:`Ensemble`.

    Example:
        >>> from theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> forward_ensemble(fam, [[1, 0], [0, 1]], [0.0]).final[:, 0]
        array([0.25, 0.5 ])
    """
    check_family(family)
    words = _check_words(family, idx)
    X = _check_start(family, x0, words.shape[0])
    return _sweep(family, words, X, _check_record(record, words.shape[1]))


def backward_ensemble(family, idx, x0) -> np.ndarray:
    r"""Backward end points :math:`y^{(i)}_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`, shape ``(m, d)``.

    The newest map ``idx[i, n-1]`` acts first on ``x0``, the oldest ``idx[i, 0]`` last: a
    forward sweep over the reversed words.

    Example:
        >>> from theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> backward_ensemble(fam, [[1, 0], [0, 1]], [0.0])[:, 0]
        array([0.5 , 0.25])
    """
    check_family(family)
    words = _check_words(family, idx)
    X = _check_start(family, x0, words.shape[0])
    return _sweep(family, words[:, ::-1], X, ()).final


def sample_word_array(family, m, n, rng=None) -> np.ndarray:
    """``(m, n)`` i.i.d. map indices with law ``family.probs`` (one word per row)."""
    check_family(family)
    m = as_positive_int(m, "m")
    n = as_nonnegative_int(n, "n")
    gen = as_generator(rng)
    return gen.choice(family.K, size=(m, n), p=np.asarray(family.probs)).astype(np.int64)


def sample_forward_ensemble(family, m, n, x0, rng=None, record=None) -> Ensemble:
    """:func:`forward_ensemble` on fresh i.i.d. words from ``family.probs``."""
    return forward_ensemble(family, sample_word_array(family, m, n, rng), x0, record)


def sample_backward_ensemble(family, m, n, x0, rng=None) -> np.ndarray:
    """:func:`backward_ensemble` on fresh i.i.d. words from ``family.probs``."""
    return backward_ensemble(family, sample_word_array(family, m, n, rng), x0)
