r"""Figure: training curves of every order on the digits MLP (the paper's experiment, small scale).

For the main setting of a digits run (:mod:`revsgd.experiments.digits`: one learning rate
:math:`h`, one weight decay, every order on the same words), the train loss, the test loss,
the test accuracy and the step norm :math:`|\theta_{t+1} - \theta_t|` of each order against the
step :math:`t`: the line is the mean over seeds, the band spans the seeds (minimum to maximum).
Forward SGD keeps a step norm of the order of :math:`h |\nabla L_k|`; exact backward SGD's step
norm is the backward increment :math:`|y_{t+1} - y_t|`, which C1 bounds by :math:`\rho^t C` in a
contractive region (:mod:`revsgd.experiments.contraction` says whether the region is one).

``compute(seed)`` runs the small :data:`revsgd.experiments.digits.FIGURE` configuration (shared
with ``nn_stability`` and ``nn_local_contraction``, computed once per seed);
``revsgd experiment digits --out DIR`` draws the same figure from its own results with
:func:`from_results`.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style

__all__ = ["NAME", "REQUIRES", "STYLE", "ORDER_STYLE", "PANELS", "compute", "draw", "from_results", "order_kw"]

NAME = "nn_training"
REQUIRES = ("data", "jax")
STYLE = style.paper("double", aspect=0.55, nrows=1)

#: The curves drawn, one panel each: (metric, axis label, log scale).
PANELS = (("train_loss", "train loss", True), ("test_loss", "test loss", True),
          ("test_accuracy", "test accuracy", False), ("step_norm", r"step norm $|\theta_{t+1} - \theta_t|$", True))

#: Colour, line style and marker of each order (Okabe-Ito, distinguishable in greyscale).
ORDER_STYLE = {
    "forward": ("blue", "-", "o"),
    "backward": ("vermillion", "--", "s"),
    "block_backward": ("bluish_green", "-.", "^"),
    "moving_window": ("orange", ":", "v"),
    "palindromic": ("reddish_purple", (0, (5, 1)), "D"),
    "bracket_corrected": ("sky_blue", (0, (3, 1, 1, 1)), "P"),
}


def order_kw(name: str, **overrides) -> dict:
    """``plot`` keywords of order ``name`` (an unknown order gets black)."""
    colour, line, marker = ORDER_STYLE.get(name, ("black", "-", "x"))
    return {"color": style.OKABE_ITO[colour], "linestyle": line, "marker": marker, **overrides}


def from_results(results) -> dict:
    """The figure's columns from a digits JSON object (its top-level ``"orders"``).

    Columns, for each order ``o``: ``o_step`` and, for each metric ``m`` of the JSON,
    ``o_m_mean``, ``o_m_min``, ``o_m_max`` over seeds; ``lr`` and ``weight_decay`` of the setting.
    """
    from revsgd.experiments.metrics import METRICS

    meta = results["meta"]["settings"]
    data = {"lr": np.array([meta["main_lr"]]), "weight_decay": np.array([meta["main_weight_decay"]])}
    for name, order in results["orders"].items():
        data[f"{name}_step"] = np.asarray(order["step"])
        for metric in METRICS:
            values = np.asarray(order[metric], dtype=float)
            data[f"{name}_{metric}_mean"] = values.mean(axis=0)
            data[f"{name}_{metric}_min"] = values.min(axis=0)
            data[f"{name}_{metric}_max"] = values.max(axis=0)
    return data


def compute(seed: int) -> dict:
    from revsgd.experiments.digits import figure_results

    return from_results(figure_results(seed))


def orders_in(data) -> list:
    """The order names present in the columns, in the order they were written."""
    return [key[: -len("_step")] for key in data if key.endswith("_step")]


def draw(data, fig) -> None:
    axes = fig.subplots(1, len(PANELS))
    names = orders_in(data)
    for ax, (metric, label, log) in zip(axes, PANELS):
        for name in names:
            t = data[f"{name}_step"]
            ax.fill_between(t, data[f"{name}_{metric}_min"], data[f"{name}_{metric}_max"],
                            color=order_kw(name)["color"], alpha=0.2, linewidth=0)
            ax.plot(t, data[f"{name}_{metric}_mean"], **order_kw(name, marker="None", linewidth=0.9,
                                                                  label=name.replace("_", " ")))
        if log:
            ax.set_yscale("log")
        ax.set_xlabel("step $t$")
        ax.set_ylabel(label)
    axes[0].set_title(f"h = {data['lr'][0]:g}, weight decay {data['weight_decay'][0]:g}", fontsize=7)
    axes[-1].legend(fontsize=5, loc="best")
