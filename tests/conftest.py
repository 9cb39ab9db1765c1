"""Hypothesis profiles: revsgd's own (dev, ci, thorough; :mod:`revsgd.testing.profiles`),
picked with HYPOTHESIS_PROFILE (default dev)."""

from revsgd.testing.profiles import load_profile_from_env

load_profile_from_env(default="dev")
