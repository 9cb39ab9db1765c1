"""revsgd.testing: tools for your own test suite (needs the test extra: ``pip install 'revsgd[test]'``).

* assertions (:mod:`revsgd.testing.assertions`): the claims as ``assert_*`` helpers whose
  failures print both sides and the first step where they fail;
* strategies: the toolkit's hypothesis strategies (``affine_families``,
  ``index_sequences``, ``quadratic_models``, ...) and problems with known certificates
  (:mod:`revsgd.testing.strategies`);
* hypothesis profiles ``dev``, ``ci``, ``thorough`` (:mod:`revsgd.testing.profiles`),
  made available by the package's pytest plugin, chosen with ``HYPOTHESIS_PROFILE`` or
  ``--hypothesis-profile``.

The names load on first use (PEP 562), so that the pytest plugin
(:mod:`revsgd.testing.plugin`), which pytest imports in every session where revsgd is installed,
costs no numpy or scipy import; the first access checks that the test extra is installed.

Example:

>>> import numpy as np
>>> from revsgd.testing import assert_cauchy_bound
>>> from revsgd.theory import AffineFamily
>>> assert_cauchy_bound(AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]]), [1, 0, 1], np.zeros(1))"""

import importlib

#: exported name -> the module that defines it
_SOURCES = {
    # assertions
    **dict.fromkeys(("assert_backward_matches", "assert_cauchy_bound", "assert_limit_independent_of_start",
                     "assert_lipschitz", "assert_same_law", "assert_stationary_moments"),
                    "revsgd.testing.assertions"),
    # hypothesis profiles
    **dict.fromkeys(("PROFILES", "load_profile_from_env", "register_profiles"), "revsgd.testing.profiles"),
    # strategies
    "affine_families": "revsgd.theory.strategies",
    "gradient_families": "revsgd.testing.strategies",
    "index_sequences": "revsgd.theory.strategies",
    **dict.fromkeys(("least_squares_problems", "logistic_problems"), "revsgd.testing.strategies"),
    "orthogonal": "revsgd.theory.strategies",
    "quadratic_models": "revsgd.models.strategies",
    "seeds": "revsgd.theory.strategies",
}

__all__ = list(_SOURCES)  # grouped as above: assertions, hypothesis profiles, strategies


def __getattr__(name):
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'revsgd.testing' has no attribute {name!r}")
    from revsgd.theory.extras import require

    require("test", "revsgd.testing")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
