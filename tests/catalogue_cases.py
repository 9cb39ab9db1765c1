"""The bad-input catalogue: every public entry point of revsgd.theory, revsgd.models,
revsgd.testing and revsgd.figures, called as a demanding user would call it wrongly.

Each case is ``(id, call, exception type, pattern)``: ``call()`` must raise the exception (a
subclass counts) before doing any work, and its message must match ``pattern`` (a regular
expression naming the parameter, or for a divergence the step). Classes of defect covered:
wrong type (complex, bool, str, None, object), wrong shape (ragged, empty axes, mismatched),
non-finite and out-of-range values, huge Python ints, a user's family with a bad ``K``,
``probs`` or ``apply``, divergence (overflow, NaN from ``apply``), round-off decisions
(singular Hessians, round-off contractions) and allocation traps (refused before
allocating). The catalogue uses only names that existed before the reliability issue, so
that it can be run against an older checkout (``tests/test_catalogue.py`` for the counts).
"""

from __future__ import annotations

import numpy as np

from revsgd import testing
from revsgd.figures import build, plot_increments, plot_trajectories, save
from revsgd.figures.base import check_data
from revsgd.models import (LeastSquares, Logistic, NoisyOneDim, Quadratic, bernoulli_convolution,
                           check_model)
from revsgd.theory import (AffineFamily, ContractionCertificate, FunctionOracle, GradientSteps,
                           arcsine_cdf, backward, backward_at, backward_certified, backward_ensemble,
                           backward_last, block_backward, block_backward_bound, bracket_sum, cantor_cdf,
                           cauchy_bound, certify, classify, contraction_factor, control_variate_mean,
                           corrected_forward, corrected_forward_windows, displacement_constant,
                           energy_test, fit_polynomial, forward, forward_ensemble, forward_last,
                           gradient_steps, ks_one_sample, ks_two_sample, limit_bound, linear_fit,
                           log_linear_slope, log_log_slope, lyapunov_exponent, mean_log_lipschitz,
                           mean_square_operator, mean_square_radius, moving_window, orders,
                           sample_backward_ensemble, sample_forward_ensemble, sample_indices,
                           sample_stationary, sample_word_array, sliced_wasserstein,
                           stationary_moments, steps_for_tolerance, stream_forward_ensemble,
                           stationarity_controls, uniform_cdf, wasserstein_1d)
from revsgd.theory.orders import palindromic_word
from revsgd.theory.windows import block_word

HUGE = 10**400
FAM = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
FAM2 = AffineFamily(np.stack([0.5 * np.eye(2), 0.25 * np.eye(2)]), np.ones((2, 2)))
EXPANDING = AffineFamily([[[1e200]]], [[1.0]])
X0 = np.zeros(1)
WORD = np.array([0, 1, 1, 0])
GS = gradient_steps(lambda k, x: x - k, 0.5, K=2, dim=1, smoothness=1.0, strong_convexity=1.0)
RNG = np.random.default_rng(0)
XLS, YLS = RNG.standard_normal((8, 2)), RNG.standard_normal(8)
XLOG, YLOG = RNG.standard_normal((8, 2)), np.array([0, 1] * 4)
Q = Quadratic(np.ones((2, 1, 1)), [[-1.0], [1.0]])


class UserFamily:
    """A user's family: two maps x -> x / 2 + k / 2, with overridable members."""

    K, dim = 2, 1
    probs = np.array([0.5, 0.5])

    def apply(self, k, x):
        return 0.5 * np.asarray(x) + 0.5 * np.asarray(k).reshape(np.shape(k) + (1,) * (np.ndim(x) - np.ndim(k)))

    def lipschitz(self):
        return np.array([0.5, 0.5])


def _user(**members):
    cls = type("Custom", (UserFamily,), {key: (staticmethod(v) if callable(v) and key != "apply" else v)
                                         for key, v in members.items()})
    return cls()


FLOAT_K = _user(K=2.0)
BOOL_K = _user(K=True)
BAD_PROBS = _user(probs=np.array([0.7, 0.7]))
NEG_PROBS = _user(probs=np.array([1.5, -0.5]))
COMPLEX_PROBS = _user(probs=np.array([0.5 + 0j, 0.5]))
ZERO_DIM = _user(dim=0)
WRONG_SHAPE = _user(apply=lambda self, k, x: np.zeros(np.shape(x)[:-1] + (3,)))
BROADCASTING = _user(dim=2, apply=lambda self, k, x: np.zeros(np.shape(x)[:-1] + (1,)))  # (m, 1) for (m, 2)
NAN_APPLY = _user(apply=lambda self, k, x: np.full(np.shape(x), np.nan))
NAN_LIP = _user(lipschitz=lambda: np.array([np.nan, 0.5]))
SHORT_LIP = _user(lipschitz=lambda: np.array([0.5]))
NEG_LIP = _user(lipschitz=lambda: np.array([-0.5, 0.5]))
P0_EXPANDING = AffineFamily([[[0.5]], [[2.0]]], [[0.0], [0.0]], probs=[1.0, 0.0])


class TwoOracle:
    """L_0 = x^2/2, L_1 = (x - 1)^2: gradients and HVPs."""

    K, dim = 2, 1

    def gradient(self, k, x):
        return np.array([1.0, 2.0])[k] * (x - k)

    def hvp(self, k, x, v):
        return np.array([1.0, 2.0])[k] * v


def _singular_least_squares():
    # two rank-1 batches in d = 3: every batch Hessian singular, round-off leaves mu ~ +1e-18
    rng = np.random.default_rng(3)
    rows = rng.standard_normal((1, 3))
    return LeastSquares(np.vstack([rows, 2 * rows, -rows, 3 * rows]), rng.standard_normal(4), batch_size=2)


def _my_backward(family, word, x0):
    return backward(family, word, x0)


def _figure():
    from matplotlib.figure import Figure

    return Figure()


