r"""Random instances, constructed (never filtered) from a ``numpy.random.Generator``.

One home for the random matrices and affine families of the strategies
(:mod:`revsgd.theory.strategies`), the numeric and symbolic checks and the benchmarks:

* :func:`orthogonal`: a Haar orthogonal factor, :math:`Q = \mathrm{qr}(G)` with the signs
  of :math:`\operatorname{diag} R` moved into :math:`Q` (Mezzadri 2007);
* :func:`random_spd`: :math:`H = Q \operatorname{diag}(\lambda) Q^\top` with
  :math:`\lambda_i \sim U[\text{low}, \text{high}]`;
* :func:`random_design`: a tall matrix :math:`X = U_{:, :d} \operatorname{diag}(s) V^\top`
  with :math:`s_i \sim U[\text{low}, \text{high}]` (its singular values);
* :func:`contraction_family`: :math:`A_k = U_k \operatorname{diag}(s_k) V_k^\top` with
  :math:`0 \le s_{k,i} \le \rho` and :math:`s_{0,0} = \rho` (or symmetric,
  :math:`A_k = U_k \operatorname{diag}(s_k) U_k^\top` with :math:`|s_{k,i}| \le \rho`), so that
  :math:`\max_k \|A_k\|_2 = \rho` exactly;
* :func:`gaussian_contraction` / :func:`gaussian_contraction_family`: a Gaussian matrix
  scaled to operator norm exactly :math:`\rho`.

**The order of the draws is part of the contract.** Seeded checks and benchmarks report
numbers that must not move, so each builder consumes its generator in a fixed, documented
order; where two callers drew differently, the builder keeps both orders (the
``spectrum_first`` keyword of :func:`contraction_family`) instead of changing a result.

Quadratic and logistic instances (which need :mod:`revsgd.models`) live in
:mod:`revsgd.models.instances`.

References:
    F. Mezzadri, "How to generate random matrices from the classical compact groups",
    Notices of the AMS 54(5), 2007.
"""

from __future__ import annotations

import numbers

import numpy as np

from revsgd.theory.family import AffineFamily

__all__ = [
    "contraction_family",
    "gaussian_contraction",
    "gaussian_contraction_family",
    "orthogonal",
    "random_design",
    "random_spd",
]


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def _check_rho(rho) -> float:
    if isinstance(rho, bool) or not isinstance(rho, numbers.Real) or not 0.0 <= rho < 1.0:
        raise ValueError(f"rho must be a real number in [0, 1); got {rho!r}")
    return rho


def orthogonal(rng: np.random.Generator, d: int) -> np.ndarray:
    r"""A Haar-distributed ``(d, d)`` orthogonal matrix (QR of a Gaussian, signs fixed).

    Draws one ``(d, d)`` standard normal matrix :math:`G = QR` and returns
    :math:`Q \operatorname{diag}(\operatorname{sign} R_{ii})`.

    Args:
        rng: the generator.
        d: the size, a positive int.

    Returns:
        a ``(d, d)`` orthogonal matrix.

    Raises:
        ValueError: if ``d`` is not a positive int.

    Example:
        >>> Q = orthogonal(np.random.default_rng(0), 3)
        >>> bool(np.allclose(Q @ Q.T, np.eye(3)))
        True
    """
    d = _positive_int(d, "d")
    Q, R = np.linalg.qr(rng.standard_normal((d, d)))
    return Q * np.sign(np.diag(R))


