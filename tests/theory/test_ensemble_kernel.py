r"""The fused ensemble kernel (numba) and the numpy fallback against the naive reference.

Tolerance. Each path evaluates a step as inner products of length ``d + 1``
(:math:`b_r + \sum_j a_{rj} x_j`), so one step of either differs from exact arithmetic by at
most :math:`\gamma_{d+1} (|A_k| |\hat x| + |b_k|)` componentwise (Higham, Thm 3.5,
:math:`\gamma_j = j u / (1 - j u)`), and earlier errors are carried by :math:`|A_k|`. Two
evaluations (ours, the reference) therefore differ by at most :math:`E_n`, where

.. math::

    E_t = |A_k| E_{t-1} + 2 \gamma_{d+1} \big(|A_k| (|\tilde x_{t-1}| + E_{t-1}) + |b_k|\big),
    \qquad E_0 = 0,

run along the reference trajectory :math:`\tilde x` of each chain (:func:`roundoff_bound`).
That is a bound, not a fit: it is used as computed, per chain and coordinate.
"""

import threading

import numpy as np
import pytest

from revsgd.theory import backward_ensemble, ensemble_kernel, forward_ensemble
from revsgd.theory.ensemble import _sweep_affine
from revsgd.theory.family import AffineFamily
from revsgd.theory.reference import forward_ensemble_naive_affine

EPS = np.finfo(float).eps / 2  # unit round-off u


def roundoff_bound(A, b, words, X):
    """Componentwise bound E_n on |ours - reference| after the words (module docstring)."""
    d = A.shape[1]
    gamma = (d + 1) * EPS / (1 - (d + 1) * EPS)
    absA, absb = np.abs(A), np.abs(b)
    x, E = np.array(X, dtype=float), np.zeros(np.shape(X))
    for t in range(words.shape[1]):
        k = words[:, t]
        Ak = absA[k]
        carried = np.einsum("mij,mj->mi", Ak, E)
        E = carried + 2 * gamma * (np.einsum("mij,mj->mi", Ak, np.abs(x) + E) + absb[k])
        x = np.einsum("mij,mj->mi", A[k], x) + b[k]
    return E


def problem(d, K=3, m=257, n=9, seed=0, scale=0.9):
    """Non-symmetric maps (spectral norm ``scale``), i.i.d. words and random starts."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((K, d, d))
    A *= scale / np.linalg.norm(A, 2, axis=(1, 2))[:, None, None]
    assert d == 1 or not np.allclose(A, A.transpose(0, 2, 1))  # the test covers A != A^T
    return A, rng.standard_normal((K, d)), rng.integers(0, K, size=(m, n)), rng.standard_normal((m, d))


def numpy_path(A, b, words, X, steps=()):
    return _sweep_affine(A, b, np.asarray(words, dtype=np.int64), X, steps)


def numba_path(A, b, words, X, steps=()):
    pytest.importorskip("numba")
    return ensemble_kernel.fused_affine_sweep(A, b, words, X, steps)


PATHS = [pytest.param(numpy_path, id="numpy"), pytest.param(numba_path, id="numba")]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("d", [1, 3])  # d = 10 (the bench shape): the bench row's agreement
def test_end_points_within_the_roundoff_bound(path, d):
    A, b, words, X = problem(d, seed=d)
    ens = path(A, b, words, X)
    naive = forward_ensemble_naive_affine(A, b, words, X)
    bound = roundoff_bound(A, b, words, X)
    assert ens.final.shape == naive.shape
    assert np.all(np.abs(ens.final - naive) <= bound), float(np.max(np.abs(ens.final - naive) - bound))


@pytest.mark.parametrize("path", PATHS)
def test_recorded_states_and_reversed_words(path):
    """Recorded steps (including 0 and n) are the reference's prefixes; a reversed (strided)
    word array gives the reference's end points of the reversed words."""
    A, b, words, X = problem(3, K=4, m=64, n=7, seed=5)
    steps = (0, 1, 4, 7)
    ens = path(A, b, words, X, steps)
    for r, s in enumerate(steps):
        naive = forward_ensemble_naive_affine(A, b, words[:, :s], X)
        assert np.all(np.abs(ens.recorded[r] - naive) <= roundoff_bound(A, b, words[:, :s], X))
    rev = words[:, ::-1]
    back = path(A, b, rev, X).final
    assert np.all(np.abs(back - forward_ensemble_naive_affine(A, b, rev, X)) <= roundoff_bound(A, b, rev, X))


@pytest.mark.parametrize("path", PATHS)
def test_no_steps_returns_the_start(path):
    A, b, words, X = problem(2, m=5, n=0)
    ens = path(A, b, words, X, (0,))
    np.testing.assert_array_equal(ens.final, X)
    np.testing.assert_array_equal(ens.recorded[0], X)


