"""Numeric checks of the claims on random instances; importing registers them."""

from proofs_check.numeric import average
from proofs_check.numeric import contraction
from proofs_check.numeric import steps

__all__ = ["average", "contraction", "steps"]
