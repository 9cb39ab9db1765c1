"""The one home for random instances consumes each generator exactly as the copies it
replaced did (so seeded checks keep their numbers), and builds what it promises.

Naive references: the builders as they were written at their call sites before, kept here
verbatim and compared bit for bit.
"""

import numpy as np
import pytest

from revsgd.models.instances import random_logistic, random_quadratic
from revsgd.models.quadratic import Quadratic
from revsgd.theory.family import AffineFamily
from revsgd.theory.instances import (
    contraction_family,
    gaussian_contraction,
    gaussian_contraction_family,
    orthogonal,
    random_design,
    random_spd,
)

SEEDS = range(12)


# -- the copies as they were ------------------------------------------------------------------
def old_orthogonal(rng, d):
    Q, R = np.linalg.qr(rng.standard_normal((d, d)))
    return Q * np.sign(np.diag(R))


def old_strategy_matrices(rng, d, K, r, symmetric):
    """theory/strategies.py affine_families: U, s, V per map."""
    A = np.empty((K, d, d))
    for k in range(K):
        U = old_orthogonal(rng, d)
        if symmetric:
            s = rng.uniform(-r, r, size=d)
            if k == 0:
                s[0] = r
            A[k] = (U * s) @ U.T
        else:
            s = rng.uniform(0.0, r, size=d)
            if k == 0:
                s[0] = r
            A[k] = (U * s) @ old_orthogonal(rng, d).T
    return A


def old_checks_matrices(rng, d, K, rho):
    """proofs_check/numeric/_instances.py random_contraction: s, U, V per map."""
    A = np.empty((K, d, d))
    for k in range(K):
        s = rng.uniform(0.0, rho, size=d)
        if k == 0:
            s[0] = rho
        A[k] = (old_orthogonal(rng, d) * s) @ old_orthogonal(rng, d).T
    return A


def old_bench_matrices(rng, d, K, rho):
    """src/revsgd/bench.py random_contraction."""
    A = rng.standard_normal((K, d, d))
    A *= rho / np.linalg.norm(A, ord=2, axis=(1, 2))[:, None, None]
    return A


def old_symbolic_spd(rng, d, low, high):
    """proofs_check/symbolic/_numeric.py random_spd: QR without the sign fix."""
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (q * rng.uniform(low, high, size=d)) @ q.T


def same_stream(r1, r2):
    return r1.random() == r2.random()


# -- bit for bit ----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("d", [1, 3, 10])
def test_contraction_family_draws_as_the_strategies_did(seed, d):
    K = 1 + seed % 4
    for symmetric in (False, True):
        for random_probs in (False, True):
            r1, r2 = np.random.default_rng(seed), np.random.default_rng(seed)
            A = old_strategy_matrices(r1, d, K, 0.7, symmetric)
            b = 2.0 * r1.standard_normal((K, d))
            probs = r1.dirichlet(np.ones(K)) if random_probs else None
            fam = contraction_family(r2, d, K, 0.7, symmetric=symmetric, offset_scale=2.0,
                                     random_probs=random_probs)
            reference = AffineFamily(A, b, probs)
            assert np.array_equal(fam.A, reference.A) and np.array_equal(fam.b, reference.b)
            assert np.array_equal(fam.probs, reference.probs) and same_stream(r1, r2)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("d", [1, 3, 10])
def test_spectrum_first_draws_as_the_numeric_checks_did(seed, d):
    K = 1 + seed % 4
    r1, r2 = np.random.default_rng(seed), np.random.default_rng(seed)
    A = old_checks_matrices(r1, d, K, 0.9)
    b = r1.standard_normal((K, d))
    fam = contraction_family(r2, d, K, 0.9, spectrum_first=True)
    assert np.array_equal(fam.A, A) and np.array_equal(fam.b, b) and same_stream(r1, r2)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("d", [1, 2, 5, 10])
def test_gaussian_builders_draw_as_the_bench_and_symbolic_checks_did(seed, d):
    K = 1 + seed % 4
    r1, r2 = np.random.default_rng(seed), np.random.default_rng(seed)
    A = old_bench_matrices(r1, d, K, 0.9)
    b = r1.standard_normal((K, d))
    fam = gaussian_contraction_family(r2, d, K, 0.9)
    assert np.array_equal(fam.A, A) and np.array_equal(fam.b, b) and same_stream(r1, r2)
    g = r1.standard_normal((d, d))
    assert np.array_equal(gaussian_contraction(r2, d, 0.8), g * (0.8 / np.linalg.norm(g, 2)))
    assert same_stream(r1, r2)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("d", [1, 3, 10])
