"""The contract every iteration order keeps, as assertions on one order at a time.

An order (a :class:`revsgd.theory.order_values.Order`) is checked against a naive
``reference(family, word, x0)`` that recomputes its trajectory by plain loops. The built-in
orders are checked in tests/theory/test_orders.py; a new order needs only its own test
file calling these (tests/theory/test_order_demo.py shows one).
"""

import numpy as np

from tests.opaque import OpaqueFamily
from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory.run import Run


def assert_composes_its_word(order, reference, family, x0, n_epochs, seed):
    """The run is the reference composition of the word it reports, reproducibly from the seed."""
    run = order.sample(family, n_epochs, x0, rng=seed)
    n = n_epochs * family.K
    assert isinstance(run, Run)
    assert run.n == n and run.word.shape == (n,) and run.trajectory.shape == (n + 1, family.dim)
    assert run.word.dtype == np.int64 and (n == 0 or 0 <= run.word.min() <= run.word.max() < family.K)
    tol = trajectory_tol(2 * n, family.dim, iterate_scale(family, x0))
    np.testing.assert_allclose(run.trajectory, reference(family, run.word, x0), rtol=0, atol=tol)
    again = order.sample(family, n_epochs, x0, rng=seed)
    np.testing.assert_array_equal(again.word, run.word)
    np.testing.assert_array_equal(again.trajectory, run.trajectory)
    np.testing.assert_array_equal(order.run(family, run.word, x0).trajectory, run.trajectory)
    return run


def assert_cost_is_what_a_general_family_spends(order, family, x0, n_epochs):
    """``order.cost`` is the rows a non-affine family maps (plus K for a certificate's C)."""
    op = OpaqueFamily(family)
    run = order.sample(op, n_epochs, x0, rng=0)
    certificate = 0 if run.certificate is None else family.K
    assert run.applications == order.cost(run.n, run.depth) == op.rows - certificate
    assert run.applications_per_step == run.applications / run.n
    return run