def random_spd(rng: np.random.Generator, d: int, low: float = 0.5, high: float = 2.0) -> np.ndarray:
    r""":math:`Q \operatorname{diag}(\lambda) Q^\top` with :math:`Q` Haar and :math:`\lambda_i \sim U[\text{low}, \text{high}]`.

    Draws :func:`orthogonal`, then the ``d`` eigenvalues.

    Args:
        rng: the generator.
        d: the size, a positive int.
        low, high: the range of the spectrum, ``0 < low <= high``.

    Returns:
        a ``(d, d)`` symmetric positive definite matrix with spectrum in ``[low, high]``.

    Raises:
        ValueError: if ``d`` is not a positive int or not ``0 < low <= high``.

    Example:
        >>> H = random_spd(np.random.default_rng(0), 3, 1.0, 2.0)
        >>> bool(np.all((np.linalg.eigvalsh(H) >= 1.0 - 1e-12) & (np.linalg.eigvalsh(H) <= 2.0 + 1e-12)))
        True
    """
    if not (0 < low <= high):
        raise ValueError(f"need 0 < low <= high; got low={low!r}, high={high!r}")
    Q = orthogonal(rng, d)
    return (Q * rng.uniform(low, high, size=d)) @ Q.T


def random_design(rng: np.random.Generator, rows: int, d: int, low: float = 1.0,
                  high: float = 2.0) -> np.ndarray:
    r"""A ``(rows, d)`` design :math:`X = U_{:, :d} \operatorname{diag}(s) V^\top`, singular values :math:`s_i \sim U[\text{low}, \text{high}]`.

    Draws a ``(rows, rows)`` Haar factor :math:`U`, the ``d`` singular values, then a
    ``(d, d)`` Haar factor :math:`V`.

    Args:
        rng: the generator.
        rows, d: the shape, ``rows >= d >= 1``.
        low, high: the range of the singular values, ``0 < low <= high``.

    Returns:
        the ``(rows, d)`` matrix, of full column rank.

    Raises:
        ValueError: if the shape or the range is invalid.

    Example:
        >>> X = random_design(np.random.default_rng(0), 5, 2)
        >>> s = np.linalg.svd(X, compute_uv=False)
        >>> X.shape, bool(np.all((s >= 1 - 1e-12) & (s <= 2 + 1e-12)))
        ((5, 2), True)
    """
    rows, d = _positive_int(rows, "rows"), _positive_int(d, "d")
    if rows < d:
        raise ValueError(f"rows must be >= d = {d}; got {rows}")
    if not (0 < low <= high):
        raise ValueError(f"need 0 < low <= high; got low={low!r}, high={high!r}")
    return (orthogonal(rng, rows)[:, :d] * rng.uniform(low, high, d)) @ orthogonal(rng, d).T


def contraction_family(rng: np.random.Generator, d: int, K: int, rho: float, *,
                       symmetric: bool = False, offset_scale: float = 1.0,
                       random_probs: bool = False, spectrum_first: bool = False) -> AffineFamily:
    r"""K affine maps :math:`T_k(x) = A_k x + b_k` with :math:`\max_k \|A_k\|_2 = \rho` exactly.

    :math:`A_k = U_k \operatorname{diag}(s_k) V_k^\top` with Haar :math:`U_k, V_k` and
    :math:`s_{k,i} \sim U[0, \rho]`, except :math:`s_{0,0} = \rho`; with ``symmetric``,
    :math:`A_k = U_k \operatorname{diag}(s_k) U_k^\top` with :math:`s_{k,i} \sim U[-\rho,
    \rho]`, :math:`s_{0,0} = \rho`. Offsets :math:`b_k \sim N(0, \text{offset\_scale}^2 I)`.

    Draws, for k = 0..K-1: :math:`U_k`, :math:`s_k`, :math:`V_k` (``spectrum_first``:
    :math:`s_k`, :math:`U_k`, :math:`V_k`, the order of the numeric checks); then the
    ``(K, d)`` offsets; then, with ``random_probs``, Dirichlet(1, ..., 1) probabilities.

    Args:
        rng: the generator.
        d, K: the dimension and the number of maps, positive ints.
        rho: the contraction factor, in ``[0, 1)``.
        symmetric: symmetric :math:`A_k` (eigenvalues in :math:`[-\rho, \rho]`).
        offset_scale: standard deviation of the offsets, ``>= 0``.
        random_probs: draw the selection probabilities instead of uniform ones.
        spectrum_first: draw each :math:`s_k` before its factors (not with ``symmetric``).

    Returns:
        an :class:`~revsgd.theory.family.AffineFamily`.

    Raises:
        ValueError: for a non-positive ``d`` or ``K``, ``rho`` outside ``[0, 1)``, a
            negative ``offset_scale``, or ``spectrum_first`` with ``symmetric``.

    Example:
        >>> fam = contraction_family(np.random.default_rng(0), 3, 4, 0.9)
        >>> round(float(fam.lipschitz().max()), 12)
        0.9
    """
    d, K, rho = _positive_int(d, "d"), _positive_int(K, "K"), _check_rho(rho)
    if not (isinstance(offset_scale, numbers.Real) and offset_scale >= 0):
        raise ValueError(f"offset_scale must be a real number >= 0; got {offset_scale!r}")
    if symmetric and spectrum_first:
        raise ValueError("spectrum_first applies to non-symmetric families only; got symmetric=True")
    A = np.empty((K, d, d))
    for k in range(K):
        if spectrum_first:
            s = rng.uniform(0.0, rho, size=d)
            U = orthogonal(rng, d)
        else:
            U = orthogonal(rng, d)
            s = rng.uniform(-rho if symmetric else 0.0, rho, size=d)
        if k == 0:
            s[0] = rho
        A[k] = (U * s) @ (U if symmetric else orthogonal(rng, d)).T
    b = offset_scale * rng.standard_normal((K, d))
    probs = rng.dirichlet(np.ones(K)) if random_probs else None
    return AffineFamily(A, b, probs)


