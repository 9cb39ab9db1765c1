"""Numeric checks of the claims on random instances; importing registers them."""

from proofs_check.numeric import average
from proofs_check.numeric import bias
from proofs_check.numeric import bracket_correction
from proofs_check.numeric import contraction
from proofs_check.numeric import logistic
from proofs_check.numeric import orders
from proofs_check.numeric import steps

__all__ = ["average", "bias", "bracket_correction", "contraction", "logistic", "orders", "steps"]
