r"""The sweep's Zarr store: the whole grid up front, one region per point, a completion mask.

Layout (a Zarr group in format 2, readable by ``xarray.open_zarr(STORE)``):

* one dimension per grid key, in spec order, its values the coordinate;
* one float64 variable per metric of :data:`revsgd.sweep.points.METRICS` (``final_test_loss``
  only with a test split), NaN until the point is written;
* ``reason`` (why a metric of the point is NaN) and ``error`` (the exception of a failed
  point), variable-length UTF-8 strings;
* ``done``: the completion mask (bool);
* every variable in the same chunks of at most :data:`CHUNK_POINTS` points (the trailing grid
  keys whole, :func:`chunk_shape`), so a batch of finished points costs one chunk write per
  variable, not one per point;
* attributes: ``revsgd_sweep_spec`` (the canonical spec, JSON), ``revsgd_sweep_digest``
  (its SHA-256), ``model``, ``data``, ``remainder``, ``steps`` and ``versions`` (JSON).

Invariant (what makes a killed sweep resumable): only the driver writes, one batch of
finished points at a time, every variable of the batch before the batch's ``done`` entries;
so ``done[i]`` implies that point ``i``'s data are complete. Zarr's local store replaces
each chunk file atomically (a temporary file renamed over it), so a kill leaves every chunk
old or new, never torn. The digest attribute is written last when a store is created, so a
store without it was never finished and is refused.

References:
    A. Miles et al., "Zarr: chunked, compressed, N-dimensional arrays", zarr-specs v2,
    https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html.
    S. Hoyer, J. Hamman, "xarray: N-D labeled arrays and datasets in Python", Journal of
    Open Research Software 5(1), 2017.
"""

from __future__ import annotations

import json
import math
import os
import platform
from importlib import metadata
from pathlib import Path

import numpy as np

__all__ = ["CHUNK_POINTS", "TEXT_CHARS", "PointWriter", "StoreError", "chunk_shape", "create_store",
           "missing_points", "open_store", "store_variables"]

#: most points in one chunk
CHUNK_POINTS = 256
#: longest ``reason`` or ``error`` text kept (longer ones end in "...")
TEXT_CHARS = 2000
_DIGEST, _SPEC = "revsgd_sweep_digest", "revsgd_sweep_spec"


class StoreError(ValueError):
    """A store that cannot take this sweep (another spec's, not a sweep store, unfinished)."""


