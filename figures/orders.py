r"""Iteration orders compared: stationary spread against cost per step (theory.orders).

On the 2-D least-squares problem (four batches) at :math:`h = 0.5 \cdot 2/L`, for each order
of :data:`CASES` and ``CHAINS`` independent chains of ``EPOCHS`` epochs from the
least-squares solution:

* ``spread_across``: :math:`\operatorname{tr}\operatorname{Cov}` of the last epoch-end state
  across chains (the law of the iterate);
* ``spread_along``: :math:`\operatorname{tr}\operatorname{Cov}` of the epoch-end states of the
  second half of the run along time, averaged over chains (how much one run still moves;
  :math:`\approx 0` for the orders that converge to a point);
* ``cost``: map applications per step for a general family (each order's ``cost``,
  :mod:`revsgd.theory.orders`).

Each case is an :class:`~revsgd.theory.order_values.Order` value: the figure takes its
legend from ``order.label``, its family's learning rate from ``order.step_fraction``
(palindromes take half steps) and cycles markers and colours, so any number of orders can
be compared.

For i.i.d. words every order has the forward law at every step (C2 and
:mod:`revsgd.theory.windows`), so their across-chain spreads all estimate the exact stationary
:math:`\operatorname{tr} S` (C5, drawn as a line); reshuffled and palindromic epochs change
the law itself.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.figures._problems import contracting_lr, least_squares_2d
from revsgd.theory import stationary_moments
from revsgd.theory import orders

__all__ = ["NAME", "STYLE", "CASES", "CHAINS", "EPOCHS", "compute", "draw", "label", "marker_style"]

NAME = "orders"
STYLE = style.paper("single", aspect=0.85)

#: The orders compared.
CASES = (
    orders.iid_forward(),
    orders.iid_backward(),
    orders.reshuffled_forward(),
    orders.reshuffled_backward(),
    orders.palindromic(),
    orders.moving_window(2),
    orders.moving_window(8),
    orders.block_backward(2),
    orders.block_backward(8),
)
CHAINS = 200
EPOCHS = 30


def label(case: int) -> str:
    """The legend text of ``CASES[case]`` (the order's label)."""
    return CASES[case].label


def compute(seed: int) -> dict:
    model = least_squares_2d()
    h = contracting_lr(model, 0.5)
    fam = model.step_family(h)
    x0 = model.minimizer()
    rng = np.random.default_rng(seed)
    across, along, cost = [], [], []
    for order in CASES:
        family = model.step_family(h * order.step_fraction)
        finals, moves, spent = [], [], []
        for _ in range(CHAINS):
            run = order.sample(family, EPOCHS, x0, rng=rng)
            ends = run.trajectory[:: family.K]  # the epoch ends
            finals.append(ends[-1])
            moves.append(np.trace(np.cov(ends[EPOCHS // 2 :].T)))
            spent.append(order.cost(run.n, run.depth) / max(run.n, 1))
        across.append(np.trace(np.cov(np.array(finals).T)))
        along.append(np.mean(moves))
        cost.append(np.mean(spent))
    _, S = stationary_moments(fam)
    return {
        "case": np.arange(len(CASES)),
        "window": np.array([order.param("window", 0) for order in CASES]),
        "cost": np.array(cost),
        "spread_across": np.array(across),
        "spread_along": np.array(along),
        "stationary_trace": np.full(len(CASES), np.trace(S)),
        "lr": np.full(len(CASES), h),
    }


_MARKERS = ("o", "s", "^", "v", "D", "<", ">", "P", "X", "*", "h", "d", "p", "8", "H")
_COLOURS = ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue", "black", "yellow")


def marker_style(case: int) -> dict:
    """Marker and colour of case ``case``: both cycle, so any number of orders can be drawn.

    The pair (marker, colour) repeats only after 120 cases (15 markers, 8 colours).
    """
    return {"marker": _MARKERS[case % len(_MARKERS)],
            "color": style.OKABE_ITO[_COLOURS[case % len(_COLOURS)]]}


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    for i in data["case"].astype(int):
        ax.plot(data["cost"][i], data["spread_across"][i], linestyle="None", label=label(i),
                **marker_style(i))
    ax.axhline(data["stationary_trace"][0], **style.role("theory", label=r"$\mathrm{tr}\,S$ (i.i.d., C5)"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("map applications per step (general family)")
    ax.set_ylabel(r"spread $\mathrm{tr}\,\mathrm{Cov}$ across chains")
    ax.legend(loc="center", bbox_to_anchor=(0.55, 0.4), fontsize=5, ncol=2)  # the empty band
