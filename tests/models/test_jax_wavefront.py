"""The compiled backward wavefront of a JaxModel against sequential composition of single steps.

Reference: ``revsgd.theory.reference.backward_naive`` (every y_t recomputed from x0 by single
``apply`` calls, the newest map first). Tolerance: the round-off bound of
``revsgd.theory.tolerances.roundoff_tolerance`` with ops = (n + 1) B d per entry (a gradient is
sums of at most B d products, n of them chained), amplified by max(1, rho)^n, rho the measured
Lipschitz constant of the steps on a ball holding every point compared (``local_certificate``:
measured at points, not a proof) -- the same bound as tests/models/test_jax_model.py.
"""

import numpy as np
import pytest

from revsgd.theory import backward, backward_at
from revsgd.theory.reference import backward_naive
from revsgd.theory.tolerances import roundoff_tolerance

jax = pytest.importorskip("jax", reason="the compiled wavefront needs the 'jax' extra: pip install 'revsgd[jax]'")
jnp = jax.numpy

from revsgd.models.jax_model import JaxModel  # noqa: E402
from revsgd.models.jax_wavefront import JaxSteps, backward_rows_compiled  # noqa: E402

LR, N, DIN, HID = 0.2, 10, 3, 4


def mlp_loss(p, batch):
    Xb, yb = batch
    z = jnp.tanh(Xb @ p["W1"] + p["b1"]) @ p["w2"]
    return jnp.mean((z - yb) ** 2) / 2


def scalar_loss(p, batch):  # a dimension-1 parameter: L_k(x) = mean(log cosh(x - y))
    return jnp.mean(jnp.log(jnp.cosh(p - batch[0])))


@pytest.fixture(scope="module")
def mlp():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, DIN))
    params = {"W1": 0.7 * rng.standard_normal((DIN, HID)), "b1": 0.1 * rng.standard_normal(HID),
              "w2": 0.7 * rng.standard_normal(HID)}
    # batch size 3 of 10 rows, remainder kept: batches of sizes 3, 3, 3 and 1 (two compiled branches)
    model = JaxModel(mlp_loss, params, (X, np.sin(X.sum(axis=1))), batch_size=3, rng=1, remainder="keep")
    return model, model.ravel(params)


def _tolerance(model, points, n: int, lr: float = LR) -> float:
    x0 = points[0]
    radius = float(np.linalg.norm(points - x0, axis=1).max()) + 1e-3
    rho = model.local_certificate(x0, radius, lr, points=4).rho
    scale = float(np.abs(points).max())
    return roundoff_tolerance(max(1.0, scale), (n + 1) * model.batch_size * model.dim, max(1.0, rho) ** n)


def test_backward_at_unsorted_records_with_zero_and_repeats_match_sequential_composition(mlp):
    model, x0 = mlp
    assert len(model._groups) == 2  # both batch sizes present: the lax.switch path is exercised
    fam = model.step_family(LR)
    word = np.random.default_rng(3).integers(0, model.K, 23)
    steps = np.array([17, 0, 23, 5, 1, 17, 9, 0, 22])
    ref = backward_naive(fam, word, x0)
    got = backward_at(fam, word, x0, steps)
    tol = _tolerance(model, ref, word.size)
    assert got.shape == (steps.size, model.dim)
    assert np.abs(got - ref[steps]).max() <= tol, (np.abs(got - ref[steps]).max(), tol)
    assert np.array_equal(got[1], x0) and np.array_equal(got[7], x0)  # y_0 = x0 exactly
    assert np.array_equal(got[0], got[5])  # a repeated step is one row


@pytest.mark.parametrize("block,workers", [(1, 1), (3, 2), (32, 2)])
def test_every_blocking_gives_the_full_backward_trajectory(mlp, block, workers):
    model, x0 = mlp
    fam = model.step_family(LR)
    word = np.random.default_rng(4).integers(0, model.K, 14)
    ref = backward_naive(fam, word, x0)
    got = backward_rows_compiled(model, LR, word, x0, np.arange(15)[::-1], block=block, workers=workers)[::-1]
    assert np.abs(got - ref).max() <= _tolerance(model, ref, word.size)


