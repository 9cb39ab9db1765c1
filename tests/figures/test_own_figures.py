"""Your own figures: any object with the figure contract builds; save() writes what build() writes."""

import struct
import types
import zlib

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from revsgd.figures import build, check_figure, render, save
from revsgd.figures.style import paper, role


def _mine(name="mine"):
    def compute(seed):
        rng = np.random.default_rng(seed)
        return {"n": np.arange(20.0), "y": np.cumsum(rng.standard_normal(20))}

    def draw(data, fig):
        ax = fig.add_subplot()
        ax.plot(data["n"], data["y"], label="forward", **role("forward"))
        ax.set_xlabel("step $n$")
        ax.legend()

    return types.SimpleNamespace(NAME=name, STYLE=paper("single"), compute=compute, draw=draw)


def _png_dpi(path):
    raw = path.read_bytes()
    at = raw.index(b"pHYs")
    x, y, unit = struct.unpack(">IIB", raw[at + 4: at + 13])
    assert unit == 1  # pixels per metre
    return round(x * 0.0254), round(y * 0.0254)


def _pdf_font_kinds(path):
    """Font subtypes in the PDF, looking inside compressed object streams too."""
    raw = path.read_bytes()
    chunks = [raw]
    for m in __import__("re").finditer(rb"stream\r?\n(.*?)endstream", raw, __import__("re").S):
        try:
            chunks.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    text = b"".join(chunks)
    return {kind for kind in (b"/Type3", b"/TrueType", b"/Type1", b"/CIDFontType2") if b"/Subtype " + kind in text
            or b"/Subtype" + kind in text}


def test_build_accepts_an_object_with_the_figure_contract(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    built = build(_mine(), tmp_path, seed=3)
    assert built.name == "mine" and all(p.exists() for p in (built.csv, built.pdf, built.png))
    assert _png_dpi(built.png) == (300, 300)
    kinds = _pdf_font_kinds(built.pdf)
    assert b"/Type3" not in kinds and kinds & {b"/TrueType", b"/CIDFontType2"}, kinds
    again = build(_mine(), tmp_path / "again", seed=3)
    for a, b in ((built.pdf, again.pdf), (built.png, again.png), (built.csv, again.csv)):
        assert a.read_bytes() == b.read_bytes()


def test_save_of_a_rendered_figure_writes_the_same_bytes_as_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    mine = _mine()
    built = build(mine, tmp_path / "built", seed=1)
    data = mine.compute(1)
    with matplotlib.rc_context(mine.STYLE):
        saved = save(render(mine, data), data, tmp_path / "saved", "mine")
    for a, b in ((built.pdf, saved.pdf), (built.png, saved.png), (built.csv, saved.csv)):
        assert a.read_bytes() == b.read_bytes()


def test_save_gives_type42_and_300_dpi_to_a_plain_figure_without_touching_global_state(tmp_path):
    before = dict(matplotlib.rcParams)
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0.0, 1.0], [1.0, 0.0])
    ax.set_title("a title")
    built = save(fig, {"x": [0.0, 1.0], "y": [1.0, 0.0]}, tmp_path, "plain")
    assert _png_dpi(built.png) == (300, 300)
    assert b"/Type3" not in _pdf_font_kinds(built.pdf)
    assert dict(matplotlib.rcParams) == before


def test_build_names_a_figure_object_by_argument(tmp_path):
    mine = _mine()
    del mine.NAME
    assert build(mine, tmp_path, name="custom").pdf.name == "custom.pdf"
    with pytest.raises(ValueError, match="name must be given"):
        build(mine, tmp_path)


@pytest.mark.parametrize("bad,error,match", [
    (types.SimpleNamespace(STYLE={}, compute=lambda s: {}), TypeError, "lacks draw"),
    (types.SimpleNamespace(STYLE=[], compute=lambda s: {}, draw=lambda d, f: None), TypeError, "STYLE"),
    (types.SimpleNamespace(STYLE={}, compute=1, draw=lambda d, f: None), TypeError, "compute"),
    ("no_such_figure", ValueError, "unknown figure"),
])
def test_check_figure_refuses_what_lacks_the_contract(bad, error, match):
    with pytest.raises(error, match=match):
        check_figure(bad, name="x")


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(fig="not a figure"), TypeError, "fig must be"),
    (dict(name="../escape"), ValueError, "name must be"),
    (dict(name=""), ValueError, "name must be"),
    (dict(data={"y": [0.0, float("nan")]}), ValueError, "NaN"),
])
def test_save_refuses_bad_input(kwargs, error, match, tmp_path):
    args = dict(fig=Figure(), data={"y": [0.0, 1.0]}, out=tmp_path, name="ok")
    args.update(kwargs)
    with pytest.raises(error, match=match):
        save(**args)
    assert not any(tmp_path.iterdir())
