"""The symbolic checker can fail: wrong identities go through the same verdict machinery
the checks use, and each one is rejected. (The registered checks fed broken ingredients are
in the table of tests/proofs_check/test_can_fail_table.py.)
"""

import itertools

import numpy as np
import pytest
import sympy as sp

from revsgd.proofs_check.symbolic import brackets, composition, same_law, stationary, telescoping
from revsgd.proofs_check.symbolic._jets import gradient, gradient_step_jet, hessian
from revsgd.proofs_check.symbolic._outcome import symbolic_outcome
from revsgd.proofs_check.symbolic._verdict import (
    Verdict,
    identity_holds,
    interval_matches,
    multisets_equal,
    series_agree,
)
from revsgd.proofs_check.symbolic.composition import affine_symbols, compose_backward
from revsgd.proofs_check.symbolic.contraction_range import contracting_steps

h = sp.Symbol("h")


def test_order_swapped_in_the_backward_formula_is_rejected():
    a, b, x = affine_symbols(3)
    wrong = composition.forward_closed_form(a, b, x)  # A_3 A_2 A_1 x + ...
    verdict = identity_holds(compose_backward(zip(a, b), x), wrong)
    assert not verdict and verdict.residual != 0


def test_telescoping_with_the_product_in_the_wrong_order_is_rejected():
    a, b, x = affine_symbols(3, "x_0")
    maps = list(zip(a, b))
    lhs = compose_backward(maps, x) - compose_backward(maps[:2], x)
    assert identity_holds(lhs, a[0] * a[1] * (a[2] * x + b[2] - x))
    assert not identity_holds(lhs, a[1] * a[0] * (a[2] * x + b[2] - x))


def test_wrong_geometric_tail_is_rejected():
    rho, c, n = sp.Symbol("rho", positive=True), sp.Symbol("C"), sp.Symbol("n", integer=True)
    k = sp.Symbol("k", integer=True)
    tail = telescoping.branch_where(sp.summation(rho**k * c, (k, n, sp.oo)), rho < 1)
    assert identity_holds(tail, rho**n * c / (1 - rho))
    assert not identity_holds(tail, rho ** (n + 1) * c / (1 - rho))
    assert not identity_holds(tail, rho**n * c / (1 + rho))


def test_bracket_with_sign_flipped_is_rejected():
    ha, hb, ca, cb, x = sp.symbols("H_a H_b c_a c_b x", commutative=False)
    ta, tb = brackets.quadratic_step(ha, ca, h), brackets.quadratic_step(hb, cb, h)
    ga, gb = ha * (x - ca), hb * (x - cb)
    lhs = ta(tb(x)) - tb(ta(x))
    assert identity_holds(lhs, h**2 * (ha * gb - hb * ga))
    assert not identity_holds(lhs, h**2 * (hb * ga - ha * gb))
    assert not identity_holds(lhs, h**2 * (gb * ha - ga * hb))  # factors in the wrong order


@pytest.mark.parametrize("dim", [1, 2])
def test_smooth_bracket_without_its_h2_term_is_rejected(dim):
    xs = sp.symbols(f"x_1:{dim + 1}")
    la, lb = sp.Function("L_a")(*xs), sp.Function("L_b")(*xs)
    ta, tb = (gradient_step_jet(loss, xs, h, 3) for loss in (la, lb))
    x = sp.Matrix(xs)
    lhs = ta(tb(x)) - tb(ta(x))
    right = h**2 * (hessian(la, xs) * gradient(lb, xs) - hessian(lb, xs) * gradient(la, xs))
    assert series_agree(lhs, right, h, 3)
    missing = series_agree(lhs, sp.zeros(dim, 1), h, 3)
    assert not missing and "h^2" in missing.detail
    assert not series_agree(lhs, -right, h, 3)
    # with jets kept to h^3, the remainder shows: the bracket is not exact for smooth losses
    ta4, tb4 = (gradient_step_jet(loss, xs, h, 4) for loss in (la, lb))
    assert not series_agree(ta4(tb4(x)) - tb4(ta4(x)), right, h, 4)


def test_n_step_formula_missing_a_pair_is_rejected():
    hs = sp.symbols("H_1:4", commutative=False)
    cs = sp.symbols("c_1:4", commutative=False)
    x0 = sp.Symbol("x_0", commutative=False)
    steps = [brackets.quadratic_step(a, c, h) for a, c in zip(hs, cs)]
    xn = yn = x0
    for t in steps:
        xn = t(xn)
    for t in reversed(steps):
        yn = t(yn)
    g = [a * (x0 - c) for a, c in zip(hs, cs)]
    assert series_agree(yn - xn, h**2 * brackets.bracket_sum(hs, g), h, 3)
    assert not series_agree(yn - xn, h**2 * brackets.bracket_sum(hs[:2], g[:2]), h, 3)
    assert not series_agree(xn - yn, h**2 * brackets.bracket_sum(hs, g), h, 3)


