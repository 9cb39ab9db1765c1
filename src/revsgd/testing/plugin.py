"""pytest plugin (entry point ``revsgd`` in group ``pytest11``): makes revsgd's hypothesis
profiles available when a run asks for one of them, and loads the one ``HYPOTHESIS_PROFILE``
names.

A run that names none of ``dev``, ``ci``, ``thorough`` (neither ``--hypothesis-profile`` nor
``HYPOTHESIS_PROFILE``) is left exactly as hypothesis sets it up: nothing is registered, so
hypothesis's own ``ci`` profile, which it loads by itself on CI machines, is not replaced.
This hook runs before hypothesis's own ``pytest_configure`` reads ``--hypothesis-profile``.
Without hypothesis installed the plugin does nothing.
"""

import importlib.util
import os

import pytest

__all__ = ["pytest_configure"]

_ACTIVE = importlib.util.find_spec("hypothesis") is not None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Register revsgd's profiles if the run names one of them; load the one
    ``HYPOTHESIS_PROFILE`` names unless ``--hypothesis-profile`` was given. Any other profile
    name is left to the suite that registers it."""
    if not _ACTIVE:
        return
    from revsgd.testing.profiles import PROFILES, load_profile_from_env, register_profiles

    option = getattr(config.option, "hypothesis_profile", None)
    if option:
        if option in PROFILES:
            register_profiles()
        return
    if os.environ.get("HYPOTHESIS_PROFILE") in PROFILES:
        load_profile_from_env()
