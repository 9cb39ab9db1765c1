r"""Minimizers of smooth strictly convex objectives: damped Newton, and the separability LP.

**Damped Newton.** From :math:`x_0`, the direction :math:`p = -H(x)^{-1} \nabla f(x)` with
Armijo backtracking

.. math::

    f(x + t p) \le f(x) + \tfrac14\, t\, \nabla f(x)^\top p, \qquad t = 1, \tfrac12, \tfrac14, \dots

until :math:`|\nabla f(x)| \le` ``tol``. Once the predicted decrease
:math:`-\nabla f^\top p` is below the round-off of :math:`f` itself
(:math:`64\varepsilon(1 + |f|)`), full steps are taken: this is the quadratically convergent
phase, where loss values can no longer rank points.

**Separability.** The mean logistic loss without regularization attains its minimum iff the
design has full column rank and no :math:`w \ne 0` has all margins
:math:`a_i^\top w = s_i x_i^\top w \ge 0` (else the loss decreases along :math:`w` forever).
For full-rank data such a :math:`w` has some margin :math:`> 0`, so the linear program

.. math::

    \max_w \sum_i a_i^\top w \quad \text{s.t.}\quad a_i^\top w \ge 0,\ |w_j| \le 1

has a positive optimum exactly when the data are (weakly) separable.

References:
    S. Boyd, L. Vandenberghe, "Convex Optimization", Cambridge University Press, 2004
    (Sections 9.3 and 9.5: backtracking line search, Newton's method).
    A. Albert, J. A. Anderson, "On the existence of maximum likelihood estimates in
    logistic regression models", Biometrika 71(1), 1984.
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import (
    as_finite_array,
    as_positive_float,
    as_positive_int,
    describe,
)

__all__ = ["newton_minimize", "weakly_separable"]


def _callable(f, name: str):
    if not callable(f):
        raise TypeError(f"{name} must be a callable of one point x of shape (d,), got {describe(f)}")
    return f


def newton_minimize(loss, gradient, hessian, x0, *, tol=1e-12, max_iter=200, hint="") -> np.ndarray:
    r"""Damped Newton with Armijo backtracking, to :math:`|\nabla f(x)| \le` ``tol`` (module docstring).

    Args:
        loss: :math:`f`, a callable of ``x`` of shape ``(d,)`` returning a float.
        gradient: :math:`\nabla f`, returning shape ``(d,)``.
        hessian: :math:`\nabla^2 f`, returning shape ``(d, d)``.
        x0: the start point, shape ``(d,)``.
        tol: the gradient-norm tolerance, > 0.
        max_iter: the largest number of Newton steps, >= 1.
        hint: a sentence appended to the failure message (why the tolerance may be out of reach).

    Returns:
        ``x`` of shape ``(d,)`` with ``|gradient(x)| <= tol``.

    Raises:
        TypeError: a non-callable ``loss``, ``gradient`` or ``hessian``; non-numeric ``x0``.
        ValueError: a bad ``x0``, ``tol`` or ``max_iter``; or the tolerance not reached (a
            singular Hessian, an ascent direction, a failed line search, a non-finite iterate
            or ``max_iter`` steps; the message gives the gradient norm reached).

    Example:
        >>> f = lambda x: float(np.logaddexp(0.0, x[0]) + x[0] ** 2)  # softplus + x^2
        >>> g = lambda x: np.array([0.5 * (1 + np.tanh(x[0] / 2)) + 2 * x[0]])
        >>> H = lambda x: np.array([[0.25 / np.cosh(x[0] / 2) ** 2 + 2.0]])
        >>> x = newton_minimize(f, g, H, np.zeros(1))
        >>> bool(abs(g(x)[0]) <= 1e-12)
        True
    """
    loss, gradient, hessian = (_callable(f, n) for f, n in
                               ((loss, "loss"), (gradient, "gradient"), (hessian, "hessian")))
    w = as_finite_array(x0, "x0", ndim=1)
    tol = as_positive_float(tol, "tol")
    max_iter = as_positive_int(max_iter, "max_iter")
    eps = np.finfo(float).eps
    f = loss(w)
    for _ in range(max_iter):
        g = gradient(w)
        gnorm = float(np.linalg.norm(g))
        if gnorm <= tol:
            return w
        H = hessian(w)
        try:
            p = -np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        slope = float(g @ p)
        if not slope < 0:
            break
        t = 1.0
        if -slope > 64 * eps * (1.0 + abs(f)):
            while t > 1e-12:
                f_new = loss(w + t * p)
                if f_new <= f + 0.25 * t * slope:
                    break
                t *= 0.5
            else:
                break
        w = w + t * p
        f = loss(w)
        if not np.all(np.isfinite(w)):
            break
    gnorm = float(np.linalg.norm(gradient(w))) if np.all(np.isfinite(w)) else np.inf
    if gnorm <= tol:
        return w
    raise ValueError(
        f"Newton did not reach the gradient-norm tolerance tol = {tol:.3g}: stopped at "
        f"|grad| = {gnorm:.3g}{hint}"
    )


def weakly_separable(X, s) -> bool:
    r"""Whether some :math:`w` has every margin :math:`s_i x_i^\top w \ge 0` and some margin > 0.

    Decided by the linear program of the module docstring: separable iff its optimum exceeds
    :math:`10^{-9} \sum_{i,j} |s_i x_{ij}|` (the solver's tolerance, relative to the data).

    Args:
        X: ``(N, d)`` finite design matrix.
        s: ``(N,)`` labels in {-1, +1}.

    Returns:
        True if the data are (weakly) linearly separable through the origin.

    Raises:
        TypeError: non-numeric input.
        ValueError: bad shapes, non-finite entries, labels outside {-1, +1}.

    Example:
        >>> X = np.array([[1.0], [2.0], [-1.0]])
        >>> weakly_separable(X, [1, 1, -1]), weakly_separable(X, [1, -1, -1])
        (True, False)
    """
    from scipy.optimize import linprog

    X = as_finite_array(X, "X", ndim=2)
    s = as_finite_array(s, "s", shape=(X.shape[0],))
    if not np.all(np.abs(s) == 1.0):
        raise ValueError(f"s must hold labels in {{-1, 1}}, got values {sorted(set(s.tolist()))[:6]}")
    A = s[:, None] * X
    d = X.shape[1]
    res = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * d)
    scale = np.abs(A).sum()
    return bool(res.status == 0 and -res.fun > 1e-9 * scale)
