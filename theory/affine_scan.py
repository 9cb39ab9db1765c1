r"""Blocked composition of affine maps: forward and backward trajectories without a Python loop per step.

For an affine family :math:`T_k(x) = A_k x + b_k` and a word :math:`\xi_1, \dots, \xi_n`,

.. math::

    x_t = A_{\xi_t} x_{t-1} + b_{\xi_t} \quad\text{(forward)}, \qquad
    y_t = y_{t-1} + P_{t-1}\, s_{\xi_t}, \quad P_t = P_{t-1} A_{\xi_t}, \quad
    s_k = T_k(x_0) - x_0 \quad\text{(backward)},

with :math:`P_0 = I`: :math:`P_t` is the linear part of
:math:`T_{\xi_1} \circ \dots \circ T_{\xi_t}` and the increment :math:`y_t - y_{t-1}` is
the newest map's displacement of :math:`x_0` carried through all older maps.

Both recurrences are sequential, so a loop spends its time in the interpreter (a few
microseconds per step against :math:`d^2` or :math:`d^3` flops). Here the word is cut into
:math:`n_b` blocks of length :math:`B \approx \sqrt{n}` and the composition
:math:`(A, b) \circ (A', b') = (A A', A b' + b)` is evaluated blockwise:

* **backward**: inside block :math:`b` (steps :math:`bB + 1, \dots, bB + B`) the local
  prefixes :math:`L_{b,j} = A_{\xi_{bB+1}} \cdots A_{\xi_{bB+j}}` and the vectors
  :math:`u_{b,j} = L_{b,j-1} s_{\xi_{bB+j}}` are built for all blocks at once (``B``
  batched products); the block carries :math:`C_{b+1} = C_b L_{b,B}`, :math:`C_0 = I`, take
  ``n_b`` small products; then :math:`y_t - y_{t-1} = C_b u_{b,j}` in one batched product
  and :math:`y` is a cumulative sum. Cost :math:`\approx 2 n d^3` flops in
  :math:`B + n_b \approx 2\sqrt{n}` interpreter steps.
* **forward**: the block maps :math:`F_b = T_{\xi_{bB+B}} \circ \dots \circ T_{\xi_{bB+1}}`
  are composed for all blocks at once (``B`` batched steps), the block start points
  :math:`z_{b+1} = F_b(z_b)` follow in ``n_b`` small steps, and then all blocks are run
  forward from their start points simultaneously (``B`` batched matrix-vector steps).
* **d = 1**: the backward recurrence is closed: :math:`P_t` is a cumulative product and
  :math:`y` a cumulative sum of :math:`P_{t-1} s_{\xi_t}` (the same operations, in the
  same order, as the loop: bit-identical).

Memory: the word is processed in segments of at most ``segment`` steps, carrying
:math:`(P, y)` or :math:`x` across segments, and only every ``stride``-th iterate is kept, so a
long run holds :math:`O(\text{segment}\cdot d + d^2)` numbers besides its output.

Round-off: products are associated differently from the loop, so iterates agree with the
sequential recurrences to a few :math:`d\,\varepsilon` times the iterate scale per step (tests
compare with :mod:`revsgd.theory.reference`). If a product overflows (a family that is not a
contraction), the result is recomputed by the plain loop so that what is returned is what
exact sequential IEEE arithmetic gives, never a NaN from ``inf * 0``.

References:
    G. E. Blelloch, "Prefix sums and their applications", Technical Report CMU-CS-90-190,
    Carnegie Mellon University, 1990 (scans of an associative composition).
    N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, ch. 3
    (round-off of products and sums associated differently).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SEGMENT", "backward_affine", "backward_increments_affine", "displacements", "forward_affine"]

#: Steps per segment: bounds the working memory of one call to O(SEGMENT * d * d) floats.
SEGMENT = 1 << 14

#: Below this many steps the plain loop is used (blocking would not pay for itself).
_LOOP_BELOW = 64


def _blocks(n: int) -> tuple[int, int]:
    """Block length B and block count nb with B * nb >= n, B ~ sqrt(n)."""
    B = max(1, int(np.ceil(np.sqrt(n))))
    return B, -(-n // B)


def _padded(idx: np.ndarray, K: int, B: int, nb: int) -> np.ndarray:
    """``idx`` padded with the index K (an appended identity map) to shape ``(nb, B)``."""
    out = np.full(B * nb, K, dtype=np.int64)
    out[: idx.size] = idx
    return out.reshape(nb, B)


def _with_identity(A: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A and v with one extra map (A = I, v = 0) used for padding."""
    d = A.shape[1]
    return np.concatenate([A, np.eye(d)[None]]), np.concatenate([v, np.zeros((1, d))])


