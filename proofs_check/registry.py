"""The registry of checks: every claim of THEORY.md as a function with a verdict.

A :class:`Check` pairs a claim id (``"C1"`` .. ``"C10"``) with a LaTeX statement and a
function ``func(rng) -> Outcome``. Symbolic checks (sympy) and numeric checks (random
instances) live in the same registry and run through the same :func:`run_check`.

Invariants:

* names are unique, snake_case; claim ids are ``C1`` .. ``C10``; kind is
  ``"symbolic"`` or ``"numeric"``;
* a check passes only when its function returns an :class:`Outcome` with
  ``passed=True``; an exception or a malformed return value is a failed result that
  carries the error text, never a crash and never a pass;
* each check draws its random numbers from its own generator, seeded by the run seed
  and the check's name, so a result does not depend on which other checks ran.

Example:

>>> from revsgd.proofs_check.registry import Check, Outcome, run_check
>>> c = Check("C1", "demo", r"1 = 1", "symbolic", lambda rng: Outcome(True, 0, 0))
>>> run_check(c, seed=0).passed
True
"""
from __future__ import annotations

import numbers
import re
import time
import traceback
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from revsgd.theory.extras import EXTRAS

__all__ = [
    "CLAIMS",
    "KINDS",
    "Outcome",
    "Check",
    "CheckResult",
    "REGISTRY",
    "register",
    "register_check",
    "check_variant",
    "select",
    "check_rng",
    "run_check",
    "run_checks",
]

CLAIMS: tuple[str, ...] = tuple(f"C{i}" for i in range(1, 11))
KINDS: tuple[str, ...] = ("symbolic", "numeric")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _is_number(value: object) -> bool:
    return isinstance(value, (numbers.Real, np.bool_)) or (
        isinstance(value, np.generic) and np.issubdtype(type(value), np.number))


def _numbers(value: object, name: str) -> object:
    """``value`` (a number, a flat list of numbers, or ``None``) as plain Python numbers.

    Raises:
        TypeError: on anything else (prose belongs in ``Outcome.note``).
    """
    if value is None:
        return None
    if _is_number(value):
        return value.item() if isinstance(value, np.generic) else value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)) and all(_is_number(v) for v in value):
        return [v.item() if isinstance(v, np.generic) else v for v in value]
    raise TypeError(
        f"Outcome.{name} must be a number, a flat list of numbers or None (prose goes in note); "
        f"got {value!r}")


@dataclass(frozen=True)
class Outcome:
    """What a check function returns.

    Args:
        passed: the verdict.
        measured: what was measured: a number or a flat list of numbers (``None`` if
            nothing numeric was measured).
        expected: the bound or expected value, in the same form.
        instance: the instance it was measured on, e.g. ``"d=3, K=4, seed=0"``.
        note: prose: what the numbers are and how the verdict follows from them, e.g.
            ``"max |y_{n+1}-y_n| / (rho^n C); pass iff <= 1"``.

    Raises:
        TypeError: if ``measured`` or ``expected`` is not numeric, or a text field is not
            a string.

    Example:

    >>> Outcome(True, [0.1, 0.2], 1.0, "d=2", "ratios to the bound; pass iff all <= 1").measured
    [0.1, 0.2]
    """

    passed: bool
    measured: object
    expected: object
    instance: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "measured", _numbers(self.measured, "measured"))
        object.__setattr__(self, "expected", _numbers(self.expected, "expected"))
        for name in ("instance", "note"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"Outcome.{name} must be a string; got {type(getattr(self, name)).__name__}")


@dataclass(frozen=True)
class Check:
    """One verifiable statement of a claim.

    Args:
        claim: claim id, ``"C1"`` .. ``"C10"``.
        name: short snake_case name, unique in the registry.
        statement: LaTeX of the verified statement (goes into the paper fragment).
        kind: ``"symbolic"`` or ``"numeric"``.
        func: ``func(rng: numpy.random.Generator) -> Outcome``.
        quick: whether the check belongs to the ``--quick`` subset.
        requires: optional extras it needs (names of :data:`revsgd.theory.extras.EXTRAS`,
            e.g. ``("data",)``); the command line skips it, saying so, where one is missing.

    Raises:
        ValueError, TypeError: on a malformed field (named in the message).
    """

    claim: str
    name: str
    statement: str
    kind: str
    func: Callable[[np.random.Generator], Outcome]
    quick: bool = True
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.requires, tuple) or any(e not in EXTRAS for e in self.requires):
            raise ValueError(f"requires must be a tuple of extras from {', '.join(EXTRAS)}; got {self.requires!r}")
        if self.claim not in CLAIMS:
            raise ValueError(f"claim must be one of {', '.join(CLAIMS)}; got {self.claim!r}")
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"name must be snake_case ([a-z][a-z0-9_]*); got {self.name!r}")
        if not isinstance(self.statement, str) or not self.statement.strip():
            raise ValueError(f"statement must be a non-empty LaTeX string; got {self.statement!r}")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {self.kind!r}")
        if not callable(self.func):
            raise TypeError(f"func must be callable rng -> Outcome; got {type(self.func).__name__}")
        if not isinstance(self.quick, bool):
            raise TypeError(f"quick must be a bool; got {type(self.quick).__name__}")


@dataclass(frozen=True)
class CheckResult:
    """The record of one run of one check (what the report prints and writes).

    ``error`` is ``None`` unless the check raised or returned something malformed, in
    which case ``passed`` is ``False`` and ``error`` holds the exception text.
    """

    claim: str
    name: str
    kind: str
    instance: str
    measured: object
    expected: object
    passed: bool
    seconds: float
    statement: str
    error: str | None = None
    note: str = ""


