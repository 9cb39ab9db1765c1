"""Numeric checks of the claims on random instances; importing registers them.

Every check is ``check(rng, *, piece=real_piece, ...) -> Outcome``: the implementations it
exercises (iteration functions, estimators, samplers, formulas) are keyword arguments that
default to the real ones, so that a test can hand in a broken one and see the check fail
(``tests/proofs_check/test_can_fail_table.py`` names one for every check).
"""

from revsgd.proofs_check.numeric import average
from revsgd.proofs_check.numeric import bias
from revsgd.proofs_check.numeric import bracket_correction
from revsgd.proofs_check.numeric import contraction
from revsgd.proofs_check.numeric import logistic
from revsgd.proofs_check.numeric import orders
from revsgd.proofs_check.numeric import sampling
from revsgd.proofs_check.numeric import small_batch
from revsgd.proofs_check.numeric import steps

__all__ = ["average", "bias", "bracket_correction", "contraction", "logistic", "orders", "sampling", "small_batch",
           "steps"]
