"""``python -m proofs_check``: run the checks, print the table, write JSON and LaTeX.

Exit status: 0 if every selected check passed, 1 if any failed, 2 on bad arguments.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from revsgd.proofs_check.registry import CLAIMS, run_checks, select
from revsgd.proofs_check.report import format_table, write_json, write_latex

__all__ = ["CHECK_PACKAGES", "main"]

# packages whose import registers checks; those not present yet are skipped
CHECK_PACKAGES = ("revsgd.proofs_check.symbolic", "revsgd.proofs_check.numeric")


def _load_checks() -> None:
    for name in CHECK_PACKAGES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a missing dependency inside the package is an error
                raise


def _claims(text: str) -> list[str]:
    claims = [c.strip().upper() for c in text.split(",") if c.strip()]
    unknown = [c for c in claims if c not in CLAIMS]
    if not claims or unknown:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated claim ids from {','.join(CLAIMS)}; got {text!r}")
    return claims


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer; got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run the selected checks; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m proofs_check", description=__doc__.splitlines()[0])
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--latex", metavar="PATH", help="write the verified statements as a LaTeX fragment")
    parser.add_argument("--only", type=_claims, metavar="C1,C7", help="claims to check (default: all)")
    parser.add_argument("--kind", choices=("symbolic", "numeric"), help="one kind of check only")
    parser.add_argument("--quick", action="store_true", help="only the quick subset")
    parser.add_argument("--seed", type=_seed, default=0, help="run seed (default 0)")
    args = parser.parse_args(argv)  # exits with status 2 on bad arguments
    _load_checks()
    checks = select(only=args.only, kind=args.kind, quick=args.quick)
    if not checks:
        print("no registered check matches the selection", file=sys.stderr)
        return 1
    progress = lambda r: print(f"  {r.claim:<4} {r.name:<45} {'PASS' if r.passed else 'FAIL'} "
                               f"{r.seconds:6.2f} s", file=sys.stderr, flush=True)
    results = run_checks(checks, seed=args.seed, progress=progress)
    print(format_table(results))
    if args.json:
        print(f"wrote {write_json(results, args.json)}")
    if args.latex:
        print(f"wrote {write_latex(results, args.latex)}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
