r"""Bracket-corrected forward SGD: forward steps plus the C7 term, backward up to O(h^3).

For gradient steps :math:`T_k(x) = x - h\, g_k(x)` and one word :math:`\xi_1, \dots, \xi_n`
(``idx[0] .. idx[n-1]``; write :math:`g_i = \nabla L_{\xi_i}`, :math:`H_i = \nabla^2 L_{\xi_i}`),
the forward and backward iterates (:mod:`revsgd.theory.iterate`)

.. math::

    x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0), \qquad
    y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)

differ at second order by a sum of Lie brackets (THEORY.md C7):

.. math::

    y_n - x_n = h^2 S(x_0) + O(h^3), \qquad
    S(x) = \sum_{i<j} \bigl(H_i g_j - H_j g_i\bigr)(x).

**Derivation.** Forward: :math:`x_{m-1} - x_0 = -h G_{<m} + O(h^2)` with
:math:`G_{<m} = \sum_{i<m} g_i(x_0)`, so
:math:`g_m(x_{m-1}) = g_m(x_0) - h H_m(x_0) G_{<m} + O(h^2)` and, summing the steps,

.. math::

    x_n = x_0 - h \sum_j g_j + h^2 \sum_j H_j G_{<j} + O(h^3)
        = x_0 - h \sum_j g_j + h^2 \sum_{i<j} H_j g_i + O(h^3).

The backward iterate is the forward iterate of the reversed word
:math:`\xi_n, \dots, \xi_1`, so the same expansion with the roles of earlier and later
exchanged gives :math:`y_n = x_0 - h \sum_j g_j + h^2 \sum_{i<j} H_i g_j + O(h^3)`
(all terms at :math:`x_0`). Subtracting gives :math:`S`. The remainder is a sum of third
derivatives of the composition: it is bounded by a constant times :math:`(n h)^3`, so the
expansion is one in :math:`n h` and the correction is meant for windows with
:math:`n h L` small (:math:`L` a curvature bound). For quadratics the bracket of two steps
is exact (C7), but over :math:`n \ge 3` steps products of three Hessians still leave an
:math:`O(h^3)` remainder.

**The corrected step** (what :func:`corrected_forward` computes) runs forward SGD over the
word and adds the bracket term *once, at the end of the word*, *evaluated at the start
point* :math:`x_0`:

.. math::

    z_n = x_n + h^2 S(x_0), \qquad z_n - y_n = O(h^3) \quad (x_n - y_n = O(h^2)).

Only the endpoint is corrected: the intermediate iterates are the forward ones.
:func:`corrected_forward_windows` chains this over consecutive windows of ``window``
steps, each window anchored at the previous window's corrected endpoint.

**Fast evaluation** (prefix and suffix sums, grouping by batch). With
:math:`G = \sum_i g_i` and :math:`G_{<i}, G_{>i}` the sums before and after :math:`i`,

.. math::

    S = \sum_i H_i G_{>i} - \sum_j H_j G_{<j}
      = \sum_i H_i\, v_i, \qquad v_i = G_{>i} - G_{<i} = G - 2 G_{<i} - g_i,

and since a repeated batch has the same Hessian at :math:`x_0`,
:math:`S = \sum_k H_k w_k` with :math:`w_k = \sum_{i:\,\xi_i = k} v_i`. With :math:`m` the number
of distinct batches in the word (:math:`m \le \min(n, K)`): :math:`m` gradients and
:math:`m` Hessian-vector products at :math:`x_0`, plus :math:`O(n d)` arithmetic, instead
of the :math:`n(n-1)` products of the double sum.

**Cost** (oracle calls for one word of length :math:`n \ge 2`, see :func:`corrected_forward_cost`):
:math:`n` gradients for the forward steps (the first one, :math:`g_{\xi_1}(x_0)`, is shared
with the bracket), :math:`m - 1` more gradients at :math:`x_0` and :math:`m` HVPs. Counting
one HVP as one gradient (an HVP costs one to two gradients; for the models here it is two
matrix-vector products, like a gradient), that is :math:`(n + 2m - 1)/n \le 3 - 1/n` map
applications per step. For comparison, the exact backward endpoint :math:`y_n` of a word
known in advance costs :math:`n` map applications (1 per step); it is the whole backward
*trajectory* :math:`y_1, \dots, y_n` that costs :math:`n(n+1)/2`.

**Why only the endpoint.** Correcting every iterate needs
:math:`S_m = \sum_{i<j\le m} (H_i g_j - H_j g_i)` for every prefix :math:`m`, whose increment
:math:`S_m - S_{m-1} = (\sum_{i<m} H_i)\, g_m - H_m G_{<m}` applies the *accumulated*
Hessian of the past batches to the newest gradient. The second term is one HVP per step;
the first is :math:`m - 1` HVPs per step (or a stored :math:`d \times d` matrix), so a
corrected trajectory costs :math:`O(n^2)` HVPs with a gradient/HVP oracle. The endpoint
needs only the suffix sums :math:`G_{>i}`, available once the word is complete.

**Gradient oracles.** The functions here take a :class:`revsgd.theory.family.GradientOracle`
(``K``, ``dim``, ``gradient(k, x)``, ``hvp(k, x, v)``; the models of :mod:`revsgd.models`
are) and call it one batch at a time: ``k`` an int, ``x`` and ``v`` of shape ``(dim,)``. The learning rate
is not part of the oracle: the steps are :math:`x \mapsto x - h\,` ``gradient(k, x)``.

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (the bracket term of C7).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from revsgd.theory._validate import (
    as_finite_array,
    as_index_array,
    as_positive_float,
    as_positive_int,
)
from revsgd.theory.family import check_oracle

__all__ = [
    "CorrectedForward",
    "OracleCost",
    "bracket_sum",
    "corrected_forward",
    "corrected_forward_cost",
    "corrected_forward_windows",
]


class CorrectedForward(NamedTuple):
    r"""One corrected word (:func:`corrected_forward`), each of shape ``(d,)``.

    .. math::

        \mathtt{corrected} = z_n = x_n + h^2 S(x_0), \qquad \mathtt{forward} = x_n, \qquad
        \mathtt{bracket} = S(x_0) .

    Args:
        corrected, forward, bracket: the fields, in this order.

    Raises:
        Nothing: the fields are stored as given.

    Example:
        >>> out = CorrectedForward(np.array([0.18]), np.array([0.2]), np.array([-2.0]))
        >>> out.corrected - out.forward
        array([-0.02])
    """

    corrected: np.ndarray
    forward: np.ndarray
    bracket: np.ndarray


class OracleCost(NamedTuple):
    """Oracle calls of one corrected word of length ``n``: ``gradients`` and ``hvps``."""

    gradients: int
    hvps: int
    n: int

    @property
    def per_step(self) -> float:
        """``(gradients + hvps) / n``: map applications per step, one HVP counted as one."""
        return (self.gradients + self.hvps) / self.n if self.n else 0.0


def _checked(value, what: str, dim: int) -> np.ndarray:
    """An oracle's return value as a finite ``(dim,)`` array; never propagate NaN."""
    out = np.asarray(value, dtype=np.float64)
    if out.shape != (dim,):
        raise ValueError(f"{what} must return shape ({dim},), got shape {out.shape}")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{what} returned non-finite entries (the run diverged?)")
    return out


