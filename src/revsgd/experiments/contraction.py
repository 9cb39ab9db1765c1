r"""Is the region contractive? Curvature at the end points, measured contraction, backward increment rates.

The theory (C1, C4) needs every step :math:`T_k(x) = x - h\nabla L_k(x)` to be a contraction
where the iterates live: :math:`\mu_k I \preceq \nabla^2 L_k \preceq L_k I` with
:math:`\mu_k > 0` and :math:`0 < h < 2/L_k`, so that
:math:`\operatorname{Lip}(T_k) \le \max(|1 - h\mu_k|, |1 - hL_k|) < 1`. Three measurements
say whether that holds for the digits MLP, none of them a proof:

* :func:`curvature_at`: the extreme eigenvalues of every batch Hessian and of the full-data
  Hessian at one point (Lanczos on HVPs, :meth:`revsgd.models.JaxModel.curvature`), the
  local C4 bound of each batch map there, and whether :math:`\mu > 0` and :math:`h < 2/L`.
* :func:`local_contraction`: for pairs :math:`a, b = a + \varepsilon u` (:math:`u` a random unit
  vector, :math:`\varepsilon = 10^{-5} \max(1, |a|)`) at states :math:`a` along the run and the
  run's next :math:`\ell` letters :math:`w`, the per-step factor

  .. math::

      \hat\rho(a) = \Bigl(\frac{|T_w(a) - T_w(b)|}{|a - b|}\Bigr)^{1/\ell}, \qquad
      T_w = T_{w_\ell} \circ \dots \circ T_{w_1},

  the growth of a random small perturbation (near :math:`|J_w u|^{1/\ell}`); it is below 1 for
  contractive words and can be below 1 on average even where some batch Hessian has
  negative eigenvalues (contracting on average, C8).
* :func:`increment_rate`: the geometric rate :math:`r` of the backward increments,
  :math:`|y_{t+1} - y_t| \approx C r^t`, from a least-squares line through
  :math:`\log |y_{t+1} - y_t|` over the second half of the run (:func:`revsgd.theory.fits.log_linear_slope`),
  with its standard error :math:`r \cdot \operatorname{se}(\text{slope})` (delta method). Under C1,
  :math:`r \le \rho`; :math:`r \ge 1` means the backward iterates did not settle.

References:
    C. Lanczos, "An iteration method for the solution of the eigenvalue problem of linear
    differential and integral operators", J. Res. Nat. Bur. Standards 45, 1950.
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (the
    contraction and on-average contraction conditions).
"""

from __future__ import annotations

import numpy as np

from revsgd.theory.ensemble import forward_ensemble
from revsgd.theory.fits import log_linear_slope

__all__ = ["BASIS", "EPSILON", "curvature_at", "increment_rate", "local_contraction"]

#: What the numbers of this module rest on.
BASIS = "measured at points, not a proof"
#: Relative size of the perturbation of :func:`local_contraction`.
EPSILON = 1e-5
#: Increments below this multiple of the round-off of the state are left out of the rate fit.
_FLOOR = 1e3 * np.finfo(float).eps


