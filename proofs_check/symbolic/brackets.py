"""Order at second order: Lie brackets of gradient steps (C7).

For gradient steps ``T_a(x) = x - h g_a(x)`` with ``g = grad L`` and ``H = Hess L``,

.. math:: T_a \\circ T_b - T_b \\circ T_a = h^2 (H_a g_b - H_b g_a) + O(h^3),

exactly (no remainder) for quadratics. Over a word of ``n`` steps, with forward iterate
``x_n = T_n o ... o T_1(x_0)`` and backward iterate ``y_n = T_1 o ... o T_n(x_0)``,

.. math:: y_n - x_n = h^2 \\sum_{i<j} (H_i g_j - H_j g_i)(x_0) + O(h^3),

and a palindromic epoch (a permutation followed by its reverse, half steps) does not
depend on the permutation up to ``O(h^3)``.

Quadratics use non-commuting symbols ``H_a, c_a, x`` (any dimension); general smooth losses
use undefined functions in 1-D and 2-D with truncated Taylor arithmetic
(:mod:`revsgd.proofs_check.symbolic._jets`). The numeric second opinion uses polynomial losses,
for which ``h -> y_n - x_n`` is a polynomial of known degree, so its Taylor coefficients
are recovered exactly (up to round-off) by Cauchy's formula on a circle in complex ``h``.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from revsgd.proofs_check.registry import check_variant, register_check
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._jets import gradient, gradient_step_jet, hessian
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import all_hold, identity_holds, series_agree

__all__ = [
    "quadratic_step",
    "bracket_sum",
    "taylor_coefficients_numeric",
    "bracket_quadratic_exact",
    "bracket_smooth_1d",
    "bracket_smooth_2d",
    "bracket_n_steps",
    "palindromic_epoch",
]

ORDER = 3  # identities hold up to O(h^3)


def quadratic_step(hess, centre, h):
    """The gradient step ``z -> z - h H (z - c)`` (non-commuting symbols allowed)."""
    return lambda z: z - h * hess * (z - centre)


def bracket_sum(hessians, gradients):
    """``sum_{i<j} (H_i g_j - H_j g_i)`` in word order."""
    n = len(hessians)
    return sum((hessians[i] * gradients[j] - hessians[j] * gradients[i]
                for i in range(n) for j in range(i + 1, n)), start=sp.S.Zero * gradients[0])


def taylor_coefficients_numeric(f, degree: int, radius: float, ops: int):
    """Taylor coefficients of the polynomial ``h -> f(h)`` (degree <= ``degree``), with round-off bounds.

    Cauchy's formula discretised on ``N = degree + 1`` points of the circle ``|h| = r``,

    .. math:: c_k = \\frac{1}{N r^k} \\sum_{j<N} f(r\\omega^j)\\,\\omega^{-jk},
              \\quad \\omega = e^{2\\pi i/N},

    is exact for polynomials of degree ``< N`` (no aliasing), so the only error is
    round-off: ``|err c_k| <= (ops + N) eps max_j s_j / r^k``, where ``f`` returns a pair
    ``(value, s)`` with ``s`` the size of the quantities whose difference is ``value``
    and ``ops`` bounds the relative round-off of evaluating it.

    Returns:
        ``(coeffs, tol)``: ``coeffs[k]`` the coefficient of ``h^k`` (an array),
        ``tol[k]`` its round-off bound.
    """
    n = degree + 1
    nodes = radius * np.exp(2j * np.pi * np.arange(n) / n)
    pairs = [f(z) for z in nodes]
    values = np.array([np.atleast_1d(v) for v, _ in pairs])
    scale = max(float(s) for _, s in pairs)
    coeffs = np.fft.fft(values, axis=0) / n / (radius ** np.arange(n))[:, None]
    tol = num.roundoff_tolerance(scale, ops=ops + n) / radius ** np.arange(n)
    return coeffs, tol


def _numeric_word_difference(rng, dim: int, n: int, palindromic: bool = False):
    """Second opinion on a polynomial (quartic) loss: coefficients of h^0, h^1, h^2.

    Each loss is ``L_i(x) = 1/2 (x-c_i)^T H_i (x-c_i) + 1/4 sum_k w_ik x_k^4``; its
    gradient is cubic, so after ``s`` steps ``h -> x_s`` is a polynomial of degree
    ``(3^s - 1)/2``, and its Taylor coefficients come out exactly (up to round-off) of
    :func:`taylor_coefficients_numeric`. Returns the worst ratio
    ``max_k |coeff_k - expected_k| / tol_k`` over ``k < 3`` (``<= 1`` passes).
    """
    hs = [num.random_spd(rng, dim, 0.5, 2.0) for _ in range(n)]
    cs = [rng.standard_normal(dim) for _ in range(n)]
    ws = [rng.uniform(0.1, 0.5, dim) for _ in range(n)]
    x0 = 0.5 * rng.standard_normal(dim)
    grad = lambda i, x: hs[i] @ (x - cs[i]) + ws[i] * x**3
    hess = lambda i, x: hs[i] + np.diag(3 * ws[i] * x**2)

    def run(order, step):
        x = x0.astype(complex)
        for i in order:
            x = x - step * grad(i, x)
        return x

    def pair(first, second):
        return lambda h: (first(h) - second(h), np.max(np.abs(first(h))) + np.max(np.abs(second(h))))

    if palindromic:  # a random permutation of one epoch against the identity order, half steps
        perm, ident = list(rng.permutation(n)), list(range(n))
        f = pair(lambda h: run(perm + perm[::-1], h / 2), lambda h: run(ident + ident[::-1], h / 2))
        steps, expected2 = 2 * n, np.zeros(dim)
    else:  # y_n - x_n
        f = pair(lambda h: run(list(range(n))[::-1], h), lambda h: run(list(range(n)), h))
        steps = n
        expected2 = sum(hess(i, x0) @ grad(j, x0) - hess(j, x0) @ grad(i, x0)
                        for i in range(n) for j in range(i + 1, n))
    coeffs, tol = taylor_coefficients_numeric(f, (3**steps - 1) // 2, radius=0.1,
                                              ops=32 * steps * (dim + 1))
    expected = [np.zeros(dim), np.zeros(dim), expected2]
    return max(float(np.max(np.abs(coeffs[k] - expected[k]))) / tol[k] for k in range(ORDER))


@register_check(
    "C7",
    r"T_a\circ T_b-T_b\circ T_a=h^{2}(H_ag_b-H_bg_a)\ \text{exactly for quadratic } L_a, L_b",
    kind="symbolic",
)
def bracket_quadratic_exact(rng: np.random.Generator, *, quadratic_step=quadratic_step):
    """Quadratic losses with non-commuting Hessians: the bracket is exactly h^2 (...).

    Args:
        quadratic_step: ``quadratic_step(hess, centre, h)``, the symbolic gradient step
            (default :func:`quadratic_step`; a test hands in a broken one).
    """
    h = sp.Symbol("h")
    ha, hb, ca, cb, x = sp.symbols("H_a H_b c_a c_b x", commutative=False)
    ta, tb = quadratic_step(ha, ca, h), quadratic_step(hb, cb, h)
    ga, gb = ha * (x - ca), hb * (x - cb)
    verdict = identity_holds(ta(tb(x)) - tb(ta(x)), h**2 * (ha * gb - hb * ga))
    d, step = 3, 0.3
    hn = [num.random_spd(rng, d) for _ in range(2)]
    cn = [rng.standard_normal(d) for _ in range(2)]
    xn = rng.standard_normal(d)
    t = [num.gradient_step(step, hm, c) for hm, c in zip(hn, cn)]
    g = [hm @ (xn - c) for hm, c in zip(hn, cn)]
    lhs = t[0](t[1](xn)) - t[1](t[0](xn))
    rhs = step**2 * (hn[0] @ g[1] - hn[1] @ g[0])
    scale = (1 + max(np.linalg.norm(hm, 2) for hm in hn)) ** 3 * (np.linalg.norm(xn) + max(map(np.linalg.norm, cn)))
    tol = num.roundoff_tolerance(scale, ops=16 * (d + 1))
    return symbolic_outcome(verdict, num.max_abs_error(lhs, rhs), tol, "symbols; numeric d=3")


def _smooth_bracket(dim: int, gradient_step_jet=gradient_step_jet):
    h = sp.Symbol("h")
    xs = sp.symbols(f"x_1:{dim + 1}") if dim > 1 else [sp.Symbol("x")]
    la, lb = [sp.Function(name)(*xs) for name in ("L_a", "L_b")]
    ta, tb = [gradient_step_jet(loss, xs, h, ORDER) for loss in (la, lb)]
    x = sp.Matrix(list(xs))
    rhs = h**2 * (hessian(la, xs) * gradient(lb, xs) - hessian(lb, xs) * gradient(la, xs))
    return series_agree(ta(tb(x)) - tb(ta(x)), rhs, h, ORDER)


def _smooth_bracket_check(dim: int, statement: str, where: str):
    """Register ``bracket_smooth_{dim}d``: the bracket of undefined smooth losses on R^dim."""

    def check(rng: np.random.Generator, *, gradient_step_jet=gradient_step_jet):
        ratio = _numeric_word_difference(rng, dim=dim, n=2)
        return symbolic_outcome(_smooth_bracket(dim, gradient_step_jet), ratio, 1.0,
                                "undefined L_a, L_b; numeric quartic, err/tol")

    doc = f"""Undefined smooth losses {where}: the bracket agrees up to O(h^3).

    Args:
        gradient_step_jet: the truncated gradient step of
            :func:`~revsgd.proofs_check.symbolic._jets.gradient_step_jet` (the default; a test
            hands in a broken one).
    """
    return register_check("C7", statement, kind="symbolic")(check_variant(check, f"bracket_smooth_{dim}d", doc))


bracket_smooth_1d = _smooth_bracket_check(
    1, r"T_a\circ T_b-T_b\circ T_a=h^{2}(L_a''L_b'-L_b''L_a')+O(h^{3})\ \text{for smooth } L_a,L_b:\mathbb{R}\to\mathbb{R}",
    "on the line")
bracket_smooth_2d = _smooth_bracket_check(
    2, r"T_a\circ T_b-T_b\circ T_a=h^{2}(H_ag_b-H_bg_a)+O(h^{3})\ \text{for smooth } L_a,L_b:\mathbb{R}^2\to\mathbb{R}",
    "in the plane")


@register_check(
    "C7",
    r"y_n-x_n=h^{2}\sum_{i<j}(H_ig_j-H_jg_i)(x_0)+O(h^{3})\ \ (n=3,4)",
    kind="symbolic",
)
def bracket_n_steps(rng: np.random.Generator, *, bracket_sum=bracket_sum):
    """n = 3, 4: quadratics with non-commuting symbols, and smooth 1-D losses (undefined).

    Args:
        bracket_sum: ``bracket_sum(hessians, gradients)``, the predicted h^2 coefficient
            (default :func:`bracket_sum`; a test hands in a broken one).
    """
    h = sp.Symbol("h")
    verdicts = []
    for n in (3, 4):
        hs = sp.symbols(f"H_1:{n + 1}", commutative=False)
        cs = sp.symbols(f"c_1:{n + 1}", commutative=False)
        x0 = sp.Symbol("x_0", commutative=False)
        steps = [quadratic_step(hm, c, h) for hm, c in zip(hs, cs)]
        xn = yn = x0
        for t in steps:  # forward: T_1 first
            xn = t(xn)
        for t in reversed(steps):  # backward: T_n first
            yn = t(yn)
        grads = [hm * (x0 - c) for hm, c in zip(hs, cs)]
        verdicts.append(series_agree(yn - xn, h**2 * bracket_sum(hs, grads), h, ORDER))
        x = sp.Symbol("x")
        losses = [sp.Function(f"L_{i}")(x) for i in range(1, n + 1)]
        steps = [gradient_step_jet(loss, [x], h, ORDER) for loss in losses]
        xn = yn = sp.Matrix([x])
        for t in steps:
            xn = t(xn)
        for t in reversed(steps):
            yn = t(yn)
        hess = [sp.diff(loss, x, 2) for loss in losses]
        grads = [sp.diff(loss, x) for loss in losses]
        verdicts.append(series_agree(yn - xn, sp.Matrix([h**2 * bracket_sum(hess, grads)]), h, ORDER))
    ratio = _numeric_word_difference(rng, dim=2, n=3)
    return symbolic_outcome(all_hold(verdicts), ratio, 1.0, "n=3,4; numeric quartic d=2, n=3, err/tol")


def _palindrome(steps, z):
    for t in list(steps) + list(steps)[::-1]:
        z = t(z)
    return z


@register_check(
    "C7",
    r"T^{h/2}_{\sigma_K}\circ\cdots\circ T^{h/2}_{\sigma_1}\circ T^{h/2}_{\sigma_1}\circ\cdots\circ"
    r"T^{h/2}_{\sigma_K}\ \text{is independent of } \sigma \text{ up to } O(h^{3})\ (K=3)",
    kind="symbolic",
    quick=False,  # the slowest symbolic check (about 3 s)
)
def palindromic_epoch(rng: np.random.Generator):
    """All 6 orders of a palindromic epoch of K = 3 agree to O(h^3) (quadratic and smooth 1-D)."""
    h, k = sp.Symbol("h"), 3
    hs = sp.symbols(f"H_1:{k + 1}", commutative=False)
    cs = sp.symbols(f"c_1:{k + 1}", commutative=False)
    x0 = sp.Symbol("x_0", commutative=False)
    quad = [quadratic_step(hm, c, h / 2) for hm, c in zip(hs, cs)]
    x = sp.Symbol("x")
    smooth = [gradient_step_jet(sp.Function(f"L_{i}")(x), [x], h, ORDER, step=h / 2) for i in range(1, k + 1)]
    base_q, base_s = _palindrome(quad, x0), _palindrome(smooth, sp.Matrix([x]))
    verdicts = []
    for perm in itertools.permutations(range(k)):
        verdicts.append(series_agree(_palindrome([quad[i] for i in perm], x0), base_q, h, ORDER))
        verdicts.append(series_agree(_palindrome([smooth[i] for i in perm], sp.Matrix([x])), base_s, h, ORDER))
    ratio = _numeric_word_difference(rng, dim=2, n=2, palindromic=True)
    return symbolic_outcome(all_hold(verdicts), ratio, 1.0, "K=3 all orders; numeric quartic d=2, K=2, err/tol")
