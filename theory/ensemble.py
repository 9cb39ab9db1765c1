r"""Ensembles of independent chains, advanced together (one batched step per time step).

Row :math:`i` of a word array ``words`` of shape ``(m, n)`` is the word
:math:`\xi^{(i)}_1, \dots, \xi^{(i)}_n` of chain :math:`i`. With the same words,

.. math::

    x^{(i)}_n = T_{\xi^{(i)}_n} \circ \dots \circ T_{\xi^{(i)}_1}(x_0)
    \quad\text{(forward)}, \qquad
    y^{(i)}_n = T_{\xi^{(i)}_1} \circ \dots \circ T_{\xi^{(i)}_n}(x_0)
    \quad\text{(backward)} .

The backward end point :math:`y_n` of a word is the forward end point of the *reversed*
word, so both are computed by the same sweep of ``n`` batched steps (``n m`` map
applications); only the column order differs. For a general family the sweep is the
wavefront of :mod:`revsgd.theory.engine` with one row per chain (at level :math:`s` chain
:math:`i` applies column :math:`s` of its word, reversed for backward): one call of
``family.apply`` on all ``m`` rows per step. An :class:`~revsgd.theory.family.AffineFamily`
instead keeps the rows grouped by their current map and does one
``(rows, d+1) x (d+1, d+1)`` product per map (:func:`_sweep_affine`). Both directions return
an :class:`~revsgd.theory.run.Ensemble`.

With i.i.d. words (:func:`sample_word_array`), C2 says the ``m`` forward and the ``m``
backward end points are two samples of the same law.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999
    (forward and backward end points share their law).
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import (as_array, as_finite_array, as_generator, as_nonnegative_int, as_positive_int,
                                     as_probabilities)
from revsgd.theory.divergence import check_finite
from revsgd.theory.engine import Positions, wavefront
from revsgd.theory.ensemble_kernel import fused_affine_sweep, use_fused
from revsgd.theory.family import AffineFamily, check_family
from revsgd.theory.memory import check_allocation
from revsgd.theory.run import Ensemble, check_record

__all__ = [
    "backward_ensemble",
    "forward_ensemble",
    "sample_backward_ensemble",
    "sample_forward_ensemble",
    "sample_word_array",
]


def _check_words(family, words) -> np.ndarray:
    if isinstance(words, (str, bytes)) or words is None:
        raise TypeError(f"words must be an (m, n) integer array, got {type(words).__name__}")
    arr = as_array(words, "words", "an (m, n) integer array",
                   ragged="an (m, n) integer array (every word of one length n)")
    if arr.ndim != 2:
        raise ValueError(f"words must have shape (m, n) (one word per row), got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError("words must hold at least one chain (m >= 1), got m = 0")
    if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"words must hold integers, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= family.K):
        raise ValueError(
            f"words must lie in 0..{family.K - 1}, got values in {arr.min()}..{arr.max()}"
        )
    return arr.astype(np.int64, copy=False)


def check_start(family, x0, m) -> np.ndarray:
    """``x0`` as ``(m, d)`` start points: a ``(d,)`` common start broadcast, or ``(m, d)`` copied."""
    x0 = as_finite_array(x0, "x0")
    if x0.shape == (family.dim,):
        return np.broadcast_to(x0, (m, family.dim)).copy()
    if x0.shape == (m, family.dim):
        return x0.copy()
    raise ValueError(
        f"x0 must have shape (d,) = ({family.dim},) or (m, d) = ({m}, {family.dim}), "
        f"got shape {x0.shape}"
    )


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


def _checked(ens: Ensemble, family, what: str) -> Ensemble:
    """The ensemble, after refusing non-finite states (:mod:`revsgd.theory.divergence`)."""
    if ens.recorded.size:
        check_finite(ens.recorded, family, what, ens.steps, "recorded step")
    check_finite(ens.final.T, family, what, None, "chain")
    return ens


def _ensemble_memory(what: str, m: int, n: int, d: int, recorded: int) -> None:
    check_allocation(
        8 * (m * n + 4 * m * (d + 1) + recorded * m * d),
        f"{what}: {m} chains of {n} steps in dimension d = {d} ({recorded} recorded steps)",
        "pass a smaller m or n, record fewer steps, or use stream_forward_ensemble (words drawn "
        "chunkwise, never held)",
    )


def sweep(family, words, X, steps=()) -> Ensemble:
    r"""Advance chain :math:`i` from ``X[i]`` through ``words[i]`` in column order (inputs trusted).

    Column :math:`t` acts at step :math:`t + 1`: the forward sweep of the rows of ``words``
    (a backward ensemble passes them reversed); the states after ``steps`` are recorded.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> sweep(fam, np.array([[1, 0]]), np.zeros((1, 1)), (1,)).recorded[0, 0]
        array([0.5])
    """
    if isinstance(family, AffineFamily):  # fused numba kernel, or the numpy fallback
        if use_fused(*words.shape, family.dim):
            return fused_affine_sweep(family.A, family.b, words, X, steps)
        return _sweep_affine(family.A, family.b, words, X, steps)
    m, n = words.shape
    columns = np.ascontiguousarray(words.T).reshape(-1)  # step t reads one contiguous run
    chains = Positions(np.full(m, n), lambda rows, s: s * m + rows)
    final, recorded = wavefront(family, columns, X, chains, record=steps)
    return Ensemble(final, steps, recorded)


def forward_ensemble(family, words, x0, record=None) -> Ensemble:
    r"""Forward end points :math:`x^{(i)}_n` of ``m`` chains with explicit words.

    .. math::

        x^{(i)}_t = T_{\xi^{(i)}_t} \circ \dots \circ T_{\xi^{(i)}_1}(x^{(i)}_0),
        \qquad t = n \text{ and } t \in \mathrm{record} .

    Args:
        family: a :class:`revsgd.theory.Family`.
        words: ``(m, n)`` int array; row i is the word of chain i (``words[i, 0]`` acts first).
        x0: ``(d,)`` common start point or ``(m, d)`` one per chain.
        record: optional strictly increasing step numbers in ``0..n`` to keep.

    Returns:
        an :class:`~revsgd.theory.run.Ensemble`.

    Raises:
        TypeError / ValueError: a bad family, word array, start or record (named).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> forward_ensemble(fam, [[1, 0], [0, 1]], [0.0]).final[:, 0]
        array([0.25, 0.5 ])
    """
    check_family(family)
    words = _check_words(family, words)
    X = check_start(family, x0, words.shape[0])
    steps = () if record is None else tuple(int(s) for s in check_record(record, words.shape[1]))
    _ensemble_memory("forward_ensemble", *words.shape, family.dim, len(steps))
    with np.errstate(over="ignore", invalid="ignore"):
        return _checked(sweep(family, words, X, steps), family, "forward_ensemble")


def backward_ensemble(family, words, x0) -> Ensemble:
    r"""Backward end points :math:`y^{(i)}_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)` of ``m`` chains.

    The newest map ``words[i, n-1]`` acts first on ``x0``, the oldest ``words[i, 0]`` last: a
    forward sweep over the reversed words. (Intermediate backward iterates are not states
    of that sweep, so nothing is recorded: ``steps`` is empty.)

    Args:
        family: a :class:`revsgd.theory.Family`.
        words: ``(m, n)`` int array, one word per row.
        x0: ``(d,)`` common start point or ``(m, d)`` one per chain.

    Returns:
        an :class:`~revsgd.theory.run.Ensemble` whose ``final`` is ``(m, d)``.

    Raises:
        TypeError / ValueError: a bad family, word array or start (named).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> backward_ensemble(fam, [[1, 0], [0, 1]], [0.0]).final[:, 0]
        array([0.5 , 0.25])
    """
    check_family(family)
    words = _check_words(family, words)
    X = check_start(family, x0, words.shape[0])
    _ensemble_memory("backward_ensemble", *words.shape, family.dim, 0)
    with np.errstate(over="ignore", invalid="ignore"):
        return _checked(sweep(family, words[:, ::-1], X), family, "backward_ensemble")


def sample_word_array(family, m, n, rng=None) -> np.ndarray:
    r"""``(m, n)`` i.i.d. map indices with law ``family.probs`` (one word per row).

    .. math::

        \Pr(\mathtt{words}[i, t] = k) = p_k, \quad \text{independently over } i, t .

    Args:
        family: a :class:`revsgd.theory.Family`.
        m: number of words, >= 1; n: their length, >= 0.
        rng: a ``numpy.random.Generator``, an int seed or None.

    Returns:
        ``(m, n)`` int64 array.

    Raises:
        TypeError: ``family`` is not a :class:`revsgd.theory.Family`, a non-integer ``m`` or
            ``n``, or a bad ``rng``.
        ValueError: ``m < 1`` or ``n < 0``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]], probs=[0.0, 1.0])
        >>> sample_word_array(fam, 2, 3, rng=0).tolist()
        [[1, 1, 1], [1, 1, 1]]
    """
    check_family(family)
    m = as_positive_int(m, "m")
    n = as_nonnegative_int(n, "n")
    gen = as_generator(rng)
    check_allocation(16 * m * n, f"sample_word_array: an (m, n) = ({m}, {n}) word array",
                     "pass a smaller m or n, or use stream_forward_ensemble (words drawn chunkwise)")
    p = as_probabilities(family.probs, "family.probs", family.K)
    return gen.choice(family.K, size=(m, n), p=p).astype(np.int64)


def sample_forward_ensemble(family, m, n, x0, rng=None, record=None) -> Ensemble:
    r""":func:`forward_ensemble` on fresh i.i.d. words from ``family.probs``.

    .. math::

        x^{(i)}_n = T_{\xi^{(i)}_n} \circ \dots \circ T_{\xi^{(i)}_1}(x_0), \qquad
        \xi^{(i)}_t \overset{\text{iid}}{\sim} p .

    Args:
        family: a :class:`revsgd.theory.Family`; m: chains, >= 1; n: steps, >= 0.
        x0: ``(d,)`` or ``(m, d)`` start; rng: Generator, seed or None; record: as
            :func:`forward_ensemble`.

    Returns:
        an :class:`~revsgd.theory.run.Ensemble`.

    Raises:
        TypeError / ValueError: as :func:`sample_word_array` and :func:`forward_ensemble`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> sample_forward_ensemble(fam, 4, 3, [0.0], rng=0, record=[0, 3]).recorded.shape
        (2, 4, 1)
    """
    return forward_ensemble(family, sample_word_array(family, m, n, rng), x0, record)


def sample_backward_ensemble(family, m, n, x0, rng=None) -> Ensemble:
    r""":func:`backward_ensemble` on fresh i.i.d. words from ``family.probs``.

    .. math::

        y^{(i)}_n = T_{\xi^{(i)}_1} \circ \dots \circ T_{\xi^{(i)}_n}(x_0), \qquad
        \xi^{(i)}_t \overset{\text{iid}}{\sim} p,

    by C2 a sample of the same law as the forward end points.

    Args:
        family: a :class:`revsgd.theory.Family`; m: chains, >= 1; n: steps, >= 0.
        x0: ``(d,)`` or ``(m, d)`` start; rng: Generator, seed or None.

    Returns:
        an :class:`~revsgd.theory.run.Ensemble` of the backward end points.

    Raises:
        TypeError / ValueError: as :func:`sample_word_array` and :func:`backward_ensemble`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> sample_backward_ensemble(fam, 4, 3, [0.0], rng=0).final.shape
        (4, 1)
    """
    return backward_ensemble(family, sample_word_array(family, m, n, rng), x0)