def curvature_at(model, x, lr, *, tol=1e-6) -> dict:
    r"""Extreme Hessian eigenvalues at ``x``: every batch and the full data; the C4 conditions there.

    Args:
        model: a :class:`revsgd.models.JaxModel`.
        x: ``(d,)`` the point.
        lr: the learning rate :math:`h`.
        tol: the Lanczos tolerance (each value is within ``residual`` of an eigenvalue).

    Returns:
        a dict: ``batch_low``, ``batch_high`` (lists over batches), ``full_low``, ``full_high``,
        ``lipschitz`` (list: :math:`\max(|1 - h\lambda_{\min,k}|, |1 - h\lambda_{\max,k}|)`),
        ``rho_bound`` (the largest), ``mu_positive`` (every :math:`\lambda_{\min,k} > 0`),
        ``lr_below_2_over_L`` (:math:`h \max_k \lambda_{\max,k} < 2`), the same two for the full
        Hessian (``full_mu_positive``, ``full_lr_below_2_over_L``), ``residual``, ``basis``.
    """
    batch = [model.curvature(x, k, tol=tol) for k in range(model.K)]
    full = model.curvature(x, tol=tol)
    low, high = np.array([c.low for c in batch]), np.array([c.high for c in batch])
    lip = np.maximum(np.abs(1.0 - lr * low), np.abs(1.0 - lr * high))
    return {
        "batch_low": low.tolist(), "batch_high": high.tolist(),
        "full_low": full.low, "full_high": full.high,
        "lipschitz": lip.tolist(), "rho_bound": float(lip.max()),
        "mu_positive": bool(low.min() > 0), "lr_below_2_over_L": bool(lr * high.max() < 2),
        "full_mu_positive": bool(full.low > 0), "full_lr_below_2_over_L": bool(lr * full.high < 2),
        "residual": float(max(full.residual, max(c.residual for c in batch))), "tol": tol, "basis": BASIS,
    }


def local_contraction(family, points, words, rng) -> np.ndarray:
    r"""Per-step factors :math:`\hat\rho(a)` of random small perturbations (module docstring).

    Args:
        family: the :class:`revsgd.theory.Family` of steps.
        points: ``(m, d)`` the states :math:`a`.
        words: ``(m, l)`` int array: the letters applied to point ``i``, ``words[i, 0]`` first.
        rng: a ``numpy.random.Generator`` for the directions.

    Returns:
        ``(m,)`` array of per-step factors.

    Raises:
        ValueError: a perturbation collapsed to zero (the word maps both points to the same bits).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> half = AffineFamily([[[0.5, 0.0], [0.0, 0.5]]], [[0.0, 0.0]])   # T(x) = x/2
        >>> local_contraction(half, np.ones((2, 2)), np.zeros((2, 3), dtype=int), np.random.default_rng(0))
        array([0.5, 0.5])
    """
    points = np.asarray(points, dtype=float)
    words = np.asarray(words)
    m, ell = words.shape
    u = rng.standard_normal(points.shape)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    scale = EPSILON * np.maximum(1.0, np.linalg.norm(points, axis=1))
    pairs = np.concatenate([points, points + scale[:, None] * u])
    final = forward_ensemble(family, np.concatenate([words, words]), pairs).final
    ratio = np.linalg.norm(final[:m] - final[m:], axis=1) / np.linalg.norm(pairs[m:] - pairs[:m], axis=1)
    if np.any(ratio == 0):
        raise ValueError("a perturbation collapsed to zero: the maps coincide there to round-off")
    return ratio ** (1.0 / ell)


def increment_rate(step, norms, n) -> dict | None:
    r"""The geometric rate of backward increments :math:`|y_{t+1} - y_t|` over :math:`t \ge n/2`.

    Args:
        step: ``(r,)`` recorded steps; norms: ``(r,)`` the increments there; n: the run length.

    Returns:
        ``{"rate", "se", "points"}``, or None with fewer than 3 usable points (increments
        above the round-off floor :math:`10^3 \epsilon \max(1, \max_t |y_{t+1} - y_t|)`).

    Example:
        >>> t = np.arange(0, 41, 4)
        >>> round(increment_rate(t, 2.0 * 0.9 ** t, 40)["rate"], 12)
        0.9
    """
    step, norms = np.asarray(step, dtype=float), np.asarray(norms, dtype=float)
    keep = (step >= n / 2) & (norms > _FLOOR * max(norms.max(initial=0.0), 1.0))
    if keep.sum() < 3:
        return None
    fit = log_linear_slope(step[keep], norms[keep])
    rate = float(np.exp(fit.slope))
    return {"rate": rate, "se": float(rate * fit.stderr), "points": int(keep.sum())}
