"""Every order of the digits experiment equals the toolkit's own run of it, and backward equals
sequential composition.

The references recompute each order from its definition with the toolkit's full-trajectory
functions on the same family, word and start: ``backward_naive`` (each y_t recomputed from
x0 by single applications, the newest map first), ``forward``, ``orders.block_backward(w).run``,
``orders.moving_window(w).run``, ``orders.palindromic().run`` on the half-step family and
``corrected_forward_windows``. The experiment composes the same maps in the same order in
other batch sizes, so the two differ by round-off only: at most ``(n + 1) B d`` operations of
relative size eps per entry, amplified by at most ``max(1, rho)^n`` with ``rho`` the measured
local Lipschitz constant of the steps on a ball holding every compared state
(``JaxModel.local_certificate``: measured at points, not a proof), as in
``tests/models/test_jax_model.py``.
"""

import numpy as np
import pytest

from tests.experiments.tiny import TINY, tiny_run

from revsgd.experiments.runs import ORDER_NAMES, grids, seed_words  # noqa: E402
from revsgd.theory import forward, orders  # noqa: E402
from revsgd.theory.bracket_correction import corrected_forward_windows  # noqa: E402
from revsgd.theory.reference import backward_naive  # noqa: E402
from revsgd.theory.tolerances import roundoff_tolerance  # noqa: E402

LR, WD = 0.2, 0.0


@pytest.fixture(scope="module")
def setting():
    run = tiny_run()
    model = run.mlps[WD].model
    return run, model, run.states[(LR, WD)]


def _tolerances(model, states, steps):
    """The round-off bound of each recorded step t: (t + 1) B d eps max(1, |x|) max(1, rho)^t."""
    x0 = states[0]
    radius = float(np.linalg.norm(states - x0, axis=1).max()) + 1e-3
    rho = model.local_certificate(x0, radius, LR, points=4).rho
    scale = max(1.0, float(np.abs(states).max()))
    return np.array([roundoff_tolerance(scale, (int(t) + 1) * model.batch_size * model.dim, max(1.0, rho) ** int(t))
                     for t in steps])


def _references(model, word, x0, n, w):
    family = model.step_family(LR)
    return {
        "forward": forward(family, word[:n + 1], x0),
        "backward": backward_naive(family, word[:n + 1], x0),
        "block_backward": orders.block_backward(w).run(family, word[:n + 1], x0).trajectory,
        "moving_window": orders.moving_window(w).run(family, word[:n + 1], x0).trajectory,
        "palindromic": orders.palindromic().run(model.step_family(LR / 2), word, x0).trajectory,
    }


def test_every_order_is_the_toolkits_run_of_it(setting):
    run, model, records = setting
    n, w = TINY.steps, TINY.window
    assert list(records) == list(ORDER_NAMES)
    for s in range(len(TINY.seeds)):
        word, x0 = run.words[s], run.x0s[s]
        refs = _references(model, word, x0, n, w)
        tol = _tolerances(model, np.concatenate([refs["forward"], refs["backward"]]), np.arange(n + 2))
        assert tol[8] < 1e-6  # for a few steps the bound is tight enough to tell an O(h^2) change apart
        for name, traj in refs.items():
            rec = records[name]
            err = np.abs(rec.states[s] - traj[rec.step]).max(axis=1)
            assert np.all(err <= tol[rec.step]), (name, s, err, tol[rec.step])
            err = np.abs(rec.next_states[s] - traj[rec.step + 1]).max(axis=1)
            assert np.all(err <= tol[rec.step + 1]), (name, s, err)
        m = n // w * w
        windows = corrected_forward_windows(model, LR, word[:m], x0, w)
        rec = records["bracket_corrected"]
        assert np.all(np.abs(rec.states[s] - windows[rec.step // w]).max(axis=1) <= tol[rec.step])
        nxt = model.step_family(LR).apply(word[rec.step], rec.states[s])  # one forward step from z_b
        assert np.all(np.abs(rec.next_states[s] - nxt).max(axis=1) <= tol[rec.step + 1])


def test_backward_differs_from_forward_at_second_order(setting):
    """The comparison above can fail: forward is not backward (C7: they differ by h^2 brackets)."""
    run, model, records = setting
    few = records["backward"].step[1:3]  # steps 4 and 8
    gap = np.abs(records["backward"].states[0, 1:3] - records["forward"].states[0, 1:3]).max(axis=1)
    assert np.all(gap > 1e3 * _tolerances(model, records["forward"].states[0], few)), gap


def test_grids_and_words():
    K = TINY.K
    g = grids(TINY.steps, TINY.every, K, TINY.window)
    assert g["backward"].tolist() == list(range(0, TINY.steps + 1, TINY.every))
    assert all(t % K == 0 for t in g["palindromic"]) and g["palindromic"][-1] == TINY.steps
    assert all(t % TINY.window == 0 for t in g["bracket_corrected"])
    words = seed_words(K, TINY.steps, TINY.seeds)
    assert words.shape[1] >= TINY.steps + 1 and words.shape[1] % K == 0
    for word in words:  # whole reshuffled epochs
        assert all(sorted(e) == list(range(K)) for e in word.reshape(-1, K))
    assert np.array_equal(words, seed_words(K, TINY.steps, TINY.seeds))  # the seeds fix the words
    assert not np.array_equal(words[0], words[1])


def test_costs_count_the_gradients_spent(setting):
    _, _, records = setting
    steps = np.union1d(records["backward"].step, records["backward"].step + 1)
    assert records["backward"].gradients == records["block_backward"].gradients == int(steps.sum())
    assert records["backward"].all_iterates == TINY.steps * (TINY.steps + 1) // 2
    assert records["forward"].gradients == TINY.steps + 1
    assert records["moving_window"].all_iterates == orders.moving_window(TINY.window).cost(TINY.steps, TINY.steps)


@pytest.mark.parametrize("field, value, exc", [
    ("steps", 0, ValueError), ("steps", 2.5, TypeError), ("every", True, TypeError),
    ("curvature_seeds", -1, ValueError), ("lanczos_tol", 1.0, ValueError), ("lanczos_tol", "1e-6", TypeError),
])
def test_bad_config_fields_are_refused_by_name(field, value, exc):
    from revsgd.experiments.digits import DigitsConfig

    with pytest.raises(exc, match=f"^{field} must be"):
        DigitsConfig(**{field: value})
