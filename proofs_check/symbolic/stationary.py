"""Stationary moments of affine families (C5) and least squares (C6).

For ``x' = A x + b`` with ``(A, b)`` drawn independently of ``x``, a stationary law has

.. math:: m = \\mathbb{E}[A]\\,m + \\mathbb{E}[b], \\qquad
          S = \\mathbb{E}[A S A^{\\top}] + \\operatorname{Cov}(A m + b).

These equations are solved by sympy (``linsolve``) for the one-dimensional examples of
THEORY.md (Closed forms); the closed forms come out, they are not typed into the solver. The
numeric second opinion enumerates all ``2^n`` backward words exactly: with
``|y_n - y_inf| <= rho^n C / (1 - rho)`` pointwise, Minkowski's inequality bounds both
``|E y_n - m|`` and ``|sd(y_n) - sqrt(S)|`` by that number.

Each check takes the pieces it exercises as keyword arguments, default the functions of
this module: ``stationary_moments_1d`` (``(slopes, offsets, probs) -> (mean, variance)``,
the solver of the moment equations) and, where it uses one, ``uniform_moments``
(``(lo, hi) -> (mean, variance)`` of the uniform law), so that a test can hand in broken ones.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from revsgd.proofs_check.registry import check_variant, register_check
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import Verdict, all_hold, identity_holds, series_agree

__all__ = [
    "stationary_moments_1d",
    "uniform_moments",
    "two_batch_quadratic",
    "binary_chain",
    "cantor_law",
    "bernoulli_convolution",
    "least_squares_1d_variance",
    "least_squares_2d_mean",
]


def stationary_moments_1d(slopes, offsets, probs):
    """Solve the 1-D stationary moment equations; return ``(mean, variance)``.

    .. math:: m = \\sum_k p_k (a_k m + b_k), \\quad
              v = \\sum_k p_k a_k^2 v + \\sum_k p_k (a_k m + b_k)^2 - m^2

    Raises:
        ValueError: if the equations do not have exactly one solution.
    """
    m, v = sp.symbols("m v")
    mean_eq = sp.Eq(m, sum(p * (a * m + b) for a, b, p in zip(slopes, offsets, probs)))
    spread = sum(p * (a * m + b) ** 2 for a, b, p in zip(slopes, offsets, probs)) - m**2
    var_eq = sp.Eq(v, sum(p * a**2 for a, p in zip(slopes, probs)) * v + spread)
    (m_sol,) = _unique(sp.linsolve([mean_eq], [m]), "mean")
    (v_sol,) = _unique(sp.linsolve([var_eq.subs(m, m_sol)], [v]), "variance")
    return sp.cancel(m_sol), sp.cancel(v_sol)


def _unique(solutions, what):
    if not isinstance(solutions, sp.FiniteSet) or len(solutions) != 1:
        raise ValueError(f"the stationary {what} equation must have one solution; got {solutions}")
    return next(iter(solutions))


def uniform_moments(lo, hi):
    """Mean and variance of the uniform law on ``[lo, hi]``, by integration."""
    t = sp.Symbol("t", real=True)
    dens = 1 / (sp.sympify(hi) - lo)
    mean = sp.integrate(t * dens, (t, lo, hi))
    return mean, sp.integrate((t - mean) ** 2 * dens, (t, lo, hi))


def _numeric_moments(slopes, offsets, mean, var, n: int):
    """Exact enumeration of y_n: ``(max(|mean err|, |sd err|), bound rho^n C/(1-rho) + round-off)``."""
    slopes, offsets = np.asarray(slopes, float), np.asarray(offsets, float)
    probs = np.full(len(slopes), 1 / len(slopes))
    values, weights = num.enumerate_words_1d(slopes, offsets, probs, n)
    m_n = float(weights @ values)
    sd_n = float(np.sqrt(weights @ (values - m_n) ** 2))
    rho, c = float(np.max(np.abs(slopes))), float(np.max(np.abs(offsets)))  # x0 = 0
    scale = c / (1 - rho)
    bound = rho**n * scale + num.roundoff_tolerance(scale, ops=4 * n + 2 * len(values))
    return max(abs(m_n - mean), abs(sd_n - np.sqrt(var))), bound


def _closed_form_check(slopes, offsets, mean, var, subs, n, stationary_moments_1d=stationary_moments_1d):
    probs = [sp.Rational(1, len(slopes))] * len(slopes)
    m, v = stationary_moments_1d(slopes, offsets, probs)
    verdict = all_hold([identity_holds(m, mean), identity_holds(v, var)])
    f = lambda e: float(sp.sympify(e).subs(subs))
    err, bound = _numeric_moments([f(a) for a in slopes], [f(b) for b in offsets], f(m), f(v), n)
    return verdict, err, bound


def _symmetric_pair_check(name, statement, *, parameter, slope, offset, variance, uniform_on, value, instance,
                          doc):
    """Register ``name``: the pair ``x -> slope x +- offset`` in a symbolic ``parameter``.

    The moment equations give mean 0 and the ``variance`` for symbolic ``parameter``,
    checked numerically at ``value(rng)`` on all 2^20 words (``instance(value)`` says so);
    at ``parameter = 1/2`` the variance is that of the uniform law on the interval
    ``uniform_on``.
    """

    def check(rng: np.random.Generator, *, stationary_moments_1d=stationary_moments_1d,
              uniform_moments=uniform_moments):
        numeric = value(rng)
        slopes, offsets = [slope, slope], [offset, -offset]
        verdict, err, bound = _closed_form_check(slopes, offsets, 0, variance, {parameter: numeric}, n=20,
                                                 stationary_moments_1d=stationary_moments_1d)
        _, v = stationary_moments_1d(slopes, offsets, [sp.S.Half] * 2)
        _, v_unif = uniform_moments(*uniform_on)
        verdict = all_hold([verdict, identity_holds(v.subs(parameter, sp.S.Half), v_unif)])
        return symbolic_outcome(verdict, err, bound, instance(numeric))

    return register_check("C5", statement, kind="symbolic")(check_variant(check, name, doc))


_h = sp.Symbol("h", positive=True)
two_batch_quadratic = _symmetric_pair_check(
    "two_batch_quadratic",
    r"T_\pm(x)=(1-h)x\pm h:\ \ \mathbb{E}_\pi x=0,\ \operatorname{Var}_\pi x=\frac{h}{2-h};"
    r"\ h=\tfrac12:\ \tfrac13=\operatorname{Var}\,\mathcal{U}[-1,1]",
    parameter=_h, slope=1 - _h, offset=_h, variance=_h / (2 - _h), uniform_on=(-1, 1),
    value=lambda rng: 0.5, instance=lambda value: "symbolic h; numeric h=1/2, 2^20 words",
    doc="Two-batch quadratic: moments solved for symbolic h; h = 1/2 gives the uniform variance.")


@register_check(
    "C5",
    r"x\mapsto x/2,\ x/2+1/2:\ \ \mathbb{E}_\pi x=\tfrac12,\ \operatorname{Var}_\pi x=\tfrac1{12}"
    r"=\operatorname{Var}\,\mathcal{U}[0,1]",
    kind="symbolic",
)
def binary_chain(rng: np.random.Generator, *, stationary_moments_1d=stationary_moments_1d,
                 uniform_moments=uniform_moments):
    """Binary chain: the moments of the uniform law on [0, 1]."""
    mean, var = uniform_moments(0, 1)
    half = sp.S.Half
    verdict, err, bound = _closed_form_check([half, half], [0, half], mean, var, {}, n=20,
                                             stationary_moments_1d=stationary_moments_1d)
    return symbolic_outcome(all_hold([verdict, identity_holds(var, sp.Rational(1, 12))]), err, bound,
                            "numeric 2^20 words")


@register_check(
    "C5",
    r"x\mapsto x/3,\ x/3+2/3:\ \ \mathbb{E}_\pi x=\tfrac12,\ \operatorname{Var}_\pi x=\tfrac18\ (\text{Cantor law})",
    kind="symbolic",
)
def cantor_law(rng: np.random.Generator, *, stationary_moments_1d=stationary_moments_1d):
    """Cantor maps: mean 1/2, variance 1/8."""
    third = sp.Rational(1, 3)
    verdict, err, bound = _closed_form_check([third, third], [0, 2 * third], sp.S.Half,
                                             sp.Rational(1, 8), {}, n=16,
                                             stationary_moments_1d=stationary_moments_1d)
    return symbolic_outcome(verdict, err, bound, "numeric 2^16 words")


_a = sp.Symbol("a", positive=True)
bernoulli_convolution = _symmetric_pair_check(
    "bernoulli_convolution",
    r"x\mapsto ax\pm1:\ \ \mathbb{E}_\pi x=0,\ \operatorname{Var}_\pi x=\frac1{1-a^2};"
    r"\ a=\tfrac12:\ \tfrac43=\operatorname{Var}\,\mathcal{U}[-2,2]",
    parameter=_a, slope=_a, offset=1, variance=1 / (1 - _a**2), uniform_on=(-2, 2),
    value=lambda rng: float(rng.uniform(0.2, 0.6)), instance=lambda value: f"symbolic a; numeric a={value:.3f}",
    doc="Bernoulli convolution for symbolic a; a = 1/2 gives the uniform law on [-2, 2].")


@register_check(
    "C6",
    r"x\mapsto x-h\bigl(k(x-x^*)\pm s\bigr):\ \operatorname{Var}_\pi=\frac{hs^2}{k(2-hk)}"
    r"=\frac{hs^2}{2k}+O(h^2),\ \ 2kP=hs^2\ (\text{Lyapunov})",
    kind="symbolic",
)
def least_squares_1d_variance(rng: np.random.Generator, *, stationary_moments_1d=stationary_moments_1d):
    """1-D least squares with noise: exact variance, and the Lyapunov value to first order."""
    h, k, s = sp.symbols("h k s", positive=True)
    xstar = sp.Symbol("x^*", real=True)
    slopes, offsets = [1 - h * k] * 2, [h * k * xstar + h * s, h * k * xstar - h * s]
    m, v = stationary_moments_1d(slopes, offsets, [sp.S.Half] * 2)
    exact = h * s**2 / (k * (2 - h * k))
    p = sp.Symbol("P")
    (lyap,) = _unique(sp.linsolve([sp.Eq(k * p + p * k, h * s**2)], [p]), "Lyapunov")
    verdict = all_hold([
        identity_holds(m, xstar),
        identity_holds(v, exact),
        identity_holds(lyap, h * s**2 / (2 * k)),
        series_agree(v, lyap, h, 2),  # agree to first order ...
    ])
    if series_agree(v, lyap, h, 3):  # ... but not to second: the Lyapunov value is an approximation
        verdict = Verdict(False, "exact variance equals the Lyapunov value to O(h^3)", "vacuous")
    vals = {h: 0.3, k: 1.5, s: 0.8, xstar: 0.25}
    err, bound = _numeric_moments([float(a.subs(vals)) for a in slopes], [float(b.subs(vals)) for b in offsets],
                                  float(m.subs(vals)), float(v.subs(vals)), n=20)
    return symbolic_outcome(verdict, err, bound, "symbolic h, k, s; numeric h=0.3, k=1.5, s=0.8")


@register_check(
    "C6",
    r"\mathbb{E}_\pi x=(X^{\top}X)^{-1}X^{\top}y\ \text{for every } h\ \text{(2-D least squares, two equal batches)}",
    kind="symbolic",
)
def least_squares_2d_mean(rng: np.random.Generator):
    """Stationary mean solved from m = E[A] m + E[b]: the normal-equation solution, any h."""
    h = sp.Symbol("h", positive=True)
    rows, batches, d = 2, 2, 2
    xs = [sp.Matrix(rows, d, lambda i, j, q=q: sp.Symbol(f"X^{q + 1}_{i + 1}{j + 1}")) for q in range(batches)]
    ys = [sp.Matrix(rows, 1, lambda i, j, q=q: sp.Symbol(f"y^{q + 1}_{i + 1}")) for q in range(batches)]
    # batch loss (1/2r)|X_q x - y_q|^2: A_q = I - h X_q^T X_q / r, b_q = h X_q^T y_q / r
    ea = sum((sp.eye(d) - h * xq.T * xq / rows for xq in xs), sp.zeros(d, d)) / batches
    eb = sum((h * xq.T * yq / rows for xq, yq in zip(xs, ys)), sp.zeros(d, 1)) / batches
    m = sp.Matrix(sp.symbols(f"m_1:{d + 1}"))
    mean = _unique(sp.linsolve(list(m - ea * m - eb), list(m)), "mean")
    full_x, full_y = sp.Matrix.vstack(*xs), sp.Matrix.vstack(*ys)
    beta = sp.Matrix(sp.symbols(f"beta_1:{d + 1}"))
    normal = _unique(sp.linsolve(list(full_x.T * full_x * beta - full_x.T * full_y), list(beta)), "normal")
    verdict = identity_holds(sp.Matrix(mean), sp.Matrix(normal))
    # numeric: random data, the mean recursion's fixed point against lstsq
    xn = [rng.standard_normal((rows * 3, d)) for _ in range(batches)]
    yn = [rng.standard_normal(rows * 3) for _ in range(batches)]
    step = 0.1
    ean = sum(np.eye(d) - step * q.T @ q / len(q) for q in xn) / batches
    ebn = sum(step * q.T @ y / len(q) for q, y in zip(xn, yn)) / batches
    got = np.linalg.solve(np.eye(d) - ean, ebn)
    want = np.linalg.lstsq(np.vstack(xn), np.concatenate(yn), rcond=None)[0]
    cond = np.linalg.cond(np.eye(d) - ean)
    tol = num.roundoff_tolerance(np.linalg.norm(want) + 1.0, ops=8 * rows * 3 * batches * d, cond=cond)
    return symbolic_outcome(verdict, num.max_abs_error(got, want), tol, "symbolic 4x2 data; numeric 12x2")