def _grad(oracle, k: int, x) -> np.ndarray:
    return _checked(oracle.gradient(k, x), f"oracle.gradient({k}, x)", oracle.dim)


def _bracket(oracle, idx: np.ndarray, x: np.ndarray, at_x: dict) -> np.ndarray:
    """S(x) by grouped prefix/suffix sums; ``at_x`` caches gradients at x (filled here)."""
    d = oracle.dim
    if idx.size < 2:
        return np.zeros(d)
    batches = np.unique(idx)
    for k in batches:
        if int(k) not in at_x:
            at_x[int(k)] = _grad(oracle, int(k), x)
    g = np.stack([at_x[int(k)] for k in idx])  # (n, d): g_i(x)
    before = np.cumsum(g, axis=0) - g  # G_{<i}
    v = g.sum(axis=0) - 2.0 * before - g  # G_{>i} - G_{<i}
    w = np.zeros((oracle.K, d))
    np.add.at(w, idx, v)
    S = np.zeros(d)
    for k in batches:
        S += _checked(oracle.hvp(int(k), x, w[k]), f"oracle.hvp({int(k)}, x, v)", d)
    return S


def _prepare(oracle, idx, x, name: str):
    check_oracle(oracle)
    idx = as_index_array(idx, "idx", oracle.K)
    x = as_finite_array(x, name, shape=(oracle.dim,))
    return idx, x


