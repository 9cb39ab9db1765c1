r"""The data of the phase diagrams: a store's metrics over learning rate x batch size, seeds averaged.

For each cell :math:`(\ell, B)` of the grid and each panel, the values of the seeds
:math:`v_1, \dots, v_S` give the mean :math:`\bar v` and the spread (sample standard deviation,
0 for one seed):

============== ============================== =================================================
panel          variable                       order
============== ============================== =================================================
``lyapunov``   ``lyapunov_exponent``          any (it is a property of the i.i.d. family)
``spread``     ``stationary_cov_trace``       any
``settle``     ``backward_settle_step``       the sweep's backward order (:data:`BACKWARD`)
``fluct``      ``late_fluctuation``           the sweep's forward order (:data:`FORWARD`)
============== ============================== =================================================

A cell is *valid* when every seed has a finite value (points not done count as missing);
invalid cells carry 0 and ``*_valid = 0``. :func:`gamma_zero` locates, for each batch size,
where :math:`\gamma` changes sign along the learning-rate axis (linear interpolation between
neighbouring grid values), the boundary of contraction on average (C8).

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999 (the
    sign of :math:`\gamma` decides backward convergence).
"""

from __future__ import annotations

import numpy as np

__all__ = ["BACKWARD", "FORWARD", "PANELS", "gamma_zero", "lr_dim", "phase_data", "pick_order"]

#: panel -> (variable, "backward" / "forward" / None: which order it is read at)
PANELS = {
    "lyapunov": ("lyapunov_exponent", None),
    "spread": ("stationary_cov_trace", None),
    "settle": ("backward_settle_step", "backward"),
    "fluct": ("late_fluctuation", "forward"),
}
#: order names read as "the backward order", in preference order
BACKWARD = ("backward", "iid_backward", "reshuffled_backward", "block_backward")
#: order names read as "the forward order", in preference order
FORWARD = ("forward", "iid_forward", "reshuffled_forward")


def lr_dim(ds) -> str:
    """The learning-rate dimension of a store: ``"lr_fraction"`` or ``"lr"``.

    Raises:
        ValueError: a Dataset with neither (not a sweep store).
    """
    for name in ("lr_fraction", "lr"):
        if name in ds.dims:
            return name
    raise ValueError(f"ds must have an lr_fraction or lr dimension (a revsgd sweep store); got dims {tuple(ds.dims)}")


def pick_order(ds, kind: str):
    """The order coordinate the panels of ``kind`` (``"backward"``/``"forward"``) read, or None.

    Example:
        >>> import xarray as xr
        >>> pick_order(xr.Dataset(coords={"order": ["forward", "reshuffled_backward"]}), "backward")
        'reshuffled_backward'
    """
    names = [str(o) for o in ds["order"].values]
    for name in BACKWARD if kind == "backward" else FORWARD:
        if name in names:
            return name
    return None


def _cells(values: np.ndarray):
    """Mean, spread and validity over the last axis (seeds) of ``(L, B, S)`` values."""
    valid = np.all(np.isfinite(values), axis=-1)
    safe = np.where(np.isfinite(values), values, 0.0)
    mean = safe.mean(axis=-1)
    spread = safe.std(axis=-1, ddof=1) if values.shape[-1] > 1 else np.zeros(mean.shape)
    spread = np.where(safe.max(axis=-1) == safe.min(axis=-1), 0.0, spread)  # equal seeds: exactly 0, not round-off
    return np.where(valid, mean, 0.0), np.where(valid, spread, 0.0), valid


def _panel(ds, variable, kind, lr):
    if variable not in ds:
        return None
    da = ds[variable].where(ds["done"])
    if kind is None:
        da = da.isel(order=0)
    else:
        order = pick_order(ds, kind)
        if order is None:
            return None
        da = da.sel(order=order)
    return np.asarray(da.transpose(lr, "batch_size", "seed").values, dtype=float)


