"""Round-off tolerances of the tests: the formulas of :mod:`revsgd.theory.tolerances`.

A trajectory of n affine steps in dimension d accumulates, per step, at most about d
unit round-offs relative to the size of the iterates (a d-term dot product); contractions
do not amplify earlier errors. So two correct evaluation orders of the same trajectory
agree to ``trajectory_tol = 4 * (n + 1) * d * eps * scale`` with ``scale`` a bound on the
iterates' size (|x0| + C / (1 - rho)). The factor 4 covers the matrix-product form of the
composed map (two roundings per entry instead of one). Derivations: the module docstring of
:mod:`revsgd.theory.tolerances`.
"""

from revsgd.theory.tolerances import EPS, trajectory_roundoff as trajectory_tol
from revsgd.theory import tolerances as _tolerances

__all__ = ["EPS", "iterate_scale", "trajectory_tol"]


def iterate_scale(family, x0) -> float:
    """|x0| + C / (1 - rho) of the family's certificate at x0: every forward or backward
    iterate lies in this ball (C1)."""
    from revsgd.theory.contraction import certify

    return _tolerances.iterate_scale(certify(family, x0), x0)
