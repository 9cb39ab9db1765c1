"""Every registered check can fail: one table names the broken implementations each is fed.

:data:`TABLE` maps each check of the registry to its broken cases (keyword arguments that
replace the piece it exercises, with the mistake in words) or, for a symbolic check only, to
an :class:`~tests.proofs_check.can_fail_harness.Exempt` with the reason it has none. The
harness (:mod:`tests.proofs_check.can_fail_harness`) runs each check once on the real
implementation (it must pass) and once per broken case (it must return ``passed=False``;
a misspelled keyword or an undeclared exception is an error, never a rejection).
"""

import numbers

import numpy as np
import pytest
import sympy as sp

import revsgd.proofs_check.numeric  # noqa: F401  (registers the checks)
import revsgd.proofs_check.symbolic  # noqa: F401
from revsgd.proofs_check.registry import REGISTRY, check_rng
from revsgd.proofs_check.symbolic.composition import (
    backward_closed_form,
    compose_forward,
    forward_closed_form,
)
from revsgd.theory.iterate import backward, forward
from tests.proofs_check import broken as b
from tests.proofs_check import broken_symbolic as bs
from tests.proofs_check.can_fail_harness import Broken, CaseError, Exempt, check_keywords, rejects

SINGULAR = ("all step sizes then get the same estimate on the same words, so their joint covariance "
            "is singular and the generalized least-squares fit cannot invert it (run_check reports "
            "the LinAlgError as a failed check)")
RICHARDSON_WEIGHTS = "Richardson with the weights (3/2, -1/2): the O(h) term is not cancelled"
RICHARDSON_SWAPPED = "Richardson 2 m(2h) - m(h): the step sizes swapped"

