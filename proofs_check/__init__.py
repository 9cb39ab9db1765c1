"""Every claim of THEORY.md as a check: a registry, symbolic and numeric checks, a report.

Importing :mod:`revsgd.proofs_check` gives the registry and the report; the checks register
themselves when their packages are imported (``import revsgd.proofs_check.symbolic``), which
``python -m proofs_check`` does.
"""
from revsgd.proofs_check.registry import CLAIMS
from revsgd.proofs_check.registry import KINDS
from revsgd.proofs_check.registry import REGISTRY
from revsgd.proofs_check.registry import Check
from revsgd.proofs_check.registry import CheckResult
from revsgd.proofs_check.registry import Outcome
from revsgd.proofs_check.registry import register
from revsgd.proofs_check.registry import register_check
from revsgd.proofs_check.registry import run_check
from revsgd.proofs_check.registry import run_checks
from revsgd.proofs_check.registry import select
from revsgd.proofs_check.report import format_table
from revsgd.proofs_check.report import latex_fragment
from revsgd.proofs_check.report import write_json
from revsgd.proofs_check.report import write_latex

__all__ = [
    "CLAIMS",
    "KINDS",
    "REGISTRY",
    "Check",
    "CheckResult",
    "Outcome",
    "register",
    "register_check",
    "run_check",
    "run_checks",
    "select",
    "format_table",
    "latex_fragment",
    "write_json",
    "write_latex",
]
