"""One import package: everything is ``revsgd.*``; a user's own ``models/`` never interferes.

These tests run Python in subprocesses from temporary folders, so that neither the
repository root nor pytest's path insertions can make a wrong import succeed.
"""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import revsgd
from tests.package_modules import package_modules

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("theory", "models", "figures", "proofs_check")


def _python(code, cwd, *args, env=None):
    return subprocess.run([sys.executable, *args, "-c", code] if code else [sys.executable, *args],
                          cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_every_public_module_imports_without_a_top_level_package(tmp_path):
    modules = package_modules()
    assert {"revsgd.theory", "revsgd.models", "revsgd.proofs_check", "revsgd.figures",
            "revsgd.cli", "revsgd.proofs_check.numeric", "revsgd.proofs_check.symbolic"} <= set(modules)
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    out = _python(code, tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.fixture
def user_folder(tmp_path):
    """A research folder with its own ``models`` and ``theory`` packages, which explode on import."""
    for name in ("models", "theory", "figures", "proofs_check"):
        pkg = tmp_path / name
        pkg.mkdir()
        (pkg / "__init__.py").write_text(f"raise RuntimeError('the user\\'s own {name} package was imported')\n")
    return tmp_path


def test_user_packages_do_not_shadow_revsgd(user_folder):
    env = dict(os.environ, PYTHONPATH=str(user_folder))
    out = _python("import revsgd.models, revsgd.theory, revsgd.figures, revsgd.proofs_check.numeric; print('ok')",
                  user_folder, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    # the guard is real: a plain `import models` from this folder does explode
    assert "the user's own models package" in _python("import models", user_folder, env=env).stderr


def test_verify_runs_from_a_folder_with_its_own_models(user_folder):
    out = _python(None, user_folder, "-m", "revsgd", "verify", "--quick", "--only", "C1", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "passed, 0 failed" in out.stdout and "C1" in out.stdout


def test_python_m_revsgd_is_the_console_script(tmp_path):
    script = Path(sys.executable).with_name("revsgd")
    assert script.exists(), "the revsgd console script is not installed beside this interpreter"
    for argv in (["--version"], ["verify", "--only", "C99"], ["figures", "--only", "nope"], []):
        a = subprocess.run([str(script), *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        b = _python(None, tmp_path, "-m", "revsgd", *argv)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def test_proofs_check_module_is_an_alias_of_verify(tmp_path):
    a = _python(None, tmp_path, "-m", "revsgd.proofs_check", "--explain", "C4")
    b = _python(None, tmp_path, "-m", "revsgd", "verify", "--explain", "C4")
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout and "### C4." in a.stdout
    bad = _python(None, tmp_path, "-m", "revsgd.proofs_check", "--only", "C99")
    assert bad.returncode == 2 and "C99" in bad.stderr


def test_version_comes_from_the_distribution_metadata():
    from importlib.metadata import version

    assert revsgd.__version__ == version("revsgd") != "0+unknown"


def test_make_test_runs_against_the_installed_package():
    """Under ``make test`` (REVSGD_TEST_INSTALLED=1) the code comes from site-packages, not the tree."""
    if os.environ.get("REVSGD_TEST_INSTALLED") != "1":
        pytest.skip("only meaningful under make test, which installs the package first")
    import sysconfig

    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    for module in (revsgd, __import__("revsgd.theory").theory, __import__("revsgd.models").models):
        where = Path(module.__file__).resolve()
        assert site in where.parents, f"{module.__name__} imported from {where}, not from {site}"


def test_wheel_holds_only_the_revsgd_package(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
                          str(ROOT)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("revsgd-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    dist_info = {t for t in tops if t.endswith(".dist-info")}
    assert tops - dist_info == {"revsgd"} and len(dist_info) == 1
    for needed in ("revsgd/THEORY.md", "revsgd/cli.py", "revsgd/theory/__init__.py", "revsgd/models/__init__.py",
                   "revsgd/proofs_check/numeric/__init__.py", "revsgd/figures/base.py"):
        assert needed in names
    theory = zipfile.ZipFile(wheel).read("revsgd/THEORY.md").decode()
    assert theory == (ROOT / "THEORY.md").read_text() and "### C10." in theory
