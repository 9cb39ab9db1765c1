"""The public strategies build what they promise, and validate their options."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revsgd.models.strategies import quadratic_models
from revsgd.theory import contraction_factor
from revsgd.theory.strategies import affine_families, index_sequences

EPS = np.finfo(float).eps


@given(affine_families(rho=0.8))
def test_prescribed_rho_is_the_contraction_factor(fam):
    assert abs(contraction_factor(fam) - 0.8) <= 16 * fam.dim * EPS


@given(affine_families(symmetric=True))
def test_symmetric_option(fam):
    np.testing.assert_allclose(fam.A, fam.A.transpose(0, 2, 1), atol=16 * EPS)


def test_reaches_dimension_one_and_non_symmetric_matrices():
    seen = {"d1": False, "nonsym": False}

    @settings(max_examples=100, database=None)
    @given(affine_families(min_dim=1, max_dim=3))
    def collect(fam):
        seen["d1"] |= fam.dim == 1
        seen["nonsym"] |= bool(np.abs(fam.A - fam.A.transpose(0, 2, 1)).max() > 1e-3)

    collect()
    assert seen == {"d1": True, "nonsym": True}


@given(quadratic_models(mu=0.5, L=2.0))
def test_quadratic_models_contract(problem):
    mu, L = problem.model.curvature_bounds()
    assert 0.5 - 1e-12 <= mu and L <= 2.0 + 1e-12
    assert 0 < problem.lr < 2 / L and problem.rho < 1


@given(st.data())
def test_index_sequences_in_range(data):
    idx = data.draw(index_sequences(3, min_size=2, max_size=9))
    assert idx.dtype == np.int64 and 2 <= idx.size <= 9 and set(idx) <= {0, 1, 2}


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: affine_families(min_dim=0), "min_dim must be >= 1"),
        (lambda: affine_families(min_K=3, max_K=2), "max_K must be >= min_K"),
        (lambda: affine_families(rho=1.0), r"rho must be a real number in \[0, 1\)"),
        (lambda: affine_families(min_rho=0.9, max_rho=0.5), "max_rho must be >= min_rho"),
        (lambda: quadratic_models(mu=0.0), "mu must be a real number > 0"),
        (lambda: quadratic_models(mu=2.0, L=1.0), "L must be >= mu"),
        (lambda: quadratic_models(max_lr_fraction=1.0), "max_lr_fraction"),
        (lambda: index_sequences(0), "K must be >= 1"),
    ],
)
def test_options_are_validated(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()
