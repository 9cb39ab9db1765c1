"""The registry: validation, selection, and runs that never crash nor pass by accident."""

import numpy as np
import pytest

from revsgd.proofs_check import registry
from revsgd.proofs_check.registry import Check, CheckResult, Outcome, register, run_check, run_checks, select


def ok(rng):
    return Outcome(True, 0.0, 0.0, "demo")


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "REGISTRY", {})
    return registry.REGISTRY


@pytest.mark.parametrize(
    "fields, word",
    [
        (dict(claim="C11"), "claim"),
        (dict(claim="c1"), "claim"),
        (dict(name="Bad Name"), "name"),
        (dict(statement="  "), "statement"),
        (dict(kind="exact"), "kind"),
        (dict(func=3), "func"),
        (dict(quick="yes"), "quick"),
    ],
)
def test_check_fields_are_validated(fields, word):
    base = dict(claim="C1", name="demo", statement="x = x", kind="symbolic", func=ok, quick=True)
    base.update(fields)
    with pytest.raises((ValueError, TypeError), match=word):
        Check(**base)


def test_duplicate_names_are_refused(empty_registry):
    register(Check("C1", "demo", "x", "symbolic", ok))
    with pytest.raises(ValueError, match="already registered"):
        register(Check("C2", "demo", "y", "numeric", ok))
    with pytest.raises(TypeError, match="Check"):
        register("demo")


def test_register_check_decorator(empty_registry):
    @registry.register_check("C7", "a = a", kind="numeric", quick=False)
    def my_check(rng):
        return Outcome(True, 1, 1)

    assert list(empty_registry) == ["my_check"]
    assert empty_registry["my_check"].func is my_check and not empty_registry["my_check"].quick


def test_select_filters_and_validates(empty_registry):
    for claim, name, kind, quick in [("C1", "a", "symbolic", True), ("C1", "b", "numeric", False),
                                     ("C7", "c", "numeric", True)]:
        register(Check(claim, name, "s", kind, ok, quick))
    assert [c.name for c in select()] == ["a", "b", "c"]
    assert [c.name for c in select(only=["C1"])] == ["a", "b"]
    assert [c.name for c in select(kind="numeric")] == ["b", "c"]
    assert [c.name for c in select(quick=True)] == ["a", "c"]
    assert select(only=["C2"]) == []
    with pytest.raises(ValueError, match=r"'C12'.*valid: C1, C2"):
        select(only=["C1", "C12"])
    with pytest.raises(TypeError, match="iterable"):
        select(only="C1")
    with pytest.raises(ValueError, match="kind"):
        select(kind="exact")


def test_exception_is_a_failed_result_with_the_error():
    def boom(rng):
        raise ZeroDivisionError("divided by zero on purpose")

    r = run_check(Check("C3", "boom", "s", "numeric", boom))
    assert isinstance(r, CheckResult)
    assert r.passed is False and "ZeroDivisionError" in r.error and "on purpose" in r.error


@pytest.mark.parametrize("value", [True, None, Outcome("yes", 0, 0), Outcome(1, 0, 0)])
def test_malformed_return_is_a_failure(value):
    r = run_check(Check("C3", "malformed", "s", "numeric", lambda rng: value))
    assert r.passed is False and r.error


def test_passing_and_failing_outcomes_are_reported():
    good = run_check(Check("C1", "good", "s", "numeric", ok), seed=3)
    bad = run_check(Check("C1", "bad", "s", "numeric", lambda rng: Outcome(np.bool_(False), 2.0, 1.0, "i")))
    assert good.passed is True and good.error is None and good.instance == "demo" and good.seconds >= 0
    assert bad.passed is False and bad.error is None and bad.measured == 2.0 and bad.expected == 1.0