REGISTRY: dict[str, Check] = {}


def register(check: Check) -> Check:
    """Add ``check`` to :data:`REGISTRY` and return it.

    Raises:
        TypeError: if ``check`` is not a :class:`Check`.
        ValueError: if a check with the same name is already registered.
    """
    if not isinstance(check, Check):
        raise TypeError(f"check must be a Check; got {type(check).__name__}")
    if check.name in REGISTRY:
        raise ValueError(
            f"check name {check.name!r} is already registered "
            f"(claim {REGISTRY[check.name].claim}); names must be unique"
        )
    REGISTRY[check.name] = check
    return check


def register_check(
    claim: str, statement: str, *, kind: str, name: str | None = None, quick: bool = True,
    requires: tuple[str, ...] = (),
) -> Callable[[Callable[[np.random.Generator], Outcome]], Callable[[np.random.Generator], Outcome]]:
    """Decorator: register the decorated ``func(rng) -> Outcome`` as a :class:`Check`.

    The check's name defaults to the function's name.

    Example:

    >>> @register_check("C3", r"x = x", kind="symbolic", name="doc_example")  # doctest: +SKIP
    ... def doc_example(rng):
    ...     return Outcome(True, 0, 0)
    """

    def decorate(func):
        register(Check(claim, name or func.__name__, statement, kind, func, quick, requires))
        return func

    return decorate


def check_variant(func: Callable, name: str, doc: str) -> Callable:
    """``func``, renamed ``name`` and documented by ``doc``: one of several checks built by one factory.

    Checks that differ only in a parameter are built by one factory (a function returning
    a closure); this gives each closure its own ``__name__``, ``__qualname__`` and
    ``__doc__``, so that it reads like a check written out (in ``help``, in tracebacks, and
    as the default name of :func:`register_check`).

    Args:
        func: the check function (modified in place).
        name: its snake_case name.
        doc: its docstring.

    Returns:
        ``func``.

    Raises:
        ValueError: if ``name`` is not snake_case.

    Example:

    >>> def factory(bound):
    ...     def check(rng):
    ...         return Outcome(True, 0, bound)
    ...     return check_variant(check, f"below_{bound}", f"Everything is below {bound}.")
    >>> factory(3).__name__, factory(3).__doc__
    ('below_3', 'Everything is below 3.')
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"name must be snake_case ([a-z][a-z0-9_]*); got {name!r}")
    func.__name__ = func.__qualname__ = name
    func.__doc__ = doc
    return func


def select(
    only: Iterable[str] | None = None, kind: str | None = None, quick: bool = False
) -> list[Check]:
    """The registered checks, in registration order, filtered.

    Args:
        only: claim ids to keep (e.g. ``["C1", "C7"]``); ``None`` keeps all.
        kind: ``"symbolic"`` or ``"numeric"`` to keep one kind; ``None`` keeps both.
        quick: keep only checks marked ``quick``.

    Raises:
        ValueError: on an unknown claim id or kind (the valid ones are listed).
    """
    claims = None
    if only is not None:
        if isinstance(only, str):
            raise TypeError(f"only must be an iterable of claim ids such as ['C1']; got the string {only!r}")
        claims = set(only)
        unknown = sorted(claims - set(CLAIMS))
        if unknown:
            raise ValueError(f"unknown claim id(s) {', '.join(map(repr, unknown))}; valid: {', '.join(CLAIMS)}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or None; got {kind!r}")
    return [
        c
        for c in REGISTRY.values()
        if (claims is None or c.claim in claims)
        and (kind is None or c.kind == kind)
        and (not quick or c.quick)
    ]


def check_rng(name: str, seed: int) -> np.random.Generator:
    """The generator a check receives: seeded by the run ``seed`` and the check's name."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    return np.random.default_rng([int(seed), zlib.crc32(name.encode())])


def run_check(check: Check, seed: int = 0) -> CheckResult:
    """Run one check; an exception or malformed return becomes a failed result.

    Raises:
        TypeError: if ``check`` is not a :class:`Check`.
        ValueError: on a bad ``seed``.
    """
    if not isinstance(check, Check):
        raise TypeError(f"check must be a Check; got {type(check).__name__}")
    rng = check_rng(check.name, seed)
    start = time.perf_counter()
    try:
        out = check.func(rng)
        if not isinstance(out, Outcome):
            raise TypeError(f"check {check.name} returned {type(out).__name__}, expected Outcome")
        if not isinstance(out.passed, (bool, np.bool_)):
            raise TypeError(f"check {check.name} returned passed={out.passed!r}, expected a bool")
    except Exception as exc:  # a failing check must never crash the run nor pass
        seconds = time.perf_counter() - start
        text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return CheckResult(check.claim, check.name, check.kind, "", None, None, False,
                           seconds, check.statement, text)
    seconds = time.perf_counter() - start
    return CheckResult(check.claim, check.name, check.kind, out.instance, out.measured,
                       out.expected, bool(out.passed), seconds, check.statement, None, out.note)


def run_checks(
    checks: Iterable[Check],
    seed: int = 0,
    progress: Callable[[CheckResult], object] | None = None,
) -> list[CheckResult]:
    """Run ``checks`` in order; call ``progress(result)`` after each one if given."""
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable or None; got {type(progress).__name__}")
    results = []
    for check in checks:
        result = run_check(check, seed)
        results.append(result)
        if progress is not None:
            progress(result)
    return results
