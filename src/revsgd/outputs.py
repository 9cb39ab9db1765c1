"""Output paths of the command line, validated before any work is done.

A run that computes for minutes and then cannot write its report is a waste and, worse,
looks like a failed check. Every output option (``--json``, ``--latex``, ``--out``) is
therefore checked first: missing parent folders are created, and a path that is a
folder (for a file option), lies under a file, or cannot be written is refused with a
one-line message naming the option.

Example:

>>> import tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> output_file(str(tmp / "new" / "report.json"), "--json").name
'report.json'
>>> output_file(str(tmp), "--json")
Traceback (most recent call last):
...
revsgd.outputs.OutputPathError: --json: ... is a folder, expected a file path
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["OutputPathError", "output_file", "output_dir"]


class OutputPathError(ValueError):
    """An output path that cannot be used; the message names the option."""


def _first_existing(path: Path) -> Path:
    for parent in (path, *path.parents):
        if parent.exists():
            return parent
    return Path(".")  # pragma: no cover - the root always exists


def _make_parents(folder: Path, option: str, given: str) -> None:
    existing = _first_existing(folder)
    if not existing.is_dir():
        raise OutputPathError(f"{option}: {given!r} lies under {str(existing)!r}, which is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputPathError(f"{option}: cannot create the folder {str(folder)!r} for {given!r}: "
                              f"{exc.strerror or exc}") from None


def _probe_folder(folder: Path, option: str, given: str) -> None:
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise OutputPathError(f"{option}: cannot write into {str(folder)!r} (for {given!r}): "
                              f"{exc.strerror or exc}") from None


def output_file(path: str | os.PathLike, option: str) -> Path:
    """``path`` as a writable file path, its parent folders created.

    The file itself is not created or changed (an existing file is opened for appending
    and closed, which changes nothing).

    Raises:
        OutputPathError: ``path`` is empty, is a folder, lies under a file, or its folder
            cannot be created or written.
    """
    given = os.fspath(path)
    if not given:
        raise OutputPathError(f"{option}: expected a file path, got an empty string")
    target = Path(given)
    if target.is_dir():
        raise OutputPathError(f"{option}: {given!r} is a folder, expected a file path")
    _make_parents(target.parent, option, given)
    if target.exists():
        try:
            with open(target, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            raise OutputPathError(f"{option}: cannot write {given!r}: {exc.strerror or exc}") from None
    else:
        _probe_folder(target.parent, option, given)
    return target


def output_dir(path: str | os.PathLike, option: str) -> Path:
    """``path`` as a writable folder, created with its parents if missing.

    Raises:
        OutputPathError: ``path`` is empty, is a file, lies under a file, or cannot be
            created or written.
    """
    given = os.fspath(path)
    if not given:
        raise OutputPathError(f"{option}: expected a folder, got an empty string")
    target = Path(given)
    if target.exists() and not target.is_dir():
        raise OutputPathError(f"{option}: {given!r} is a file, expected a folder")
    _make_parents(target, option, given)
    _probe_folder(target, option, given)
    return target
