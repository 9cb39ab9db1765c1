"""Truncated Taylor arithmetic in a step size ``h`` for maps built from undefined functions.

A point reached after a few gradient steps is ``z = x + d(h)`` with ``d(0) = 0`` and ``d``
polynomial in ``h``. A smooth function evaluated there is, by Taylor's theorem,

.. math:: f(x + d) = \\sum_{k < N} \\frac{1}{k!} \\sum_{i_1 \\ldots i_k}
          \\partial_{i_1 \\cdots i_k} f(x)\\, d_{i_1} \\cdots d_{i_k} + O(|d|^N),

and since ``d = O(h)`` the remainder is ``O(h^N)``. Every expression is kept as a
polynomial in ``h`` truncated at ``h^N``, with coefficients built from derivatives of
undefined functions (``sympy.Function``) at ``x``: this is what "for a general smooth loss
up to ``O(h^N)``" means, and it avoids sympy's slow series of nested ``Subs`` objects.
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence

import sympy as sp

from revsgd.proofs_check.symbolic._verdict import coefficients_in

__all__ = ["truncate", "taylor_at", "gradient", "hessian", "gradient_step_jet"]


def truncate(expr, h: sp.Symbol, order: int):
    """``expr`` (polynomial in ``h``, or a matrix of such) without its ``h^k`` terms, ``k >= order``."""
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: truncate(e, h, order))
    coeffs = coefficients_in(expr, h)
    return sp.Add(*[c * h**k for k, c in coeffs.items() if k < order])


def taylor_at(f, variables: Sequence[sp.Symbol], displacement: Sequence, h: sp.Symbol, order: int):
    """``f(x + d)`` truncated at ``h^order``, for ``f`` an expression in ``variables`` (= x).

    Args:
        f: scalar expression in ``variables`` (e.g. a derivative of an undefined function).
        variables: the coordinates ``x_1 .. x_d``.
        displacement: ``d_1 .. d_d``, polynomials in ``h`` vanishing at ``h = 0``.
        h, order: the truncation ``O(h^order)``.
    """
    variables, displacement = list(variables), [sp.expand(v) for v in displacement]
    if len(variables) != len(displacement):
        raise ValueError(f"displacement must have {len(variables)} entries; got {len(displacement)}")
    for v in displacement:
        if v.subs(h, 0) != 0:
            raise ValueError(f"displacement must vanish at {h} = 0; got {v}")
    out, powers = sp.S.Zero, {(): sp.S.One}
    for k in range(order):
        for idx in itertools.product(range(len(variables)), repeat=k):
            deriv = sp.diff(f, *[variables[i] for i in idx]) if idx else f
            out += deriv * powers[idx] / sp.factorial(k)
        powers = {idx + (i,): truncate(p * displacement[i], h, order)
                  for idx, p in powers.items() for i in range(len(variables))}
    return truncate(out, h, order)


def gradient(loss, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """The gradient of ``loss`` as a column matrix."""
    return sp.Matrix([sp.diff(loss, v) for v in variables])


def hessian(loss, variables: Sequence[sp.Symbol]) -> sp.Matrix:
    """The Hessian of ``loss``."""
    return sp.hessian(loss, list(variables))


def gradient_step_jet(loss, variables: Sequence[sp.Symbol], h: sp.Symbol, order: int, step=None):
    """The gradient step ``z -> z - s * grad loss(z)`` on points ``z = x + d(h)``, to ``O(h^order)``.

    Args:
        loss: expression in ``variables``.
        step: the step size ``s`` (default ``h``; ``h/2`` for half steps).

    Returns:
        A function taking a column matrix ``z`` (entries polynomial in ``h``, equal to
        ``variables`` at ``h = 0``) and returning the stepped point, truncated.
    """
    step = h if step is None else step
    grad, xs = gradient(loss, variables), sp.Matrix(list(variables))

    def apply(z: sp.Matrix) -> sp.Matrix:
        d = list(z - xs)
        g = sp.Matrix([taylor_at(gi, variables, d, h, order) for gi in grad])
        return truncate(z - step * g, h, order)

    return apply
