r"""revsgd.theory: families of maps, iteration orders, contraction bounds and stationary laws.

The model-agnostic mathematics of forward and backward SGD (THEORY.md C1-C3, C5, C7-C10).
For K maps :math:`T_1, \dots, T_K` and one word :math:`\xi_1, \dots, \xi_n`,

.. math::

    x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0) \quad\text{(forward)}, \qquad
    y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0) \quad\text{(backward)}.

Nothing here knows about losses; :mod:`revsgd.models` builds families from losses.

**Reliability.** Every public function validates its input on entry (type, shape, finiteness,
range; complex, bool and ragged input refused by name; a user's family checked for ``K``,
``dim`` and ``probs``, and what its ``apply`` returns checked for shape where it enters a
result). Nothing is silently wrong:

* a run whose iterates become non-finite raises :class:`DivergenceError` (a ``ValueError``)
  naming the first such step and, when the family knows it, the learning rates where its
  maps contract. The opt-out is the environment variable ``REVSGD_NONFINITE=allow``, which
  returns the IEEE values (``inf``, ``NaN``) instead (:mod:`revsgd.theory.divergence`);
* an allocation that grows with the input is estimated first and refused beyond a limit,
  half the memory available (or ``REVSGD_MAX_BYTES`` bytes), with a ``ValueError`` naming the
  remedy (``record=``, ``backward_last``, a smaller ``m``, a larger ``tol``, ...;
  :mod:`revsgd.theory.memory`);
* rank and contraction decisions carry the round-off margin :math:`16 d\varepsilon`
  (:mod:`revsgd.theory.tolerances`): a Lipschitz constant within it of 1 certifies nothing, and
  :func:`certify` and :func:`classify` count every map, probability 0 included;
* arrays given by the caller are copied, never frozen or written.

The public names are listed in ``__all__`` by topic, one group per comment, sorted within a
group (constants, then classes, then functions: Python's ``sorted``). Helpers that a user
never needs (cost formulas of the orders, word helpers, the engine, validation) stay
importable from their modules but are not exported here.

Example:
    >>> from revsgd.theory import AffineFamily, backward, forward
    >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
    >>> forward(fam, [1, 0], [0.0])[-1], backward(fam, [1, 0], [0.0])[-1]
    (array([0.25]), array([0.5]))

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025.
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
"""

from revsgd.theory import orders
from revsgd.theory.analytic_laws import arcsine_cdf
from revsgd.theory.analytic_laws import cantor_cdf
from revsgd.theory.analytic_laws import uniform_cdf
from revsgd.theory.bracket_correction import CorrectedForward
from revsgd.theory.bracket_correction import bracket_sum
from revsgd.theory.bracket_correction import corrected_forward
from revsgd.theory.bracket_correction import corrected_forward_windows
from revsgd.theory.contraction import ContractionCertificate
from revsgd.theory.contraction import cauchy_bound
from revsgd.theory.contraction import certify
from revsgd.theory.contraction import contraction_factor
from revsgd.theory.contraction import displacement_constant
from revsgd.theory.contraction import limit_bound
from revsgd.theory.contraction import steps_for_tolerance
from revsgd.theory.divergence import DivergenceError
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
from revsgd.theory.user_gradients import FunctionOracle
from revsgd.theory.user_gradients import gradient_steps
from revsgd.theory.windows import block_backward
from revsgd.theory.windows import block_backward_bound
from revsgd.theory.windows import moving_window

__all__ = [
    # Families of maps T_k, gradient oracles and their gradient steps (C4)
    "AffineFamily",
    "Family",
    "FunctionOracle",
    "GradientOracle",
    "GradientSteps",
    "check_oracle",
    "gradient_steps",
    # Words: index sequences xi_1..xi_n and arrays of i.i.d. words
    "SCHEMES",
    "sample_indices",
    "sample_word_array",
    # What a run returns: one chain or an ensemble of chains, or the error of a divergent one
    "DivergenceError",
    "Ensemble",
    "Run",
    # Forward and backward iteration along one word (C1)
    "backward",
    "backward_at",
    "backward_certified",
    "backward_last",
    "forward",
    "forward_last",
    # Windowed backward iteration: moving window and block backward
    "block_backward",
    "block_backward_bound",
    "moving_window",
    # Iteration orders as values: the Order type, the registry, the constructors' module
    "ORDERS",
    "Order",
    "orders",
    # Ensembles of independent chains, forward and backward (C2)
    "backward_ensemble",
    "forward_ensemble",
    "sample_backward_ensemble",
    "sample_forward_ensemble",
    "stream_forward_ensemble",
    # Contraction certificates and the bounds of the backward contraction principle (C1)
    "ContractionCertificate",
    "cauchy_bound",
    "certify",
    "contraction_factor",
    "displacement_constant",
    "limit_bound",
    "steps_for_tolerance",
    # Contracting on average: Lyapunov exponents and classification (C8)
    "ContractionClass",
    "LyapunovEstimate",
    "classify",
    "lyapunov_exponent",
    "mean_log_lipschitz",
    # Stationary laws: exact affine moments (C5) and certified sampling (C10)
    "CertifiedSample",
    "StationaryMoments",
    "mean_square_operator",
    "mean_square_radius",
    "sample_stationary",
    "solve_stationary",
    "stationary_moments",
    # Closed-form stationary laws: cumulative distribution functions
    "arcsine_cdf",
    "cantor_cdf",
    "uniform_cdf",
    # Comparing whole distributions from samples (C2, C10)
    "TestResult",
    "energy_test",
    "ks_one_sample",
    "ks_two_sample",
    "sliced_wasserstein",
    "wasserstein_1d",
    # Bracket-corrected forward SGD: backward up to O(h^3) (C7)
    "CorrectedForward",
    "bracket_sum",
    "corrected_forward",
    "corrected_forward_windows",
    # The stationary mean m(h) with control variates, and GLS fits of it in h (C9)
    "StationaryMeans",
    "control_variate_mean",
    "fit_log_slope",
    "fit_polynomial",
    "stationarity_controls",
    "stationary_means",
    # Least-squares slope fits with standard errors (rates and orders)
    "SlopeFit",
    "correction_slope",
    "linear_fit",
    "log_linear_slope",
    "log_log_slope",
]