def _figure_out():
    import tempfile

    return tempfile.mkdtemp()


# (id, call, exception, pattern in the message)
CASES = [
    # -- AffineFamily and the validation of arrays --------------------------------------
    ("AffineFamily complex A", lambda: AffineFamily([[[0.5 + 1j]]], [[0.0]]), TypeError, r"\bA\b.*complex"),
    ("AffineFamily complex b", lambda: AffineFamily([[[0.5]]], [[1j]]), TypeError, r"\bb\b"),
    ("AffineFamily bool A", lambda: AffineFamily(np.array([[[True]]]), [[0.0]]), TypeError, r"\bA\b"),
    ("AffineFamily ragged A", lambda: AffineFamily([[[0.5]], [[0.5, 0.1]]], [[0.0], [0.0]]), ValueError, r"\bA\b"),
    ("AffineFamily huge int in A", lambda: AffineFamily([[[HUGE]]], [[0.0]]), ValueError, r"\bA\b"),
    ("AffineFamily None b", lambda: AffineFamily([[[0.5]]], None), TypeError, r"\bb\b"),
    ("AffineFamily probs sum 1.4", lambda: AffineFamily(np.full((2, 1, 1), 0.5), np.zeros((2, 1)), [0.7, 0.7]), ValueError, r"probs"),
    ("AffineFamily probs complex", lambda: AffineFamily(np.full((2, 1, 1), 0.5), np.zeros((2, 1)), [0.5j, 1]), TypeError, r"probs"),
    ("AffineFamily probs 2-D", lambda: AffineFamily(np.full((2, 1, 1), 0.5), np.zeros((2, 1)), [[0.5, 0.5]]), ValueError, r"probs"),
    ("AffineFamily probs NaN", lambda: AffineFamily(np.full((2, 1, 1), 0.5), np.zeros((2, 1)), [np.nan, 1]), ValueError, r"probs"),
    ("AffineFamily.apply k float", lambda: FAM.apply(0.5, [0.0]), TypeError, r"\bk\b"),
    ("AffineFamily.apply x complex", lambda: FAM.apply(0, [1j]), TypeError, r"\bx\b"),
    # -- forward / backward and the user's family ---------------------------------------
    ("forward word float", lambda: forward(FAM, [0.5, 1.0], X0), TypeError, r"word"),
    ("forward word complex", lambda: forward(FAM, np.array([1j]), X0), TypeError, r"word"),
    ("forward word ragged", lambda: forward(FAM, [[0], [0, 1]], X0), ValueError, r"word"),
    ("forward word bool", lambda: forward(FAM, np.array([True, False]), X0), TypeError, r"word"),
    ("forward word None", lambda: forward(FAM, None, X0), TypeError, r"word"),
    ("forward x0 complex", lambda: forward(FAM, WORD, [1j]), TypeError, r"x0"),
    ("forward x0 bool", lambda: forward(FAM, WORD, [True]), TypeError, r"x0"),
    ("forward x0 empty", lambda: forward(FAM, WORD, np.zeros(0)), ValueError, r"x0"),
    ("forward x0 huge int", lambda: forward(FAM, WORD, [HUGE]), ValueError, r"x0"),
    ("forward record unsorted", lambda: forward(FAM, WORD, X0, record=[3, 1]), ValueError, r"record"),
    ("forward record float", lambda: forward(FAM, WORD, X0, record=[0.5]), TypeError, r"record"),
    ("forward record str", lambda: forward(FAM, WORD, X0, record="all"), TypeError, r"record"),
    ("forward record huge range", lambda: forward(FAM, WORD, X0, record=range(0, HUGE)), ValueError, r"record"),
    ("forward family object", lambda: forward(object(), WORD, X0), TypeError, r"family"),
    ("forward family K=2.0", lambda: forward(FLOAT_K, WORD, X0), TypeError, r"K"),
    ("forward family K=True", lambda: forward(BOOL_K, WORD, X0), TypeError, r"K"),
    ("forward family dim=0", lambda: forward(ZERO_DIM, WORD, X0), ValueError, r"dim"),
    ("forward family probs 1.4", lambda: forward(BAD_PROBS, WORD, X0), ValueError, r"probs"),
    ("forward family probs negative", lambda: forward(NEG_PROBS, WORD, X0), ValueError, r"probs"),
    ("forward family probs complex", lambda: forward(COMPLEX_PROBS, WORD, X0), TypeError, r"probs"),
    ("forward apply wrong shape", lambda: forward(WRONG_SHAPE, WORD, X0), ValueError, r"apply"),
    ("forward apply NaN", lambda: forward(NAN_APPLY, WORD, X0), ValueError, r"non-finite.*step 1\b"),
    ("forward expanding overflow", lambda: forward(EXPANDING, [0] * 4, [1.0]), ValueError, r"non-finite.*step 2\b"),
    ("forward thinned overflow", lambda: forward(EXPANDING, [0] * 6, [1.0], record=[0, 4, 6]), ValueError, r"non-finite.*step 4\b"),
    ("forward_last expanding", lambda: forward_last(EXPANDING, [0] * 4, [1.0]), ValueError, r"non-finite.*step 2\b"),
    ("forward_last apply NaN", lambda: forward_last(NAN_APPLY, WORD, X0), ValueError, r"non-finite"),
    ("forward_last word 2-D", lambda: forward_last(FAM, [[0, 1]], X0), ValueError, r"word"),
    ("backward apply wrong shape", lambda: backward(WRONG_SHAPE, WORD, X0), ValueError, r"apply"),
    ("backward apply broadcasting shape", lambda: backward(BROADCASTING, WORD, np.zeros(2)), ValueError, r"apply"),
    ("forward apply broadcasting shape", lambda: forward(BROADCASTING, WORD, np.zeros(2)), ValueError, r"apply"),
    ("backward apply NaN", lambda: backward(NAN_APPLY, WORD, X0), ValueError, r"non-finite"),
    ("backward expanding overflow", lambda: backward(EXPANDING, [0] * 4, [1.0]), ValueError, r"non-finite"),
    ("backward user K=2.0", lambda: backward(FLOAT_K, WORD, X0), TypeError, r"K"),
    ("backward word out of range", lambda: backward(FAM, [0, 2], X0), ValueError, r"word"),
    ("backward_last expanding", lambda: backward_last(EXPANDING, [0] * 4, [1.0]), ValueError, r"non-finite"),
    ("backward_last x0 NaN", lambda: backward_last(FAM, WORD, [np.nan]), ValueError, r"x0"),
    ("backward_at steps empty", lambda: backward_at(FAM, WORD, X0, []), ValueError, r"steps"),
    ("backward_at steps float", lambda: backward_at(FAM, WORD, X0, [1.5]), TypeError, r"steps"),
    ("backward_at steps out of range", lambda: backward_at(FAM, WORD, X0, [9]), ValueError, r"steps"),
    ("backward_at expanding", lambda: backward_at(EXPANDING, [0] * 4, [1.0], [4]), ValueError, r"non-finite"),
    # -- certified runs, windows and bounds ----------------------------------------------
    ("backward_certified tol complex", lambda: backward_certified(FAM, WORD, X0, 1j), TypeError, r"tol"),
    ("backward_certified tol bool", lambda: backward_certified(FAM, WORD, X0, True), TypeError, r"tol"),
    ("backward_certified tol NaN", lambda: backward_certified(FAM, WORD, X0, np.nan), ValueError, r"tol"),
    ("backward_certified tol str", lambda: backward_certified(FAM, WORD, X0, "1e-3"), TypeError, r"tol"),
    ("backward_certified tol huge int", lambda: backward_certified(FAM, WORD, X0, HUGE), ValueError, r"tol"),
    ("backward_certified expanding", lambda: backward_certified(EXPANDING, [0], [0.0], 1e-3), ValueError, r"contraction"),
    ("backward_certified lipschitz NaN", lambda: backward_certified(NAN_LIP, WORD, X0, 1e-3), ValueError, r"lipschitz"),
    ("moving_window window 0", lambda: moving_window(FAM, WORD, X0, 0), ValueError, r"window"),
    ("moving_window window 2.0", lambda: moving_window(FAM, WORD, X0, 2.0), TypeError, r"window"),
    ("moving_window window True", lambda: moving_window(FAM, WORD, X0, True), TypeError, r"window"),
    ("moving_window window huge", lambda: moving_window(FAM, WORD, X0, HUGE), ValueError, r"window"),
    ("moving_window apply NaN", lambda: moving_window(NAN_APPLY, WORD, X0, 2), ValueError, r"non-finite"),
    ("block_backward window 0", lambda: block_backward(FAM, WORD, X0, 0), ValueError, r"window"),
    ("block_backward tol negative", lambda: block_backward(FAM, WORD, X0, 2, tol=-1.0), ValueError, r"tol"),
    ("block_backward expanding tol", lambda: block_backward(EXPANDING, [0], [0.0], 1, tol=1e-3), ValueError, r"contraction"),
    ("block_backward expanding overflow", lambda: block_backward(EXPANDING, [0] * 4, [1.0], 2), ValueError, r"non-finite"),
    ("block_backward_bound rho 1.5", lambda: block_backward_bound(1.5, 1.0, 10, 2), ValueError, r"rho"),
    ("block_backward_bound rho negative", lambda: block_backward_bound(-0.5, 1.0, 10, 2), ValueError, r"rho"),
    ("block_backward_bound C negative", lambda: block_backward_bound(0.5, -1.0, 10, 2), ValueError, r"\bC\b"),
    ("block_backward_bound n negative", lambda: block_backward_bound(0.5, 1.0, -3, 2), ValueError, r"\bn\b"),
    ("block_backward_bound n float", lambda: block_backward_bound(0.5, 1.0, 2.5, 2), TypeError, r"\bn\b"),
    ("block_backward_bound rho complex", lambda: block_backward_bound(0.5j, 1.0, 2, 2), TypeError, r"rho"),
    ("steps_for_tolerance rho NaN", lambda: steps_for_tolerance(np.nan, 1.0, 1e-3), ValueError, r"rho"),
    ("steps_for_tolerance C inf", lambda: steps_for_tolerance(0.5, np.inf, 1e-3), ValueError, r"\bC\b"),
    ("steps_for_tolerance tol inf", lambda: steps_for_tolerance(0.5, 1.0, np.inf), ValueError, r"tol"),
    ("steps_for_tolerance rho bool", lambda: steps_for_tolerance(True, 1.0, 1e-3), TypeError, r"rho"),
    ("steps_for_tolerance tol complex", lambda: steps_for_tolerance(0.5, 1.0, 1e-3j), TypeError, r"tol"),
    ("cauchy_bound n float array", lambda: cauchy_bound(0.5, 1.0, [0.5, 1.5]), TypeError, r"\bn\b"),
    ("cauchy_bound n negative array", lambda: cauchy_bound(0.5, 1.0, [-1, 2]), ValueError, r"\bn\b"),
    ("limit_bound rho 1", lambda: limit_bound(1.0, 1.0, 3), ValueError, r"rho"),
    ("limit_bound n huge", lambda: limit_bound(0.5, 1.0, HUGE), ValueError, r"\bn\b"),
    ("ContractionCertificate rho 1.2", lambda: ContractionCertificate(1.2, 1.0), ValueError, r"rho"),
    ("ContractionCertificate C str", lambda: ContractionCertificate(0.5, "1"), TypeError, r"\bC\b"),
    ("certify object", lambda: certify(object(), X0), TypeError, r"family"),
    ("certify x0 wrong shape", lambda: certify(FAM, [0.0, 0.0]), ValueError, r"x0"),
    ("certify lipschitz wrong shape", lambda: certify(SHORT_LIP, X0), ValueError, r"lipschitz"),
    ("certify lipschitz negative", lambda: certify(NEG_LIP, X0), ValueError, r"lipschitz"),
    ("certify apply NaN", lambda: certify(NAN_APPLY, X0), ValueError, r"apply"),
    ("certify probability-0 expanding map", lambda: certify(P0_EXPANDING, X0), ValueError, r"map 1"),
    ("certify round-off contraction", lambda: certify(_singular_least_squares().step_family(0.1), np.zeros(3)), ValueError, r"contraction"),
    ("contraction_factor object", lambda: contraction_factor(object()), TypeError, r"family"),
    ("displacement_constant x0 inf", lambda: displacement_constant(FAM, [np.inf]), ValueError, r"x0"),
    # -- contraction on average --------------------------------------------------------------
    ("classify object", lambda: classify(object()), TypeError, r"family"),
    ("classify n 0", lambda: classify(AffineFamily([[[0.25]], [[4.0]]], [[0.0], [0.0]]), n=0), ValueError, r"\bn\b"),
    ("classify runs 1.5", lambda: classify(AffineFamily([[[0.25]], [[4.0]]], [[0.0], [0.0]]), runs=1.5), TypeError, r"runs"),
    ("classify user K=2.0", lambda: classify(FLOAT_K), TypeError, r"K"),
    ("mean_log_lipschitz object", lambda: mean_log_lipschitz(object()), TypeError, r"family"),
    ("mean_log_lipschitz lipschitz NaN", lambda: mean_log_lipschitz(NAN_LIP), ValueError, r"lipschitz"),
    ("lyapunov_exponent non-affine", lambda: lyapunov_exponent(GS), TypeError, r"family"),
    ("lyapunov_exponent n True", lambda: lyapunov_exponent(FAM, n=True), TypeError, r"\bn\b"),
    ("lyapunov_exponent runs 1", lambda: lyapunov_exponent(FAM, runs=1), ValueError, r"runs"),
    ("lyapunov_exponent confidence 1.5", lambda: lyapunov_exponent(FAM, confidence=1.5), ValueError, r"confidence"),
    ("lyapunov_exponent confidence str", lambda: lyapunov_exponent(FAM, confidence="high"), TypeError, r"confidence"),
    ("lyapunov_exponent rng negative", lambda: lyapunov_exponent(FAM, rng=-1), ValueError, r"rng"),
    ("lyapunov_exponent overflow", lambda: lyapunov_exponent(AffineFamily([[[1e200]], [[1e200]]], [[0.0], [0.0]]), n=4, runs=2, rng=0), ValueError, r"overflow"),
    # -- words and ensembles -----------------------------------------------------------------
    ("sample_indices K 0", lambda: sample_indices(0, 5), ValueError, r"\bK\b"),
    ("sample_indices K 2.0", lambda: sample_indices(2.0, 5), TypeError, r"\bK\b"),
    ("sample_indices n huge", lambda: sample_indices(2, HUGE), ValueError, r"\bn\b"),
    ("sample_indices n 10^15", lambda: sample_indices(2, 10**15), ValueError, r"\bn\b"),
    ("sample_indices scheme", lambda: sample_indices(2, 5, scheme="random"), ValueError, r"scheme"),
    ("sample_indices probs 1.4", lambda: sample_indices(2, 5, probs=[0.7, 0.7]), ValueError, r"probs"),
    ("sample_indices rng float", lambda: sample_indices(2, 5, rng=1.5), TypeError, r"rng"),
    ("sample_word_array m 0", lambda: sample_word_array(FAM, 0, 5), ValueError, r"\bm\b"),
    ("sample_word_array m huge", lambda: sample_word_array(FAM, HUGE, 5), ValueError, r"\bm\b"),
    ("sample_word_array 10^7 x 10^7", lambda: sample_word_array(FAM, 10**7, 10**7), ValueError, r"\bm\b"),
    ("sample_word_array user probs 1.4", lambda: sample_word_array(BAD_PROBS, 2, 2), ValueError, r"probs"),
    ("forward_ensemble words ragged", lambda: forward_ensemble(FAM, [[0, 1], [0]], X0), ValueError, r"words"),
    ("forward_ensemble words float", lambda: forward_ensemble(FAM, [[0.5]], X0), TypeError, r"words"),
    ("forward_ensemble words 1-D", lambda: forward_ensemble(FAM, [0, 1], X0), ValueError, r"words"),
    ("forward_ensemble words out of range", lambda: forward_ensemble(FAM, [[0, 3]], X0), ValueError, r"words"),
    ("forward_ensemble x0 wrong shape", lambda: forward_ensemble(FAM, [[0, 1]], [0.0, 0.0, 0.0]), ValueError, r"x0"),
    ("forward_ensemble record bad", lambda: forward_ensemble(FAM, [[0, 1]], X0, record=[5]), ValueError, r"record"),
    ("forward_ensemble expanding", lambda: forward_ensemble(EXPANDING, [[0, 0, 0]], [1.0]), ValueError, r"non-finite"),
    ("forward_ensemble apply NaN", lambda: forward_ensemble(NAN_APPLY, [[0, 1]], X0), ValueError, r"non-finite"),
    ("forward_ensemble apply wrong shape", lambda: forward_ensemble(WRONG_SHAPE, [[0, 1]], X0), ValueError, r"apply"),
    ("backward_ensemble words empty", lambda: backward_ensemble(FAM, np.zeros((0, 3), dtype=int), X0), ValueError, r"words"),
    ("backward_ensemble expanding", lambda: backward_ensemble(EXPANDING, [[0, 0, 0]], [1.0]), ValueError, r"non-finite"),
    ("sample_forward_ensemble m 2.0", lambda: sample_forward_ensemble(FAM, 2.0, 3, X0), TypeError, r"\bm\b"),
    ("sample_backward_ensemble n True", lambda: sample_backward_ensemble(FAM, 2, True, X0), TypeError, r"\bn\b"),
    ("stream_forward_ensemble m 0", lambda: stream_forward_ensemble(FAM, 0, 3, X0), ValueError, r"\bm\b"),
    ("stream_forward_ensemble n huge", lambda: stream_forward_ensemble(FAM, 2, HUGE, X0), ValueError, r"\bn\b"),
    ("stream_forward_ensemble all steps of 10^15", lambda: stream_forward_ensemble(FAM, 2, 10**15, X0), ValueError, r"record"),
    ("stream_forward_ensemble expanding", lambda: list(stream_forward_ensemble(EXPANDING, 2, 4, [1.0], rng=0)), ValueError, r"non-finite"),
    # -- stationary laws and sampling ----------------------------------------------------------
    ("sample_stationary m 0", lambda: sample_stationary(FAM, 0, 1e-3), ValueError, r"\bm\b"),
    ("sample_stationary tol 0", lambda: sample_stationary(FAM, 5, 0.0), ValueError, r"tol"),
    ("sample_stationary expanding", lambda: sample_stationary(EXPANDING, 5, 1e-3), ValueError, r"contraction"),
    ("sample_stationary rho 1-1e-12", lambda: sample_stationary(AffineFamily([[[1 - 1e-12]]], [[1.0]]), 1000, 1e-6), ValueError, r"tol"),
    ("sample_stationary x0 wrong shape", lambda: sample_stationary(FAM, 5, 1e-3, x0=[0.0, 1.0]), ValueError, r"x0"),
    ("stationary_moments object", lambda: stationary_moments(object()), TypeError, r"family"),
    ("stationary_moments expanding", lambda: stationary_moments(AffineFamily([[[2.0]]], [[1.0]])), ValueError, r"stationary|contract|mean-square|radius"),
    ("mean_square_operator S wrong shape", lambda: mean_square_operator(FAM, np.eye(2)), ValueError, r"\bS\b"),
    ("mean_square_operator S complex", lambda: mean_square_operator(FAM, [[1j]]), TypeError, r"\bS\b"),
    ("mean_square_radius non-affine", lambda: mean_square_radius(GS), TypeError, r"family"),
    # -- distances between distributions -------------------------------------------------------
    ("energy_test samples (n, 0)", lambda: energy_test(np.zeros((5, 0)), np.zeros((5, 0))), ValueError, r"\bx\b"),
    ("energy_test x complex", lambda: energy_test([1j, 2], [1.0, 2.0]), TypeError, r"\bx\b"),
    ("energy_test y ragged", lambda: energy_test([[1.0], [2.0]], [[1.0], [2.0, 3.0]]), ValueError, r"\by\b"),
    ("energy_test permutations 0", lambda: energy_test([1.0, 2.0], [1.0, 2.0], permutations=0), ValueError, r"permutations"),
    ("energy_test permutations 2.5", lambda: energy_test([1.0, 2.0], [1.0, 2.0], permutations=2.5), TypeError, r"permutations"),
    ("energy_test dimensions differ", lambda: energy_test(np.zeros((3, 2)), np.zeros((3, 1))), ValueError, r"dimension"),
    ("ks_two_sample samples (n, 0)", lambda: ks_two_sample(np.zeros((5, 0)), np.zeros((5, 0))), ValueError, r"\bx\b"),
    ("ks_two_sample correction", lambda: ks_two_sample([1.0], [2.0], correction="sidak"), ValueError, r"correction"),
    ("ks_one_sample cdf not callable", lambda: ks_one_sample([0.5], 3), TypeError, r"cdf"),
    ("ks_one_sample x 2 columns", lambda: ks_one_sample(np.zeros((4, 2)), uniform_cdf), ValueError, r"\bx\b"),
    ("ks_one_sample x bool", lambda: ks_one_sample(np.array([True, False]), uniform_cdf), TypeError, r"\bx\b"),
    ("wasserstein_1d 2-D", lambda: wasserstein_1d(np.zeros((3, 2)), np.zeros((3, 2))), ValueError, r"\bx\b"),
    ("wasserstein_1d empty y", lambda: wasserstein_1d([1.0], []), ValueError, r"\by\b"),
    ("sliced_wasserstein directions 0", lambda: sliced_wasserstein(np.zeros((3, 2)), np.zeros((3, 2)), directions=0), ValueError, r"directions"),
    ("cantor_cdf str", lambda: cantor_cdf("0.5"), TypeError, r"\bx\b"),
    ("cantor_cdf complex", lambda: cantor_cdf(0.5j), TypeError, r"\bx\b"),
    ("cantor_cdf NaN", lambda: cantor_cdf(np.nan), ValueError, r"\bx\b"),
    ("uniform_cdf a > b", lambda: uniform_cdf(0.5, a=1.0, b=0.0), ValueError, r"\ba\b|\bb\b"),
    ("uniform_cdf a complex", lambda: uniform_cdf(0.5, a=1j), TypeError, r"\ba\b"),
    ("ks_one_sample cdf NaN", lambda: ks_one_sample([0.1, 0.5], lambda t: t * np.nan), ValueError, r"cdf"),
    ("ks_one_sample cdf scalar", lambda: ks_one_sample([0.1, 0.5], lambda t: 0.5), ValueError, r"cdf"),
    ("arcsine_cdf complex", lambda: arcsine_cdf([0.5j]), TypeError, r"\bx\b"),
    # -- fits ----------------------------------------------------------------------------------
    ("linear_fit lengths differ", lambda: linear_fit([1.0, 2.0, 3.0], [1.0, 2.0]), ValueError, r"\by\b|\bx\b"),
    ("linear_fit complex", lambda: linear_fit([1.0, 2.0, 3.0], [1j, 2.0, 3.0]), TypeError, r"\by\b"),
    ("linear_fit one point", lambda: linear_fit([1.0], [1.0]), ValueError, r"\bx\b"),
    ("log_log_slope negative values", lambda: log_log_slope([0.1, 0.2, 0.4], [1.0, -1.0, 2.0]), ValueError, r"values"),
    ("log_log_slope h zero", lambda: log_log_slope([0.0, 0.2, 0.4], [1.0, 1.0, 2.0]), ValueError, r"\bh\b"),
    ("log_linear_slope negative values", lambda: log_linear_slope([1, 2, 3], [1.0, -1.0, 1.0]), ValueError, r"values"),
    ("fit_polynomial cov wrong shape", lambda: fit_polynomial([0.1, 0.2, 0.3], [1.0, 2.0, 3.0], np.eye(2), [0, 1]), ValueError, r"cov"),
    ("stationarity_controls object", lambda: stationarity_controls(object(), [[0.0]], [0.0]), TypeError, r"family"),
    ("control_variate_mean shapes", lambda: control_variate_mean(np.zeros(5), np.zeros((4, 2))), ValueError, r"controls"),
    # -- bracket correction --------------------------------------------------------------------
    ("bracket_sum object", lambda: bracket_sum(object(), [0, 1], X0), TypeError, r"oracle"),
    ("bracket_sum idx out of range", lambda: bracket_sum(TwoOracle(), [0, 5], X0), ValueError, r"idx"),
    ("corrected_forward lr 0", lambda: corrected_forward(TwoOracle(), 0.0, [0, 1], X0), ValueError, r"\blr\b"),
    ("corrected_forward lr complex", lambda: corrected_forward(TwoOracle(), 0.1j, [0, 1], X0), TypeError, r"\blr\b"),
    ("corrected_forward x0 wrong shape", lambda: corrected_forward(TwoOracle(), 0.1, [0, 1], [0.0, 0.0]), ValueError, r"x0"),
    ("corrected_forward_windows window 0", lambda: corrected_forward_windows(TwoOracle(), 0.1, [0, 1], X0, 0), ValueError, r"window"),
    # -- gradient steps of a user's loss --------------------------------------------------------
    ("gradient_steps K 2.0", lambda: gradient_steps(lambda k, x: x, 0.1, K=2.0, dim=1), TypeError, r"\bK\b"),
    ("gradient_steps dim 0", lambda: gradient_steps(lambda k, x: x, 0.1, K=2, dim=0), ValueError, r"dim"),
    ("gradient_steps K huge", lambda: gradient_steps(lambda k, x: x, 0.1, K=HUGE, dim=1), ValueError, r"\bK\b"),
    ("gradient_steps probs 1.4", lambda: gradient_steps(lambda k, x: x, 0.1, K=2, dim=1, probs=[0.7, 0.7]), ValueError, r"probs"),
    ("gradient_steps lr complex", lambda: gradient_steps(lambda k, x: x, 0.1j, K=2, dim=1), TypeError, r"\blr\b"),
    ("gradient_steps lr True", lambda: gradient_steps(lambda k, x: x, True, K=2, dim=1), TypeError, r"\blr\b"),
    ("gradient_steps lr huge int", lambda: gradient_steps(lambda k, x: x, HUGE, K=2, dim=1), ValueError, r"\blr\b"),
    ("gradient_steps smoothness complex", lambda: gradient_steps(lambda k, x: x, 0.1, K=2, dim=1, smoothness=1j), TypeError, r"smoothness"),
    ("gradient_steps smoothness bool", lambda: gradient_steps(lambda k, x: x, 0.1, K=2, dim=1, smoothness=True), TypeError, r"smoothness"),
    ("gradient_steps grad not callable", lambda: gradient_steps(3, 0.1, K=2, dim=1), TypeError, r"grad"),
    ("gradient_steps grad wrong shape", lambda: gradient_steps(lambda k, x: np.zeros(2), 0.1, K=2, dim=1), ValueError, r"grad"),
    ("gradient_steps grad NaN", lambda: gradient_steps(lambda k, x: x * np.nan, 0.1, K=2, dim=1), ValueError, r"grad"),
    ("gradient_steps divergence", lambda: forward(gradient_steps(lambda k, x: x, 3.0, K=2, dim=1, smoothness=1.0, strong_convexity=1.0), [0] * 2000, [1.0]), ValueError, r"non-finite.*lr"),
    ("FunctionOracle gradient k out of range", lambda: FunctionOracle(lambda k, x: x, K=1, dim=1).gradient(5, [1.0]), ValueError, r"\bk\b"),
    ("FunctionOracle hvp x complex", lambda: FunctionOracle(lambda k, x: x, K=1, dim=1, hvp=lambda k, x, v: v).hvp(0, [1j], [1.0]), TypeError, r"\bx\b"),
    ("FunctionOracle K True", lambda: FunctionOracle(lambda k, x: x, K=True, dim=1), TypeError, r"\bK\b"),
    ("GradientSteps object", lambda: GradientSteps(object(), 0.1), TypeError, r"oracle"),
    ("GradientSteps oracle K 2.0", lambda: GradientSteps(type("O", (), {"K": 2.0, "dim": 1, "gradient": lambda self, k, x: x})(), 0.1), TypeError, r"K"),
    ("GradientSteps lr nan", lambda: GradientSteps(TwoOracle(), np.nan), ValueError, r"\blr\b"),
    # -- iteration orders --------------------------------------------------------------------------
    ("palindromic_word ragged", lambda: palindromic_word([[0, 1], [1]]), ValueError, r"perms"),
    ("palindromic_word float", lambda: palindromic_word([[0.5, 1.0]]), TypeError, r"perms"),
    ("block_word n beyond the word", lambda: block_word([0, 1], 5, 2), ValueError, r"\bn\b"),
    ("orders.moving_window 0", lambda: orders.moving_window(0), ValueError, r"window"),
    ("orders.block_backward tol 0", lambda: orders.block_backward(2, tol=0.0), ValueError, r"tol"),
    ("Order.sample n_epochs -1", lambda: orders.iid_forward().sample(FAM, -1, X0), ValueError, r"n_epochs"),
    ("Order.sample object family", lambda: orders.iid_backward().sample(object(), 2, X0), TypeError, r"family"),
    ("Order.sample expanding", lambda: orders.iid_forward().sample(EXPANDING, 4, [1.0], rng=0), ValueError, r"non-finite"),
    # -- models ----------------------------------------------------------------------------------
    ("Quadratic H complex", lambda: Quadratic([[[1j]]], [[0.0]]), TypeError, r"\bH\b"),
    ("Quadratic H ragged", lambda: Quadratic([[[1.0]], [[1.0, 2.0]]], [[0.0], [0.0]]), ValueError, r"\bH\b"),
    ("Quadratic c wrong shape", lambda: Quadratic(np.ones((2, 1, 1)), np.zeros((2, 2))), ValueError, r"\bc\b"),
    ("Quadratic probs 1.4", lambda: Quadratic(np.ones((2, 1, 1)), np.zeros((2, 1)), probs=[0.7, 0.7]), ValueError, r"probs"),
    ("Quadratic lr 1e300 overflow", lambda: Quadratic(np.full((1, 1, 1), 1e10), [[1e10]]).step_family(1e300), ValueError, r"\blr\b"),
    ("Quadratic tiny curvature range", lambda: Quadratic(np.full((1, 1, 1), 1e-320), [[0.0]]).contractive_lr_range(), ValueError, r"\bL\b"),
    ("Logistic tiny l2 range", lambda: Logistic(np.zeros((2, 1)), [0, 1], 1, 1e-320).contractive_lr_range(), ValueError, r"l2"),
    ("Quadratic contraction_factor lr True", lambda: Q.contraction_factor(True), TypeError, r"\blr\b"),
    ("Quadratic gradient k float", lambda: Q.gradient(0.5, [0.0]), TypeError, r"\bk\b"),
    ("Quadratic gradient k out of range", lambda: Q.gradient(5, [0.0]), ValueError, r"\bk\b"),
    ("Quadratic hvp v wrong shape", lambda: Q.hvp(0, [0.0], [0.0, 1.0]), ValueError, r"\bv\b"),
    ("Quadratic loss x complex", lambda: Q.loss(0, [1j]), TypeError, r"\bx\b"),
    ("Quadratic mean_loss x wrong shape", lambda: Q.mean_loss([0.0, 0.0]), ValueError, r"\bx\b"),
    ("LeastSquares X complex", lambda: LeastSquares(XLS + 0j, YLS, 2), TypeError, r"\bX\b"),
    ("LeastSquares X bool", lambda: LeastSquares(XLS > 0, YLS, 2), TypeError, r"\bX\b"),
    ("LeastSquares y ragged", lambda: LeastSquares(XLS, [[1.0], [1.0, 2.0]], 2), ValueError, r"\by\b"),
    ("LeastSquares batch_size 2.0", lambda: LeastSquares(XLS, YLS, 2.0), TypeError, r"batch_size"),
    ("LeastSquares batch_size True", lambda: LeastSquares(XLS, YLS, True), TypeError, r"batch_size"),
    ("LeastSquares batch_size huge", lambda: LeastSquares(XLS, YLS, HUGE), ValueError, r"batch_size"),
    ("LeastSquares ridge complex", lambda: LeastSquares(XLS, YLS, 2, ridge=1j), TypeError, r"ridge"),
    ("LeastSquares ridge NaN", lambda: LeastSquares(XLS, YLS, 2, ridge=np.nan), ValueError, r"ridge"),
    ("LeastSquares rng negative", lambda: LeastSquares(XLS, YLS, 2, rng=-1), ValueError, r"rng"),
    ("LeastSquares remainder int", lambda: LeastSquares(XLS, YLS, 3, remainder=3), ValueError, r"remainder"),
    ("LeastSquares X overflow", lambda: LeastSquares(np.full((4, 2), 1e200), np.ones(4), 2), ValueError, r"\bX\b"),
    ("LeastSquares singular batches", lambda: _singular_least_squares().contractive_lr_range(), ValueError, r"singular"),
    ("LeastSquares lr 1e300", lambda: LeastSquares(XLS * 1e10, YLS * 1e10, 2).step_family(1e300), ValueError, r"\blr\b"),
    ("Logistic labels 2", lambda: Logistic(XLOG, np.arange(8) % 3, 2, 0.1), ValueError, r"\by\b"),
    ("Logistic l2 negative", lambda: Logistic(XLOG, YLOG, 2, -1.0), ValueError, r"l2"),
    ("Logistic l2 complex", lambda: Logistic(XLOG, YLOG, 2, 0.1j), TypeError, r"l2"),
    ("Logistic l2 bool", lambda: Logistic(XLOG, YLOG, 2, True), TypeError, r"l2"),
    ("Logistic huge features", lambda: Logistic(np.array([[1e200, 0.0], [0.0, 1e200]]), [0, 1], 1, 0.1), ValueError, r"\bX\b"),
    ("Logistic batch_size huge", lambda: Logistic(XLOG, YLOG, HUGE, 0.1), ValueError, r"batch_size"),
    ("Logistic y complex", lambda: Logistic(XLOG, YLOG + 0j, 2, 0.1), TypeError, r"\by\b"),
    ("Logistic contraction_factor lr 0", lambda: Logistic(XLOG, YLOG, 2, 0.1).contraction_factor(0.0), ValueError, r"\blr\b"),
    ("Logistic minimizer tol 0", lambda: Logistic(XLOG, YLOG, 2, 0.1).minimizer(tol=0.0), ValueError, r"tol"),
    ("NoisyOneDim curvature 0", lambda: NoisyOneDim(curvature=0.0), ValueError, r"curvature"),
    ("NoisyOneDim points 4", lambda: NoisyOneDim(points=4), ValueError, r"points"),
    ("NoisyOneDim beta complex", lambda: NoisyOneDim(beta=1j), TypeError, r"beta"),
    ("NoisyOneDim noise_variance negative", lambda: NoisyOneDim(noise_variance=-1.0), ValueError, r"noise_variance"),
    ("NoisyOneDim step_family lr str", lambda: NoisyOneDim().step_family("0.1"), TypeError, r"\blr\b"),
    ("bernoulli_convolution complex", lambda: bernoulli_convolution(0.5j), TypeError, r"\ba\b"),
    ("bernoulli_convolution bool", lambda: bernoulli_convolution(True), TypeError, r"\ba\b"),
    ("bernoulli_convolution huge", lambda: bernoulli_convolution(HUGE), ValueError, r"\ba\b"),
    ("check_model float", lambda: check_model(3.0), TypeError, r"model"),
    # -- revsgd.testing -------------------------------------------------------------------------------
    ("assert_lipschitz object", lambda: testing.assert_lipschitz(object(), np.zeros((2, 1))), TypeError, r"family"),
    ("assert_lipschitz points complex", lambda: testing.assert_lipschitz(FAM, np.array([[1j], [0.0]])), TypeError, r"points"),
    ("assert_lipschitz points ragged", lambda: testing.assert_lipschitz(FAM, [[0.0], [1.0, 2.0]]), ValueError, r"points"),
    ("assert_lipschitz lipschitz wrong shape", lambda: testing.assert_lipschitz(FAM, np.array([[0.0], [1.0]]), lipschitz=[0.5, 0.5, 0.5]), ValueError, r"lipschitz"),
    ("assert_lipschitz lipschitz complex", lambda: testing.assert_lipschitz(FAM, np.array([[0.0], [1.0]]), lipschitz=0.5j), TypeError, r"lipschitz"),
    ("assert_cauchy_bound word float", lambda: testing.assert_cauchy_bound(FAM, [0.5, 1.0], X0), TypeError, r"word"),
    ("assert_cauchy_bound x0 wrong shape", lambda: testing.assert_cauchy_bound(FAM, WORD, [0.0, 0.0]), ValueError, r"x0"),
    ("assert_limit_independent_of_start x1 NaN", lambda: testing.assert_limit_independent_of_start(FAM, WORD, X0, [np.nan]), ValueError, r"x1"),
    ("assert_same_law n negative", lambda: testing.assert_same_law(FAM, -1), ValueError, r"\bn\b"),
    ("assert_same_law m 0", lambda: testing.assert_same_law(FAM, 5, m=0), ValueError, r"\bm\b"),
    ("assert_same_law alpha 2", lambda: testing.assert_same_law(FAM, 5, alpha=2.0), ValueError, r"alpha"),
    ("assert_same_law alpha str", lambda: testing.assert_same_law(FAM, 5, alpha="0.01"), TypeError, r"alpha"),
    ("assert_stationary_moments m 1.5", lambda: testing.assert_stationary_moments(FAM, m=1.5), TypeError, r"\bm\b"),
    ("assert_stationary_moments tol 0", lambda: testing.assert_stationary_moments(FAM, tol=0.0), ValueError, r"tol"),
    ("assert_stationary_moments mean wrong shape", lambda: testing.assert_stationary_moments(FAM, mean=[0.0, 0.0]), ValueError, r"mean"),
    ("assert_backward_matches not callable", lambda: testing.assert_backward_matches(3, FAM, WORD, X0), TypeError, r"backward_fn"),
    ("assert_backward_matches word empty", lambda: testing.assert_backward_matches(_my_backward, FAM, [], X0), ValueError, r"word"),
    # -- revsgd.figures -------------------------------------------------------------------------------
    ("plot_trajectories object", lambda: plot_trajectories(object(), WORD, X0), TypeError, r"family"),
    ("plot_trajectories word float", lambda: plot_trajectories(FAM, [0.5, 1.5], X0), TypeError, r"word"),
    ("plot_trajectories coordinates 0", lambda: plot_trajectories(FAM, WORD, X0, coordinates=0), ValueError, r"coordinates"),
    ("plot_trajectories coordinates 2.5", lambda: plot_trajectories(FAM, WORD, X0, coordinates=2.5), TypeError, r"coordinates"),
    ("plot_trajectories name path", lambda: plot_trajectories(FAM, WORD, X0, name="../out"), ValueError, r"name"),
    ("plot_trajectories name int", lambda: plot_trajectories(FAM, WORD, X0, name=3), TypeError, r"name"),
    ("plot_trajectories expanding", lambda: plot_trajectories(EXPANDING, [0] * 4, [1.0]), ValueError, r"non-finite"),
    ("plot_increments x0 complex", lambda: plot_increments(FAM, WORD, [1j]), TypeError, r"x0"),
    ("plot_increments word empty", lambda: plot_increments(FAM, [], X0), ValueError, r"word"),
    ("build object", lambda: build(object(), _figure_out()), (TypeError, ValueError), r"figure"),
    ("build seed float", lambda: build(plot_increments(FAM, WORD, X0), _figure_out(), seed=0.5), TypeError, r"seed"),
    ("save fig None", lambda: save(None, {"a": [1.0]}, _figure_out(), "x"), TypeError, r"fig"),
    ("save data not dict", lambda: save(_figure(), [1, 2], _figure_out(), "x"), TypeError, r"data"),
    ("save name empty", lambda: save(_figure(), {"a": [1.0]}, _figure_out(), ""), ValueError, r"name"),
    ("save data NaN", lambda: save(_figure(), {"a": [np.nan]}, _figure_out(), "x"), ValueError, r"data"),
    ("check_data complex column", lambda: check_data({"a": np.array([1j])}), TypeError, r"data"),
    ("check_data ragged column", lambda: check_data({"a": [[1.0], [1.0, 2.0]]}), ValueError, r"data"),
    ("check_data not a dict", lambda: check_data([1.0, 2.0]), TypeError, r"data"),
]
