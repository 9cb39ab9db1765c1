"""Over random valid inputs, nothing returns a non-finite value without raising.

The families are drawn over many scales, contracting or not (affine maps with spectral
norms from 1e-3 to 1e3 and offsets up to 1e300, the gradient steps of a quadratic with a
learning rate up to 100 times the contractive edge, a user's family that may return NaN),
and every public function that returns numbers is called on them: it either raises a
ValueError (a :class:`revsgd.theory.DivergenceError` for a run that overflowed) or returns
only finite numbers. Exceptions to that rule are documented values, not accidents:
``-inf`` for a Lyapunov exponent or a mean log Lipschitz constant when a map is exactly 0
(the maps coalesce).
"""

import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models import Quadratic
from revsgd.theory import (AffineFamily, backward, backward_ensemble, backward_last, block_backward,
                           certify, classify, forward, forward_ensemble, forward_last, gradient_steps,
                           mean_log_lipschitz, moving_window, sample_stationary, solve_stationary,
                           stationary_moments)


def _values(result):
    """Every number inside a result (arrays, tuples, dataclasses with arrays)."""
    if isinstance(result, (int, float, np.floating, np.ndarray)):
        yield np.asarray(result, dtype=float)
    elif isinstance(result, (tuple, list)):
        for item in result:
            yield from _values(item)
    elif hasattr(result, "__dataclass_fields__"):
        for name in result.__dataclass_fields__:
            value = getattr(result, name)
            if isinstance(value, (np.ndarray, float, np.floating)) and np.asarray(value).dtype.kind == "f":
                yield np.asarray(value, dtype=float)


def _finite_or_refused(call, allow_minus_inf=False):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = call()
    except ValueError:
        return
    for value in _values(result):
        ok = np.isfinite(value) | (allow_minus_inf & (value == -np.inf))
        assert ok.all(), f"non-finite value returned without an error: {value}"


scales = st.floats(-3.0, 3.0).map(lambda e: 10.0**e)


@st.composite
def affine_families(draw):
    K, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((K, d, d))
    A *= np.array([draw(scales) for _ in range(K)])[:, None, None] / np.linalg.norm(A, 2, axis=(1, 2))[:, None, None]
    b = rng.standard_normal((K, d)) * 10.0 ** draw(st.integers(0, 300))
    return AffineFamily(A, b)


@st.composite
def gradient_families(draw):
    d = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    H = rng.standard_normal((2, d, d))
    H = np.einsum("kij,klj->kil", H, H) + 0.1 * np.eye(d)
    model = Quadratic(H, rng.standard_normal((2, d)))
    lr = draw(st.floats(0.01, 100.0)) * 2.0 / model.curvature_bounds()[1]
    nan_at = draw(st.sampled_from([None, 10.0, 1e3]))  # a user's gradient that returns NaN far out
    grad = model.gradient if nan_at is None else (lambda k, x: np.where(np.abs(x) > nan_at, np.nan, model.gradient(k, x)))
    return gradient_steps(grad, lr, K=2, dim=d)


families = st.one_of(affine_families(), gradient_families())


@given(families, st.lists(st.integers(0, 2), min_size=0, max_size=60), st.floats(-1e6, 1e6))
def test_iteration_never_returns_inf_or_nan(family, letters, start):
    word = np.array([k % family.K for k in letters], dtype=np.int64)
    x0 = np.full(family.dim, start)
    words = np.tile(word, (3, 1))
    for call in (lambda: forward(family, word, x0), lambda: backward(family, word, x0),
                 lambda: forward(family, word, x0, record=range(0, word.size + 1, 7)),
                 lambda: forward_last(family, word, x0), lambda: backward_last(family, word, x0),
                 lambda: moving_window(family, word, x0, 3), lambda: block_backward(family, word, x0, 4),
                 lambda: forward_ensemble(family, words, x0), lambda: backward_ensemble(family, words, x0)):
        _finite_or_refused(call)


@given(affine_families(), st.floats(-1e6, 1e6))
def test_certificates_moments_and_classes_are_finite_or_refused(family, start):
    x0 = np.full(family.dim, start)
    _finite_or_refused(lambda: certify(family, x0))
    _finite_or_refused(lambda: stationary_moments(family))
    _finite_or_refused(lambda: solve_stationary(family))
    if float(family.lipschitz().max()) < 0.99:  # closer to 1 the certified depth is millions of steps
        _finite_or_refused(lambda: sample_stationary(family, 4, 1e-6, rng=0))
    _finite_or_refused(lambda: mean_log_lipschitz(family), allow_minus_inf=True)
    _finite_or_refused(lambda: classify(family, n=50, runs=4, rng=0).max_lipschitz)