def store_variables(spec) -> list[str]:
    """The metric variables of ``spec``'s store, in :data:`~revsgd.sweep.points.METRICS` order.

    Example:
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1], "batch_size": [4],
        ...                   "order": ["forward"]}, "run": {"test_fraction": 0.0}})
        >>> "final_test_loss" in store_variables(spec), store_variables(spec)[0]
        (False, 'learning_rate')
    """
    from revsgd.sweep.points import METRICS

    test = spec.option("test_fraction") > 0
    return [name for name in METRICS if test or name != "final_test_loss"]


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("revsgd", "numpy", "scipy", "dask", "distributed", "xarray", "zarr"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:  # pragma: no cover - an uninstalled checkout
            out[dist] = "unknown"
    return out


def _describe(name, spec) -> dict:
    from revsgd.sweep.points import METRICS

    long_name, text = METRICS[name]
    if spec.model == "logistic" and name in ("mean_square_radius", "lyapunov_exponent"):
        text += " (of the steps linearized at the minimizer)"
    return {"long_name": long_name, "description": text}


def chunk_shape(shape, points: int = CHUNK_POINTS) -> tuple[int, ...]:
    """Chunks of at most ``points`` points: trailing dimensions whole, then part of the next, then 1.

    Example:
        >>> chunk_shape((20, 5, 2, 3))
        (8, 5, 2, 3)
        >>> chunk_shape((10, 40, 2, 3), points=100)
        (1, 16, 2, 3)
    """
    chunks, room = [1] * len(shape), points
    for axis in reversed(range(len(shape))):
        take = max(1, min(shape[axis], room))
        chunks[axis], room = take, room // take
        if take < shape[axis]:
            break
    return tuple(chunks)


def create_store(path, spec):
    """Create the store of ``spec`` at ``path`` (module docstring) and return its Zarr group.

    Only metadata, coordinates and the mask are written: unwritten chunks read as NaN / "".

    Args:
        path: a folder that does not exist or is empty.
        spec: a :class:`~revsgd.sweep.spec.Spec`.

    Returns:
        the ``zarr.Group``, opened for writing.

    Raises:
        StoreError: ``path`` holds files already.

    Example:
        >>> import tempfile
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1, 0.2], "batch_size": [4],
        ...                   "order": ["forward"]}})
        >>> group = create_store(tempfile.mkdtemp() + "/s.zarr", spec)
        >>> group["done"].shape, missing_points(group, spec)
        ((2, 1, 1, 1), [0, 1])
    """
    import dask.array as da
    import xarray as xr
    import zarr

    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise StoreError(f"--out {str(path)!r} exists and is not empty; choose a new folder or a sweep store")
    dims, shape = spec.dims, spec.shape
    chunks = chunk_shape(shape)
    variables = {name: (dims, da.full(shape, np.nan, chunks=chunks), _describe(name, spec))
                 for name in store_variables(spec)}
    variables["reason"] = (dims, np.full(shape, "", dtype=object),
                           {"description": "why a metric of the point is NaN ('' when none)"})
    variables["error"] = (dims, np.full(shape, "", dtype=object),
                          {"description": "the exception of a failed point ('' when none)"})
    variables["done"] = (dims, da.zeros(shape, dtype=bool, chunks=chunks),
                         {"description": "completion mask: the point's data are written"})
    coords = {key: np.asarray(values) for key, values in spec.grid}
    ds = xr.Dataset(variables, coords=coords, attrs={
        "model": spec.model, "data": spec.data, "remainder": spec.option("remainder"),
        "steps": spec.option("steps"), "versions": json.dumps(_versions(), sort_keys=True),
        _SPEC: spec.canonical()})
    encoding = {name: {"chunks": chunks} for name in ("reason", "error")}  # numpy-backed: chunks not inferred
    ds.to_zarr(os.fspath(path), mode="w", compute=False, zarr_format=2, consolidated=False, encoding=encoding)
    group = zarr.open_group(os.fspath(path), mode="r+")
    group["done"][...] = np.zeros(shape, dtype=bool)
    group.attrs[_DIGEST] = spec.digest  # last: marks the store finished
    zarr.consolidate_metadata(os.fspath(path))  # xarray.open_zarr reads one file (metadata never changes)
    return zarr.open_group(os.fspath(path), mode="r+")


def _difference(stored: dict, spec) -> str:
    ours = json.loads(spec.canonical())
    keys = [k for k in ("model", "data") if stored.get(k) != ours[k]]
    keys += [f"grid.{k}" for k in {k for k, _ in stored.get("grid", [])} | {k for k, _ in ours["grid"]}
             if dict(map(tuple, stored.get("grid", []))).get(k) != dict(map(tuple, ours["grid"])).get(k)]
    keys += [f"run.{k}" for k in sorted(set(stored.get("run", {})) | set(ours["run"]))
             if stored.get("run", {}).get(k) != ours["run"].get(k)]
    return ", ".join(sorted(keys)) or "the key order"


def open_store(path, spec):
    """The Zarr group of ``spec``'s store at ``path``: created if missing, checked if present.

    Args:
        path: the store's folder.
        spec: a :class:`~revsgd.sweep.spec.Spec`.

    Returns:
        the ``zarr.Group``, opened for writing.

    Raises:
        StoreError: the store was written by a different spec (the differing keys are named),
            is not a sweep store, or its creation was interrupted.

    Example:
        >>> import tempfile
        >>> from revsgd.sweep.spec import load_spec
        >>> grid = {"lr": [0.1], "batch_size": [4], "order": ["forward"]}
        >>> out = tempfile.mkdtemp() + "/s.zarr"
        >>> _ = open_store(out, load_spec({"model": "random_affine", "grid": grid}))
        >>> open_store(out, load_spec({"model": "random_affine", "grid": grid, "run": {"steps": 10}}))
        Traceback (most recent call last):
        ...
        revsgd.sweep.store.StoreError: ... was written by a different spec (differs in run.steps)...
    """
    import zarr

    path = Path(path)
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return create_store(path, spec)
    try:
        group = zarr.open_group(os.fspath(path), mode="r+")
        digest = group.attrs.get(_DIGEST)
    except Exception:  # noqa: BLE001 - anything that is not a readable group
        digest, group = None, None
    if digest is None:
        raise StoreError(f"--out {str(path)!r} is not a finished revsgd sweep store (no {_DIGEST} attribute: "
                         "another file, or a creation that was interrupted); remove it or choose another folder")
    if digest != spec.digest:
        stored = json.loads(group.attrs.get(_SPEC, "{}"))
        raise StoreError(f"--out {str(path)!r} was written by a different spec (differs in "
                         f"{_difference(stored, spec)}); results are never mixed: use a new folder, "
                         "or the spec that wrote it")
    return group


def missing_points(group, spec) -> list[int]:
    """The flat numbers (C order) of the points whose ``done`` entry is False.

    Example:
        >>> import tempfile
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1], "batch_size": [4, 8],
        ...                   "order": ["forward"]}})
        >>> missing_points(create_store(tempfile.mkdtemp() + "/s.zarr", spec), spec)
        [0, 1]
    """
    return np.flatnonzero(~np.asarray(group["done"][...], dtype=bool).reshape(-1)).tolist()


def _clip(text: str) -> str:
    return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 3] + "..."


