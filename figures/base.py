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
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from revsgd.figures.names import FIGURES
from revsgd.figures.style import SVG_HASHSALT
from revsgd.theory._validate import as_array
from revsgd.theory.extras import missing_extras, require

__all__ = [
    "FIGURES",
    "BuiltFigure",
    "build",
    "build_all",
    "check_data",
    "check_figure",
    "SAVE_RC",
    "save",
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
    """The module of the registered figure ``name``.

    Raises:
        ValueError: unknown name (the message lists the valid names).
    """
    if not isinstance(name, str) or name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; valid names: {', '.join(FIGURES)}")
    module = importlib.import_module(f"revsgd.figures.{name}")
    if getattr(module, "NAME", None) != name:
        raise RuntimeError(f"figures.{name} must set NAME = {name!r}")
    return module


_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _file_stem(name, what="name") -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str file-name stem (e.g. 'my_figure'); got {type(name).__name__} {name!r}")
    if not _NAME_PATTERN.match(name):
        raise ValueError(f"{what} must be a file-name stem of letters, digits, '_', '.', '-' "
                         f"(e.g. 'my_figure'); got {name!r}")
    return name


def check_figure(figure, name=None):
    """``(figure, name)`` for a registered name or any object with the figure contract.

    The contract (what every module of this package has): ``STYLE``, an rc dict such as
    :func:`revsgd.figures.style.paper` returns; ``compute(seed) -> dict`` of 1-D columns;
    ``draw(data, fig) -> None``; and a ``NAME`` unless ``name`` is given.

    Args:
        figure: a name of :data:`FIGURES`, or a module/object with the contract.
        name: the file-name stem of the outputs (default ``figure.NAME``).

    Returns:
        ``(obj, name)``: the figure object (the module for a registered name) and its name.

    Raises:
        ValueError: unknown registered name (or an object with no part of the contract),
            or a bad ``name``.
        TypeError: an object that lacks part of the contract (the missing parts are named).

    Example:

    >>> import types
    >>> mine = types.SimpleNamespace(STYLE={}, compute=lambda seed: {"x": [0.0, 1.0]},
    ...                              draw=lambda data, fig: fig.add_subplot().plot(data["x"]))
    >>> check_figure(mine, name="mine")[1]
    'mine'
    """
    if isinstance(figure, str):
        module = load(figure)
        return module, module.NAME if name is None else _file_stem(name)
    missing = [a for a in ("STYLE", "compute", "draw") if not hasattr(figure, a)]
    if len(missing) == 3:  # neither a name nor a figure object
        raise ValueError(f"unknown figure {figure!r}: expected a name from {', '.join(FIGURES)}, "
                         f"or an object with STYLE, compute(seed) and draw(data, fig)")
    if missing:
        raise TypeError(f"figure must be a registered name or have STYLE, compute(seed) and draw(data, fig); "
                        f"{type(figure).__name__} lacks {', '.join(missing)}")
    if not isinstance(figure.STYLE, dict):
        raise TypeError(f"figure.STYLE must be an rc dict (e.g. revsgd.figures.style.paper()); "
                        f"got {type(figure.STYLE).__name__}")
    for attr in ("compute", "draw"):
        if not callable(getattr(figure, attr)):
            raise TypeError(f"figure.{attr} must be callable; got {type(getattr(figure, attr)).__name__}")
    if name is None:
        name = getattr(figure, "NAME", None)
        if name is None:
            raise ValueError("name must be given for a figure object without a NAME attribute")
    return figure, _file_stem(name)


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
        arr = as_array(col, f"{name}[{key!r}]", "a 1-D numeric column")
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


def render(figure, data) -> Figure:
    """Draw ``data`` with ``figure.draw`` on a fresh Agg-backed Figure under ``figure.STYLE``.

    Args:
        figure: a registered name or an object with the figure contract (:func:`check_figure`).
        data: the dict of columns ``figure.compute(seed)`` returned.

    Returns:
        the :class:`matplotlib.figure.Figure` (no pyplot, no global state changed); save it
        with :func:`save`.
    """
    figure, _ = check_figure(figure, name="figure")
    with rc_context(figure.STYLE):
        fig = Figure()
        FigureCanvasAgg(fig)
        figure.draw(check_data(data), fig)
    return fig


#: rc parameters every saved figure gets: TrueType (Type 42) fonts in PDF and PS, 300-dpi
#: rasters, a fixed SVG hash salt.
SAVE_RC = {"pdf.fonttype": 42, "ps.fonttype": 42, "savefig.dpi": 300, "svg.hashsalt": SVG_HASHSALT}


def _pdf_metadata() -> dict:
    meta = {"Creator": "revsgd figures", "ModDate": None}
    if "SOURCE_DATE_EPOCH" not in os.environ:
        meta["CreationDate"] = None  # matplotlib honours SOURCE_DATE_EPOCH when it is set
    return meta


def save(fig, data, out, name) -> BuiltFigure:
    """Write ``out/name.csv`` (the data), ``out/name.pdf`` and ``out/name.png`` as the built-in
    figures are written.

    The PDF embeds TrueType (Type 42) fonts, the PNG is 300 dpi, and the bytes depend only
    on the figure: no creation date in the PDF unless ``SOURCE_DATE_EPOCH`` is set (then
    that date), no software or time stamp in the PNG.

    Args:
        fig: a :class:`matplotlib.figure.Figure` (e.g. from :func:`render`, or your own).
        data: dict of 1-D numeric columns plotted in it (written as CSV beside it).
        out: output folder (created if missing).
        name: file-name stem.

    Returns:
        a :class:`BuiltFigure` with the three paths (``seconds``: time spent saving).

    Raises:
        TypeError: ``fig`` is not a matplotlib Figure, or bad ``data`` columns.
        ValueError: a bad ``name``, or ``data`` with NaN/inf or non-1-D columns.

    Example:

    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); _ = fig.add_subplot().plot([0.0, 1.0])
    >>> built = save(fig, {"y": [0.0, 1.0]}, tempfile.mkdtemp(), "line")
    >>> built.pdf.name, built.png.name, built.csv.name
    ('line.pdf', 'line.png', 'line.csv')
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib.figure.Figure; got {type(fig).__name__}")
    name = _file_stem(name)
    data = check_data(data)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    if fig.canvas is None or not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    csv_path = write_csv(data, out / f"{name}.csv")
    pdf_path, png_path = out / f"{name}.pdf", out / f"{name}.png"
    with rc_context(SAVE_RC):
        fig.savefig(pdf_path, format="pdf", metadata=_pdf_metadata())
        fig.savefig(png_path, format="png", metadata={"Software": None})
    return BuiltFigure(name, csv_path, pdf_path, png_path, time.perf_counter() - start)


def build(figure, outdir, seed: int = 0, name=None) -> BuiltFigure:
    """Compute, draw and :func:`save` a figure: ``outdir/name.{csv,pdf,png}``.

    Args:
        figure: one of :data:`FIGURES`, or any object with the figure contract
            (``STYLE``, ``compute(seed)``, ``draw(data, fig)``; see :func:`check_figure`).
        outdir: directory (created if missing).
        seed: seed of the figure's random draws.
        name: file-name stem (default: the figure's ``NAME``).

    Returns:
        a :class:`BuiltFigure` with the three paths.

    Raises:
        ValueError: unknown figure name, a negative seed, or a bad name.
        TypeError: an object without the figure contract, a non-integer seed or a non-str name.
    """
    figure, name = check_figure(figure, name)
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be a non-negative integer, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    start = time.perf_counter()
    data = check_data(figure.compute(int(seed)), f"figures.{name}.compute(seed)")
    with rc_context(figure.STYLE):
        fig = Figure()
        FigureCanvasAgg(fig)
        figure.draw(data, fig)
        built = save(fig, data, outdir, name)
    return BuiltFigure(name, built.csv, built.pdf, built.png, time.perf_counter() - start)


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
