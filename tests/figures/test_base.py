"""The builder: registry, CSV round trip, styles, reproducible bytes, bad names."""

import matplotlib
import numpy as np
import pytest

from revsgd.figures import FIGURES, build, build_all, load, read_csv, render, write_csv
from revsgd.figures import style
from revsgd.figures.base import check_data


def test_registry_names_match_modules():
    issue_5 = {"trajectories", "increments", "same_law", "gallery", "lr_sweep", "brackets",
               "loss_curves", "contraction_region"}
    assert issue_5 <= set(FIGURES) and len(set(FIGURES)) == len(FIGURES)
    for name in FIGURES:
        module = load(name)
        assert module.NAME == name
        assert callable(module.compute) and callable(module.draw)


@pytest.mark.parametrize("bad", ["nope", "", None, 3])
def test_unknown_name_lists_the_valid_ones(bad, tmp_path):
    with pytest.raises(ValueError) as exc:
        build(bad, tmp_path)
    for name in FIGURES:
        assert name in str(exc.value)
    with pytest.raises(ValueError, match="unknown figure"):
        build_all(tmp_path, only=["trajectories", "nope"])
    assert not any(tmp_path.iterdir())  # nothing built before the bad name was caught


def test_negative_seed_refused(tmp_path):
    with pytest.raises(ValueError, match="seed"):
        build("contraction_region", tmp_path, seed=-1)


def test_csv_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(0)
    data = {"a": rng.normal(size=7), "b": np.arange(3), "c": np.array([1e-300, -2.5e17])}
    back = read_csv(write_csv(data, tmp_path / "x.csv"))
    assert list(back) == list(data)
    for key in data:
        np.testing.assert_array_equal(back[key], data[key])


@pytest.mark.parametrize(
    "bad, exc",
    [({}, ValueError), ([1, 2], TypeError), ({"a": np.ones((2, 2))}, ValueError),
     ({"a": np.array([1.0, np.nan])}, ValueError), ({1: np.ones(2)}, TypeError)],
)
def test_check_data_refuses_non_columns(bad, exc):
    with pytest.raises(exc):
        check_data(bad)


def test_style_is_a_dict_and_changes_nothing_global():
    before = dict(matplotlib.rcParams)
    rc = style.paper("double", aspect=0.5, nrows=2)
    assert rc["figure.figsize"] == (6.75, 6.75)
    assert rc["pdf.fonttype"] == 42 and rc["svg.hashsalt"] == style.SVG_HASHSALT
    load("trajectories")
    render(load("contraction_region"), load("contraction_region").compute(0))
    assert dict(matplotlib.rcParams) == before


@pytest.mark.parametrize("kwargs", [{"column": "triple"}, {"aspect": 0}, {"nrows": 0}])
def test_style_refuses_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        style.paper(**kwargs)


def test_roles_keep_distinct_line_styles_for_greyscale():
    lines = {(r["linestyle"], r["marker"]) for r in style.ROLES.values()}
    assert len(lines) == len(style.ROLES)
    assert {"forward", "backward"} <= set(style.ROLES)
    assert style.ROLES["forward"]["linestyle"] != style.ROLES["backward"]["linestyle"]
    with pytest.raises(ValueError, match="role"):
        style.role("nope")


@pytest.mark.parametrize("name", ["contraction_region", "brackets"])
def test_bytes_are_reproducible(name, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a = build(name, tmp_path / "a", seed=3)
    b = build(name, tmp_path / "b", seed=3)
    for kind in ("csv", "pdf", "png"):
        assert getattr(a, kind).read_bytes() == getattr(b, kind).read_bytes(), kind
    pdf = a.pdf.read_bytes()
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf
    assert b"Software" not in a.png.read_bytes()


def test_source_date_epoch_is_honoured(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a = build("contraction_region", tmp_path / "a")
    b = build("contraction_region", tmp_path / "b")
    assert a.pdf.read_bytes() == b.pdf.read_bytes()
    assert b"/CreationDate (D:20231114" in a.pdf.read_bytes()


def test_build_all_writes_three_files_per_figure(tmp_path):
    built = build_all(tmp_path, only="increments")
    assert [b.name for b in built] == ["increments"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "increments.csv", "increments.pdf", "increments.png"]
