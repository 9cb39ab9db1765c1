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
``family.apply`` on all ``m`` rows; an :class:`~revsgd.theory.family.AffineFamily` instead keeps the
rows grouped by their current map and does one ``(rows, d+1) x (d+1, d+1)`` product per map
(:func:`_sweep_affine`).

With i.i.d. words (:func:`sample_word_array`), C2 says the ``m`` forward and the ``m``
backward end points are two samples of the same law.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.theory._validate import as_finite_array, as_generator, as_nonnegative_int, as_positive_int
from revsgd.theory.family import AffineFamily, check_family

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


def _sweep_affine(A, b, words, X, steps) -> Ensemble:
    r"""Affine sweep with the chains kept grouped by their current map.

    The state is stored augmented, ``[x, 1]``, so one ``(rows, d+1) x (d+1, d+1)`` product per
    map applies :math:`x \mapsto A_k x + b_k` (the last column stays 1). Rows are permuted
    so that each map's chains are contiguous, and the permutation is *kept* (``ids[r]`` is the
    chain held in row ``r``) instead of being undone every step: one row gather per step
    (``np.take``) plus a radix sort of 8/16-bit keys.
    """
    m, n = words.shape
    K, d = A.shape[0], A.shape[1]
    aug = np.zeros((K, d + 1, d + 1))
    aug[:, :d, :d] = A.transpose(0, 2, 1)
    aug[:, d, :d] = b
    aug[:, d, d] = 1.0
    key_type = np.uint8 if K <= 256 else np.uint16 if K <= 65536 else np.int64
    columns = np.ascontiguousarray(words.T).astype(key_type)  # (n, m): step t reads row t
    state = np.empty((m, d + 1))
    state[:, :d], state[:, d] = X, 1.0
    out = np.empty_like(state)
    ids = np.arange(m)
    recorded = np.empty((len(steps), m, d))
    want = {s: r for r, s in enumerate(steps)}
    if 0 in want:
        recorded[want[0]] = X
    for t in range(n):
        key = columns[t].take(ids)
        order = np.argsort(key, kind="stable")  # radix sort for 8/16-bit keys: O(m)
        ends = np.cumsum(np.bincount(key, minlength=K))
        grouped = state.take(order, axis=0)
        ids = ids.take(order)
        start = 0
        for k in range(K):
            if ends[k] > start:
                np.matmul(grouped[start : ends[k]], aug[k], out=out[start : ends[k]])
            start = ends[k]
        state, out = out, state
        if t + 1 in want:
            recorded[want[t + 1]][ids] = state[:, :d]
    final = np.empty((m, d))
    final[ids] = state[:, :d]
    return Ensemble(final, steps, recorded)


def _sweep(family, words, X, steps) -> Ensemble:
    if isinstance(family, AffineFamily):
        return _sweep_affine(family.A, family.b, words, X, steps)
    n = words.shape[1]
    recorded = np.empty((len(steps), X.shape[0], family.dim))
    want = {s: r for r, s in enumerate(steps)}
    if 0 in want:
        recorded[want[0]] = X
    columns = np.ascontiguousarray(words.T)  # (n, m): each step reads one contiguous row
    for t in range(n):
        X = np.asarray(family.apply(columns[t], X), dtype=float)
        if t + 1 in want:
            recorded[want[t + 1]] = X
    return Ensemble(X, steps, recorded)


def forward_ensemble(family, idx, x0, record=None) -> Ensemble:
    r"""Forward end points :math:`x^{(i)}_n` of ``m`` chains with explicit words.

    Args:
        family: a :class:`revsgd.theory.Family`.
        idx: ``(m, n)`` int array; row i is the word of chain i (``idx[i, 0]`` acts first).
        x0: ``(d,)`` common start point or ``(m, d)`` one per chain.
        record: optional strictly increasing step numbers in ``0..n`` to keep.

    Returns:
        an :class:`Ensemble`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
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
        >>> from revsgd.theory.family import AffineFamily
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
