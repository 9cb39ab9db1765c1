"""``revsgd sweep SPEC.toml --out STORE ...`` and ``revsgd figures --sweep STORE``
(see :mod:`revsgd.sweep`).

Only argparse is imported here; Dask, xarray and Zarr load when a sweep runs. The spec,
the output path and the store (a store of another spec is refused) are checked before Dask
starts; every such error is one line and exit status 2. A sweep in which some point failed
exits 1 (the failed points are listed, and a rerun computes them again); otherwise 0.

Example:

>>> from revsgd.cli import main
>>> main(["sweep", "no-such-spec.toml", "--out", "sweep.zarr"])  # doctest: +SKIP
revsgd sweep: error: spec: cannot read 'no-such-spec.toml': No such file or directory
2
"""

from __future__ import annotations

import sys
from pathlib import Path

from revsgd.cli_common import UsageError, positive_int

__all__ = ["add_parser", "figures_from_store"]


def add_parser(sub) -> None:
    """Add the ``sweep`` sub-command to the sub-parsers ``sub``."""
    parser = sub.add_parser("sweep", help="run a grid of runs on Dask into a resumable Zarr store",
                            description="Run the grid of SPEC.toml (model, data, [grid], [run]) on Dask into "
                                        "the Zarr store STORE; rerunning computes only the missing points.")
    parser.add_argument("spec", metavar="SPEC.toml", help="the sweep's spec")
    parser.add_argument("--out", metavar="STORE", required=True, help="the Zarr store (a folder; resumed if it exists)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, metavar="N",
                       help="worker processes of the local Dask cluster (default: one per core)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=_run)


def _require_sweep(what: str) -> None:
    from revsgd.theory.extras import require

    try:
        require("sweep", what)
    except ImportError as exc:
        raise UsageError(str(exc)) from None


def _connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"--scheduler: cannot connect to {address!r}: {exc}") from None


def _run(args) -> int:
    _require_sweep("revsgd sweep")
    from revsgd.outputs import output_dir
    from revsgd.progress import progress_bar
    from revsgd.sweep import SpecError, StoreError, execute, load_spec
    from revsgd.sweep.store import open_store

    try:
        spec = load_spec(Path(args.spec))
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    out = output_dir(args.out, "--out")
    try:
        open_store(out, spec)  # a store of another spec is refused before Dask starts
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    client = _connect(args.scheduler) if args.scheduler else None
    bar = progress_bar(0, "point", quiet=args.quiet)
    try:
        _, summary = execute(spec, out, client, workers=args.workers, on_point=lambda flat, error: bar.update(),
                             on_start=lambda count: bar.reset(total=count))
    finally:
        bar.close()
        if client is not None:
            client.close()
    print(f"revsgd sweep: {summary.line()} -> {out}")
    failed = ["  " + ", ".join(f"{k}={v}" for k, v in spec.coords(flat).items()) + f": {error}"
              for flat, error in summary.failed]
    if failed:
        print(f"revsgd sweep: {len(failed)} point(s) failed (recorded in the store's error variable; "
              "a rerun computes them again):", file=sys.stderr)
        print("\n".join(failed[:20]) + (f"\n  ... and {len(failed) - 20} more" if len(failed) > 20 else ""),
              file=sys.stderr)
        return 1
    return 0


def figures_from_store(args, out) -> int:
    """``revsgd figures --sweep STORE``: the phase diagrams of the store, into ``out``.

    Writes ``out/phase_diagram.{csv,pdf,png}`` as the registered figure ``phase_diagram`` would,
    from the store's points (points not yet done are left blank).

    Args:
        args: the parsed ``figures`` arguments (``sweep``: the store; ``--only`` is refused).
        out: the validated output folder.

    Returns:
        0 when the figure was written, 1 when the store has no finished point.

    Raises:
        UsageError: ``--only`` given, the sweep extra missing, or STORE not a sweep store.
    """
    if getattr(args, "only", None):
        raise UsageError("--only and --sweep cannot be combined: --sweep draws the store's phase diagrams")
    _require_sweep("revsgd figures --sweep")
    import xarray as xr

    from revsgd.figures import phase_diagram, render, save
    from revsgd.sweep.phase import phase_data

    store = Path(args.sweep)
    try:
        ds = xr.open_zarr(store)
        done = ds["done"].values
    except Exception as exc:  # noqa: BLE001 - anything unreadable is "not a store"
        raise UsageError(f"--sweep: {str(store)!r} is not a revsgd sweep store ({type(exc).__name__}: {exc})") from None
    if not done.any():
        print(f"revsgd figures: {str(store)!r} has no finished point yet; nothing drawn", file=sys.stderr)
        return 1
    if not done.all():
        print(f"revsgd figures: {int(done.sum())} of {done.size} points are done; the others are blank",
              file=sys.stderr)
    data = phase_data(ds)
    built = save(render(phase_diagram, data), data, out, phase_diagram.NAME)
    print(f"{built.name:20} {built.pdf}  {built.png}  {built.csv}")
    return 0
