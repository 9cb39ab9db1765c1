"""revsgd.figures: one module per figure, a style module and a builder.

``build(name, outdir, seed)`` writes ``name.csv`` (the data), ``name.pdf`` and
``name.png``; ``build_all`` does every figure of :data:`FIGURES`.

The builder (and with it matplotlib) is imported on first use of one of its names, so
that ``revsgd.figures.names`` (the list of figures) loads in milliseconds.

Example:

>>> from revsgd.figures import FIGURES, select
>>> select("orders,trajectories".split(","))
['orders', 'trajectories']
"""

import importlib

from revsgd.figures.names import FIGURES

__all__ = [
    "FIGURES",
    "BuiltFigure",
    "SAVE_RC",
    "build",
    "build_all",
    "check_figure",
    "load",
    "missing_requirements",
    "read_csv",
    "render",
    "save",
    "select",
    "write_csv",
]

_FROM_USER_PLOTS = frozenset({"FamilyFigure", "plot_increments", "plot_trajectories"})
__all__ += sorted(_FROM_USER_PLOTS)
_FROM_BASE = frozenset(__all__) - {"FIGURES"} - _FROM_USER_PLOTS


def __getattr__(name):
    if name in _FROM_USER_PLOTS:
        value = getattr(importlib.import_module("revsgd.figures.user_plots"), name)
        globals()[name] = value
        return value
    if name in _FROM_BASE:
        value = getattr(importlib.import_module("revsgd.figures.base"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'revsgd.figures' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
