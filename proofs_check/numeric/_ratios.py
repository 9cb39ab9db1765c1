r"""Ratios of a measured distance to its bound (C1, C3), and the verdict "largest ratio <= 1".

Many numeric checks measure, on each of several random instances, the largest ratio over
:math:`n` of a distance (round-off subtracted) to the bound the theory puts on it, and pass
iff the largest ratio over all instances is at most 1. This module holds that verdict
(:func:`worst_ratio`, :func:`ratio_outcome`) and the two ratios of C1 that the affine and the
logistic checks share: the backward increments against :math:`\rho^n C`
(:func:`cauchy_ratio`, and its verdict over instances :func:`cauchy_outcome`) and the gap
between two starts against :math:`\rho^n |x_0 - x_0'|` (:func:`start_gap_ratio`,
:func:`start_gap_outcome`).

Round-off: a trajectory of :math:`n` steps carries at most
:func:`revsgd.theory.tolerances.trajectory_roundoff` ``(n, dim, scale)``, with ``dim`` the
length of the longest inner product of one step (``d`` for affine maps, ``d + B`` for a
batch of ``B`` rows); it is subtracted from the distance before dividing by the bound, once
per trajectory involved.

Example:

>>> ratio_outcome(worst_ratio([-0.5, 0.25]), "demo", "largest ratio; pass iff <= 1").measured
0.25

References:
    arXiv:2502.01557 (the backward contraction principle, C1).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from revsgd.proofs_check.numeric._instances import iterate_scale, roundoff
from revsgd.proofs_check.registry import Outcome
from revsgd.theory.contraction import certify, contraction_factor

__all__ = [
    "CAUCHY_NOTE",
    "START_GAP_NOTE",
    "cauchy_outcome",
    "cauchy_ratio",
    "ratio_outcome",
    "start_gap_outcome",
    "start_gap_ratio",
    "worst_ratio",
]

#: the note of a check built on :func:`cauchy_ratio`
CAUCHY_NOTE = ("largest ratio over d and n of |y_{n+1} - y_n| (round-off subtracted) to rho^n C; "
               "pass iff measured <= expected")
#: the note of a check built on :func:`start_gap_ratio`
START_GAP_NOTE = ("largest ratio over d and n of |y_n(x_0) - y_n(x_0')| (round-off subtracted) to "
                  "rho^n |x_0 - x_0'|; pass iff measured <= expected")


def worst_ratio(ratios: Iterable[float]) -> float:
    """The largest of ``0`` and the ``ratios``; NaN if any ratio is NaN.

    Args:
        ratios: the per-instance ratios, an iterable of floats (a generator expression over
            instances drawn from one generator of random numbers keeps their draw order).

    Returns:
        ``max(0.0, r_1, r_2, ...)`` as a float, or NaN where some ratio is NaN (so that
        :func:`ratio_outcome` fails it: ``max`` alone would drop a NaN).

    Example:

    >>> worst_ratio(iter([0.5, 2.0, 1.0])), worst_ratio([0.5, float("nan")])
    (2.0, nan)
    """
    worst = 0.0
    for ratio in ratios:
        ratio = float(ratio)
        if ratio != ratio:  # NaN
            return ratio
        worst = max(worst, ratio)
    return worst


def ratio_outcome(worst: float, instance: str, note: str) -> Outcome:
    """The verdict of a largest ratio to a bound: pass iff ``worst <= 1``.

    Args:
        worst: the largest ratio (:func:`worst_ratio`).
        instance: the instances it was measured on.
        note: what the ratio is.

    Returns:
        ``Outcome(worst <= 1.0, worst, 1.0, instance, note)`` (a NaN ``worst`` fails).

    Example:

    >>> ratio_outcome(1.5, "d=1", "ratio").passed
    False
    """
    return Outcome(worst <= 1.0, worst, 1.0, instance, note)


def cauchy_ratio(backward, family, idx, x0, dim: int) -> float:
    r"""Largest ratio over :math:`n` of :math:`|y_{n+1} - y_n|` minus round-off to :math:`\rho^n C`.

    .. math:: \max_{n < N} \frac{|y_{n+1} - y_n| - \mathrm{tol}}{\rho^n C}, \qquad
              \mathrm{tol} = \mathrm{trajectory\_roundoff}(N, \mathrm{dim}, |x_0| + C/(1-\rho)),

    with :math:`(\rho, C)` = :func:`revsgd.theory.contraction.certify` ``(family, x0)`` and
    :math:`N` the length of ``idx``.

    Args:
        backward: ``backward(family, idx, x0)``, the backward iterates :math:`y_0 .. y_N`.
        family: a contracting family.
        idx: the word, ``N`` indices.
        x0: the start.
        dim: the longest inner product of one step (``d``, or ``d + B`` for batches of ``B``).

    Returns:
        the largest ratio, a float (at most 1 when C1 holds).
    """
    n = len(idx)
    cert = certify(family, x0)
    inc = np.linalg.norm(np.diff(backward(family, idx, x0), axis=0), axis=1)
    tol = roundoff(n, dim, iterate_scale(cert, x0))
    return float(np.max((inc - tol) / cert.cauchy(np.arange(n))))


def start_gap_ratio(backward, family, idx, x0, x1, dim: int) -> float:
    r"""Largest ratio over :math:`n` of :math:`|y_n(x_0) - y_n(x_1)|` minus round-off to :math:`\rho^n |x_0 - x_1|`.

    The round-off of both runs is subtracted, each with the larger of the two starts'
    :func:`~revsgd.theory.tolerances.iterate_scale`.

    Args:
        backward: ``backward(family, idx, x0)``, the backward iterates :math:`y_0 .. y_N`.
        family: a contracting family (:math:`\rho` = its largest Lipschitz constant).
        idx: the word, ``N`` indices.
        x0, x1: the two starts.
        dim: the longest inner product of one step (``d``, or ``d + B`` for batches of ``B``).

    Returns:
        the largest ratio, a float (at most 1 when C1 holds).
    """
    n = len(idx)
    gap = np.linalg.norm(backward(family, idx, x0) - backward(family, idx, x1), axis=1)
    scale = max(iterate_scale(certify(family, x), x) for x in (x0, x1))
    tol = 2 * roundoff(n, dim, scale)
    bound = contraction_factor(family) ** np.arange(n + 1) * np.linalg.norm(x0 - x1)
    return float(np.max((gap - tol) / bound))


def cauchy_outcome(backward, instances, instance: str, *, extra_dim: int = 0) -> Outcome:
    """The C1 increment verdict: the largest :func:`cauchy_ratio` over ``instances`` is at most 1.

    Args:
        backward: the backward iterates, ``backward(family, idx, x0)``.
        instances: an iterable of ``(d, family, idx, x0)``.
        instance: the instances in words.
        extra_dim: added to ``d`` in the round-off (the rows ``B`` of a batch for nonlinear steps).

    Returns:
        :func:`ratio_outcome` of the largest ratio, with :data:`CAUCHY_NOTE`.
    """
    worst = worst_ratio(cauchy_ratio(backward, fam, idx, x0, d + extra_dim) for d, fam, idx, x0 in instances)
    return ratio_outcome(worst, instance, CAUCHY_NOTE)


def start_gap_outcome(backward, instances, second_start, instance: str, *, extra_dim: int = 0) -> Outcome:
    """The C1 start-independence verdict: the largest :func:`start_gap_ratio` over ``instances`` is <= 1.

    Args:
        backward: the backward iterates, ``backward(family, idx, x0)``.
        instances: an iterable of ``(d, family, idx, x0)``.
        second_start: ``second_start(d)``, the second start (drawn after each instance).
        instance: the instances in words.
        extra_dim: added to ``d`` in the round-off (the rows ``B`` of a batch for nonlinear steps).

    Returns:
        :func:`ratio_outcome` of the largest ratio, with :data:`START_GAP_NOTE`.
    """
    worst = worst_ratio(start_gap_ratio(backward, fam, idx, x0, second_start(d), d + extra_dim)
                        for d, fam, idx, x0 in instances)
    return ratio_outcome(worst, instance, START_GAP_NOTE)
