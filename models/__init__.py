"""revsgd.models: concrete losses that produce families of gradient-step maps."""

from revsgd.models.closed_form import bernoulli_convolution
from revsgd.models.closed_form import binary_chain
from revsgd.models.closed_form import cantor_maps
from revsgd.models.closed_form import two_batch_quadratic
from revsgd.models.data import Dataset
from revsgd.models.data import breast_cancer
from revsgd.models.data import diabetes
from revsgd.models.least_squares import LeastSquares
from revsgd.models.logistic import Logistic
from revsgd.models.logistic import LogisticStepFamily
from revsgd.models.noisy_1d import NoisyOneDim
from revsgd.models.noisy_1d import NoisyStepFamily
from revsgd.models.quadratic import LearningRateRange
from revsgd.models.quadratic import Quadratic

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