def test_blocks_and_threads_do_not_change_a_bit(mlp):
    model, x0 = mlp
    word = np.random.default_rng(5).integers(0, model.K, 30)
    steps = np.arange(0, 31, 3)
    one = backward_rows_compiled(model, LR, word, x0, steps, block=8, workers=1)
    two = backward_rows_compiled(model, LR, word, x0, steps, block=8, workers=2)
    assert np.array_equal(one, two)


def test_dimension_one_parameter():
    y = np.array([0.3, -1.2, 2.0, 0.5, -0.4, 1.1])
    model = JaxModel(scalar_loss, 0.0, (y,), batch_size=2)
    fam = model.step_family(0.7)
    assert model.dim == 1 and isinstance(fam, JaxSteps)
    word = np.random.default_rng(6).integers(0, model.K, 19)
    x0 = np.array([3.0])
    ref = backward_naive(fam, word, x0)
    record = [0, 4, 11, 19]
    got = backward(fam, word, x0, record=record)
    # |T_k'| = |1 - h mean(sech^2)| <= 1 for h <= 1: no amplification; ops (n + 1) B d
    tol = roundoff_tolerance(max(1.0, float(np.abs(ref).max())), (word.size + 1) * 2 * 1)
    assert np.abs(got - ref[record]).max() <= tol


def test_backward_dispatches_to_the_hook(mlp, monkeypatch):
    model, x0 = mlp
    fam = model.step_family(LR)
    calls = []
    original = JaxSteps.backward_rows

    def spy(self, word, start, steps):
        calls.append(np.array(steps))
        return original(self, word, start, steps)

    monkeypatch.setattr(JaxSteps, "backward_rows", spy)
    word = np.random.default_rng(7).integers(0, model.K, 12)
    rows = backward(fam, word, x0, record=range(0, 13, 4))
    assert len(calls) == 1 and calls[0].tolist() == [0, 4, 8, 12]
    ref = backward_naive(fam, word, x0)[::4]
    assert np.abs(rows - ref).max() <= _tolerance(model, ref, word.size)


def test_non_finite_gradients_are_named_as_without_the_hook():
    model = JaxModel(lambda p, b: jnp.sum(jnp.sqrt(b[0] @ p)), np.ones(2), (np.ones((4, 2)),), batch_size=2)
    with pytest.raises(ValueError, match="gradient of the loss is not finite on batches"):
        backward(model.step_family(1.0), [0, 1], -np.ones(2))


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(block=0), ValueError, "block"),
    (dict(block=2.5), TypeError, "block"),
    (dict(workers=0), ValueError, "workers"),
    (dict(steps=np.array([4])), ValueError, "steps"),
])
def test_bad_arguments_are_named(mlp, kwargs, error, match):
    model, x0 = mlp
    args = dict(steps=np.array([1, 2])) | kwargs
    with pytest.raises(error, match=match):
        backward_rows_compiled(model, LR, np.array([0, 1, 2]), x0, args.pop("steps"), **args)


def test_one_compilation_across_record_sets_and_word_lengths_of_one_bucket(mlp):
    model, x0 = mlp
    calls = []

    def counting(p, batch):
        calls.append(1)  # a Python side effect: runs once per trace, never per call
        return mlp_loss(p, batch)

    params = model.unravel(x0)
    fresh = JaxModel(counting, params, model.data, batch_size=3, rng=1, remainder="keep")
    fam = fresh.step_family(LR)
    word = np.random.default_rng(8).integers(0, fresh.K, 40)
    backward(fam, word, x0, record=[0, 40])
    first = len(calls)
    backward(fam, word[:37], x0, record=range(0, 38, 3))  # other rows, levels and length (bucket 64)
    backward_at(fresh.step_family(2 * LR), word, x0, [39, 2])  # another learning rate: traced too
    assert len(calls) == first
