"""Commuting affine contractions share their fixed point (C3).

If ``T_k(x) = A_k x + b_k`` commute, i.e. ``A_1 A_2 = A_2 A_1`` and
``A_1 b_2 + b_1 = A_2 b_1 + b_2``, and ``x_1`` is the fixed point of ``T_1``, then

.. math:: (I - A_1)\\bigl(T_2(x_1) - x_1\\bigr)
          = (A_2 - I)\\bigl((I - A_1)x_1 - b_1\\bigr)
          + (A_2 b_1 + b_2 - A_1 b_2 - b_1) + (A_2 A_1 - A_1 A_2)\\,x_1,

an identity in non-commuting symbols whose three terms vanish under the hypotheses; so
``T_2(x_1) - x_1`` lies in the kernel of ``I - A_1``, which is ``{0}`` for a contraction:
``T_2(x_1) = x_1``. In 1-D the commutation condition is solved by sympy and the two fixed
points coincide.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from revsgd.proofs_check.registry import register_check
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import Verdict, all_hold, identity_holds

__all__ = ["commuting_contractions_share_fixed_point"]


def _numeric_commuting_pair(rng: np.random.Generator, d: int = 3):
    """A random commuting pair of contractions; distance between their fixed points and a bound."""
    a1 = num.random_contraction(rng, d, 0.7)
    a2 = 0.3 * np.eye(d) + 0.5 * a1 @ a1  # a polynomial in A_1: commutes, norm <= 0.545
    b1 = rng.standard_normal(d)
    eye = np.eye(d)
    b2 = np.linalg.solve(eye - a1, (eye - a2) @ b1)  # A_1 b_2 + b_1 = A_2 b_1 + b_2
    x1 = np.linalg.solve(eye - a1, b1)
    x2 = np.linalg.solve(eye - a2, b2)
    cond = np.linalg.cond(eye - a1) * np.linalg.cond(eye - a2)
    tol = num.roundoff_tolerance(np.linalg.norm(x1), ops=8 * (d + 1), cond=cond)
    return num.max_abs_error(x1, x2), tol


@register_check(
    "C3",
    r"T_1\circ T_2=T_2\circ T_1,\ T_k(x)=A_kx+b_k,\ \|A_1\|<1\ \Rightarrow\ T_2(x_1^*)=x_1^*",
    kind="symbolic",
)
def commuting_contractions_share_fixed_point(rng: np.random.Generator):
    """The kernel identity in non-commuting symbols, and the 1-D fixed points solved."""
    a1, a2, b1, b2, x1 = sp.symbols("A_1 A_2 b_1 b_2 x_1", commutative=False)
    lhs = (1 - a1) * ((a2 * x1 + b2) - x1)
    rhs = ((a2 - 1) * ((1 - a1) * x1 - b1) + (a2 * b1 + b2 - a1 * b2 - b1) + (a2 * a1 - a1 * a2) * x1)
    general = identity_holds(lhs, rhs)
    # T_1 o T_2 - T_2 o T_1 = [A_1, A_2] x + (A_1 b_2 + b_1 - A_2 b_1 - b_2): the two hypotheses
    x = sp.Symbol("x", commutative=False)
    t1, t2 = (lambda z: a1 * z + b1), (lambda z: a2 * z + b2)
    commutator = identity_holds(t1(t2(x)) - t2(t1(x)), (a1 * a2 - a2 * a1) * x + (a1 * b2 + b1 - a2 * b1 - b2))
    # 1-D: solve T_1 o T_2 = T_2 o T_1 for b_2; the fixed points then agree
    p, q, c1, c2, y = sp.symbols("a_1 a_2 c_1 c_2 y")
    sol = sp.solve(sp.Eq(p * (q * y + c2) + c1, q * (p * y + c1) + c2), c2, dict=True)
    if len(sol) != 1:
        one_d = Verdict(False, f"commutation condition solved to {sol}", "not a unique solution")
    else:
        one_d = identity_holds((c1 / (1 - p)), (c2 / (1 - q)).subs(sol[0]))
    err, tol = _numeric_commuting_pair(rng)
    return symbolic_outcome(all_hold([general, commutator, one_d]), err, tol, "symbols; numeric d=3")
