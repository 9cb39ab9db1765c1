r"""Streamed ensembles: long runs of many chains without holding their words or history.

:func:`revsgd.theory.ensemble.sample_forward_ensemble` draws the whole ``(m, n)`` word array first
(8 m n bytes) and can record every requested step; for ``m = 10^5`` chains and
``n = 10^4`` steps the words alone are 8 GB. :func:`stream_forward_ensemble` draws the
i.i.d. words a chunk of steps at a time and *yields* the ensemble at every ``every``-th step,

.. math::

    X^{(i)}_t = T_{\xi^{(i)}_t} \circ \dots \circ T_{\xi^{(i)}_1}(x_0), \qquad
    t = \text{every}, 2\,\text{every}, \dots \ (\text{and } t = n),
    \qquad \xi^{(i)}_s \overset{\text{iid}}{\sim} p,

holding :math:`O(m d + m \cdot \text{chunk})` numbers. The law of what it yields is that of
:func:`~revsgd.theory.ensemble.sample_forward_ensemble` with the same ``m``, ``n``; the draws are
not the same (the generator is consumed chunk by chunk).

Backward end points of fresh i.i.d. words need no separate stream: reversing an i.i.d. word
does not change its law (C2), so they are a forward stream read at step ``n``.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from revsgd.theory._validate import as_generator, as_nonnegative_int, as_positive_int
from revsgd.theory.ensemble import _check_start, _sweep
from revsgd.theory.family import check_family

__all__ = ["stream_forward_ensemble", "WORD_BUDGET"]

#: Largest number of word entries drawn at once (m * chunk); 8 bytes each.
WORD_BUDGET = 1 << 22


def stream_forward_ensemble(
    family, m, n, x0, rng=None, every=1
) -> Iterator[tuple[int, np.ndarray]]:
    r"""Yield ``(t, X_t)`` for ``t = 0, every, 2 every, ...`` and ``t = n``, ``X_t`` of shape ``(m, d)``.

    Args:
        family: a :class:`revsgd.theory.Family`.
        m: number of chains (positive int); n: number of steps (int >= 0).
        x0: ``(d,)`` common start or ``(m, d)`` one per chain.
        rng: seed or :class:`numpy.random.Generator`.
        every: positive int, the spacing of the yielded steps.

    Yields:
        the step number and a fresh array (safe to keep) of the chains' states.

    Raises:
        TypeError / ValueError: bad family, counts, start point or spacing (named).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> [t for t, X in stream_forward_ensemble(fam, 3, 5, [0.0], rng=0, every=2)]
        [0, 2, 4, 5]
    """
    check_family(family)
    m = as_positive_int(m, "m")
    n = as_nonnegative_int(n, "n")
    every = as_positive_int(every, "every")
    X = _check_start(family, x0, m)
    gen = as_generator(rng)
    probs = np.asarray(family.probs)
    chunk = max(1, min(every, WORD_BUDGET // m))
    return _stream(family, X, n, every, chunk, gen, probs)


def _stream(family, X, n, every, chunk, gen, probs):
    yield 0, X.copy()
    t = 0
    while t < n:
        target = min(n, (t // every + 1) * every)  # the next step to yield
        while t < target:
            c = min(chunk, target - t)
            words = gen.choice(family.K, size=(X.shape[0], c), p=probs)
            X = _sweep(family, words, X, ()).final
            t += c
        yield t, X.copy()