def bracket_sum(oracle, idx, x) -> np.ndarray:
    r"""The C7 bracket sum of a word, evaluated at one point.

    .. math::

        S(x) = \sum_{i<j} \bigl(H_{\xi_i} g_{\xi_j} - H_{\xi_j} g_{\xi_i}\bigr)(x)
             = \sum_k H_k(x) \sum_{i:\,\xi_i = k} \bigl(G_{>i} - G_{<i}\bigr)(x),

    with :math:`m` gradients and :math:`m` HVPs (:math:`m` distinct batches in ``idx``).

    Args:
        oracle: a :class:`~revsgd.theory.family.GradientOracle`.
        idx: int array of shape ``(n,)`` with entries in ``0..K-1`` (the word, oldest first).
        x: the evaluation point, shape ``(d,)``.

    Returns:
        array of shape ``(d,)``; zeros when ``n < 2``.

    Raises:
        TypeError: ``oracle`` not a GradientOracle, non-integer ``idx``, non-numeric ``x``.
        ValueError: bad shapes, indices out of range, non-finite ``x`` or oracle output.

    Example:
        >>> import numpy as np
        >>> class Two:  # L_0 = x^2/2, L_1 = (x - 1)^2: H = 1, 2
        ...     K, dim, probs = 2, 1, np.array([0.5, 0.5])
        ...     def gradient(self, k, x): return np.array([1.0, 2.0])[k] * (x - k)
        ...     def hvp(self, k, x, v): return np.array([1.0, 2.0])[k] * v
        >>> bracket_sum(Two(), [0, 1], np.zeros(1))  # H_0 g_1 - H_1 g_0 = -2 - 0
        array([-2.])
    """
    idx, x = _prepare(oracle, idx, x, "x")
    return _bracket(oracle, idx, x, {})


def _forward_end(oracle, lr: float, idx, x0, first) -> np.ndarray:
    x = x0
    for j, k in enumerate(idx):
        g = first if j == 0 else _grad(oracle, int(k), x)
        with np.errstate(over="ignore", invalid="ignore"):  # checked just below
            x = x - lr * g
        if not np.all(np.isfinite(x)):
            raise ValueError(f"forward iterate became non-finite at step {j + 1}: lr = {lr} too large?")
    return x


def corrected_forward(oracle, lr, idx, x0) -> CorrectedForward:
    r"""Forward SGD over one word plus the bracket term at its start: :math:`y_n + O(h^3)`.

    .. math::

        z_n = \underbrace{T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)}_{x_n}
              + h^2 \sum_{i<j} \bigl(H_{\xi_i} g_{\xi_j} - H_{\xi_j} g_{\xi_i}\bigr)(x_0)
            = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0) + O(h^3).

    The correction is evaluated at :math:`x_0` and applied once, to the endpoint (see the
    module docstring for the derivation and why intermediate iterates are not corrected).

    Args:
        oracle: a :class:`~revsgd.theory.family.GradientOracle`.
        lr: learning rate :math:`h > 0`.
        idx: int array of shape ``(n,)`` (the word, oldest first).
        x0: start point, shape ``(d,)``.

    Returns:
        :class:`CorrectedForward` ``(corrected, forward, bracket)``.

    Raises:
        TypeError: ``oracle`` not a GradientOracle, non-real ``lr``, non-integer ``idx``.
        ValueError: ``lr <= 0`` or non-finite, bad shapes or indices, non-finite ``x0``,
            non-finite oracle output or a diverging forward run.

    Example:
        >>> import numpy as np
        >>> class Two:
        ...     K, dim, probs = 2, 1, np.array([0.5, 0.5])
        ...     def gradient(self, k, x): return np.array([1.0, 2.0])[k] * (x - k)
        ...     def hvp(self, k, x, v): return np.array([1.0, 2.0])[k] * v
        >>> out = corrected_forward(Two(), 0.1, [0, 1], np.zeros(1))
        >>> out.forward, out.bracket  # T_1(T_0(0)) = 0.2; S(0) = -2
        (array([0.2]), array([-2.]))
    """
    idx, x0 = _prepare(oracle, idx, x0, "x0")
    lr = as_positive_float(lr, "lr")
    if idx.size == 0:
        return CorrectedForward(x0.copy(), x0.copy(), np.zeros(oracle.dim))
    at_x0 = {int(idx[0]): _grad(oracle, int(idx[0]), x0)}
    S = _bracket(oracle, idx, x0, at_x0)
    x = _forward_end(oracle, lr, idx, x0, at_x0[int(idx[0])])
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        z = x + lr * lr * S
    if not np.all(np.isfinite(z)):
        raise ValueError(f"the corrected iterate is not finite: lr = {lr} too large?")
    return CorrectedForward(z, x, S)


