r"""Ready-made figures of *your* family: forward and backward paths, and their increments.

Each function returns a :class:`FamilyFigure`, an object with the figure contract
(``NAME``, ``STYLE``, ``compute(seed)``, ``draw(data, fig)``), so that
:func:`revsgd.figures.build` writes it exactly as the built-in figures (PDF with Type 42
fonts, 300-dpi PNG, the CSV of every plotted number, reproducible bytes):

* :func:`plot_trajectories`: coordinates of the forward iterates
  :math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)` and the backward iterates
  :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)` against n (up to three coordinates);
* :func:`plot_increments`: :math:`|x_{n+1} - x_n|` and :math:`|y_{n+1} - y_n|` on a log
  scale, with the C1 bound :math:`\rho^n C` when the family has a certificate.

Example:

>>> import numpy as np, tempfile
>>> from revsgd.figures import build
>>> from revsgd.theory import AffineFamily
>>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
>>> word = np.random.default_rng(0).integers(0, 2, 40)
>>> built = build(plot_increments(fam, word, np.zeros(1)), tempfile.mkdtemp())
>>> built.pdf.name
'increments_of_family.pdf'

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence and
    stability in deep learning", arXiv:2502.01557, 2025 (forward and backward SGD).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from revsgd.figures import style
from revsgd.figures.base import _file_stem
from revsgd.theory import backward, certify, forward
from revsgd.theory._validate import as_index_array, as_positive_int
from revsgd.theory.family import check_family, check_point

__all__ = ["FamilyFigure", "plot_increments", "plot_trajectories"]


@dataclass(frozen=True)
class FamilyFigure:
    """A figure of one family on one word: the figure contract of :mod:`revsgd.figures.base`.

    Attributes:
        NAME: file-name stem.
        STYLE: rc dict (:func:`revsgd.figures.style.paper`).
        columns: the data (named 1-D columns); ``compute`` returns it whatever the seed.
        drawer: ``drawer(data, fig)``.
    """

    NAME: str
    columns: dict = field(repr=False)
    drawer: Callable = field(repr=False)
    STYLE: dict = field(default_factory=lambda: style.paper("single"), repr=False)

    def compute(self, seed: int = 0) -> dict:
        """The columns (deterministic: the word is given, ``seed`` is unused)."""
        return dict(self.columns)

    def draw(self, data, fig) -> None:
        """Draw ``data`` onto ``fig``."""
        self.drawer(data, fig)


def _paths(family, word, x0):
    check_family(family)
    x0 = check_point(family, x0)
    word = as_index_array(word, "word", family.K, allow_empty=False)
    return forward(family, word, x0), backward(family, word, x0), x0


def plot_trajectories(family, word, x0, *, coordinates=3, name="trajectories_of_family") -> FamilyFigure:
    """Forward and backward coordinates against n (the first ``coordinates`` of them).

    Args:
        family: any family.
        word: 1-D int array of map indices.
        x0: start, shape ``(d,)``.
        coordinates: how many coordinates to draw (at most 3 are readable).
        name: file-name stem.

    Returns:
        a :class:`FamilyFigure` for :func:`revsgd.figures.build`.

    Raises:
        TypeError, ValueError: a bad family, word, start, ``coordinates`` or ``name`` (named);
            ValueError: iterates that become non-finite (a divergent family).
    """
    name = _file_stem(name)
    coordinates = as_positive_int(coordinates, "coordinates")
    fwd, bwd, _ = _paths(family, word, x0)
    c = min(coordinates, fwd.shape[1])
    cols = {"n": np.arange(fwd.shape[0], dtype=float)}
    for i in range(c):
        cols[f"forward_{i}"], cols[f"backward_{i}"] = fwd[:, i], bwd[:, i]

    def draw(data, fig):
        ax = fig.add_subplot()
        for i in range(c):
            ax.plot(data["n"], data[f"forward_{i}"], label=f"forward $x_n[{i}]$", **style.role("forward", alpha=1 - 0.25 * i))
            ax.plot(data["n"], data[f"backward_{i}"], label=f"backward $y_n[{i}]$", **style.role("backward", alpha=1 - 0.25 * i))
        ax.set_xlabel("step $n$")
        ax.set_ylabel("coordinate")
        ax.legend(ncol=2)

    return FamilyFigure(name, cols, draw)


def plot_increments(family, word, x0, *, name="increments_of_family") -> FamilyFigure:
    r"""Step sizes :math:`|x_{n+1} - x_n|` and :math:`|y_{n+1} - y_n|` (log scale), and :math:`\rho^n C`.

    The bound is drawn (and written as the column ``bound``) only when
    :func:`revsgd.theory.certify` gives a certificate at ``x0``. Zero increments (a chain
    that has converged exactly) are written as they are and left out of the log plot.

    Args:
        family: any family.
        word: 1-D int array of map indices.
        x0: start, shape ``(d,)``.
        name: file-name stem.

    Returns:
        a :class:`FamilyFigure` for :func:`revsgd.figures.build`.

    Raises:
        TypeError, ValueError: a bad family, word, start or ``name`` (named); ValueError:
            iterates that become non-finite (a divergent family).
    """
    name = _file_stem(name)
    fwd, bwd, x0 = _paths(family, word, x0)
    n = np.arange(fwd.shape[0] - 1, dtype=float)
    cols = {"n": n, "forward_increment": np.linalg.norm(np.diff(fwd, axis=0), axis=1),
            "backward_increment": np.linalg.norm(np.diff(bwd, axis=0), axis=1)}
    try:
        cols["bound"] = np.asarray(certify(family, x0).cauchy(np.arange(n.size)), dtype=float)
    except ValueError:  # no certificate: no bound to draw
        pass

    def draw(data, fig):
        ax = fig.add_subplot()
        for key, who in (("forward_increment", "forward"), ("backward_increment", "backward")):
            keep = data[key] > 0
            ax.semilogy(data["n"][keep], data[key][keep], label=f"{who} $|\\Delta_n|$", **style.role(who))
        if "bound" in data:
            ax.semilogy(data["n"], data["bound"], label=r"C1 bound $\rho^n C$", **style.role("theory"))
        ax.set_xlabel("step $n$")
        ax.set_ylabel("step size")
        ax.legend()

    return FamilyFigure(name, cols, draw)
