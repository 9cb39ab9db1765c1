r"""Index sequences :math:`\xi_1, \xi_2, \dots \in \{0, \dots, K-1\}` that select the maps.

Schemes:

* ``"iid"``: i.i.d. draws with law ``probs`` (sampling *with replacement*);
* ``"reshuffle"``: consecutive epochs of K steps, each a uniform random permutation of
  ``0..K-1`` (the last epoch is cut at ``n``);
* ``"cyclic"``: ``0, 1, ..., K-1, 0, 1, ...`` (deterministic).

The same sequence drives forward and backward iteration; only the composition order
differs (see :mod:`revsgd.theory.iterate`).

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (i.i.d.
    selection); arXiv:2502.01557 (one sequence drives forward and backward SGD).
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_generator, as_nonnegative_int, as_positive_int, as_probabilities
from revsgd.theory.memory import check_allocation

__all__ = ["SCHEMES", "sample_indices"]

#: The names of the index-sequence schemes of :func:`sample_indices`.
SCHEMES = ("iid", "reshuffle", "cyclic")


def sample_indices(K, n, rng=None, scheme: str = "iid", probs=None) -> np.ndarray:
    r"""Draw ``n`` map indices in ``0..K-1`` by ``scheme``.

    .. math::

        \text{iid: } \Pr(\xi_t = k) = p_k \text{ independently}; \qquad
        \text{reshuffle: } (\xi_{eK+1}, \dots, \xi_{eK+K}) = \pi^{(e)}
        \text{ uniform permutations}; \qquad
        \text{cyclic: } \xi_t = (t - 1) \bmod K .

    Args:
        K: number of maps, >= 1.
        n: length of the sequence, >= 0.
        rng: a ``numpy.random.Generator``, an int seed or None.
        scheme: ``"iid"``, ``"reshuffle"`` or ``"cyclic"``.
        probs: selection law for ``"iid"`` (uniform when None); only uniform selection is
            meaningful for the epoch schemes, so a non-None ``probs`` is refused there.

    Returns:
        int64 array of shape ``(n,)``.

    Raises:
        TypeError: a non-integer ``K`` or ``n``, or an ``rng`` that is neither a Generator, a
            seed nor None.
        ValueError: ``K < 1``, ``n < 0``, an unknown ``scheme``, ``probs`` with an epoch
            scheme, ``probs`` that are not a probability vector of length K, or a word beyond
            the allocation limit (:mod:`revsgd.theory.memory`).

    Example:
        >>> sample_indices(3, 7, scheme="cyclic")
        array([0, 1, 2, 0, 1, 2, 0])
    """
    K = as_positive_int(K, "K")
    n = as_nonnegative_int(n, "n")
    if not isinstance(scheme, str) or scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}; got {scheme!r}")
    if scheme != "iid" and probs is not None:
        raise ValueError(
            f"probs applies to scheme 'iid' only; scheme {scheme!r} selects each map once "
            f"per epoch, got probs={probs!r}"
        )
    p = as_probabilities(probs, "probs", K)
    check_allocation(16 * n, f"sample_indices: a word of n = {n} indices",
                     "pass a smaller n, or draw the word in pieces")
    if scheme == "cyclic":
        return np.arange(n, dtype=np.int64) % K
    gen = as_generator(rng)
    if scheme == "iid":
        return gen.choice(K, size=n, p=p).astype(np.int64)
    epochs = -(-n // K)
    perms = gen.permuted(np.tile(np.arange(K, dtype=np.int64), (epochs, 1)), axis=1)
    return perms.reshape(-1)[:n]