def corrected_forward_cost(idx, K) -> OracleCost:
    r"""Oracle calls of :func:`corrected_forward` on the word ``idx``.

    .. math::

        \text{gradients} = n + m - 1, \qquad \text{hvps} = m \quad (n \ge 2),

    with :math:`m` the number of distinct batches in the word; :math:`(n, 0)` for
    :math:`n \le 1` (no bracket).

    Example:
        >>> corrected_forward_cost([0, 1, 2, 3], K=4).per_step
        2.75
    """
    K = as_positive_int(K, "K")
    idx = as_index_array(idx, "idx", K)
    n = int(idx.size)
    if n < 2:
        return OracleCost(n, 0, n)
    m = int(np.unique(idx).size)
    return OracleCost(n + m - 1, m, n)


def corrected_forward_windows(oracle, lr, idx, x0, window) -> np.ndarray:
    r"""Corrected forward SGD in consecutive windows of ``window`` steps.

    .. math::

        z_0 = x_0, \qquad
        z_{b+1} = x^{(b)}_w + h^2 S^{(b)}(z_b),

    where :math:`x^{(b)}_w` is the forward iterate of window :math:`b` (the word
    ``idx[b w:(b+1) w]``) started at :math:`z_b` and :math:`S^{(b)}` its bracket sum.
    Each window map agrees with the backward composition of its word
    :math:`T_{\xi_{bw+1}} \circ \dots \circ T_{\xi_{(b+1)w}}` up to :math:`O(h^3)`.
    ``window = 1`` is forward SGD (a one-step word has no bracket).

    Stationary spread: for i.i.d. (or reshuffled) words the backward composition of a window
    has the same law as its forward composition (reversing an exchangeable word keeps its
    law), so the exact windowed-backward chain has, at window ends, the stationary law of
    forward SGD, and these corrected windows approximate it. The correction therefore does
    not shrink the spread around the backward limit: measured on a quadratic (d = 2, K = 4)
    and on logistic regression (d = 3, K = 8), the spread equals the forward one within
    sampling error while ``window * h * L <~ 1``, and grows well above it beyond (at
    ``window * h * L = 12.8`` on the quadratic, 23 times the forward spread), where the
    expansion in :math:`n h` no longer holds.

    Args:
        oracle: a :class:`~revsgd.theory.family.GradientOracle`.
        lr: learning rate :math:`h > 0`.
        idx: int array of shape ``(n,)``; ``n`` must be a multiple of ``window``.
        x0: start point, shape ``(d,)``.
        window: steps per window, a positive int dividing ``n``.

    Returns:
        array of shape ``(n / window + 1, d)``: row b is :math:`z_b` (row 0 is ``x0``).

    Raises:
        TypeError, ValueError: as :func:`corrected_forward`; also a non-integer ``window``,
            ``window < 1`` or a ``window`` that does not divide ``n``.

    Example:
        >>> class Two:  # L_0 = x^2/2, L_1 = (x - 1)^2
        ...     K, dim = 2, 1
        ...     def gradient(self, k, x): return np.array([1.0, 2.0])[k] * (x - k)
        ...     def hvp(self, k, x, v): return np.array([1.0, 2.0])[k] * v
        >>> corrected_forward_windows(Two(), 0.1, [0, 1, 0, 1], np.zeros(1), 2)[:, 0]  # z_1 = 0.2 - 0.01 * 2
        array([0.    , 0.18  , 0.3096])
    """
    idx, x0 = _prepare(oracle, idx, x0, "x0")
    lr = as_positive_float(lr, "lr")
    window = as_positive_int(window, "window")
    n = idx.size
    if n % window:
        raise ValueError(
            f"window must divide the run length len(idx) = {n} (whole windows only), got window = {window}"
        )
    out = np.empty((n // window + 1, oracle.dim))
    out[0] = x0
    for b in range(n // window):
        out[b + 1] = corrected_forward(oracle, lr, idx[b * window:(b + 1) * window], out[b]).corrected
    return out
