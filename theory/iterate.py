r"""Forward and backward iteration of a family along one word.

With the same word :math:`\xi_1, \dots, \xi_n` (``word[0] .. word[n-1]``):

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
:math:`n(n+1)/2` map applications; they are done by the wavefront of
:mod:`revsgd.theory.engine` (row :math:`t` applies :math:`\xi_{t-s}` at level :math:`s`, one
batched ``apply`` per level). :func:`backward_certified` stops the depth once the bound of
C1 is below a tolerance. A family may offer a faster exact path, the optional method
``backward_rows(word, x0, steps)`` returning the ``(len(steps), d)`` rows :math:`y_t` (validated
inputs, ``steps`` in any order): :func:`backward`, :func:`backward_at` and
:func:`backward_certified` use it when present (a JaxModel's steps run the whole wavefront as
compiled JAX, :mod:`revsgd.models.jax_wavefront`).

Memory: ``record=range(0, n + 1, k)`` keeps only the iterates at steps
:math:`0, k, 2k, \dots`; :func:`forward_last` and :func:`backward_last` keep only
:math:`x_n`, :math:`y_n`. A trajectory larger than the allocation limit
(:mod:`revsgd.theory.memory`) is refused before it is allocated, naming these remedies.

Divergence: iterates that become non-finite (a family that is not a contraction overflows,
or a user's ``apply`` returns NaN) raise :class:`~revsgd.theory.divergence.DivergenceError`
naming the first such step (:mod:`revsgd.theory.divergence`; ``REVSGD_NONFINITE=allow``
returns the IEEE values). A user's ``apply`` of the wrong output shape is refused by name.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999;
    arXiv:2502.01557 (forward and backward SGD).
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_index_array
from revsgd.theory.affine_scan import SEGMENT, backward_affine, forward_affine
from revsgd.theory.divergence import check_finite, nonfinite_policy, raise_divergence
from revsgd.theory.engine import Positions, certified_run, wavefront
from revsgd.theory.family import AffineFamily, check_family, check_point, checked_apply
from revsgd.theory.memory import check_allocation
from revsgd.theory.run import Run, check_record

__all__ = ["backward", "backward_at", "backward_certified", "backward_last", "forward", "forward_last"]


def _prepare(family, word, x0):
    check_family(family)
    word = as_index_array(word, "word", family.K)
    x0 = check_point(family, x0)
    return word, x0


def trajectory_memory(fn: str, rows: int, d: int, n: int, copies: int = 1) -> None:
    """Refuse before allocating a trajectory of ``rows`` rows of ``d`` floats beyond the limit."""
    check_allocation(
        8 * copies * int(rows) * int(d),
        f"{fn}: a trajectory of {rows} rows of dimension d = {d}",
        f"pass record=range(0, {n} + 1, k) to keep every k-th iterate, or use "
        f"{fn.split('(')[0].split('_')[0]}_last(...) for the last iterate only",
    )


def forward_loop(family, word, x0, steps) -> np.ndarray:
    """The forward iterates at ``steps`` (sorted) by the plain loop of single ``apply`` calls."""
    out = np.empty((steps.size, family.dim))
    r = 0
    if steps.size and steps[0] == 0:
        out[0], r = x0, 1
    x = x0
    last = int(steps[-1]) if steps.size else 0
    for j in range(1, last + 1):
        x = checked_apply(family, int(word[j - 1]), x)
        if steps[r] == j:
            out[r] = x
            r += 1
    return out


def first_nonfinite_step(family, word, x0) -> int | None:
    """The first step ``j`` whose forward iterate along ``word`` is non-finite (None if none).

    Only run after a non-finite result was seen: it replays the word (segments of the
    affine scan, or single ``apply`` calls) to name the step.
    """
    x = x0
    if isinstance(family, AffineFamily):
        with np.errstate(all="ignore"):
            for start in range(0, word.size, SEGMENT):
                rows = forward_affine(family.A, family.b, word[start:start + SEGMENT], x, 1)[1:]
                bad = ~np.isfinite(rows).all(axis=1)
                if bad.any():
                    return start + 1 + int(np.argmax(bad))
                x = rows[-1]
        return None
    with np.errstate(all="ignore"):
        for j, k in enumerate(word, start=1):
            x = np.asarray(checked_apply(family, int(k), x), dtype=float)
            if not np.isfinite(x).all():
                return j
    return None


def backward_positions(steps) -> Positions:
    r"""Row :math:`i` computes :math:`y_{t_i}`: at level :math:`s` it applies :math:`\xi_{t_i - s}`.

    Example:
        >>> p = backward_positions(np.array([0, 3]))
        >>> [int(p.at(np.array([1]), s)[0]) for s in range(p.levels)]
        [2, 1, 0]
    """
    steps = np.asarray(steps, dtype=np.int64)
    return Positions(steps, lambda rows, s: steps[rows] - 1 - s)


def _backward_rows(family, word, x0, steps) -> np.ndarray:
    """Rows :math:`y_t`, :math:`t \\in` ``steps``: the family's ``backward_rows`` hook if it has one, else the wavefront."""
    hook = getattr(family, "backward_rows", None)
    if hook is not None:
        return np.asarray(hook(word, x0, steps), dtype=float)
    starts = np.broadcast_to(x0, (steps.size, family.dim))
    return wavefront(family, word, starts, backward_positions(steps))[0]


