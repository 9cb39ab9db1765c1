"""revsgd.testing: tools for your own test suite (needs the test extra: ``pip install 'revsgd[test]'``).

* hypothesis profiles ``dev``, ``ci``, ``thorough`` (:mod:`revsgd.testing.profiles`),
  registered by the package's pytest plugin, chosen with ``HYPOTHESIS_PROFILE``.

Example:

>>> from revsgd.testing import register_profiles
>>> register_profiles()
"""

from revsgd.theory.extras import require

require("test", "revsgd.testing")

from revsgd.testing.profiles import PROFILES  # noqa: E402
from revsgd.testing.profiles import load_profile_from_env  # noqa: E402
from revsgd.testing.profiles import register_profiles  # noqa: E402

__all__ = ["PROFILES", "load_profile_from_env", "register_profiles"]
