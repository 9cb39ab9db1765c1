"""The store: its layout as xarray reads it, refusals of foreign stores, the write order."""

import json

import numpy as np
import pytest
import xarray as xr
import zarr

from revsgd.sweep import StoreError, load_spec, run
from revsgd.sweep.points import METRICS, compute_point
from revsgd.sweep.store import PointWriter, create_store, missing_points, open_store
from tests.sweep.helpers import small_spec


def test_layout_is_one_dimension_per_grid_key_with_the_values_as_coordinates(store):
    ds = xr.open_zarr(store)
    spec = load_spec(small_spec())
    assert tuple(ds.dims) == spec.dims
    for key, values in spec.grid:
        assert ds[key].values.tolist() == list(values)
    for name in (*METRICS, "reason", "error", "done"):
        assert ds[name].dims == spec.dims, name
        assert ds[name].attrs.get("description"), name
    assert bool(ds.done.all()) and set(ds.error.values.ravel()) == {""}
    assert json.loads(ds.attrs["revsgd_sweep_spec"]) == json.loads(spec.canonical())
    assert ds.attrs["revsgd_sweep_digest"] == spec.digest
    versions = json.loads(ds.attrs["versions"])
    assert {"python", "revsgd", "numpy", "dask", "distributed", "xarray", "zarr"} <= set(versions)
    assert ds.attrs["remainder"] == "drop" and ds.attrs["steps"] == 300
    # NaN exactly where the reason names the metric
    reasons = ds.reason.values
    nan = np.isnan(ds.stationary_cov_trace.values)
    assert nan.any() and not nan.all()
    assert all(("stationary_cov_trace" in r) == n for r, n in zip(reasons.ravel(), nan.ravel()))


def test_values_are_the_tasks_values(store):
    ds = xr.open_zarr(store)
    spec = load_spec(small_spec())
    for flat in (0, 13, 23):
        out = compute_point(spec.canonical(), flat)
        point = ds.isel(dict(zip(spec.dims, spec.index(flat))))
        for name in METRICS:
            assert np.array_equal(point[name].values, out[name], equal_nan=True), name
        assert point.reason.values == out["reason"]


def test_a_store_of_another_spec_is_refused_naming_what_differs(store, client):
    files = sorted(p.name for p in store.rglob("*"))
    other = small_spec(steps=301)
    other["grid"]["seed"] = [0, 1, 2]
    with pytest.raises(StoreError, match=r"was written by a different spec \(differs in grid.seed, run.steps\)"):
        run(other, store, client)
    assert sorted(p.name for p in store.rglob("*")) == files  # nothing written


def test_folders_that_are_not_sweep_stores_are_refused(tmp_path):
    spec = load_spec(small_spec())
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("mine")
    with pytest.raises(StoreError, match="is not a finished revsgd sweep store"):
        open_store(tmp_path / "notes", spec)
    with pytest.raises(StoreError, match="exists and is not empty"):
        create_store(tmp_path / "notes", spec)
    unfinished = tmp_path / "unfinished.zarr"
    create_store(unfinished, spec)
    del zarr.open_group(str(unfinished), mode="r+").attrs["revsgd_sweep_digest"]
    with pytest.raises(StoreError, match="creation that was interrupted"):
        open_store(unfinished, spec)


def test_a_failed_point_is_recorded_but_not_done(tmp_path):
    spec = load_spec(small_spec())
    out = tmp_path / "s.zarr"
    record = compute_point(spec.canonical(), 2)
    writer = PointWriter(out, spec)
    writer.write([(2, record, ""), (5, None, "RuntimeError: boom")])
    with pytest.raises(KeyError, match="not store variables: \\['gamma'\\]"):
        writer.write([(6, {"gamma": 1.0}, "")])
    ds = xr.open_zarr(out)
    flat = ds.done.values.reshape(-1)
    assert flat.tolist() == [i == 2 for i in range(24)]
    assert ds.error.values.reshape(-1)[5] == "RuntimeError: boom"
    assert np.isnan(ds.lyapunov_exponent.values.reshape(-1)[5])
    assert missing_points(open_store(out, spec), spec) == [i for i in range(24) if i != 2]


def test_the_mask_is_written_after_every_variable_of_the_batch(tmp_path):
    """A driver killed between two writes leaves no point marked done without its data."""
    spec = load_spec(small_spec())
    writer = PointWriter(tmp_path / "s.zarr", spec)
    order = []

    class Recorder:
        def __init__(self, name, array):
            self.name, self.array = name, array

        @property
        def vindex(self):
            recorder = self

            class Index:
                def __setitem__(self, where, value):
                    order.append(recorder.name)
                    recorder.array.vindex[where] = value
            return Index()

    writer._arrays = {name: Recorder(name, array) for name, array in writer._arrays.items()}
    writer.write([(0, compute_point(spec.canonical(), 0), ""), (7, None, "ValueError: x"), (9, {}, "")])
    assert order[-1] == "done" and order.count("done") == 1
    assert set(order[:-1]) == set(writer.names) | {"reason", "error"}