# ---------------------------------------------------------------- backward


def displacements(A, b, x0) -> np.ndarray:
    r"""The ``(K, d)`` displacements :math:`s_k = T_k(x_0) - x_0 = A_k x_0 + b_k - x_0`.

    Args:
        A: ``(K, d, d)``; b: ``(K, d)``; x0: ``(d,)``.

    Returns:
        ``(K, d)`` array.

    Example:
        >>> displacements(np.array([[[0.5]]]), np.array([[1.0]]), np.array([2.0])).tolist()
        [[0.0]]
    """
    return np.einsum("kij,j->ki", A, x0) + b - x0


def _backward_loop(A, s, idx, P):
    """Increments P_{t-1} s_{xi_t} by the plain loop; returns (increments, P_n)."""
    inc = np.empty((idx.size, A.shape[1]))
    for t, k in enumerate(idx):
        inc[t] = P @ s[k]
        P = P @ A[k]
    return inc, P


def backward_increments_affine(A, b, idx, x0) -> np.ndarray:
    r"""The backward increments :math:`y_t - y_{t-1} = A_{\xi_1} \cdots A_{\xi_{t-1}} s_{\xi_t}`, ``(n, d)``.

    The recurrence :math:`P_t = P_{t-1} A_{\xi_t}` by the plain loop (one product per step,
    no cancellation: a product, not a difference of iterates). Inputs are trusted.

    Args:
        A: ``(K, d, d)``; b: ``(K, d)``; idx: ``(n,)`` int64 word; x0: ``(d,)``.

    Returns:
        ``(n, d)`` array; row ``t - 1`` is :math:`y_t - y_{t-1}`.

    Example:
        >>> A, b = np.full((2, 1, 1), 0.5), np.array([[1.0], [-1.0]])
        >>> backward_increments_affine(A, b, np.array([0, 1, 0]), np.zeros(1))[:, 0]
        array([ 1.  , -0.5 ,  0.25])
    """
    return _backward_loop(A, displacements(A, b, x0), idx, np.eye(A.shape[1]))[0]


def _backward_blocked(A, s, idx, P):
    """Increments P_{t-1} s_{xi_t} for one segment, blockwise; returns (increments, P_n)."""
    n, d = idx.size, A.shape[1]
    if d == 1:
        a = A[idx, 0, 0]
        prods = np.cumprod(np.concatenate([P[0], a]))  # P_0 .. P_n (carried P_0 first)
        return (prods[:-1] * s[idx, 0])[:, None], prods[-1:].reshape(1, 1)
    B, nb = _blocks(n)
    Ap, sp = _with_identity(A, s)
    words = _padded(idx, A.shape[0], B, nb)
    L = np.broadcast_to(np.eye(d), (nb, d, d)).copy()
    u = np.empty((nb, B, d))
    for j in range(B):
        k = words[:, j]
        u[:, j] = np.matmul(L, sp[k][:, :, None])[:, :, 0]
        L = np.matmul(L, Ap[k])
    C = np.empty((nb, d, d))
    carry = P
    for blk in range(nb):
        C[blk] = carry
        carry = carry @ L[blk]
    inc = np.matmul(u, C.transpose(0, 2, 1)).reshape(nb * B, d)[:n]
    return inc, carry


