"""The verdict machinery shared by all symbolic checks.

Every symbolic check decides through these functions, and the can-fail tests feed them
wrong identities. A verdict comes from ``expand`` (with ``cancel`` for rational
functions) and coefficient extraction, never from ``simplify``; sympy's ``equals`` is not
used at all (its ``None`` would be a failure anyway).

* :func:`identity_holds` -- ``lhs - rhs`` expands (elementwise for matrices) to zero;
* :func:`coefficients_in` -- coefficients of the powers of a commutative symbol in an
  expression that may hold non-commutative symbols;
* :func:`series_agree` -- ``lhs - rhs = O(h^order)``: the Taylor coefficients of
  ``h^0 .. h^(order-1)`` vanish (works with undefined functions);
* :func:`interval_matches` -- a set computed by a sympy set solver is the expected
  interval;
* :func:`multisets_equal` -- two weighted multisets of expressions coincide.
"""
from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import sympy as sp

__all__ = [
    "Verdict",
    "all_hold",
    "identity_holds",
    "coefficients_in",
    "series_coefficients",
    "series_agree",
    "interval_matches",
    "intersect_intervals",
    "multisets_equal",
]


@dataclass(frozen=True)
class Verdict:
    """A symbolic verdict: whether it holds, and what was left over.

    ``residual`` is the expanded difference (zero when it holds) or a short description.
    ``bool(verdict)`` is ``verdict.holds``.
    """

    holds: bool
    residual: object
    detail: str = ""

    def __bool__(self) -> bool:
        return bool(self.holds)

    def summary(self) -> str:
        """A short text for the report's measured column."""
        if self.holds:
            return "residual 0"
        text = str(self.residual)
        return "residual " + (text if len(text) <= 60 else text[:57] + "...")


def all_hold(verdicts) -> Verdict:
    """The conjunction of ``verdicts``: holds iff every one holds; the first failure is kept."""
    verdicts = list(verdicts)
    if not verdicts:
        raise ValueError("verdicts must be a non-empty iterable of Verdict; got an empty one")
    for v in verdicts:
        if not isinstance(v, Verdict):
            raise TypeError(f"verdicts must hold Verdict objects; got {type(v).__name__}")
        if not v.holds:
            return v
    return Verdict(True, sp.S.Zero, f"{len(verdicts)} identities")


def _zero(expr) -> sp.Expr:
    """``expr`` expanded, and for commutative rational functions put over one denominator."""
    r = sp.expand(sp.sympify(expr))
    if r != 0 and r.is_commutative:
        r = sp.expand(sp.cancel(sp.together(r)))
    return r


def identity_holds(lhs, rhs, symbols=()) -> Verdict:
    """Decide ``lhs == rhs`` by expanding ``lhs - rhs`` to zero.

    .. math:: \\operatorname{expand}(\\mathrm{lhs} - \\mathrm{rhs}) = 0

    Matrices are compared entry by entry (shapes must agree). If ``symbols`` are given
    and the residual is polynomial in them, the verdict also extracts its coefficients
    (``Poly.coeffs``) and demands each one to vanish.

    Args:
        lhs, rhs: sympy expressions or matrices (commutative or not).
        symbols: optional commutative symbols for coefficient extraction.

    Returns:
        Verdict with the (first non-zero) residual.

    >>> a, b = sp.symbols("a b", commutative=False)
    >>> bool(identity_holds((a + b)**2, a**2 + a*b + b*a + b**2))
    True
    >>> bool(identity_holds((a + b)**2, a**2 + 2*a*b + b**2))
    False
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    lmat, rmat = isinstance(lhs, sp.MatrixBase), isinstance(rhs, sp.MatrixBase)
    if lmat or rmat:
        if not (lmat and rmat) or lhs.shape != rhs.shape:
            shape = lambda m: getattr(m, "shape", "scalar")
            return Verdict(False, f"shape {shape(lhs)} vs {shape(rhs)}", "shape mismatch")
        return all_hold(identity_holds(a, b, symbols) for a, b in zip(lhs, rhs))
    r = _zero(lhs - rhs)
    if r == 0:
        return Verdict(True, sp.S.Zero)
    if symbols and r.is_commutative:
        num = sp.numer(sp.together(r))
        if num.is_polynomial(*symbols):
            # report the first non-zero coefficient of the residual's numerator
            for monom, coeff in sp.Poly(num, *symbols).terms():
                term = coeff * sp.Mul(*[s**e for s, e in zip(symbols, monom)])
                return Verdict(False, r, f"non-zero term {term}")
    return Verdict(False, r, "expanded difference is not zero")


def coefficients_in(expr, h: sp.Symbol) -> dict[int, sp.Expr]:
    """The coefficients of ``h**k`` in the polynomial (in ``h``) ``expr``.

    ``expr`` may contain non-commutative symbols; ``h`` must be commutative. Terms are
    split into commutative and non-commutative parts (``args_cnc``), so the order of the
    non-commutative factors is kept.

    Raises:
        ValueError: if ``h`` is not a commutative Symbol, or ``expr`` is not polynomial in it.

    >>> h = sp.Symbol("h"); A = sp.Symbol("A", commutative=False)
    >>> sorted(coefficients_in(3*h**2*A + A, h).items())
    [(0, A), (2, 3*A)]
    """
    if not isinstance(h, sp.Symbol) or not h.is_commutative:
        raise ValueError(f"h must be a commutative sympy Symbol; got {h!r}")
    out: dict[int, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        c, nc = term.args_cnc()
        coeff, power = sp.S.One, 0
        for factor in c:
            base, exp = factor.as_base_exp()
            if base == h and exp.is_Integer and exp >= 0:
                power += int(exp)
            elif factor.has(h):
                raise ValueError(f"expr must be a polynomial in {h}; got the term {term}")
            else:
                coeff *= factor
        if sp.Mul(*nc).has(h):
            raise ValueError(f"expr must be a polynomial in {h}; got the term {term}")
        out[power] = out.get(power, sp.S.Zero) + coeff * sp.Mul(*nc)
    return out


def series_coefficients(expr, h: sp.Symbol, order: int) -> list[sp.Expr]:
    """Taylor coefficients ``[c_0, ..., c_{order-1}]`` of ``expr`` in ``h`` about 0.

    Polynomials in ``h`` (including non-commutative ones) use :func:`coefficients_in`;
    other expressions (undefined functions evaluated at ``h``-dependent points) use
    ``c_k = (d/dh)^k expr |_{h=0} / k!``, with the resulting ``Subs`` objects evaluated.
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be a positive int; got {order!r}")
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        raise TypeError("series_coefficients takes a scalar expression; map it over matrix entries")
    try:
        coeffs = coefficients_in(expr, h)
        return [sp.expand(coeffs.get(k, sp.S.Zero)) for k in range(order)]
    except ValueError:
        pass
    out, d = [], expr
    for k in range(order):
        out.append(sp.expand(d.subs(h, 0).doit() / factorial(k)))
        d = sp.diff(d, h)
    return out


