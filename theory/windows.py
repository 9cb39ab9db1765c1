r"""Windowed backward iteration: two precise ways to compose only part of the word backward.

With the word :math:`\xi_1, \dots, \xi_n` (``idx[0] .. idx[n-1]``), forward iterates
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

Cost in map applications (a general family, whose maps can only be applied):
:func:`moving_window` spends :math:`w` per step on top of the forward run (``w`` batched
``apply`` calls in all); :func:`block_backward` keeps the composed outer map for an
:class:`~revsgd.theory.family.AffineFamily` (one application, one matrix-vector and one
:math:`d \times d` product per step), and for a general family recomputes :math:`z_n` from
:math:`x_0` (:math:`n` applications) unless ``tol`` is given: then the trajectory is frozen
after the certified depth :math:`D` (a multiple of :math:`w`, with
:math:`\rho^D C/(1-\rho) \le \mathrm{tol}`), at most :math:`D(D+1)/2` applications in all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.theory._validate import as_index_array, as_nonnegative_int, as_positive_float, as_positive_int
from revsgd.theory.contraction import certify
from revsgd.theory.family import AffineFamily, check_family, check_point

__all__ = [
    "WindowedRun",
    "block_backward",
    "block_backward_bound",
    "block_word",
    "moving_window",
    "moving_window_applications",
]


@dataclass(frozen=True)
class WindowedRun:
    r"""A windowed trajectory and what it cost.

    Attributes:
        trajectory: ``(n + 1, d)``; row 0 is :math:`x_0`, row :math:`n` is :math:`z_n`.
        window: the window :math:`w`.
        applications: map applications spent (``family.apply`` rows), forward run included.
        depth: the number of steps computed exactly (``n`` unless a ``tol`` froze the
            trajectory earlier; later rows then repeat row ``depth``).
        error_bound: bound on the distance of every row to the exact windowed iterate (0.0
            when exact).
    """

    trajectory: np.ndarray
    window: int
    applications: int
    depth: int
    error_bound: float

    @property
    def applications_per_step(self) -> float:
        """``applications / n`` (0.0 for an empty word)."""
        n = self.trajectory.shape[0] - 1
        return self.applications / n if n else 0.0


def _prepare(family, idx, x0, window):
    check_family(family)
    idx = as_index_array(idx, "idx", family.K)
    x0 = check_point(family, x0)
    window = as_positive_int(window, "window")
    return idx, x0, window


def moving_window_applications(n, window) -> int:
    r""":math:`n + \sum_{i=1}^{n} \min(w, i)`: applications of :func:`moving_window` (forward run included)."""
    n, w = as_nonnegative_int(n, "n"), as_positive_int(window, "window")
    full = max(0, n - w)
    short = min(n, w)
    return n + full * w + short * (short + 1) // 2


def moving_window(family, idx, x0, window) -> WindowedRun:
    r"""Moving-window backward trajectory (see the module docstring).

    .. math::

        z_n = T_{\xi_{\max(n-w,0)+1}} \circ \dots \circ T_{\xi_n}(x_{\max(n-w, 0)}) .

    The forward run is one pass; the windows are a wavefront: at level :math:`s = 0..w-1`
    every row :math:`n > s` applies map :math:`\xi_{n-s}` (one batched ``apply`` per level).

    Args:
        family: a :class:`revsgd.theory.Family`.
        idx: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        window: :math:`w \ge 1`; any :math:`w \ge n` gives the backward trajectory.

    Returns:
        a :class:`WindowedRun`; ``applications`` is :func:`moving_window_applications`.

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
    idx, x0, w = _prepare(family, idx, x0, window)
    n = idx.size
    x = np.empty((n + 1, family.dim))
    x[0] = x0
    for j in range(1, n + 1):
        x[j] = family.apply(int(idx[j - 1]), x[j - 1])
    rows = np.arange(n + 1)
    z = x[np.maximum(rows - w, 0)].copy()
    depth = np.minimum(rows, w)
    for s in range(min(w, n)):
        sel = rows[depth > s]
        z[sel] = family.apply(idx[sel - 1 - s], z[sel])
    return WindowedRun(z, w, n + int(depth.sum()), n, 0.0)


def block_word(idx, n, window) -> np.ndarray:
    r"""The permutation of ``idx[:n]`` whose forward end point is the block-backward :math:`z_n`.

    Blocks in reverse order, each in forward order: with :math:`n = (j-1)w + r`,
    :math:`1 \le r \le w`, the maps act in the order
    :math:`\xi_{(j-1)w+1..n},\ \xi_{(j-2)w+1..(j-1)w},\ \dots,\ \xi_{1..w}`.

    Example:
        >>> block_word([0, 1, 2, 3, 4], 5, 2).tolist()
        [4, 2, 3, 0, 1]
    """
    idx = np.asarray(idx)
    w = as_positive_int(window, "window")
    if n == 0:
        return idx[:0].copy()
    return idx[_block_positions(np.array([n]), w, n)[0]]


