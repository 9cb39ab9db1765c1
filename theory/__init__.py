"""revsgd.theory: families of maps, iteration orders and contraction bounds.

Model-agnostic mathematics of forward and backward SGD (THEORY.md C1-C3). Nothing here
knows about losses; :mod:`models` builds families from losses.
"""

from theory.contraction import ContractionCertificate
from theory.contraction import cauchy_bound
from theory.contraction import certify
from theory.contraction import contraction_factor
from theory.contraction import displacement_constant
from theory.contraction import limit_bound
from theory.contraction import steps_for_tolerance
from theory.family import AffineFamily
from theory.family import Family
from theory.iterate import CertifiedBackward
from theory.iterate import backward
from theory.iterate import backward_certified
from theory.iterate import forward
from theory.sequences import SCHEMES
from theory.sequences import sample_indices
from theory.stationary import StationaryMoments
from theory.stationary import mean_square_operator
from theory.stationary import mean_square_radius
from theory.stationary import solve_stationary
from theory.stationary import stationary_moments

__all__ = [
    "AffineFamily",
    "CertifiedBackward",
    "ContractionCertificate",
    "Family",
    "SCHEMES",
    "StationaryMoments",
    "backward",
    "backward_certified",
    "cauchy_bound",
    "certify",
    "contraction_factor",
    "displacement_constant",
    "forward",
    "limit_bound",
    "mean_square_operator",
    "mean_square_radius",
    "sample_indices",
    "solve_stationary",
    "stationary_moments",
    "steps_for_tolerance",
]
