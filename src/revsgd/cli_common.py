"""Pieces every sub-command of the ``revsgd`` command line shares: the usage error (exit 2,
one line) and the argparse value types, so that each sub-command module
(:mod:`revsgd.cli_experiment`, :mod:`revsgd.cli_sweep`) validates its options the same way.

Example:

>>> positive_int("3")
3
>>> float_list("0.1, 0.5")
[0.1, 0.5]
"""

from __future__ import annotations

import argparse
import math

__all__ = ["UsageError", "comma_list", "seed", "positive_int", "float_list"]


class UsageError(Exception):
    """A usage error found after parsing: the command prints it on one line and exits 2."""


def comma_list(text: str, valid, what: str, example: str) -> list[str]:
    """``"a, b"`` -> ``["a", "b"]``, each in ``valid``; empty or unknown items are refused."""
    items = [part.strip() for part in text.split(",") if part.strip()]
    if not items:
        raise argparse.ArgumentTypeError(f"expected comma-separated {what}s such as {example}; got {text!r}")
    unknown = [item for item in items if item not in valid]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown {what} {', '.join(map(repr, unknown))}; valid: {', '.join(valid)}")
    return list(dict.fromkeys(items))


def seed(text: str) -> int:
    """A non-negative integer seed."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """A positive integer (a count of steps, seeds, workers)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def float_list(text: str, *, low: float = 0.0) -> list[float]:
    """``"0.1,0.5"`` -> ``[0.1, 0.5]``: finite numbers above ``low`` (default 0), at least one."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    values = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value > low):
            raise argparse.ArgumentTypeError(f"expected comma-separated finite numbers > {low:g}; got {part!r}")
        values.append(value)
    if not values:
        raise argparse.ArgumentTypeError(f"expected comma-separated finite numbers > {low:g}; got {text!r}")
    return values
