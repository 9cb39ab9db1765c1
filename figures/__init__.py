"""revsgd.figures: one module per figure, a style module and a builder.

``build(name, outdir, seed)`` writes ``name.csv`` (the data), ``name.pdf`` and
``name.png``; ``build_all`` does every figure of :data:`FIGURES`.
"""

from revsgd.figures.base import FIGURES
from revsgd.figures.base import BuiltFigure
from revsgd.figures.base import build
from revsgd.figures.base import build_all
from revsgd.figures.base import load
from revsgd.figures.base import missing_requirements
from revsgd.figures.base import read_csv
from revsgd.figures.base import render
from revsgd.figures.base import select
from revsgd.figures.base import write_csv

__all__ = [
    "FIGURES",
    "BuiltFigure",
    "build",
    "build_all",
    "load",
    "missing_requirements",
    "read_csv",
    "render",
    "select",
    "write_csv",
]
