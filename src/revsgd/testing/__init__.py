"""revsgd.testing: tools for your own test suite (needs the test extra: ``pip install 'revsgd[test]'``).

* assertions (:mod:`revsgd.testing.assertions`): the claims as ``assert_*`` helpers whose
  failures print both sides and the first step where they fail;
* strategies: the toolkit's hypothesis strategies (``affine_families``,
  ``index_sequences``, ``quadratic_models``, ...) and problems with known certificates
  (:mod:`revsgd.testing.strategies`);
* hypothesis profiles ``dev``, ``ci``, ``thorough`` (:mod:`revsgd.testing.profiles`),
  made available by the package's pytest plugin, chosen with ``HYPOTHESIS_PROFILE`` or
  ``--hypothesis-profile``.

Example:

>>> import numpy as np
>>> from revsgd.testing import assert_cauchy_bound
>>> from revsgd.theory import AffineFamily
>>> assert_cauchy_bound(AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]]), [1, 0, 1], np.zeros(1))
"""

from revsgd.theory.extras import require

require("test", "revsgd.testing")

# assertions
from revsgd.testing.assertions import *  # noqa: E402,F401,F403
from revsgd.testing.assertions import __all__ as _assertions  # noqa: E402
# hypothesis profiles
from revsgd.testing.profiles import PROFILES  # noqa: E402
from revsgd.testing.profiles import load_profile_from_env  # noqa: E402
from revsgd.testing.profiles import register_profiles  # noqa: E402
# strategies
from revsgd.models.strategies import quadratic_models  # noqa: E402
from revsgd.testing.strategies import gradient_families  # noqa: E402
from revsgd.testing.strategies import least_squares_problems  # noqa: E402
from revsgd.testing.strategies import logistic_problems  # noqa: E402
from revsgd.theory.strategies import *  # noqa: E402,F401,F403
from revsgd.theory.strategies import __all__ as _theory_strategies  # noqa: E402

__all__ = [
    # assertions
    *_assertions,
    # hypothesis profiles
    "PROFILES",
    "load_profile_from_env",
    "register_profiles",
    # strategies
    "gradient_families",
    "least_squares_problems",
    "logistic_problems",
    "quadratic_models",
    *_theory_strategies,
]
