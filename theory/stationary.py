r"""Exact first two moments of the stationary law of an affine family (THEORY.md C5).

For :math:`T_k(x) = A_k x + b_k` selected i.i.d. with law :math:`p`, the stationary law
:math:`\pi` of the forward chain (the law of the backward limit) has

.. math::

    m = (I - \mathbb{E}A)^{-1}\,\mathbb{E}b, \qquad
    S = \mathbb{E}[A S A^\top] + Q, \qquad
    Q = \operatorname{Cov}(A m + b) = \mathbb{E}[(A m + b - m)(A m + b - m)^\top],

the second being the *Stein equation* of the mean-square operator
:math:`\mathcal{L}(S) = \mathbb{E}[A S A^\top] = \sum_k p_k A_k S A_k^\top`. In vectorised form
:math:`\operatorname{vec} S = (I - \mathbb{E}[A \otimes A])^{-1} \operatorname{vec} Q`, valid iff
the spectral radius :math:`r` of :math:`\mathcal{L}` is :math:`< 1` (mean-square stability).

How :math:`r` is found: for small d from the eigenvalues of the :math:`d^2 \times d^2` matrix
:math:`\mathbb{E}[A \otimes A]`; for larger d by a certified power iteration on
:math:`\mathcal{L}`, which maps the positive semi-definite cone into itself. For every
positive definite :math:`S`, with :math:`c_- , c_+` the extreme generalised eigenvalues of
:math:`(\mathcal{L}(S), S)`,

.. math::

    c_- S \preceq \mathcal{L}(S) \preceq c_+ S \;\Longrightarrow\; c_- \le r \le c_+ ,

so the iteration stops as soon as the bracket :math:`[c_-, c_+]` excludes 1.

How :math:`S` is found: for :math:`d \le` ``direct_max_dim`` by solving the Kronecker system;
above, by GMRES on :math:`S \mapsto S - \mathcal{L}(S)` preconditioned by the Stein solve of
the mean map :math:`S \mapsto S - \bar A S \bar A^\top` (in the eigenbasis of :math:`\bar A`).
Either way the relative residual :math:`\|S - \mathcal{L}(S) - Q\|_F / \|Q\|_F` is reported.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (the
    stationary law of an affine family is the law of the backward limit).
    O. L. V. Costa, M. D. Fragoso, R. P. Marques, *Discrete-Time Markov Jump Linear Systems*,
    Springer 2005, ch. 3 (mean-square stability and the spectral radius of
    :math:`\mathbb{E}[A \otimes A]`).
    Y. Saad, M. H. Schultz, "GMRES: a generalized minimal residual algorithm for solving
    nonsymmetric linear systems", SIAM J. Sci. Stat. Comput. 7(3), 1986.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.sparse.linalg

from revsgd.theory._validate import as_finite_array, as_nonnegative_int, as_positive_int, as_real
from revsgd.theory.family import AffineFamily
from revsgd.theory.memory import check_allocation

__all__ = [
    "StationaryMoments",
    "mean_square_operator",
    "mean_square_radius",
    "solve_stationary",
    "stationary_moments",
]

_EPS = np.finfo(float).eps


def _check_affine(family) -> AffineFamily:
    if not isinstance(family, AffineFamily):
        raise TypeError(
            "family must be a theory.AffineFamily (stationary moments are exact for affine "
            f"maps only), got {type(family).__name__}"
        )
    return family


def mean_square_operator(family, S) -> np.ndarray:
    r"""The mean-square operator :math:`\mathcal{L}(S) = \sum_k p_k A_k S A_k^\top`.

    .. math::

        \mathcal{L}(S) = \mathbb{E}[A_\xi S A_\xi^\top], \qquad
        \operatorname{vec}\mathcal{L}(S) = \mathbb{E}[A \otimes A] \operatorname{vec} S
        \ \text{(row-major vec)}.

    Args:
        family: an :class:`~revsgd.theory.family.AffineFamily`.
        S: a ``(d, d)`` matrix.

    Returns:
        :math:`\mathcal{L}(S)`, shape ``(d, d)``.

    Raises:
        TypeError: ``family`` is not an AffineFamily, a non-numeric ``S``.
        ValueError: ``S`` not of shape ``(d, d)`` or with non-finite entries.

    Example:
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> mean_square_operator(fam, np.eye(1))   # (1/4 + 1/4) / 2
        array([[0.25]])
    """
    fam = _check_affine(family)
    K, d = fam.K, fam.dim
    S = as_finite_array(S, "S", shape=(d, d))
    AS = np.matmul(fam.A, S) * fam.probs[:, None, None]  # p_k A_k S, shape (K, d, d)
    # sum_k (p_k A_k S) A_k^T as one (d, K d) x (K d, d) product
    return AS.transpose(1, 0, 2).reshape(d, K * d) @ fam.A.transpose(0, 2, 1).reshape(K * d, d)


def _kron_matrix(fam: AffineFamily) -> np.ndarray:
    d = fam.dim
    check_allocation(8 * 3 * d**4, f"the d^2 x d^2 Kronecker system of d = {d}",
                     f"pass direct_max_dim < {d}, so that the iterative solver (O(d^2) memory) is used")
    M = np.zeros((d * d, d * d))
    for p, A in zip(fam.probs, fam.A):
        M += p * np.kron(A, A)  # row-major vec: vec(A S A^T) = (A (x) A) vec S
    return M


def _radius_bracket(fam: AffineFamily, maxiter: int) -> tuple[float, float]:
    """Certified bracket [c-, c+] of the spectral radius of L (see the module docstring)."""
    d = fam.dim
    S = np.eye(d)
    lo, hi = 0.0, np.inf
    for _ in range(maxiter):
        LS = mean_square_operator(fam, S)
        c = scipy.linalg.eigh(LS, S, eigvals_only=True)
        lo, hi = max(lo, float(c[0])), min(hi, float(c[-1]))
        if hi < 1.0 or lo >= 1.0 or hi - lo <= 1e-9 * max(hi, _EPS):
            break
        # Next iterate, kept positive definite by a small multiple of the identity.
        scale = np.trace(LS) / d
        if scale <= 0.0:  # L(S) = 0: L is nilpotent on this iterate, r = 0
            return 0.0, 0.0
        S = LS / scale + 1e-10 * np.eye(d)
        S = 0.5 * (S + S.T)
    return lo, hi


def mean_square_radius(family, *, direct_max_dim: int = 20, maxiter: int = 2000) -> float:
    r"""Spectral radius :math:`r` of :math:`\mathbb{E}[A \otimes A]` (mean-square stability iff < 1).

    .. math::

        r = \rho\Bigl(\sum_k p_k A_k \otimes A_k\Bigr), \qquad
        c_- S \preceq \mathcal{L}(S) \preceq c_+ S \;\Longrightarrow\; c_- \le r \le c_+ .

    Exact eigenvalues for ``dim <= direct_max_dim``; above, the upper end :math:`c_+` of the
    certified power-iteration bracket (a value >= the true radius whenever it is < 1).

    Args:
        family: an :class:`~revsgd.theory.family.AffineFamily`.
        direct_max_dim: largest d whose :math:`d^2 \times d^2` matrix is formed, >= 0.
        maxiter: iteration cap of the power iteration, >= 1.

    Returns:
        :math:`r` (or its certified upper bound), a float.

    Raises:
        TypeError: ``family`` is not an AffineFamily; a non-integer ``direct_max_dim`` or
            ``maxiter``.
        ValueError: ``direct_max_dim < 0`` or ``maxiter < 1``.

    Example:
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> mean_square_radius(fam)
        0.25
    """
    fam = _check_affine(family)
    direct_max_dim = as_nonnegative_int(direct_max_dim, "direct_max_dim")
    maxiter = as_positive_int(maxiter, "maxiter")
    if fam.dim <= direct_max_dim:
        return float(np.max(np.abs(np.linalg.eigvals(_kron_matrix(fam)))))
    lo, hi = _radius_bracket(fam, maxiter)
    return hi if hi < 1.0 else max(lo, hi if np.isfinite(hi) else lo)


@dataclass(frozen=True)
class StationaryMoments:
    r"""Mean and covariance of the stationary law, with how they were obtained.

    .. math::

        m = (I - \mathbb{E}A)^{-1}\mathbb{E}b, \qquad S = \mathcal{L}(S) + Q .

    Attributes:
        mean: ``(d,)`` stationary mean :math:`m`.
        cov: ``(d, d)`` stationary covariance :math:`S` (symmetric).
        radius: spectral radius (or certified upper bound) of :math:`\mathbb{E}[A\otimes A]`.
        residual: :math:`\|S - \mathcal{L}(S) - Q\|_F / \max(\|Q\|_F, \text{tiny})`.
        method: ``"kronecker"`` or ``"gmres"``.

    Args:
        mean, cov, radius, residual, method: the attributes, in this order.

    Raises:
        Nothing: the fields are stored as given (:func:`solve_stationary` computes them).

    Example:
        >>> sm = solve_stationary(AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]]))
        >>> sm.method, float(sm.radius)
        ('kronecker', 0.25)
    """

    mean: np.ndarray
    cov: np.ndarray
    radius: float
    residual: float
    method: str


def _residual(fam, S, Q) -> float:
    R = S - mean_square_operator(fam, S) - Q
    return float(np.linalg.norm(R) / max(np.linalg.norm(Q), np.finfo(float).tiny))


def solve_stationary(
    family, *, direct_max_dim: int = 20, rtol: float = 1e-12, maxiter: int = 2000
) -> StationaryMoments:
    r"""Stationary mean and covariance of ``family`` under i.i.d. selection (C5).

    .. math::

        m = (I - \mathbb{E}A)^{-1}\mathbb{E}b, \qquad
        S - \mathbb{E}[A S A^\top] = \mathbb{E}[(A m + b - m)(A m + b - m)^\top].

    Args:
        family: an :class:`~revsgd.theory.family.AffineFamily`.
        direct_max_dim: largest d solved through the :math:`d^2 \times d^2` Kronecker system.
        rtol: relative residual asked of the iterative solver (d > ``direct_max_dim``).
        maxiter: iteration cap of the power iteration and of GMRES.

    Returns:
        a :class:`StationaryMoments`.

    Raises:
        TypeError: ``family`` is not an AffineFamily.
        ValueError: the family is not mean-square stable (the message gives the radius), or
            its moments overflow float64.
        RuntimeError: the iterative solver did not reach ``1000 * rtol`` relative residual.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> cantor = AffineFamily([[[1 / 3]], [[1 / 3]]], [[0.0], [2 / 3]])
        >>> sm = solve_stationary(cantor)
        >>> round(float(sm.mean[0]), 12), round(float(sm.cov[0, 0]), 12)
        (0.5, 0.125)
    """
    fam = _check_affine(family)
    direct_max_dim = as_nonnegative_int(direct_max_dim, "direct_max_dim")
    maxiter = as_positive_int(maxiter, "maxiter")
    rtol = as_real(rtol, "rtol", low=0.0, high=1.0, low_open=True, high_open=True)
    d = fam.dim
    direct = d <= direct_max_dim
    if direct:
        M = _kron_matrix(fam)
        radius = float(np.max(np.abs(np.linalg.eigvals(M))))
        lo = radius
    else:
        lo, radius = _radius_bracket(fam, maxiter)
    if not radius < 1.0:
        shown = radius if np.isfinite(radius) else lo
        raise ValueError(
            "family is not mean-square stable: the spectral radius of E[A (x) A] is "
            f"{shown:.6g} (certified >= {lo:.6g}), need < 1 for a stationary covariance"
        )
    EA, Eb = fam.mean_map()
    mean = np.linalg.solve(np.eye(d) - EA, Eb)
    dev = np.einsum("kij,j->ki", fam.A, mean) + fam.b - mean  # A_k m + b_k - m
    Q = np.einsum("k,ki,kj->ij", fam.probs, dev, dev)
    if direct:
        S = np.linalg.solve(np.eye(d * d) - M, Q.reshape(-1)).reshape(d, d)
        method = "kronecker"
    else:
        S = _solve_gmres(fam, EA, Q, rtol, maxiter)
        method = "gmres"
    S = 0.5 * (S + S.T)
    with np.errstate(over="ignore", invalid="ignore"):
        residual = _residual(fam, S, Q)
    if not (np.isfinite(mean).all() and np.isfinite(S).all() and np.isfinite(residual)):
        raise ValueError(
            "the stationary moments of family overflow float64 (|b| up to "
            f"{float(np.abs(fam.b).max()):.3g}, mean-square radius {radius:.6g}): rescale the offsets b"
        )
    if not direct and not residual <= 1000 * rtol:
        raise RuntimeError(
            f"GMRES did not solve the Stein equation: relative residual {residual:.3g} > "
            f"{1000 * rtol:.3g} (radius {radius:.6g})"
        )
    return StationaryMoments(mean, S, radius, residual, method)


def _mean_map_stein(EA):
    r"""Preconditioner :math:`R \mapsto X` with :math:`X - \bar A X \bar A^\top = R`.

    Solved in the eigenbasis :math:`\bar A = V \Lambda V^{-1}` (computed once):
    :math:`X = V \bigl[(V^{-1} R V^{-\top})_{ij} / (1 - \lambda_i \lambda_j)\bigr] V^\top`.
    Only a preconditioner, so its accuracy does not enter the result (the residual of the
    Stein equation itself is checked); None when :math:`V` is too ill-conditioned.
    """
    d = EA.shape[0]
    lam, V = np.linalg.eig(EA)
    if np.linalg.cond(V) > 1e8:
        return None
    Vinv = np.linalg.inv(V)
    denom = 1.0 - np.outer(lam, lam)

    def precond(v):
        R = v.reshape(d, d)
        X = V @ ((Vinv @ R @ Vinv.T) / denom) @ V.T
        return X.real.reshape(-1)

    return precond


def _solve_gmres(fam, EA, Q, rtol, maxiter) -> np.ndarray:
    d = fam.dim

    def op(v):
        S = v.reshape(d, d)
        return (S - mean_square_operator(fam, S)).reshape(-1)

    precond = _mean_map_stein(EA)
    A_op = scipy.sparse.linalg.LinearOperator((d * d, d * d), matvec=op, dtype=float)
    P_op = None
    x0 = Q.reshape(-1)
    if precond is not None:
        P_op = scipy.sparse.linalg.LinearOperator((d * d, d * d), matvec=precond, dtype=float)
        x0 = precond(x0)
    sol, _ = scipy.sparse.linalg.gmres(
        A_op, Q.reshape(-1), x0=x0, rtol=rtol, atol=0.0, M=P_op, maxiter=maxiter, restart=50
    )
    return sol.reshape(d, d)


def stationary_moments(family, **options) -> tuple[np.ndarray, np.ndarray]:
    r"""``(mean, cov)`` of the stationary law: :func:`solve_stationary` without the report.

    .. math::

        m = (I - \mathbb{E}A)^{-1}\mathbb{E}b, \qquad
        S - \mathbb{E}[A S A^\top] = \mathbb{E}[(A m + b - m)(A m + b - m)^\top].

    Args:
        family: an :class:`~revsgd.theory.family.AffineFamily`.
        **options: the keyword options of :func:`solve_stationary` (``direct_max_dim``,
            ``rtol``, ``maxiter``).

    Returns:
        ``(mean, cov)``: shapes ``(d,)`` and ``(d, d)``.

    Raises:
        TypeError, ValueError, RuntimeError: as :func:`solve_stationary`.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> chain = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> m, S = stationary_moments(chain)   # uniform on [0, 1]
        >>> float(m[0]), round(float(S[0, 0]) * 12, 12)
        (0.5, 1.0)
    """
    sm = solve_stationary(family, **options)
    return sm.mean, sm.cov
