r"""Run a sweep on Dask: one task per missing grid point, each written as it completes.

:func:`run` validates the spec, opens (or creates) the store, submits
:func:`revsgd.sweep.points.compute_point` for every point whose ``done`` entry is False to a
``distributed.Client`` (the one passed in, or a ``LocalCluster`` it starts and stops), and
writes the results from the driver in the batches ``distributed.as_completed`` hands over
(every task finished since the last batch). So

* a sweep killed at any moment loses nothing finished, and rerunning it computes only the
  missing points (nothing at all on a complete store);
* a point is a pure function of (spec, point), so 1 worker, N workers or a remote scheduler
  write the same bytes;
* a task that raises (or whose worker is lost) records ``"Type: message"`` in the point's
  ``error`` and the sweep goes on; the point stays not done, so a rerun tries it again.

References:
    M. Rocklin, "Dask: parallel computation with blocked algorithms and task scheduling",
    Proc. 14th Python in Science Conference (SciPy), 2015 (``distributed``: futures,
    ``as_completed``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

__all__ = ["Summary", "execute", "run"]


@dataclass
class Summary:
    """What one call of :func:`execute` did.

    Attributes:
        total: points of the grid; computed: points computed and written now; skipped:
            points already done in the store; failed: ``(flat, error)`` of the points that
            failed now; seconds: wall time of the call; task_seconds: sum of the tasks' own
            compute times.

    Example:
        >>> Summary(total=4, skipped=4).line()
        'computed 0, skipped 4 (already in the store), failed 0 of 4 points in 0.0 s'
    """

    total: int = 0
    computed: int = 0
    skipped: int = 0
    failed: list = field(default_factory=list)
    seconds: float = 0.0
    task_seconds: float = 0.0

    def line(self) -> str:
        """The one-line summary the command line prints."""
        return (f"computed {self.computed}, skipped {self.skipped} (already in the store), failed "
                f"{len(self.failed)} of {self.total} points in {self.seconds:.1f} s")


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _local_client(workers: int | None):
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
    return Client(cluster), cluster


def execute(spec, out, client=None, *, workers: int | None = None,
            on_point: Callable[[int, str], object] | None = None, on_start: Callable[[int], object] | None = None):
    """:func:`run` with its :class:`Summary`: the engine behind the command line.

    Args:
        spec, out, client: as :func:`run`.
        workers: workers of the ``LocalCluster`` started when ``client`` is None (default:
            Dask's, one per core).
        on_point: called ``on_point(flat, error)`` after each point is written (``error`` ""
            on success).
        on_start: called with the number of points to compute, before they are submitted.

    Returns:
        ``(dataset, summary)``: the store opened by ``xarray.open_zarr`` and a :class:`Summary`.

    Raises:
        SpecError, TypeError: a bad spec (before anything is written or started).
        StoreError: a store of another spec, or not a sweep store (before Dask starts).
    """
    import xarray as xr
    from distributed import as_completed

    from revsgd.sweep.points import compute_point
    from revsgd.sweep.spec import load_spec
    from revsgd.sweep.store import PointWriter, missing_points, open_store

    start = time.perf_counter()
    spec = load_spec(spec)
    group = open_store(out, spec)
    todo = missing_points(group, spec)
    summary = Summary(total=spec.size, skipped=spec.size - len(todo))
    if on_start is not None:
        on_start(len(todo))
    if todo:
        own = None
        if client is None:
            client, own = _local_client(workers)
        try:
            canonical = spec.canonical()
            futures = client.map(compute_point, [canonical] * len(todo), todo, pure=False)
            where = {future.key: flat for future, flat in zip(futures, todo)}
            writer = PointWriter(out, spec)
            for batch in as_completed(futures).batches():  # every future finished since the last batch
                points = []
                for future in batch:
                    flat, error, record = where[future.key], "", None
                    try:
                        record = future.result()
                    except Exception as exc:  # noqa: BLE001 - a failed task is recorded, the sweep goes on
                        error = _error_text(exc)
                    points.append((flat, record, error))
                    future.release()
                writer.write(points)
                for flat, record, error in points:
                    if error:
                        summary.failed.append((flat, error))
                    else:
                        summary.computed += 1
                        summary.task_seconds += record.get("_seconds", 0.0)
                    if on_point is not None:
                        on_point(flat, error)
        finally:
            if own is not None:
                client.close()
                own.close()
    summary.seconds = time.perf_counter() - start
    return xr.open_zarr(out), summary


def run(spec, out, client=None):
    """Run the sweep ``spec`` into the Zarr store ``out`` and return the store as a Dataset.

    Only the points not yet done in ``out`` are computed; a store written by another spec is
    refused. See the module docstring for what is written when.

    Args:
        spec: a path to a TOML file, TOML text, a dict, or a
            :class:`~revsgd.sweep.spec.Spec` (:func:`revsgd.sweep.spec.load_spec`).
        out: the store's folder (created if missing).
        client: a ``distributed.Client`` (any scheduler); None starts a ``LocalCluster`` of
            one single-threaded worker process per core for this call.

    Returns:
        the ``xarray.Dataset`` of the store (``xarray.open_zarr(out)``: lazy, one point per
        chunk); failed points are NaN with their ``error`` text and ``done`` False.

    Raises:
        SpecError, TypeError: a bad spec, before any work.
        StoreError: ``out`` holds another spec's results or is not a sweep store.

    Example:
        >>> import tempfile
        >>> from distributed import Client, LocalCluster
        >>> spec = {"model": "random_affine", "grid": {"lr_fraction": [0.2, 0.5], "batch_size": [8],
        ...         "order": ["forward", "backward"]}, "run": {"steps": 100}}
        >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster, Client(cluster) as client:
        ...     ds = run(spec, tempfile.mkdtemp() + "/sweep.zarr", client)
        >>> ds.sizes["lr_fraction"], bool(ds.done.all())
        (2, True)
        >>> bool((ds.backward_settle_step.sel(order="backward") < 100).all())
        True
    """
    return execute(spec, out, client)[0]
