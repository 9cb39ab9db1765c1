r"""Windowed backward iteration: two precise ways to compose only part of the word backward.

With the word :math:`\xi_1, \dots, \xi_n` (``word[0] .. word[n-1]``), forward iterates
:math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)` and a window :math:`w \ge 1`:

**Moving window** (:func:`moving_window`): the last :math:`w` maps composed backward onto the
forward iterate from before the window,

.. math::

    z_n = T_{\xi_{n-w+1}} \circ \dots \circ T_{\xi_n}(x_{n-w}) \quad (n \ge w), \qquad
    z_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0) = y_n \quad (n < w).

:math:`w = 1` is forward SGD (:math:`z_n = x_n`), :math:`w \ge n` is backward SGD
(:math:`z_n = y_n`). It does **not** converge to a point and does **not** change the law:
:math:`x_{n-w}` is a function of :math:`\xi_1..\xi_{n-w}` only, and for i.i.d. indices the
reversed window :math:`(\xi_n, \dots, \xi_{n-w+1})` is again an i.i.d. word independent of
it, so

.. math::

    \operatorname{Law}(z_n) = \operatorname{Law}(T_{\xi_n} \circ \dots \circ T_{\xi_{n-w+1}}(x_{n-w}))
    = \operatorname{Law}(x_n) \quad\text{for every } n \text{ and } w .

The stationary spread is therefore exactly that of forward SGD. Only the path changes:
writing :math:`M = T_{\xi_{n-w+2}} \circ \dots \circ T_{\xi_n}` (:math:`w - 1` maps),
:math:`z_n = T_{\xi_{n-w+1}}(M(x_{n-w}))` and :math:`z_{n+1} = M(T_{\xi_{n+1}}(x_{n-w+1}))`,
so :math:`|z_n - T_{\xi_{n-w+1}}(z_{n+1})| \le \rho^{w} \cdot 2C/(1-\rho)`: for a long window the
path is, up to :math:`\rho^w`, the forward chain run backward in time, and its stationary
increments :math:`|z_{n+1} - z_n|` keep the size of forward SGD's.

**Block backward** (:func:`block_backward`): cut the word into blocks
:math:`B_j = (\xi_{(j-1)w+1}, \dots, \xi_{jw})`, compose forward inside a block
(:math:`F_{B} = T_{\xi_{jw}} \circ \dots \circ T_{\xi_{(j-1)w+1}}`) and backward across
blocks. With :math:`n = (j-1)w + r`, :math:`0 \le r < w`, and
:math:`G_{j-1} = F_{B_1} \circ \dots \circ F_{B_{j-1}}` (the outer maps, held fixed while the
new block fills),

.. math::

    z_n = G_{j-1}(u_r), \qquad u_r = T_{\xi_{(j-1)w+r}} \circ \dots \circ T_{\xi_{(j-1)w+1}}(x_0),
    \ u_0 = x_0 .

The inner point :math:`u` is forward SGD restarted at :math:`x_0` every :math:`w` steps; at a
block end :math:`G_j = G_{j-1} \circ F_{B_j}`. :math:`w = 1` is backward SGD, :math:`w \ge n`
is forward SGD. :math:`z_n` is the forward end point of a permutation of the word (blocks in
reverse order, each in forward order), so for i.i.d. indices again
:math:`\operatorname{Law}(z_n) = \operatorname{Law}(x_n)`; but it **converges to a point**.
If every map is :math:`\rho`-Lipschitz with :math:`\rho < 1` and
:math:`C = \max_k |T_k(x_0) - x_0|`, every composition of maps sends :math:`x_0` into the ball
:math:`B(x_0, C/(1-\rho))` (telescoping), so :math:`|u_{r+1} - u_r| \le 2C/(1-\rho)` and, since
:math:`G_{j-1}` is a composition of :math:`(j-1)w = w\lfloor n/w \rfloor` maps,

.. math::

    |z_{n+1} - z_n| \le \rho^{w \lfloor n/w \rfloor} \frac{2C}{1-\rho}, \qquad
    |z_n - z_\infty| \le \rho^{w \lfloor n/w \rfloor} \frac{2C}{1-\rho}, \qquad
    |z_n(x_0) - z_n(x_0')| \le \rho^n |x_0 - x_0'| .

(The second: :math:`z_\infty = G_{j-1}(v)` with :math:`v` also in the ball.) The rate is that
of C1, delayed by at most one block.

Both are wavefronts of :mod:`revsgd.theory.engine`: row :math:`n` of the moving window starts
at :math:`x_{\max(n-w,0)}` and applies :math:`\xi_{n-s}` at level :math:`s < \min(n, w)`; row
:math:`n` of block backward starts at :math:`x_0` and applies the letters of
:func:`block_word` in turn.

Cost in map applications (a general family, whose maps can only be applied):
:func:`moving_window` spends :math:`w` per step on top of the forward run (``w`` batched
``apply`` calls in all); :func:`block_backward` keeps the composed outer map for an
:class:`~revsgd.theory.family.AffineFamily` (one application, one matrix-vector and one
:math:`d \times d` product per step), and for a general family recomputes :math:`z_n` from
:math:`x_0` (:math:`n` applications) unless ``tol`` is given: then the trajectory is frozen
after the certified depth :math:`D` (a multiple of :math:`w`, with
:math:`\rho^D C/(1-\rho) \le \mathrm{tol}`), at most :math:`D(D+1)/2` applications in all (the certified freezing of
:func:`revsgd.theory.engine.certified_run`).

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (the
    contraction bound behind the rates); arXiv:2502.01557 (forward and backward SGD).
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_index_array, as_nonnegative_int, as_positive_int
from revsgd.theory.contraction import _check_rho_C, _check_steps
from revsgd.theory.divergence import check_finite
from revsgd.theory.engine import Positions, certified_run, wavefront
from revsgd.theory.family import AffineFamily, check_family, check_point
from revsgd.theory.iterate import forward_loop, trajectory_memory
from revsgd.theory.run import Run

__all__ = [
    "block_backward",
    "block_backward_bound",
    "block_word",
    "moving_window",
    "moving_window_applications",
]


def _prepare(family, word, x0, window):
    check_family(family)
    word = as_index_array(word, "word", family.K)
    x0 = check_point(family, x0)
    window = as_positive_int(window, "window")
    return word, x0, window


def moving_window_applications(n, window) -> int:
    r""":math:`n + \sum_{i=1}^{n} \min(w, i)`: applications of :func:`moving_window` (forward run included).

    Args:
        n: the number of steps, >= 0.
        window: :math:`w \ge 1`.

    Returns:
        the count, an int.

    Example:
        >>> moving_window_applications(3, 2)
        8
    """
    n, w = as_nonnegative_int(n, "n"), as_positive_int(window, "window")
    full = max(0, n - w)
    short = min(n, w)
    return n + full * w + short * (short + 1) // 2


def moving_window(family, word, x0, window) -> Run:
    r"""Moving-window backward trajectory (see the module docstring).

    .. math::

        z_n = T_{\xi_{\max(n-w,0)+1}} \circ \dots \circ T_{\xi_n}(x_{\max(n-w, 0)}) .

    The forward run is one pass; the windows are a wavefront: at level :math:`s = 0..w-1`
    every row :math:`n > s` applies map :math:`\xi_{n-s}` (one batched ``apply`` per level).

    Args:
        family: a :class:`revsgd.theory.Family`.
        word: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        window: :math:`w \ge 1`; any :math:`w \ge n` gives the backward trajectory.

    Returns:
        a :class:`~revsgd.theory.run.Run`; ``applications`` is :func:`moving_window_applications`.

    Raises:
        TypeError: non-integer ``window``; ValueError: ``window < 1`` (and the checks of
            :func:`revsgd.theory.forward`).

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> moving_window(fam, [1, 0, 0], np.zeros(1), 2).trajectory[:, 0]
        array([0.   , 0.5  , 0.5  , 0.125])
    """
    word, x0, w = _prepare(family, word, x0, window)
    n = word.size
    trajectory_memory("moving_window", n + 1, family.dim, n, copies=4)
    rows = np.arange(n + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        x = forward_loop(family, word, x0, rows)
        depth = np.minimum(rows, w)
        z, _ = wavefront(family, word, x[np.maximum(rows - w, 0)], Positions(depth, lambda sel, s: sel - 1 - s))
    return Run(word, check_finite(z, family, "moving_window"), n + int(depth.sum()), n)


def _block_positions(rows, w) -> Positions:
    r"""Row ``i`` computes :math:`z_n`, :math:`n` = ``rows[i]``: the letters of :func:`block_word` in turn.

    With :math:`j = \lceil n/w \rceil` blocks and :math:`r = n - (j-1)w \in 1..w` maps in the
    newest one, level :math:`s < r` applies :math:`\xi_{(j-1)w + s + 1}` (position
    :math:`n - r + s`) and level :math:`s \ge r` the letter :math:`o \bmod w` of block
    :math:`j - 1 - \lfloor o/w \rfloor`, :math:`o = s - r`: position
    :math:`n - 2r - w + s - 2w\lfloor o/w \rfloor`.
    """
    rows = np.asarray(rows, dtype=np.int64)
    newest = rows + w - w * -(-rows // w)  # r
    inner = rows - newest  # n - r
    outer = inner - newest - w  # n - 2r - w

    def at(sel, s):
        r = newest[sel]
        return np.where(s < r, inner[sel] + s, outer[sel] + s - 2 * w * ((s - r) // w))

    return Positions(rows, at)


def block_word(word, n, window) -> np.ndarray:
    r"""The permutation of ``word[:n]`` whose forward end point is the block-backward :math:`z_n`.

    Blocks in reverse order, each in forward order: with :math:`n = (j-1)w + r`,
    :math:`1 \le r \le w`, the maps act in the order
    :math:`\xi_{(j-1)w+1..n},\ \xi_{(j-2)w+1..(j-1)w},\ \dots,\ \xi_{1..w}`.

    Args:
        word: 1-D int array of length at least ``n``.
        n: the step, >= 0.
        window: the block length :math:`w \ge 1`.

    Returns:
        ``(n,)`` array: the letters in the order they act.

    Example:
        >>> block_word([0, 1, 2, 3, 4], 5, 2).tolist()
        [4, 2, 3, 0, 1]
    """
    w = as_positive_int(window, "window")
    n = as_nonnegative_int(n, "n")
    word = as_index_array(word, "word", np.iinfo(np.int64).max)
    if n > word.size:
        raise ValueError(f"n must be at most len(word) = {word.size}, got {n}")
    if n == 0:
        return word[:0].copy()
    return word[_block_positions(np.array([n]), w).at(np.array([0]), np.arange(n))]


def _block_affine(family: AffineFamily, word, x0, w) -> np.ndarray:
    A, b, d = family.A, family.b, family.dim
    out = np.empty((word.size + 1, d))
    out[0] = x0
    P, q = np.eye(d), np.zeros(d)  # the outer map G(x) = P x + q
    u, L = x0.copy(), np.eye(d)  # the inner point and the linear part of its block so far
    for n, k in enumerate(word, start=1):
        u = A[k] @ u + b[k]
        L = A[k] @ L
        out[n] = P @ u + q
        if n % w == 0:  # G_j = G_{j-1} o F_{B_j}, F_B(x) = L x + (u - L x0)
            q = P @ (u - L @ x0) + q
            P = P @ L
            u, L = x0.copy(), np.eye(d)
    return out


def _block_rows(family, word, x0, w, depth) -> np.ndarray:
    """Rows 0..depth of the block-backward trajectory by the wavefront (row n applies n maps)."""
    starts = np.broadcast_to(x0, (depth + 1, family.dim))
    return wavefront(family, word, starts, _block_positions(np.arange(depth + 1), w))[0]


def block_backward_bound(rho, C, n, window) -> np.ndarray:
    r""":math:`\rho^{w \lfloor n/w \rfloor}\, 2C/(1-\rho)`: bound on :math:`|z_{n+1} - z_n|` and on :math:`|z_n - z_\infty|`.

    Args:
        rho: the contraction factor, in [0, 1); C: :math:`\max_k |T_k(x_0) - x_0|`.
        n: step number(s), int or int array.
        window: the block length :math:`w \ge 1`.

    Returns:
        the bound, of the shape of ``n``.

    Raises:
        TypeError: non-numeric ``rho`` or ``C``, a non-integer ``n`` or ``window``.
        ValueError: ``rho`` outside [0, 1) (the bound holds only for a contraction), ``C < 0``,
            a negative ``n``, ``window < 1``. (Pass the ``rho`` and ``C`` of a certificate,
            :func:`revsgd.theory.certify`.)

    Example:
        >>> float(block_backward_bound(0.5, 1.0, 3, 2))
        1.0
        >>> block_backward_bound(1.5, 1.0, 10, 2)
        Traceback (most recent call last):
        ...
        ValueError: rho must be a contraction factor in [0, 1), got 1.5
    """
    rho, C = _check_rho_C(rho, C)
    n = _check_steps(n)
    w = as_positive_int(window, "window")
    return np.power(rho, w * (np.asarray(n) // w)) * 2.0 * C / (1.0 - rho)


def block_backward(family, word, x0, window, tol=None) -> Run:
    r"""Block-backward trajectory: forward inside blocks of length ``window``, backward across.

    .. math::

        z_n = F_{B_1} \circ \dots \circ F_{B_{j-1}}
              \bigl(T_{\xi_n} \circ \dots \circ T_{\xi_{(j-1)w+1}}(x_0)\bigr),
        \qquad j = \lceil n / w \rceil,
        \quad F_{B_i} = T_{\xi_{iw}} \circ \dots \circ T_{\xi_{(i-1)w+1}} .

    Converges to a point at the rate :func:`block_backward_bound` (module docstring).

    Args:
        family: a :class:`revsgd.theory.Family`.
        word: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        window: block length :math:`w \ge 1`; 1 gives backward, :math:`w \ge n` forward.
        tol: optional; if given, rows after the certified depth :math:`D` (the least multiple
            of :math:`w` with :math:`\rho^D C/(1-\rho) \le \mathrm{tol}`, C1) repeat row
            :math:`D`, each within ``tol`` of the exact row and of :math:`z_\infty`. Needs a
            uniform contraction (:func:`revsgd.theory.certify`). An affine family keeps its
            composed outer map (:math:`O(D)`), a general family uses the wavefront.

    Returns:
        a :class:`~revsgd.theory.run.Run`. ``applications``: for an affine family :math:`D`
        (one application, one :math:`d\times d` product per step; :math:`D = n` without
        ``tol``); for a general family :math:`D(D+1)/2`, with :math:`D = n` when exact (plus K
        to evaluate the certificate's :math:`C` with ``tol``).

    Raises:
        TypeError: non-integer ``window``; ValueError: ``window < 1``, ``tol <= 0``, or
            ``tol`` with a family that is not a uniform contraction.

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> block_backward(fam, [1, 0, 0], np.zeros(1), 2).trajectory[:, 0]  # z_3 = T0 T1 (T0(0))
        array([0.  , 0.5 , 0.25, 0.25])
    """
    word, x0, w = _prepare(family, word, x0, window)
    n = word.size
    affine = isinstance(family, AffineFamily)
    if tol is not None:
        if affine:
            return certified_run(family, word, x0, tol, lambda depth: _block_affine(family, word[:depth], x0, w),
                                 w, cost=lambda depth: depth, what="block_backward")
        return certified_run(family, word, x0, tol, lambda depth: _block_rows(family, word, x0, w, depth), w,
                             what="block_backward")
    trajectory_memory("block_backward", n + 1, family.dim, n, copies=1 if affine else 2)
    with np.errstate(over="ignore", invalid="ignore"):
        if affine:
            return Run(word, check_finite(_block_affine(family, word, x0, w), family, "block_backward"), n, n)
        rows = _block_rows(family, word, x0, w, n)
    return Run(word, check_finite(rows, family, "block_backward"), n * (n + 1) // 2, n)
