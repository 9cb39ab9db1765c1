"""The report: table, JSON and LaTeX say what happened, including failures."""

import json

import numpy as np
import pytest

from revsgd.proofs_check.registry import CheckResult
from revsgd.proofs_check.report import format_table, jsonable, latex_fragment, results_to_json, write_json, write_latex

RESULTS = [
    CheckResult("C1", "good_check", "symbolic", "d=3", np.float64(1e-16), "residual 0", True, 0.25, r"a_1 = a_1"),
    CheckResult("C7", "bad_check", "numeric", "", np.int64(3), 1.0, False, 0.5, r"b = c"),
    CheckResult("C2", "broken_check", "numeric", "", None, None, False, 0.0, r"d = e", "ValueError: nope"),
]


def test_table_has_columns_rows_and_totals():
    text = format_table(RESULTS)
    lines = text.splitlines()
    for col in ("claim", "check", "kind", "instance", "measured", "expected", "verdict", "seconds"):
        assert col in lines[0]
    assert "good_check" in lines[2] and "PASS" in lines[2]
    assert "FAIL" in lines[3] and "error: ValueError: nope" in lines[4]
    assert lines[-1] == "1/3 passed, 2 failed, 0.75 s in all"


def test_json_round_trip(tmp_path):
    path = write_json(RESULTS, tmp_path / "sub" / "out.json")
    data = json.loads(path.read_text())
    assert [d["name"] for d in data] == ["good_check", "bad_check", "broken_check"]
    assert set(data[0]) == {"claim", "name", "kind", "passed", "measured", "expected", "instance",
                            "seconds", "statement", "error"}
    assert data[0]["measured"] == 1e-16 and data[1]["measured"] == 3 and data[1]["passed"] is False
    assert data[2]["error"] == "ValueError: nope" and data[2]["measured"] is None


@pytest.mark.parametrize("value, expected", [(np.float32(0.5), 0.5), (float("nan"), "nan"), (np.bool_(True), True),
                                             (object, str(object)), ((1, np.int8(2)), [1, 2])])
def test_jsonable(value, expected):
    assert jsonable(value) == expected
    json.dumps(jsonable(value), allow_nan=False)


def test_latex_lists_only_passed_statements(tmp_path):
    text = write_latex(RESULTS, tmp_path / "out.tex").read_text()
    assert r"\begin{itemize}" in text and r"\end{itemize}" in text
    assert r"\(a_1 = a_1\)" in text and r"\textbf{C1}" in text and r"good\_check" in text
    assert "b = c" not in text and "d = e" not in text
    assert "no statement verified" in latex_fragment(RESULTS[1:])


def test_bad_results_are_refused():
    with pytest.raises(TypeError, match="CheckResult"):
        format_table(["not a result"])
    with pytest.raises(TypeError, match="CheckResult"):
        results_to_json([{"claim": "C1"}])