def test_bound_detects_a_transposed_map():
    """The tolerance is tight enough to fail a wrong kernel: A^T instead of A is caught."""
    A, b, words, X = problem(3, seed=1)
    wrong = forward_ensemble_naive_affine(A.transpose(0, 2, 1), b, words, X)
    assert np.any(np.abs(wrong - forward_ensemble_naive_affine(A, b, words, X)) > roundoff_bound(A, b, words, X))


def test_looped_kernel_above_unroll_max(monkeypatch):
    """d > UNROLL_MAX takes the looped kernel (one compilation serves every such d)."""
    pytest.importorskip("numba")
    monkeypatch.setattr(ensemble_kernel, "UNROLL_MAX", 2)
    for d in (3, 5):
        A, b, words, X = problem(d, m=100, n=6, seed=d)
        steps = (2, 6)
        ens = ensemble_kernel.fused_affine_sweep(A, b, words[:, ::-1], X, steps)
        naive = forward_ensemble_naive_affine(A, b, words[:, ::-1], X)
        assert np.all(np.abs(ens.final - naive) <= roundoff_bound(A, b, words[:, ::-1], X))
        np.testing.assert_array_equal(ens.recorded[1], ens.final)
    assert "looped" in ensemble_kernel._compiled


@pytest.mark.parametrize("kernel", ["numpy", "numba"])
def test_forward_and_backward_ensembles_on_either_kernel(kernel, monkeypatch):
    """The public functions route through the chosen kernel (forced here, MIN_WORK = 0)."""
    if kernel == "numba":
        pytest.importorskip("numba")
    monkeypatch.setattr(ensemble_kernel, "KERNEL", kernel)
    monkeypatch.setattr(ensemble_kernel, "MIN_WORK", 0)
    calls = []
    real = ensemble_kernel.fused_affine_sweep
    monkeypatch.setattr("revsgd.theory.ensemble.fused_affine_sweep",
                        lambda *a: calls.append(1) or real(*a))
    A, b, words, X = problem(3, m=40, n=8, seed=3)
    fam = AffineFamily(A, b)  # read-only A, b: the kernel's signature takes them
    fwd = forward_ensemble(fam, words, X, record=[0, 8])
    back = backward_ensemble(fam, words, X)
    assert len(calls) == (2 if kernel == "numba" else 0)
    assert np.all(np.abs(fwd.final - forward_ensemble_naive_affine(A, b, words, X)) <= roundoff_bound(A, b, words, X))
    rev = words[:, ::-1]
    assert np.all(np.abs(back.final - forward_ensemble_naive_affine(A, b, rev, X)) <= roundoff_bound(A, b, rev, X))


def test_small_runs_take_the_fallback(monkeypatch):
    monkeypatch.setattr(ensemble_kernel, "KERNEL", "numba")
    assert not ensemble_kernel.use_fused(10, 10, 2)
    assert ensemble_kernel.use_fused(1000, 1000, 10)
    monkeypatch.setattr(ensemble_kernel, "KERNEL", "numpy")
    assert not ensemble_kernel.use_fused(1000, 1000, 10)


def test_concurrent_launches_from_two_threads():
    """Two Python threads launching at once get their own, correct answers (the launch lock)."""
    pytest.importorskip("numba")
    problems = [problem(3, m=3000, n=10, seed=s) for s in (7, 8)]
    results = [None, None]

    def work(j):
        results[j] = ensemble_kernel.fused_affine_sweep(*problems[j]).final

    threads = [threading.Thread(target=work, args=(j,)) for j in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for (A, b, words, X), got in zip(problems, results):
        assert np.all(np.abs(got - forward_ensemble_naive_affine(A, b, words, X)) <= roundoff_bound(A, b, words, X))


def test_choose_kernel_reads_and_validates_the_environment(monkeypatch):
    monkeypatch.setenv(ensemble_kernel.ENV, "numpy")
    assert ensemble_kernel.choose_kernel() == "numpy"
    monkeypatch.setenv(ensemble_kernel.ENV, "")
    assert ensemble_kernel.choose_kernel() in ("numba", "numpy")
    monkeypatch.setenv(ensemble_kernel.ENV, "cuda")
    with pytest.raises(ValueError, match="REVSGD_ENSEMBLE_KERNEL must be one of auto, numba, numpy, got 'cuda'"):
        ensemble_kernel.choose_kernel()
    with pytest.raises(ValueError, match="requested kernel must be one of"):
        ensemble_kernel.choose_kernel(3)


def test_without_numba_auto_falls_back_and_numba_is_refused(monkeypatch):
    import revsgd.theory.extras as extras

    monkeypatch.setattr(extras, "missing_modules", lambda extra: ["numba"])
    monkeypatch.setattr(ensemble_kernel, "missing_modules", lambda extra: ["numba"])
    assert ensemble_kernel.choose_kernel("auto") == "numpy"
    with pytest.raises(ImportError, match=r"pip install 'revsgd\[numba\]'"):
        ensemble_kernel.choose_kernel("numba")
    with pytest.raises(ImportError, match=r"pip install 'revsgd\[numba\]'"):
        ensemble_kernel.fused_affine_sweep(*problem(1, m=2, n=1))
