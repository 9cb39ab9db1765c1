"""A new iteration order added in one file: "shuffle once" (one permutation, every epoch).

SGD with a single shuffle draws one uniform permutation :math:`\\pi` and visits the maps in
that order in every epoch, :math:`x_{eK} = (T_{\\pi_K} \\circ \\dots \\circ T_{\\pi_1})^e(x_0)`.
Nothing outside this file knows it: it is an :class:`~revsgd.theory.order_values.Order`
built from its three functions, checked by the same contract as the registry's orders
(tests/order_contract.py) and drawn by the orders figure as a tenth case.
"""

import numpy as np
import pytest
from hypothesis import given

from revsgd.figures import orders as orders_figure
from revsgd.figures.base import render
from revsgd.theory import ORDERS, forward
from revsgd.theory.family import AffineFamily
from revsgd.theory.order_values import Order
from revsgd.theory.run import Run
from revsgd.theory.strategies import affine_families, seeds
from tests.order_contract import assert_composes_its_word, assert_cost_is_what_a_general_family_spends


def shuffle_once() -> Order:
    """One uniform permutation drawn once and repeated every epoch, composed forward; cost n."""

    def draw(family, n_epochs, rng):
        return np.tile(rng.permutation(family.K), n_epochs).astype(np.int64)

    def run(family, word, x0):
        word = np.asarray(word, dtype=np.int64)
        return Run(word, forward(family, word, x0), word.size, word.size)

    return Order("shuffle_once", draw, run, lambda n, depth: n, label="shuffle once")


def shuffle_once_loop(family, word, x0):
    """The naive reference: one map at a time."""
    x, rows = np.asarray(x0, float), [np.asarray(x0, float)]
    for k in word:
        x = family.apply(int(k), x)
        rows.append(x)
    return np.array(rows)


@given(affine_families(max_K=4), seeds())
def test_shuffle_once_keeps_the_order_contract(fam, seed):
    x0 = np.random.default_rng(seed).standard_normal(fam.dim)
    run = assert_composes_its_word(shuffle_once(), shuffle_once_loop, fam, x0, 3, seed)
    epochs = run.word.reshape(3, fam.K)
    assert sorted(epochs[0].tolist()) == list(range(fam.K))
    assert (epochs == epochs[0]).all()  # the same permutation every epoch


def test_shuffle_once_cost_is_what_a_general_family_spends():
    family = AffineFamily(np.broadcast_to(0.4 * np.eye(2), (3, 2, 2)), np.arange(6.0).reshape(3, 2))
    run = assert_cost_is_what_a_general_family_spends(shuffle_once(), family, np.zeros(2), 4)
    assert run.applications == 12


def test_the_registry_plus_the_new_order_is_still_a_tuple_of_orders():
    registry = ORDERS + (shuffle_once(),)
    assert all(isinstance(order, Order) for order in registry)
    assert len({order.name for order in registry}) == len(registry)


def test_shuffle_once_is_a_tenth_case_of_the_orders_figure(monkeypatch):
    monkeypatch.setattr(orders_figure, "CASES", orders_figure.CASES + (shuffle_once(),))
    monkeypatch.setattr(orders_figure, "CHAINS", 4)
    monkeypatch.setattr(orders_figure, "EPOCHS", 6)
    data = orders_figure.compute(0)
    assert data["case"].size == 10 and data["cost"][9] == pytest.approx(1.0)
    (ax,) = render(orders_figure, data).get_axes()
    points = [ln for ln in ax.get_lines() if ln.get_linestyle() == "None"]
    assert [ln.get_label() for ln in points][-1] == "shuffle once"
    assert len({(ln.get_marker(), ln.get_color()) for ln in points}) == 10
