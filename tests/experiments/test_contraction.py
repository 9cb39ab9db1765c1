"""The contraction measurements against exact answers: affine maps, geometric sequences, dense Hessians."""

import numpy as np
import pytest

from tests.experiments.tiny import TINY, tiny_run

from revsgd.experiments.contraction import curvature_at, increment_rate, local_contraction  # noqa: E402
from revsgd.theory.family import AffineFamily  # noqa: E402
from revsgd.theory.tolerances import EPS  # noqa: E402


def test_local_contraction_of_linear_maps_is_the_growth_of_the_perturbation():
    rng = np.random.default_rng(0)
    A = np.array([np.diag([0.5, 0.9, 0.2]), np.diag([0.8, 0.3, 0.6])])
    fam = AffineFamily(A, rng.standard_normal((2, 3)))
    points, words = rng.standard_normal((5, 3)), rng.integers(0, 2, (5, 4))
    got = local_contraction(fam, points, words, np.random.default_rng(1))
    u = np.random.default_rng(1).standard_normal((5, 3))  # the same directions
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    for i in range(5):
        J = np.eye(3)
        for k in words[i]:
            J = A[k] @ J
        assert abs(got[i] - np.linalg.norm(J @ u[i]) ** 0.25) <= 1e3 * EPS / 1e-5  # eps |a| / (1e-5 |a|)
    assert np.all(got <= 0.9 + 1e-9)  # never above the largest singular value of a step


def test_increment_rate_of_a_geometric_sequence_and_its_floor():
    t = np.arange(0, 101, 5)
    fit = increment_rate(t, 3.0 * 0.97 ** t, 100)
    assert fit["rate"] == pytest.approx(0.97, rel=1e-12) and fit["points"] == 11
    noisy = 3.0 * 0.97 ** t * np.exp(0.01 * np.random.default_rng(2).standard_normal(t.size))
    fit = increment_rate(t, noisy, 100)
    assert abs(fit["rate"] - 0.97) <= 5 * fit["se"]  # |z| <= 5: false alarm below 1e-6
    floored = np.maximum(0.5 ** t, 1e-300)  # below the round-off floor from t = 45 on
    assert increment_rate(t, floored, 100) is None


def test_curvature_at_matches_the_dense_hessians():
    import jax
    import jax.numpy as jnp

    run = tiny_run()
    mlp = run.mlps[TINY.weight_decays[0]]
    model, lr = mlp.model, TINY.lrs[0]
    x = run.states[(lr, TINY.weight_decays[0])]["forward"].states[0, -1]
    c = curvature_at(model, x, lr, tol=1e-10)
    with jax.enable_x64(True):
        hessian = jax.jit(jax.hessian(mlp.loss_fn))
        dense = [np.linalg.eigvalsh(np.asarray(hessian(jnp.asarray(x), *map(jnp.asarray, model.batch(k)))))
                 for k in range(model.K)]
        full = np.linalg.eigvalsh(np.asarray(hessian(jnp.asarray(x), *map(jnp.asarray, model.data))))
    slack = c["residual"] + 16 * model.dim * EPS * max(np.abs(full).max(), max(np.abs(d).max() for d in dense))
    assert np.allclose(c["batch_low"], [d[0] for d in dense], rtol=0, atol=slack)
    assert np.allclose(c["batch_high"], [d[-1] for d in dense], rtol=0, atol=slack)
    assert abs(c["full_low"] - full[0]) <= slack and abs(c["full_high"] - full[-1]) <= slack
    lip = [max(abs(1 - lr * d[0]), abs(1 - lr * d[-1])) for d in dense]
    assert np.allclose(c["lipschitz"], lip, rtol=0, atol=lr * slack)
    assert c["mu_positive"] == (min(d[0] for d in dense) > 0)  # no weight decay: flat directions, mu <= 0
    assert not c["full_mu_positive"]
