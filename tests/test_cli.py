"""The command line: one parser, exit statuses 0/1/2, nothing vacuous, outputs checked first."""

import io
import json
import os
import subprocess
import sys

import pytest

from revsgd import cli
from revsgd.cli import build_parser, main
from revsgd.proofs_check import registry


@pytest.fixture
def no_work(monkeypatch):
    """Make any attempt to run a check, build a figure or time a workload an error."""

    def refuse(*args, **kwargs):
        raise AssertionError("work started before the arguments were validated")

    monkeypatch.setattr(registry, "run_check", refuse)
    monkeypatch.setattr("revsgd.figures.build", refuse)
    monkeypatch.setattr("revsgd.bench.workloads", refuse)


def test_help_lists_every_job(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("verify", "figures", "bench"):
        assert command in out


def test_no_command_is_an_error(capsys):
    assert main([]) == 2


def test_unknown_command_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["frobnicate"])
    assert exc.value.code == 2


def _bad(argv, capsys):
    """Run ``argv``; return (status, stderr) whether argparse exits or main returns."""
    status = main(argv)
    err = capsys.readouterr().err
    return status, err


BAD_INVOCATIONS = [
    (["verify", "--only", "C99"], "--only"),
    (["verify", "--only", ""], "--only"),
    (["verify", "--only", ","], "--only"),
    (["verify", "--only", "C10", "--kind", "symbolic"], "--only C10"),
    (["verify", "--only", "C8", "--kind", "symbolic"], "--only C8"),
    (["verify", "--seed", "-1"], "--seed"),
    (["verify", "--seed", "x"], "--seed"),
    (["verify", "--seed", "1.5"], "--seed"),
    (["verify", "--explain", "C11"], "--explain"),
    (["verify", "--explain", "C1,C2"], "--explain"),
    (["verify", "--kind", "proof"], "--kind"),
    (["verify", "--bogus"], "--bogus"),
    (["figures", "--only", "nope"], "--only"),
    (["figures", "--only", ","], "--only"),
    (["figures", "--seed", "-2"], "--seed"),
]


