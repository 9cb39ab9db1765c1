r"""Forward and backward iteration of a family along one index sequence.

With the same index sequence :math:`\xi_1, \dots, \xi_n` (``idx[0] .. idx[n-1]``):

.. math::

    x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0) \quad\text{(forward: the newest map last)},

    y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0) \quad\text{(backward: the newest map first)}.

Both return trajectories of shape ``(n + 1, d)`` whose row 0 is :math:`x_0`.

Backward iterates cannot be updated from :math:`y_{n-1}` alone: the new map acts on
:math:`x_0` and everything older is applied after it. For an affine family the composed
map :math:`M_n = T_{\xi_1} \circ \dots \circ T_{\xi_n} = (P_n, q_n)` is kept, and

.. math::

    y_n = y_{n-1} + P_{n-1}\,(T_{\xi_n}(x_0) - x_0), \qquad P_n = P_{n-1} A_{\xi_n},

one matrix product per step (:math:`O(n d^3)`), instead of recomputing each composition;
:mod:`revsgd.theory.affine_scan` evaluates both orders blockwise (about :math:`2\sqrt{n}`
interpreter steps instead of :math:`n`). For a general family the exact trajectory costs
:math:`n(n+1)/2` map applications; they are done as a wavefront (one batched ``apply`` per
depth). :func:`backward_certified` stops the depth once the bound of C1 is below a
tolerance.

Memory: ``every=k`` keeps only the iterates at steps :math:`0, k, 2k, \dots`;
:func:`forward_last` and :func:`backward_last` keep only :math:`x_n`, :math:`y_n`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.theory._validate import as_index_array, as_positive_float, as_positive_int
from revsgd.theory.affine_scan import backward_affine, forward_affine
from revsgd.theory.contraction import ContractionCertificate, certify
from revsgd.theory.family import AffineFamily, check_family, check_point

__all__ = [
    "forward",
    "backward",
    "forward_last",
    "backward_last",
    "backward_at",
    "backward_certified",
    "CertifiedBackward",
]


def _prepare(family, idx, x0):
    check_family(family)
    idx = as_index_array(idx, "idx", family.K)
    x0 = check_point(family, x0)
    return idx, x0


def forward(family, idx, x0, every=1) -> np.ndarray:
    r"""Forward (ordinary SGD) trajectory: row j is :math:`T_{\mathrm{idx}[j-1]}(\text{row } j-1)`.

    Args:
        family: a :class:`revsgd.theory.Family`.
        idx: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        every: positive int; keep only the iterates at steps ``0, every, 2 every, ...``.

    Returns:
        array of shape ``(n // every + 1, d)``; row ``r`` is :math:`x_{r \cdot \mathrm{every}}`,
        row 0 is ``x0``.

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> forward(fam, [1, 0], np.zeros(1))[:, 0]
        array([0.  , 0.5 , 0.25])
    """
    idx, x0 = _prepare(family, idx, x0)
    every = as_positive_int(every, "every")
    if isinstance(family, AffineFamily):
        return forward_affine(family.A, family.b, idx, x0, every)
    out = np.empty((idx.size // every + 1, family.dim))
    out[0] = x0
    x = x0
    for j, k in enumerate(idx, start=1):
        x = family.apply(int(k), x)
        if j % every == 0:
            out[j // every] = x
    return out


def forward_last(family, idx, x0) -> np.ndarray:
    r"""Only the last forward iterate :math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)`, shape ``(d,)``.

    Holds :math:`O(d)` numbers besides the word (affine families: one segment of
    :mod:`revsgd.theory.affine_scan`); ``n`` map applications.
    """
    idx, x0 = _prepare(family, idx, x0)
    if isinstance(family, AffineFamily):
        return forward_affine(family.A, family.b, idx, x0, max(idx.size, 1))[-1]
    x = x0
    for k in idx:
        x = family.apply(int(k), x)
    return np.asarray(x, dtype=float)


def backward_last(family, idx, x0) -> np.ndarray:
    r"""Only the last backward iterate :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`, shape ``(d,)``.

    The newest map acts first: a forward sweep over the reversed word, ``n`` map
    applications and :math:`O(d)` memory, for any family.
    """
    idx, x0 = _prepare(family, idx, x0)
    return forward_last(family, idx[::-1], x0)


def _wavefront(family, idx, x0, steps) -> np.ndarray:
    """Exact backward iterates y_n for n in ``steps``, one batched apply per level.

    Row n needs maps idx[n-1], idx[n-2], ..., idx[0] applied in that order to x0. At level
    s (s = 0, 1, ...) every row with n > s applies map idx[n-1-s].
    """
    rows = np.broadcast_to(x0, (steps.size, family.dim)).copy()
    for s in range(int(steps.max(initial=0))):
        sel = np.nonzero(steps > s)[0]
        rows[sel] = family.apply(idx[steps[sel] - 1 - s], rows[sel])
    return rows


def _backward_wavefront(family, idx, x0, depth: int) -> np.ndarray:
    """Rows 0..depth of the exact backward trajectory."""
    return _wavefront(family, idx, x0, np.arange(depth + 1))


def backward_at(family, idx, x0, steps) -> np.ndarray:
    r"""Exact backward iterates :math:`y_n` for the requested step numbers only.

    .. math::

        y_n = T_{\mathrm{idx}[0]} \circ \dots \circ T_{\mathrm{idx}[n-1]}(x_0),
        \qquad n \in \mathrm{steps},

    by the wavefront of :func:`backward` restricted to those rows: :math:`\sum_n n`
    applications in ``max(steps)`` batched calls, for any family (no truncation).

    Args:
        family: a :class:`revsgd.theory.Family`.
        idx: int array of shape ``(N,)``.
        x0: start point, shape ``(d,)``.
        steps: 1-D int array of step numbers in ``0..N``.

    Returns:
        array of shape ``(len(steps), d)``; row i is :math:`y_{\mathrm{steps}[i]}`.
    """
    idx, x0 = _prepare(family, idx, x0)
    steps = as_index_array(steps, "steps", idx.size + 1, allow_empty=False)
    return _wavefront(family, idx, x0, steps)


def backward(family, idx, x0, every=1) -> np.ndarray:
    r"""Backward trajectory: row j is :math:`T_{\mathrm{idx}[0]} \circ \dots \circ T_{\mathrm{idx}[j-1]}(x_0)`.

    Exact for every index sequence (no truncation). Affine families keep the composed map,
    blockwise (:mod:`revsgd.theory.affine_scan`, :math:`O(n d^3)` flops); general families use the
    :math:`O(n^2)` wavefront (with ``every = k``, only the kept rows are computed:
    about :math:`n^2 / (2k)` applications).

    Args:
        family: a :class:`revsgd.theory.Family`.
        idx: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        every: positive int; keep only the iterates at steps ``0, every, 2 every, ...``.

    Returns:
        array of shape ``(n // every + 1, d)``; row ``r`` is :math:`y_{r \cdot \mathrm{every}}`,
        row 0 is ``x0``.

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> backward(fam, [1, 0], np.zeros(1))[:, 0]   # T_1(0), then T_1(T_0(0))
        array([0. , 0.5, 0.5])
    """
    idx, x0 = _prepare(family, idx, x0)
    every = as_positive_int(every, "every")
    if isinstance(family, AffineFamily):
        return backward_affine(family.A, family.b, idx, x0, every)
    return _wavefront(family, idx, x0, np.arange(0, idx.size + 1, every))


@dataclass(frozen=True)
class CertifiedBackward:
    r"""A backward trajectory with a certified error bound.

    Attributes:
        trajectory: ``(n + 1, d)``; rows ``0..depth`` are exact, later rows repeat row
            ``depth``.
        depth: the number of composed maps actually applied to the last row.
        error_bound: :math:`\rho^{\mathrm{depth}} C / (1 - \rho)`, bounding the distance of
            every row to the exact backward iterate (and, when ``depth < n``, of the last
            row to the limit :math:`y_\infty` of the sequence).
        certificate: the :class:`ContractionCertificate` :math:`(\rho, C)` used.
        bound: the name of the bound used.
        applications: map applications spent.
    """

    trajectory: np.ndarray
    depth: int
    error_bound: float
    certificate: ContractionCertificate
    bound: str
    applications: int


def backward_certified(family, idx, x0, tol) -> CertifiedBackward:
    r"""Backward trajectory truncated at the depth where C1 certifies ``tol``.

    With :math:`m` the least depth such that :math:`\rho^m C/(1-\rho) \le \mathrm{tol}`,
    rows :math:`j \le m` are exact and rows :math:`j > m` equal row :math:`m`; since
    :math:`|y_j - y_m| \le \sum_{i \ge m} \rho^i C`, every row is within ``tol`` of the
    exact backward iterate. Costs :math:`m(m+1)/2` applications instead of :math:`n(n+1)/2`.

    Raises:
        ValueError: ``tol <= 0``, or a family that is not a uniform contraction.
    """
    idx, x0 = _prepare(family, idx, x0)
    tol = as_positive_float(tol, "tol")
    cert = certify(family, x0)
    depth = min(cert.steps_for(tol), idx.size)
    exact = _backward_wavefront(family, idx, x0, depth)
    traj = np.empty((idx.size + 1, family.dim))
    traj[: depth + 1] = exact
    traj[depth + 1 :] = exact[depth]
    return CertifiedBackward(
        trajectory=traj,
        depth=depth,
        error_bound=0.0 if depth == idx.size else float(cert.limit(depth)),
        certificate=cert,
        bound="C1 distance-to-limit rho^m C / (1 - rho)",
        applications=depth * (depth + 1) // 2,
    )
