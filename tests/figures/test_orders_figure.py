"""The orders figure plots what theory.orders and theory.windows say (data at seed 0).

Its cases are Order values; a tenth (or any further) order is drawn with a marker and a
colour of its own (both cycle).

Sampling error: the across-chain trace of 200 chains has relative standard error about
sqrt(2/200) = 0.1 (near-Gaussian coordinates); the 0.35 tolerance is 3.5 of them, a
false-alarm rate below 1e-3 per comparison at the fixed seed.
"""

import pytest

from revsgd.figures import orders as fig_module
from revsgd.figures.base import render
from revsgd.theory import orders

IID_WORDS = ("iid_forward", "iid_backward", "moving_window", "block_backward")
CONVERGING = ("iid_backward", "reshuffled_backward", "block_backward")


@pytest.fixture(scope="module")
def data():
    return fig_module.compute(0)


def _rows(data, names):
    return [i for i, order in enumerate(fig_module.CASES) if order.name in names]


def test_iid_word_orders_have_the_stationary_spread(data):
    for i in _rows(data, IID_WORDS):
        assert data["spread_across"][i] == pytest.approx(data["stationary_trace"][i], rel=0.35), i


def test_only_the_backward_orders_stop_moving(data):
    for i in range(len(fig_module.CASES)):
        if fig_module.CASES[i].name in CONVERGING:
            assert data["spread_along"][i] <= 1e-20 * data["spread_across"][i]
        else:
            assert data["spread_along"][i] >= 0.5 * data["spread_across"][i]


def test_epochs_shrink_the_spread_palindromes_most(data):
    iid, resh, pal = (data["spread_across"][_rows(data, (n,))[0]]
                      for n in ("iid_forward", "reshuffled_forward", "palindromic"))
    assert pal < 0.2 * resh and resh < 0.85 * iid


def test_costs_are_the_table_of_theory_orders(data):
    K = 4
    n = fig_module.EPOCHS * K
    for i, order in enumerate(fig_module.CASES):
        w = order.param("window", 0)
        assert data["window"][i] == w
        expected = {"iid_forward": n, "reshuffled_forward": n, "palindromic": 2 * n,
                    "moving_window": n + w * (n - w) + w * (w + 1) // 2}.get(order.name, n * (n + 1) // 2)
        assert data["cost"][i] == pytest.approx(expected / n, rel=1e-12)


def test_drawn_points_are_the_data(data):
    fig = render(fig_module, data)
    (ax,) = fig.get_axes()
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    points = [ln for ln in ax.get_lines() if ln.get_linestyle() == "None"]
    assert [ln.get_label() for ln in points] == [fig_module.label(i) for i in data["case"]]
    for i, ln in enumerate(points):
        assert ln.get_xdata()[0] == data["cost"][i]
        assert ln.get_ydata()[0] == data["spread_across"][i]
    assert len(set(ln.get_marker() for ln in points)) == len(points)


def test_labels_are_the_orders_labels():
    assert [fig_module.label(i) for i in range(len(fig_module.CASES))] == [
        "iid forward", "iid backward", "reshuffled forward", "reshuffled backward", "palindromic",
        "moving window (w=2)", "moving window (w=8)", "block backward (w=2)", "block backward (w=8)"]


@pytest.mark.parametrize("extra", [1, 8])
def test_a_tenth_order_and_more_are_drawn(monkeypatch, extra):
    """Extra cases beyond the nine of the paper figure: computed, drawn, each point distinct."""
    more = tuple(orders.moving_window(w) for w in range(3, 3 + extra))
    monkeypatch.setattr(fig_module, "CASES", fig_module.CASES + more)
    monkeypatch.setattr(fig_module, "CHAINS", 3)
    monkeypatch.setattr(fig_module, "EPOCHS", 4)
    data = fig_module.compute(0)
    assert data["case"].size == 9 + extra
    (ax,) = render(fig_module, data).get_axes()
    points = [ln for ln in ax.get_lines() if ln.get_linestyle() == "None"]
    assert [ln.get_label() for ln in points] == [order.label for order in fig_module.CASES]
    assert len({(ln.get_marker(), ln.get_color()) for ln in points}) == len(points)
    if extra == 1:  # within the cycle of markers each marker is still unique
        assert len({ln.get_marker() for ln in points}) == len(points)