def phase_data(ds) -> dict:
    r"""The columns of the phase diagrams of a sweep store (module docstring), one row per cell.

    Args:
        ds: the store as an ``xarray.Dataset`` (``xarray.open_zarr`` or :func:`revsgd.sweep.run`).

    Returns:
        a dict of 1-D arrays: ``lr`` (the grid value), ``lr_index``, ``batch_size``,
        ``batch_index``, ``lr_is_fraction`` (1: the grid is ``lr_fraction``), ``learning_rate`` (absolute, mean over seeds), ``radius`` (mean-square
        radius), and for each panel of :data:`PANELS` ``<panel>_mean``, ``<panel>_sd``,
        ``<panel>_valid``; ``zero_batch_size`` / ``zero_lr``: the :func:`gamma_zero` crossings
        (shorter columns). Cells in C order over (lr, batch_size).

    Raises:
        ValueError: not a sweep store.

    Example:
        >>> import numpy as np, xarray as xr
        >>> dims = ("lr", "batch_size", "order", "seed")
        >>> gamma = np.array([-0.5, 0.5]).reshape(2, 1, 1, 1)
        >>> ds = xr.Dataset({"lyapunov_exponent": (dims, gamma), "done": (dims, np.ones(gamma.shape, bool))},
        ...                 coords={"lr": [0.1, 0.3], "batch_size": [4], "order": ["forward"], "seed": [0]})
        >>> data = phase_data(ds)
        >>> data["lyapunov_mean"].tolist(), data["lyapunov_valid"].tolist(), data["zero_lr"].tolist()
        ([-0.5, 0.5], [1, 1], [0.2])
    """
    lr = lr_dim(ds)
    L, B = ds.sizes[lr], ds.sizes["batch_size"]
    li, bi = np.meshgrid(np.arange(L), np.arange(B), indexing="ij")
    data = {
        "lr": np.asarray(ds[lr].values, dtype=float)[li.ravel()],
        "lr_index": li.ravel(),
        "batch_size": np.asarray(ds["batch_size"].values, dtype=float)[bi.ravel()],
        "batch_index": bi.ravel(),
        "lr_is_fraction": np.full(L * B, int(lr == "lr_fraction")),
    }
    for name, variable in (("learning_rate", "learning_rate"), ("radius", "mean_square_radius")):
        values = _panel(ds, variable, None, lr)
        data[name] = (np.zeros(L * B) if values is None else _cells(values)[0].ravel())
    for panel, (variable, kind) in PANELS.items():
        values = _panel(ds, variable, kind, lr)
        if values is None:
            values = np.full((L, B, 1), np.nan)
        mean, spread, valid = _cells(values)
        data[f"{panel}_mean"], data[f"{panel}_sd"] = mean.ravel(), spread.ravel()
        data[f"{panel}_valid"] = valid.ravel().astype(int)
    zeros = gamma_zero(data)
    data["zero_batch_size"] = np.array([b for b, _ in zeros], dtype=float)
    data["zero_lr"] = np.array([x for _, x in zeros], dtype=float)
    return data


def gamma_zero(data) -> list[tuple[float, float]]:
    r"""``(batch_size, lr)`` where the seed-mean :math:`\gamma` changes sign along the lr axis.

    Between neighbouring valid cells :math:`\ell_i < \ell_{i+1}` with
    :math:`\bar\gamma_i < 0 \le \bar\gamma_{i+1}` (or the reverse), the crossing
    :math:`\ell_i + (\ell_{i+1} - \ell_i)\,\bar\gamma_i / (\bar\gamma_i - \bar\gamma_{i+1})`.

    Args:
        data: columns as :func:`phase_data` returns (``lr``, ``batch_size``, ``lr_index``,
            ``batch_index``, ``lyapunov_mean``, ``lyapunov_valid``).

    Returns:
        a list of ``(batch_size, lr)`` pairs, every crossing of every batch size.

    Example:
        >>> gamma_zero({"lr": np.array([1.0, 2.0]), "batch_size": np.array([8.0, 8.0]),
        ...             "lr_index": np.array([0, 1]), "batch_index": np.array([0, 0]),
        ...             "lyapunov_mean": np.array([-1.0, 3.0]), "lyapunov_valid": np.array([1, 1])})
        [(8.0, 1.25)]
    """
    out = []
    for b in np.unique(data["batch_index"]):
        rows = np.flatnonzero((data["batch_index"] == b) & (data["lyapunov_valid"] == 1))
        rows = rows[np.argsort(data["lr_index"][rows])]
        for i, j in zip(rows[:-1], rows[1:]):
            g0, g1 = data["lyapunov_mean"][i], data["lyapunov_mean"][j]
            if (g0 < 0) != (g1 < 0):
                x0, x1 = data["lr"][i], data["lr"][j]
                out.append((float(data["batch_size"][i]), float(x0 + (x1 - x0) * g0 / (g0 - g1))))
    return out
