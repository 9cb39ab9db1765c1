"""Every public entry point refuses bad input with a message naming the parameter."""

import numpy as np
import pytest

from revsgd.models import LeastSquares, Quadratic, bernoulli_convolution
from revsgd.theory import AffineFamily, backward, backward_certified, certify, forward, steps_for_tolerance

GOOD_A = np.full((2, 1, 1), 0.5)
GOOD_B = np.array([[1.0], [-1.0]])
FAM = AffineFamily(GOOD_A, GOOD_B)
X = np.arange(12.0).reshape(6, 2)
Y = np.arange(6.0)

CASES = {
    "A not 3-D": (lambda: AffineFamily(np.eye(2), GOOD_B), ValueError, "A must have 3 dimension"),
    "A not square": (lambda: AffineFamily(np.zeros((2, 2, 3)), np.zeros((2, 2))), ValueError, r"A must have shape \(K, d, d\)"),
    "K = 0": (lambda: AffineFamily(np.zeros((0, 1, 1)), np.zeros((0, 1))), ValueError, "K >= 1"),
    "b mismatched": (lambda: AffineFamily(GOOD_A, np.zeros((3, 1))), ValueError, r"b must have shape \(K, d\) = \(2, 1\)"),
    "A NaN": (lambda: AffineFamily(np.full((2, 1, 1), np.nan), GOOD_B), ValueError, "A must have finite entries"),
    "b inf": (lambda: AffineFamily(GOOD_A, np.array([[np.inf], [0.0]])), ValueError, "b must have finite entries"),
    "A strings": (lambda: AffineFamily("abc", GOOD_B), TypeError, "A must be a numeric array"),
    "negative probs": (lambda: AffineFamily(GOOD_A, GOOD_B, [1.2, -0.2]), ValueError, "probs must be non-negative"),
    "probs sum": (lambda: AffineFamily(GOOD_A, GOOD_B, [0.3, 0.3]), ValueError, "probs must sum to 1, got sum 0.6"),
    "index out of range": (lambda: forward(FAM, [0, 2], [0.0]), ValueError, r"word must lie in 0\.\.1, got values in 0\.\.2"),
    "negative index": (lambda: backward(FAM, [-1], [0.0]), ValueError, r"word must lie in 0\.\.1"),
    "float indices": (lambda: backward(FAM, [0.5], [0.0]), TypeError, "word must hold integers"),
    "2-D indices": (lambda: forward(FAM, [[0]], [0.0]), ValueError, "word must be 1-D"),
    "x0 wrong shape": (lambda: forward(FAM, [0], [0.0, 1.0]), ValueError, r"x0 must have shape \(1\)"),
    "x0 NaN": (lambda: backward(FAM, [0], [np.nan]), ValueError, "x0 must have finite entries"),
    "not a family": (lambda: forward(object(), [0], [0.0]), TypeError, "family must provide K, dim, probs"),
    "apply bad k": (lambda: FAM.apply(5, [0.0]), ValueError, r"k must lie in 0\.\.1"),
    "apply bad rows": (lambda: FAM.apply(np.array([0, 1]), np.zeros((3, 1))), ValueError, r"x must have shape \(2, 1\)"),
    "tol zero": (lambda: backward_certified(FAM, [0], [0.0], 0.0), ValueError, "tol must be a finite number > 0, got 0.0"),
    "tol negative": (lambda: steps_for_tolerance(0.5, 1.0, -1), ValueError, "tol must be a finite number > 0"),
    "rho >= 1": (lambda: steps_for_tolerance(1.0, 1.0, 0.1), ValueError, r"rho must be a contraction factor in \[0, 1\)"),
    "expanding family": (lambda: certify(AffineFamily([[[2.0]]], [[0.0]]), [0.0]), ValueError, "map 0 has Lipschitz constant 2"),
    "certified expanding": (lambda: backward_certified(AffineFamily([[[2.0]]], [[0.0]]), [0], [0.0], 1e-3), ValueError, "not a uniform contraction"),
    "H not symmetric": (lambda: Quadratic([[[1.0, 1.0], [0.0, 1.0]]], [[0.0, 0.0]]), ValueError, "H must be symmetric"),
    "H not PSD": (lambda: Quadratic([[[-1.0]]], [[0.0]]), ValueError, "H must be positive semi-definite"),
    "c mismatched": (lambda: Quadratic(np.ones((2, 1, 1)), np.zeros((3, 1))), ValueError, r"c must have shape \(2, 1\)"),
    "lr zero": (lambda: Quadratic(np.ones((1, 1, 1)), [[0.0]]).step_family(0.0), ValueError, "lr must be a finite number > 0, got 0.0"),
    "lr negative": (lambda: Quadratic(np.ones((1, 1, 1)), [[0.0]]).contraction_factor(-0.1), ValueError, "lr must be a finite number > 0"),
    "lr string": (lambda: Quadratic(np.ones((1, 1, 1)), [[0.0]]).step_family("0.1"), TypeError, "lr must be a positive real number"),
    "batch too large": (lambda: LeastSquares(X, Y, 7), ValueError, "batch_size must be at most the number of rows N = 6, got 7"),
    "batch zero": (lambda: LeastSquares(X, Y, 0), ValueError, "batch_size must be a positive integer, got 0"),
    "y mismatched": (lambda: LeastSquares(X, Y[:5], 2), ValueError, r"y must have shape \(6\)"),
    "ridge negative": (lambda: LeastSquares(X, Y, 2, ridge=-1.0), ValueError, "ridge must be >= 0"),
    "remainder name": (lambda: LeastSquares(X, Y, 4, remainder="pad"), ValueError, "remainder must be one of error, drop, keep"),
    "X empty": (lambda: LeastSquares(np.zeros((0, 2)), np.zeros(0), 1), ValueError, "X must have at least one row"),
    "X NaN": (lambda: LeastSquares(np.full((6, 2), np.nan), Y, 2), ValueError, "X must have finite entries"),
    "bernoulli a": (lambda: bernoulli_convolution(1.0), ValueError, r"a must lie in \(0, 1\)"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_with_a_clear_message(case):
    fn, exc, match = CASES[case]
    with pytest.raises(exc, match=match):
        fn()