TABLE = {
    # --- numeric: average (C8) ---
    "c8_exponent_one_dimensional": (
        Broken("the Lyapunov exponent estimate biased by +0.05", {"estimator": b.biased_estimator}),),
    "c8_classification_controls": (
        Broken("a classifier that calls every family contracting on average",
               {"classifier": b.always_converges}),),
    # --- numeric: bias (C9) ---
    "c9_bias_formula_one_dimensional": (
        Broken("the first-order bias c_1 h with the wrong sign", {"formula": b.bias_with_wrong_sign}),
        Broken("the first-order bias times two", {"formula": b.bias_times_two}),
        Broken("an estimator that simulates every step size with the first family",
               {"estimator": b.ignores_h}, np.linalg.LinAlgError, SINGULAR),
    ),
    "c9_bias_slope_one_dimensional": (
        Broken("an estimator that simulates every step size with the first family",
               {"estimator": b.ignores_h}, np.linalg.LinAlgError, SINGULAR),),
    "c9_richardson_slope_one_dimensional": (
        Broken(RICHARDSON_WEIGHTS, {"richardson": lambda m_h, m_2h: 1.5 * m_h - 0.5 * m_2h}),
        Broken(RICHARDSON_SWAPPED, {"richardson": lambda m_h, m_2h: 2.0 * m_2h - m_h}),
    ),
    "c9_bias_slope_logistic": (
        Broken("an estimator that simulates every step size with the first family",
               {"estimator": b.ignores_h}, np.linalg.LinAlgError, SINGULAR),),
    "c9_richardson_slope_logistic": (
        Broken(RICHARDSON_WEIGHTS, {"richardson": lambda m_h, m_2h: 1.5 * m_h - 0.5 * m_2h}),
        Broken("an estimator that simulates every step size with the first family",
               {"estimator": b.ignores_h}, np.linalg.LinAlgError, SINGULAR),
    ),
    # --- numeric: bracket correction (C7) ---
    "c7_corrected_forward_third_order_quadratic": (
        Broken("the correction with the wrong sign", {"corrected": b.correction_with_wrong_sign}),
        Broken("the correction scaled by h instead of h^2", {"corrected": b.first_order_correction}),
        Broken("only half of the bracket (no H_j g_i term)", {"corrected": b.half_bracket}),
    ),
    "c7_corrected_forward_third_order_logistic": (
        Broken("the correction with the wrong sign", {"corrected": b.correction_with_wrong_sign}),
        Broken("the correction scaled by h instead of h^2", {"corrected": b.first_order_correction}),
        Broken("only half of the bracket (no H_j g_i term)", {"corrected": b.half_bracket}),
    ),
    "c7_bracket_sum_fast_matches_double_sum": (
        Broken("only the backward half sum_{i<j} H_i g_j", {"bracket": b.half_bracket_sum}),
        Broken("inclusive prefix sums G_{<=i} where G_{<i} belongs", {"bracket": b.inclusive_prefix_sum}),
    ),
    # --- numeric: contraction (C1, C3) ---
    "c1_cauchy_bound": (Broken("backward computed forward", {"backward": forward}),),
    "c1_limit_independent_of_start": (
        Broken("a backward limit that remembers the start", {"backward": b.start_dependent_backward}),),
    "c1_distance_to_limit": (Broken("backward computed forward", {"backward": forward}),),
    "c3_common_fixed_point": (
        Broken("forward iterates shifted off the common fixed point", {"forward": b.shifted_forward}),),
    "c3_forward_keeps_moving": (
        Broken("a 'forward' that is really backward, so it settles", {"forward": backward}),),
    # --- numeric: logistic (C1, C3) ---
    "c1_logistic_cauchy_bound": (Broken("backward computed forward", {"backward": forward}),),
    "c1_logistic_limit_independent_of_start": (
        Broken("a backward limit that remembers the start", {"backward": b.start_dependent_backward}),),
    "c1_logistic_certified_limit": (
        Broken("a certified backward that stops at 1000 times the tolerance",
               {"backward_certified": b.stops_too_early}),
        Broken("backward computed forward", {"backward": forward}),
    ),
    "c3_logistic_forward_keeps_moving": (
        Broken("a forward that ignores the index sequence (always batch 0)",
               {"forward_ensemble": b.ignores_sequence}),),
    # --- numeric: orders (C7, C1, C2) ---
    "c7_palindrome_slope": (
        Broken("a palindrome whose epochs repeat instead of reversing",
               {"palindromic": b.palindrome_without_reverse}),),
    "c1_block_backward_bound": (
        Broken("a block backward that is really forward", {"block_backward": b.block_backward_as_forward}),),
    "c2_windowed_same_law": (
        Broken("windowed iterates that start one step late", {"moving_window": b.window_starting_late}),
        Broken("a block backward (one block, forward) started one step late",
               {"block_backward": b.block_starting_late}),
    ),
    # --- numeric: sampling (C10) ---
    "c10_binary_chain_uniform": (
        Broken("the depth from the inverted ratio of logarithms (depth 1)", {"sampler": b.inverted_log_depth}),
        Broken("one word shared by every draw", {"sampler": b.one_word_for_all}),
    ),
    "c10_cantor_cdf": (
        Broken("the depth from the inverted ratio of logarithms (depth 1)", {"sampler": b.inverted_log_depth}),
        Broken("one word shared by every draw", {"sampler": b.one_word_for_all}),
    ),
    "c10_certified_error_bound": (
        Broken("the words composed forward", {"sampler": b.forward_composition}),
        Broken("one step short of the certified depth (and says so)", {"sampler": b.one_step_short}),
        Broken("one step short, claiming the certified depth and bound",
               {"sampler": b.one_step_short_claiming_certified}),
    ),
    # --- numeric: small batch (C8) ---
    "c8_least_squares_small_batch": (
        Broken("E log Lip reported as the exponent (0 here)", {"estimator": b.lipschitz_as_exponent}),
        Broken("the exponent in base-10 logarithms", {"estimator": b.base_ten_estimator}),
        Broken("the exponent biased by +0.05", {"estimator": b.biased_estimator}),
        Broken("increments of the forward chain, which do not decay", {"increments": b.forward_increments}),
        Broken("every batch stepping with the full-data curvature", {"step_family": b.full_batch_curvature}),
    ),
    "c8_least_squares_small_batch_law": (
        Broken("the successive iterates of one backward run as samples",
               {"limit_sampler": b.backward_trajectory_as_samples}),
        Broken("a backward run stopped after ten steps", {"limit_sampler": b.stops_after_few_steps}),
    ),
    # --- numeric: steps (C4, C7) ---
    "c4_learning_rate_edges": (
        Broken("a contraction factor that ignores the smallest eigenvalue",
               {"contraction": b.factor_ignoring_mu}),),
    "c7_bracket_exact": (
        Broken("the batch gradient with the wrong sign", {"gradient": b.gradient_with_wrong_sign}),),
    "c7_order_gap_slope": (
        Broken("backward computed forward (zero gap)", {"backward": forward}),
        Broken("backward scaled by 1 + 1e-4 (an O(1) gap)", {"backward": b.scaled_backward}),
    ),
    # --- symbolic ---
    "backward_composition_formula": (
        Broken("the forward closed form", {"closed_form": forward_closed_form}),),
    "forward_composition_formula": (
        Broken("the backward closed form", {"closed_form": backward_closed_form}),),
    "telescoping_increment": (
        Broken("backward iterates composed forward", {"compose_backward": compose_forward}),),
    "geometric_tail_sum": (
        Broken("the tail summed from n + 1", {"summation": bs.sum_from_one_late}),),
    "forward_backward_same_law": (
        Broken("backward words composed forward (the claim turns vacuous)",
               {"compose_backward": compose_forward}),),
    "commuting_contractions_share_fixed_point": Exempt(
        "both sides of its kernel identity and the 1-D commutation condition are written in the "
        "check and solved by sympy: there is no implementation to replace. Wrong identities are "
        "rejected by the verdict machinery (test_can_fail.py::"
        "test_non_commuting_maps_need_not_share_a_fixed_point)."),
    "gradient_step_spectrum": Exempt(
        "the spectra come from sympy's charpoly and eigenvals inside the check; its one helper, "
        "rational_spd, cannot break it, since spec(I - hH) = 1 - h spec(H) holds for every matrix."),
    "contracting_step_range": (
        Broken("the non-strict |1 - h lambda| <= 1 (closed end)",
               {"contracting_steps": bs.closed_contracting_steps}),),
    "two_batch_quadratic": (
        Broken("a uniform law on [-1, 1] with variance 1/4",
               {"uniform_moments": lambda lo, hi: (0, sp.Rational(1, 4))}),),
    "binary_chain": (
        Broken("a uniform law on [0, 1] with variance 1/8",
               {"uniform_moments": lambda lo, hi: (sp.S.Half, sp.Rational(1, 8))}),),
    "cantor_law": (
        Broken("the variance equation without its contraction term",
               {"stationary_moments_1d": bs.variance_without_contraction}),),
    "bernoulli_convolution": (
        Broken("the variance equation without its contraction term",
               {"stationary_moments_1d": bs.variance_without_contraction}),),
    "least_squares_1d_variance": (
        Broken("the variance equation without its contraction term",
               {"stationary_moments_1d": bs.variance_without_contraction}),),
    "least_squares_2d_mean": Exempt(
        "the mean equation m = E[A] m + E[b] and the normal equations are built and solved "
        "(sympy linsolve) inside the check: there is no implementation to replace."),
    "bracket_quadratic_exact": (
        Broken("the step z - h (z - c) H: the Hessian on the wrong side",
               {"quadratic_step": bs.hessian_on_the_right}),),
    "bracket_smooth_1d": (
        Broken("the gradient evaluated at the base point, not the iterate",
               {"gradient_step_jet": bs.gradient_frozen_at_start}),),
    "bracket_smooth_2d": (
        Broken("the gradient evaluated at the base point, not the iterate",
               {"gradient_step_jet": bs.gradient_frozen_at_start}),),
    "bracket_n_steps": (
        Broken("the bracket sum of the reversed word", {"bracket_sum": bs.reversed_bracket_sum}),),
    "palindromic_epoch": Exempt(
        "the slowest check (about 3 s, quick=False): a broken run would double that. Its pieces, "
        "quadratic_step, gradient_step_jet and series_agree, are broken in the bracket entries above, "
        "and dropping the palindrome is rejected by test_can_fail.py::"
        "test_a_plain_epoch_is_not_order_independent."),
}

