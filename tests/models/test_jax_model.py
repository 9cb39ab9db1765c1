"""JaxModel: a JAX loss as a model and its gradient steps, against independent references.

References: ``optax.sgd`` driven by the same batches (forward), sequential composition of
single steps (backward, ``revsgd.theory.reference.backward_naive``), central finite differences (HVP), dense ``jax.hessian`` eigenvalues
(Lanczos curvature). Tolerances are round-off bounds (``revsgd.theory.tolerances``); for the
non-convex MLP the error amplification is the measured local Lipschitz constant of the steps
(``local_certificate``: measured at points, not a proof), raised to the number of steps.
"""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from revsgd.models.jax_model import JaxModel
from revsgd.models.local_curvature import BASIS
from revsgd.theory import backward, forward
from revsgd.theory.reference import backward_naive
from revsgd.theory.tolerances import EPS, roundoff_tolerance

try:
    import jax
    import jax.numpy as jnp
except ImportError:  # the 'jax' extra is absent: only then is this module skipped
    jax = jnp = None

HAS_OPTAX = importlib.util.find_spec("optax") is not None
needs_jax = pytest.mark.skipif(jax is None, reason="JaxModel needs the 'jax' extra: pip install 'revsgd[jax]'")

LR, N, DIN, HID, B = 0.1, 24, 3, 5, 4
TRACES = [0]


def mlp_loss(p, batch):
    TRACES[0] += 1  # a Python side effect: runs once per trace (compilation), never per call
    Xb, yb = batch
    z = jnp.tanh(Xb @ p["W1"] + p["b1"]) @ p["w2"]
    return jnp.mean((z - yb) ** 2) / 2 + 1e-3 * jnp.sum(p["W1"] ** 2)


def mlp_params(rng):
    return {"W1": 0.5 * rng.standard_normal((DIN, HID)), "b1": np.zeros(HID), "w2": 0.5 * rng.standard_normal(HID)}


@pytest.fixture(scope="module")
def mlp():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, DIN))
    params = mlp_params(rng)
    return JaxModel(mlp_loss, params, (X, np.sin(X.sum(axis=1))), batch_size=B, rng=1), params


def _tolerance(model, points, n: int) -> float:
    r"""Round-off of n steps: ops = (n + 1) B d per entry, amplified by max(1, rho)^n with rho the
    measured Lipschitz constant of the steps on a ball holding every point compared."""
    x0 = points[0]
    radius = float(np.linalg.norm(points - x0, axis=1).max()) + 1e-3
    rho = model.local_certificate(x0, radius, LR, points=4).rho
    scale = float(np.abs(points).max())
    return roundoff_tolerance(max(1.0, scale), (n + 1) * B * model.dim, max(1.0, rho) ** n)


@needs_jax
@pytest.mark.skipif(not HAS_OPTAX, reason="needs optax (part of the 'test' extra)")
def test_forward_matches_optax_sgd(mlp):
    import optax

    model, params = mlp
    word = np.random.default_rng(2).integers(0, model.K, 30)
    F = forward(model.step_family(LR), word, model.ravel(params))
    with jax.enable_x64(True):
        opt, grad = optax.sgd(LR), jax.jit(jax.grad(mlp_loss))
        p = jax.tree_util.tree_map(jnp.asarray, params)
        state, rows = opt.init(p), [model.ravel(params)]
        for k in word:
            updates, state = opt.update(grad(p, tuple(map(jnp.asarray, model.batch(int(k))))), state, p)
            p = optax.apply_updates(p, updates)
            rows.append(model.ravel(jax.tree_util.tree_map(np.asarray, p)))
    assert np.abs(np.array(rows) - F).max() <= _tolerance(model, F, word.size), np.abs(np.array(rows) - F).max()


@needs_jax
def test_backward_is_sequential_composition(mlp):
    model, params = mlp
    fam, x0 = model.step_family(LR), model.ravel(params)
    word = np.random.default_rng(3).integers(0, model.K, 25)
    Y = backward(fam, word, x0)
    naive = backward_naive(fam, word, x0)  # y_t recomputed from x0 by single applies, the newest map first
    assert np.abs(naive - Y).max() <= _tolerance(model, Y, word.size), np.abs(naive - Y).max()


