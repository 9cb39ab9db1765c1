"""The can-fail harness: feed a registered check a broken implementation and demand a rejection.

A check is ``func(rng, *, piece=real_piece, ...) -> Outcome``; a :class:`Broken` entry names
replacement pieces by keyword. :func:`rejects` runs the check on them with the generator the
registry gives it (``check_rng(name, 0)``) and tells three things apart:

* a rejection: the check returns an :class:`~revsgd.proofs_check.registry.Outcome` with
  ``passed=False`` (or raises the exception the entry declares in ``raises``);
* an acceptance: ``passed=True``, an :class:`AssertionError` (the check cannot fail);
* a harness error, :class:`CaseError`: a keyword the check does not take (checked against
  ``inspect.signature`` before the call), an undeclared exception raised inside the check
  (a ``TypeError`` from a misspelled keyword somewhere inside is not a rejection), a declared
  exception that did not come, or a return value that is not an ``Outcome``.
"""

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from revsgd.proofs_check.registry import REGISTRY, Outcome, check_rng

__all__ = ["Broken", "CaseError", "Exempt", "check_keywords", "rejects"]


class CaseError(Exception):
    """A can-fail case that is malformed or went wrong: an error, never a rejection."""


@dataclass(frozen=True)
class Broken:
    """One broken case of a check.

    Args:
        reason: the mistake, in words.
        kwargs: the broken pieces, by the check's keyword names.
        raises: an exception type the check is expected to raise on them (``None``: it must
            return a failing ``Outcome``); needs ``raises_reason``.
        raises_reason: why raising is the right reaction.
    """

    reason: str
    kwargs: Mapping[str, object] = field(default_factory=dict)
    raises: type[BaseException] | None = None
    raises_reason: str = ""

    def __post_init__(self):
        if not self.reason.strip():
            raise CaseError("a broken case needs a reason")
        if not self.kwargs:
            raise CaseError(f"broken case {self.reason!r} names no implementation to replace")
        if (self.raises is None) != (not self.raises_reason.strip()):
            raise CaseError(f"broken case {self.reason!r}: raises and raises_reason go together")


@dataclass(frozen=True)
class Exempt:
    """A symbolic check with no broken case, and why."""

    reason: str

    def __post_init__(self):
        if not self.reason.strip():
            raise CaseError("an exemption needs a reason")


def check_keywords(name: str, kwargs: Mapping[str, object]) -> None:
    """Raise :class:`CaseError` unless every key of ``kwargs`` is a keyword parameter of check ``name``.

    The first parameter (the generator) cannot be replaced; ``**kwargs`` catch-alls do not
    count as accepting a name.
    """
    if name not in REGISTRY:
        raise CaseError(f"no registered check named {name!r}")
    params = list(inspect.signature(REGISTRY[name].func).parameters.values())[1:]
    accepted = {p.name for p in params if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)}
    unknown = sorted(set(kwargs) - accepted)
    if unknown:
        raise CaseError(f"check {name} takes no keyword {', '.join(map(repr, unknown))}; "
                        f"it takes: {', '.join(sorted(accepted)) or 'none'}")


def rejects(name: str, case: Broken) -> Outcome | None:
    """Run check ``name`` on ``case``'s broken pieces and require a rejection.

    Returns:
        The failing ``Outcome``, or ``None`` where the declared exception was raised.

    Raises:
        CaseError: on a keyword the check does not take, an undeclared exception, a declared
            exception that was not raised, or a return value that is not an ``Outcome``.
        AssertionError: if the check passes with the broken pieces.
    """
    check_keywords(name, case.kwargs)
    try:
        out = REGISTRY[name].func(check_rng(name, 0), **case.kwargs)
    except Exception as exc:
        if case.raises is not None and isinstance(exc, case.raises):
            return None
        raise CaseError(f"check {name} raised {type(exc).__name__}: {exc} on {case.reason!r}; an "
                        "undeclared exception is an error, not a rejection") from exc
    if case.raises is not None:
        raise CaseError(f"check {name} was declared to raise {case.raises.__name__} on {case.reason!r} "
                        f"but returned {out!r}")
    if not isinstance(out, Outcome) or not isinstance(out.passed, (bool, np.bool_)):
        raise CaseError(f"check {name} returned {out!r}, not an Outcome with a bool verdict, on {case.reason!r}")
    assert not out.passed, f"check {name} accepted {case.reason!r}: {out}"
    return out
