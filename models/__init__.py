"""revsgd.models: concrete losses that produce families of gradient-step maps."""

from models.closed_form import bernoulli_convolution
from models.closed_form import binary_chain
from models.closed_form import cantor_maps
from models.closed_form import two_batch_quadratic
from models.data import Dataset
from models.data import breast_cancer
from models.data import diabetes
from models.least_squares import LeastSquares
from models.logistic import Logistic
from models.logistic import LogisticStepFamily
from models.noisy_1d import NoisyOneDim
from models.noisy_1d import NoisyStepFamily
from models.quadratic import LearningRateRange
from models.quadratic import Quadratic

__all__ = [
    "NoisyOneDim",
    "NoisyStepFamily",
    "Dataset",
    "LearningRateRange",
    "LeastSquares",
    "Logistic",
    "LogisticStepFamily",
    "Quadratic",
    "bernoulli_convolution",
    "binary_chain",
    "breast_cancer",
    "cantor_maps",
    "diabetes",
    "two_batch_quadratic",
]