@needs_jax
def test_no_recompilation_across_wavefront_sizes(mlp):
    model, params = mlp
    fam, x0 = model.step_family(LR), model.ravel(params)
    word = np.random.default_rng(4).integers(0, model.K, 40)
    from revsgd.theory.engine import wavefront  # the level-by-level path (backward uses the compiled hook)
    from revsgd.theory.iterate import backward_positions

    def level_by_level(w):
        return wavefront(fam, w, np.tile(x0, (w.size + 1, 1)), backward_positions(np.arange(w.size + 1)))

    TRACES[0] = 0
    level_by_level(word)  # wavefront sizes 40, 39, ..., 1
    first = TRACES[0]
    assert first <= 7, first  # one trace per bucket 1, 2, 4, ..., 64 at most
    level_by_level(word[:33])  # other sizes, the same buckets
    fam.apply(np.arange(model.K) % model.K, np.tile(x0, (model.K, 1)))
    assert TRACES[0] == first


@needs_jax
def test_hvp_matches_central_differences(mlp):
    model, params = mlp
    rng = np.random.default_rng(5)
    x, v = model.ravel(params) + 0.1 * rng.standard_normal(model.dim), rng.standard_normal(model.dim)
    for k in range(model.K):
        hv = model.hvp(k, x, v)
        eps = EPS ** (1 / 3)

        def fd(e):
            return (model.gradient(k, x + e * v) - model.gradient(k, x - e * v)) / (2 * e)

        # Richardson: fd(e) - Hv ~ c e^2, so |fd(e) - Hv| ~ |fd(2e) - fd(e)| / 3; plus rounding
        trunc = np.abs(fd(2 * eps) - fd(eps)).max()
        rounding = 4 * EPS * np.abs(model.gradient(k, x)).max() / eps
        assert np.abs(fd(eps) - hv).max() <= trunc + rounding
    ks = np.arange(model.K)
    rows = model.hvp(ks, np.tile(x, (model.K, 1)), np.tile(v, (model.K, 1)))
    single = np.stack([model.hvp(k, x, v) for k in ks])
    assert np.abs(rows - single).max() <= roundoff_tolerance(np.abs(single).max(), B * model.dim)


@needs_jax
def test_curvature_matches_dense_hessian():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((8, 3))

    def loss(p, batch):
        return jnp.mean(jnp.log(jnp.cosh(batch[0] @ p - batch[1]))) + 0.05 * jnp.sum(p ** 4)

    model = JaxModel(loss, np.zeros(3), (X, rng.standard_normal(8)), batch_size=4)
    x = rng.standard_normal(3)
    with jax.enable_x64(True):
        hessian = jax.jit(jax.hessian(loss))
        dense = [hessian(jnp.asarray(x), tuple(map(jnp.asarray, model.batch(k)))) for k in range(2)]
        dense.append(hessian(jnp.asarray(x), tuple(map(jnp.asarray, model.data))))
    for k, H in zip([0, 1, None], dense):
        ev = np.linalg.eigvalsh(np.asarray(H))
        c = model.curvature(x, k)
        slack = c.residual + 16 * model.dim * EPS * np.abs(ev).max()
        assert abs(c.low - ev[0]) <= slack and abs(c.high - ev[-1]) <= slack, (k, c, ev)


@needs_jax
def test_local_certificate_is_labelled_measured(mlp):
    model, params = mlp
    cert = model.local_certificate(model.ravel(params), 0.05, LR, points=2)
    assert cert.basis == BASIS == "measured at points, not a proof"
    assert BASIS in str(cert)
    assert cert.lipschitz.shape == (model.K,) and cert.rho == cert.lipschitz.max()
    assert np.all(cert.low <= cert.high)
    with pytest.raises(ValueError, match="no Lipschitz certificate.*local_certificate"):
        model.step_family(LR).lipschitz()


