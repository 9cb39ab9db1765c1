"""Streamed ensembles against per-chain forward trajectories on the same words."""

import numpy as np
import pytest

from tests.tolerances import iterate_scale, trajectory_tol
from revsgd.theory import forward
from revsgd.theory import streaming
from revsgd.theory.family import AffineFamily
from revsgd.theory.streaming import stream_forward_ensemble


class Recorder:
    """A Generator stand-in that records the word chunks handed out by ``choice``."""

    def __init__(self, seed):
        self.gen, self.chunks = np.random.default_rng(seed), []

    def choice(self, *args, **kwargs):
        words = self.gen.choice(*args, **kwargs)
        self.chunks.append(words)
        return words


def _family(d, K, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((K, d, d))
    A *= 0.8 / np.linalg.norm(A, 2, axis=(1, 2))[:, None, None]
    return AffineFamily(A, rng.standard_normal((K, d)), probs=rng.dirichlet(np.ones(K)))


@pytest.mark.parametrize("budget", [streaming.WORD_BUDGET, 10, 1])
@pytest.mark.parametrize("d, every, n", [(1, 1, 5), (3, 4, 10), (2, 3, 9), (2, 50, 7), (2, 1, 0)])
def test_stream_matches_per_chain_forward_on_the_same_words(monkeypatch, budget, d, every, n):
    monkeypatch.setattr(streaming, "WORD_BUDGET", budget)
    fam, m = _family(d, 3), 5
    x0 = np.random.default_rng(1).standard_normal((m, d))
    rec = Recorder(2)
    monkeypatch.setattr(streaming, "as_generator", lambda rng: rec)
    expected_steps = sorted(set(range(0, n + 1, every)) | {n})
    got = list(stream_forward_ensemble(fam, m, n, x0, rng=None, record=expected_steps))
    assert [t for t, _ in got] == expected_steps
    words = np.concatenate(rec.chunks, axis=1) if rec.chunks else np.zeros((m, 0), int)
    assert words.shape == (m, n)
    assert all(c.size <= max(m, budget) for c in rec.chunks)
    for i in range(m):
        traj = forward(fam, words[i], x0[i])
        tol = trajectory_tol(n, d, iterate_scale(fam, x0[i]))
        for t, X in got:
            assert np.max(np.abs(X[i] - traj[t])) <= tol


def test_stream_is_reproducible_and_yields_copies():
    fam = _family(2, 4)
    a = [X for _, X in stream_forward_ensemble(fam, 7, 6, [0.0, 0.0], rng=3, record=range(0, 7, 2))]
    b = [X for _, X in stream_forward_ensemble(fam, 7, 6, [0.0, 0.0], rng=3, record=range(0, 7, 2))]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.shares_memory(a[1], a[2])


@pytest.mark.parametrize("kwargs, error, word", [
    (dict(m=0), ValueError, "m"), (dict(n=-1), ValueError, "n"), (dict(record=[0, 5]), ValueError, "record"),
    (dict(record=[1.5]), TypeError, "record"), (dict(record=[2, 1]), ValueError, "record"),
    (dict(record=3), TypeError, "record"), (dict(x0=[0.0]), ValueError, "x0"),
])
def test_stream_bad_input(kwargs, error, word):
    args = dict(family=_family(2, 2), m=3, n=4, x0=[0.0, 0.0], record=None) | kwargs
    with pytest.raises(error, match=word):
        stream_forward_ensemble(**args)


def test_default_record_is_every_step_and_words_stop_at_the_last_recorded(monkeypatch):
    fam = _family(2, 3)
    rec = Recorder(4)
    monkeypatch.setattr(streaming, "as_generator", lambda rng: rec)
    assert [t for t, _ in stream_forward_ensemble(fam, 4, 3, [0.0, 0.0])] == [0, 1, 2, 3]
    rec.chunks.clear()
    assert [t for t, _ in stream_forward_ensemble(fam, 4, 9, [0.0, 0.0], record=[2, 5])] == [2, 5]
    assert sum(c.shape[1] for c in rec.chunks) == 5
