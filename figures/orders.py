r"""Iteration orders compared: stationary spread against cost per step (theory.orders).

On the 2-D least-squares problem (four batches) at :math:`h = 0.5 \cdot 2/L`, for each order
of :data:`CASES` and ``CHAINS`` independent chains of ``EPOCHS`` epochs from the
least-squares solution:

* ``spread_across``: :math:`\operatorname{tr}\operatorname{Cov}` of the last epoch-end state
  across chains (the law of the iterate);
* ``spread_along``: :math:`\operatorname{tr}\operatorname{Cov}` of the epoch-end states of the
  second half of the run along time, averaged over chains (how much one run still moves;
  :math:`\approx 0` for the orders that converge to a point);
* ``cost``: map applications per step for a general family (:mod:`revsgd.theory.orders`).

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
from revsgd.theory.orders import run_order

__all__ = ["NAME", "STYLE", "CASES", "CHAINS", "EPOCHS", "compute", "draw", "label"]

NAME = "orders"
STYLE = style.paper("single", aspect=0.85)

#: (order, window) compared; window 0 means none.
CASES = (
    ("iid_forward", 0),
    ("iid_backward", 0),
    ("reshuffled_forward", 0),
    ("reshuffled_backward", 0),
    ("palindromic", 0),
    ("moving_window", 2),
    ("moving_window", 8),
    ("block_backward", 2),
    ("block_backward", 8),
)
CHAINS = 200
EPOCHS = 30


def label(case: int) -> str:
    """The legend text of ``CASES[case]``."""
    name, w = CASES[case]
    return name.replace("_", " ") + (f" (w={w})" if w else "")


def compute(seed: int) -> dict:
    model = least_squares_2d()
    h = contracting_lr(model, 0.5)
    fam, half = model.step_family(h), model.step_family(h / 2)
    x0 = model.minimizer()
    rng = np.random.default_rng(seed)
    across, along, cost = [], [], []
    for name, w in CASES:
        opts = {"window": w} if w else {}
        finals, moves, spent = [], [], []
        for _ in range(CHAINS):
            run = run_order(name, half if name == "palindromic" else fam, EPOCHS, x0, rng=rng, **opts)
            ends = run.epoch_ends
            finals.append(ends[-1])
            moves.append(np.trace(np.cov(ends[EPOCHS // 2 :].T)))
            spent.append(run.applications_per_step)
        across.append(np.trace(np.cov(np.array(finals).T)))
        along.append(np.mean(moves))
        cost.append(np.mean(spent))
    _, S = stationary_moments(fam)
    return {
        "case": np.arange(len(CASES)),
        "window": np.array([w for _, w in CASES]),
        "cost": np.array(cost),
        "spread_across": np.array(across),
        "spread_along": np.array(along),
        "stationary_trace": np.full(len(CASES), np.trace(S)),
        "lr": np.full(len(CASES), h),
    }


_MARKERS = ("o", "s", "^", "v", "D", "<", ">", "P", "X")


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    colours = style.OKABE_ITO
    palette = [colours[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple",
                                    "sky_blue", "black", "yellow", "blue")]
    for i in data["case"].astype(int):
        ax.plot(data["cost"][i], data["spread_across"][i], linestyle="None", marker=_MARKERS[i],
                color=palette[i], label=label(i))
    ax.axhline(data["stationary_trace"][0], **style.role("theory", label=r"$\mathrm{tr}\,S$ (i.i.d., C5)"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("map applications per step (general family)")
    ax.set_ylabel(r"spread $\mathrm{tr}\,\mathrm{Cov}$ across chains")
    ax.legend(loc="center", bbox_to_anchor=(0.55, 0.4), fontsize=5, ncol=2)  # the empty band
