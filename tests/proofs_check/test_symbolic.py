"""Every symbolic check passes; the helpers behave; the command line works end to end."""

import json

import numpy as np
import pytest
import sympy as sp

import revsgd.proofs_check.symbolic  # noqa: F401  (registers the checks)
from revsgd.cli import main as cli_main


def main(argv):
    return cli_main(["verify", *argv])
from revsgd.proofs_check.registry import run_check, select
from revsgd.proofs_check.symbolic import _numeric as num
from revsgd.proofs_check.symbolic._jets import taylor_at, truncate
from revsgd.proofs_check.symbolic._verdict import coefficients_in, series_coefficients
from revsgd.proofs_check.symbolic.brackets import taylor_coefficients_numeric
from revsgd.proofs_check.symbolic.stationary import stationary_moments_1d

SYMBOLIC = select(kind="symbolic")


def test_every_issue_item_is_covered():
    assert {c.claim for c in SYMBOLIC} == {"C1", "C2", "C3", "C4", "C5", "C6", "C7"}
    assert len(SYMBOLIC) >= 19


@pytest.mark.parametrize("check", SYMBOLIC, ids=lambda c: c.name)
def test_symbolic_check_passes(check):
    result = run_check(check, seed=0)
    assert result.error is None, result.error
    assert result.passed, (result.measured, result.expected)
    residual, error = result.measured
    assert residual == 0 and result.expected[0] == 0 and error <= result.expected[1]
    assert result.note.startswith("residual 0;")


def test_checks_pass_on_another_seed():
    assert all(run_check(c, seed=7).passed for c in select(only=["C4", "C5"], kind="symbolic"))


def test_coefficients_keep_noncommutative_order():
    h = sp.Symbol("h")
    a, b = sp.symbols("A B", commutative=False)
    got = coefficients_in((1 + h * a) * (1 + h * b), h)
    assert got == {0: 1, 1: a + b, 2: a * b}
    with pytest.raises(ValueError, match="polynomial"):
        coefficients_in(sp.exp(h) * a, h)


def test_series_coefficients_of_a_nonpolynomial():
    h, x = sp.symbols("h x")
    assert series_coefficients(sp.exp(h * x), h, 3) == [1, x, x**2 / 2]


def test_taylor_at_matches_a_known_function():
    h, x = sp.symbols("h x")
    got = taylor_at(sp.sin(x), [x], [h * x], h, 3)
    assert sp.expand(got - (sp.sin(x) + sp.cos(x) * h * x - sp.sin(x) * h**2 * x**2 / 2)) == 0
    assert truncate(1 + h + h**3, h, 2) == 1 + h
    with pytest.raises(ValueError, match="vanish"):
        taylor_at(sp.sin(x), [x], [1 + h], h, 2)


def test_stationary_moments_of_a_shifted_family():
    # x -> a x + b deterministic: Dirac at b / (1 - a), zero variance
    a, b = sp.symbols("a b")
    m, v = stationary_moments_1d([a], [b], [1])
    assert sp.cancel(m - b / (1 - a)) == 0 and v == 0


def test_enumeration_against_a_naive_loop():
    slopes, offsets, probs = [0.5, 0.3], [1.0, -2.0], [0.25, 0.75]
    values, weights = num.enumerate_words_1d(slopes, offsets, probs, 3)
    naive = {}
    for w in np.ndindex(2, 2, 2):
        y = 0.0
        for k in reversed(w):  # backward: the last letter is applied first
            y = slopes[k] * y + offsets[k]
        naive[round(y, 12)] = naive.get(round(y, 12), 0) + np.prod([probs[k] for k in w])
    got = {}
    for y, p in zip(values, weights):
        got[round(y, 12)] = got.get(round(y, 12), 0) + p
    assert got.keys() == naive.keys() and all(abs(got[k] - naive[k]) < 1e-15 for k in got)


def test_cauchy_coefficients_of_a_polynomial():
    coeffs = np.array([0.0, 1.0, -2.0, 0.5, 3.0])
    f = lambda h: (np.array([np.polyval(coeffs[::-1], h)]), 1.0)
    got, tol = taylor_coefficients_numeric(f, degree=4, radius=0.1, ops=8)
    assert np.all(np.abs(got[:, 0] - coeffs) <= tol)


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="ops"):
        num.roundoff_tolerance(1.0, 0)
    with pytest.raises(ValueError, match="low"):
        num.random_spd(np.random.default_rng(0), 2, -1.0, 1.0)
    with pytest.raises(ValueError, match="order"):
        series_coefficients(sp.Symbol("x"), sp.Symbol("h"), 0)


def test_command_line_writes_files_and_exits(tmp_path, capsys):
    js, tex = tmp_path / "r.json", tmp_path / "r.tex"
    assert main(["--only", "C3,C2", "--kind", "symbolic", "--json", str(js), "--latex", str(tex)]) == 0
    data = json.loads(js.read_text())["checks"]
    assert {d["claim"] for d in data} == {"C2", "C3"} and all(d["passed"] for d in data)
    assert r"\item[\textbf{C3}]" in tex.read_text()
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--only", "C99"], ["--seed", "-3"], ["--seed", "x"], ["--bogus"]])
def test_command_line_bad_arguments_exit_2(argv):
    assert main(argv) == 2


def test_command_line_exits_1_on_a_failure(monkeypatch):
    from revsgd.proofs_check.symbolic import fixed_points
    monkeypatch.setattr(fixed_points.num, "max_abs_error", lambda a, b: float("nan"))
    assert main(["--only", "C3", "--kind", "symbolic"]) == 1