def test_a_plain_epoch_is_not_order_independent():
    # without the palindrome, reordering one epoch changes the h^2 term
    hs = sp.symbols("H_1:3", commutative=False)
    cs = sp.symbols("c_1:3", commutative=False)
    x0 = sp.Symbol("x_0", commutative=False)
    steps = [brackets.quadratic_step(a, c, h) for a, c in zip(hs, cs)]
    runs = []
    for perm in itertools.permutations(range(2)):
        z = x0
        for i in perm:
            z = steps[i](z)
        runs.append(z)
    assert not series_agree(runs[0], runs[1], h, 3)


@pytest.mark.parametrize(
    "slopes, offsets, wrong_var",
    [
        ([sp.S.Half] * 2, [0, sp.S.Half], sp.Rational(1, 6)),  # binary chain: 1/12
        ([sp.Rational(1, 3)] * 2, [0, sp.Rational(2, 3)], sp.Rational(1, 12)),  # Cantor: 1/8
        ([1 - h] * 2, [h, -h], h / (2 + h)),  # two-batch quadratic: h/(2-h)
        ([1 - h] * 2, [h, -h], h / 2),  # ... its first-order value
    ],
)
def test_wrong_variance_is_rejected(slopes, offsets, wrong_var):
    _, v = stationary.stationary_moments_1d(slopes, offsets, [sp.S.Half] * 2)
    assert not identity_holds(v, wrong_var)


def test_lyapunov_value_is_not_exact():
    k, s = sp.symbols("k s", positive=True)
    exact = h * s**2 / (k * (2 - h * k))
    assert series_agree(exact, h * s**2 / (2 * k), h, 2)
    assert not series_agree(exact, h * s**2 / (2 * k), h, 3)


def test_wrong_step_size_range_is_rejected():
    lam = sp.Symbol("lambda", positive=True)
    found = contracting_steps([lam], h)
    assert interval_matches(found, sp.Interval.open(0, 2 / lam))
    assert not interval_matches(found, sp.Interval.open(0, 1 / lam))
    assert not interval_matches(found, sp.Interval(0, 2 / lam))  # closed ends
    assert not interval_matches(found, sp.S.EmptySet)
    assert not interval_matches(sp.ConditionSet(h, h > 0, sp.S.Reals), sp.Interval.open(0, 2 / lam))


def test_a_law_that_is_not_reversal_invariant_is_rejected():
    # weights that depend on the first letter only (not i.i.d.): reversal changes the law
    a = sp.symbols("A_1:3", commutative=False)
    b = sp.symbols("b_1:3", commutative=False)
    x0 = sp.Symbol("x_0", commutative=False)
    maps = list(zip(a, b))
    forward, backward = [], []
    for word in itertools.product(range(2), repeat=2):
        w = sp.Rational(1, 3) if word[0] == 0 else sp.Rational(2, 3)
        chosen = [maps[i] for i in word]
        forward.append((composition.compose_forward(chosen, x0), w / 2))
        backward.append((composition.compose_backward(chosen, x0), w / 2))
    assert not multisets_equal(forward, backward)
    # and word by word the orders differ, so the i.i.d. equality is not trivial
    iid_f, iid_b = same_law.word_laws(maps, [sp.S.Half] * 2, x0, 2)
    assert multisets_equal(iid_f, iid_b)
    assert not all(identity_holds(f, g) for (f, _), (g, _) in zip(iid_f, iid_b))


def test_non_commuting_maps_need_not_share_a_fixed_point():
    p, q, c1, c2 = sp.symbols("a_1 a_2 c_1 c_2")
    assert not identity_holds(c1 / (1 - p), c2 / (1 - q))


def test_an_identity_expand_cannot_decide_is_a_failure_not_a_pass():
    x = sp.Symbol("x")
    assert not identity_holds(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)


def test_numeric_second_opinion_can_veto():
    yes = Verdict(True, 0)
    good = symbolic_outcome(yes, 1e-16, 1e-15, "")
    assert good.passed and good.measured == [0, 1e-16] and good.expected == [0, 1e-15]
    assert good.note.startswith("residual 0;")
    assert not symbolic_outcome(yes, 1e-14, 1e-15, "").passed
    assert not symbolic_outcome(yes, float("nan"), 1e-15, "").passed
    bad = symbolic_outcome(Verdict(False, 1), 0.0, 1e-15, "")
    assert not bad.passed and bad.measured == [1, 0.0] and bad.note.startswith("residual 1;")


def test_numeric_cauchy_coefficients_reject_a_wrong_bracket(monkeypatch):
    rng = np.random.default_rng(0)
    assert brackets._numeric_word_difference(rng, dim=2, n=3) <= 1
    real_sum = sum
    # the numeric expected h^2 term with its sign flipped must blow the ratio up
    monkeypatch.setattr(brackets, "sum", lambda terms, *a: -real_sum(terms, *a), raising=False)
    assert brackets._numeric_word_difference(np.random.default_rng(0), dim=2, n=3) > 1e6
