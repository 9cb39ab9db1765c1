"""Random instances and round-off tolerances of the numeric checks: names kept for the checks.

The builders live in :mod:`revsgd.theory.instances` and :mod:`revsgd.models.instances`, the
tolerances in :mod:`revsgd.theory.tolerances`; this module only fixes the checks' choices
(the dimensions tried, the draw order of their contraction families).

Tolerances used by the checks come from :func:`roundoff`, which is
:func:`revsgd.theory.tolerances.trajectory_roundoff`: a trajectory of n affine steps in
dimension d carries at most about ``4 (n + 1) d eps`` relative round-off (one d-term dot
product per step, not amplified by a contraction).
"""

from __future__ import annotations

from revsgd.models.instances import random_quadratic
from revsgd.theory.family import AffineFamily
from revsgd.theory.instances import contraction_family, orthogonal
from revsgd.theory.tolerances import EPS, iterate_scale
from revsgd.theory.tolerances import trajectory_roundoff as roundoff

__all__ = [
    "DIMENSIONS",
    "EPS",
    "iterate_scale",
    "orthogonal",
    "random_contraction",
    "random_quadratic",
    "roundoff",
]

#: the dimensions every numeric check tries
DIMENSIONS = (1, 3, 10)


def random_contraction(rng, d: int, K: int, rho: float) -> AffineFamily:
    """K non-symmetric maps with singular values in [0, rho], the first one exactly rho.

    :func:`revsgd.theory.instances.contraction_family` in the checks' draw order (each
    spectrum before its two factors, ``spectrum_first=True``), unit offsets.

    Example:
        >>> import numpy as np
        >>> round(float(random_contraction(np.random.default_rng(0), 3, 4, 0.9).lipschitz().max()), 12)
        0.9
    """
    return contraction_family(rng, d, K, rho, spectrum_first=True)
