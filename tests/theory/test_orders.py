"""The iteration orders (theory.orders) against naive loops, the C7 palindrome slope, laws and bad input.

Every order of the registry is checked by the contract of tests/order_contract.py against
its naive reference (REFERENCES). Statistical checks: fixed seeds; per-coordinate KS with
Holm correction at alpha = 1e-3 (false-alarm rate <= 1e-3 per test).
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models import Quadratic
from tests.order_contract import assert_composes_its_word, assert_cost_is_what_a_general_family_spends
from tests.theory.test_windows import block_backward_naive, moving_window_naive
from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory import forward, ks_two_sample, windows
from revsgd.theory.family import AffineFamily
from revsgd.theory.order_values import Order
from revsgd.theory.orders import (
    ORDERS,
    block_backward,
    iid_backward,
    iid_forward,
    moving_window,
    palindromic,
    palindromic_word,
    reshuffled_backward,
    reshuffled_forward,
    sample_epochs,
)
from revsgd.theory.reference import backward_naive, forward_naive
from revsgd.theory.strategies import affine_families, orthogonal, seeds

ALPHA = 1e-3


@st.composite
def epoch_problems(draw, max_epochs=6, **family_options):
    fam = draw(affine_families(**family_options))
    rng = np.random.default_rng(draw(seeds()))
    E = draw(st.integers(0, max_epochs))
    perms = np.array([rng.permutation(fam.K) for _ in range(E)], dtype=np.int64).reshape(E, fam.K)
    return fam, perms, rng.standard_normal(fam.dim)


def forward_loop(fam, perms, x0):
    x, rows = np.asarray(x0, float), [np.asarray(x0, float)]
    for perm in perms:
        for k in perm:  # pi_1 first
            x = fam.apply(int(k), x)
            rows.append(x)
    return np.array(rows)


def backward_loop(fam, perms, x0):
    word = [int(k) for perm in perms for k in perm]
    rows = []
    for n in range(len(word) + 1):
        y = np.asarray(x0, float)
        for k in reversed(word[:n]):  # the newest map first, xi_1 last
            y = fam.apply(k, y)
        rows.append(y)
    return np.array(rows)


def palindrome_loop(fam, perms, x0):
    x, rows = np.asarray(x0, float), [np.asarray(x0, float)]
    for perm in perms:
        for k in list(perm) + list(perm)[::-1]:  # S_{pi_1} first ... S_{pi_1} last
            x = fam.apply(int(k), x)
            rows.append(x)
    return np.array(rows)


def _perms(fam, word):
    return np.asarray(word).reshape(-1, fam.K)


#: name -> naive reference(order, family, word, x0): the trajectory by plain loops.
REFERENCES = {
    "iid_forward": lambda o, fam, word, x0: forward_naive(fam, word, x0),
    "iid_backward": lambda o, fam, word, x0: backward_naive(fam, word, x0),
    "reshuffled_forward": lambda o, fam, word, x0: forward_loop(fam, _perms(fam, word), x0),
    "reshuffled_backward": lambda o, fam, word, x0: backward_loop(fam, _perms(fam, word), x0),
    "palindromic": lambda o, fam, word, x0: palindrome_loop(fam, _perms(fam, word), x0)[::2],
    "moving_window": lambda o, fam, word, x0: moving_window_naive(fam, word, x0, o.param("window")),
    "block_backward": lambda o, fam, word, x0: block_backward_naive(fam, word, x0, o.param("window")),
}
EPOCH_ORDERS = ("reshuffled_forward", "reshuffled_backward", "palindromic")


# ------------------------------------------------------------ naive references


@given(epoch_problems())
def test_epoch_orders_match_naive_loops(problem):
    fam, perms, x0 = problem
    n = 2 * perms.size
    word = perms.reshape(-1)
    tol = trajectory_tol(n, fam.dim, iterate_scale(fam, x0))
    np.testing.assert_allclose(reshuffled_forward().run(fam, word, x0).trajectory, forward_loop(fam, perms, x0),
                               rtol=0, atol=tol)
    np.testing.assert_allclose(reshuffled_backward().run(fam, word, x0).trajectory, backward_loop(fam, perms, x0),
                               rtol=0, atol=tol)
    half_steps = forward(fam, palindromic_word(perms), x0)
    assert half_steps.shape == (n + 1, fam.dim)
    np.testing.assert_allclose(half_steps, palindrome_loop(fam, perms, x0), rtol=0, atol=tol)
    np.testing.assert_array_equal(palindromic().run(fam, word, x0).trajectory, half_steps[::2])


@given(epoch_problems(min_dim=1, max_dim=1))
def test_dimension_one(problem):
    fam, perms, x0 = problem
    tol = trajectory_tol(2 * perms.size, 1, iterate_scale(fam, x0))
    word = perms.reshape(-1)
    np.testing.assert_allclose(forward(fam, palindromic_word(perms), x0), palindrome_loop(fam, perms, x0),
                               rtol=0, atol=tol)
    np.testing.assert_allclose(reshuffled_backward().run(fam, word, x0).trajectory, backward_loop(fam, perms, x0),
                               rtol=0, atol=tol)


def test_hand_example():
    fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])  # S0 = x/2, S1 = x/2 + 1/2
    np.testing.assert_array_equal(palindromic_word([[1, 0], [0, 1]]), [1, 0, 0, 1, 0, 1, 1, 0])
    # S1 S0 S0 S1 (0): 1/2, 1/4, 1/8, 9/16
    np.testing.assert_array_equal(forward(fam, palindromic_word([[1, 0]]), [0.0])[:, 0], [0, 0.5, 0.25, 0.125, 0.5625])
    np.testing.assert_array_equal(palindromic().run(fam, [1, 0], [0.0]).trajectory[:, 0], [0, 0.25, 0.5625])


def test_every_registered_order_has_a_reference_and_a_unique_name():
    names = [order.name for order in ORDERS]
    assert len(set(names)) == len(names) and all(isinstance(o, Order) for o in ORDERS)
    assert set(names) <= set(REFERENCES)


@pytest.mark.parametrize("order", ORDERS, ids=lambda o: o.label)
@given(fam=affine_families(max_K=4), seed=seeds())
def test_every_order_composes_its_own_word(order, fam, seed):
    """Every order's trajectory is its docstring's composition of the word it reports."""
    x0 = np.random.default_rng(seed).standard_normal(fam.dim)
    reference = lambda family, word, start: REFERENCES[order.name](order, family, word, start)  # noqa: E731
    run = assert_composes_its_word(order, reference, fam, x0, 3, seed)
    if order.name in EPOCH_ORDERS:
        assert all(sorted(p) == list(range(fam.K)) for p in run.word.reshape(3, fam.K).tolist())


@pytest.mark.parametrize("order", ORDERS + (moving_window(3), block_backward(3)), ids=lambda o: o.label)
def test_reported_cost_is_what_a_general_family_spends(order):
    """The costs of the module's table equal the rows a non-affine family maps."""
    fam = _quadratic(seed=1).step_family(0.3)
    n, w = 4 * fam.K, order.param("window", 0)
    run = assert_cost_is_what_a_general_family_spends(order, fam, np.zeros(fam.dim), 4)
    formula = {"iid_forward": n, "reshuffled_forward": n, "palindromic": 2 * n,
               "iid_backward": n * (n + 1) // 2, "reshuffled_backward": n * (n + 1) // 2,
               "moving_window": n + w * (n - w) + w * (w + 1) // 2, "block_backward": n * (n + 1) // 2}[order.name]
    assert run.applications == formula == order.cost(n, n)
    assert run.applications_per_step == formula / n


def test_block_backward_with_tol_reports_the_certified_depth():
    fam = _quadratic(seed=1).step_family(0.8)  # rho = 0.84
    x0 = np.zeros(fam.dim)
    order = block_backward(3, tol=1e-3)
    run = order.sample(fam, 60, x0, rng=0)
    n = 60 * fam.K
    D = windows.block_backward(fam, run.word, x0, 3, tol=1e-3).depth
    assert D < n and D % 3 == 0 and run.depth == D
    # the general-family cost is the wavefront's; an affine family composes rows 0..D blockwise, D applications
    assert order.cost(n, run.depth) == D * (D + 1) // 2 and run.applications == D
    assert run.certificate is not None and run.error_bound <= 1e-3
    # without tol the general-family count, though the affine path itself needs n
    exact_order = block_backward(3)
    exact = exact_order.sample(fam, 60, x0, rng=0)
    assert exact_order.cost(exact.n, exact.depth) == n * (n + 1) // 2
    assert exact.applications == n


def test_sample_is_draw_then_run():
    """``sample`` draws the word from the generator and runs it: nothing else consumes it."""
    fam = _quadratic(seed=2).step_family(0.2)
    x0 = np.zeros(fam.dim)
    for order in ORDERS:
        word = order.draw(fam, 5, np.random.default_rng(9))
        np.testing.assert_array_equal(order.sample(fam, 5, x0, rng=9).word, word)
        np.testing.assert_array_equal(order.sample(fam, 5, x0, rng=9).trajectory, order.run(fam, word, x0).trajectory)
    assert sample_epochs(3, 0).shape == (0, 3)


# ------------------------------------------------------------ C7: palindromes at O(h^3)


def _quadratic(seed=0, d=3, K=4, mu=0.2, L=2.0):
    rng = np.random.default_rng(seed)
    H = np.empty((K, d, d))
    for k in range(K):
        Q = orthogonal(rng, d)
        H[k] = (Q * rng.uniform(mu, L, size=d)) @ Q.T
    return Quadratic(H, rng.standard_normal((K, d)))


def _slope(h, v):
    return float(np.polyfit(np.log(h), np.log(v), 1)[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_palindromic_epochs_are_order_independent_to_third_order(seed):
    r"""|P_pi(x0) - P_pi'(x0)| = c h^3 + O(h^4): over h in [1e-3, 1e-2] the fitted slope is
    3 up to the relative size of the next term, O(h_max |c_4/c_3|) (taken <= 0.1); the plain
    reshuffled epoch on the same permutations has slope 2 (C7). Round-off (~1e-16) is far
    below the smallest gap (~c 1e-9)."""
    model = _quadratic(seed)
    rng = np.random.default_rng(seed)
    x0 = rng.standard_normal(model.dim)
    p1, p2 = rng.permutation(model.K), rng.permutation(model.K)
    while np.array_equal(p1, p2) or np.array_equal(p1, p2[::-1]):
        p2 = rng.permutation(model.K)
    hs = np.geomspace(1e-3, 1e-2, 6)
    pal, fwd = [], []
    for h in hs:
        half, full = model.step_family(h / 2), model.step_family(h)
        pal.append(np.linalg.norm(palindromic().run(half, p1, x0).trajectory[-1]
                                  - palindromic().run(half, p2, x0).trajectory[-1]))
        fwd.append(np.linalg.norm(reshuffled_forward().run(full, p1, x0).trajectory[-1]
                                  - reshuffled_forward().run(full, p2, x0).trajectory[-1]))
    assert _slope(hs, pal) == pytest.approx(3.0, abs=0.1)
    assert _slope(hs, fwd) == pytest.approx(2.0, abs=0.1)


# ------------------------------------------------------------ laws


def test_reshuffled_backward_has_the_forward_law_at_epoch_ends():
    """Reversing a word of i.i.d. uniform epochs gives i.i.d. uniform epochs, so at epoch
    ends Law(y) = Law(x); one step more (a different law, far from stationarity) is detected."""
    model = _quadratic(seed=5, d=2, K=3, mu=0.3, L=1.0)
    fam = model.step_family(0.4)
    x0 = np.full(2, 6.0)
    m, E = 1500, 2
    fwd = np.array([reshuffled_forward().sample(fam, E, x0, rng=s).trajectory[-1] for s in range(m)])
    bwd = np.array([reshuffled_backward().sample(fam, E, x0, rng=m + s).trajectory[-1] for s in range(m)])
    assert ks_two_sample(fwd, bwd).pvalue > ALPHA
    early = np.array([reshuffled_forward().sample(fam, E, x0, rng=2 * m + s).trajectory[-2] for s in range(m)])
    assert ks_two_sample(fwd, early).pvalue < ALPHA


# ------------------------------------------------------------ bad input


@pytest.mark.parametrize("fields,exc,match", [
    (dict(name=""), TypeError, "name must be a non-empty string"),
    (dict(name=None), TypeError, "name"),
    (dict(draw="iid"), TypeError, "draw must be callable"),
    (dict(run=None), TypeError, "run must be callable"),
    (dict(cost=3), TypeError, "cost must be callable"),
    (dict(label=2), TypeError, "label"),
    (dict(params={"window": 2}), TypeError, "params"),
    (dict(step_fraction=0.0), ValueError, "step_fraction"),
])
def test_an_order_refuses_fields_of_the_wrong_kind(fields, exc, match):
    with pytest.raises(exc, match=match):
        dataclasses.replace(iid_forward(), **fields)


@pytest.mark.parametrize("build,exc,match", [
    (lambda: block_backward(), TypeError, "window"),
    (lambda: block_backward(0), ValueError, "window"),
    (lambda: block_backward(1.5), TypeError, "window"),
    (lambda: moving_window(True), TypeError, "window"),
    (lambda: block_backward(2, tol=0.0), ValueError, "tol"),
    (lambda: block_backward(2, lr=0.1), TypeError, "lr"),
    (lambda: palindromic(window=2), TypeError, "window"),
])
def test_bad_window_options(build, exc, match):
    with pytest.raises(exc, match=match):
        build()


@pytest.mark.parametrize("order", [moving_window(9), block_backward(9)], ids=lambda o: o.name)
def test_window_longer_than_the_run_is_refused_before_drawing(order):
    fam = _quadratic(K=4).step_family(0.1)
    plain = "backward" if order.name == "moving_window" else "forward"
    with pytest.raises(ValueError, match=f"at most the run length n = 8 .*plain {plain} SGD"):
        order.sample(fam, 2, np.zeros(3), rng=0)


@pytest.mark.parametrize("word,exc,match", [
    ([0, 1, 1, 3], ValueError, "permutation of 0..3; epoch 0"),
    ([0, 1, 2], ValueError, "multiple of K = 4"),
    ([[0, 1, 2, 3]], ValueError, "1-D"),
    ([0.0, 1.0, 2.0, 3.0], TypeError, "integers"),
    ("0123", TypeError, "word"),
])
def test_bad_permutations(word, exc, match):
    fam = _quadratic(K=4).step_family(0.1)
    for order in (reshuffled_forward(), reshuffled_backward(), palindromic()):
        with pytest.raises(exc, match=match):
            order.run(fam, word, np.zeros(3))


def test_bad_epochs_and_family():
    fam = _quadratic().step_family(0.1)
    with pytest.raises(ValueError, match="n_epochs"):
        iid_forward().sample(fam, -1, np.zeros(3))
    with pytest.raises(TypeError, match="n_epochs"):
        sample_epochs(3, 1.5)
    with pytest.raises(TypeError, match="half_family"):
        palindromic().run(object(), [0], [0.0])
    with pytest.raises(TypeError, match="family"):
        iid_backward().sample(object(), 1, [0.0])