class PointWriter:
    """Writes batches of finished points into a store: every variable, then the ``done`` entries.

    Args:
        path: the store's folder (created by :func:`create_store`).
        spec: its spec.

    Raises:
        StoreError: not this spec's store (from :func:`open_store`).

    Example:
        >>> import tempfile
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1], "batch_size": [4, 8],
        ...                   "order": ["forward"]}})
        >>> out = tempfile.mkdtemp() + "/s.zarr"
        >>> PointWriter(out, spec).write([(1, {"learning_rate": 0.1, "reason": ""}, "")])
        >>> missing_points(open_store(out, spec), spec)
        [0]
    """

    def __init__(self, path, spec):
        group = open_store(path, spec)
        self.spec = spec
        self.names = store_variables(spec)
        self._arrays = {name: group[name] for name in [*self.names, "reason", "error", "done"]}

    def write(self, points) -> None:
        """Write the points ``(flat, record, error)``: their variables, then their ``done`` entries.

        Args:
            points: a list of ``(flat, record, error)``: the point's number in C order; the
                metrics of :func:`revsgd.sweep.points.compute_point` (names missing from it are
                written as NaN; keys starting with ``_`` are ignored), or None for a failed
                point; the failure's text ("" on success). A point with an error is recorded
                but stays not done, so a rerun computes it again.

        Raises:
            KeyError: a record with a name that is not a store variable (before anything is written).
        """
        if not points:
            return
        records = [{} if r is None else {k: v for k, v in r.items() if not k.startswith("_")} for _, r, _ in points]
        for record in records:
            unknown = [k for k in record if k not in self.names and k != "reason"]
            if unknown:
                raise KeyError(f"record has names that are not store variables: {unknown}; allowed: {self.names}")
        flats = np.array([flat for flat, _, _ in points], dtype=np.int64)
        where = np.unravel_index(flats, self.spec.shape)
        for name in self.names:
            values = [math.nan if r.get(name) is None else float(r[name]) for r in records]
            self._arrays[name].vindex[where] = np.array(values, dtype=np.float64)
        self._arrays["reason"].vindex[where] = np.array([_clip(str(r.get("reason", ""))) for r in records], dtype=object)
        self._arrays["error"].vindex[where] = np.array([_clip(e) for _, _, e in points], dtype=object)
        ok = np.array([not e for _, _, e in points])
        if ok.any():  # the mask last: done implies the data are there
            self._arrays["done"].vindex[tuple(w[ok] for w in where)] = True
