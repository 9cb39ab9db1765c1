"""The three digits figures: their data against the JSON they are drawn from, and what they draw."""

import copy

import numpy as np
import pytest

from tests.experiments.tiny import tiny_run

from revsgd.experiments.metrics import METRICS  # noqa: E402
from revsgd.figures import FIGURES, load, render  # noqa: E402
from revsgd.figures.names import FIGURES as NAMES  # noqa: E402

DIGITS_FIGURES = ("nn_training", "nn_stability", "nn_local_contraction")


@pytest.fixture(scope="module")
def doc():
    return tiny_run().json


def test_registered_with_their_extras():
    assert NAMES[-3:] == DIGITS_FIGURES and set(DIGITS_FIGURES) <= set(FIGURES)
    for name in DIGITS_FIGURES:
        assert load(name).REQUIRES == ("data", "jax")


def _three_seeds(doc):
    """The main orders with a third, made-up seed (with two seeds, mean and median coincide)."""
    out = copy.deepcopy({"meta": doc["meta"], "orders": doc["orders"]})
    for order in out["orders"].values():
        for metric in METRICS:
            order[metric].append([3.0 * v + 1.0 for v in order[metric][0]])
    return out


def test_training_columns_are_the_seed_statistics_of_the_main_orders(doc):
    doc = _three_seeds(doc)
    data = load("nn_training").from_results(doc)
    for name, order in doc["orders"].items():
        assert data[f"{name}_step"].tolist() == order["step"]
        for metric in ("train_loss", "test_loss", "test_accuracy", "step_norm"):
            values = np.array(order[metric])
            assert np.array_equal(data[f"{name}_{metric}_mean"], values.mean(axis=0))
            assert np.array_equal(data[f"{name}_{metric}_min"], values.min(axis=0))
            assert np.array_equal(data[f"{name}_{metric}_max"], values.max(axis=0))
    fig = render(load("nn_training"), data)
    panels = [ax for ax in fig.axes if ax.lines]
    assert len(panels) == 4 and all(len(ax.lines) == len(doc["orders"]) for ax in panels)
    np.testing.assert_array_equal(panels[0].lines[1].get_ydata(), data["backward_train_loss_mean"])


def test_stability_columns_are_the_summaries_of_every_setting(doc):
    data = load("nn_stability").from_results(doc)
    assert data["lr"].tolist() == [r["lr"] for r in doc["runs"]]
    for i, r in enumerate(doc["runs"]):
        for name, summary in r["summary"].items():
            assert data[f"{name}_fluctuation_mean"][i] == summary["late_fluctuation"]["mean"]
            assert data[f"{name}_fluctuation_se"][i] == summary["late_fluctuation"]["se"]
            assert data[f"{name}_test_accuracy_mean"][i] == summary["final_test_accuracy"]["mean"]
    fig = render(load("nn_stability"), data)
    assert len(fig.axes) == 2 * len({r["weight_decay"] for r in doc["runs"]})


def test_contraction_columns_are_the_curvature_points(doc):
    data = load("nn_local_contraction").from_results(doc)
    curved = [p for p in doc["curvature"]["points"] if "forward_end" in p]
    assert data["curv_batch_low"].tolist() == [min(p["forward_end"]["batch_low"]) for p in curved]
    assert data["curv_bwd_full_high"].tolist() == [p["backward_end"]["full_high"] for p in curved]
    rated = [p for p in doc["curvature"]["points"] if p["increment_rate"]["backward"] is not None]
    assert data["rate_rate"].tolist() == [p["increment_rate"]["backward"]["rate"] for p in rated]
    assert data["rate_factor"].tolist() == [p["local_contraction"]["forward_median"] for p in rated]
    fig = render(load("nn_local_contraction"), data)
    assert [ax.get_xlabel() for ax in fig.axes][:2] == ["learning rate $h$", "measured local contraction factor per step"]


def test_experiment_draws_the_same_figures_from_its_results(doc, tmp_path):
    from revsgd.cli_experiment import draw_figures
    from revsgd.figures import read_csv

    built = draw_figures(doc, tmp_path)
    assert [b.name for b in built] == list(DIGITS_FIGURES)
    for b in built:
        back, data = read_csv(b.csv), load(b.name).from_results(doc)
        assert list(back) == list(data) and all(np.array_equal(back[k], data[k]) for k in data)
        assert b.pdf.exists() and b.png.exists()