def test_rng_depends_on_seed_and_name_only():
    draw = lambda rng: Outcome(True, float(rng.random()), 0)
    a = run_check(Check("C1", "alpha", "s", "numeric", draw), seed=1).measured
    assert run_check(Check("C1", "alpha", "s", "numeric", draw), seed=1).measured == a
    assert run_check(Check("C1", "alpha", "s", "numeric", draw), seed=2).measured != a
    assert run_check(Check("C1", "beta", "s", "numeric", draw), seed=1).measured != a
    with pytest.raises(ValueError, match="seed"):
        run_check(Check("C1", "alpha", "s", "numeric", draw), seed=-1)


def test_run_checks_calls_progress_in_order():
    checks = [Check("C1", f"c{i}", "s", "numeric", ok) for i in range(3)]
    seen = []
    results = run_checks(checks, seed=0, progress=seen.append)
    assert [r.name for r in results] == ["c0", "c1", "c2"] and seen == results
    with pytest.raises(TypeError, match="progress"):
        run_checks(checks, progress=3)


def test_check_variant_names_and_documents_a_factory_built_check(empty_registry):
    def factory(bound):
        def check(rng):
            return Outcome(True, 0, bound)

        return registry.register_check("C1", "x <= b", kind="numeric")(
            registry.check_variant(check, f"below_{bound}", f"Below {bound}."))

    first, second = factory(1), factory(2)
    assert list(empty_registry) == ["below_1", "below_2"]
    assert empty_registry["below_2"].func is second and second.__name__ == second.__qualname__ == "below_2"
    assert first.__doc__ == "Below 1." and first(None).expected == 1
    with pytest.raises(ValueError, match="snake_case.*'Below 3'"):
        registry.check_variant(lambda rng: None, "Below 3", "doc")


#: the checks built by factories, with their keyword parameters (the can-fail table passes
#: broken implementations by these names) and their modules' registration order
FACTORY_BUILT = {
    "revsgd.proofs_check.numeric.sampling": (
        ["c10_binary_chain_uniform", "c10_cantor_cdf", "c10_certified_error_bound"],
        {"c10_binary_chain_uniform": ["sampler"], "c10_cantor_cdf": ["sampler"]}),
    "revsgd.proofs_check.symbolic.brackets": (
        ["bracket_quadratic_exact", "bracket_smooth_1d", "bracket_smooth_2d", "bracket_n_steps", "palindromic_epoch"],
        {"bracket_smooth_1d": ["gradient_step_jet"], "bracket_smooth_2d": ["gradient_step_jet"]}),
    "revsgd.proofs_check.symbolic.composition": (
        ["backward_composition_formula", "forward_composition_formula"],
        {"backward_composition_formula": ["closed_form"], "forward_composition_formula": ["closed_form"]}),
    "revsgd.proofs_check.symbolic.stationary": (
        ["two_batch_quadratic", "binary_chain", "cantor_law", "bernoulli_convolution", "least_squares_1d_variance",
         "least_squares_2d_mean"],
        {"two_batch_quadratic": ["stationary_moments_1d", "uniform_moments"],
         "bernoulli_convolution": ["stationary_moments_1d", "uniform_moments"]}),
}


@pytest.mark.parametrize("module_name", sorted(FACTORY_BUILT))
def test_factory_built_checks_read_like_written_out_ones(module_name):
    import importlib
    import inspect

    import revsgd.proofs_check.numeric  # noqa: F401  (registers the checks)
    import revsgd.proofs_check.symbolic  # noqa: F401

    module = importlib.import_module(module_name)
    order, keywords = FACTORY_BUILT[module_name]
    checks = registry.REGISTRY
    assert [n for n, c in checks.items() if c.func.__module__ == module_name] == order
    for name, expected in keywords.items():
        func = getattr(module, name)
        assert checks[name].func is func and func.__name__ == name and name in module.__all__
        assert func.__doc__ and func.__doc__.strip()
        params = list(inspect.signature(func).parameters.values())
        assert params[0].name == "rng"
        assert [p.name for p in params[1:] if p.kind is p.KEYWORD_ONLY] == expected
        assert all(p.default is not p.empty for p in params[1:]), f"{name}: every piece defaults to the real one"
