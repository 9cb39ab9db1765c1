"""Mini-batch least squares: the partition, the mean loss, the minimizer."""

import numpy as np
import pytest

from revsgd.models import LeastSquares

EPS = np.finfo(float).eps


def data(N=24, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, d)), rng.standard_normal(N)


@pytest.mark.parametrize("ridge", [0.0, 0.3])
@pytest.mark.parametrize("batch_size,remainder", [(4, "error"), (5, "drop"), (5, "keep"), (1, "error")])
def test_mean_loss_is_full_objective(ridge, batch_size, remainder):
    X, y = data()
    ls = LeastSquares(X, y, batch_size, ridge=ridge, rng=1, remainder=remainder)
    Xu, yu = ls.X, ls.y
    w = np.array([0.3, -1.0, 2.0])
    full = np.sum((Xu @ w - yu) ** 2) / (2 * len(yu)) + ridge / 2 * w @ w
    assert abs(ls.mean_loss(w) - full) <= 64 * EPS * (full + 1)
    for k, rows in enumerate(ls.batches):
        direct = np.sum((X[rows] @ w - y[rows]) ** 2) / (2 * len(rows)) + ridge / 2 * w @ w
        assert abs(ls.loss(k, w) - direct) <= 64 * EPS * (direct + 1)


def test_partition_covers_rows_once():
    X, y = data(N=23)
    keep = LeastSquares(X, y, 5, rng=2, remainder="keep")
    assert sorted(np.concatenate(keep.batches)) == list(range(23))
    assert [len(b) for b in keep.batches] == [5, 5, 5, 5, 3]
    np.testing.assert_allclose(keep.probs, np.array([5, 5, 5, 5, 3]) / 23)
    drop = LeastSquares(X, y, 5, rng=2, remainder="drop")
    assert drop.X.shape == (20, 3) and drop.K == 4
    with pytest.raises(ValueError, match="batch_size = 5 does not divide N = 23"):
        LeastSquares(X, y, 5)


@pytest.mark.parametrize("ridge", [0.0, 0.5])
def test_minimizer_is_normal_equation_solution(ridge):
    X, y = data()
    ls = LeastSquares(X, y, 6, ridge=ridge)
    N, d = X.shape
    direct = np.linalg.solve(X.T @ X / N + ridge * np.eye(d), X.T @ y / N)
    via_batches = np.linalg.solve(ls.mean_hessian(), ls.probs @ ls.q)
    cond = np.linalg.cond(X.T @ X / N + ridge * np.eye(d))
    np.testing.assert_allclose(ls.minimizer(), direct, atol=16 * d * EPS * cond * np.abs(direct).max())
    np.testing.assert_allclose(via_batches, direct, atol=16 * d * EPS * cond * np.abs(direct).max())


def test_small_batches_give_singular_hessians():
    X, y = data(N=12, d=3)
    ls = LeastSquares(X, y, 2)  # batch of 2 rows in 3-D: rank 2
    assert ls.curvature_bounds()[0] <= 16 * EPS * np.abs(ls.H).max()
    with pytest.raises(ValueError, match="singular Hessian"):
        ls.contractive_lr_range()


def test_rank_deficient_without_ridge_is_refused():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="rank 1 < d = 2"):
        LeastSquares(X, np.arange(4.0), 2).minimizer()
