"""Joining a symbolic verdict and its numeric second opinion into one :class:`Outcome`."""
from __future__ import annotations

import math

from revsgd.proofs_check.registry import Outcome
from revsgd.proofs_check.symbolic._verdict import Verdict

__all__ = ["symbolic_outcome"]


def symbolic_outcome(verdict: Verdict, error: float, tolerance: float, instance: str) -> Outcome:
    """Pass iff the symbolic ``verdict`` holds and the numeric ``error <= tolerance``.

    A NaN or infinite error fails. ``measured`` is ``[residual, error]``: the symbolic
    residual as a number (0 when the identity holds, 1 when it does not; the residual
    itself is in ``note``) and the numeric error; ``expected`` is ``[0, tolerance]``.

    >>> from revsgd.proofs_check.symbolic._verdict import Verdict
    >>> symbolic_outcome(Verdict(True, 0), 3e-16, 1e-15, "n=2").measured
    [0, 3e-16]
    """
    if not isinstance(verdict, Verdict):
        raise TypeError(f"verdict must be a Verdict; got {type(verdict).__name__}")
    error = float(error)
    passed = bool(verdict) and math.isfinite(error) and error <= tolerance
    return Outcome(
        passed=passed,
        measured=[0 if verdict else 1, error],
        expected=[0, float(tolerance)],
        instance=instance,
        note=f"{verdict.summary()}; symbolic residual (0 iff the identity expands to zero, else 1); "
        "max numeric error on random instances; pass iff residual 0 and error <= tol",
    )
