"""Phase diagrams: the cell statistics against a naive loop, the figure's arrays and axes, the command."""

import numpy as np
import pytest
import xarray as xr

from revsgd.cli import main
from revsgd.figures import phase_diagram, read_csv, render
from revsgd.sweep.phase import gamma_zero, phase_data

DIMS = ("lr_fraction", "batch_size", "order", "seed")


def _dataset(rng):
    shape = (3, 2, 3, 4)
    data = {name: (DIMS, rng.normal(size=shape)) for name in
            ("lyapunov_exponent", "stationary_cov_trace", "backward_settle_step", "late_fluctuation",
             "learning_rate", "mean_square_radius")}
    data["done"] = (DIMS, np.ones(shape, bool))
    ds = xr.Dataset(data, coords={"lr_fraction": [0.2, 0.5, 0.8], "batch_size": [4, 16],
                                  "order": ["reshuffled_forward", "forward", "iid_backward"], "seed": [0, 1, 2, 3]})
    ds["backward_settle_step"][2, 1, 2, 3] = np.nan  # one seed without a value: the cell is invalid
    ds["done"][0, 0, 1, 0] = False  # a point not done counts as missing
    return ds


def test_cells_are_seed_means_and_spreads_of_the_right_order():
    ds = _dataset(np.random.default_rng(0))
    data = phase_data(ds)
    for row in range(6):
        i, j = data["lr_index"][row], data["batch_index"][row]
        assert data["lr"][row] == ds.lr_fraction.values[i] and data["batch_size"][row] == ds.batch_size.values[j]
        for panel, variable, k in (("lyapunov", "lyapunov_exponent", 0), ("spread", "stationary_cov_trace", 0),
                                   ("settle", "backward_settle_step", 2), ("fluct", "late_fluctuation", 1)):
            values = [float(ds[variable][i, j, k, s]) for s in range(4)]
            if (i, j, k) == (0, 0, 1):
                values[0] = np.nan  # not done
            valid = all(np.isfinite(values))
            assert data[f"{panel}_valid"][row] == valid, (panel, row)
            if valid:
                mean = sum(values) / 4
                sd = (sum((v - mean) ** 2 for v in values) / 3) ** 0.5
                assert data[f"{panel}_mean"][row] == pytest.approx(mean, rel=1e-14, abs=1e-15)
                assert data[f"{panel}_sd"][row] == pytest.approx(sd, rel=1e-12)
            else:
                assert data[f"{panel}_mean"][row] == 0.0
    assert data["settle_valid"].tolist() == [1, 1, 1, 1, 1, 0]
    assert data["fluct_valid"].tolist() == [0, 1, 1, 1, 1, 1]
    assert data["lr_is_fraction"].tolist() == [1] * 6


def test_gamma_zero_is_the_linear_interpolation_of_the_sign_change():
    data = {"lr": np.array([0.1, 0.2, 0.4, 0.1, 0.2, 0.4]), "batch_size": np.array([4.0] * 3 + [8.0] * 3),
            "lr_index": np.array([0, 1, 2, 0, 1, 2]), "batch_index": np.array([0, 0, 0, 1, 1, 1]),
            "lyapunov_mean": np.array([-3.0, -1.0, 1.0, -2.0, -1.0, -0.5]),
            "lyapunov_valid": np.array([1, 1, 1, 1, 1, 1])}
    assert gamma_zero(data) == [(4.0, 0.30000000000000004)]
    data["lyapunov_valid"][1] = 0  # interpolate across the invalid cell
    assert gamma_zero(data) == [(4.0, pytest.approx(0.1 + 0.3 * 3 / 4))]


def test_figure_draws_four_labelled_heatmaps_with_the_gamma_zero_contour(store):
    data = phase_data(xr.open_zarr(store))
    assert len(data["zero_lr"]) >= 1  # the small grid crosses gamma = 0 at batch size 16
    fig = render(phase_diagram, data)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in axes] == [title for title, _ in phase_diagram.TITLES.values()]
    for ax in axes:
        assert [t.get_text() for t in ax.get_xticklabels()] == ["0.3", "0.9", "2.4"]
        assert [t.get_text() for t in ax.get_yticklabels()] == ["4", "16"]
        assert ax.get_xlabel() == r"learning rate $h$ / (2/L)" and ax.get_ylabel() == "batch size"
        mesh = ax.collections[0]
        panel = [p for p, (title, _) in phase_diagram.TITLES.items() if title == ax.get_title()][0]
        expected = np.ma.masked_array(phase_diagram.grid_of(data, f"{panel}_mean"),
                                      mask=phase_diagram.grid_of(data, f"{panel}_valid") == 0).T
        np.testing.assert_array_equal(mesh.get_array(), expected)
    assert any(len(c.get_paths()) for c in axes[0].collections[1:])  # the gamma = 0 contour


def test_figures_sweep_writes_the_phase_diagram_of_a_store(store, tmp_path, capsys):
    assert main(["figures", "--sweep", str(store), "--out", str(tmp_path)]) == 0
    back = read_csv(tmp_path / "phase_diagram.csv")
    data = phase_data(xr.open_zarr(store))
    for key in data:
        np.testing.assert_array_equal(back[key], data[key], err_msg=key)
    assert (tmp_path / "phase_diagram.pdf").stat().st_size > 0 and (tmp_path / "phase_diagram.png").exists()
    assert main(["figures", "--sweep", str(tmp_path / "nothing.zarr"), "--out", str(tmp_path)]) == 2
    assert "is not a revsgd sweep store" in capsys.readouterr().err
    assert main(["figures", "--sweep", str(store), "--only", "orders", "--out", str(tmp_path)]) == 2
    assert "--only and --sweep cannot be combined" in capsys.readouterr().err


def test_equal_seeds_have_no_spread():
    ds = _dataset(np.random.default_rng(1))
    ds["stationary_cov_trace"][...] = 0.1  # an exact quantity: the same for every seed
    assert phase_data(ds)["spread_sd"].tolist() == [0.0] * 6  # not the round-off of a mean of equal values
