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
