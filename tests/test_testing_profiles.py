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


@pytest.mark.parametrize("env,args,expected", [
    ({"HYPOTHESIS_PROFILE": "ci"}, [], "MAX_EXAMPLES 200 True"),
    ({"HYPOTHESIS_PROFILE": "dev"}, [], "MAX_EXAMPLES 50 False"),
    ({}, ["--hypothesis-profile=thorough"], "MAX_EXAMPLES 2000 False"),
    ({}, [], "MAX_EXAMPLES 100 False"),  # no choice made: hypothesis's default stays
])
def test_profiles_reach_a_users_suite(env, args, expected, tmp_path):
    (tmp_path / "test_user.py").write_text(USER_TEST)
    environ = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_PROFILE"}
    environ.update(env)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", *args,
                          "test_user.py"], cwd=tmp_path, capture_output=True, text=True, env=environ, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert expected in out.stdout


def test_profiles_are_the_documented_ones():
    assert set(PROFILES) == {"dev", "ci", "thorough"}
    assert PROFILES["ci"]["max_examples"] == 200 and PROFILES["ci"]["derandomize"] is True


def test_unknown_profile_is_refused(monkeypatch):
    monkeypatch.setenv("HYPOTHESIS_PROFILE", "nightly-typo")
    with pytest.raises(ValueError, match="HYPOTHESIS_PROFILE.*nightly-typo"):
        load_profile_from_env()
