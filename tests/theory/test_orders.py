"""Named orders (theory.orders) against naive loops, the C7 palindrome slope, laws and bad input.

Statistical checks: fixed seeds; per-coordinate KS with Holm correction at alpha = 1e-3
(false-alarm rate <= 1e-3 per test).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revsgd.models import Quadratic
from tests.tolerances import iterate_scale, trajectory_tol
from tests.opaque import OpaqueFamily
from revsgd.theory import backward, forward, ks_two_sample
from revsgd.theory.family import AffineFamily
from revsgd.theory.orders import (
    ORDERS,
    palindromic,
    palindromic_word,
    reshuffled_backward,
    reshuffled_forward,
    run_order,
    sample_epochs,
)
from revsgd.theory.strategies import affine_families, orthogonal, seeds
from revsgd.theory.windows import block_backward, moving_window

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


# ------------------------------------------------------------ naive references


@given(epoch_problems())
def test_epoch_orders_match_naive_loops(problem):
    fam, perms, x0 = problem
    n = 2 * perms.size
    tol = trajectory_tol(n, fam.dim, iterate_scale(fam, x0))
    np.testing.assert_allclose(reshuffled_forward(fam, perms, x0), forward_loop(fam, perms, x0), rtol=0, atol=tol)
    np.testing.assert_allclose(reshuffled_backward(fam, perms, x0), backward_loop(fam, perms, x0), rtol=0, atol=tol)
    got = palindromic(fam, perms, x0)
    assert got.shape == (n + 1, fam.dim)
    np.testing.assert_allclose(got, palindrome_loop(fam, perms, x0), rtol=0, atol=tol)


@given(epoch_problems(min_dim=1, max_dim=1))
def test_dimension_one(problem):
    fam, perms, x0 = problem
    tol = trajectory_tol(2 * perms.size, 1, iterate_scale(fam, x0))
    np.testing.assert_allclose(palindromic(fam, perms, x0), palindrome_loop(fam, perms, x0), rtol=0, atol=tol)
    np.testing.assert_allclose(reshuffled_backward(fam, perms, x0), backward_loop(fam, perms, x0), rtol=0, atol=tol)


def test_hand_example():
    fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])  # S0 = x/2, S1 = x/2 + 1/2
    np.testing.assert_array_equal(palindromic_word([[1, 0], [0, 1]]), [1, 0, 0, 1, 0, 1, 1, 0])
    # S1 S0 S0 S1 (0): 1/2, 1/4, 1/8, 9/16
    np.testing.assert_array_equal(palindromic(fam, [[1, 0]], [0.0])[:, 0], [0, 0.5, 0.25, 0.125, 0.5625])


@given(st.sampled_from(ORDERS), affine_families(max_K=4), seeds())
def test_run_order_composes_its_own_word(name, fam, seed):
    """Every order's trajectory is its docstring's composition of the word it reports."""
    x0 = np.random.default_rng(seed).standard_normal(fam.dim)
    E = 3
    opts = {"window": 2} if name in ("moving_window", "block_backward") else {}
    run = run_order(name, fam, E, x0, rng=seed, **opts)
    n = E * fam.K
    assert run.steps == n and run.trajectory.shape == (n + 1, fam.dim)
    tol = trajectory_tol(2 * n, fam.dim, iterate_scale(fam, x0))
    perms = run.word.reshape(E, fam.K)
    expected = {
        "iid_forward": lambda: forward(fam, run.word, x0),
        "iid_backward": lambda: backward(fam, run.word, x0),
        "reshuffled_forward": lambda: forward_loop(fam, perms, x0),
        "reshuffled_backward": lambda: backward_loop(fam, perms, x0),
        "palindromic": lambda: palindrome_loop(fam, perms, x0)[::2],
        "moving_window": lambda: moving_window(fam, run.word, x0, 2).trajectory,
        "block_backward": lambda: block_backward(fam, run.word, x0, 2).trajectory,
    }[name]()
    np.testing.assert_allclose(run.trajectory, expected, rtol=0, atol=tol)
    if name.startswith("reshuffled") or name == "palindromic":
        assert all(sorted(p) == list(range(fam.K)) for p in perms.tolist())
    np.testing.assert_array_equal(run_order(name, fam, E, x0, rng=seed, **opts).trajectory, run.trajectory)


@pytest.mark.parametrize("name", ORDERS)
def test_reported_cost_is_what_a_general_family_spends(name):
    """The applications of the module's table equal the rows a non-affine family maps."""
    fam = _quadratic(seed=1).step_family(0.3)
    op = OpaqueFamily(fam)
    opts = {"window": 3} if name in ("moving_window", "block_backward") else {}
    run = run_order(name, op, 4, np.zeros(fam.dim), rng=0, **opts)
    n = 4 * fam.K
    formula = {"iid_forward": n, "reshuffled_forward": n, "palindromic": 2 * n,
               "iid_backward": n * (n + 1) // 2, "reshuffled_backward": n * (n + 1) // 2,
               "moving_window": n + 3 * (n - 3) + 6, "block_backward": n * (n + 1) // 2}[name]
    assert run.applications == op.rows == formula
    assert run.applications_per_step == formula / n


def test_block_backward_with_tol_reports_the_certified_depth():
    fam = _quadratic(seed=1).step_family(0.8)  # rho = 0.84
    run = run_order("block_backward", fam, 60, np.zeros(fam.dim), rng=0, window=3, tol=1e-3)
    n = 60 * fam.K
    D = block_backward(fam, run.word, np.zeros(fam.dim), 3, tol=1e-3).depth
    assert D < n and D % 3 == 0
    assert run.applications == D * (D + 1) // 2
    # without tol the general-family count, though the affine path itself needs n
    exact = run_order("block_backward", fam, 60, np.zeros(fam.dim), rng=0, window=3)
    assert exact.applications == n * (n + 1) // 2


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
        pal.append(np.linalg.norm(palindromic(half, [p1], x0)[-1] - palindromic(half, [p2], x0)[-1]))
        fwd.append(np.linalg.norm(reshuffled_forward(full, [p1], x0)[-1] - reshuffled_forward(full, [p2], x0)[-1]))
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
    fwd = np.array([run_order("reshuffled_forward", fam, E, x0, rng=s).trajectory[-1] for s in range(m)])
    bwd = np.array([run_order("reshuffled_backward", fam, E, x0, rng=m + s).trajectory[-1] for s in range(m)])
    assert ks_two_sample(fwd, bwd).pvalue > ALPHA
    early = np.array([run_order("reshuffled_forward", fam, E, x0, rng=2 * m + s).trajectory[-2] for s in range(m)])
    assert ks_two_sample(fwd, early).pvalue < ALPHA


# ------------------------------------------------------------ bad input


def test_unknown_order_lists_the_valid_names():
    fam = _quadratic().step_family(0.1)
    with pytest.raises(ValueError, match="valid names: " + ", ".join(ORDERS)):
        run_order("sideways", fam, 1, np.zeros(3))
    with pytest.raises(ValueError, match="valid names"):
        run_order(None, fam, 1, np.zeros(3))


@pytest.mark.parametrize("options,exc,match", [
    ({}, ValueError, "needs the option window"),
    ({"window": 0}, ValueError, "window"),
    ({"window": 1.5}, TypeError, "window"),
    ({"window": 9}, ValueError, "at most the run length n = 8"),
    ({"window": 2, "lr": 0.1}, ValueError, r"takes options \['tol', 'window'\]"),
])
def test_bad_window_options(options, exc, match):
    fam = _quadratic(K=4).step_family(0.1)
    with pytest.raises(exc, match=match):
        run_order("block_backward", fam, 2, np.zeros(3), rng=0, **options)


def test_options_on_orders_without_options():
    fam = _quadratic().step_family(0.1)
    with pytest.raises(ValueError, match="takes options none"):
        run_order("palindromic", fam, 1, np.zeros(3), window=2)


@pytest.mark.parametrize("perms,exc,match", [
    ([[0, 1, 1, 3]], ValueError, "permutation of 0..3; row 0"),
    ([[0, 1, 2]], ValueError, r"shape \(epochs, K\) = \(\*, 4\)"),
    ([0, 1, 2, 3], ValueError, "shape"),
    ([[0.0, 1.0, 2.0, 3.0]], TypeError, "integers"),
    ("0123", TypeError, "perms"),
])
def test_bad_permutations(perms, exc, match):
    fam = _quadratic(K=4).step_family(0.1)
    for fn in (reshuffled_forward, reshuffled_backward, palindromic):
        with pytest.raises(exc, match=match):
            fn(fam, perms, np.zeros(3))


def test_bad_epochs_and_family():
    fam = _quadratic().step_family(0.1)
    with pytest.raises(ValueError, match="n_epochs"):
        run_order("iid_forward", fam, -1, np.zeros(3))
    with pytest.raises(TypeError, match="n_epochs"):
        sample_epochs(3, 1.5)
    with pytest.raises(TypeError, match="half_family"):
        palindromic(object(), [[0]], [0.0])
