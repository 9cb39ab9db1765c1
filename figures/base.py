r"""The figure registry and builder: data first, then the picture, then the files.

Every figure is a module of this package exposing

* ``NAME``: its name on the command line;
* ``STYLE``: an rc dict from :func:`revsgd.figures.style.paper` (its size and fonts);
* ``compute(seed) -> dict``: the data, named one-dimensional numpy arrays (columns);
* ``draw(data, fig) -> None``: draws ``data`` onto an empty :class:`matplotlib.figure.Figure`;
* optionally ``REQUIRES``: the optional extras it needs (e.g. ``("data",)``), which
  :func:`missing_requirements` checks before anything is built.

:func:`build` runs ``compute``, writes the columns as CSV (the data behind the figure),
draws and saves PDF and PNG beside it. Invariants (each one a test):

* the CSV holds exactly the columns of ``compute`` (shortest round-trip float text), so
  every plotted number can be read back;
* figures are drawn on a ``Figure`` with an Agg canvas, inside ``rc_context(STYLE)``:
  no pyplot, no global state changed;
* the same seed gives the same bytes: PDFs carry no creation date (or the one given by
  ``SOURCE_DATE_EPOCH``), PNGs carry no software or time stamp.
"""

from __future__ import annotations

import csv
import importlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from revsgd.figures.names import FIGURES
from revsgd.theory.extras import missing_extras, require

__all__ = [
    "FIGURES",
    "BuiltFigure",
    "build",
    "build_all",
    "check_data",
    "load",
    "missing_requirements",
    "read_csv",
    "select",
    "render",
    "write_csv",
]

@dataclass(frozen=True)
class BuiltFigure:
    """Where one built figure went, and how long it took (seconds, compute + draw + save)."""

    name: str
    csv: Path
    pdf: Path
    png: Path
    seconds: float


def load(name):
    """The module of figure ``name``.

    Raises:
        ValueError: unknown name (the message lists the valid names).
    """
    if not isinstance(name, str) or name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; valid names: {', '.join(FIGURES)}")
    module = importlib.import_module(f"revsgd.figures.{name}")
    if getattr(module, "NAME", None) != name:
        raise RuntimeError(f"figures.{name} must set NAME = {name!r}")
    return module


def select(only=None) -> list[str]:
    """The figure names to build: all of :data:`FIGURES`, or those of ``only`` (in order).

    Args:
        only: ``None``, one name, or an iterable of names.

    Raises:
        ValueError: an unknown name (the valid ones are listed), or an empty selection.
    """
    if only is None:
        return list(FIGURES)
    names = [only] if isinstance(only, str) else list(only)
    if not names:
        raise ValueError(f"only must name at least one figure from {', '.join(FIGURES)}; got none")
    for n in names:
        if not isinstance(n, str) or n not in FIGURES:
            raise ValueError(f"unknown figure {n!r}; valid names: {', '.join(FIGURES)}")
    return names


def missing_requirements(name) -> list[str]:
    """The optional extras that figure ``name`` needs and this environment lacks.

    Example:

    >>> missing_requirements("trajectories")
    []
    """
    return missing_extras(getattr(load(name), "REQUIRES", ()))


def check_data(data, name: str = "data") -> dict:
    """``data`` as a dict of str -> 1-D finite numpy arrays (what a CSV column can hold).

    Raises:
        TypeError: not a dict, or a key that is not a str.
        ValueError: an empty dict, a column that is not 1-D, or a NaN/inf entry.
    """
    if not isinstance(data, dict):
        raise TypeError(f"{name} must be a dict of named columns, got {type(data).__name__}")
    if not data:
        raise ValueError(f"{name} must hold at least one column, got an empty dict")
    out = {}
    for key, col in data.items():
        if not isinstance(key, str):
            raise TypeError(f"{name} keys must be str column names, got {key!r}")
        arr = np.asarray(col)
        if arr.ndim != 1:
            raise ValueError(f"{name}[{key!r}] must be 1-D, got shape {arr.shape}")
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name}[{key!r}] must be numeric, got dtype {arr.dtype}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name}[{key!r}] has NaN or inf entries")
        out[key] = arr
    return out


def _cell(value) -> str:
    if isinstance(value, (np.integer, int, np.bool_)):
        return str(int(value))
    return repr(float(value))


def write_csv(data, path) -> Path:
    """Write the columns of ``data`` side by side; shorter columns end in empty cells.

    Floats are written as their shortest round-trip text, so reading back gives the same
    doubles.
    """
    data = check_data(data)
    path = Path(path)
    rows = max(len(col) for col in data.values())
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(data))
        for i in range(rows):
            writer.writerow([_cell(col[i]) if i < len(col) else "" for col in data.values()])
    return path


def read_csv(path) -> dict:
    """The columns of a CSV written by :func:`write_csv`, as float arrays."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    return {
        key: np.array([float(r[j]) for r in body if r[j] != ""]) for j, key in enumerate(header)
    }


def render(module, data) -> Figure:
    """Draw ``data`` with ``module.draw`` on a fresh Agg-backed Figure under ``module.STYLE``."""
    with rc_context(module.STYLE):
        fig = Figure()
        FigureCanvasAgg(fig)
        module.draw(data, fig)
    return fig


def _pdf_metadata() -> dict:
    meta = {"Creator": "revsgd figures", "ModDate": None}
    if "SOURCE_DATE_EPOCH" not in os.environ:
        meta["CreationDate"] = None  # matplotlib honours SOURCE_DATE_EPOCH when it is set
    return meta


def build(name, outdir, seed: int = 0) -> BuiltFigure:
    """Compute, write CSV, draw and save PDF and PNG of figure ``name`` into ``outdir``.

    Args:
        name: one of :data:`FIGURES`.
        outdir: directory (created if missing).
        seed: seed of the figure's random draws.

    Returns:
        a :class:`BuiltFigure` with the three paths ``outdir/name.{csv,pdf,png}``.

    Raises:
        ValueError: unknown figure name, or a negative seed.
    """
    module = load(name)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    data = check_data(module.compute(int(seed)), f"figures.{name}.compute(seed)")
    csv_path = write_csv(data, outdir / f"{name}.csv")
    pdf_path, png_path = outdir / f"{name}.pdf", outdir / f"{name}.png"
    with rc_context(module.STYLE):
        fig = Figure()
        FigureCanvasAgg(fig)
        module.draw(data, fig)
        fig.savefig(pdf_path, format="pdf", metadata=_pdf_metadata())
        fig.savefig(png_path, format="png", metadata={"Software": None})
    return BuiltFigure(name, csv_path, pdf_path, png_path, time.perf_counter() - start)


def build_all(outdir, only=None, seed: int = 0) -> list[BuiltFigure]:
    """Build every registered figure (or the names in ``only``) into ``outdir``.

    Raises:
        ValueError: an unknown name in ``only`` (checked before anything is built).
        ImportError: a selected figure needs a missing extra (checked before anything is
            built; the message gives the ``pip install`` line).
    """
    names = select(only)
    for n in names:
        for extra in missing_requirements(n):
            require(extra, f"figure {n!r}")
    return [build(n, outdir, seed) for n in names]