def _affine_rows(scan, family, word, x0, record) -> np.ndarray:
    """The recorded rows of an affine scan, run with the largest stride that keeps them all."""
    if record is None:
        return scan(family.A, family.b, word, x0, 1)
    steps = check_record(record, word.size)
    stride = int(np.gcd.reduce(steps)) if steps.size else 1
    stride = stride or max(word.size, 1)  # only step 0 asked
    rows = scan(family.A, family.b, word, x0, stride)
    if rows.shape[0] == steps.size:  # steps = 0, stride, 2 stride, ...: all of them
        return rows
    return rows[steps // stride]


def forward(family, word, x0, record=None) -> np.ndarray:
    r"""Forward (ordinary SGD) trajectory: row j is :math:`T_{\mathrm{word}[j-1]}(\text{row } j-1)`.

    .. math::

        x_t = T_{\xi_t} \circ \dots \circ T_{\xi_1}(x_0), \qquad t \in \mathrm{record} .

    Args:
        family: a :class:`revsgd.theory.Family`.
        word: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        record: the step numbers to keep (None: every step; ``range(0, n + 1, k)``: steps
            ``0, k, 2k, ...``), strictly increasing in ``0..n``.

    Returns:
        array of shape ``(len(record), d)``; row ``r`` is :math:`x_{\mathrm{record}[r]}`.

    Raises:
        TypeError / ValueError: a bad family, word, start point or record (named).

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> forward(fam, [1, 0], np.zeros(1))[:, 0]
        array([0.  , 0.5 , 0.25])
    """
    word, x0 = _prepare(family, word, x0)
    steps = check_record(record, word.size)
    trajectory_memory("forward", steps.size, family.dim, word.size)
    with np.errstate(over="ignore", invalid="ignore"):
        if isinstance(family, AffineFamily):
            rows = _affine_rows(forward_affine, family, word, x0, record)
        else:
            rows = forward_loop(family, word, x0, steps)
    return check_finite(rows, family, "forward", steps, "step" if record is None else "recorded step")


def forward_last(family, word, x0) -> np.ndarray:
    r"""Only the last forward iterate :math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)`, shape ``(d,)``.

    Holds :math:`O(d)` numbers besides the word (affine families: one segment of
    :mod:`revsgd.theory.affine_scan`); ``n`` map applications.

    Args:
        family: a :class:`revsgd.theory.Family`; word: ``(n,)`` int array; x0: ``(d,)``.

    Returns:
        ``(d,)`` array, :math:`x_n` (``x0`` for an empty word).

    Raises:
        TypeError / ValueError: a bad family, word or start point (named), as :func:`forward`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> forward_last(fam, [1, 0], [0.0])
        array([0.25])
    """
    word, x0 = _prepare(family, word, x0)
    return _last(family, word, x0, "forward_last")


def _last(family, word, x0, fn: str) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        if isinstance(family, AffineFamily):
            x = forward_affine(family.A, family.b, word, x0, max(word.size, 1))[-1]
        else:
            x = x0
            for k in word:
                x = checked_apply(family, int(k), x)
            x = np.asarray(x, dtype=float)
    if not np.isfinite(x).all() and nonfinite_policy() == "raise":
        if fn == "forward_last":
            raise_divergence(fn, family, first_nonfinite_step(family, word, x0))
        raise_divergence(fn, family, first_nonfinite_step(family, word, x0), "application",
                         " of the newest-first sweep over the reversed word")
    return x


def backward_last(family, word, x0) -> np.ndarray:
    r"""Only the last backward iterate :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`, shape ``(d,)``.

    The newest map acts first: a forward sweep over the reversed word, ``n`` map
    applications and :math:`O(d)` memory, for any family.

    Args:
        family: a :class:`revsgd.theory.Family`; word: ``(n,)`` int array; x0: ``(d,)``.

    Returns:
        ``(d,)`` array, :math:`y_n`.

    Raises:
        TypeError / ValueError: a bad family, word or start point (named), as :func:`forward`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> backward_last(fam, [1, 0], [0.0])
        array([0.5])
    """
    word, x0 = _prepare(family, word, x0)
    return _last(family, word[::-1], x0, "backward_last")


def backward_at(family, word, x0, steps) -> np.ndarray:
    r"""Exact backward iterates :math:`y_n` for the requested step numbers only.

    .. math::

        y_n = T_{\mathrm{word}[0]} \circ \dots \circ T_{\mathrm{word}[n-1]}(x_0),
        \qquad n \in \mathrm{steps},

    by the wavefront of :mod:`revsgd.theory.engine` restricted to those rows: :math:`\sum_n n`
    applications in ``max(steps)`` batched calls, for any family (no truncation, no affine
    shortcut).

    Args:
        family: a :class:`revsgd.theory.Family`.
        word: int array of shape ``(N,)``.
        x0: start point, shape ``(d,)``.
        steps: 1-D int array of step numbers in ``0..N`` (any order, repeats allowed).

    Returns:
        array of shape ``(len(steps), d)``; row i is :math:`y_{\mathrm{steps}[i]}`.

    Raises:
        ValueError: empty ``steps`` or steps outside ``0..N`` (and the checks of :func:`forward`).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> backward_at(fam, [1, 0], [0.0], [2])
        array([[0.5]])
    """
    word, x0 = _prepare(family, word, x0)
    steps = as_index_array(steps, "steps", word.size + 1, allow_empty=False)
    trajectory_memory("backward_at", steps.size, family.dim, word.size, copies=2)
    with np.errstate(over="ignore", invalid="ignore"):
        rows = _backward_rows(family, word, x0, steps)
    return check_finite(rows, family, "backward_at", steps)


def backward(family, word, x0, record=None) -> np.ndarray:
    r"""Backward trajectory: row j is :math:`T_{\mathrm{word}[0]} \circ \dots \circ T_{\mathrm{word}[j-1]}(x_0)`.

    Exact for every word (no truncation). Affine families keep the composed map,
    blockwise (:mod:`revsgd.theory.affine_scan`, :math:`O(n d^3)` flops); general families use
    the :math:`O(n^2)` wavefront, computing only the recorded rows (with
    ``record=range(0, n + 1, k)`` about :math:`n^2 / (2k)` applications).

    Args:
        family: a :class:`revsgd.theory.Family`.
        word: int array of shape ``(n,)`` with entries in ``0..K-1``.
        x0: start point, shape ``(d,)``.
        record: the step numbers to keep (None: every step), strictly increasing in ``0..n``.

    Returns:
        ``(len(record), d)``: the backward iterates :math:`y_t`, :math:`t \in \mathrm{record}`.

    Raises:
        TypeError / ValueError: as :func:`forward`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> backward(fam, [1, 0], [0.0])[:, 0]   # T_1(0), then T_1(T_0(0))
        array([0. , 0.5, 0.5])
        >>> backward(fam, [1, 0], [0.0], record=[2])
        array([[0.5]])
    """
    word, x0 = _prepare(family, word, x0)
    steps = check_record(record, word.size)
    affine = isinstance(family, AffineFamily)
    trajectory_memory("backward", steps.size, family.dim, word.size, copies=1 if affine else 2)
    with np.errstate(over="ignore", invalid="ignore"):
        if affine:
            rows = _affine_rows(backward_affine, family, word, x0, record)
        else:
            rows = _backward_rows(family, word, x0, steps)
    return check_finite(rows, family, "backward", steps, "step" if record is None else "recorded step")


def backward_certified(family, word, x0, tol) -> Run:
    r"""Backward trajectory truncated at the depth where C1 certifies ``tol``.

    With :math:`m` the least depth such that :math:`\rho^m C/(1-\rho) \le \mathrm{tol}`,
    rows :math:`j \le m` are exact and rows :math:`j > m` equal row :math:`m`; since
    :math:`|y_j - y_m| \le \sum_{i \ge m} \rho^i C`, every row is within ``tol`` of the
    exact backward iterate. Costs :math:`m(m+1)/2` applications instead of :math:`n(n+1)/2`
    (the wavefront, for a general family; :func:`revsgd.theory.engine.certified_run`); an
    :class:`~revsgd.theory.family.AffineFamily` composes rows :math:`0..m` by the blocked
    affine path, :math:`m` applications (:math:`O(m d^3)` flops).

    Args:
        family: a :class:`revsgd.theory.Family` whose maps are all :math:`\rho`-Lipschitz, :math:`\rho < 1`.
        word: int array of shape ``(n,)``.
        x0: start point, shape ``(d,)``.
        tol: the certified error, > 0.

    Returns:
        a :class:`~revsgd.theory.run.Run`: ``depth`` :math:`\min(m, n)`, ``error_bound``
        :math:`\rho^{m} C/(1-\rho)` (0.0 when the whole word was composed), ``applications``
        :math:`m(m+1)/2` (:math:`m` for an affine family), the ``certificate`` and the
        ``bound``'s name.

    Raises:
        ValueError: ``tol <= 0``, or a family that is not a uniform contraction.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[1.0], [-1.0]])
        >>> run = backward_certified(fam, [0] * 50, [0.0], 1e-3)
        >>> run.depth, run.applications, run.error_bound <= 1e-3   # affine: one application per letter
        (11, 11, True)
    """
    word, x0 = _prepare(family, word, x0)
    if isinstance(family, AffineFamily):
        return certified_run(
            family, word, x0, tol, lambda depth: backward_affine(family.A, family.b, word[:depth], x0, 1),
            cost=lambda depth: depth, what="backward_certified",
        )
    return certified_run(
        family, word, x0, tol, lambda depth: _backward_rows(family, word, x0, np.arange(depth + 1)),
        what="backward_certified",
    )
