"""``revsgd sweep SPEC.toml --out STORE ...`` and ``revsgd figures --sweep STORE``
(see :mod:`revsgd.sweep`).

Only argparse is imported here; Dask, xarray and Zarr load when a sweep runs.
"""

from __future__ import annotations

from revsgd.cli_common import UsageError

__all__ = ["add_parser", "figures_from_store"]


def add_parser(sub) -> None:
    """Add the ``sweep`` sub-command to the sub-parsers ``sub``."""
    parser = sub.add_parser("sweep", help="run a grid of runs on Dask into a resumable Zarr store")
    parser.add_argument("spec", metavar="SPEC.toml", help="the sweep's spec")
    parser.set_defaults(run=_run)


def _run(args) -> int:
    raise UsageError("not implemented yet")


def figures_from_store(args, out) -> int:
    """``revsgd figures --sweep STORE``: the phase diagrams of the store, into ``out``."""
    raise UsageError("not implemented yet")
