"""The backward contraction principle, algebraic part (C1).

With backward iterates ``y_n = T_{xi_1} o ... o T_{xi_n}(x0)`` of affine maps the composed
map is ``x -> P_n x + q_n`` with ``P_n = A_{xi_1} ... A_{xi_n}``, hence the telescoping
identity

.. math:: y_{n+1} - y_n = P_n\\,\\bigl(T_{\\xi_{n+1}}(x_0) - x_0\\bigr),

and, if each increment is at most ``rho^k C``, the tail sum

.. math:: \\sum_{k \\ge n} \\rho^k C = \\frac{\\rho^n C}{1 - \\rho} \\quad (0 < \\rho < 1)

bounds ``|y_n - y_inf|``.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from revsgd.proofs_check.registry import register_check
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import Verdict, all_hold, identity_holds
from revsgd.proofs_check.symbolic.composition import MAX_WORD, affine_symbols, compose_backward

__all__ = ["branch_where", "telescoping_increment", "geometric_tail_sum"]


def branch_where(expr, condition):
    """``expr`` with every ``Piecewise`` replaced by its branch whose condition is ``condition``.

    Raises:
        ValueError: if some ``Piecewise`` has no branch with exactly that condition.
    """
    def pick(*pairs):
        for value, cond in pairs:
            if cond == condition:
                return value
        raise ValueError(f"no branch with condition {condition} among {[c for _, c in pairs]}")

    return expr.replace(sp.Piecewise, pick)


@register_check(
    "C1",
    r"y_{n+1}-y_{n}=A_{\xi_1}\cdots A_{\xi_n}\bigl(T_{\xi_{n+1}}(x_0)-x_0\bigr)"
    r"\ \text{for } y_n=T_{\xi_1}\circ\cdots\circ T_{\xi_n}(x_0),\ T_k \text{ affine}",
    kind="symbolic",
)
def telescoping_increment(rng: np.random.Generator, *, compose_backward=compose_backward):
    """Telescoping of backward iterates: in general (abstract P, q) and for n = 0..4.

    Args:
        compose_backward: ``compose_backward(maps, x)``, the backward iterate of symbolic
            maps (default :func:`~revsgd.proofs_check.symbolic.composition.compose_backward`;
            a test hands in a broken one).
    """
    p, q, a, b, x0 = sp.symbols("P q A b x_0", commutative=False)
    # y_n = P x0 + q, y_{n+1} = P (A x0 + b) + q
    general = identity_holds((p * (a * x0 + b) + q) - (p * x0 + q), p * ((a * x0 + b) - x0))
    words = []
    for n in range(MAX_WORD):
        an, bn, x = affine_symbols(n + 1, "x_0")
        maps = list(zip(an, bn))
        y_next, y_n = compose_backward(maps, x), compose_backward(maps[:n], x)
        words.append(identity_holds(y_next - y_n, sp.Mul(*an[:n]) * (an[n] * x + bn[n] - x)))
    # numeric: a random word over K = 3 contractions in d = 4
    d, k, rho, n = 4, 3, 0.8, 12
    fam = [(num.random_contraction(rng, d, rho), rng.standard_normal(d)) for _ in range(k)]
    xi = rng.integers(k, size=n + 1)
    x = rng.standard_normal(d)
    word = [fam[i] for i in xi]
    lhs = num.affine_backward(word, x) - num.affine_backward(word[:n], x)
    p_n = np.linalg.multi_dot([np.eye(d)] + [fam[i][0] for i in xi[:n]] + [np.eye(d)])
    a_last, b_last = fam[xi[n]]
    rhs = p_n @ (a_last @ x + b_last - x)
    scale = np.linalg.norm(x) + (n + 1) * max(np.linalg.norm(v) for _, v in fam)
    err = num.max_abs_error(lhs, rhs)
    tol = num.roundoff_tolerance(scale, ops=4 * (n + 1) * (d + 1))
    return symbolic_outcome(all_hold([general] + words), err, tol, f"n<={MAX_WORD - 1}; numeric d={d}, n={n}")


@register_check(
    "C1",
    r"\sum_{k\ge n}\rho^{k}C=\frac{\rho^{n}C}{1-\rho}\ (0<\rho<1),\ \text{so}\ "
    r"|y_n-y_\infty|\le\frac{\rho^{n}C}{1-\rho}",
    kind="symbolic",
)
def geometric_tail_sum(rng: np.random.Generator, *, summation=sp.summation):
    """The tail of the increments' geometric bound, summed by sympy.

    Args:
        summation: ``summation(term, (k, lo, hi))``, the symbolic sum (default
            :func:`sympy.summation`; a test hands in a broken one).
    """
    rho = sp.Symbol("rho", positive=True)
    c = sp.Symbol("C", nonnegative=True)
    k, n = sp.symbols("k n", integer=True, nonnegative=True)
    total = summation(rho**k * c, (k, n, sp.oo))
    try:
        tail = branch_where(total, rho < 1)
        verdict = identity_holds(tail, rho**n * c / (1 - rho))
    except ValueError as exc:
        verdict = Verdict(False, str(exc), "no convergent branch")
    # numeric: partial sum from n to n + m-1 equals rho^n C (1 - rho^m) / (1 - rho)
    r, cc, nn, m = float(rng.uniform(0.3, 0.95)), float(rng.uniform(0.5, 2.0)), 3, 400
    partial = sum(r**j * cc for j in range(nn, nn + m))
    closed = r**nn * cc / (1 - r) - r ** (nn + m) * cc / (1 - r)
    tol = num.roundoff_tolerance(cc / (1 - r), ops=2 * m, cond=1 / (1 - r))
    return symbolic_outcome(verdict, abs(partial - closed), tol, f"numeric rho={r:.3f}")
