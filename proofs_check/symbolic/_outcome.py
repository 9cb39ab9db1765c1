"""Joining a symbolic verdict and its numeric second opinion into one :class:`Outcome`."""
from __future__ import annotations

import math

from revsgd.proofs_check.registry import Outcome
from revsgd.proofs_check.symbolic._verdict import Verdict

__all__ = ["symbolic_outcome"]


def symbolic_outcome(verdict: Verdict, error: float, tolerance: float, instance: str) -> Outcome:
    """Pass iff the symbolic ``verdict`` holds and the numeric ``error <= tolerance``.

    A NaN or infinite error fails. ``measured`` reads ``"residual 0; numeric 3.1e-16"``.
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"verdict must be a Verdict; got {type(verdict).__name__}")
    error = float(error)
    passed = bool(verdict) and math.isfinite(error) and error <= tolerance
    return Outcome(
        passed=passed,
        measured=f"{verdict.summary()}; numeric {error:.2g}",
        expected=f"residual 0; numeric <= {tolerance:.2g}",
        instance=instance,
    )
