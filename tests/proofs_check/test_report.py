"""The report: table, JSON and LaTeX say what happened, including failures."""

import json

import numpy as np
import pytest

from revsgd.proofs_check.registry import CheckResult
from revsgd.proofs_check.report import format_table, jsonable, latex_fragment, results_to_json, write_json, write_latex

LONG_NOTE = "a note long enough to need wrapping: " + " ".join(f"word{i}" for i in range(30))
RESULTS = [
    CheckResult("C10", "tenth_check", "numeric", "m=10", [0.5, np.float64(0.25)], 1e-3, True, 0.125,
                r"f = f", None, "p-values; pass iff both > 1e-3"),
    CheckResult("C1", "good_check", "symbolic", "d=3", [0, np.float64(1e-16)], [0, 1e-12], True, 0.25,
                r"a_1 = a_1", None, LONG_NOTE),
    CheckResult("C7", "bad_check", "numeric", "", np.int64(3), 1.0, False, 0.5, r"b = c"),
    CheckResult("C2", "broken_check", "numeric", "", None, None, False, 0.0, r"d = e", "ValueError: nope"),
    CheckResult("C1", "another_check", "numeric", "", 0.5, 1.0, True, 0.0, r"g = g"),
]


def test_table_is_grouped_by_claim_in_order_with_totals():
    text = format_table(RESULTS)
    lines = text.splitlines()
    for col in ("claim", "check", "kind", "instance", "measured", "expected", "verdict", "seconds", "note"):
        assert col in lines[0]
    body = [line for line in lines[2:-1]]
    names = [n for n in ("another_check", "good_check", "broken_check", "bad_check", "tenth_check")]
    positions = [next(i for i, line in enumerate(body) if n in line) for n in names]
    assert positions == sorted(positions)  # C1 (by name), C2, C7, C10: numeric claim order
    assert body.count("") == 3  # a blank line between the four claim blocks
    assert "PASS" in body[positions[0]] and "FAIL" in body[positions[3]]
    assert any("error: ValueError: nope" in line for line in body)
    assert lines[-1] == "3/5 passed, 2 failed, 0.88 s in all"


def test_table_wraps_long_cells_and_never_cuts_them():
    wrapped = format_table(RESULTS, width=20)
    assert "..." not in wrapped
    words = " ".join(wrapped.split())
    for i in range(30):
        assert f"word{i}" in words
    assert max(len(line) for line in wrapped.splitlines()) < max(len(line) for line in format_table(RESULTS, wide=True).splitlines())
    wide = format_table(RESULTS, wide=True)
    assert LONG_NOTE in wide
    with pytest.raises(ValueError, match="width"):
        format_table(RESULTS, width=3)


def test_json_document(tmp_path):
    path = write_json(RESULTS, tmp_path / "sub" / "out.json", meta={"seed": 7})
    doc = json.loads(path.read_text())
    assert doc["meta"] == {"seed": 7}
    data = doc["checks"]
    assert [d["name"] for d in data] == ["another_check", "good_check", "broken_check", "bad_check", "tenth_check"]
    assert set(data[0]) == {"claim", "name", "kind", "passed", "measured", "expected", "note", "instance",
                            "seconds", "statement", "error"}
    assert data[1]["measured"] == [0, 1e-16] and data[3]["measured"] == 3 and data[3]["passed"] is False
    assert data[2]["error"] == "ValueError: nope" and data[2]["measured"] is None
    assert data[4]["note"] == "p-values; pass iff both > 1e-3"


def test_default_meta_names_versions():
    meta = results_to_json(RESULTS)["meta"]
    assert {"revsgd", "numpy", "scipy", "sympy", "python", "platform", "seed", "flags"} <= set(meta)


@pytest.mark.parametrize("value, expected", [(np.float32(0.5), 0.5), (float("nan"), "nan"), (np.bool_(True), True),
                                             (object, str(object)), ((1, np.int8(2)), [1, 2])])
def test_jsonable(value, expected):
    assert jsonable(value) == expected
    json.dumps(jsonable(value), allow_nan=False)


def test_latex_lists_only_passed_statements(tmp_path):
    text = write_latex(RESULTS, tmp_path / "out.tex").read_text()
    assert r"\begin{itemize}" in text and r"\end{itemize}" in text
    assert r"\(a_1 = a_1\)" in text and r"\textbf{C1}" in text and r"good\_check" in text
    assert "b = c" not in text and "d = e" not in text and r"\textbf{C10}" in text
    assert "no statement verified" in latex_fragment([r for r in RESULTS if not r.passed])


def test_bad_results_are_refused():
    with pytest.raises(TypeError, match="CheckResult"):
        format_table(["not a result"])
    with pytest.raises(TypeError, match="CheckResult"):
        results_to_json([{"claim": "C1"}])
