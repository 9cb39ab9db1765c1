"""When a gradient step contracts (C4).

For ``T(x) = x - h grad L(x)`` with Hessian ``H`` the Jacobian is ``I - h H``. Its
eigenvalues are ``1 - h lambda`` for the eigenvalues ``lambda`` of ``H``:

.. math:: \\det\\bigl(\\mu I - (I - hH)\\bigr) = (-h)^d \\det\\Bigl(\\tfrac{1-\\mu}{h} I - H\\Bigr),

and for a positive spectrum the step sizes with ``|1 - h lambda| < 1`` for every
eigenvalue form exactly the interval ``(0, 2 / lambda_max)``. The set is found by sympy's
``solveset`` on ``h > 0``, not asserted.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from revsgd.proofs_check.registry import register_check
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import (
    all_hold,
    identity_holds,
    intersect_intervals,
    interval_matches,
    multisets_equal,
)

__all__ = [
    "rational_spd",
    "contracting_steps",
    "gradient_step_spectrum",
    "contracting_step_range",
]

STEP_SIZES = sp.Interval.open(0, sp.oo)


def rational_spd(rng: np.random.Generator, spectrum) -> sp.Matrix:
    """An exact rational symmetric matrix ``Q diag(spectrum) Q^T``.

    ``Q = (I - S)(I + S)^{-1}`` is the Cayley transform of a random skew matrix ``S`` with
    small rational entries: orthogonal and rational, so eigenvalues stay exact.
    """
    d = len(spectrum)
    s = sp.zeros(d, d)
    for i in range(d):
        for j in range(i + 1, d):
            s[i, j] = sp.Rational(int(rng.integers(-3, 4)), 2)
            s[j, i] = -s[i, j]
    eye = sp.eye(d)
    q = (eye - s) * (eye + s).inv()
    return q * sp.diag(*spectrum) * q.T


def contracting_steps(eigenvalues, h: sp.Symbol, substitute=None) -> sp.Set:
    """``{h > 0 : |1 - h lambda| < 1 for every lambda}`` by ``solveset``, one eigenvalue at a time.

    ``substitute`` (a dict) is applied to each solved set before intersecting: solve for
    free positive symbols ``lambda_i`` first, then impose an ordering such as
    ``lambda_i = L / (1 + u_i)`` (``solveset`` itself gives up on the substituted form).
    """
    solved = [sp.solveset(sp.Abs(1 - h * lam) < 1, h, sp.S.Reals) for lam in eigenvalues]
    if substitute:
        solved = [s.subs(substitute) for s in solved]
    return intersect_intervals([STEP_SIZES] + solved)


@register_check(
    "C4",
    r"\operatorname{spec}(I-hH)=\{1-h\lambda:\lambda\in\operatorname{spec}H\}"
    r"\ \text{(with multiplicity)}",
    kind="symbolic",
)
def gradient_step_spectrum(rng: np.random.Generator):
    """Characteristic polynomials in general (3x3) and the eigenvalues of a rational instance."""
    h, mu, s = sp.symbols("h mu s")
    d = 3
    hs = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"H_{i + 1}{j + 1}"))
    lhs = (sp.eye(d) - h * hs).charpoly(mu).as_expr()
    rhs = ((-h) ** d * hs.charpoly(s).as_expr()).subs(s, (1 - mu) / h)
    general = identity_holds(lhs, rhs, (mu, h))
    spectrum = [sp.Rational(int(v), 4) for v in rng.choice(np.arange(1, 17), size=d, replace=False)]
    hm = rational_spd(rng, spectrum)
    eig_h = hm.eigenvals()
    eig_step = (sp.eye(d) - h * hm).eigenvals()
    instance = multisets_equal(eig_step.items(), [(1 - h * lam, m) for lam, m in eig_h.items()])
    # numeric: a random SPD H; sorted eigenvalues of I - hH against 1 - h * eig(H)
    hn, hstep = num.random_spd(rng, 4, 0.1, 3.0), 0.37
    got = np.sort(np.linalg.eigvalsh(np.eye(4) - hstep * hn))
    want = np.sort(1 - hstep * np.linalg.eigvalsh(hn))
    tol = num.roundoff_tolerance(1 + hstep * np.linalg.norm(hn, 2), ops=8 * 4)
    return symbolic_outcome(all_hold([general, instance]), num.max_abs_error(got, want), tol,
                            f"general d=3; spectrum {', '.join(map(str, spectrum))}")


@register_check(
    "C4",
    r"\{h>0:\ |1-h\lambda|<1\ \forall\lambda\in\operatorname{spec}H\}=(0,\,2/\lambda_{\max})"
    r"\ \text{for } H\succ 0",
    kind="symbolic",
)
def contracting_step_range(rng: np.random.Generator, *, contracting_steps=contracting_steps):
    """solveset: one positive eigenvalue, an ordered symbolic spectrum, a rational instance.

    Args:
        contracting_steps: ``contracting_steps(eigenvalues, h, substitute=None)``, the solved
            set of contracting step sizes (default :func:`contracting_steps`; a test hands in
            a broken one).
    """
    h = sp.Symbol("h", real=True)
    lam, big = sp.Symbol("lambda", positive=True), sp.Symbol("L", positive=True)
    single = interval_matches(contracting_steps([lam], h), sp.Interval.open(0, 2 / lam))
    # an ordered spectrum lambda_i = L / (1 + u_i) <= L = lambda_max
    u = sp.symbols("u_1:3", nonnegative=True)
    lams = sp.symbols("lambda_1:4", positive=True)
    order = {lams[0]: big / (1 + u[0]), lams[1]: big, lams[2]: big / (1 + u[1])}
    ordered = interval_matches(contracting_steps(lams, h, order), sp.Interval.open(0, 2 / big))
    # a non-positive eigenvalue leaves no contracting step size
    degenerate = all_hold([interval_matches(contracting_steps([sp.S.Zero, lam], h), sp.S.EmptySet),
                           interval_matches(contracting_steps([-lam], h), sp.S.EmptySet)])
    spectrum = [sp.Rational(int(v), 4) for v in rng.choice(np.arange(1, 17), size=3, replace=False)]
    eig = list(rational_spd(rng, spectrum).eigenvals())
    concrete = interval_matches(contracting_steps(eig, h), sp.Interval.open(0, 2 / sp.Max(*eig)))
    verdict = all_hold([single, ordered, degenerate, concrete])
    # numeric: ||I - hH||_2 < 1 just inside 2/lambda_max, > 1 just outside (count violations)
    hn = num.random_spd(rng, 4, 0.1, 3.0)
    lmax = float(np.linalg.eigvalsh(hn)[-1])
    norm = lambda step: float(np.linalg.norm(np.eye(4) - step * hn, 2))
    margin = 1e-6  # relative distance to the edge, far above round-off (~1e-15)
    inside = [norm(f * 2 / lmax) for f in (margin, 0.5, 1 - margin)]
    outside = norm((1 + margin) * 2 / lmax)
    violations = sum(v >= 1 for v in inside) + (outside <= 1)
    return symbolic_outcome(verdict, violations, 0.0, f"spectrum {', '.join(map(str, spectrum))}; numeric d=4")
