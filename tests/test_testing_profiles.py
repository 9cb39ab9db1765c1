"""revsgd's hypothesis profiles work in a user's own suite (through the pytest plugin)."""

import os
import subprocess
import sys

import pytest

from revsgd.testing.profiles import PROFILES, load_profile_from_env

USER_TEST = '''
from hypothesis import given, settings, strategies as st

@given(st.integers())
def test_profile(i):
    pass

def test_report():
    print("MAX_EXAMPLES", settings.default.max_examples, settings.default.derandomize)
'''

try:  # the variables by which hypothesis recognises a CI machine (private; a fallback copy)
    from hypothesis._settings import _CI_VARS
except ImportError:  # pragma: no cover
    _CI_VARS = ("CI", "TF_BUILD", "BUILDKITE", "CIRCLECI", "CIRRUS_CI", "CODEBUILD_BUILD_ID",
                "GITHUB_ACTIONS", "GITLAB_CI", "HEROKU_TEST_RUN_ID", "TEAMCITY_VERSION")


def _run_user_suite(tmp_path, env, args, ci):
    """Run USER_TEST in a fresh pytest; ``ci`` sets ``CI=true`` (hypothesis then loads its own
    ``ci`` profile by itself), otherwise every CI variable hypothesis looks at is removed."""
    (tmp_path / "test_user.py").write_text(USER_TEST)
    environ = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_PROFILE" and k not in _CI_VARS}
    if ci:
        environ["CI"] = "true"
    environ.update(env)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *args,
                          "test_user.py"], cwd=tmp_path, capture_output=True, text=True, env=environ, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


@pytest.mark.parametrize("ci", [False, True], ids=["local", "on-ci"])
@pytest.mark.parametrize("env,args,expected", [
    ({"HYPOTHESIS_PROFILE": "ci"}, [], "MAX_EXAMPLES 200 True"),
    ({"HYPOTHESIS_PROFILE": "dev"}, [], "MAX_EXAMPLES 50 False"),
    ({}, ["--hypothesis-profile=thorough"], "MAX_EXAMPLES 2000 False"),
    ({}, ["--hypothesis-profile=ci"], "MAX_EXAMPLES 200 True"),
])
def test_profiles_reach_a_users_suite(env, args, expected, ci, tmp_path):
    assert expected in _run_user_suite(tmp_path, env, args, ci)


@pytest.mark.parametrize("ci", [False, True], ids=["local", "on-ci"])
def test_a_suite_naming_no_profile_keeps_hypothesis_settings(ci, tmp_path):
    """With no profile named, the plugin changes nothing: the same settings as with the plugin
    disabled (locally hypothesis's default, 100 examples; on CI hypothesis's own ci profile)."""
    with_plugin = _run_user_suite(tmp_path, {}, [], ci)
    without = _run_user_suite(tmp_path, {}, ["-p", "no:revsgd"], ci)
    line = [ln for ln in with_plugin.splitlines() if "MAX_EXAMPLES" in ln]
    assert line and line == [ln for ln in without.splitlines() if "MAX_EXAMPLES" in ln]
    assert ("MAX_EXAMPLES 100 True" if ci else "MAX_EXAMPLES 100 False") in with_plugin


def test_a_profile_of_the_users_own_is_left_to_them(tmp_path):
    """HYPOTHESIS_PROFILE naming a profile the user's conftest registers is theirs to load."""
    (tmp_path / "conftest.py").write_text(
        "from hypothesis import settings\n"
        "settings.register_profile('nightly', max_examples=7)\n"
        "settings.load_profile('nightly')\n")
    assert "MAX_EXAMPLES 7 False" in _run_user_suite(tmp_path, {"HYPOTHESIS_PROFILE": "nightly"}, [], False)


def test_profiles_are_the_documented_ones():
    assert set(PROFILES) == {"dev", "ci", "thorough"}
    assert PROFILES["ci"]["max_examples"] == 200 and PROFILES["ci"]["derandomize"] is True


def test_unknown_profile_is_refused(monkeypatch):
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "nightly-typo")
    with pytest.raises(ValueError, match="HYPOTHESIS_PROFILE.*nightly-typo"):
        load_profile_from_env()


def test_the_plugin_imports_nothing_heavy():
    """pytest imports the plugin in every session where revsgd is installed: no numpy, no theory."""
    code = ("import sys, revsgd.testing.plugin, revsgd.testing.profiles; "
            "print(sorted(m for m in ('numpy', 'scipy', 'revsgd.theory', 'revsgd.testing.assertions') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_every_export_of_revsgd_testing_is_its_source_s():
    import importlib

    import revsgd.testing as testing

    for name in testing.__all__:
        source = importlib.import_module(testing._SOURCES[name])
        assert getattr(testing, name) is getattr(source, name), name
    assert set(testing.__all__) == set(testing._SOURCES)
    assert set(importlib.import_module("revsgd.testing.assertions").__all__) <= set(testing.__all__)
    assert set(importlib.import_module("revsgd.theory.strategies").__all__) <= set(testing.__all__)
