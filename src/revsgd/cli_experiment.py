"""``revsgd experiment NAME ...``: the paper's experiments (see :mod:`revsgd.experiments`).

``revsgd experiment digits [--quick] [--seeds N] [--lr LIST] [--steps N] [--json PATH] [--out DIR]``
runs :func:`revsgd.experiments.digits.run_digits` (the full preset, or ``--quick``, with the
options as overrides), prints the table of findings, writes the JSON object (``--json``) and
draws the figures ``nn_training``, ``nn_stability`` and ``nn_local_contraction`` from its own
results (``--out``).

Exit status: 0 the experiment ran; 2 a usage error (an unknown experiment, ``--seeds`` or
``--steps`` not a positive integer or too few steps for the late phase, a learning rate
outside :math:`(0, \\infty)`, a ``--json``/``--out`` path that cannot be written), reported on
one line before any work; 1 the ``jax`` or ``data`` extra is missing (the message names
``pip install 'revsgd[jax]'``), as for every command whose selection needs a missing extra,
or a run diverged.

Only argparse is imported here; the experiment and JAX load when it runs.
"""

from __future__ import annotations

import json
import sys

from revsgd.cli_common import UsageError, float_list, positive_int

__all__ = ["EXPERIMENTS", "FIGURES", "add_parser"]

#: The experiments ``revsgd experiment`` knows.
EXPERIMENTS = ("digits",)
#: The registered figures an experiment draws from its own results (``--out``).
FIGURES = ("nn_training", "nn_stability", "nn_local_contraction")
#: Which option each field of the experiment's config comes from.
_OPTION_OF = {"seeds": "--seeds", "lrs": "--lr", "steps": "--steps", "every": "--steps"}


def add_parser(sub) -> None:
    """Add the ``experiment`` sub-command to the sub-parsers ``sub``."""
    parser = sub.add_parser("experiment", help="run one of the paper's experiments (digits)")
    parser.add_argument("name", metavar="NAME", choices=EXPERIMENTS,
                        help="the experiment: digits (an MLP on scikit-learn's digits, every order)")
    parser.add_argument("--quick", action="store_true", help="3 seeds and 512 steps (about a minute or two)")
    parser.add_argument("--seeds", type=positive_int, metavar="N", help="seeds 0..N-1 (default 5, quick 3)")
    parser.add_argument("--lr", type=float_list, metavar="LIST",
                        help="comma-separated learning rates > 0 (default 0.1,0.5,2.0; the middle one is the main)")
    parser.add_argument("--steps", type=positive_int, metavar="N",
                        help="steps per run, at least 8 epochs (default 2048, quick 512)")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON ({meta, orders, runs, curvature, "
                        "cost, findings})")
    parser.add_argument("--out", metavar="DIR", help="draw nn_training, nn_stability and nn_local_contraction here")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=_run)


def _config(args):
    from revsgd.experiments.digits import config

    try:
        return config(quick=args.quick, seeds=args.seeds, lrs=args.lr, steps=args.steps)
    except (TypeError, ValueError) as exc:
        field = str(exc).split(" ", 1)[0]
        raise UsageError(f"{_OPTION_OF.get(field, '--' + field)}: {exc}") from None


def _run(args) -> int:
    from revsgd.outputs import output_dir, output_file

    json_path = output_file(args.json, "--json") if args.json else None
    out = output_dir(args.out, "--out") if args.out else None
    cfg = _config(args)
    from revsgd.theory.extras import install_hint, missing_extras, missing_modules

    missing = missing_extras(("jax", "data"))
    if missing:
        needs = "; ".join(f"{', '.join(missing_modules(e))} ({install_hint(e)})" for e in missing)
        print(f"revsgd experiment {args.name}: needs {needs}", file=sys.stderr)
        return 1
    from revsgd.experiments.digits import run_digits
    from revsgd.experiments.report import findings_table
    from revsgd.progress import progress_bar

    settings = len(cfg.lrs) * len(cfg.weight_decays)
    with progress_bar(settings, "setting", quiet=args.quiet) as bar:
        def on_setting(lr, wd):
            bar.set_postfix_str(f"h={lr:g} wd={wd:g}", refresh=False)
            bar.update()

        try:
            results = run_digits(cfg, on_setting=on_setting).json
        except ValueError as exc:  # a diverged run: reported, never written as results
            print(f"revsgd experiment {args.name}: {exc}", file=sys.stderr)
            return 1
    print(findings_table(results))
    print(f"\n{len(cfg.seeds)} seeds, {settings} settings, {cfg.steps} steps: {results['meta']['seconds']:.1f} s")
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=1, allow_nan=False) + "\n", encoding="utf-8")
        print(f"wrote {json_path}")
    if out is not None:
        for built in draw_figures(results, out):
            print(f"{built.name:20} {built.pdf}  {built.png}  {built.csv}")
    return 0


def draw_figures(results, out) -> list:
    """Draw :data:`FIGURES` from ``results`` (a digits JSON object) into ``out``; the built figures."""
    import importlib

    from revsgd.figures import render, save

    built = []
    for name in FIGURES:
        module = importlib.import_module(f"revsgd.figures.{name}")
        data = module.from_results(results)
        built.append(save(render(module, data), data, out, name))
    return built
