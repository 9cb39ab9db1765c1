"""Forward and backward iterates have the same law at every n (C2), exactly.

For an i.i.d. index sequence the word ``(xi_1, ..., xi_n)`` has probability
``p_{xi_1} ... p_{xi_n}``, which reversal does not change; the forward result of a word
is the backward result of its reverse. So the weighted multiset
``{ (T_{w_n} o ... o T_{w_1}(x_0), p_w) }`` equals ``{ (T_{w_1} o ... o T_{w_n}(x_0), p_w) }``,
although forward and backward results differ word by word. Checked for ``K = 2``
symbolic affine maps with non-commuting symbols and ``n <= 4``.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from revsgd.proofs_check.registry import Outcome, register_check
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import all_hold, multisets_equal
from revsgd.proofs_check.symbolic.composition import compose_backward, compose_forward

__all__ = ["word_laws", "forward_backward_same_law"]

MAX_N = 4


def word_laws(maps, probs, x0, n: int, *, compose_backward=compose_backward):
    """``(forward, backward)``: lists of ``(result, probability)`` over all ``K**n`` words.

    ``compose_backward(maps, x)`` computes the backward results (default
    :func:`~revsgd.proofs_check.symbolic.composition.compose_backward`).
    """
    forward, backward = [], []
    for word in itertools.product(range(len(maps)), repeat=n):
        weight = sp.Mul(*[probs[i] for i in word])
        chosen = [maps[i] for i in word]
        forward.append((compose_forward(chosen, x0), weight))
        backward.append((compose_backward(chosen, x0), weight))
    return forward, backward


def _numeric_same_law(rng: np.random.Generator, n: int = 7, d: int = 2):
    """Exact enumeration in floating point: sorted forward and backward laws agree."""
    p = np.array([0.3, 0.7])
    fam = [(num.random_contraction(rng, d, 0.8), rng.standard_normal(d)) for _ in range(2)]
    x0 = rng.standard_normal(d)
    direction = rng.standard_normal(d)
    out = []
    for compose in (num.affine_forward, num.affine_backward):
        pts, wts = [], []
        for word in itertools.product(range(2), repeat=n):
            pts.append(compose([fam[i] for i in word], x0))
            wts.append(np.prod(p[list(word)]))
        pts, wts = np.array(pts), np.array(wts)
        order = np.argsort(pts @ direction, kind="stable")  # generic direction: no ties
        out.append((pts[order], wts[order]))
    (pf, wf), (pb, wb) = out
    scale = np.linalg.norm(x0) + n * max(np.linalg.norm(b) for _, b in fam)
    tol = num.roundoff_tolerance(scale, ops=4 * n * (d + 1))
    return max(num.max_abs_error(pf, pb), num.max_abs_error(wf, wb)), tol


@register_check(
    "C2",
    r"\{\!\{(T_{w_n}\circ\cdots\circ T_{w_1}(x_0),p_w)\}\!\}=\{\!\{(T_{w_1}\circ\cdots\circ T_{w_n}(x_0),p_w)\}\!\}"
    r"\ \text{over } w\in\{1,2\}^n,\ n\le 4,\ T_k \text{ affine}",
    kind="symbolic",
)
def forward_backward_same_law(rng: np.random.Generator, *, compose_backward=compose_backward):
    """K = 2 symbolic affine maps, n = 1..4: equal weighted multisets, unequal word by word.

    Args:
        compose_backward: ``compose_backward(maps, x)``, the backward results of the words
            (default :func:`~revsgd.proofs_check.symbolic.composition.compose_backward`;
            a test hands in a broken one).
    """
    a = sp.symbols("A_1:3", commutative=False)
    b = sp.symbols("b_1:3", commutative=False)
    x0 = sp.Symbol("x_0", commutative=False)
    p = sp.Symbol("p", positive=True)
    maps, probs = list(zip(a, b)), [p, 1 - p]
    verdicts, differing = [], 0
    for n in range(1, MAX_N + 1):
        forward, backward = word_laws(maps, probs, x0, n, compose_backward=compose_backward)
        verdicts.append(multisets_equal(forward, backward))
        differing += sum(sp.expand(f - g) != 0 for (f, _), (g, _) in zip(forward, backward))
    verdict = all_hold(verdicts)
    err, tol = _numeric_same_law(rng)
    out = symbolic_outcome(verdict, err, tol, f"n<={MAX_N}; {differing} words with x_n != y_n")
    if not differing:  # the claim would be vacuous if forward and backward always agreed
        return Outcome(False, out.measured, out.expected, out.instance,
                       "no word distinguishes the orders, so the claim would be vacuous: fail; " + out.note)
    return out
