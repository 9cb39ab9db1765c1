"""Ready-made figures of a user's family: what is plotted is the trajectories and the bound."""

import numpy as np
import pytest

from revsgd.figures import build, plot_increments, plot_trajectories, read_csv, render
from revsgd.theory import AffineFamily, backward, certify, forward, gradient_steps

FAM = AffineFamily([[[0.5, 0.1], [0.0, 0.4]], [[0.3, 0.0], [0.2, 0.5]]], [[1.0, 0.0], [0.0, 1.0]])
WORD = np.random.default_rng(3).integers(0, 2, 30)
X0 = np.array([2.0, -1.0])


def test_trajectories_figure_plots_both_orders(tmp_path):
    built = build(plot_trajectories(FAM, WORD, X0), tmp_path)
    data = read_csv(built.csv)
    np.testing.assert_array_equal(data["forward_1"], forward(FAM, WORD, X0)[:, 1])
    np.testing.assert_array_equal(data["backward_0"], backward(FAM, WORD, X0)[:, 0])
    fig = render(plot_trajectories(FAM, WORD, X0), plot_trajectories(FAM, WORD, X0).compute())
    assert len(fig.axes[0].lines) == 4 and fig.axes[0].get_xlabel() == "step $n$"


def test_increments_figure_carries_the_c1_bound(tmp_path):
    data = read_csv(build(plot_increments(FAM, WORD, X0), tmp_path).csv)
    cert = certify(FAM, X0)
    np.testing.assert_allclose(data["bound"], cert.rho ** np.arange(30) * cert.C, rtol=1e-15)
    assert np.all(data["backward_increment"] <= data["bound"] * (1 + 1e-12))
    np.testing.assert_allclose(data["forward_increment"], np.linalg.norm(np.diff(forward(FAM, WORD, X0), axis=0), axis=1))


def test_increments_without_a_certificate_draw_no_bound():
    fam = gradient_steps(lambda k, x: np.tanh(x - k), 0.5, K=2, dim=1)
    spec = plot_increments(fam, WORD, np.zeros(1))
    assert "bound" not in spec.compute()
    assert len(render(spec, spec.compute()).axes[0].lines) == 2


@pytest.mark.parametrize("call,match", [(lambda: plot_trajectories(FAM, [], X0), "word"),
                                         (lambda: plot_trajectories(FAM, WORD, X0, coordinates=0), "coordinates"),
                                         (lambda: plot_increments(FAM, WORD, np.zeros(3)), "x0")])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
