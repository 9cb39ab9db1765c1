"""Round-off tolerances derived from the arithmetic, shared by the tests.

A trajectory of n affine steps in dimension d accumulates, per step, at most about d
unit round-offs relative to the size of the iterates (a d-term dot product); contractions
do not amplify earlier errors. So two correct evaluation orders of the same trajectory
agree to ``trajectory_tol = 4 * (n + 1) * d * eps * scale`` with ``scale`` a bound on the
iterates' size (|x0| + C / (1 - rho)). The factor 4 covers the matrix-product form of the
composed map (two roundings per entry instead of one).
"""

import numpy as np

EPS = np.finfo(float).eps


def trajectory_tol(n: int, d: int, scale: float) -> float:
    return 4.0 * (n + 1) * d * EPS * max(1.0, scale)


def iterate_scale(family, x0) -> float:
    """|x0| + C / (1 - rho): every forward or backward iterate lies in this ball (C1)."""
    from revsgd.theory.contraction import certify

    cert = certify(family, x0)
    return float(np.linalg.norm(x0) + cert.C / (1.0 - cert.rho))
