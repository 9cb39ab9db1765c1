r"""revsgd.models: losses on one protocol, whose gradient steps are families of maps.

A model is K batch losses :math:`L_1, \dots, L_K` on :math:`\mathbb{R}^d` with selection
probabilities :math:`p_k` (:class:`Model`); its ``step_family(lr)`` is the family of gradient
steps

.. math::

    T_k(x) = x - h\, \nabla L_k(x),

which :mod:`revsgd.theory` iterates forward and backward. The public names are listed in
``__all__`` by topic, one group per comment, sorted within a group (Python's ``sorted``);
helpers (validation of batch arguments, the Newton solver, random instances, hypothesis
strategies) stay in their modules.

Example:
    >>> from revsgd.models import two_batch_quadratic
    >>> fam = two_batch_quadratic().step_family(0.5)   # T(x) = x/2 -/+ 1/2
    >>> fam.apply(1, [1.0])
    array([1.])

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025.
"""

from revsgd.models.closed_form import bernoulli_convolution
from revsgd.models.closed_form import binary_chain
from revsgd.models.closed_form import cantor_maps
from revsgd.models.closed_form import two_batch_quadratic
from revsgd.models.data import Dataset
from revsgd.models.data import breast_cancer
from revsgd.models.data import diabetes
from revsgd.models.digits_mlp import digits_mlp
from revsgd.models.jax_model import JaxModel
from revsgd.models.least_squares import LeastSquares
from revsgd.models.logistic import Logistic
from revsgd.models.noisy_1d import NoisyOneDim
from revsgd.models.protocol import LearningRateRange
from revsgd.models.protocol import Model
from revsgd.models.protocol import check_model
from revsgd.models.quadratic import Quadratic

__all__ = [
    # The model protocol: one signature for every loss
    "LearningRateRange",
    "Model",
    "check_model",
    # Losses: K batch losses L_k and their gradient-step families
    "JaxModel",
    "LeastSquares",
    "Logistic",
    "NoisyOneDim",
    "Quadratic",
    "digits_mlp",
    # Closed-form one-dimensional examples with known stationary laws
    "bernoulli_convolution",
    "binary_chain",
    "cantor_maps",
    "two_batch_quadratic",
    # Small real data sets bundled with scikit-learn (the data extra)
    "Dataset",
    "breast_cancer",
    "diabetes",
]