def _block_positions(rows, w, depth):
    """``pos[i, s]``: the word position applied at level ``s`` to row ``rows[i]`` (-1: none)."""
    rows = np.asarray(rows)[:, None]
    s = np.arange(depth)[None, :]
    j = -(-rows // w)  # number of (partial) blocks, ceil(n / w)
    r = rows - (j - 1) * w  # maps in the newest block, 1..w (for n >= 1)
    outer = s - r
    pos = np.where(s < r, (j - 1) * w + s, (j - 2 - outer // w) * w + outer % w)
    return np.where(s < rows, pos, -1)


def _block_affine(family: AffineFamily, idx, x0, w) -> np.ndarray:
    A, b, d = family.A, family.b, family.dim
    out = np.empty((idx.size + 1, d))
    out[0] = x0
    P, q = np.eye(d), np.zeros(d)  # the outer map G(x) = P x + q
    u, L = x0.copy(), np.eye(d)  # the inner point and the linear part of its block so far
    for n, k in enumerate(idx, start=1):
        u = A[k] @ u + b[k]
        L = A[k] @ L
        out[n] = P @ u + q
        if n % w == 0:  # G_j = G_{j-1} o F_{B_j}, F_B(x) = L x + (u - L x0)
            q = P @ (u - L @ x0) + q
            P = P @ L
            u, L = x0.copy(), np.eye(d)
    return out


def _block_wavefront(family, idx, x0, w, depth) -> np.ndarray:
    rows = np.arange(depth + 1)
    pos = _block_positions(rows, w, depth)
    z = np.broadcast_to(x0, (rows.size, family.dim)).copy()
    for s in range(depth):
        sel = rows[s < rows]
        z[sel] = family.apply(idx[pos[sel, s]], z[sel])
    return z


def block_backward_bound(rho, C, n, window) -> np.ndarray:
    r""":math:`\rho^{w \lfloor n/w \rfloor}\, 2C/(1-\rho)`: bound on :math:`|z_{n+1} - z_n|` and on :math:`|z_n - z_\infty|`."""
    w = as_positive_int(window, "window")
    n = np.asarray(n)
    return np.power(float(rho), w * (n // w)) * 2.0 * float(C) / (1.0 - float(rho))


def block_backward(family, idx, x0, window, tol=None) -> WindowedRun:
    r"""Block-backward trajectory: forward inside blocks of length ``window``, backward across.

    .. math::

        z_n = F_{B_1} \circ \dots \circ F_{B_{j-1}}
              \bigl(T_{\xi_n} \circ \dots \circ T_{\xi_{(j-1)w+1}}(x_0)\bigr),
        \qquad j = \lceil n / w \rceil,
        \quad F_{B_i} = T_{\xi_{iw}} \circ \dots \circ T_{\xi_{(i-1)w+1}} .

    Converges to a point at the rate :func:`block_backward_bound` (module docstring).

    Args:
        family: a :class:`revsgd.theory.Family`.
        idx: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        window: block length :math:`w \ge 1`; 1 gives backward, :math:`w \ge n` forward.
        tol: optional; if given, rows after the certified depth :math:`D` (the least multiple
            of :math:`w` with :math:`\rho^D C/(1-\rho) \le \mathrm{tol}`, C1) repeat row
            :math:`D`, each within ``tol`` of the exact row and of :math:`z_\infty`. Needs a
            uniform contraction (:func:`revsgd.theory.certify`). Always uses the wavefront.

    Returns:
        a :class:`WindowedRun`. ``applications``: ``n`` for an affine family without ``tol``
        (plus one :math:`d\times d` product per step); :math:`D(D+1)/2` otherwise, with
        :math:`D = n` when exact (plus K to evaluate the certificate's :math:`C` with ``tol``).

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
    idx, x0, w = _prepare(family, idx, x0, window)
    n = idx.size
    if tol is None:
        if isinstance(family, AffineFamily):
            return WindowedRun(_block_affine(family, idx, x0, w), w, n, n, 0.0)
        return WindowedRun(_block_wavefront(family, idx, x0, w, n), w, n * (n + 1) // 2, n, 0.0)
    tol = as_positive_float(tol, "tol")
    cert = certify(family, x0)
    m = cert.steps_for(tol)
    depth = min(n, w * -(-m // w))
    exact = _block_wavefront(family, idx, x0, w, depth)
    traj = np.empty((n + 1, family.dim))
    traj[: depth + 1] = exact
    traj[depth + 1 :] = exact[depth]
    bound = 0.0 if depth == n else float(cert.limit(depth))
    return WindowedRun(traj, w, depth * (depth + 1) // 2, depth, bound)
