"""Every docstring example of the package runs (``doctest``), on the installed package."""

import doctest
import importlib

import pytest

from tests.package_modules import package_modules

MODULES = package_modules()
#: modules whose examples need an optional extra (skipped, with the reason, where it is missing)
NEEDS_EXTRA = {"revsgd.models.jax_model": "jax", "revsgd.theory.ensemble_kernel": "numba"}


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    from revsgd.theory.extras import install_hint, missing_modules

    if name in NEEDS_EXTRA and missing_modules(NEEDS_EXTRA[name]):
        pytest.skip(f"{name}'s examples need the {NEEDS_EXTRA[name]!r} extra: {install_hint(NEEDS_EXTRA[name])}")
    monkeypatch.chdir(tmp_path)  # examples that write files write here
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name, globs=dict(vars(module))):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_examples_are_found():
    """The harness is live: at least the examples of revsgd.cli's helpers are collected."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = [t for name in MODULES for t in finder.find(importlib.import_module(name)) if t.examples]
    assert len(tests) >= 30
