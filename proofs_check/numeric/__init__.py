"""Numeric checks of the claims on random instances; importing registers them."""

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
