r"""Figure: late fluctuation and final test accuracy of every order against the learning rate (digits MLP).

For every setting of a digits run (:mod:`revsgd.experiments.digits`), two summaries per order
and seed (:mod:`revsgd.experiments.metrics`): the late-phase fluctuation, the standard deviation
of the train loss over the recorded steps :math:`t \ge 3n/4`, and the test accuracy at the last
recorded step; drawn as the mean over seeds with error bars of one standard error
(:math:`\hat\sigma/\sqrt S`; none with a single seed), against the learning rate :math:`h`,
one row of panels per weight decay. The paper's claim "backward trajectories are more
stable" is the backward curve below the forward one on the left.

``compute(seed)`` runs the small :data:`revsgd.experiments.digits.FIGURE` configuration (shared
with ``nn_training`` and ``nn_local_contraction``); ``revsgd experiment digits --out DIR`` draws
it from its own results with :func:`from_results`.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.figures.nn_training import order_kw

__all__ = ["NAME", "REQUIRES", "STYLE", "SUMMARIES", "compute", "draw", "from_results"]

NAME = "nn_stability"
REQUIRES = ("data", "jax")
STYLE = style.paper("double", aspect=0.32, nrows=2)

#: The summaries drawn: (key in the JSON's summary, column prefix, axis label, log scale).
SUMMARIES = (("late_fluctuation", "fluctuation", "late fluctuation of the train loss", True),
             ("final_test_accuracy", "test_accuracy", "final test accuracy", False))


def from_results(results) -> dict:
    """The figure's columns from a digits JSON object (its ``"runs"``), one row per setting.

    Columns: ``lr``, ``weight_decay``, and for each order ``o`` and summary prefix ``p``:
    ``o_p_mean`` and ``o_p_se`` (0 when there is a single seed).
    """
    runs = results["runs"]
    data = {"lr": np.array([r["lr"] for r in runs]), "weight_decay": np.array([r["weight_decay"] for r in runs])}
    for name in runs[0]["summary"]:
        for key, prefix, _, _ in SUMMARIES:
            data[f"{name}_{prefix}_mean"] = np.array([r["summary"][name][key]["mean"] for r in runs])
            data[f"{name}_{prefix}_se"] = np.array([r["summary"][name][key]["se"] or 0.0 for r in runs])
    return data


def compute(seed: int) -> dict:
    from revsgd.experiments.digits import figure_results

    return from_results(figure_results(seed))


def draw(data, fig) -> None:
    decays = list(dict.fromkeys(data["weight_decay"].tolist()))
    names = [key[: -len("_fluctuation_mean")] for key in data if key.endswith("_fluctuation_mean")]
    axes = np.atleast_2d(fig.subplots(len(decays), len(SUMMARIES), squeeze=False))
    for row, wd in zip(axes, decays):
        sel = np.nonzero(data["weight_decay"] == wd)[0]
        sel = sel[np.argsort(data["lr"][sel])]
        for ax, (_, prefix, label, log) in zip(row, SUMMARIES):
            for name in names:
                ax.errorbar(data["lr"][sel], data[f"{name}_{prefix}_mean"][sel], yerr=data[f"{name}_{prefix}_se"][sel],
                            capsize=2, linewidth=0.9, markersize=3, label=name.replace("_", " "), **order_kw(name))
            ax.set_xscale("log")
            if log:
                ax.set_yscale("log")
            ax.set_xlabel("learning rate $h$")
            ax.set_ylabel(label)
            ax.set_title(f"weight decay {wd:g}", fontsize=7)
    axes[0, -1].legend(fontsize=5, loc="best")
