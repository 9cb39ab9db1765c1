"""A family that hides its affine type, so tests reach the general-family code paths."""

import numpy as np


class OpaqueFamily:
    """The same maps behind the general Family interface; counts the rows it maps and the calls."""

    def __init__(self, fam):
        self._fam = fam
        self.K, self.dim, self.probs = fam.K, fam.dim, fam.probs
        self.rows = 0
        self.calls = 0

    def apply(self, k, x):
        self.rows += 1 if np.ndim(k) == 0 else len(k)
        self.calls += 1
        return self._fam.apply(k, x)

    def lipschitz(self):
        return self._fam.lipschitz()
