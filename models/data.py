r"""Small real data sets bundled with scikit-learn (no downloads), split and standardized.

* :func:`breast_cancer`: 569 rows, 30 features, labels in {0, 1} (for :class:`Logistic`);
* :func:`diabetes`: 442 rows, 10 features, a real target (for :class:`LeastSquares`).

The rows are split once by a seeded permutation into train and test parts. Features are
standardized with the *train* statistics only,

.. math::

    \tilde x_{ij} = \frac{x_{ij} - m_j}{s_j}, \qquad
    m_j = \operatorname{mean}_{i \in \text{train}} x_{ij}, \quad
    s_j = \operatorname{std}_{i \in \text{train}} x_{ij}\ (1 \text{ where } s_j = 0),

so no test information leaks into the model; the diabetes target is centred by its train
mean (the models have no intercept). Requires the ``data`` extra
(``pip install 'revsgd[data]'``).

References:
    F. Pedregosa et al., "Scikit-learn: machine learning in Python", JMLR 12, 2011.
    W. N. Street, W. H. Wolberg, O. L. Mangasarian, "Nuclear feature extraction for breast
    tumor diagnosis", IS&T/SPIE Biomedical Image Processing 1905, 1993 (breast cancer).
    B. Efron, T. Hastie, I. Johnstone, R. Tibshirani, "Least angle regression", Annals of
    Statistics 32(2), 2004 (diabetes).
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from revsgd.theory._validate import as_generator, describe

__all__ = ["Dataset", "breast_cancer", "diabetes", "split_standardize"]

_INSTALL_HINT = (
    "scikit-learn is needed for the bundled data sets; install the data extra with "
    "pip install 'revsgd[data]'"
)


class Dataset(NamedTuple):
    r"""A train/test split with the standardization statistics of the train part.

    .. math::

        \mathtt{X\_train} = (X_{\text{train}} - m) / s, \qquad
        \mathtt{X\_test} = (X_{\text{test}} - m) / s, \qquad
        m, s = \text{train mean and standard deviation (1 where it is 0)}.

    Args:
        X_train, y_train, X_test, y_test, mean, scale, feature_names: the fields, in this order
            (as :func:`split_standardize` computes them).

    Raises:
        Nothing: the fields are stored as given.

    Example:
        >>> data = split_standardize(np.arange(8.0).reshape(4, 2), np.arange(4.0), 0.25, rng=0)
        >>> data.X_train.shape, data.X_test.shape, data.mean.shape
        ((3, 2), (1, 2), (2,))
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    feature_names: tuple


def _sklearn_datasets():
    try:
        from sklearn import datasets
    except ImportError as exc:
        raise ImportError(_INSTALL_HINT) from exc
    return datasets


def split_standardize(X, y, test_fraction, rng, *, center_target=False, feature_names=()):
    r"""Split ``(X, y)`` by a seeded permutation and standardize with the train statistics.

    Args:
        X: ``(N, d)`` features. y: ``(N,)`` targets.
        test_fraction: the share of rows held out, in [0, 1); the test part has
            ``floor(test_fraction * N)`` rows and the train part at least one.
        rng: Generator or int seed for the permutation.
        center_target: subtract the train mean of ``y`` from both parts.
        feature_names: names kept in the result.

    Returns:
        a :class:`Dataset`.

    Raises:
        TypeError/ValueError: a non-real or out-of-range ``test_fraction``; a bad ``rng``.
    """
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise TypeError(f"test_fraction must be a real number in [0, 1), got {describe(test_fraction)}")
    test_fraction = float(test_fraction)
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie in [0, 1), got {test_fraction}")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    N = X.shape[0]
    n_test = min(int(np.floor(test_fraction * N)), N - 1)
    order = as_generator(rng).permutation(N)
    test, train = np.sort(order[:n_test]), np.sort(order[n_test:])
    mean = X[train].mean(axis=0)
    scale = X[train].std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    y_shift = y[train].mean() if center_target else 0.0
    return Dataset(
        X_train=(X[train] - mean) / scale,
        y_train=y[train] - y_shift,
        X_test=(X[test] - mean) / scale,
        y_test=y[test] - y_shift,
        mean=mean,
        scale=scale,
        feature_names=tuple(feature_names),
    )


def breast_cancer(test_fraction=0.25, rng=0) -> Dataset:
    r"""Wisconsin breast cancer (569 x 30), labels in {0, 1}, standardized on the train part.

    Features standardized by the train statistics, :math:`\tilde x_{ij} = (x_{ij} - m_j)/s_j`
    (module docstring); labels kept.

    Args:
        test_fraction: the share of rows held out, in [0, 1).
        rng: Generator or int seed of the split.

    Returns:
        a :class:`Dataset` with ``floor(test_fraction * 569)`` test rows.

    Raises:
        ImportError: without scikit-learn (``pip install 'revsgd[data]'``).
        TypeError, ValueError: a bad ``test_fraction`` or ``rng``, as :func:`split_standardize`.

    Example:
        >>> data = breast_cancer(test_fraction=0.25, rng=0)
        >>> data.X_train.shape, data.X_test.shape
        ((427, 30), (142, 30))
    """
    bunch = _sklearn_datasets().load_breast_cancer()
    return split_standardize(
        bunch.data, bunch.target, test_fraction, rng, feature_names=bunch.feature_names
    )


def diabetes(test_fraction=0.25, rng=0) -> Dataset:
    r"""Diabetes progression (442 x 10), target centred, features standardized on train.

    As :func:`breast_cancer` (same ``test_fraction`` and ``rng``, same errors, ``floor(test_fraction
    * 442)`` test rows), and the real target is centred by its train mean,
    :math:`y_i - \bar y_{\text{train}}`, since the models have no intercept.

    Args:
        test_fraction, rng: as :func:`breast_cancer`.

    Returns:
        a :class:`Dataset`; ``y_train`` has mean 0.

    Raises:
        ImportError, TypeError, ValueError: as :func:`breast_cancer`.

    Example:
        >>> data = diabetes(test_fraction=0.25, rng=0)
        >>> data.X_train.shape, abs(float(data.y_train.mean())) < 1e-9
        ((332, 10), True)
    """
    bunch = _sklearn_datasets().load_diabetes(scaled=False)
    return split_standardize(
        bunch.data,
        bunch.target,
        test_fraction,
        rng,
        center_target=True,
        feature_names=bunch.feature_names,
    )
