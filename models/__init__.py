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
from revsgd.models.noisy_1d import NoisyOneDim
from revsgd.models.protocol import LearningRateRange
from revsgd.models.protocol import Model
from revsgd.models.protocol import check_model
from revsgd.models.quadratic import Quadratic

__all__ = [
    "NoisyOneDim",
    "Dataset",
    "LearningRateRange",
    "LeastSquares",
    "Logistic",
    "Model",
    "Quadratic",
    "bernoulli_convolution",
    "binary_chain",
    "breast_cancer",
    "cantor_maps",
    "check_model",
    "diabetes",
    "two_batch_quadratic",
]
