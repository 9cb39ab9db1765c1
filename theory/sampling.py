r"""Certified sampling from the stationary law via the backward limit (THEORY.md C10).

For a :math:`\rho`-contraction family and i.i.d. words, :math:`y_\infty(\xi)` has law
:math:`\pi`, and C1 gives the pathwise bound

.. math::

    |y_n(\xi) - y_\infty(\xi)| \le \frac{\rho^n C}{1 - \rho},
    \qquad n = \Bigl\lceil \frac{\log(\mathrm{tol}(1-\rho)/C)}{\log \rho} \Bigr\rceil
    \;\Longrightarrow\; |y_n - y_\infty| \le \mathrm{tol},

so the ``m`` backward end points at depth :math:`n` are draws whose coupling with exact draws
from :math:`\pi` moves each point by at most ``tol``; in particular
:math:`W_1(\text{law of a draw}, \pi) \le \mathrm{tol}`. The end point
:math:`T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)` is evaluated newest map first by one
batched sweep over all draws (:func:`revsgd.theory.ensemble.backward_ensemble`, the engine's
wavefront with one row per draw), for any family.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (the
    backward limit has the stationary law).
    J. G. Propp, D. B. Wilson, "Exact sampling with coupled Markov chains and applications
    to statistical mechanics", Random Structures & Algorithms 9(1-2), 1996 (coupling from
    the past: composing backward in time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.theory._validate import as_positive_float, as_positive_int
from revsgd.theory.contraction import ContractionCertificate, certify
from revsgd.theory.ensemble import backward_ensemble, sample_word_array
from revsgd.theory.family import check_family, check_point
from revsgd.theory.memory import check_allocation

__all__ = ["CertifiedSample", "sample_stationary"]


@dataclass(frozen=True)
class CertifiedSample:
    r"""Draws from :math:`\pi` up to a certified pathwise error.

    Attributes:
        draws: ``(m, d)`` backward end points at ``depth``.
        error_bound: :math:`\rho^{\mathrm{depth}} C / (1 - \rho) \le \mathrm{tol}`: every draw
            is within this distance of the backward limit of its own word.
        depth: number of composed maps per draw.
        certificate: the :class:`~revsgd.theory.contraction.ContractionCertificate` used.

    Args:
        draws, error_bound, depth, certificate: the attributes, in this order.

    Raises:
        Nothing: the fields are stored as given (:func:`sample_stationary` computes them).

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.contraction import ContractionCertificate
        >>> s = CertifiedSample(np.zeros((2, 1)), 1e-3, 10, ContractionCertificate(0.5, 1.0))
        >>> s.draws.shape, s.depth
        ((2, 1), 10)
    """

    draws: np.ndarray
    error_bound: float
    depth: int
    certificate: ContractionCertificate


def sample_stationary(family, m, tol, rng=None, x0=None) -> CertifiedSample:
    r"""``m`` draws from the stationary law of ``family``, each within ``tol`` of an exact draw.

    Args:
        family: a :class:`revsgd.theory.Family` whose maps are all :math:`\rho`-Lipschitz, :math:`\rho < 1`.
        m: number of draws, >= 1.
        tol: certified error, > 0.
        rng: ``numpy.random.Generator``, int seed or None (words drawn from ``family.probs``).
        x0: start point of the backward runs (zeros when None); only :math:`C` depends on it.

    Returns:
        a :class:`CertifiedSample`.

    Raises:
        ValueError: ``m <= 0``, ``tol <= 0``, a family that is not a uniform contraction, or
            ``m`` words of the certified depth beyond the allocation limit (estimated before
            anything is drawn; :mod:`revsgd.theory.memory`).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> cantor = AffineFamily([[[1 / 3]], [[1 / 3]]], [[0.0], [2 / 3]])
        >>> s = sample_stationary(cantor, 5, 1e-9, rng=0)
        >>> s.depth, s.error_bound <= 1e-9, s.draws.shape
        (19, True, (5, 1))
    """
    check_family(family)
    m = as_positive_int(m, "m")
    tol = as_positive_float(tol, "tol")
    x0 = np.zeros(family.dim) if x0 is None else check_point(family, x0)
    cert = certify(family, x0)
    depth = cert.steps_for(tol)
    check_allocation(
        16 * m * depth + 32 * m * (family.dim + 1),
        f"sample_stationary: {m} words of the certified depth {depth} (rho = {cert.rho:.17g}, "
        f"C = {cert.C:.6g}, tol = {tol:.3g})",
        "pass a larger tol or a smaller m (the depth grows like log(tol) / log(rho))",
    )
    words = sample_word_array(family, m, depth, rng)
    draws = backward_ensemble(family, words, x0).final
    return CertifiedSample(draws, float(cert.limit(depth)), depth, cert)
