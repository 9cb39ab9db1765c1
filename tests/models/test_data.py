"""Bundled data sets: split sizes, train-only standardization, seeding, missing extra."""

import sys

import numpy as np
import pytest

pytest.importorskip("sklearn")

from revsgd.models import breast_cancer, diabetes  # noqa: E402
from revsgd.models.data import split_standardize  # noqa: E402

EPS = np.finfo(float).eps


@pytest.mark.parametrize("loader,N,d", [(breast_cancer, 569, 30), (diabetes, 442, 10)])
def test_split_sizes_and_train_statistics(loader, N, d):
    data = loader(test_fraction=0.25, rng=3)
    n_test = int(np.floor(0.25 * N))
    assert data.X_train.shape == (N - n_test, d) and data.X_test.shape == (n_test, d)
    assert data.y_train.shape == (N - n_test,) and data.y_test.shape == (n_test,)
    # Standardized with train statistics: train columns have mean 0 and std 1 up to the
    # round-off of a mean of N terms; the test part does not (its own stats differ).
    assert np.abs(data.X_train.mean(axis=0)).max() <= 8 * N * EPS * np.abs(data.mean / data.scale).max()
    np.testing.assert_allclose(data.X_train.std(axis=0), 1.0, rtol=8 * N * EPS)
    assert np.abs(data.X_test.mean(axis=0)).max() > 1e-3
    assert len(data.feature_names) == d


def test_labels_and_target():
    bc = breast_cancer(rng=0)
    assert set(np.unique(bc.y_train)) == {0.0, 1.0}
    db = diabetes(rng=0)
    assert abs(db.y_train.mean()) <= 8 * len(db.y_train) * EPS * np.abs(db.y_train).max()
    assert abs(db.y_test.mean()) > 1e-6


def test_seed_reproduces_and_varies():
    a, b, c = breast_cancer(rng=5), breast_cancer(rng=5), breast_cancer(rng=6)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert a.X_train.shape == c.X_train.shape and not np.array_equal(a.X_train, c.X_train)


def test_split_is_a_partition_and_undoes_to_the_raw_data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 3)) * [1.0, 5.0, 0.0] + 2.0  # one constant column
    y = rng.standard_normal(20)
    data = split_standardize(X, y, 0.3, 1)
    assert np.all(data.scale[2] == 1.0)
    raw = np.vstack([data.X_train, data.X_test]) * data.scale + data.mean
    order = np.lexsort(raw.T)
    np.testing.assert_allclose(raw[order], X[np.lexsort(X.T)], atol=64 * EPS * 10)
    np.testing.assert_allclose(np.sort(np.concatenate([data.y_train, data.y_test])), np.sort(y))


@pytest.mark.parametrize("frac,exc", [(1.0, ValueError), (-0.1, ValueError), ("a", TypeError), (True, TypeError)])
def test_bad_test_fraction(frac, exc):
    with pytest.raises(exc, match="test_fraction"):
        breast_cancer(test_fraction=frac)


def test_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ImportError, match=r"revsgd\[data\]"):
        diabetes()
