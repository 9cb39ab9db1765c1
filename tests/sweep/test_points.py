"""One grid point's metrics against a direct, naive computation of the same quantities.

The naive side rebuilds the batch Hessians from the rows, solves the Stein equation through
the Kronecker matrix, composes every backward iterate from scratch and evaluates the losses
row by row. Tolerances: the metrics are computed in float64 from the same partition and word,
so they agree to ``c * eps * kappa`` where ``kappa`` bounds the conditioning of the step
(here well below 1e4; the bounds used are stated at each assertion).
"""

import math

import numpy as np
import pytest

from revsgd.sweep.points import compute_point, trajectory_metrics
from revsgd.sweep.problem import build_problem, dataset, stream
from revsgd.sweep.spec import load_spec
from revsgd.theory import orders
from tests.sweep.helpers import small_spec

EPS = np.finfo(float).eps


def _naive_backward(A, b, word, x0):
    rows = [x0]
    for n in range(1, len(word) + 1):
        y = x0
        for k in word[:n][::-1]:  # the newest map first, xi_1 last
            y = A[k] @ y + b[k]
        rows.append(y)
    return np.array(rows)


def _naive_stationary_trace(A, b, p):
    d = A.shape[1]
    M = sum(pk * np.kron(Ak, Ak) for pk, Ak in zip(p, A))
    m = np.linalg.solve(np.eye(d) - np.tensordot(p, A, 1), p @ b)
    dev = np.einsum("kij,j->ki", A, m) + b - m
    Q = sum(pk * np.outer(v, v) for pk, v in zip(p, dev))
    S = np.linalg.solve(np.eye(d * d) - M, Q.reshape(-1)).reshape(d, d)
    return np.trace(S), float(np.max(np.abs(np.linalg.eigvals(M))))


