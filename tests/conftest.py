"""Hypothesis profiles, registered once; pick one with HYPOTHESIS_PROFILE (default dev).

* dev: quick local runs (50 examples);
* ci: what `make test` uses: 200 examples per property, derandomized so a CI run is
  reproducible;
* thorough: 2000 examples, for a long local run.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
