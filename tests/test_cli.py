"""The console script exists and answers --help; the parser knows its commands."""

import os
import subprocess
import sys

import pytest

from revsgd.cli import build_parser, main


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    assert "bench" in capsys.readouterr().out


def test_no_command_is_an_error(capsys):
    assert main([]) == 2


def test_unknown_command_is_refused(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["frobnicate"])
    assert exc.value.code == 2


def test_console_script_installed():
    script = os.path.join(os.path.dirname(sys.executable), "revsgd")
    if not os.path.exists(script):
        pytest.skip("revsgd is not installed in this interpreter's environment")
    out = subprocess.run([script, "--help"], capture_output=True, text=True, check=True)
    assert "usage: revsgd" in out.stdout


def test_help_lists_every_job(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("verify", "figures", "bench"):
        assert command in out


def test_verify_only_writes_json(tmp_path, capsys):
    import json

    path = tmp_path / "checks.json"
    assert main(["verify", "--only", "C4", "--json", str(path)]) == 0
    rows = json.loads(path.read_text())
    assert rows and {r["claim"] for r in rows} == {"C4"}
    for row in rows:
        assert {"claim", "name", "passed", "measured", "expected", "seconds"} <= set(row)
        assert row["passed"] is True
    assert "C4" in capsys.readouterr().out


def test_verify_exit_status_is_one_when_a_check_fails(monkeypatch, capsys):
    from revsgd.proofs_check.registry import REGISTRY, Check, Outcome

    broken = Check("C4", "always_fails_for_test", "0 = 1", "numeric", lambda rng: Outcome(False, 1, 0))
    monkeypatch.setitem(REGISTRY, broken.name, broken)
    assert main(["verify", "--only", "C4"]) == 1


def test_verify_refuses_unknown_claim(capsys):
    assert main(["verify", "--only", "C99"]) == 2
    assert "C99" in capsys.readouterr().err


def test_verify_refuses_negative_seed(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["verify", "--seed", "-1"])
    assert exc.value.code == 2
    assert "non-negative integer" in capsys.readouterr().err
