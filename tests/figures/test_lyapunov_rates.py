"""The Lyapunov-rates figure plots what C8 says: backward increments decay at exp(gamma n)."""

import numpy as np
import pytest

from revsgd.figures import lyapunov_rates as fig_module
from revsgd.theory.fits import log_linear_slope


@pytest.fixture(scope="module")
def data():
    return fig_module.compute(0)


@pytest.mark.parametrize("prefix", ["expanding", "lsq"])
def test_median_increments_decay_at_the_exponent(data, prefix):
    """The least-squares slope of log(median increment) against n lies within 15% of the
    estimated exponent (the median over 40 runs of a random walk's log: its slope has a
    relative standard error of a few percent here)."""
    n = data[f"{prefix}_n"]
    slope = log_linear_slope(n, data[f"{prefix}_median_increment"]).slope
    gamma, low, high = data[f"{prefix}_gamma"]
    assert gamma < 0 and low <= gamma <= high
    assert slope == pytest.approx(gamma, rel=0.15)


def test_expanding_case_has_the_exact_one_dimensional_exponent(data):
    _, low, high = data["expanding_gamma"]
    assert low <= 0.5 * np.log(0.75) <= high


def test_rotations_do_not_decay(data):
    inc = data["rotation_median_increment"]
    np.testing.assert_allclose(inc, inc[0], rtol=1e-12)
    assert abs(data["rotation_gamma"][0]) < 1e-14


def test_drawn_axes(data):
    from matplotlib.figure import Figure

    fig = Figure()
    fig_module.draw(data, fig)
    axes = fig.get_axes()
    assert len(axes) == 3
    assert all(ax.get_yscale() == "log" for ax in axes)
    lines = axes[1].get_lines()
    np.testing.assert_array_equal(lines[0].get_ydata(), data["lsq_median_increment"])
    assert [ax.get_title() for ax in axes] == [label for _, label, _, _ in fig_module.CASES]
