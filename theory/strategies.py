r"""Hypothesis strategies for property tests on one's own optimizers.

Structured objects are *constructed*, never filtered: an affine contraction family is built
from drawn singular values and orthogonal factors
(:func:`revsgd.theory.instances.contraction_family`, which also holds :func:`orthogonal`),

.. math::

    A_k = U_k \operatorname{diag}(s_k) V_k^\top, \qquad 0 \le s_{k,i} \le \rho,
    \qquad s_{0,0} = \rho,

so every map is :math:`\rho`-Lipschitz and the family's contraction factor is exactly
:math:`\rho`. Matrices come from a drawn integer seed, so shrinking stays readable.

Requires the ``test`` extra (``pip install revsgd[test]``).

Example:
    >>> from hypothesis import given
    >>> from revsgd.theory.strategies import affine_families
    >>> @given(affine_families(max_dim=3))
    ... def test_contracts(fam):
    ...     assert fam.lipschitz().max() < 1

References:
    D. R. MacIver, Z. Hatfield-Dodds et al., "Hypothesis: a new approach to property-based
    testing", Journal of Open Source Software 4(43), 2019.
    F. Mezzadri, "How to generate random matrices from the classical compact groups",
    Notices of the AMS 54(5), 2007 (Haar orthogonal factors).
"""

from __future__ import annotations

import numbers

import numpy as np

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "revsgd.theory.strategies needs hypothesis: install the test extra, pip install 'revsgd[test]'"
    ) from exc

from revsgd.theory.instances import contraction_family, orthogonal

__all__ = ["affine_families", "index_sequences", "orthogonal", "seeds"]


def seeds():
    """Strategy for integer seeds of ``numpy.random.default_rng``, in ``[0, 2**32)``.

    Returns:
        a strategy of ints.

    Example:
        >>> from hypothesis import find
        >>> find(seeds(), lambda s: s > 10)
        11
    """
    return st.integers(min_value=0, max_value=2**32 - 1)


def _check_int_range(lo, hi, lo_name, hi_name, floor):
    for value, name in ((lo, lo_name), (hi, hi_name)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an int, got {value!r}")
    if lo < floor:
        raise ValueError(f"{lo_name} must be >= {floor}, got {lo}")
    if hi < lo:
        raise ValueError(f"{hi_name} must be >= {lo_name} = {lo}, got {hi}")


def _check_rho(rho, name):
    if isinstance(rho, bool) or not isinstance(rho, numbers.Real) or not 0.0 <= rho < 1.0:
        raise ValueError(f"{name} must be a real number in [0, 1), got {rho!r}")


def affine_families(
    *,
    min_dim: int = 1,
    max_dim: int = 5,
    min_K: int = 1,
    max_K: int = 5,
    rho=None,
    min_rho: float = 0.05,
    max_rho: float = 0.95,
    symmetric: bool = False,
    random_probs: bool = False,
    offset_scale: float = 1.0,
):
    r"""Strategy for :class:`~revsgd.theory.family.AffineFamily` contractions.

    Args:
        min_dim, max_dim: range of the dimension d (``min_dim >= 1``: d = 1 included by default).
        min_K, max_K: range of the number of maps K.
        rho: the contraction factor, fixed; when None it is drawn in ``[min_rho, max_rho]``.
        symmetric: if True, :math:`A_k = U_k \operatorname{diag}(s_k) U_k^\top` (eigenvalues
            drawn in :math:`[-\rho, \rho]`); otherwise non-symmetric in general.
        random_probs: draw selection probabilities (Dirichlet) instead of uniform.
        offset_scale: standard deviation of the offsets :math:`b_k`.

    Returns:
        a strategy of ``AffineFamily`` with :math:`\max_k \|A_k\|_2 = \rho`.

    Raises:
        TypeError, ValueError: for a non-int range, a range whose upper end is below its
            lower end, a factor outside ``[0, 1)`` or a negative ``offset_scale``.

    Example:
        >>> from hypothesis import find
        >>> fam = find(affine_families(rho=0.5, min_dim=2, max_dim=2), lambda f: True)
        >>> fam.dim, round(float(fam.lipschitz().max()), 12)
        (2, 0.5)
    """
    _check_int_range(min_dim, max_dim, "min_dim", "max_dim", 1)
    _check_int_range(min_K, max_K, "min_K", "max_K", 1)
    if rho is not None:
        _check_rho(rho, "rho")
    _check_rho(min_rho, "min_rho")
    _check_rho(max_rho, "max_rho")
    if max_rho < min_rho:
        raise ValueError(f"max_rho must be >= min_rho = {min_rho}, got {max_rho}")
    if not isinstance(offset_scale, numbers.Real) or not offset_scale >= 0:
        raise ValueError(f"offset_scale must be a real number >= 0, got {offset_scale!r}")
    rhos = st.just(float(rho)) if rho is not None else st.floats(min_rho, max_rho)

    @st.composite
    def build(draw):
        d = draw(st.integers(min_dim, max_dim))
        K = draw(st.integers(min_K, max_K))
        r = draw(rhos)
        rng = np.random.default_rng(draw(seeds()))
        return contraction_family(rng, d, K, r, symmetric=symmetric, offset_scale=offset_scale,
                                  random_probs=random_probs)

    return build()


def index_sequences(K: int, *, min_size: int = 0, max_size: int = 50):
    """Strategy for int64 index arrays (words) with entries in ``0..K-1``.

    Args:
        K: the number of maps, a positive int.
        min_size, max_size: the range of the word length, ``0 <= min_size <= max_size``.

    Returns:
        a strategy of 1-D int64 arrays.

    Raises:
        TypeError, ValueError: for a non-int or out-of-range argument.

    Example:
        >>> from hypothesis import find
        >>> find(index_sequences(3, min_size=2), lambda w: w.sum() >= 3).tolist()
        [1, 2]
    """
    _check_int_range(1, K, "1", "K", 1)
    _check_int_range(min_size, max_size, "min_size", "max_size", 0)
    return st.lists(
        st.integers(0, K - 1), min_size=min_size, max_size=max_size
    ).map(lambda xs: np.array(xs, dtype=np.int64))