@needs_jax
def test_x64_state_of_the_program_is_unchanged(mlp):
    model, params = mlp
    before, dtype = jax.config.jax_enable_x64, jnp.ones(1).dtype
    x0 = model.ravel(params)
    g = model.gradient(0, x0)
    backward(model.step_family(LR), np.array([0, 1, 2]), x0)
    model.curvature(x0, 1)
    assert g.dtype == np.float64
    assert jax.config.jax_enable_x64 == before and jnp.ones(1).dtype == dtype
    with jax.enable_x64(not before):  # the user's own setting, either way, is respected
        assert np.array_equal(model.gradient(0, x0), g)
        assert jax.config.jax_enable_x64 == (not before)
    assert jax.config.jax_enable_x64 == before


@needs_jax
def test_protocol_members(mlp):
    model, params = mlp
    x = model.ravel(params)
    ks = np.arange(model.K)
    assert model.loss(2, x) == model.batch_loss(2, x)
    assert np.allclose(model.batch_loss(ks, np.tile(x, (model.K, 1))), [model.batch_loss(k, x) for k in ks],
                       rtol=0, atol=roundoff_tolerance(model.loss(x), B * model.dim))
    # equal batches and a mean loss: the full-data loss is the p-weighted mean of the batch losses
    assert abs(model.loss(x) - model.probs @ model.batch_loss(ks, np.tile(x, (model.K, 1)))) <= roundoff_tolerance(
        model.loss(x), N * model.dim)
    assert np.allclose(model.full_gradient(x), model.probs @ model.gradient(ks, np.tile(x, (model.K, 1))),
                       rtol=0, atol=roundoff_tolerance(np.abs(model.full_gradient(x)).max() + 1, N * model.dim))
    back = model.unravel(x)
    assert jax.tree_util.tree_structure(back) == jax.tree_util.tree_structure(params)
    assert np.array_equal(model.ravel(back), x)
    assert sorted(np.concatenate(model.batches).tolist()) == list(range(N))


@needs_jax
def test_remainder_keep_makes_a_short_batch():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((10, 2))

    def loss(p, batch):
        return jnp.mean((batch[0] @ p - batch[1]) ** 2)

    model = JaxModel(loss, np.zeros(2), (X, rng.standard_normal(10)), batch_size=4, remainder="keep")
    assert model.K == 3 and model.probs.tolist() == [0.4, 0.4, 0.2] and len(model.batch(2)[0]) == 2
    x, ks = rng.standard_normal(2), np.array([2, 0, 2, 1])
    rows = model.gradient(ks, np.tile(x, (4, 1)))
    assert np.allclose(rows, [model.gradient(int(k), x) for k in ks], rtol=0, atol=roundoff_tolerance(1 + np.abs(rows).max(), 8))
    Y = backward(model.step_family(0.1), np.array([2, 0, 1, 2]), x)
    assert Y.shape == (5, 2) and np.all(np.isfinite(Y))
    assert JaxModel(loss, np.zeros(2), (X, X[:, 0]), batch_size=4, remainder="drop").K == 2


@needs_jax
def test_namedtuple_data_keeps_its_fields():
    from typing import NamedTuple

    class Rows(NamedTuple):
        X: np.ndarray
        y: np.ndarray

    rng = np.random.default_rng(8)
    data = Rows(rng.standard_normal((6, 2)), rng.integers(0, 2, 6))  # int labels stay ints

    def loss(p, batch):
        return jnp.mean(jnp.logaddexp(0.0, -(2 * batch.y - 1) * (batch.X @ p)))

    model = JaxModel(loss, np.zeros(2), data, batch_size=3)
    assert isinstance(model.batch(1), Rows) and model.batch(1).y.dtype.kind == "i"
    assert model.gradient(1, np.ones(2)).shape == (2,)


def _square(p, batch):
    return jnp.sum((batch[0] @ p) ** 2)