def series_agree(lhs, rhs, h: sp.Symbol, order: int) -> Verdict:
    """Decide ``lhs - rhs = O(h**order)`` by coefficient extraction.

    .. math:: [h^k](\\mathrm{lhs} - \\mathrm{rhs}) = 0 \\quad (0 \\le k < \\mathrm{order})

    Matrices are compared entry by entry.

    >>> h, a = sp.symbols("h a")
    >>> bool(series_agree(sp.exp(h*a), 1 + h*a + h**2*a**2/2, h, 3))
    True
    >>> bool(series_agree(sp.exp(h*a), 1 + h*a, h, 3))
    False
    """
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        if getattr(lhs, "shape", None) != getattr(rhs, "shape", None):
            return Verdict(False, "shape mismatch", "shape mismatch")
        return all_hold(series_agree(a, b, h, order) for a, b in zip(lhs, rhs))
    for k, c in enumerate(series_coefficients(lhs - rhs, h, order)):
        c = _zero(c)
        if c != 0:
            return Verdict(False, c * h**k, f"coefficient of {h}^{k} is not zero")
    return Verdict(True, sp.S.Zero)


def intersect_intervals(sets) -> sp.Set:
    """The intersection of sympy sets; open intervals with symbolic ends via ``Max``/``Min``.

    sympy's ``Intersection`` stays unevaluated for intervals with symbolic ends even when
    the order of the ends is decidable from assumptions; then the intersection of open
    intervals ``(a_i, b_i)`` is computed as ``(Max a_i, Min b_i)``, which sympy evaluates
    when it can decide the order. The result may still be unevaluated (then no interval
    verdict can pass).
    """
    sets = list(sets)
    result = sp.Intersection(*sets)
    if isinstance(result, sp.Interval) or result is sp.S.EmptySet:
        return result
    if all(isinstance(s, sp.Interval) and s.left_open and s.right_open for s in sets):
        return sp.Interval.open(sp.Max(*[s.start for s in sets]), sp.Min(*[s.end for s in sets]))
    return result


def interval_matches(computed: sp.Set, expected: sp.Interval) -> Verdict:
    """Decide that a solver's set ``computed`` is exactly the interval ``expected``.

    Both must be evaluated ``Interval`` objects with the same openness at each end and
    ends that agree by :func:`identity_holds`; an unevaluated set (``ConditionSet``,
    ``Intersection``, ``Min``) is a failure. ``EmptySet`` matches only ``EmptySet``.
    """
    if expected is sp.S.EmptySet or computed is sp.S.EmptySet:
        ok = computed is expected
        return Verdict(ok, sp.S.Zero if ok else f"{computed} vs {expected}")
    if not isinstance(expected, sp.Interval):
        raise TypeError(f"expected must be a sympy Interval or EmptySet; got {expected!r}")
    if not isinstance(computed, sp.Interval):
        return Verdict(False, f"solver returned {computed}", "not an evaluated interval")
    if (computed.left_open, computed.right_open) != (expected.left_open, expected.right_open):
        return Verdict(False, f"{computed} vs {expected}", "openness differs")
    if computed.start.has(sp.Min, sp.Max) or computed.end.has(sp.Min, sp.Max):
        return Verdict(False, f"solver returned {computed}", "end points undecided")
    return all_hold([identity_holds(computed.start, expected.start),
                     identity_holds(computed.end, expected.end)])


def multisets_equal(left, right) -> Verdict:
    """Decide that two weighted multisets of expressions coincide.

    Args:
        left, right: iterables of ``(expression, weight)`` pairs. Expressions are put in
            canonical form by ``expand``; equal expressions have their weights added.

    Returns:
        Verdict; the residual names the first expression whose total weights differ.
    """
    def total(pairs) -> dict:
        acc: dict = {}
        for expr, weight in pairs:
            key = sp.expand(expr)
            acc[key] = sp.expand(acc.get(key, 0) + weight)
        return acc

    a, b = total(left), total(right)
    for key in list(a) + [k for k in b if k not in a]:
        diff = _zero(a.get(key, 0) - b.get(key, 0))
        if diff != 0:
            return Verdict(False, key, f"weight differs by {diff}")
    return Verdict(True, sp.S.Zero, f"{len(a)} distinct values")
