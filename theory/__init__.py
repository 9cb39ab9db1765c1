"""revsgd.theory: families of maps, iteration orders and contraction bounds.

Model-agnostic mathematics of forward and backward SGD (THEORY.md C1-C3, C5, C8, C10). Nothing here
knows about losses; :mod:`revsgd.models` builds families from losses.
"""

from revsgd.theory.analytic_laws import arcsine_cdf
from revsgd.theory.analytic_laws import cantor_cdf
from revsgd.theory.analytic_laws import uniform_cdf
from revsgd.theory.bracket_correction import CorrectedForward
from revsgd.theory.bracket_correction import OracleCost
from revsgd.theory.bracket_correction import bracket_sum
from revsgd.theory.bracket_correction import corrected_forward
from revsgd.theory.bracket_correction import corrected_forward_cost
from revsgd.theory.bracket_correction import corrected_forward_windows
from revsgd.theory.contraction import ContractionCertificate
from revsgd.theory.contraction import cauchy_bound
from revsgd.theory.contraction import certify
from revsgd.theory.contraction import contraction_factor
from revsgd.theory.contraction import displacement_constant
from revsgd.theory.contraction import limit_bound
from revsgd.theory.contraction import steps_for_tolerance
from revsgd.theory.distributions import TestResult
from revsgd.theory.distributions import energy_test
from revsgd.theory.distributions import ks_one_sample
from revsgd.theory.distributions import ks_two_sample
from revsgd.theory.distributions import sliced_wasserstein
from revsgd.theory.distributions import wasserstein_1d
from revsgd.theory.ensemble import backward_ensemble
from revsgd.theory.ensemble import forward_ensemble
from revsgd.theory.ensemble import sample_backward_ensemble
from revsgd.theory.ensemble import sample_forward_ensemble
from revsgd.theory.ensemble import sample_word_array
from revsgd.theory.family import AffineFamily
from revsgd.theory.family import Family
from revsgd.theory.family import GradientOracle
from revsgd.theory.family import GradientSteps
from revsgd.theory.user_gradients import FunctionOracle
from revsgd.theory.user_gradients import gradient_steps
from revsgd.theory.family import check_oracle
from revsgd.theory.fits import SlopeFit
from revsgd.theory.fits import correction_slope
from revsgd.theory.fits import fit_log_slope
from revsgd.theory.fits import fit_polynomial
from revsgd.theory.fits import linear_fit
from revsgd.theory.fits import log_linear_slope
from revsgd.theory.fits import log_log_slope
from revsgd.theory.iterate import backward
from revsgd.theory.iterate import backward_at
from revsgd.theory.iterate import backward_certified
from revsgd.theory.iterate import backward_last
from revsgd.theory.iterate import forward
from revsgd.theory.iterate import forward_last
from revsgd.theory.lyapunov import ContractionClass
from revsgd.theory.lyapunov import LyapunovEstimate
from revsgd.theory.lyapunov import classify
from revsgd.theory.lyapunov import lyapunov_exponent
from revsgd.theory.lyapunov import mean_log_lipschitz
from revsgd.theory.order_values import Order
from revsgd.theory.orders import ORDERS
from revsgd.theory.orders import palindromic_word
from revsgd.theory.orders import sample_epochs
from revsgd.theory.run import Ensemble
from revsgd.theory.run import Run
from revsgd.theory.sampling import CertifiedSample
from revsgd.theory.sampling import sample_stationary
from revsgd.theory.sequences import SCHEMES
from revsgd.theory.sequences import sample_indices
from revsgd.theory.stationary import StationaryMoments
from revsgd.theory.stationary import mean_square_operator
from revsgd.theory.stationary import mean_square_radius
from revsgd.theory.stationary import solve_stationary
from revsgd.theory.stationary import stationary_moments
from revsgd.theory.stationary_mean import StationaryMeans
from revsgd.theory.stationary_mean import control_variate_mean
from revsgd.theory.stationary_mean import stationarity_controls
from revsgd.theory.stationary_mean import stationary_means
from revsgd.theory.streaming import stream_forward_ensemble
from revsgd.theory.windows import block_backward
from revsgd.theory.windows import block_backward_bound
from revsgd.theory.windows import moving_window
from revsgd.theory.windows import moving_window_applications

__all__ = [
    "ORDERS",
    "Order",
    "Run",
    "palindromic_word",
    "sample_epochs",
    "block_backward",
    "block_backward_bound",
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
    "CertifiedSample",
    "ContractionCertificate",
    "ContractionClass",
    "Ensemble",
    "Family",
    "GradientSteps",
    "FunctionOracle",
    "gradient_steps",
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
    # stationary mean (control variates) and slope fits
    "StationaryMeans",
    "control_variate_mean",
    "stationarity_controls",
    "stationary_means",
    "SlopeFit",
    "correction_slope",
    "fit_log_slope",
    "fit_polynomial",
    "linear_fit",
    "log_linear_slope",
    "log_log_slope",
    "steps_for_tolerance",
    "uniform_cdf",
    "wasserstein_1d",
]
