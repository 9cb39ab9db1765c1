"""revsgd.figures: one module per figure, a style module and a builder.

``build(name, outdir, seed)`` writes ``name.csv`` (the data), ``name.pdf`` and
``name.png``; ``build_all`` does every figure of :data:`FIGURES`.
"""

from figures.base import FIGURES
from figures.base import BuiltFigure
from figures.base import build
from figures.base import build_all
from figures.base import load
from figures.base import read_csv
from figures.base import render
from figures.base import write_csv

__all__ = [
    "FIGURES",
    "BuiltFigure",
    "build",
    "build_all",
    "load",
    "read_csv",
    "render",
    "write_csv",
]
