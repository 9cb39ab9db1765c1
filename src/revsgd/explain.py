"""The claims C1-C10 as stated in ``THEORY.md`` (shipped inside the package).

``revsgd verify --explain C7`` prints :func:`claim_statement` of C7 and the checks that
verify it.

Example:

>>> claim_statement("C4").splitlines()[0]
'### C4. When a gradient step contracts'
"""

from __future__ import annotations

import re
from importlib import resources

__all__ = ["theory_text", "claim_statement"]

_HEADING = re.compile(r"^###\s+(C\d+)\.", re.MULTILINE)


def theory_text() -> str:
    """The whole of ``THEORY.md``, as installed with the package."""
    return resources.files("revsgd").joinpath("THEORY.md").read_text(encoding="utf-8")


def claim_statement(claim: str) -> str:
    """The section of ``THEORY.md`` that states ``claim`` (from its heading to the next).

    Raises:
        ValueError: ``claim`` is not a claim id stated in ``THEORY.md`` (the ids are listed).
    """
    text = theory_text()
    found = {m.group(1): m for m in _HEADING.finditer(text)}
    if not isinstance(claim, str) or claim.upper() not in found:
        raise ValueError(f"claim must be one of {', '.join(found)}; got {claim!r}")
    start = found[claim.upper()].start()
    nxt = re.compile(r"^##", re.MULTILINE).search(text, start + 3)
    return text[start: nxt.start() if nxt else len(text)].rstrip()
