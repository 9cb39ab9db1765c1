"""Words of affine maps: the closed forms of forward and backward compositions (C5).

For affine maps ``T_j(x) = A_j x + b_j`` (non-commuting symbols),

.. math::
    T_1 \\circ \\cdots \\circ T_n(x) = A_1 \\cdots A_n x + \\sum_{j=1}^n A_1 \\cdots A_{j-1} b_j
    \\quad\\text{(backward)},\\qquad
    T_n \\circ \\cdots \\circ T_1(x) = A_n \\cdots A_1 x + \\sum_{j=1}^n A_n \\cdots A_{j+1} b_j
    \\quad\\text{(forward)}.

The induction step is checked with abstract symbols ``P, q`` for the composed map, and
both formulas are expanded against explicit composition for ``n = 1 .. 5``.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from revsgd.proofs_check.registry import check_variant, register_check
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import all_hold, identity_holds

__all__ = [
    "affine_symbols",
    "compose_backward",
    "compose_forward",
    "backward_closed_form",
    "forward_closed_form",
    "backward_composition_formula",
    "forward_composition_formula",
]

MAX_WORD = 5


def affine_symbols(n: int, x_name: str = "x"):
    """Non-commutative symbols ``A_1..A_n``, ``b_1..b_n`` and the point ``x``."""
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    a = sp.symbols(f"A_1:{n + 1}", commutative=False)
    b = sp.symbols(f"b_1:{n + 1}", commutative=False)
    return list(a), list(b), sp.Symbol(x_name, commutative=False)


def compose_backward(maps, x):
    """``T_1 o ... o T_n (x)`` by applying the maps one at a time (last map first)."""
    for a, b in reversed(list(maps)):
        x = a * x + b
    return x


def compose_forward(maps, x):
    """``T_n o ... o T_1 (x)`` by applying the maps one at a time (first map first)."""
    for a, b in maps:
        x = a * x + b
    return x


def backward_closed_form(a, b, x):
    """``A_1...A_n x + sum_j A_1...A_{j-1} b_j``."""
    return sp.Mul(*a) * x + sp.Add(*[sp.Mul(*a[:j]) * b[j] for j in range(len(a))])


def forward_closed_form(a, b, x):
    """``A_n...A_1 x + sum_j A_n...A_{j+1} b_j``."""
    rev = a[::-1]
    return sp.Mul(*rev) * x + sp.Add(*[sp.Mul(*rev[: len(a) - 1 - j]) * b[j] for j in range(len(a))])


def _numeric_words(rng: np.random.Generator, closed_form_order: str) -> tuple[float, float]:
    """Max error between numeric composition and the closed form, and its round-off bound."""
    d, rho, n = 3, 0.9, MAX_WORD
    a = [num.random_contraction(rng, d, rho) for _ in range(n)]
    b = [rng.standard_normal(d) for _ in range(n)]
    x = rng.standard_normal(d)
    maps = list(zip(a, b))
    if closed_form_order == "backward":
        got = num.affine_backward(maps, x)
        prods = [np.linalg.multi_dot([np.eye(d)] + a[:j] + [np.eye(d)]) for j in range(n + 1)]
        want = prods[n] @ x + sum(prods[j] @ b[j] for j in range(n))
    else:
        got = num.affine_forward(maps, x)
        rev = a[::-1]
        prods = [np.linalg.multi_dot([np.eye(d)] + rev[:j] + [np.eye(d)]) for j in range(n + 1)]
        want = prods[n] @ x + sum(prods[n - 1 - j] @ b[j] for j in range(n))
    scale = np.linalg.norm(x) + sum(np.linalg.norm(v) for v in b)  # ||A_j|| <= 1
    tol = num.roundoff_tolerance(scale, ops=4 * n * (d + 1))
    return num.max_abs_error(got, want), tol


def _backward_induction(p, q, a, b, x):
    """F_n(x) = P x + q  =>  F_n(T(x)) = (P A) x + (q + P b): both sides."""
    return p * (a * x + b) + q, (p * a) * x + (q + p * b)


def _forward_induction(p, q, a, b, x):
    """G_n(x) = P x + q  =>  T(G_n(x)) = (A P) x + (A q + b): both sides."""
    return a * (p * x + q) + b, (a * p) * x + (a * q + b)


def _composition_check(order: str, statement: str, induction, compose, closed_form):
    """Register ``{order}_composition_formula``: the closed form of ``order`` words of affine maps.

    The check proves the induction step ``induction(P, q, A, b, x)`` with abstract symbols,
    expands ``compose`` against ``closed_form`` for n = 1 .. :data:`MAX_WORD`, and asks the
    numeric second opinion of :func:`_numeric_words`.
    """

    def check(rng: np.random.Generator, *, closed_form=closed_form):
        p, q, a, b, x = sp.symbols("P q A b x", commutative=False)
        step = identity_holds(*induction(p, q, a, b, x))
        words = []
        for n in range(1, MAX_WORD + 1):
            an, bn, xn = affine_symbols(n)
            words.append(identity_holds(compose(zip(an, bn), xn), closed_form(an, bn, xn)))
        err, tol = _numeric_words(rng, order)
        return symbolic_outcome(all_hold([step] + words), err, tol, f"n<={MAX_WORD}; numeric d=3")

    doc = f"""{order.capitalize()} words of affine maps: induction step in general, n = 1..5 expanded.

    Args:
        closed_form: ``closed_form(a, b, x)``, the formula expanded against the composition
            (default :func:`{closed_form.__name__}`; a test hands in a broken one).
    """
    check = check_variant(check, f"{order}_composition_formula", doc)
    return register_check("C5", statement, kind="symbolic")(check)


backward_composition_formula = _composition_check(
    "backward",
    r"T_{1}\circ\cdots\circ T_{n}(x)=A_{1}\cdots A_{n}x+\sum_{j=1}^{n}A_{1}\cdots A_{j-1}b_{j}"
    r"\ \text{for affine } T_j(x)=A_jx+b_j\ (\text{induction; } n\le 5 \text{ expanded})",
    _backward_induction, compose_backward, backward_closed_form)
forward_composition_formula = _composition_check(
    "forward",
    r"T_{n}\circ\cdots\circ T_{1}(x)=A_{n}\cdots A_{1}x+\sum_{j=1}^{n}A_{n}\cdots A_{j+1}b_{j}"
    r"\ \text{for affine } T_j(x)=A_jx+b_j\ (\text{induction; } n\le 5 \text{ expanded})",
    _forward_induction, compose_forward, forward_closed_form)