CASES = [(name, i, case) for name, cases in TABLE.items() if not isinstance(cases, Exempt)
         for i, case in enumerate(cases)]
COVERED = [name for name, cases in TABLE.items() if not isinstance(cases, Exempt)]


def _is_numeric(value):
    if value is None or isinstance(value, numbers.Real):
        return True
    return isinstance(value, list) and all(isinstance(v, numbers.Real) for v in value)


def test_every_registered_check_has_an_entry():
    assert set(TABLE) == set(REGISTRY), (sorted(set(REGISTRY) - set(TABLE)), sorted(set(TABLE) - set(REGISTRY)))
    for name, cases in TABLE.items():
        if isinstance(cases, Exempt):
            assert REGISTRY[name].kind == "symbolic", f"numeric check {name} must have a broken case"
        else:
            assert cases and all(isinstance(c, Broken) for c in cases), name


@pytest.mark.parametrize("name", COVERED)
def test_check_passes_with_the_real_implementation(name):
    out = REGISTRY[name].func(check_rng(name, 0))
    assert out.passed is True, (out.measured, out.expected, out.note)
    assert _is_numeric(out.measured) and _is_numeric(out.expected), (out.measured, out.expected)
    assert out.instance and out.note


@pytest.fixture
def entry(request):
    """``(name, Broken)`` of one case; a keyword the check does not take is an ERROR at setup."""
    name, i = request.param
    case = TABLE[name][i]
    check_keywords(name, case.kwargs)
    return name, case


