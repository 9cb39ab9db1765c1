"""The digits MLP: its split, its scaling, its losses against a NumPy network, its start, bad input.

References: scikit-learn's ``train_test_split`` and the NumPy statistics of the raw training
images (the scaling), the NumPy network of ``tiny.reference_metrics`` (losses, accuracies),
the chi-square law of a normal sample variance (the initialization).
"""

import numpy as np
import pytest

from tests.experiments.tiny import layers, reference_metrics

from revsgd.models.digits_mlp import DIGITS_ROWS, digits_mlp, initial_parameters  # noqa: E402


@pytest.fixture(scope="module")
def mlp():
    return digits_mlp(train_size=64, batch_size=16, hidden=(8,), weight_decay=1e-2, seed=3)


def test_split_is_stratified_and_scaled_with_the_training_rows_only(mlp):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    raw_train, raw_test, y_train, y_test = train_test_split(bunch.data, bunch.target, train_size=64,
                                                            stratify=bunch.target, random_state=0)
    mean, std = raw_train.mean(axis=0), raw_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    scale = np.abs(raw_test - mean).max() / std.min()
    tol = 8 * np.finfo(float).eps * max(1.0, scale)
    assert np.abs(mlp.test[0] - (raw_test - mean) / std).max() <= tol
    assert np.abs(mlp.train[0] - (raw_train - mean) / std).max() <= tol
    assert np.array_equal(mlp.train[1], y_train) and np.array_equal(mlp.test[1], y_test)
    assert len(y_train) + len(y_test) == DIGITS_ROWS
    share = np.bincount(bunch.target) / DIGITS_ROWS
    assert np.all(np.abs(np.bincount(y_train, minlength=10) - 64 * share) <= 1)  # stratified


def test_losses_and_accuracies_are_the_numpy_network(mlp):
    rng = np.random.default_rng(0)
    points = np.stack([mlp.x0, mlp.x0 + 0.3 * rng.standard_normal(mlp.model.dim)])
    for split, (X, y) in (("train", mlp.train), ("test", mlp.test)):
        losses, accs = mlp.metrics(points, split)
        for i, x in enumerate(points):
            loss, acc, tol = reference_metrics(x, X, y, mlp.widths, mlp.weight_decay)
            assert abs(losses[i] - loss) <= tol, (split, i, losses[i], loss)
            assert round(accs[i] * len(y)) == round(acc * len(y)), (split, i, accs[i], acc)  # the same count
            assert mlp.loss(x, split) == losses[i] and mlp.accuracy(x, split) == accs[i]
    assert abs(mlp.model.loss(points[1]) - mlp.loss(points[1])) <= reference_metrics(
        points[1], *mlp.train, mlp.widths, mlp.weight_decay)[2]


def test_batch_losses_and_gradient_steps_are_the_model_of_the_batches(mlp):
    x = mlp.x0
    for k in range(mlp.model.K):
        X, y = mlp.model.batch(k)
        loss, _, tol = reference_metrics(x, X, y, mlp.widths, mlp.weight_decay)
        assert abs(mlp.model.loss(k, x) - loss) <= tol
    assert sorted(np.concatenate(mlp.model.batches).tolist()) == list(range(64))


def test_relu_network_and_remainder_drop():
    net = digits_mlp(train_size=100, batch_size=16, hidden=(4,), activation="relu")
    assert net.model.K == 6 and len(net.train[1]) == 96
    x = net.x0 + 0.1
    loss, acc, tol = reference_metrics(x, *net.test, net.widths, 0.0, activation="relu")
    assert abs(net.loss(x, "test") - loss) <= tol
    assert round(net.accuracy(x, "test") * len(net.test[1])) == round(acc * len(net.test[1]))


def test_seeds_share_the_batches_and_differ_in_the_start():
    a, b = (digits_mlp(train_size=64, hidden=(8,), seed=s) for s in (0, 1))
    assert all(np.array_equal(p, q) for p, q in zip(a.model.batches, b.model.batches))
    assert not np.array_equal(a.x0, b.x0)
    assert np.array_equal(a.x0, initial_parameters((64, 8, 10), 0))


def test_initial_parameters_are_lecun_normal():
    from scipy import stats

    widths = (64, 32, 10)
    x0 = initial_parameters(widths, 7)
    W1, c1, W2, c2 = layers(x0, widths)
    assert not c1.any() and not c2.any()
    for W, fan_in in ((W1, 64), (W2, 32)):
        # (n - 1) s^2 / sigma^2 ~ chi2(n - 1) for sigma^2 = 1 / fan_in; two-sided, false alarm 1e-3
        n = W.size
        statistic = (n - 1) * W.var(ddof=1) * fan_in
        p = 2 * min(stats.chi2.cdf(statistic, n - 1), stats.chi2.sf(statistic, n - 1))
        assert p > 1e-3, (fan_in, p)
        assert abs(W.mean()) <= 3.3 / np.sqrt(fan_in * n)  # |z| <= 3.3: false alarm 1e-3


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"train_size": 5}, ValueError, "train_size"),
    ({"train_size": DIGITS_ROWS}, ValueError, "train_size"),
    ({"train_size": 64.5}, TypeError, "train_size"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"train_size": 64, "batch_size": 65}, ValueError, "batch_size"),
    ({"hidden": (0,)}, ValueError, "hidden"),
    ({"hidden": "32"}, TypeError, "hidden"),
    ({"hidden": (3.5,)}, ValueError, "hidden"),
    ({"activation": "sigmoid"}, ValueError, "activation"),
    ({"weight_decay": -1.0}, ValueError, "weight_decay"),
    ({"weight_decay": float("nan")}, ValueError, "weight_decay"),
    ({"weight_decay": "0.1"}, TypeError, "weight_decay"),
    ({"remainder": "pad"}, ValueError, "remainder"),
    ({"seed": -1}, ValueError, "seed"),
    ({"split_seed": 1.5}, TypeError, "split_seed"),
])
def test_bad_settings_are_refused_by_name(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        digits_mlp(**kwargs)


def test_bad_points_and_splits_are_refused(mlp):
    with pytest.raises(ValueError, match="split"):
        mlp.loss(mlp.x0, "valid")
    with pytest.raises(ValueError, match=r"x must have shape \(610,\)"):
        mlp.accuracy(np.zeros(3))
    with pytest.raises(ValueError, match="finite"):
        mlp.metrics(np.full(mlp.model.dim, np.nan))
    with pytest.raises(ValueError, match="widths"):
        initial_parameters((64,), 0)
