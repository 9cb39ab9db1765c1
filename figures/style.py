r"""Figure styles: plain dicts for :func:`matplotlib.rc_context`, sized to paper columns.

Nothing here touches the global matplotlib state: :func:`paper` returns an rc dict, and
:mod:`revsgd.figures.base` applies it inside ``matplotlib.rc_context`` while one figure is drawn
and saved. Widths are the text widths of two-column ML venues (ICML, NeurIPS-like
two-column layouts): a single column is 3.25 in, the full page 6.75 in.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies) and
every role also has its own line style and marker, so the figures survive greyscale
printing. Roles, not colours, are what the figure modules name:

===========  ==============  ==========
role         colour          line style
===========  ==============  ==========
forward      blue            solid
backward     vermillion      dashed
theory       black           dotted
reference    grey            dash-dot
===========  ==============  ==========

Example:
    >>> rc = paper("single", aspect=0.75)
    >>> rc["figure.figsize"]
    (3.25, 2.4375)
    >>> rc["pdf.fonttype"]
    42
"""

from __future__ import annotations

from matplotlib import cycler

__all__ = [
    "COLUMN_WIDTHS",
    "OKABE_ITO",
    "ROLES",
    "SVG_HASHSALT",
    "paper",
    "role",
]

#: Text widths in inches of a single column and of the full page (two-column venues).
COLUMN_WIDTHS = {"single": 3.25, "double": 6.75}

#: The Okabe-Ito colour-blind-safe palette, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Fixed salt so that SVG ids (and hence bytes) do not change between runs.
SVG_HASHSALT = "revsgd"

#: Line properties of each role of a curve; a role keeps colour *and* style.
ROLES = {
    "forward": {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
    "backward": {"color": OKABE_ITO["vermillion"], "linestyle": "--", "marker": "s"},
    "theory": {"color": OKABE_ITO["black"], "linestyle": ":", "marker": "None"},
    "reference": {"color": "#777777", "linestyle": "-.", "marker": "None"},
    "exact": {"color": OKABE_ITO["bluish_green"], "linestyle": "-", "marker": "None"},
    "approximate": {"color": OKABE_ITO["orange"], "linestyle": "--", "marker": "^"},
    "sample": {"color": OKABE_ITO["reddish_purple"], "linestyle": "None", "marker": "D"},
}

_CYCLE_COLOURS = [OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange",
                                         "reddish_purple", "sky_blue", "black")]
_CYCLE_STYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3))]


def role(name: str, *, marker: bool = False, **overrides) -> dict:
    """Keyword arguments for ``Axes.plot`` of a curve playing role ``name``.

    Args:
        name: one of :data:`ROLES`.
        marker: keep the role's marker (off by default: dense curves read better without).
        **overrides: any ``plot`` keyword, applied last.

    Raises:
        ValueError: unknown role (the message lists the roles).
    """
    if name not in ROLES:
        raise ValueError(f"role must be one of {', '.join(sorted(ROLES))}; got {name!r}")
    kw = dict(ROLES[name])
    if not marker and kw["linestyle"] != "None":
        kw["marker"] = "None"
    kw.update(overrides)
    return kw


def paper(column: str = "single", *, aspect: float = 0.75, nrows: int = 1) -> dict:
    """rc parameters for a figure one column (``"single"``) or one page (``"double"``) wide.

    Args:
        column: ``"single"`` (3.25 in) or ``"double"`` (6.75 in).
        aspect: height / width of one row of panels.
        nrows: rows of panels stacked vertically (height scales with it).

    Returns:
        a dict for ``matplotlib.rc_context``: size, fonts (TrueType embedding,
        ``pdf.fonttype`` 42), Okabe-Ito colour cycle with matching line styles, fixed SVG
        hash salt, tight bounding box and 300 dpi raster output.

    Raises:
        ValueError: unknown ``column``, or non-positive ``aspect``/``nrows``.
    """
    if column not in COLUMN_WIDTHS:
        raise ValueError(
            f"column must be one of {', '.join(COLUMN_WIDTHS)}; got {column!r}"
        )
    if not (isinstance(aspect, (int, float)) and aspect > 0):
        raise ValueError(f"aspect must be a positive number, got {aspect!r}")
    if isinstance(nrows, bool) or not isinstance(nrows, int) or nrows < 1:
        raise ValueError(f"nrows must be a positive integer, got {nrows!r}")
    width = COLUMN_WIDTHS[column]
    return {
        "figure.figsize": (width, width * aspect * nrows),
        "figure.dpi": 150,
        "figure.constrained_layout.use": True,
        "savefig.dpi": 300,
        "savefig.bbox": "standard",
        "font.family": "DejaVu Sans",
        "font.size": 8,
        "axes.titlesize": 8,
        "axes.labelsize": 8,
        "legend.fontsize": 7,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "axes.linewidth": 0.6,
        "lines.linewidth": 1.2,
        "lines.markersize": 3,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=_CYCLE_COLOURS) + cycler(linestyle=_CYCLE_STYLES),
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.hashsalt": SVG_HASHSALT,
        "svg.fonttype": "none",
        "image.cmap": "cividis",
    }
