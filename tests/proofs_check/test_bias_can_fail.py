"""The C9 bias checks and the logistic C1/C3 checks: registration, reported measurements, the
Richardson weights and the forward step bound (the estimator and the fits are tested in
tests/theory/test_stationary_mean.py and tests/theory/test_fits.py; the broken implementations
these checks are fed are in the table of tests/proofs_check/test_can_fail_table.py).
"""

import importlib

import numpy as np

from revsgd.proofs_check import registry
from revsgd.proofs_check.numeric import bias, logistic


def test_checks_are_registered_once_and_reimport_is_harmless():
    names = [n for n in bias.__all__ if n.startswith("c9_")] + [
        n for n in logistic.__all__ if n.startswith(("c1_", "c3_"))]
    assert len(names) == 9
    for name in names:
        assert registry.REGISTRY[name].func is getattr(importlib.import_module(
            "revsgd.proofs_check.numeric.bias" if name.startswith("c9_") else "revsgd.proofs_check.numeric.logistic"), name)
    importlib.import_module("revsgd.proofs_check.numeric.bias")  # cached: no duplicate registration
    assert {registry.REGISTRY[n].claim for n in names} == {"C1", "C3", "C9"}


def test_run_check_reports_the_measurements():
    result = registry.run_check(registry.REGISTRY["c9_bias_formula_one_dimensional"], seed=1)
    assert result.passed and result.error is None and "c1" in result.note
    (fit, half), (predicted, widest) = result.measured, result.expected
    assert abs(fit - predicted) <= half <= widest == abs(predicted) / 4


def test_richardson_weights():
    np.testing.assert_array_equal(bias._richardson_weights(bias.richardson, 3), [[2, -1, 0], [0, 2, -1]])


def test_forward_step_lower_bound_holds_at_random_points():
    model = logistic.random_logistic(np.random.default_rng(5), 3)
    lr = 0.5 * model.contractive_lr_range().high
    fam = model.step_family(lr)
    delta = logistic.forward_step_lower_bound(model, lr)
    assert delta > 0
    rng = np.random.default_rng(6)
    for w in rng.normal(0, 3, (200, 3)):
        mean_step = np.mean([np.linalg.norm(fam.apply(k, w) - w) for k in range(fam.K)])
        assert mean_step >= delta
