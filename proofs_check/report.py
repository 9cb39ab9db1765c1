r"""Reports of a verification run: a text table, a JSON document, a LaTeX fragment.

The JSON document is one object ``{"meta": {...}, "checks": [...]}``: ``meta`` holds the
versions of revsgd, numpy, scipy, sympy and Python, the platform, the run seed and the
command-line flags; each row of ``checks`` has the keys ``claim, name, kind, passed,
measured, expected, note, instance, seconds, statement, error``, where ``measured`` and
``expected`` are numbers or lists of numbers (``null`` when nothing was measured, e.g. a
check that raised; non-finite floats become the strings ``"nan"``, ``"inf"``) and every
word of prose is in ``note``. Rows are ordered by claim (C1 .. C10), then by name; the
table uses the same order, one block per claim, and wraps long cells instead of cutting
them (``wide=True`` keeps each row on one line). The LaTeX fragment itemizes the statement
of every *passed* check with its claim id, ready for ``\input`` in a paper.

Example:

>>> from revsgd.proofs_check.registry import CheckResult
>>> r = CheckResult("C1", "demo", "symbolic", "", 0, 0, True, 0.01, "1 = 1")
>>> "PASS" in format_table([r])
True
"""
from __future__ import annotations

import json
import math
import numbers
import platform
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from revsgd.proofs_check.registry import CheckResult

__all__ = [
    "jsonable",
    "format_value",
    "format_table",
    "ordered",
    "run_metadata",
    "results_to_json",
    "write_json",
    "latex_fragment",
    "write_latex",
]

_COLUMNS = ("claim", "check", "kind", "instance", "measured", "expected", "verdict", "seconds", "note")
_CELL = 40  # widest column before a cell wraps (never cut)


def jsonable(value: object) -> object:
    """``value`` as a JSON-serialisable object (bool, int, float, str, None, lists).

    Non-finite floats become the strings ``"nan"``, ``"inf"``, ``"-inf"``.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        return f if math.isfinite(f) else str(f)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(v) for v in value]
    return str(value)


def format_value(value: object) -> str:
    """A table cell for ``value``: floats in 6 significant digits, lists bracketed."""
    if value is None:
        return "-"
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return str(value)


def _check_results(results: Sequence[CheckResult]) -> None:
    for r in results:
        if not isinstance(r, CheckResult):
            raise TypeError(f"results must hold CheckResult objects; got {type(r).__name__}")


def ordered(results: Sequence[CheckResult]) -> list[CheckResult]:
    """``results`` ordered by claim (C1, C2, ..., C10, numerically), then by check name."""
    _check_results(results)
    return sorted(results, key=lambda r: (int(r.claim[1:]), r.name))


def _wrap(text: str, width: int | None) -> list[str]:
    if width is None or len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def format_table(results: Sequence[CheckResult], wide: bool = False, width: int = _CELL) -> str:
    """A plain-text table of ``results``, one block per claim, with a totals line.

    Args:
        results: the :class:`CheckResult` rows (any order; printed as :func:`ordered`).
        wide: keep every row on one line; otherwise cells longer than ``width`` wrap onto
            continuation lines. No cell is ever cut.
        width: the widest column before wrapping (at least 10).

    Failed checks with an error show ``error: <text>`` in the note column.
    """
    rows_in = ordered(results)
    if isinstance(width, bool) or not isinstance(width, int) or width < 10:
        raise ValueError(f"width must be an int >= 10; got {width!r}")
    cell_width = None if wide else width
    blocks: list[tuple[str, list[tuple[str, ...]]]] = []
    for r in rows_in:
        note = r.note if r.error is None else f"error: {r.error}"
        row = (r.claim, r.name, r.kind, r.instance or "-", format_value(r.measured),
               format_value(r.expected), "PASS" if r.passed else "FAIL", f"{r.seconds:.2f}",
               note or "-")
        if not blocks or blocks[-1][0] != r.claim:
            blocks.append((r.claim, []))
        blocks[-1][1].append(row)
    # every row becomes one or more physical lines, each cell wrapped in its column
    physical: list[list[tuple[str, ...]]] = []
    for _, rows in blocks:
        lines = []
        for row in rows:
            parts = [_wrap(cell, cell_width) for cell in row]
            depth = max(len(p) for p in parts)
            lines += [tuple(p[i] if i < len(p) else "" for p in parts) for i in range(depth)]
        physical.append(lines)
    widths = [max([len(c)] + [len(line[i]) for lines in physical for line in lines])
              for i, c in enumerate(_COLUMNS)]
    fmt = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [fmt(_COLUMNS), fmt(["-" * w for w in widths])]
    for i, lines in enumerate(physical):
        if i:
            out.append("")
        out += [fmt(line) for line in lines]
    n_pass = sum(r.passed for r in rows_in)
    total = sum(r.seconds for r in rows_in)
    out.append(f"{n_pass}/{len(rows_in)} passed, {len(rows_in) - n_pass} failed, {total:.2f} s in all")
    return "\n".join(out)


def run_metadata(seed: int = 0, flags: dict | None = None) -> dict:
    """The ``meta`` object of the JSON report: versions, platform, seed, flags."""
    import scipy
    import sympy

    from revsgd import __version__

    return {
        "revsgd": __version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sympy": sympy.__version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "seed": seed,
        "flags": {k: jsonable(v) for k, v in (flags or {}).items()},
    }


def results_to_json(results: Sequence[CheckResult], meta: dict | None = None) -> dict:
    """The JSON document ``{"meta": meta, "checks": [...]}`` for ``results`` (see module doc).

    ``meta`` defaults to :func:`run_metadata` with seed 0 and no flags.
    """
    rows = ordered(results)
    return {
        "meta": run_metadata() if meta is None else meta,
        "checks": [
            {
                "claim": r.claim,
                "name": r.name,
                "kind": r.kind,
                "passed": bool(r.passed),
                "measured": jsonable(r.measured),
                "expected": jsonable(r.expected),
                "note": r.note,
                "instance": r.instance,
                "seconds": float(r.seconds),
                "statement": r.statement,
                "error": r.error,
            }
            for r in rows
        ],
    }


def write_json(results: Sequence[CheckResult], path: str | Path, meta: dict | None = None) -> Path:
    """Write :func:`results_to_json` to ``path`` (parents created); return the path."""
    document = results_to_json(results, meta)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n")
    return path


def latex_fragment(results: Sequence[CheckResult]) -> str:
    r"""An ``itemize`` of the statements of the passed checks, each tagged with its claim.

    Every statement is a LaTeX math body, set in ``\(\ldots\)``; the including document
    needs ``amsmath`` and ``amssymb`` (``\text``, ``\operatorname``, ``\mathbb``).
    """
    _check_results(results)
    passed = [r for r in ordered(results) if r.passed]
    lines = ["% Generated by revsgd verify --latex; statements verified in this run.",
             r"\begin{itemize}"]
    for r in passed:
        name = r.name.replace("_", r"\_")
        lines.append(rf"  \item[\textbf{{{r.claim}}}] \texttt{{{name}}} ({r.kind}): \({r.statement}\)")
    if not passed:
        lines.append(r"  \item[] (no statement verified)")
    lines.append(r"\end{itemize}")
    return "\n".join(lines) + "\n"


def write_latex(results: Sequence[CheckResult], path: str | Path) -> Path:
    """Write :func:`latex_fragment` to ``path`` (parents created); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(latex_fragment(results))
    return path