def gaussian_contraction(rng: np.random.Generator, d: int, rho: float) -> np.ndarray:
    r"""A ``(d, d)`` standard normal matrix :math:`G` scaled to :math:`\rho G / \|G\|_2`.

    Args:
        rng: the generator (draws one ``(d, d)`` normal matrix).
        d: the size, a positive int.
        rho: the operator norm, ``>= 0``.

    Returns:
        the matrix, non-symmetric with operator norm exactly ``rho`` (up to round-off).

    Raises:
        ValueError: if ``d`` is not a positive int.

    Example:
        >>> A = gaussian_contraction(np.random.default_rng(0), 3, 0.5)
        >>> round(float(np.linalg.norm(A, 2)), 12)
        0.5
    """
    return _gaussian_matrices(rng, d, 1, rho)[0]


def gaussian_contraction_family(rng: np.random.Generator, d: int, K: int, rho: float) -> AffineFamily:
    r"""K maps :math:`A_k x + b_k`, :math:`A_k = \rho G_k / \|G_k\|_2` Gaussian, :math:`b_k \sim N(0, I)`.

    Draws the ``(K, d, d)`` matrices :math:`G_k` at once, then the ``(K, d)`` offsets.
    Cheaper than :func:`contraction_family` for large d (no QR), used by the benchmarks.

    Args:
        rng: the generator.
        d, K: the dimension and the number of maps, positive ints.
        rho: every map's operator norm, ``>= 0``.

    Returns:
        an :class:`~revsgd.theory.family.AffineFamily` with uniform probabilities.

    Raises:
        ValueError: if ``d`` or ``K`` is not a positive int.

    Example:
        >>> fam = gaussian_contraction_family(np.random.default_rng(0), 4, 3, 0.9)
        >>> np.round(fam.lipschitz(), 12).tolist()
        [0.9, 0.9, 0.9]
    """
    A = _gaussian_matrices(rng, d, K, rho)
    return AffineFamily(A, rng.standard_normal((A.shape[0], A.shape[1])))


def _gaussian_matrices(rng, d, K, rho) -> np.ndarray:
    d, K = _positive_int(d, "d"), _positive_int(K, "K")
    if not (isinstance(rho, numbers.Real) and rho >= 0):
        raise ValueError(f"rho must be a real number >= 0; got {rho!r}")
    A = rng.standard_normal((K, d, d))
    A *= rho / np.linalg.norm(A, ord=2, axis=(1, 2))[:, None, None]
    return A
