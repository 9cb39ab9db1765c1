r"""What a run returns: one chain (:class:`Run`) or many chains (:class:`Ensemble`).

A *run* composes the maps a word :math:`\xi_1, \dots, \xi_n` names in some order and keeps
the state after every step, :math:`z_0 = x_0, z_1, \dots, z_n` (which composition gives
:math:`z_j` is the order's: forward, backward, windowed, ...). Every iteration order of
:mod:`revsgd.theory.orders`, the certified backward run of :mod:`revsgd.theory.iterate` and the
windowed runs of :mod:`revsgd.theory.windows` return a :class:`Run`. When a certificate
:math:`(\rho, C)` lets the run stop composing at a depth :math:`D < n` (rows after :math:`D`
repeat row :math:`D`), the run records :math:`D` and the bound of C1 on the distance of
every row to the exact iterate,

.. math::

    |z_j - z^{\mathrm{exact}}_j| \le \frac{\rho^D C}{1 - \rho} \quad (j \le n) .

An *ensemble* is ``m`` independent chains advanced together; forward and backward
ensembles both return an :class:`Ensemble` (:mod:`revsgd.theory.ensemble`).

Names used throughout: ``word`` is the index sequence, ``n`` its length (a count of
steps), ``steps`` are step numbers (which iterates), ``record`` asks for step numbers to
keep, ``applications`` counts map applications (``family.apply`` rows).

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.theory.contraction import ContractionCertificate
from revsgd.theory.memory import check_allocation

__all__ = ["Ensemble", "Run", "check_record"]


def check_record(record, n: int) -> np.ndarray:
    r"""The step numbers ``record`` asks to keep, as a strictly increasing int64 array in ``0..n``.

    ``None`` means every step, :math:`0, 1, \dots, n`; a ``range`` is taken as it stands
    (``range(0, n + 1, k)`` keeps :math:`z_0, z_k, z_{2k}, \dots`).

    Args:
        record: None, a ``range``, or a 1-D sequence of integers.
        n: the number of steps of the run.

    Returns:
        ``(r,)`` int64 array.

    Raises:
        TypeError: a string, a scalar or non-integer entries; ValueError: not 1-D, not
            strictly increasing, or outside ``0..n``.

    Example:
        >>> check_record(range(0, 11, 5), 10).tolist()
        [0, 5, 10]
    """
    if record is None:
        check_allocation(8 * (n + 1), f"record=None: all {n + 1} step numbers",
                         "pass record=range(0, n + 1, k) to keep every k-th step")
        return np.arange(n + 1, dtype=np.int64)
    if isinstance(record, range):
        start, stop, step = record.start, record.stop, record.step
        count = 0 if step < 0 or start >= stop else (stop - start - 1) // step + 1  # len() overflows past int64
        if count and (step < 0 or start < 0 or start + (count - 1) * step > n):
            raise ValueError(f"record must be strictly increasing step numbers in 0..{n}, got {record!r}")
        check_allocation(8 * count, f"record={record!r}", "pass a range with a larger step")
        steps = np.arange(record.start, record.stop, record.step, dtype=np.int64)
    elif isinstance(record, (str, bytes)) or np.ndim(record) == 0:
        raise TypeError(f"record must be a 1-D sequence of step numbers, got {record!r}")
    else:
        steps = np.asarray(record)
    if steps.ndim != 1:
        raise ValueError(f"record must be a 1-D sequence of step numbers, got shape {steps.shape}")
    if steps.size and (steps.dtype == bool or not np.issubdtype(steps.dtype, np.integer)):
        raise TypeError(f"record must hold integer step numbers, got dtype {steps.dtype}")
    if steps.size and (steps.min() < 0 or steps.max() > n or np.any(np.diff(steps) <= 0)):
        shown = steps.tolist() if steps.size <= 20 else f"{steps[:10].tolist()} ... ({steps.size} steps)"
        raise ValueError(f"record must be strictly increasing step numbers in 0..{n}, got {shown}")
    return steps.astype(np.int64, copy=False)


@dataclass(frozen=True)
class Run:
    r"""One run of one chain: the word, the state after every step, and what it cost.

    Attributes:
        word: ``(n,)`` int array, the word :math:`\xi` the run composed (``word[0]`` is
            :math:`\xi_1`).
        trajectory: ``(n + 1, d)``; row :math:`j` is the state after :math:`j` steps, row 0
            is :math:`x_0`. Rows after ``depth`` repeat row ``depth``.
        applications: map applications spent (``family.apply`` rows; an affine family's
            closed paths count one per letter, since they compose each map once).
        depth: the steps composed exactly (``n`` unless a certificate stopped the run).
        error_bound: bound on the distance of every row to the exact iterate (0.0 when
            ``depth == n``).
        certificate: the :class:`~revsgd.theory.contraction.ContractionCertificate` used, or None.
        bound: the name of the bound behind ``error_bound`` ("" when none was used).

    Args:
        word, trajectory, applications, depth, error_bound, certificate, bound: the
            attributes, in this order (the last three optional).

    Raises:
        Nothing: the fields are stored as given (the functions that return a run validate
        their input).

    Example:
        >>> import numpy as np
        >>> run = Run(np.array([1, 0]), np.array([[0.0], [0.5], [0.25]]), 2, 2)
        >>> run.n, run.applications_per_step, run.error_bound
        (2, 1.0, 0.0)
    """

    word: np.ndarray
    trajectory: np.ndarray
    applications: int
    depth: int
    error_bound: float = 0.0
    certificate: ContractionCertificate | None = None
    bound: str = ""

    @property
    def n(self) -> int:
        """The number of steps, ``len(word)``."""
        return int(self.word.size)

    @property
    def applications_per_step(self) -> float:
        """``applications / n`` (0.0 for an empty word)."""
        return self.applications / self.n if self.n else 0.0


@dataclass(frozen=True)
class Ensemble:
    r"""End points of ``m`` chains, and optionally their states at recorded steps.

    Attributes:
        final: ``(m, d)`` states after all ``n`` steps (forward: :math:`x^{(i)}_n`;
            backward: :math:`y^{(i)}_n`).
        steps: the recorded step numbers (a sorted tuple in ``0..n``); empty when none asked.
        recorded: ``(len(steps), m, d)``; ``recorded[r]`` is the ensemble after ``steps[r]``
            steps.

    Args:
        final, steps, recorded: the attributes, in this order.

    Raises:
        Nothing: the fields are stored as given (the ensemble functions validate their input).

    Example:
        >>> import numpy as np
        >>> ens = Ensemble(np.zeros((3, 1)), (0,), np.ones((1, 3, 1)))
        >>> ens.final.shape, ens.recorded[0].shape
        ((3, 1), (3, 1))
    """

    final: np.ndarray
    steps: tuple
    recorded: np.ndarray
