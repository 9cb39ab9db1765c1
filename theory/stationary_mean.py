r"""The stationary mean :math:`E_\pi x` of a family, estimated with exact control variates (C9).

**Chains with common words.** m independent forward chains
(:func:`revsgd.theory.ensemble.forward_ensemble`) run past a burn-in after which C2 certifies
:math:`W_1(\mathrm{Law}(x_t), \pi) \le` ``tol``; each chain's time average over a window is
one independent value, so standard errors are honest whatever the autocorrelation within a
chain. Several families (one per step size h) use *the same* words, with their windows
aligned on the same letters (common random numbers): the chains at h and 2h are strongly
correlated, so differences such as :math:`2m(h) - m(2h)` are precise.

**Control variates (exact, model-agnostic).** Stationarity of :math:`\pi` under
:math:`x' = T_\xi(x)` gives, for every test function :math:`\varphi`,
:math:`E_\pi[\sum_k p_k \varphi(T_k x) - \varphi(x)] = 0`. With :math:`\varphi(x) = x` and
:math:`\varphi(x) = (x - a)(x - a)^\top` this yields :math:`d + d(d+1)/2` statistics

.. math::

    D_1(x) = \sum_k p_k T_k(x) - x, \qquad
    D_2(x) = \sum_k p_k (T_k x - a)(T_k x - a)^\top - (x - a)(x - a)^\top

whose stationary means are exactly zero (for SGD :math:`D_1 = -h\nabla \bar L`). The sample
mean of the chains is corrected by the least-squares regression on these statistics
(:func:`control_variate_mean`): the estimator is unbiased up to :math:`O(1/m)` from the
estimated coefficients, and for SGD on a smooth loss its variance drops from :math:`O(h)` to
:math:`O(h^3)` because the fluctuations of :math:`x` that the bias is made of are quadratic
in :math:`x - x^*`. For affine families the controls determine the mean exactly.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (C2).
    A. Dieuleveut, A. Durmus, F. Bach, "Bridging the gap between constant step size
    stochastic gradient descent and Markov chains", Ann. Statist. 48(3), 2020 (the O(h) bias,
    Richardson-Romberg).
    S. Asmussen, P. W. Glynn, *Stochastic Simulation*, Springer 2007, ch. V (control variates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.theory._validate import as_finite_array, as_positive_int
from revsgd.theory.contraction import certify
from revsgd.theory.ensemble import forward_ensemble, sample_word_array
from revsgd.theory.interfaces import check_family

__all__ = [
    "StationaryMeans",
    "control_variate_mean",
    "stationarity_controls",
    "stationary_means",
]


def stationarity_controls(family, x, center) -> tuple[np.ndarray, np.ndarray]:
    r"""The statistics :math:`D_1, D_2` (rows, shape ``(m, d + d(d+1)/2)``) with :math:`E_\pi = 0`.

    .. math::

        D_1(x) = \sum_k p_k T_k(x) - x, \qquad
        D_2(x) = \operatorname{vech}\Bigl(\sum_k p_k (T_k x - a)(T_k x - a)^\top
                 - (x - a)(x - a)^\top\Bigr).

    Args:
        family: a :class:`revsgd.theory.Family` of :math:`\rho`-contractions.
        x: ``(m, d)`` points.
        center: ``(d,)`` the fixed point :math:`a` of the second moment.

    Returns:
        ``(controls, lipschitz)``: the ``(m, q)`` statistics and, per column, a Lipschitz
        constant on the ball around ``center`` that holds the points, so that moving each
        point by at most ``tol`` moves each statistic by at most ``lipschitz * tol``.

    Raises:
        ValueError: if ``x`` is not ``(m, d)`` or ``center`` not ``(d,)`` for the family's d.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[1.0], [3.0]])  # pi has mean 4
        >>> controls, lip = stationarity_controls(fam, np.array([[4.0], [6.0]]), np.array([4.0]))
        >>> controls.tolist()  # D_1 = 2 - x/2; D_2 = 1 - 3 (x - 4)^2 / 4
        [[0.0, 1.0], [-1.0, -2.0]]
    """
    check_family(family)
    x = as_finite_array(x, "x", ndim=2)
    center = as_finite_array(center, "center", shape=(family.dim,))
    if x.shape[1] != family.dim:
        raise ValueError(f"x must have shape (m, {family.dim}) for this family; got shape {x.shape}")
    m, d = x.shape
    rho = float(np.max(family.lipschitz()))
    mapped = np.stack([family.apply(np.full(m, k), x) for k in range(family.K)])  # (K, m, d)
    probs = np.asarray(family.probs)
    drift = np.tensordot(probs, mapped, axes=1) - x
    u, v = x - center, mapped - center
    second = np.einsum("k,kmi,kmj->mij", probs, v, v) - np.einsum("mi,mj->mij", u, u)
    rows, cols = np.triu_indices(d)
    radius = float(np.max(np.linalg.norm(u, axis=1))) + 1.0
    # |v v^T - v' v'^T| <= (|v| + |v'|) |v - v'| with |T_k x - a| <= rho |x - a| + |T_k a - a|.
    moved = float(np.max(np.linalg.norm(family.apply(np.arange(family.K),
                                                     np.broadcast_to(center, (family.K, d))) - center, axis=1)))
    lip = np.concatenate([np.full(d, 1.0 + rho), np.full(rows.size, 2.0 * (rho * (rho * radius + moved) + radius))])
    return np.column_stack([drift, second[:, rows, cols]]), lip


def control_variate_mean(values, controls, value_error=0.0, control_error=None):
    r"""Mean of ``values`` corrected by ``controls`` whose true means are zero.

    .. math::

        \hat m = \bar V - \hat B^\top \bar D, \qquad
        \hat B = \arg\min_B \|(V - \bar V) - (D - \bar D) B\|_F,

    with covariance :math:`\hat\Sigma = R^\top R / (m (m - q - 1))` from the residuals
    :math:`R`. If every value may be off by ``value_error`` and control j by
    ``control_error[j]`` (certified errors of the means), each component of the estimate is
    off by at most ``value_error + sum_j |B_j| control_error[j]`` (returned as ``bound``).

    Args:
        values: ``(m, p)``.
        controls: ``(m, q)`` with :math:`q < m - 1`.

    Returns:
        ``(estimate (p,), covariance (p, p), bound (p,))``.

    Raises:
        ValueError: if ``values`` and ``controls`` are not 2-D with the same number of rows
            m, or :math:`q \ge m - 1`.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> D = rng.standard_normal((100, 1))
        >>> est, cov, bound = control_variate_mean(3.0 + 2.0 * D, D)  # D explains everything
        >>> round(float(est[0]), 12)
        3.0
    """
    V, D = np.asarray(values, float), np.asarray(controls, float)
    if V.ndim != 2 or D.ndim != 2 or V.shape[0] != D.shape[0]:
        raise ValueError(f"values and controls must be (m, p) and (m, q); got shapes {V.shape} and {D.shape}")
    m, q = D.shape
    if q >= m - 1:
        raise ValueError(f"controls must have fewer than m - 1 = {m - 1} columns; got q = {q}")
    Vc, Dc = V - V.mean(axis=0), D - D.mean(axis=0)
    scale = np.sqrt(np.einsum("mq,mq->q", Dc, Dc))
    scale[scale == 0.0] = 1.0
    Ds = Dc / scale
    # Normal equations of the standardized controls; einsum keeps these small products off
    # multithreaded BLAS, whose start-up dominates at this size.
    gram, rhs = np.einsum("mi,mj->ij", Ds, Ds), np.einsum("mi,mp->ip", Ds, Vc)
    B = np.linalg.lstsq(gram, rhs, rcond=None)[0] / scale[:, None]  # (q, p)
    est = V.mean(axis=0) - np.einsum("q,qp->p", D.mean(axis=0), B)
    R = Vc - np.einsum("mq,qp->mp", Dc, B)
    cov = np.einsum("mi,mj->ij", R, R) / (m * (m - q - 1))
    ce = np.zeros(q) if control_error is None else np.asarray(control_error, float)
    bound = value_error + np.abs(B).T @ ce
    return est, cov, bound


@dataclass(frozen=True)
class StationaryMeans:
    r"""Per-chain time averages at several step sizes, from common words.

    Attributes:
        values: ``(n, m, d)`` chain i's average of its recorded states (independent over i).
        controls: ``(n, m, q)`` chain i's average of the stationarity statistics.
        control_lipschitz: ``(n, q)`` their Lipschitz constants near the recorded states.
        tol: the certified bound on :math:`W_1(\mathrm{Law}(x_t), \pi)` at every recorded step.
        burn_in: ``(n,)`` the certified burn-in at each step size.
        window: the number of steps averaged (the same for every step size).

    Args:
        values, controls, control_lipschitz, tol, burn_in, window: the attributes, as
            :func:`stationary_means` computes them.

    Raises:
        Nothing: the fields are stored as given (:meth:`combine` validates its weights).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fams = [AffineFamily([[[a]], [[a]]], [[1.0], [3.0]]) for a in (0.5, 0.25)]
        >>> means = stationary_means(fams, 50, np.random.default_rng(0), 1e-10, [0.0], [4.0])
        >>> means.values.shape, means.burn_in
        ((2, 50, 1), (36, 18))
        >>> est, cov, bound = means.combine([[2.0, -1.0]])  # 2 m(a = 1/2) - m(a = 1/4)
        >>> round(float(est[0, 0]), 9)  # 2 * 4 - 8/3
        5.333333333
    """

    values: np.ndarray
    controls: np.ndarray
    control_lipschitz: np.ndarray
    tol: float
    burn_in: tuple
    window: int

    def combine(self, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r"""Estimates of :math:`\sum_i W_{ji} m(h_i)` for the rows j of ``weights`` ``(r, n)``.

        Chainwise linear combinations are regressed on *all* controls at once, so the
        returned ``(r, d)`` estimates come with their joint ``(r d, r d)`` covariance
        (row-major in (j, coordinate)) and ``(r, d)`` certified error bounds
        (:math:`W_1 \le` ``tol`` moves the mean of an L-Lipschitz statistic by at most
        ``L tol``).

        Args:
            weights: ``(r, n)``, one row per combination of the n step sizes (e.g. the
                identity for the means themselves, ``[2, -1]`` for Richardson).

        Returns:
            ``(estimates (r, d), covariance (r d, r d), bounds (r, d))``.

        Raises:
            ValueError: if ``weights`` is not 2-D with n columns.

        Example: see :func:`stationary_means`.
        """
        W = np.asarray(weights, float)
        n, m, d = self.values.shape
        if W.ndim != 2 or W.shape[1] != n:
            raise ValueError(f"weights must have shape (r, {n}); got shape {W.shape}")
        values = np.einsum("jn,nmd->mjd", W, self.values).reshape(m, -1)
        controls = np.moveaxis(self.controls, 0, 1).reshape(m, -1)
        lip = self.control_lipschitz.reshape(-1) * self.tol
        value_error = np.repeat(np.abs(W).sum(axis=1), d) * self.tol
        est, cov, bound = control_variate_mean(values, controls, 0.0, lip)
        return est.reshape(-1, d), cov, (bound + value_error).reshape(-1, d)


def stationary_means(families, m, rng, tol, x0, center, window=256, records=16) -> StationaryMeans:
    r"""Time averages of ``m`` forward chains at several step sizes, with common words.

    Chain i at step size :math:`h_j` runs the *last* :math:`b_j + T` letters of one shared
    word :math:`\xi^{(i)}` of length :math:`\max_j b_j + T`, so the averaging windows (the
    last T steps) of all step sizes are driven by the same letters (common random numbers).
    The burn-in :math:`b_j` is certified by C2: :math:`W_1(\mathrm{Law}(x_t), \pi) \le
    \rho^t C/(1-\rho) \le` ``tol`` for :math:`t \ge b_j`. ``records`` evenly spaced states
    of the window are averaged per chain; chains are independent, so per-chain averages
    give honest standard errors whatever the autocorrelation within a chain.

    Args:
        families: sequence of :class:`revsgd.theory.Family` (one per step size) with equal K and
            probs.
        m: number of chains.
        rng: ``numpy.random.Generator``.
        tol: the certified :math:`W_1` bound after burn-in.
        x0: ``(d,)`` start of every chain.
        center: ``(d,)`` the point :math:`a` of the second-moment controls.
        window: steps averaged after burn-in; ``records`` must divide it.

    Returns:
        a :class:`StationaryMeans`.

    Raises:
        ValueError: if ``families`` is empty or its members differ in K, if ``m`` is not a
            positive int, ``tol`` not positive, or ``records`` does not divide ``window``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[1.0], [3.0]])  # pi has mean 4
        >>> means = stationary_means([fam], 50, np.random.default_rng(0), 1e-10, [0.0], [4.0])
        >>> est, cov, bound = means.combine(np.eye(1))
        >>> round(float(est[0, 0]), 9)  # affine: the controls determine the mean exactly
        4.0
    """
    families = list(families)
    if not families or any(f.K != families[0].K for f in families):
        raise ValueError(f"families must be a non-empty sequence of families with equal K; got "
                         f"K = {[f.K for f in families]}")
    m, window, records = (as_positive_int(v, name) for v, name in
                          ((m, "m"), (window, "window"), (records, "records")))
    if window % records:
        raise ValueError(f"records must divide window = {window}; got records = {records}")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a positive number; got {tol!r}")
    x0, center = np.asarray(x0, float), np.asarray(center, float)
    burn = tuple(certify(fam, x0).steps_for(tol) for fam in families)
    words = sample_word_array(families[0], m, max(burn) + window, rng)
    stride = window // records
    values, controls, lips = [], [], []
    for fam, b in zip(families, burn):
        steps = b + stride * np.arange(1, records + 1)
        run = forward_ensemble(fam, words[:, words.shape[1] - b - window:], x0, record=steps)
        states = run.recorded.reshape(-1, fam.dim)  # (records * m, d)
        ctrl, lip = stationarity_controls(fam, states, center)
        values.append(run.recorded.mean(axis=0))
        controls.append(ctrl.reshape(records, m, -1).mean(axis=0))
        lips.append(lip)
    return StationaryMeans(np.stack(values), np.stack(controls), np.stack(lips), float(tol),
                           burn, int(window))
