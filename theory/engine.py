r"""The composition engine: every row applies, level by level, the map its positions name.

A *position matrix* :math:`p` of ``R`` rows names, for row :math:`r` and level
:math:`s = 0, 1, \dots, D_r - 1`, a position :math:`p_{r,s}` in a word :math:`\xi`; row
:math:`r` starts at :math:`u_r` and its result is

.. math::

    z_r = T_{\xi[p_{r, D_r - 1}]} \circ \dots \circ T_{\xi[p_{r,1}]} \circ T_{\xi[p_{r,0}]}(u_r),

the map of level 0 acting first. :func:`wavefront` evaluates all rows together, one batched
``family.apply`` per level on the rows still active (those with :math:`D_r > s`):
:math:`\sum_r D_r` map applications in :math:`\max_r D_r` calls. The matrix is never held:
:class:`Positions` gives it column by column, so memory is :math:`O(R d)`.

Every backward composition of this package is such a matrix:

============================== ======================= ===================== ==========
run                             row :math:`r`           :math:`p_{r,s}`        :math:`D_r`
============================== ======================= ===================== ==========
backward :math:`y_{t_r}`        :math:`x_0`             :math:`t_r - 1 - s`    :math:`t_r`
moving window :math:`z_r`       :math:`x_{\max(r-w,0)}` :math:`r - 1 - s`      :math:`\min(r, w)`
block backward :math:`z_r`      :math:`x_0`             blocks reversed        :math:`r`
backward ensemble, chain i      :math:`x^{(i)}_0`       :math:`n - 1 - s`      :math:`n`
forward ensemble, chain i       :math:`x^{(i)}_0`       :math:`s`              :math:`n`
============================== ======================= ===================== ==========

(the ensembles index one word per chain). :func:`certified_run` is the certified freezing
shared by every truncated backward run: with a certificate :math:`(\rho, C)` of C1 and the
least depth :math:`D` (rounded up to a multiple of the block length) with
:math:`\rho^D C/(1-\rho) \le \mathrm{tol}`, rows :math:`0..D` are composed exactly and later
rows repeat row :math:`D`, each within ``tol`` of its exact value.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (the
    backward iteration and its contraction bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from revsgd.theory._validate import as_positive_float
from revsgd.theory.contraction import certify
from revsgd.theory.divergence import check_finite
from revsgd.theory.interfaces import checked_apply
from revsgd.theory.memory import check_allocation
from revsgd.theory.run import Run

__all__ = ["CERTIFIED_BOUND", "Positions", "certified_run", "wavefront"]

#: The name of the bound a certified run reports (C1, distance to the limit).
CERTIFIED_BOUND = "C1 distance-to-limit rho^m C / (1 - rho)"


@dataclass(frozen=True)
class Positions:
    r"""A position matrix given column by column.

    Attributes:
        depth: ``(R,)`` int array, :math:`D_r`, the number of maps row :math:`r` applies.
        at: ``at(rows, s)`` returns the positions :math:`p_{r,s}` for the int array
            ``rows`` (all with :math:`D_r > s`), as an int array of the same shape.

    Example:
        >>> import numpy as np
        >>> p = Positions(np.array([0, 2]), lambda rows, s: 1 - s + 0 * rows)
        >>> p.at(np.array([1]), 0).tolist(), p.levels
        ([1], 2)
    """

    depth: np.ndarray
    at: Callable[[np.ndarray, int], np.ndarray]

    @property
    def levels(self) -> int:
        """:math:`\\max_r D_r`, the number of batched calls (0 when no row applies a map)."""
        return int(self.depth.max(initial=0))


def wavefront(family, word, starts, positions: Positions, record=()) -> tuple[np.ndarray, np.ndarray]:
    r"""Compose, for every row at once, the maps its positions name (module docstring).

    At level :math:`s` the rows with :math:`D_r > s` apply map
    :math:`\xi[p_{r,s}]` in one batched ``family.apply`` (all rows: the state itself is
    passed, without a gather).

    Args:
        family: a :class:`revsgd.theory.Family` (inputs are trusted: validated by the callers).
        word: 1-D int array of letters; ``positions`` index it.
        starts: ``(R, d)`` start points :math:`u_r` (copied, never written).
        positions: the :class:`Positions`.
        record: sorted level numbers after which the state of all rows is kept (0: the
            starts).

    Returns:
        ``(rows, recorded)``: ``(R, d)`` results and ``(len(record), R, d)`` states.

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> back = Positions(np.array([0, 1, 2]), lambda rows, s: rows - 1 - s)
        >>> wavefront(fam, np.array([1, 0]), np.zeros((3, 1)), back)[0][:, 0]  # y_0, y_1, y_2
        array([0. , 0.5, 0.5])
    """
    rows = np.array(starts, dtype=float, order="C")
    want = {int(s): r for r, s in enumerate(record)}
    recorded = np.empty((len(want), rows.shape[0], rows.shape[1]))
    if 0 in want:
        recorded[want[0]] = rows
    everyone = rows.shape[0]
    for s in range(positions.levels):
        sel = np.nonzero(positions.depth > s)[0]
        letters = word[positions.at(sel, s)]
        if sel.size == everyone:
            rows[...] = checked_apply(family, letters, rows)
        else:
            rows[sel] = checked_apply(family, letters, rows[sel])
        if s + 1 in want:
            recorded[want[s + 1]] = rows
    return rows, recorded


def certified_run(family, word, x0, tol, exact_rows, multiple: int = 1, *, cost=None,
                  what: str = "certified run") -> Run:
    r"""A run frozen after the depth at which C1 certifies ``tol`` (written once for all).

    With :math:`m` the least depth such that :math:`\rho^m C/(1-\rho) \le \mathrm{tol}`
    (:meth:`~revsgd.theory.contraction.ContractionCertificate.steps_for`) and
    :math:`D = \min(n, \text{multiple} \cdot \lceil m / \text{multiple} \rceil)`, rows
    :math:`0..D` come from ``exact_rows(D)`` and rows :math:`D+1..n` repeat row :math:`D`.

    Args:
        family: a :class:`revsgd.theory.Family` whose maps are all :math:`\rho`-Lipschitz,
            :math:`\rho < 1`.
        word: ``(n,)`` validated int64 word; x0: ``(d,)`` validated start point.
        tol: the certified error, > 0.
        exact_rows: ``exact_rows(D)`` returns the ``(D + 1, d)`` exact rows ``0..D``,
            spending :math:`D(D+1)/2` applications.
        multiple: the depth is rounded up to a multiple of this (a block length).
        cost: ``cost(D)``, the applications ``exact_rows(D)`` spends (default
            :math:`D(D+1)/2`, the wavefront; an affine family's blocked path spends ``D``).
        what: the caller's name, for the messages.

    Returns:
        a :class:`~revsgd.theory.run.Run` with ``depth`` :math:`D`, ``error_bound``
        :math:`\rho^D C/(1-\rho)` (0.0 when :math:`D = n`) and the certificate.

    Raises:
        TypeError / ValueError: ``tol`` not a finite number > 0; ValueError: a family that
            is not a uniform contraction, or a trajectory beyond the allocation limit;
            :class:`~revsgd.theory.divergence.DivergenceError`: non-finite rows.

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[1.0], [-1.0]])
        >>> rows = lambda D: np.zeros((D + 1, 1))
        >>> run = certified_run(fam, np.zeros(40, dtype=np.int64), np.zeros(1), 1e-3, rows)
        >>> run.depth, run.error_bound <= 1e-3, run.trajectory.shape
        (11, True, (41, 1))
    """
    tol = as_positive_float(tol, "tol")
    n = word.size
    check_allocation(16 * (n + 1) * family.dim, f"{what}: a trajectory of {n + 1} rows of dimension "
                     f"d = {family.dim}", "pass a shorter word, or use backward_last(family, word[:depth], x0) "
                     "with the certified depth (ContractionCertificate.steps_for(tol)) for the end point only")
    cert = certify(family, x0)
    depth = min(n, multiple * -(-cert.steps_for(tol) // multiple))
    with np.errstate(over="ignore", invalid="ignore"):
        exact = check_finite(exact_rows(depth), family, what)
    traj = np.empty((n + 1, family.dim))
    traj[: depth + 1] = exact
    traj[depth + 1 :] = exact[depth]
    bound = 0.0 if depth == n else float(cert.limit(depth))
    spent = depth * (depth + 1) // 2 if cost is None else int(cost(depth))
    return Run(word, traj, spent, depth, bound, cert, CERTIFIED_BOUND)
