"""revsgd.models: concrete losses that produce families of gradient-step maps."""

from models.closed_form import bernoulli_convolution
from models.closed_form import binary_chain
from models.closed_form import cantor_maps
from models.closed_form import two_batch_quadratic
from models.least_squares import LeastSquares
from models.logistic import Logistic
from models.logistic import LogisticStepFamily
from models.quadratic import LearningRateRange
from models.quadratic import Quadratic

__all__ = [
    "LearningRateRange",
    "LeastSquares",
    "Logistic",
    "LogisticStepFamily",
    "Quadratic",
    "bernoulli_convolution",
    "binary_chain",
    "cantor_maps",
    "two_batch_quadratic",
]
