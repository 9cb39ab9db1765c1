"""Symbolic checks (sympy): importing this package registers them.

One module per topic; the verdict machinery lives in :mod:`._verdict`, the numeric
second opinions in :mod:`._numeric`.
"""
from proofs_check.symbolic._verdict import Verdict
from proofs_check.symbolic._verdict import identity_holds
from proofs_check.symbolic._verdict import interval_matches
from proofs_check.symbolic._verdict import multisets_equal
from proofs_check.symbolic._verdict import series_agree
from proofs_check.symbolic import composition
from proofs_check.symbolic import telescoping
from proofs_check.symbolic import same_law
from proofs_check.symbolic import fixed_points
from proofs_check.symbolic import contraction_range
from proofs_check.symbolic import stationary
from proofs_check.symbolic import brackets

__all__ = [
    "Verdict",
    "identity_holds",
    "interval_matches",
    "multisets_equal",
    "series_agree",
    "composition",
    "telescoping",
    "same_law",
    "fixed_points",
    "contraction_range",
    "stationary",
    "brackets",
]