@pytest.mark.parametrize("entry", [(n, i) for n, i, _ in CASES], ids=[f"{n}-{i}" for n, i, _ in CASES],
                         indirect=True)
def test_check_rejects_the_broken_implementation(entry):
    name, case = entry
    out = rejects(name, case)
    if out is not None:
        assert out.passed is False, (out.measured, out.expected)
        assert _is_numeric(out.measured) and _is_numeric(out.expected)


@pytest.mark.parametrize("name", ["c10_binary_chain_uniform", "c10_cantor_cdf"])
def test_law_checks_cannot_see_the_composition_order(name):
    """Forward end points of i.i.d. words have the law of backward ones (C2): the law checks
    accept them, which is why c10_certified_error_bound checks each draw against its word."""
    assert REGISTRY[name].func(check_rng(name, 0), sampler=b.forward_composition).passed


# --- the harness itself can fail ------------------------------------------------------------


def test_a_misspelled_keyword_is_an_error_not_a_rejection():
    with pytest.raises(CaseError, match=r"takes no keyword 'backwards'; it takes: backward"):
        rejects("c1_cauchy_bound", Broken("misspelled", {"backwards": forward}))
    with pytest.raises(CaseError, match="no registered check"):
        rejects("c1_cauchy_bounds", Broken("misspelled check", {"backward": forward}))


def test_a_real_implementation_posing_as_broken_is_reported():
    with pytest.raises(AssertionError, match="accepted 'the real backward'"):
        rejects("c1_cauchy_bound", Broken("the real backward", {"backward": backward}))


def _raises(family, idx, x0):
    raise ZeroDivisionError("inside the check")


def test_an_exception_inside_the_check_is_an_error_unless_declared():
    with pytest.raises(CaseError, match="raised ZeroDivisionError: inside the check"):
        rejects("c1_cauchy_bound", Broken("raises", {"backward": _raises}))
    declared = Broken("raises", {"backward": _raises}, ZeroDivisionError, "declared")
    assert rejects("c1_cauchy_bound", declared) is None
    with pytest.raises(CaseError, match="declared to raise ValueError"):
        rejects("c1_cauchy_bound", Broken("forward", {"backward": forward}, ValueError, "wrongly declared"))


def test_malformed_entries_are_errors():
    with pytest.raises(CaseError, match="names no implementation"):
        Broken("nothing replaced")
    with pytest.raises(CaseError, match="go together"):
        Broken("undeclared reason", {"backward": forward}, ValueError)
    with pytest.raises(CaseError, match="needs a reason"):
        Exempt(" ")
