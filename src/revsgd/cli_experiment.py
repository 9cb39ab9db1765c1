"""``revsgd experiment NAME ...``: the paper's experiments (see :mod:`revsgd.experiments`).

Only argparse is imported here; the experiment and JAX load when it runs.
"""

from __future__ import annotations

from revsgd.cli_common import UsageError

__all__ = ["add_parser"]


def add_parser(sub) -> None:
    """Add the ``experiment`` sub-command to the sub-parsers ``sub``."""
    parser = sub.add_parser("experiment", help="run one of the paper's experiments (digits)")
    parser.add_argument("name", metavar="NAME", help="the experiment (digits)")
    parser.set_defaults(run=_run)


def _run(args) -> int:
    raise UsageError("not implemented yet")
