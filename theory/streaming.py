r"""Streamed ensembles: long runs of many chains without holding their words or history.

:func:`revsgd.theory.ensemble.sample_forward_ensemble` draws the whole ``(m, n)`` word array first
(8 m n bytes) and can record every requested step; for ``m = 10^5`` chains and
``n = 10^4`` steps the words alone are 8 GB. :func:`stream_forward_ensemble` draws the
i.i.d. words a chunk of steps at a time and *yields* the ensemble at the recorded steps,

.. math::

    X^{(i)}_t = T_{\xi^{(i)}_t} \circ \dots \circ T_{\xi^{(i)}_1}(x_0), \qquad
    t \in \mathrm{record}\ (\text{e.g. } 0, k, 2k, \dots),
    \qquad \xi^{(i)}_s \overset{\text{iid}}{\sim} p,

holding :math:`O(m d + m \cdot \text{chunk})` numbers. The law of what it yields is that of
:func:`~revsgd.theory.ensemble.sample_forward_ensemble` with the same ``m``, ``n``; the draws are
not the same (the generator is consumed chunk by chunk).

Backward end points of fresh i.i.d. words need no separate stream: reversing an i.i.d. word
does not change its law (C2), so they are a forward stream read at step ``n``.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from revsgd.theory._validate import as_generator, as_nonnegative_int, as_positive_int, as_probabilities
from revsgd.theory.divergence import check_finite
from revsgd.theory.ensemble import check_start, sweep
from revsgd.theory.family import check_family
from revsgd.theory.memory import check_allocation
from revsgd.theory.run import check_record

__all__ = ["stream_forward_ensemble", "WORD_BUDGET"]

#: Largest number of word entries drawn at once (m * chunk); 8 bytes each.
WORD_BUDGET = 1 << 22


def stream_forward_ensemble(family, m, n, x0, rng=None, record=None) -> Iterator[tuple[int, np.ndarray]]:
    r"""Yield ``(t, X_t)`` for ``t`` in ``record``, ``X_t`` of shape ``(m, d)``.

    .. math::

        X^{(i)}_t = T_{\xi^{(i)}_t} \circ \dots \circ T_{\xi^{(i)}_1}(x_0), \qquad
        \xi^{(i)}_s \overset{\text{iid}}{\sim} p, \qquad t \in \mathrm{record} .

    Args:
        family: a :class:`revsgd.theory.Family`.
        m: number of chains (positive int); n: number of steps (int >= 0).
        x0: ``(d,)`` common start or ``(m, d)`` one per chain.
        rng: seed or :class:`numpy.random.Generator`.
        record: the step numbers to yield, strictly increasing in ``0..n`` (None: every
            step; ``range(0, n + 1, k)``: steps ``0, k, 2k, ...``). Words are drawn only up
            to the last of them.

    Yields:
        the step number and a fresh array (safe to keep) of the chains' states.

    Raises:
        TypeError / ValueError: bad family, counts, start point or record (named).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> [t for t, X in stream_forward_ensemble(fam, 3, 5, [0.0], rng=0, record=[0, 2, 4, 5])]
        [0, 2, 4, 5]
    """
    check_family(family)
    m = as_positive_int(m, "m")
    n = as_nonnegative_int(n, "n")
    steps = check_record(record, n)
    X = check_start(family, x0, m)
    gen = as_generator(rng)
    probs = as_probabilities(family.probs, "family.probs", family.K)
    check_allocation(8 * (4 * m * (family.dim + 1)) + 8 * WORD_BUDGET,
                     f"stream_forward_ensemble: {m} chains of dimension d = {family.dim}",
                     "pass a smaller m")
    chunk = max(1, WORD_BUDGET // m)
    return _stream(family, X, steps.tolist(), chunk, gen, probs)


def _stream(family, X, steps, chunk, gen, probs):
    t = 0
    for target in steps:  # the next step to yield
        while t < target:
            c = min(chunk, target - t)
            words = gen.choice(family.K, size=(X.shape[0], c), p=probs)
            with np.errstate(over="ignore", invalid="ignore"):
                X = sweep(family, words, X).final
            t += c
        check_finite(X.T, family, f"stream_forward_ensemble (step {t})", None, "chain")
        yield t, X.copy()
