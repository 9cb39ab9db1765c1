"""Broken implementations fed to the symbolic checks (the table is in test_can_fail_table.py).

Each one has the signature of the keyword argument through which a check receives it; the
swapped composition orders and closed forms need no code of their own (the real functions
of the other direction are fed instead).
"""

import sympy as sp

from revsgd.proofs_check.symbolic._jets import gradient, truncate
from revsgd.proofs_check.symbolic._verdict import intersect_intervals
from revsgd.proofs_check.symbolic.brackets import bracket_sum
from revsgd.proofs_check.symbolic.contraction_range import STEP_SIZES


def reversed_bracket_sum(hessians, gradients):
    """The bracket sum of the reversed word (the pairs i > j): minus the true one."""
    return bracket_sum(hessians[::-1], gradients[::-1])


def sum_from_one_late(term, limits):
    """The tail summed from n + 1 instead of n (an off-by-one lower limit)."""
    k, lo, hi = limits
    return sp.summation(term, (k, lo + 1, hi))


def variance_without_contraction(slopes, offsets, probs):
    """Stationary moments with the variance equation missing its ``sum_k p_k a_k^2 v`` term.

    The mean is solved correctly; the variance is taken as the spread of one step from the
    mean, ``sum_k p_k (a_k m + b_k)^2 - m^2``, as if the old iterate's variance did not carry.
    """
    m = sp.Symbol("m")
    mean = sp.solve(sp.Eq(m, sum(p * (a * m + b) for a, b, p in zip(slopes, offsets, probs))), m)[0]
    spread = sum(p * (a * mean + b) ** 2 for a, b, p in zip(slopes, offsets, probs)) - mean**2
    return sp.cancel(mean), sp.cancel(spread)


def closed_contracting_steps(eigenvalues, h, substitute=None):
    """``{h > 0 : |1 - h lambda| <= 1}``: the non-strict inequality (closed right end)."""
    solved = [sp.solveset(sp.Abs(1 - h * lam) <= 1, h, sp.S.Reals) for lam in eigenvalues]
    if substitute:
        solved = [s.subs(substitute) for s in solved]
    return intersect_intervals([STEP_SIZES] + solved)


def hessian_on_the_right(hess, centre, h):
    """The quadratic step ``z -> z - h (z - c) H``: the Hessian multiplied on the wrong side."""
    return lambda z: z - h * (z - centre) * hess


def gradient_frozen_at_start(loss, variables, h, order, step=None):
    """A gradient step that evaluates the gradient at the base point x, not at the iterate z."""
    step = h if step is None else step
    grad = gradient(loss, variables)
    return lambda z: truncate(z - step * grad, h, order)
