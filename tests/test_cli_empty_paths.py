"""An empty output path is refused on one line (exit 2) before any work, never ignored."""

import pytest

from revsgd.cli import main


@pytest.mark.parametrize("argv, option", [
    (["verify", "--json", "", "--quiet"], "--json"),
    (["verify", "--latex", "", "--quiet"], "--latex"),
    (["bench", "--quick", "--json", "", "--quiet"], "--json"),
    (["figures", "--out", "", "--quiet"], "--out"),
])
def test_empty_output_paths_are_usage_errors(argv, option, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert option in err and "empty" in err
