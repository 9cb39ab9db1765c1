r"""The problem of one grid point: data split, model on its batch partition, losses, start.

A point's problem depends only on the spec's model, data and ``[run]`` options and on the
point's batch size, never on where or when it runs:

* **data**: the bundled sets of :mod:`revsgd.models.data` (split and standardized there), or
  ``"random"``: Gaussian rows :math:`x_i \sim N(0, I_d)` with, for least squares,
  :math:`y_i = x_i^\top w + \tfrac12 \varepsilon_i` (:math:`w, \varepsilon \sim N(0, I)`), for
  logistic :math:`y_i = [x_i^\top w + \varepsilon_i > 0]`; for ``random_affine`` each row is a
  random quadratic :math:`\ell_i(x) = \tfrac12 x^\top H_i x - q_i^\top x + r_i`
  (:func:`revsgd.models.instances.random_quadratic`, spectra in [0.2, 2]) and a batch's loss
  is the mean of its rows' (:math:`H_k = \operatorname{mean}_{i \in B_k} H_i`, likewise
  :math:`q_k`), so larger batches average more;
* **model**: :class:`~revsgd.models.LeastSquares` (``ridge = l2``),
  :class:`~revsgd.models.Logistic` (``l2``), a :class:`~revsgd.models.Quadratic`
  (``random_affine``, :math:`+\,l_2 I`) or the digits MLP, each on the batch partition of
  the train rows after one shuffle seeded by the spec (``remainder`` as the spec says);
* **losses**: the data-fit loss without the regulariser (half mean squared error, mean
  log-loss, mean row quadratic, the MLP's loss) on the train and the test rows;
* **contractive limit** :math:`2/L`, :math:`L = \max_k \lambda_{\max}(\nabla^2 L_k)`
  (``curvature_bounds()``; for the MLP the largest eigenvalue of the train loss's Hessian at
  the start point, :meth:`revsgd.models.JaxModel.curvature`);
* **start** :math:`x_0 = 0` (the MLP: its initialisation, seeded by ``run.data_seed``, which
  also draws its stratified train/test split and batch partition).

Random streams are ``numpy.random.SeedSequence(stream_key(spec), spawn_key=...)`` with
spawn keys ``(0,)`` data, ``(1, B)`` partition, ``(2, seed, j)`` the runs of seed ``seed``.

References:
    M. E. O'Neill, "PCG: a family of simple fast space-efficient statistically good
    algorithms for random number generation", 2014, and NumPy's ``SeedSequence`` (hashing
    of entropy and spawn keys into independent streams).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Callable, NamedTuple

import numpy as np

__all__ = ["Problem", "build_problem", "dataset", "stream", "stream_key"]


def stream_key(spec) -> int:
    """The 128-bit entropy of every random stream of ``spec``: a hash of model, data, data_seed.

    Grid values do not enter it, so points that differ in learning rate, batch size or order
    share their word stream (common random numbers; ``iid_forward`` and ``iid_backward`` of one
    seed compose the same word).

    Example:
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1], "batch_size": [4], "order": ["forward"]}})
        >>> stream_key(spec) == stream_key(load_spec(spec.as_dict()))
        True
    """
    text = f"revsgd.sweep|{spec.model}|{spec.data}|{spec.option('data_seed')}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "little")


def stream(spec, *spawn_key: int) -> np.random.Generator:
    """The generator of stream ``spawn_key`` of ``spec`` (module docstring).

    Example:
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1], "batch_size": [4], "order": ["forward"]}})
        >>> float(stream(spec, 2, 0, 0).random()) == float(stream(spec, 2, 0, 0).random())
        True
    """
    return np.random.default_rng(np.random.SeedSequence(stream_key(spec), spawn_key=tuple(int(k) for k in spawn_key)))


class Rows(NamedTuple):
    """Train and test rows: ``(X, y)`` pairs, or ``(H, q, r)`` row quadratics for random_affine."""

    train: tuple
    test: tuple | None


def _random_rows(spec) -> Rows:
    from revsgd.models.data import split_standardize
    from revsgd.models.instances import random_quadratic

    gen = stream(spec, 0)
    rows, d, tf = spec.option("rows"), spec.option("dim"), spec.option("test_fraction")
    if spec.model == "random_affine":
        quad = random_quadratic(gen, d, rows)
        order = gen.permutation(rows)
        n_test = rows - spec.train_rows()  # the split of models.data.split_standardize
        parts = [np.sort(order[n_test:]), np.sort(order[:n_test])]
        train, test = [(quad.H[p], quad.q[p], quad.r[p]) for p in parts]
        return Rows(train, test if n_test else None)
    X = gen.standard_normal((rows, d))
    w = gen.standard_normal(d)
    noise = gen.standard_normal(rows)
    y = (X @ w + noise > 0).astype(float) if spec.model == "logistic" else X @ w + 0.5 * noise
    data = split_standardize(X, y, tf, gen, center_target=spec.model == "least_squares")
    return Rows((data.X_train, data.y_train), (data.X_test, data.y_test) if len(data.y_test) else None)


@functools.lru_cache(maxsize=16)
def _dataset(spec) -> Rows:
    from revsgd.models import data as bundled

    if spec.data == "random":
        return _random_rows(spec)
    loader = {"diabetes": bundled.diabetes, "breast_cancer": bundled.breast_cancer}[spec.data]
    data = loader(test_fraction=spec.option("test_fraction"), rng=stream(spec, 0))
    return Rows((data.X_train, data.y_train), (data.X_test, data.y_test) if len(data.y_test) else None)


def dataset(spec) -> Rows:
    """The train/test rows of ``spec`` (cached per process; a pure function of the spec).

    Example:
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "least_squares", "data": "random",
        ...                   "grid": {"lr": [0.1], "batch_size": [4], "order": ["forward"]}})
        >>> dataset(spec).train[0].shape, dataset(spec).test[0].shape
        ((192, 5), (64, 5))
    """
    return _dataset(spec)


@dataclass(frozen=True)
class Problem:
    r"""What a grid point runs on (module docstring).

    Attributes:
        model: the :mod:`revsgd.models` model (``step_family(lr)``, ``K``, ``dim``).
        affine: whether ``model.step_family(lr)`` is an :class:`~revsgd.theory.AffineFamily`.
        limit: the contractive limit :math:`2/L`.
        x0: the start point, ``(d,)``.
        train_loss, test_loss: ``(m, d) -> (m,)`` data-fit losses (``test_loss`` None without
            a test split).
        rows_used: train rows in the batches (after ``remainder="drop"``).
        minimizer: ``() -> (d,)`` the minimizer of the mean loss (None for the MLP).
    """

    model: object
    affine: bool
    limit: float
    x0: np.ndarray
    train_loss: Callable
    test_loss: Callable | None
    rows_used: int
    minimizer: Callable | None


def _squares(X, y):
    return lambda W: 0.5 * np.mean((np.atleast_2d(W) @ X.T - y) ** 2, axis=1)


def _log_loss(X, y):
    s = 2.0 * y - 1.0
    return lambda W: np.mean(np.logaddexp(0.0, -s * (np.atleast_2d(W) @ X.T)), axis=1)


def _quadratics(H, q, r):
    Hm, qm, rm = H.mean(axis=0), q.mean(axis=0), r.mean()
    return lambda W: 0.5 * np.einsum("mi,ij,mj->m", np.atleast_2d(W), Hm, np.atleast_2d(W)) - np.atleast_2d(W) @ qm + rm


def _affine_model(spec, rows, B, gen):
    from revsgd.models import Quadratic
    from revsgd.models._batches import partition_rows

    H, q, _ = rows.train
    batches = partition_rows(H.shape[0], B, gen, spec.option("remainder"), ("error", "drop", "keep"))
    d = H.shape[1]
    Hk = np.stack([H[b].mean(axis=0) for b in batches]) + spec.option("l2") * np.eye(d)
    qk = np.stack([q[b].mean(axis=0) for b in batches])
    sizes = np.array([len(b) for b in batches], dtype=float)
    return Quadratic(Hk, np.linalg.solve(Hk, qk[..., None])[..., 0], sizes / sizes.sum()), int(sizes.sum())


@functools.lru_cache(maxsize=8)
def build_problem(spec, batch_size: int) -> Problem:
    """The :class:`Problem` of ``spec``'s points with batch size ``batch_size`` (cached per process).

    The points of a batch size share it: a pure function of the spec and the batch size, so the
    cache changes no result (it saves the MLP's compilations).

    Args:
        spec: a :class:`revsgd.sweep.spec.Spec`.
        batch_size: one of the spec's batch sizes.

    Returns:
        a :class:`Problem`.

    Raises:
        ValueError: what the model refuses (the spec's validation makes that rare).

    Example:
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1], "batch_size": [8], "order": ["forward"]}})
        >>> problem = build_problem(spec, 8)
        >>> problem.model.K, problem.affine, bool(problem.limit > 0)
        (24, True, True)
    """
    if spec.model == "digits_mlp":
        return _digits_problem(spec, batch_size)
    rows = dataset(spec)
    gen = stream(spec, 1, batch_size)
    remainder, l2 = spec.option("remainder"), spec.option("l2")
    if spec.model == "random_affine":
        model, used = _affine_model(spec, rows, batch_size, gen)
        losses = [None if part is None else _quadratics(*part) for part in rows]
    elif spec.model == "least_squares":
        from revsgd.models import LeastSquares

        model = LeastSquares(*rows.train, batch_size, ridge=l2, rng=gen, remainder=remainder)
        used = model.X.shape[0]
        losses = [None if part is None else _squares(*part) for part in rows]
    else:
        from revsgd.models import Logistic

        model = Logistic(*rows.train, batch_size, l2, rng=gen, remainder=remainder)
        used = model.X.shape[0]
        losses = [None if part is None else _log_loss(*part) for part in rows]
    limit = 2.0 / model.curvature_bounds()[1]
    return Problem(model, spec.model != "logistic", limit, np.zeros(model.dim), losses[0], losses[1],
                   used, model.minimizer)


def _digits_problem(spec, batch_size: int) -> Problem:
    from revsgd.models.digits_mlp import digits_mlp

    l2 = spec.option("l2")
    dm = digits_mlp(train_size=spec.train_rows(), batch_size=batch_size, seed=spec.option("data_seed"),
                    weight_decay=l2, remainder=spec.option("remainder"), split_seed=spec.option("data_seed"))
    model = dm.model
    x0 = np.asarray(dm.x0, dtype=float)

    def fit(split):  # the data-fit loss: the MLP's loss less its weight decay
        def loss(W):
            W = np.atleast_2d(W)
            return np.atleast_1d(dm.loss(W, split)) - 0.5 * l2 * np.einsum("md,md->m", W, W)
        return loss

    limit = 2.0 / float(model.curvature(x0).high)
    return Problem(model, False, limit, x0, fit("train"), fit("test"), int(len(dm.train[1])), None)
