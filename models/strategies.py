r"""Hypothesis strategies for quadratic models with a contracting learning rate.

Batch Hessians are constructed from drawn spectra and orthogonal factors,
:math:`H_k = Q_k \operatorname{diag}(\lambda_k) Q_k^\top` with
:math:`\lambda_{k,i} \in [\mu, L]`, and the learning rate is drawn strictly inside the
contraction range :math:`(0, 2/L_{\max})` as a fraction of its upper end. Nothing is filtered;
the models are :func:`revsgd.models.instances.random_quadratic`.

Requires the ``test`` extra.

References:
    D. R. MacIver, Z. Hatfield-Dodds et al., "Hypothesis: a new approach to property-based
    testing", Journal of Open Source Software 4(43), 2019.
    F. Mezzadri, "How to generate random matrices from the classical compact groups",
    Notices of the AMS 54(5), 2007 (Haar orthogonal factors).
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

from revsgd.models.instances import random_quadratic
from revsgd.models.quadratic import Quadratic
from revsgd.theory.strategies import _check_int_range, seeds

__all__ = ["ContractiveQuadratic", "quadratic_models"]


class ContractiveQuadratic(NamedTuple):
    """A quadratic model, a learning rate inside its contraction range, and the factor."""

    model: Quadratic
    lr: float
    rho: float


def quadratic_models(
    *,
    min_dim: int = 1,
    max_dim: int = 5,
    min_K: int = 1,
    max_K: int = 5,
    mu: float = 0.1,
    L: float = 4.0,
    min_lr_fraction: float = 0.05,
    max_lr_fraction: float = 0.95,
):
    r"""Strategy for :class:`ContractiveQuadratic` triples ``(model, lr, rho)``.

    Args:
        min_dim, max_dim, min_K, max_K: ranges of d and K.
        mu, L: eigenvalues of every batch Hessian lie in ``[mu, L]``, ``0 < mu <= L``.
        min_lr_fraction, max_lr_fraction: ``lr = f * 2 / L_max`` with ``f`` drawn in this
            range, a sub-interval of ``(0, 1)``.

    Returns:
        a strategy of :class:`ContractiveQuadratic`; the model is
        :func:`revsgd.models.instances.random_quadratic` of a drawn seed.

    Raises:
        TypeError, ValueError: for a non-int range, ``mu`` or ``L`` not positive,
            ``L < mu``, or fractions outside ``(0, 1)``.

    Example:
        >>> from hypothesis import find
        >>> triple = find(quadratic_models(max_dim=2), lambda t: True)
        >>> bool(triple.rho < 1), triple.model.dim
        (True, 1)
    """
    _check_int_range(min_dim, max_dim, "min_dim", "max_dim", 1)
    _check_int_range(min_K, max_K, "min_K", "max_K", 1)
    for value, name in ((mu, "mu"), (L, "L")):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
            raise ValueError(f"{name} must be a real number > 0, got {value!r}")
    if L < mu:
        raise ValueError(f"L must be >= mu = {mu}, got {L}")
    if not 0 < min_lr_fraction <= max_lr_fraction < 1:
        raise ValueError(
            "need 0 < min_lr_fraction <= max_lr_fraction < 1, got "
            f"{min_lr_fraction!r} and {max_lr_fraction!r}"
        )

    @st.composite
    def build(draw):
        d = draw(st.integers(min_dim, max_dim))
        K = draw(st.integers(min_K, max_K))
        frac = draw(st.floats(min_lr_fraction, max_lr_fraction))
        model = random_quadratic(np.random.default_rng(draw(seeds())), d, K, mu, L)
        lr = frac * model.contractive_lr_range().high
        return ContractiveQuadratic(model, lr, model.contraction_factor(lr))

    return build()
