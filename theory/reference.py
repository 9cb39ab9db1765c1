r"""Naive reference implementations: obviously correct, slow on purpose.

They are the baselines that the fast paths of :mod:`revsgd.theory.iterate` (the affine scans
and the wavefront of :mod:`revsgd.theory.engine`) are tested and benchmarked against. Each
recomputes from the definition:

.. math::

    x_j = T_{\xi_j}(x_{j-1}), \qquad
    y_j = T_{\xi_1}(T_{\xi_2}(\cdots T_{\xi_j}(x_0))) \ \text{(recomputed from } x_0
    \text{ for every } j\text{: } j(j+1)/2 \text{ applications)}.

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (the forward and backward iterates).
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "forward_naive",
    "forward_naive_affine",
    "backward_naive",
    "backward_naive_affine",
    "forward_ensemble_naive_affine",
]


def forward_naive(family, idx, x0) -> np.ndarray:
    """Forward trajectory by a plain loop over ``family.apply`` (shape ``(n+1, d)``).

    Args:
        family: a :class:`revsgd.theory.Family`; idx: the word; x0: ``(d,)`` start.

    Returns:
        ``(n + 1, d)`` array, row j the forward iterate :math:`x_j`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> forward_naive(fam, [1, 0], [0.0])[:, 0]
        array([0.  , 0.5 , 0.25])
    """
    x = np.asarray(x0, dtype=float)
    rows = [x]
    for k in idx:
        x = family.apply(int(k), x)
        rows.append(x)
    return np.array(rows)


def backward_naive(family, idx, x0) -> np.ndarray:
    """Backward trajectory recomputing every composition from ``x0`` (shape ``(n+1, d)``).

    Args:
        family: a :class:`revsgd.theory.Family`; idx: the word; x0: ``(d,)`` start.

    Returns:
        ``(n + 1, d)`` array, row j the backward iterate :math:`y_j` (:math:`j(j+1)/2`
        applications in all).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> backward_naive(fam, [1, 0], [0.0])[:, 0]
        array([0. , 0.5, 0.5])
    """
    x0 = np.asarray(x0, dtype=float)
    rows = [x0]
    for j in range(1, len(idx) + 1):
        y = x0
        for k in reversed(idx[:j]):  # the newest map idx[j-1] acts first
            y = family.apply(int(k), y)
        rows.append(y)
    return np.array(rows)


def backward_naive_affine(A, b, idx, x0) -> np.ndarray:
    """:func:`backward_naive` for an affine family given as arrays, without per-call checks.

    The fair baseline for benchmarks: the same :math:`n(n+1)/2` matrix-vector products,
    with no validation overhead.

    Args:
        A: ``(K, d, d)``; b: ``(K, d)``; idx: the word; x0: ``(d,)`` start.

    Returns:
        ``(n + 1, d)`` array of backward iterates.

    Example:
        >>> backward_naive_affine(np.full((2, 1, 1), 0.5), np.array([[0.0], [0.5]]), [1, 0], [0.0])[:, 0]
        array([0. , 0.5, 0.5])
    """
    x0 = np.asarray(x0, dtype=float)
    out = np.empty((len(idx) + 1, x0.size))
    out[0] = x0
    for j in range(1, len(idx) + 1):
        y = x0
        for k in idx[j - 1 :: -1]:
            y = A[k] @ y + b[k]
        out[j] = y
    return out


def forward_naive_affine(A, b, idx, x0) -> np.ndarray:
    """The plain forward loop ``x = A[k] @ x + b[k]`` on arrays (shape ``(n+1, d)``).

    The fair "plain forward loop" baseline: one matrix-vector product per step, no checks.

    Args:
        A: ``(K, d, d)``; b: ``(K, d)``; idx: the word; x0: ``(d,)`` start.

    Returns:
        ``(n + 1, d)`` array of forward iterates.

    Example:
        >>> forward_naive_affine(np.full((2, 1, 1), 0.5), np.array([[0.0], [0.5]]), [1, 0], [0.0])[:, 0]
        array([0.  , 0.5 , 0.25])
    """
    x = np.asarray(x0, dtype=float)
    out = np.empty((len(idx) + 1, x.size))
    out[0] = x
    for j, k in enumerate(idx, start=1):
        x = A[k] @ x + b[k]
        out[j] = x
    return out


def forward_ensemble_naive_affine(A, b, words, X) -> np.ndarray:
    """End points of ``m`` forward chains, row i with word ``words[i]``: gather each row's
    matrix and apply it (``einsum`` over ``A[k]``), one step at a time (shape ``(m, d)``).

    Args:
        A: ``(K, d, d)``; b: ``(K, d)``; words: ``(m, n)`` int array; X: ``(m, d)`` starts.

    Returns:
        ``(m, d)`` array of forward end points.

    Example:
        >>> A, b = np.full((2, 1, 1), 0.5), np.array([[0.0], [0.5]])
        >>> forward_ensemble_naive_affine(A, b, np.array([[1, 0], [0, 1]]), np.zeros((2, 1)))[:, 0]
        array([0.25, 0.5 ])
    """
    X = np.array(X, dtype=float)
    for t in range(words.shape[1]):
        k = words[:, t]
        X = np.einsum("mij,mj->mi", A[k], X) + b[k]
    return X
