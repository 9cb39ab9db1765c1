"""Symbolic checks (sympy): importing this package registers them.

One module per topic; the verdict machinery lives in :mod:`._verdict`, the numeric
second opinions in :mod:`._numeric`.
"""
from revsgd.proofs_check.symbolic._verdict import Verdict
from revsgd.proofs_check.symbolic._verdict import identity_holds
from revsgd.proofs_check.symbolic._verdict import interval_matches
from revsgd.proofs_check.symbolic._verdict import multisets_equal
from revsgd.proofs_check.symbolic._verdict import series_agree
from revsgd.proofs_check.symbolic import composition
from revsgd.proofs_check.symbolic import telescoping
from revsgd.proofs_check.symbolic import same_law
from revsgd.proofs_check.symbolic import fixed_points
from revsgd.proofs_check.symbolic import contraction_range
from revsgd.proofs_check.symbolic import stationary
from revsgd.proofs_check.symbolic import brackets

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
