"""pytest plugin (entry point ``revsgd`` in group ``pytest11``): registers revsgd's hypothesis
profiles when pytest starts, and loads the one ``HYPOTHESIS_PROFILE`` names, if any.

The profiles are registered at import, before hypothesis's own plugin reads
``--hypothesis-profile``. Without hypothesis installed the plugin does nothing.
"""

import importlib.util

__all__ = ["pytest_configure"]

_ACTIVE = importlib.util.find_spec("hypothesis") is not None
if _ACTIVE:
    from revsgd.testing.profiles import load_profile_from_env, register_profiles

    register_profiles()


def pytest_configure(config):
    """Load ``HYPOTHESIS_PROFILE`` unless ``--hypothesis-profile`` was given."""
    if _ACTIVE and not getattr(config.option, "hypothesis_profile", None):
        load_profile_from_env()
