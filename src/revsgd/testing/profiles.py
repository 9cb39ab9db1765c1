"""Hypothesis profiles shipped with revsgd: ``dev``, ``ci`` and ``thorough``.

* ``dev``: quick local runs, 50 examples per property;
* ``ci``: 200 examples per property, derandomized, so a CI run is reproducible;
* ``thorough``: 2000 examples, for a long local run.

None has a deadline (the properties compose maps; their time depends on the drawn
sizes). Each profile names its parent explicitly: ``dev`` and ``thorough`` extend
hypothesis's ``default`` profile, ``ci`` extends hypothesis's own ``ci`` profile (no example
database, reproduction blobs printed), so a profile means the same on a laptop and on a CI
machine where hypothesis has already loaded its ``ci`` profile. :func:`load_profile_from_env`
loads the profile named by ``HYPOTHESIS_PROFILE``. The package's pytest plugin (entry point
``revsgd``) registers them only when ``HYPOTHESIS_PROFILE`` or ``--hypothesis-profile`` names
one of them, so ``HYPOTHESIS_PROFILE=ci pytest`` or ``pytest --hypothesis-profile=ci`` works
in any suite where revsgd is installed, and a suite that names no profile keeps exactly
hypothesis's own settings.

Example:

>>> from hypothesis import settings
>>> register_profiles()
>>> settings.get_profile("ci").max_examples
200
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["PROFILES", "register_profiles", "load_profile_from_env"]

#: hypothesis's own profiles, captured at import: the parents of revsgd's
_PARENTS = {"default": settings.get_profile("default"), "ci": settings.get_profile("ci")}

#: profile name -> the hypothesis profile it extends
PARENT = {"dev": "default", "ci": "ci", "thorough": "default"}

#: profile name -> the settings it stands for (on top of its parent)
PROFILES = {
    "dev": dict(max_examples=50, deadline=None),
    "ci": dict(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]),
    "thorough": dict(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]),
}


def register_profiles() -> None:
    """Register :data:`PROFILES` with hypothesis (idempotent)."""
    for name, kwargs in PROFILES.items():
        settings.register_profile(name, parent=_PARENTS[PARENT[name]], **kwargs)


def load_profile_from_env(default: str | None = None) -> str | None:
    """Load the profile named by ``HYPOTHESIS_PROFILE`` (else ``default``, if given).

    Returns:
        the name loaded, or ``None`` when neither names one.

    Raises:
        ValueError: the name is not a registered profile (the registered ones are listed).
    """
    name = os.environ.get("HYPOTHESIS_PROFILE", default)
    if name is None:
        return None
    register_profiles()
    try:
        settings.load_profile(name)
    except Exception as exc:  # hypothesis raises InvalidArgument
        raise ValueError(f"HYPOTHESIS_PROFILE must name a registered profile ({', '.join(PROFILES)} "
                         f"or one of your own); got {name!r}") from exc
    return name
