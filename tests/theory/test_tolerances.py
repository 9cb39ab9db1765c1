"""The round-off tolerances are the documented formulas, to the bit, and refuse bad input."""

import numpy as np
import pytest

from revsgd.theory.contraction import ContractionCertificate
from revsgd.theory.tolerances import (
    EPS,
    iterate_scale,
    roundoff_margin,
    roundoff_tolerance,
    trajectory_roundoff,
)


@pytest.mark.parametrize("n, d, scale", [(0, 1, 0.3), (200, 10, 17.25), (60, 3, np.float64(4.5)), (7, 4, 1.0)])
def test_trajectory_roundoff_is_the_formula_the_copies_used(n, d, scale):
    """The checks (_instances.roundoff) and the tests (tests/tolerances.trajectory_tol) wrote
    4.0 * (n + 1) * d * eps * max(1.0, scale): the one home gives the same bits."""
    assert trajectory_roundoff(n, d, scale) == 4.0 * (n + 1) * d * np.finfo(float).eps * max(1.0, scale)


@pytest.mark.parametrize("d", [1, 2, 4, 10])
def test_roundoff_margin_is_sixteen_d_eps(d):
    assert roundoff_margin(d) == 16.0 * d * np.finfo(float).eps


def test_roundoff_tolerance_is_ops_eps_cond_scale():
    assert roundoff_tolerance(2.5, 12, 3.0) == 12.0 * EPS * 3.0 * 2.5
    assert EPS == 2.0**-52


def test_iterate_scale_bounds_every_iterate():
    from revsgd.theory.contraction import certify
    from revsgd.theory.instances import contraction_family
    from revsgd.theory.iterate import backward, forward

    rng = np.random.default_rng(0)
    fam = contraction_family(rng, 3, 4, 0.9)
    x0, idx = rng.standard_normal(3), rng.integers(0, 4, 300)
    radius = iterate_scale(certify(fam, x0), x0)
    for path in (forward(fam, idx, x0), backward(fam, idx, x0)):
        assert np.linalg.norm(np.asarray(path), axis=1).max() <= radius
    assert iterate_scale(ContractionCertificate(0.5, 1.0), [3.0, 4.0]) == 7.0


@pytest.mark.parametrize("call, error, match", [
    (lambda: roundoff_tolerance(-1.0, 3), ValueError, "scale"),
    (lambda: roundoff_tolerance(1.0, 0), ValueError, "ops"),
    (lambda: roundoff_tolerance(1.0, 2.0), ValueError, "ops"),
    (lambda: roundoff_tolerance(1.0, 2, 0.5), ValueError, "cond"),
    (lambda: trajectory_roundoff(-1, 2, 1.0), ValueError, "n must be"),
    (lambda: trajectory_roundoff(3, 0, 1.0), ValueError, "d must be"),
    (lambda: trajectory_roundoff(3, 2, np.inf), ValueError, "scale"),
    (lambda: roundoff_margin(0), ValueError, "d must be"),
    (lambda: iterate_scale(0.5, [1.0]), TypeError, "certificate"),
])
def test_bad_input_names_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()
