"""The ``revsgd`` command: a thin layer that parses arguments and calls the packages."""

from __future__ import annotations

import argparse
import json
import sys

from revsgd import __version__

__all__ = ["build_parser", "main"]


def _cmd_bench(args) -> int:
    from revsgd.bench import format_table, run_benchmarks

    rows = run_benchmarks(quick=args.quick)
    print(format_table(rows))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump([r.as_dict() for r in rows], fh, indent=2)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="revsgd",
        description=(
            "Verify how iteration order shapes SGD on convex models: backward iterates "
            "converge to a point, forward iterates to the law of that point."
        ),
    )
    parser.add_argument("--version", action="version", version=f"revsgd {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench = sub.add_parser("bench", help="time the fast paths against baselines")
    bench.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    bench.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    bench.set_defaults(run=_cmd_bench)
    return parser


def main(argv=None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return args.run(args)