def test_spd_and_quadratic_draw_as_before(seed, d):
    """The sign fix of the Haar factor cancels in Q diag(lambda) Q^T, exactly (sign flips are
    exact in floating point), so the symbolic checks' unsigned QR gives the same bits."""
    r1, r2 = np.random.default_rng(seed), np.random.default_rng(seed)
    assert np.array_equal(random_spd(r2, d, 0.1, 3.0), old_symbolic_spd(r1, d, 0.1, 3.0))
    H = np.empty((3, d, d))
    for k in range(3):
        Q = old_orthogonal(r1, d)
        H[k] = (Q * r1.uniform(0.2, 2.0, size=d)) @ Q.T
    reference = Quadratic(H, r1.standard_normal((3, d)))
    model = random_quadratic(r2, d, 3)
    assert np.array_equal(model.H, reference.H) and np.array_equal(model.q, reference.q)
    assert same_stream(r1, r2)


@pytest.mark.parametrize("seed", SEEDS)
def test_design_draws_as_the_small_batch_check_did(seed):
    r1, r2 = np.random.default_rng(seed), np.random.default_rng(seed)
    X = (old_orthogonal(r1, 8)[:, :4] * r1.uniform(1.0, 2.0, 4)) @ old_orthogonal(r1, 4).T
    assert np.array_equal(random_design(r2, 8, 4, 1.0, 2.0), X) and same_stream(r1, r2)


@pytest.mark.parametrize("seed", SEEDS)
def test_logistic_draws_as_the_checks_did(seed):
    r1, r2 = np.random.default_rng(seed), np.random.default_rng(seed)
    X = r1.standard_normal((24, 3))
    w = 2.0 * r1.standard_normal(3)
    y = (X @ w + 0.5 * r1.standard_normal(24) > 0).astype(float)
    if y.min() == y.max():
        y[0] = 1.0 - y[0]
    model = random_logistic(r2, 3, rows=24, batch_size=4, l2=0.5, weight_scale=2.0, noise=0.5,
                            both_labels=True)
    assert np.array_equal(model.X, X) and np.array_equal(model.y, y) and same_stream(r1, r2)


# -- what the builders promise -------------------------------------------------------------
@pytest.mark.parametrize("d", [1, 2, 6])
def test_orthogonal_and_contraction_properties(d):
    rng = np.random.default_rng(d)
    Q = orthogonal(rng, d)
    np.testing.assert_allclose(Q.T @ Q, np.eye(d), atol=1e-13)
    for kwargs in ({}, {"symmetric": True}, {"spectrum_first": True}):
        fam = contraction_family(rng, d, 3, 0.8, **kwargs)
        assert abs(float(fam.lipschitz().max()) - 0.8) <= 1e-13
        if kwargs.get("symmetric"):
            np.testing.assert_allclose(fam.A, fam.A.transpose(0, 2, 1), atol=1e-14)
    H = random_spd(rng, d, 0.5, 1.5)
    lam = np.linalg.eigvalsh(H)
    assert lam.min() >= 0.5 - 1e-13 and lam.max() <= 1.5 + 1e-13


@pytest.mark.parametrize("call, match", [
    (lambda r: orthogonal(r, 0), "d must be a positive int"),
    (lambda r: contraction_family(r, 2, 0, 0.5), "K must be a positive int"),
    (lambda r: contraction_family(r, 2, 2, 1.0), "rho must be"),
    (lambda r: contraction_family(r, 2, 2, 0.5, offset_scale=-1.0), "offset_scale"),
    (lambda r: contraction_family(r, 2, 2, 0.5, symmetric=True, spectrum_first=True), "spectrum_first"),
    (lambda r: random_spd(r, 2, -1.0, 1.0), "low <= high"),
    (lambda r: random_design(r, 2, 3), "rows must be >= d"),
    (lambda r: gaussian_contraction(r, 2, -0.5), "rho must be"),
    (lambda r: random_quadratic(r, 2, 0), "K must be a positive int"),
])
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call(np.random.default_rng(0))
