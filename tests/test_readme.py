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
