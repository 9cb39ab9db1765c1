"""Every Python block of the README runs, in order, in one namespace (so it cannot drift)."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 4


def test_readme_python_blocks_use_revsgd_imports():
    for block in BLOCKS:
        for line in block.splitlines():
            if re.match(r"\s*(from|import)\s+(theory|models|proofs_check|figures)\b", line):
                pytest.fail(f"README imports a top-level package instead of revsgd.*: {line.strip()!r}")


def test_readme_python_blocks_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}
    for i, block in enumerate(BLOCKS):
        exec(compile(block, f"README.md block {i + 1}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert printed.strip(), "the README's examples print their results"


def _fenced_blocks(text):
    """``(info, body)`` of every fenced block, fences paired in order."""
    blocks, info, body = [], None, []
    for line in text.splitlines():
        if line.startswith("```"):
            if info is None:
                info, body = line[3:].strip(), []
            else:
                blocks.append((info, "\n".join(body)))
                info = None
        elif info is not None:
            body.append(line)
    return blocks


FENCED = _fenced_blocks(README.read_text(encoding="utf-8"))
TOML_BLOCKS = [body for info, body in FENCED if info == "toml"]
SHELL_BLOCKS = [body for info, body in FENCED if info == ""]
COMMANDS = [line.split("#")[0].split() for block in SHELL_BLOCKS for line in block.splitlines()
            if line.startswith("revsgd ")]


def test_readme_sweep_specs_are_valid():
    pytest.importorskip("zarr", reason="the sweep extra")
    from revsgd.sweep import load_spec

    assert TOML_BLOCKS, "the README shows a sweep spec"
    for block in TOML_BLOCKS:
        load_spec(block)  # raises SpecError naming the key if the README drifts


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c[1:3]) for c in COMMANDS])
def test_readme_commands_are_accepted_by_the_parser(argv):
    """Every ``revsgd ...`` line of the README parses (options and values exist; nothing runs)."""
    from revsgd.cli import build_parser

    args = build_parser().parse_args(argv[1:])
    assert args.command == argv[1]


def test_readme_shows_commands():
    """The parser test above is not vacuous: the README's command blocks are found."""
    assert {c[1] for c in COMMANDS} >= {"figures", "experiment", "sweep"}
