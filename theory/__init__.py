"""revsgd.theory: families of maps, iteration orders and contraction bounds.

Model-agnostic mathematics of forward and backward SGD (THEORY.md C1-C3, C5, C8, C10). Nothing here
knows about losses; :mod:`models` builds families from losses.
"""

from theory.analytic_laws import arcsine_cdf
from theory.analytic_laws import cantor_cdf
from theory.analytic_laws import uniform_cdf
from theory.bracket_correction import CorrectedForward
from theory.bracket_correction import GradientOracle
from theory.bracket_correction import OracleCost
from theory.bracket_correction import bracket_sum
from theory.bracket_correction import check_oracle
from theory.bracket_correction import corrected_forward
from theory.bracket_correction import corrected_forward_cost
from theory.bracket_correction import corrected_forward_windows
from theory.contraction import ContractionCertificate
from theory.contraction import cauchy_bound
from theory.contraction import certify
from theory.contraction import contraction_factor
from theory.contraction import displacement_constant
from theory.contraction import limit_bound
from theory.contraction import steps_for_tolerance
from theory.distributions import TestResult
from theory.distributions import energy_test
from theory.distributions import ks_one_sample
from theory.distributions import ks_two_sample
from theory.distributions import sliced_wasserstein
from theory.distributions import wasserstein_1d
from theory.ensemble import Ensemble
from theory.ensemble import backward_ensemble
from theory.ensemble import forward_ensemble
from theory.ensemble import sample_backward_ensemble
from theory.ensemble import sample_forward_ensemble
from theory.ensemble import sample_word_array
from theory.family import AffineFamily
from theory.family import Family
from theory.iterate import CertifiedBackward
from theory.iterate import backward
from theory.iterate import backward_at
from theory.iterate import backward_certified
from theory.iterate import backward_last
from theory.iterate import forward
from theory.iterate import forward_last
from theory.lyapunov import ContractionClass
from theory.lyapunov import LyapunovEstimate
from theory.lyapunov import classify
from theory.lyapunov import lyapunov_exponent
from theory.lyapunov import mean_log_lipschitz
from theory.orders import ORDERS
from theory.orders import OrderRun
from theory.orders import palindromic
from theory.orders import palindromic_word
from theory.orders import reshuffled_backward
from theory.orders import reshuffled_forward
from theory.orders import run_order
from theory.orders import sample_epochs
from theory.sampling import CertifiedSample
from theory.sampling import sample_stationary
from theory.sequences import SCHEMES
from theory.sequences import sample_indices
from theory.stationary import StationaryMoments
from theory.stationary import mean_square_operator
from theory.stationary import mean_square_radius
from theory.stationary import solve_stationary
from theory.stationary import stationary_moments
from theory.streaming import stream_forward_ensemble
from theory.windows import WindowedRun
from theory.windows import block_backward
from theory.windows import block_backward_bound
from theory.windows import block_word
from theory.windows import moving_window
from theory.windows import moving_window_applications

__all__ = [
    "ORDERS",
    "OrderRun",
    "palindromic",
    "palindromic_word",
    "reshuffled_backward",
    "reshuffled_forward",
    "run_order",
    "sample_epochs",
    "WindowedRun",
    "block_backward",
    "block_backward_bound",
    "block_word",
    "moving_window",
    "moving_window_applications",
    "CorrectedForward",
    "GradientOracle",
    "OracleCost",
    "bracket_sum",
    "check_oracle",
    "corrected_forward",
    "corrected_forward_cost",
    "corrected_forward_windows",
    "AffineFamily",
    "CertifiedBackward",
    "CertifiedSample",
    "ContractionCertificate",
    "ContractionClass",
    "Ensemble",
    "Family",
    "LyapunovEstimate",
    "SCHEMES",
    "StationaryMoments",
    "TestResult",
    "arcsine_cdf",
    "backward",
    "backward_at",
    "backward_ensemble",
    "backward_certified",
    "backward_last",
    "cantor_cdf",
    "cauchy_bound",
    "certify",
    "classify",
    "contraction_factor",
    "displacement_constant",
    "energy_test",
    "forward",
    "forward_last",
    "stream_forward_ensemble",
    "forward_ensemble",
    "ks_one_sample",
    "ks_two_sample",
    "limit_bound",
    "lyapunov_exponent",
    "mean_log_lipschitz",
    "mean_square_operator",
    "mean_square_radius",
    "sample_backward_ensemble",
    "sample_forward_ensemble",
    "sample_indices",
    "sample_word_array",
    "sample_stationary",
    "sliced_wasserstein",
    "solve_stationary",
    "stationary_moments",
    "steps_for_tolerance",
    "uniform_cdf",
    "wasserstein_1d",
]
