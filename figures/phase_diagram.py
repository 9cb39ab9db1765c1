r"""Phase diagrams over learning rate x batch size: where backward settles, how wide the law is.

Four heatmaps of a sweep (:mod:`revsgd.sweep`), seeds averaged, each cell annotated with the
spread across seeds (:math:`\pm` one standard deviation; :mod:`revsgd.sweep.phase`):

* the top Lyapunov exponent :math:`\gamma` of the i.i.d. product (C8), diverging colours
  centred at 0;
* the stationary spread :math:`\operatorname{tr} S` (C5, log colours), blank where the
  family is not mean-square stable (:math:`r \ge 1`, the dotted :math:`r = 1` contour);
* the step after which the backward run settles (C1), blank where it has not settled;
* the late fluctuation of the forward run's train loss (C3, log colours).

The dashed line on every panel is the :math:`\gamma = 0` contour: to its left backward SGD
converges almost surely. :func:`compute` runs a small built-in sweep (:data:`SPEC`: least
squares on diabetes with ridge 0.2, 6 learning rates x 4 batch sizes x forward/backward x 2
seeds, 400 steps) in-process on a ``LocalCluster`` of threads (the points are pure functions
of the spec, so the scheduler does not change them); ``revsgd figures --sweep STORE`` draws the same figure from any store.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
    B. Dherin et al., "Training in reverse", arXiv:2502.01557, 2025.
"""

from __future__ import annotations

import tempfile

import numpy as np
from matplotlib.colors import LogNorm, Normalize, TwoSlopeNorm

from revsgd.figures import style

__all__ = ["NAME", "REQUIRES", "SPEC", "STYLE", "TITLES", "compute", "draw", "grid_of"]

NAME = "phase_diagram"
REQUIRES = ("sweep", "data")
STYLE = style.paper("double", aspect=0.36, nrows=2)

#: the built-in sweep of :func:`compute` (its seeds are ``seed, seed + 1``)
SPEC = {
    "model": "least_squares",
    "data": "diabetes",
    "grid": {"lr_fraction": [0.25, 0.5, 0.75, 1.0, 1.25, 1.5], "batch_size": [4, 8, 16, 32],
             "order": ["forward", "backward"], "seed": [0, 1]},
    "run": {"steps": 400, "l2": 0.2, "lyapunov_runs": 4},
}
#: panel -> (title, colour scale)
TITLES = {
    "lyapunov": (r"Lyapunov exponent $\gamma$", "diverging"),
    "spread": (r"stationary spread $\mathrm{tr}\,S$", "log"),
    "settle": ("backward settle step", "log"),
    "fluct": ("late forward fluctuation of the train loss", "log"),
}


def compute(seed: int) -> dict:
    """Run :data:`SPEC` with seeds ``seed, seed + 1`` into a temporary store; its phase data."""
    from distributed import Client, LocalCluster

    from revsgd.sweep import run
    from revsgd.sweep.phase import phase_data

    spec = {**SPEC, "grid": {**SPEC["grid"], "seed": [seed, seed + 1]}}
    with tempfile.TemporaryDirectory() as tmp, \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        ds = run(spec, f"{tmp}/phase.zarr", client).load()
    return phase_data(ds)


def grid_of(data, column: str) -> np.ndarray:
    """``data[column]`` as the ``(lr, batch_size)`` grid (rows: learning rates)."""
    L, B = int(data["lr_index"].max()) + 1, int(data["batch_index"].max()) + 1
    grid = np.zeros((L, B))
    grid[data["lr_index"].astype(int), data["batch_index"].astype(int)] = data[column]
    return grid


def _norm(kind, values):
    if values.size == 0:
        return Normalize(0.0, 1.0)
    if kind == "diverging":
        low, high = float(values.min()), float(values.max())
        if low < 0.0 < high:
            return TwoSlopeNorm(0.0, low, high)
        return Normalize(low, high)
    positive = values[values > 0]
    if positive.size and positive.size == values.size and positive.max() > positive.min():
        return LogNorm(positive.min(), positive.max())
    return Normalize(float(values.min()), float(values.max()) if values.max() > values.min() else values.min() + 1)


def _ticks(ax, data):
    L = int(data["lr_index"].max()) + 1
    B = int(data["batch_index"].max()) + 1
    lrs = grid_of(data, "lr")[:, 0]
    sizes = grid_of(data, "batch_size")[0]
    ax.set_xticks(np.arange(L), [f"{v:.3g}" for v in lrs])
    ax.set_yticks(np.arange(B), [f"{int(v)}" for v in sizes])
    ax.set_xlabel(r"learning rate $h$ / (2/L)" if data["lr_is_fraction"][0] else r"learning rate $h$")
    ax.set_ylabel("batch size")


def _contour(ax, data, column, level, **kw):
    grid = grid_of(data, column)
    valid = grid_of(data, column.replace("_mean", "_valid")) if column.endswith("_mean") else np.ones(grid.shape)
    if min(grid.shape) < 2:
        return
    masked = np.ma.masked_array(grid, mask=valid == 0)
    if masked.count() and masked.min() < level < masked.max():
        ax.contour(np.arange(grid.shape[0]), np.arange(grid.shape[1]), masked.T, levels=[level], **kw)


def draw(data, fig) -> None:
    """Four heatmaps (module docstring) onto ``fig``."""
    axes = fig.subplots(2, 2)
    for ax, (panel, (title, kind)) in zip(axes.ravel(), TITLES.items()):
        mean, sd = grid_of(data, f"{panel}_mean"), grid_of(data, f"{panel}_sd")
        valid = grid_of(data, f"{panel}_valid") == 1
        norm = _norm(kind, mean[valid])
        cmap = "PuOr_r" if kind == "diverging" else "cividis"
        ax.set_facecolor("#dddddd")  # invalid cells: grey
        mesh = ax.pcolormesh(np.arange(mean.shape[0] + 1) - 0.5, np.arange(mean.shape[1] + 1) - 0.5,
                             np.ma.masked_array(mean, mask=~valid).T, cmap=cmap, norm=norm, shading="flat")
        fig.colorbar(mesh, ax=ax, shrink=0.9, pad=0.01)
        for i, j in zip(*np.nonzero(valid)):
            ax.text(i, j, f"±{sd[i, j]:.2g}", ha="center", va="center", fontsize=4.5, color="white"
                    if norm(mean[i, j]) < 0.5 else "black")
        _contour(ax, data, "lyapunov_mean", 0.0, colors="black", linestyles="--", linewidths=1.0)
        if panel == "spread":
            _contour(ax, data, "radius", 1.0, colors="black", linestyles=":", linewidths=1.0)
        ax.set_title(title)
        _ticks(ax, data)
    axes[0, 0].plot([], [], **style.role("theory", linestyle="--", label=r"$\gamma = 0$"))
    axes[0, 0].legend(loc="upper right", fontsize=5)
