"""Running sweeps: identical bytes for any number of workers, resumable after SIGKILL, failures recorded.

The kill-and-resume test runs ``revsgd sweep`` in a subprocess with its own local cluster of
worker processes, kills its whole process group with SIGKILL as soon as the store holds a
finished point, resumes, and compares every byte of the store's variables with an
uninterrupted run.
"""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr
import zarr

from revsgd.cli import main
from revsgd.sweep import execute, load_spec, run
from revsgd.sweep import points as points_module
from revsgd.sweep.points import compute_point
from tests.sweep.helpers import assert_same_store, small_spec, start_cluster


@pytest.fixture(scope="module")
def reference(tmp_path_factory, client):
    """The uninterrupted run of :func:`small_spec` on the session's 2 workers."""
    out = tmp_path_factory.mktemp("reference") / "sweep.zarr"
    return run(small_spec(), out, client).load()


def test_one_worker_and_two_workers_write_the_same_bytes(reference, tmp_path):
    cluster, client = start_cluster(1)
    try:
        one = run(small_spec(), tmp_path / "one.zarr", client).load()
    finally:
        client.close()
        cluster.close()
    assert_same_store(one, reference)


def test_every_point_is_the_task_run_alone(reference):
    spec = load_spec(small_spec())
    for flat in range(spec.size):
        out = compute_point(spec.canonical(), flat)
        point = reference.isel(dict(zip(spec.dims, spec.index(flat))))
        for name in ("stationary_cov_trace", "lyapunov_exponent", "late_fluctuation", "final_test_loss"):
            assert np.array_equal(point[name].values, out[name], equal_nan=True), (flat, name)


def test_a_complete_store_computes_nothing(reference, tmp_path, client, monkeypatch):
    out = tmp_path / "s.zarr"
    run(small_spec(), out, client)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    monkeypatch.setattr(client, "map", lambda *a, **k: pytest.fail("a task was submitted"))
    ds, summary = execute(small_spec(), out, client)
    assert (summary.computed, summary.skipped, summary.failed) == (0, 24, [])
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    assert_same_store(ds.load(), reference)


def test_resuming_computes_only_the_missing_points(reference, tmp_path, client):
    out = tmp_path / "s.zarr"
    run(small_spec(), out, client)
    group = zarr.open_group(str(out), mode="r+")
    done = group["done"][...]
    lost = [(0, 0, 0, 0), (2, 1, 1, 1), (1, 0, 1, 0)]
    for index in lost:  # as if the driver died after writing these points' data, before their mask
        done[index] = False
        group["lyapunov_exponent"][index] = 123.0
    group["done"][...] = done
    ds, summary = execute(small_spec(), out, client)
    assert (summary.computed, summary.skipped) == (3, 21)
    assert_same_store(ds.load(), reference)


def _boom(canonical, flat):
    if flat == 5:
        raise RuntimeError("boom at point 5")
    return compute_point(canonical, flat)


def test_a_failing_point_is_recorded_and_the_sweep_goes_on(reference, tmp_path, client, monkeypatch, capsys):
    out = tmp_path / "s.zarr"
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(_toml(small_spec()))
    monkeypatch.setattr(points_module, "compute_point", _boom)
    code = main(["sweep", str(spec_file), "--out", str(out), "--scheduler", client.scheduler.address, "--quiet"])
    captured = capsys.readouterr()
    assert code == 1
    assert "computed 23, skipped 0 (already in the store), failed 1 of 24 points" in captured.out
    assert "lr_fraction=0.3, batch_size=16, order=forward, seed=1: RuntimeError: boom at point 5" in captured.err
    ds = xr.open_zarr(out)
    assert ds.done.values.reshape(-1).tolist() == [i != 5 for i in range(24)]
    assert ds.error.values.reshape(-1)[5] == "RuntimeError: boom at point 5"
    assert np.isnan(ds.final_train_loss.values.reshape(-1)[5])
    monkeypatch.setattr(points_module, "compute_point", compute_point)
    _, summary = execute(small_spec(), out, client)  # the rerun tries the failed point again
    assert (summary.computed, summary.skipped, summary.failed) == (1, 23, [])
    assert_same_store(xr.open_zarr(out).load(), reference)


def _toml(spec) -> str:
    def value(v):
        return "[" + ", ".join(value(x) for x in v) + "]" if isinstance(v, list) else \
            f'"{v}"' if isinstance(v, str) else repr(v)

    lines = [f"model = {value(spec['model'])}", f"data = {value(spec['data'])}"]
    for table in ("grid", "run"):
        lines.append(f"[{table}]")
        lines += [f"{k} = {value(v)}" for k, v in spec[table].items()]
    return "\n".join(lines) + "\n"


def test_killed_with_sigkill_mid_sweep_then_resumed_equals_an_uninterrupted_run(reference, tmp_path, client):
    spec = small_spec()  # tens of ms per point on one worker, polled every 10 ms: the kill lands mid-sweep
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(_toml(spec))
    out = tmp_path / "killed.zarr"
    command = [sys.executable, "-m", "revsgd", "sweep", str(spec_file), "--out", str(out), "--workers", "1", "--quiet"]
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    done = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "done" / "0.0.0.0").exists():
                done = int(zarr.open_group(str(out), mode="r")["done"][...].sum())
                if done:
                    break
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its worker processes
        proc.communicate()
    assert 1 <= done < 24, f"the kill did not land mid-sweep ({done} of 24 done; rc {proc.returncode})"
    after_kill = int(zarr.open_group(str(out), mode="r")["done"][...].sum())
    assert after_kill < 24
    ds, summary = execute(spec, out, client)
    assert (summary.computed, summary.skipped) == (24 - after_kill, after_kill)
    assert_same_store(ds.load(), reference)