def backward_affine(A, b, idx, x0, stride: int = 1, segment: int = SEGMENT) -> np.ndarray:
    r"""Backward iterates :math:`y_t = T_{\xi_1} \circ \dots \circ T_{\xi_t}(x_0)` for ``t = 0, stride, 2 stride, ...``.

    Inputs are trusted (validated by the callers in :mod:`revsgd.theory.iterate`).

    Args:
        A: ``(K, d, d)`` linear parts; b: ``(K, d)`` offsets.
        idx: ``(n,)`` int64 word, entries in ``0..K-1``.
        x0: ``(d,)`` start point.
        stride: keep iterates whose step number is a multiple of ``stride``.
        segment: steps processed per segment (memory bound).

    Returns:
        ``(n // stride + 1, d)``; row ``r`` is :math:`y_{r \cdot \mathrm{stride}}`.

    Example:
        >>> A, b = np.full((2, 1, 1), 0.5), np.array([[0.0], [0.5]])
        >>> backward_affine(A, b, np.array([1, 0]), np.zeros(1))[:, 0]
        array([0. , 0.5, 0.5])
    """
    d = A.shape[1]
    s = displacements(A, b, x0)
    out = np.empty((idx.size // stride + 1, d))
    out[0] = x0
    P, y, row = np.eye(d), x0.copy(), 1
    for start in range(0, idx.size, segment):
        seg = idx[start : start + segment]
        method = _backward_loop if seg.size < _LOOP_BELOW else _backward_blocked
        inc, P_next = method(A, s, seg, P)
        if not (np.all(np.isfinite(inc)) and np.all(np.isfinite(P_next))):
            inc, P_next = _backward_loop(A, s, seg, P)
        traj = np.cumsum(np.concatenate([y[None], inc]), axis=0)[1:]  # ((y + i1) + i2) + ...
        first = (-(start + 1)) % stride  # offset of the first kept step in this segment
        kept = traj[first::stride]
        out[row : row + kept.shape[0]] = kept
        row += kept.shape[0]
        P, y = P_next, traj[-1]
    return out


# ---------------------------------------------------------------- forward


def _forward_loop(A, b, idx, x):
    traj = np.empty((idx.size, A.shape[1]))
    for t, k in enumerate(idx):
        x = A[k] @ x + b[k]
        traj[t] = x
    return traj


def _forward_blocked(A, b, idx, x):
    n, d = idx.size, A.shape[1]
    B, nb = _blocks(n)
    Ap, bp = _with_identity(A, b)
    words = _padded(idx, A.shape[0], B, nb)
    Q = np.broadcast_to(np.eye(d), (nb, d, d)).copy()
    r = np.zeros((nb, d))
    for j in range(B):  # block maps F_b = (Q_b, r_b), all blocks at once
        k = words[:, j]
        Q = np.matmul(Ap[k], Q)
        r = np.matmul(Ap[k], r[:, :, None])[:, :, 0] + bp[k]
    z = np.empty((nb, d))
    for blk in range(nb):  # block start points
        z[blk] = x
        x = Q[blk] @ x + r[blk]
    traj = np.empty((nb, B, d))
    for j in range(B):  # every block forward from its start point
        k = words[:, j]
        z = np.matmul(Ap[k], z[:, :, None])[:, :, 0] + bp[k]
        traj[:, j] = z
    return traj.reshape(nb * B, d)[:n]


def forward_affine(A, b, idx, x0, stride: int = 1, segment: int = SEGMENT) -> np.ndarray:
    r"""Forward iterates :math:`x_t = T_{\xi_t} \circ \dots \circ T_{\xi_1}(x_0)` for ``t = 0, stride, ...``.

    Args:
        A: ``(K, d, d)`` linear parts; b: ``(K, d)`` offsets; idx: ``(n,)`` int64 word;
        x0: ``(d,)`` start; stride, segment: as :func:`backward_affine`.

    Returns:
        ``(n // stride + 1, d)``; row ``r`` is :math:`x_{r \cdot \mathrm{stride}}`.

    Example:
        >>> A, b = np.full((2, 1, 1), 0.5), np.array([[0.0], [0.5]])
        >>> forward_affine(A, b, np.array([1, 0]), np.zeros(1))[:, 0]
        array([0.  , 0.5 , 0.25])
    """
    d = A.shape[1]
    out = np.empty((idx.size // stride + 1, d))
    out[0] = x0
    x, row = x0.copy(), 1
    for start in range(0, idx.size, segment):
        seg = idx[start : start + segment]
        method = _forward_loop if seg.size < _LOOP_BELOW else _forward_blocked
        traj = method(A, b, seg, x)
        if not np.all(np.isfinite(traj)):
            traj = _forward_loop(A, b, seg, x)
        first = (-(start + 1)) % stride
        kept = traj[first::stride]
        out[row : row + kept.shape[0]] = kept
        row += kept.shape[0]
        x = traj[-1]
    return out
