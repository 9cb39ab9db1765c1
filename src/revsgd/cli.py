"""The ``revsgd`` command: parses arguments, validates outputs, calls the packages.

``revsgd``, ``python -m revsgd`` and (for ``verify``) ``python -m revsgd.proofs_check``
all run :func:`main`. Exit status, the same for every command:

* 0: everything selected ran and passed (bench: ran; ``bench --check``: every target met);
* 1: a check failed, a figure could not be built, ``bench --check`` missed a target, or
  everything selected was skipped for a missing optional extra (nothing ran);
* 2: usage error (bad option value, a selection that matches nothing, an output path
  that cannot be written), reported on one line before any work starts.

Example:

>>> main(["verify", "--only", "C99"])  # doctest: +SKIP
revsgd verify: error: argument --only: unknown claim 'C99'; valid: C1, ..., C10
2
"""

from __future__ import annotations

import argparse
import json
import sys

from revsgd import __version__
from revsgd.cli_common import UsageError as _UsageError
from revsgd.cli_common import comma_list as _comma_list
from revsgd.cli_common import seed as _seed
from revsgd.outputs import OutputPathError, output_dir, output_file
from revsgd.progress import progress_bar

__all__ = ["build_parser", "main"]

# the claim ids of revsgd.proofs_check.registry.CLAIMS, here so that --only is checked without
# importing the registry (which loads numpy and revsgd.theory); tests/test_cli.py keeps them equal
_CLAIMS = tuple(f"C{i}" for i in range(1, 11))


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage dump) and exit 2."""

    def error(self, message):  # noqa: D401 - argparse's hook
        self.exit(2, f"{self.prog}: error: {message}\n")


def _claims(text: str) -> list[str]:
    """``"C1,c4"`` -> ``["C1", "C4"]``."""
    return _comma_list(text.upper(), _CLAIMS, "claim id", "C1,C4")


def _claim(text: str) -> str:
    claims = _claims(text)
    if len(claims) != 1:
        raise argparse.ArgumentTypeError(f"expected one claim id such as C7; got {text!r}")
    return claims[0]


def _figure_names(text: str) -> list[str]:
    """``"trajectories,orders"`` -> the names, each a registered figure."""
    from revsgd.figures.names import FIGURES  # a plain tuple: no matplotlib import

    return _comma_list(text, FIGURES, "figure", "trajectories,orders")


def _runnable(items, missing_of, label) -> list:
    """The ``items`` whose optional extras are installed; each other one is listed on stderr
    as skipped, with the ``pip install`` line that would enable it."""
    from revsgd.theory.extras import install_hint, missing_modules

    keep = []
    for item in items:
        missing = missing_of(item)
        if missing:
            needs = "; ".join(f"{', '.join(missing_modules(e))} ({install_hint(e)})" for e in missing)
            print(f"skipped {label(item)}: needs {needs}", file=sys.stderr)
        else:
            keep.append(item)
    return keep


# ---------------------------------------------------------------- verify


def _load_checks() -> None:
    import revsgd.proofs_check.numeric  # noqa: F401  (registers the numeric checks)
    import revsgd.proofs_check.symbolic  # noqa: F401  (registers the symbolic checks)


def _explain(claim: str) -> int:
    from revsgd.explain import claim_statement
    from revsgd.proofs_check.registry import select

    _load_checks()
    print(claim_statement(claim))
    print(f"\nChecks of {claim} in revsgd verify:")
    for check in select(only=[claim]):
        quick = "quick" if check.quick else "full run only"
        print(f"  {check.name} ({check.kind}, {quick}): {check.statement}")
    return 0


def _select_checks(args):
    from revsgd.proofs_check.registry import select

    checks = select(only=args.only, kind=args.kind, quick=args.quick)
    filters = " ".join(f for f in (f"--kind {args.kind}" if args.kind else "",
                                   "--quick" if args.quick else "") if f)
    if args.only:
        empty = [c for c in args.only if not any(k.claim == c for k in checks)]
        if empty:
            raise _UsageError(f"--only {','.join(empty)}: no check matches"
                              + (f" with {filters}" if filters else ""))
    elif not checks:
        raise _UsageError(f"no check matches {filters}")
    return checks


def _cmd_verify(args) -> int:
    if args.explain:
        return _explain(args.explain)
    # outputs first, before the (seconds-long) imports of the checks
    json_path = output_file(args.json, "--json") if args.json is not None else None
    latex_path = output_file(args.latex, "--latex") if args.latex is not None else None
    from revsgd.proofs_check.registry import run_check
    from revsgd.proofs_check.report import format_table, run_metadata, write_json, write_latex
    from revsgd.theory.extras import missing_extras

    _load_checks()
    runnable = _runnable(_select_checks(args), lambda c: missing_extras(c.requires),
                         lambda c: f"check {c.name} ({c.claim})")
    if not runnable:
        print("revsgd verify: every selected check was skipped; nothing ran", file=sys.stderr)
        return 1
    results = []
    with progress_bar(len(runnable), "check", quiet=args.quiet) as bar:
        for check in runnable:
            bar.set_postfix_str(f"{check.claim} {check.name}", refresh=False)
            results.append(run_check(check, seed=args.seed))
            bar.update()
    print(format_table(results, wide=args.wide))
    flags = {"quick": args.quick, "only": args.only, "kind": args.kind, "wide": args.wide}
    if json_path is not None:
        write_json(results, json_path, meta=run_metadata(args.seed, flags))
        print(f"wrote {json_path}")
    if latex_path is not None:
        write_latex(results, latex_path)
        print(f"wrote {latex_path}")
    return 0 if all(r.passed for r in results) else 1


# ---------------------------------------------------------------- figures


def _cmd_figures(args) -> int:
    out = output_dir(args.out, "--out")  # before the imports of matplotlib and the models
    if args.sweep is not None:
        from revsgd.cli_sweep import figures_from_store

        return figures_from_store(args, out)
    from revsgd.figures import build, missing_requirements, select

    failed = []
    names = _runnable(select(args.only), missing_requirements, lambda n: f"figure {n}")
    if not names:
        print("revsgd figures: every selected figure was skipped; nothing was built", file=sys.stderr)
        return 1
    with progress_bar(len(names), "figure", quiet=args.quiet) as bar:
        for name in names:
            bar.set_postfix_str(name, refresh=False)
            try:
                b = build(name, out, seed=args.seed)
            except Exception as exc:  # report every figure, then fail
                failed.append(name)
                bar.write(f"{name:20} FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            else:
                bar.write(f"{b.name:20} {b.seconds:6.2f} s  {b.pdf}  {b.png}  {b.csv}", file=sys.stdout)
            bar.update()
    if failed:
        print(f"revsgd figures: {len(failed)} of {len(names)} failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


# ---------------------------------------------------------------- bench


def _cmd_bench(args) -> int:
    from revsgd.bench import HEADER, format_row, run_benchmarks, workloads

    json_path = output_file(args.json, "--json") if args.json is not None else None
    print(HEADER)
    print("-" * len(HEADER), flush=True)
    with progress_bar(len(workloads(quick=args.quick)), "workload", quiet=args.quiet) as bar:
        def on_row(row):
            bar.write(format_row(row), file=sys.stdout)
            sys.stdout.flush()
            bar.update()

        rows = run_benchmarks(quick=args.quick, on_row=on_row)
    if json_path is not None:
        json_path.write_text(json.dumps([r.as_dict() for r in rows], indent=2) + "\n", encoding="utf-8")
        print(f"wrote {json_path}")
    missed = [r.workload for r in rows if not r.met]
    if args.check and missed:
        print(f"revsgd bench --check: {len(missed)} target(s) missed: {'; '.join(missed)}", file=sys.stderr)
        return 1
    return 0


# ---------------------------------------------------------------- parser


def _add_verify_arguments(verify: argparse.ArgumentParser) -> None:
    verify.add_argument("--quick", action="store_true", help="the quick subset only")
    verify.add_argument("--only", type=_claims, metavar="C1,C4", help="only these claims (comma list)")
    verify.add_argument("--kind", choices=("symbolic", "numeric"), help="one kind of check only")
    verify.add_argument("--seed", type=_seed, default=0, help="seed of the random instances (default 0)")
    verify.add_argument("--json", metavar="PATH", help="also write the report as JSON ({meta, checks})")
    verify.add_argument("--latex", metavar="PATH",
                        help="also write the verified statements as a LaTeX fragment (amsmath, amssymb)")
    verify.add_argument("--explain", type=_claim, metavar="CLAIM",
                        help="print the claim's statement (THEORY.md) and its checks, run nothing")
    verify.add_argument("--wide", action="store_true", help="one line per check (long cells are never cut)")
    verify.add_argument("--quiet", action="store_true", help="no progress bar")
    verify.set_defaults(run=_cmd_verify)


def build_parser(prog: str = "revsgd") -> argparse.ArgumentParser:
    """The argument parser with one sub-command per job."""
    parser = _Parser(
        prog=prog,
        description=(
            "Verify how iteration order shapes SGD on convex models: backward iterates "
            "converge to a point, forward iterates to the law of that point."
        ),
        epilog="exit status: 0 success, 1 a check/figure/target failed, 2 usage error",
    )
    parser.add_argument("--version", action="version", version=f"revsgd {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_verify_arguments(sub.add_parser("verify", help="run every numeric and symbolic check of the claims"))
    figures = sub.add_parser("figures", help="build the figures (PDF, PNG and their data as CSV)")
    figures.add_argument("--only", type=_figure_names, metavar="NAME,NAME", help="only these figures (comma list)")
    figures.add_argument("--out", metavar="DIR", default="figures/out", help="output folder (default figures/out)")
    figures.add_argument("--seed", type=_seed, default=0, help="seed of the random draws (default 0)")
    figures.add_argument("--quiet", action="store_true", help="no progress bar")
    figures.add_argument("--sweep", metavar="STORE",
                         help="draw the phase diagrams of a sweep's Zarr store (revsgd sweep) instead")
    figures.set_defaults(run=_cmd_figures)
    bench = sub.add_parser("bench", help="time the fast paths against baselines")
    bench.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    bench.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    bench.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    bench.add_argument("--quiet", action="store_true", help="no progress bar")
    bench.set_defaults(run=_cmd_bench)
    from revsgd import cli_experiment, cli_sweep  # argparse only: no heavy imports

    cli_experiment.add_parser(sub)
    cli_sweep.add_parser(sub)
    return parser


def main(argv=None, prog: str = "revsgd") -> int:
    """Entry point of the console script and of ``python -m revsgd``; returns the exit status."""
    parser = build_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) or a usage error (2): a status, not an exception
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except (_UsageError, OutputPathError) as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