@pytest.mark.parametrize("flat", [3, 11])  # (0.3, 4, backward, 1) and (0.9, 4, backward, 1)
def test_backward_point_matches_a_naive_computation(flat):
    spec = load_spec(small_spec(steps=300))
    coords = spec.coords(flat)
    assert coords["order"] == "backward"
    out = compute_point(spec.canonical(), flat)
    assert out["reason"] == ""
    problem = build_problem(spec, coords["batch_size"])
    X, y = dataset(spec).train
    rows = problem.model.batches
    H = np.stack([X[r].T @ X[r] / len(r) for r in rows])
    q = np.stack([X[r].T @ y[r] / len(r) for r in rows])
    L = max(np.linalg.eigvalsh(Hk)[-1] for Hk in H)
    h = coords["lr_fraction"] * 2.0 / L
    assert out["learning_rate"] == pytest.approx(h, rel=16 * EPS)
    d = X.shape[1]
    A, b = np.eye(d) - h * H, h * q
    p = np.full(len(rows), 1.0 / len(rows))
    trace, radius = _naive_stationary_trace(A, b, p)
    # both solve the same d^2 x d^2 system: eps times its condition number (< 1e4 here)
    assert out["stationary_cov_trace"] == pytest.approx(trace, rel=1e4 * EPS)
    assert out["mean_square_radius"] == pytest.approx(radius, rel=1e3 * EPS)
    family = problem.model.step_family(h)
    word = orders.iid_backward().draw(family, -(-300 // family.K), stream(spec, 2, coords["seed"], 0))[:300]
    Z = _naive_backward(A, b, word, np.zeros(d))
    inc = np.linalg.norm(np.diff(Z, axis=0), axis=1)
    threshold = 1e-6 * max(1.0, np.linalg.norm(Z[-1]))
    settled = [n for n in range(300) if np.all(inc[n:] <= threshold)]
    assert out["backward_settle_step"] == settled[0]
    losses = [0.5 * np.mean((X @ z - y) ** 2) for z in Z[225:]]
    X_test, y_test = dataset(spec).test
    # n = 300 steps of a contraction: the iterates agree to ~ n eps |z|, the losses to that relative
    assert out["final_train_loss"] == pytest.approx(losses[-1], rel=1e3 * EPS)
    assert out["final_test_loss"] == pytest.approx(0.5 * np.mean((X_test @ Z[-1] - y_test) ** 2), rel=1e3 * EPS)
    assert out["late_fluctuation"] == pytest.approx(np.std(losses), abs=1e3 * EPS * losses[-1])
    assert out["batches"] == len(rows) and out["rows_used"] == 192


def test_lyapunov_interval_covers_the_exact_exponent_in_one_dimension():
    """With d = 1 the maps commute: gamma = sum_k p_k log|1 - h H_k| exactly. The estimate's 99%
    interval covers it (false-alarm rate 1%, fixed seed)."""
    spec = load_spec({"model": "least_squares", "data": "random", "grid": {"lr_fraction": [0.7], "batch_size": [8],
                      "order": ["forward"]}, "run": {"dim": 1, "steps": 2000, "lyapunov_runs": 8}})
    out = compute_point(spec.canonical(), 0)
    problem = build_problem(spec, 8)
    a = 1.0 - out["learning_rate"] * problem.model.H[:, 0, 0]
    gamma = float(problem.model.probs @ np.log(np.abs(a)))
    assert out["lyapunov_exponent_low"] <= gamma <= out["lyapunov_exponent_high"]
    assert out["lyapunov_exponent_high"] - out["lyapunov_exponent_low"] < 0.1 * abs(gamma)


def test_past_mean_square_stability_the_law_and_the_run_are_nan_with_reasons():
    spec = load_spec(small_spec())
    flat = next(i for i in range(spec.size) if spec.coords(i) == {"lr_fraction": 2.4, "batch_size": 16,
                                                                    "order": "forward", "seed": 0})
    out = compute_point(spec.canonical(), flat)
    assert out["mean_square_radius"] > 1 and out["lyapunov_exponent_low"] > 0
    assert math.isnan(out["stationary_cov_trace"])
    assert "stationary_cov_trace: no stationary covariance (family is not mean-square stable" in out["reason"]
    for name in ("backward_settle_step", "late_fluctuation", "final_train_loss", "final_test_loss"):
        assert math.isnan(out[name]), name  # a divergent run is never reported as a value
    assert "run diverges: gamma > 0" in out["reason"]


def test_forward_never_settles_and_says_so():
    spec = load_spec(small_spec())
    out = compute_point(spec.canonical(), 0)  # (0.3, 4, forward, 0)
    assert math.isnan(out["backward_settle_step"])
    assert out["reason"].startswith("backward_settle_step: still moving at step 300")
    assert out["late_fluctuation"] > 0 and np.isfinite(out["stationary_cov_trace"])


def test_logistic_point_is_linearized_at_the_minimizer():
    spec = load_spec({"model": "logistic", "data": "random", "grid": {"lr_fraction": [0.5], "batch_size": [16],
                      "order": ["backward"]}, "run": {"steps": 400, "lyapunov_runs": 4}})
    out = compute_point(spec.canonical(), 0)
    assert math.isnan(out["stationary_cov_trace"])
    assert out["reason"] == "stationary_cov_trace: the steps are not affine (no exact stationary covariance, C5)"
    problem = build_problem(spec, 16)
    x = problem.model.minimizer()
    H = problem.model.hessian(np.arange(problem.model.K), np.tile(x, (problem.model.K, 1)))
    A = np.eye(problem.model.dim) - out["learning_rate"] * H
    M = sum(p * np.kron(Ak, Ak) for p, Ak in zip(problem.model.probs, A))
    assert out["mean_square_radius"] == pytest.approx(np.max(np.abs(np.linalg.eigvals(M))), rel=1e3 * EPS)
    assert out["lyapunov_exponent_high"] < 0 and out["backward_settle_step"] < 400


def test_trajectory_metrics_settle_step_and_divergence():
    def loss(W):
        return W[:, 0] ** 2

    Z = np.array([[4.0], [2.0], [1.0], [1.0], [1.0], [1.0], [1.0], [1.0], [1.0]])
    values, reasons = trajectory_metrics(Z, loss, loss, 1e-6)
    assert values == {"backward_settle_step": 2.0, "late_fluctuation": 0.0, "final_train_loss": 1.0,
                      "final_test_loss": 1.0} and reasons == []
    moving = Z.copy()
    moving[-1] = 1.5
    values, reasons = trajectory_metrics(moving, loss, None, 1e-6)
    assert math.isnan(values["backward_settle_step"]) and "final_test_loss" not in values
    assert reasons == ["backward_settle_step: still moving at step 8 (|z_n - z_n-1| = 0.5)"]
    broken = Z.copy()
    broken[5] = np.inf
    values, reasons = trajectory_metrics(broken, loss, loss, 1e-6)
    assert all(math.isnan(v) for v in values.values())
    assert reasons == ["run diverged (non-finite iterate at step 5): backward_settle_step, late_fluctuation, "
                       "final losses are NaN"]


def test_digits_mlp_points_run_the_network():
    pytest.importorskip("jax", reason="the digits MLP needs the jax extra: pip install 'revsgd[jax]'")
    pytest.importorskip("revsgd.models.digits_mlp", reason="revsgd.models.digits_mlp (issue 16) is not there")
    spec = load_spec({"model": "digits_mlp", "grid": {"lr_fraction": [0.5], "batch_size": [60],
                      "order": ["forward"]}, "run": {"steps": 8, "test_fraction": 0.9}})
    out = compute_point(spec.canonical(), 0)
    assert out["rows_used"] == 180 and out["batches"] == 3
    assert np.isfinite(out["final_train_loss"]) and np.isfinite(out["final_test_loss"])
    assert math.isnan(out["lyapunov_exponent"]) and "not computed for a network" in out["reason"]