@pytest.mark.parametrize("argv,option", BAD_INVOCATIONS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_bad_invocation_exits_2_on_one_line_before_any_work(argv, option, capsys, no_work):
    status, err = _bad(argv, capsys)
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    assert option in err and "Traceback" not in err


@pytest.fixture
def blocked_paths(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    read_only = tmp_path / "read_only"
    read_only.mkdir()
    return {"folder": str(tmp_path), "under_file": str(a_file / "x.json"), "a_file": str(a_file),
            "read_only": read_only}


@pytest.mark.parametrize("command,option", [("verify", "--json"), ("verify", "--latex"), ("bench", "--json")])
@pytest.mark.parametrize("where", ["folder", "under_file"])
def test_output_file_that_cannot_be_written_exits_2(command, option, where, blocked_paths, capsys, no_work):
    status, err = _bad([command, option, blocked_paths[where]], capsys)
    assert status == 2 and option in err and len(err.strip().splitlines()) == 1, err
    assert {"folder": "is a folder, expected a file path", "under_file": "which is a file, not a folder"}[where] in err


@pytest.mark.parametrize("where", ["a_file", "under_file"])
def test_figures_out_that_cannot_be_a_folder_exits_2(where, blocked_paths, capsys, no_work):
    status, err = _bad(["figures", "--out", blocked_paths[where]], capsys)
    assert status == 2 and "--out" in err and len(err.strip().splitlines()) == 1, err


def test_unwritable_folder_exits_2(blocked_paths, capsys, no_work, monkeypatch):
    """A folder the process cannot write into (simulated: root ignores permission bits)."""
    import tempfile

    real = tempfile.TemporaryFile

    def denied(*args, dir=None, **kwargs):
        if dir is not None and os.fspath(dir) == str(blocked_paths["read_only"]):
            raise PermissionError(13, "Permission denied")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "TemporaryFile", denied)
    status, err = _bad(["verify", "--json", str(blocked_paths["read_only"] / "r.json")], capsys)
    assert status == 2 and "Permission denied" in err and "--json" in err


def test_missing_parent_of_an_output_is_created(tmp_path, capsys):
    path = tmp_path / "new" / "deeper" / "checks.json"
    assert main(["verify", "--only", "C4", "--kind", "numeric", "--json", str(path), "--quiet"]) == 0
    assert path.exists()


def test_verify_json_document(tmp_path, capsys):
    path = tmp_path / "checks.json"
    assert main(["verify", "--only", "C4,C1", "--quick", "--json", str(path), "--seed", "3", "--quiet"]) == 0
    doc = json.loads(path.read_text())
    assert set(doc) == {"meta", "checks"}
    meta = doc["meta"]
    assert {"revsgd", "numpy", "scipy", "sympy", "python", "platform", "seed", "flags"} <= set(meta)
    assert meta["seed"] == 3 and meta["flags"]["quick"] is True and meta["flags"]["only"] == ["C4", "C1"]
    rows = doc["checks"]
    keys = [(int(r["claim"][1:]), r["name"]) for r in rows]
    assert keys == sorted(keys) and {r["claim"] for r in rows} == {"C1", "C4"}

    def numeric(v):
        return isinstance(v, (int, float)) or (isinstance(v, list) and all(isinstance(x, (int, float)) for x in v))

    for row in rows:
        assert row["passed"] is True and row["error"] is None
        assert numeric(row["measured"]) and numeric(row["expected"]), row
        assert isinstance(row["note"], str) and row["note"]
    out = capsys.readouterr().out
    assert "C4" in out and "passed, 0 failed" in out


def test_verify_table_cuts_nothing_the_json_carries(tmp_path, capsys):
    path = tmp_path / "checks.json"
    assert main(["verify", "--only", "C1", "--quick", "--json", str(path), "--wide", "--quiet"]) == 0
    table = capsys.readouterr().out
    for row in json.loads(path.read_text())["checks"]:
        assert row["note"] in table and row["instance"] in table


def test_verify_latex_fragment(tmp_path, capsys):
    path = tmp_path / "tex" / "verified.tex"
    assert main(["verify", "--only", "C3", "--kind", "symbolic", "--latex", str(path), "--quiet"]) == 0
    assert r"\item[\textbf{C3}]" in path.read_text()


def test_verify_exit_status_is_one_when_a_check_fails(monkeypatch, capsys):
    broken = registry.Check("C4", "always_fails_for_test", "0 = 1", "numeric", lambda rng: registry.Outcome(False, 1, 0))
    cli._load_checks()
    monkeypatch.setitem(registry.REGISTRY, broken.name, broken)
    assert main(["verify", "--only", "C4", "--quiet"]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_verify_skips_checks_whose_extra_is_missing(monkeypatch, capsys):
    needy = registry.Check("C4", "needs_data_for_test", "0 = 0", "numeric",
                           lambda rng: registry.Outcome(True, 0, 0), True, ("data",))
    cli._load_checks()
    monkeypatch.setitem(registry.REGISTRY, needy.name, needy)
    monkeypatch.setattr("revsgd.theory.extras.missing_modules", lambda extra: ["sklearn"] if extra == "data" else [])
    assert main(["verify", "--only", "C4", "--kind", "numeric", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "skipped check needs_data_for_test" in captured.err and "pip install 'revsgd[data]'" in captured.err
    assert "needs_data_for_test" not in captured.out


def test_verify_explain_prints_the_claim_and_its_checks(capsys):
    assert main(["verify", "--explain", "c7"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### C7. ") and "h^2 (H_a g_b - H_b g_a)" in out
    assert "c7_bracket_exact" in out and "### C8." not in out


def test_every_claim_has_a_verify_check():
    cli._load_checks()
    for claim in registry.CLAIMS:
        assert registry.select(only=[claim]), f"{claim} has no verify check"


def test_figures_only_takes_a_comma_list(tmp_path, capsys, monkeypatch):
    built = []

    def fake_build(name, outdir, seed=0):
        built.append(name)
        from revsgd.figures.base import BuiltFigure
        return BuiltFigure(name, outdir / "a.csv", outdir / "a.pdf", outdir / "a.png", 0.0)

    monkeypatch.setattr("revsgd.figures.build", fake_build)
    assert main(["figures", "--only", "orders, trajectories", "--out", str(tmp_path / "f"), "--quiet"]) == 0
    assert built == ["orders", "trajectories"] and (tmp_path / "f").is_dir()


def test_figures_missing_extra_is_listed_as_skipped(tmp_path, capsys, monkeypatch):
    built = []
    monkeypatch.setattr("revsgd.figures.build", lambda name, outdir, seed=0: built.append(name) or
                        __import__("revsgd.figures.base").figures.base.BuiltFigure(name, outdir, outdir, outdir, 0.0))
    monkeypatch.setattr("revsgd.theory.extras.missing_modules", lambda extra: ["sklearn"] if extra == "data" else [])
    assert main(["figures", "--only", "real_data,orders", "--out", str(tmp_path), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert built == ["orders"]
    assert "skipped figure real_data" in err and "pip install 'revsgd[data]'" in err
    assert main(["figures", "--only", "real_data", "--out", str(tmp_path), "--quiet"]) == 1


def test_figures_failure_is_exit_1(tmp_path, capsys, monkeypatch):
    def broken(name, outdir, seed=0):
        raise RuntimeError("boom")

    monkeypatch.setattr("revsgd.figures.build", broken)
    assert main(["figures", "--only", "orders", "--out", str(tmp_path), "--quiet"]) == 1
    assert "orders" in capsys.readouterr().err


def _row(met):
    from revsgd.bench import BenchResult

    return BenchResult("toy", 1.0, "base", 2.0, 2.0, ">= 1x", met, 0.0)


@pytest.mark.parametrize("met,check,status", [(True, True, 0), (False, True, 1), (False, False, 0)])
def test_bench_check_exit_status_and_rows_as_they_finish(met, check, status, monkeypatch, capsys, tmp_path):
    printed_before_second = []

    def second():
        printed_before_second.append(capsys.readouterr().out)
        return _row(met)

    monkeypatch.setattr("revsgd.bench.workloads", lambda quick=False: [lambda: _row(True), second])
    argv = ["bench", "--quiet", "--json", str(tmp_path / "b.json")] + (["--check"] if check else [])
    assert main(argv) == status
    assert "toy" in printed_before_second[0]  # the first row was out before the second ran
    assert len(json.loads((tmp_path / "b.json").read_text())) == 2


def test_progress_bar_only_on_a_terminal():
    from revsgd.progress import progress_bar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert progress_bar(2, "check", stream=io.StringIO()).disable
    assert not progress_bar(2, "check", stream=Tty()).disable
    assert progress_bar(2, "check", stream=Tty(), quiet=True).disable


def test_console_script_installed():
    script = os.path.join(os.path.dirname(sys.executable), "revsgd")
    assert os.path.exists(script), "revsgd is not installed in this interpreter's environment"
    out = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    assert "usage: revsgd" in out.stdout


@pytest.mark.parametrize("argv", [["verify", "--json", "{folder}"], ["verify", "--latex", "{file}/x.tex"],
                                  ["figures", "--out", "{file}"], ["figures", "--only", "nope"],
                                  ["bench", "--json", "{folder}"], ["verify", "--seed", "-1"]])
def test_usage_errors_come_before_the_heavy_imports(argv, tmp_path):
    """Refused before numpy-scale work: scipy, sympy and matplotlib are never imported."""
    (tmp_path / "f").write_text("x")
    argv = [a.format(folder=tmp_path, file=tmp_path / "f") for a in argv]
    code = ("import sys; from revsgd.cli import main; rc = main(%r); "
            "print(rc, sorted(m for m in ('scipy', 'sympy', 'matplotlib') if m in sys.modules))" % (argv,))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.stdout.split("\n")[0] == "2 []", (out.stdout, out.stderr)


def test_command_line_claim_ids_are_the_registry_s():
    assert cli._CLAIMS == registry.CLAIMS