@needs_jax
@pytest.mark.parametrize("kwargs, error, match", [
    (dict(loss=lambda p, b: b[0] @ p), ValueError, r"loss must return a scalar \(shape \(\)\), got shape \(2,\)"),
    (dict(loss="mse"), TypeError, "loss must be a callable"),
    (dict(loss=lambda p, b: float(np.asarray(p).sum())), TypeError, "loss.*JAX-traceable"),
    (dict(loss=lambda p, b: (b[0] @ p).sum().astype(jnp.float32)), TypeError, "float64"),
    (dict(data=np.ones((4, 2))), TypeError, "data must be a non-empty tuple of arrays"),
    (dict(data=[np.ones((4, 2))]), TypeError, "data must be a non-empty tuple"),
    (dict(data=(np.ones((4, 2)), np.ones(3))), ValueError, r"same number of rows.*\[4, 3\]"),
    (dict(data=(np.ones((4, 2)), np.array(["a"] * 4))), TypeError, r"data\[1\] must be an array of real numbers"),
    (dict(data=(np.full((4, 2), np.nan),)), ValueError, r"data\[0\] must have finite entries"),
    (dict(params={"w": np.zeros(2, dtype=int)}), TypeError, r"params\['w'\].*dtype int"),
    (dict(params=[np.zeros(2), "w"]), TypeError, r"float array leaves.*params\[1\] is str"),
    (dict(params=np.array([np.inf, 0.0])), ValueError, "params must have finite entries"),
    (dict(params={}), ValueError, "at least one float array leaf"),
    (dict(batch_size=0), ValueError, "batch_size must be a positive integer"),
    (dict(batch_size=2.5), TypeError, "batch_size must be a positive integer"),
    (dict(batch_size=True), TypeError, "batch_size"),
    (dict(batch_size=5), ValueError, "batch_size must be at most"),
    (dict(batch_size=3), ValueError, "remainder="),
    (dict(remainder="pad"), ValueError, "remainder must be one of error, drop, keep"),
])
def test_bad_input_is_named(kwargs, error, match):
    args = dict(loss=_square, params=np.zeros(2), data=(np.ones((4, 2)),), batch_size=2) | kwargs
    if isinstance(args["params"], dict) and args["params"]:
        args["loss"] = lambda p, b: jnp.sum(b[0] @ p["w"])
    if isinstance(args["params"], list):
        args["loss"] = lambda p, b: jnp.sum(b[0] @ p[0])
    with pytest.raises(error, match=match):
        JaxModel(args.pop("loss"), args.pop("params"), args.pop("data"), **args)


@needs_jax
def test_bad_calls_are_named():
    model = JaxModel(lambda p, b: jnp.sum(jnp.sqrt(b[0] @ p)), np.ones(2), (np.ones((4, 2)),), batch_size=2)
    with pytest.raises(ValueError, match="gradient of the loss is not finite on batches"):
        model.step_family(1.0).apply(0, -np.ones(2))  # sqrt of a negative number: never a NaN trajectory
    with pytest.raises(ValueError, match="k must lie in 0..1"):
        model.gradient(2, np.ones(2))
    with pytest.raises(ValueError, match=r"x must have shape \(2\), got shape \(3,\)"):
        model.hvp(0, np.ones(3), np.ones(3))
    with pytest.raises(ValueError, match="params must have the structure"):
        model.ravel({"w": np.ones(2)})
    with pytest.raises(TypeError, match="loss takes x"):
        model.loss()
    with pytest.raises(TypeError, match="k must be an int batch index in 0..1 here"):
        model.curvature(np.ones(2), np.array([0, 1]))


def test_without_jax_the_extra_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "jax", None)  # importlib.util.find_spec("jax") is None
    with pytest.raises(ImportError, match=r"JaxModel needs jax.*pip install 'revsgd\[jax\]'"):
        JaxModel(_square, np.zeros(2), (np.ones((4, 2)),), batch_size=2)
    code = "import sys; sys.modules['jax'] = None; import revsgd.models.jax_model, revsgd.models; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
