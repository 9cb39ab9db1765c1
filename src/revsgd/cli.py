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


def _claims(text: str) -> list[str]:
    """``"C1,C4"`` -> ``["C1", "C4"]`` (validated later against the registry)."""
    return [part.strip().upper() for part in text.split(",") if part.strip()]


def _seed(text: str) -> int:
    """A non-negative integer seed."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {value}")
    return value


def _progress(total: int):
    """A one-line progress counter on stderr, silent when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None
    done = [0]

    def report(result) -> None:
        done[0] += 1
        sys.stderr.write(f"\r[{done[0]:3d}/{total}] {result.claim} {result.name[:40]:40}")
        if done[0] == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def _cmd_verify(args) -> int:
    import revsgd.proofs_check.numeric  # noqa: F401  (registers the numeric checks)
    import revsgd.proofs_check.symbolic  # noqa: F401  (registers the symbolic checks)
    from revsgd.proofs_check.registry import run_checks, select
    from revsgd.proofs_check.report import format_table, write_json

    try:
        checks = select(only=args.only, quick=args.quick)
    except ValueError as exc:
        print(f"revsgd verify: --only: {exc}", file=sys.stderr)
        return 2
    results = run_checks(checks, seed=args.seed, progress=_progress(len(checks)))
    print(format_table(results))
    if args.json:
        write_json(results, args.json)
    return 0 if all(r.passed for r in results) else 1


def _cmd_figures(args) -> int:
    from revsgd.figures import build_all

    try:
        built = build_all(args.out, only=args.only, seed=args.seed)
    except ValueError as exc:
        print(f"revsgd figures: --only: {exc}", file=sys.stderr)
        return 2
    for b in built:
        print(f"{b.name:20} {b.seconds:6.2f} s  {b.pdf}  {b.png}  {b.csv}")
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
    verify = sub.add_parser("verify", help="run every numeric and symbolic check of the claims")
    verify.add_argument("--json", metavar="PATH", help="also write one JSON object per check")
    verify.add_argument("--seed", type=_seed, default=0, help="seed of the random instances (default 0)")
    verify.add_argument("--quick", action="store_true", help="the quick subset only")
    verify.add_argument("--only", type=_claims, metavar="C1,C4", help="only these claims")
    verify.set_defaults(run=_cmd_verify)
    figures = sub.add_parser("figures", help="build the figures (PDF, PNG and their data as CSV)")
    figures.add_argument("--only", metavar="NAME", help="build this figure only")
    figures.add_argument("--out", metavar="DIR", default="figures/out", help="output folder (default figures/out)")
    figures.add_argument("--seed", type=_seed, default=0, help="seed of the random draws (default 0)")
    figures.set_defaults(run=_cmd_figures)
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
