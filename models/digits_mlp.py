r"""The digits MLP: scikit-learn's bundled 8x8 digits, a small tanh (or ReLU) network, as a JaxModel.

The data are the 1,797 images of :func:`sklearn.datasets.load_digits` (64 pixels, 10
classes; bundled with scikit-learn, no download). A seeded *stratified* split
(:func:`sklearn.model_selection.train_test_split`) keeps ``train_size`` images for training
and holds the rest out for test; the pixels are standardized with the training statistics
only (:class:`sklearn.preprocessing.StandardScaler`: constant pixels keep scale 1), so nothing
of the test split leaks into the model. The network with layer widths
:math:`64 = n_0, n_1, \dots, n_L, n_{L+1} = 10` and activation :math:`\sigma` (``tanh`` or
``relu``) computes the logits

.. math::

    f_\theta(u) = W_{L+1}^\top a_L + c_{L+1}, \qquad a_l = \sigma(W_l^\top a_{l-1} + c_l), \quad a_0 = u,

and the batch losses are the mean softmax cross-entropy plus an L2 penalty on all parameters,

.. math::

    L_k(\theta) = \frac{1}{|B_k|} \sum_{i \in B_k} \bigl(\log \textstyle\sum_c e^{f_\theta(u_i)_c}
    - f_\theta(u_i)_{y_i}\bigr) + \frac{\lambda}{2} |\theta|^2 ,

on a fixed partition of the training rows into batches of ``batch_size``
(:class:`revsgd.models.JaxModel`). Without weight decay (:math:`\lambda = 0`, the paper's
setting) the loss has exactly flat directions (adding a constant to every output bias
leaves the softmax unchanged), so :math:`\mu \le 0` everywhere; :math:`\lambda > 0` lifts
every Hessian eigenvalue by :math:`\lambda`.

``theta`` is flattened layer by layer, ``W_1, c_1, W_2, c_2, ...`` (each ``W_l`` of shape
:math:`(n_{l-1}, n_l)`, row-major): that is the order of the model's ``ravel``. The initial
point ``x0`` is LeCun-normal (:math:`W_l` entries :math:`N(0, 1/n_{l-1})`, biases 0), drawn
from ``seed`` (:func:`initial_parameters`); the split and the partition into batches are drawn
from ``split_seed`` (default 0), so that the seeds of an experiment share one family of maps
and differ in their start (and in the word the experiment draws).

Requires the ``data`` (scikit-learn) and ``jax`` extras.

References:
    E. Alpaydin, C. Kaynak, "Optical recognition of handwritten digits", UCI Machine
    Learning Repository, 1998 (the digits; scikit-learn bundles the test part).
    Y. LeCun, L. Bottou, G. Orr, K.-R. Mueller, "Efficient BackProp", Neural Networks: Tricks
    of the Trade, 1998 (the initialization).
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (the MLP experiment).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from revsgd.models.jax_model import REMAINDER_POLICIES, JaxModel, _x64
from revsgd.theory._validate import as_finite_array, as_nonnegative_int, as_positive_int, as_real, describe
from revsgd.theory.extras import require

__all__ = ["ACTIVATIONS", "DIGITS_ROWS", "DigitsMLP", "digits_mlp", "initial_parameters"]

#: The activations of the hidden layers.
ACTIVATIONS = ("tanh", "relu")
#: Images in scikit-learn's digits (10 classes, 64 pixels each).
DIGITS_ROWS = 1797
_CLASSES, _PIXELS = 10, 64
SPLITS = ("train", "test")


def _widths(hidden) -> tuple[int, ...]:
    if isinstance(hidden, (str, bytes)) or not hasattr(hidden, "__iter__"):
        raise TypeError(f"hidden must be a tuple of positive layer widths such as (32,), got {describe(hidden)}")
    hidden = tuple(hidden)
    if not all(isinstance(h, numbers.Integral) and not isinstance(h, bool) and h >= 1 for h in hidden):
        raise ValueError(f"hidden must be a tuple of positive integer layer widths such as (32,), got {hidden!r}")
    return (_PIXELS, *(int(h) for h in hidden), _CLASSES)


def _check(train_size, batch_size, seed, activation, weight_decay, remainder, split_seed):
    train_size = as_positive_int(train_size, "train_size")
    if not _CLASSES <= train_size <= DIGITS_ROWS - _CLASSES:
        raise ValueError(f"train_size must be in {_CLASSES}..{DIGITS_ROWS - _CLASSES} (a stratified split keeps "
                         f"every class on both sides of the {DIGITS_ROWS} images), got {train_size}")
    batch_size = as_positive_int(batch_size, "batch_size")
    if batch_size > train_size:
        raise ValueError(f"batch_size must be at most train_size = {train_size}, got {batch_size}")
    as_nonnegative_int(seed, "seed")
    as_nonnegative_int(split_seed, "split_seed")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {activation!r}")
    weight_decay = as_real(weight_decay, "weight_decay", low=0.0)
    if remainder not in REMAINDER_POLICIES:
        raise ValueError(f"remainder must be one of {', '.join(REMAINDER_POLICIES)}; got {remainder!r}")
    return train_size, batch_size, weight_decay


def initial_parameters(widths, seed) -> np.ndarray:
    r"""LeCun-normal parameters of the layer widths ``(n_0, ..., n_{L+1})``: :math:`W_l \sim N(0, 1/n_{l-1})`, biases 0.

    Flat, in the layout of the module docstring; drawn from ``numpy.random.default_rng(seed)``.

    Args:
        widths: the layer widths including input and output, at least two positive ints.
        seed: a non-negative int.

    Returns:
        ``(d,)`` float64 array, :math:`d = \sum_l (n_{l-1} + 1) n_l`.

    Raises:
        TypeError, ValueError: bad ``widths`` or ``seed``.

    Example:
        >>> x0 = initial_parameters((64, 8, 10), 0)
        >>> x0.shape, float(x0[64 * 8:64 * 8 + 8].max())   # W_1, then the biases c_1 = 0
        ((610,), 0.0)
    """
    widths = tuple(widths) if hasattr(widths, "__iter__") else widths
    if (not isinstance(widths, tuple) or len(widths) < 2
            or not all(isinstance(w, numbers.Integral) and not isinstance(w, bool) and w >= 1 for w in widths)):
        raise ValueError(f"widths must be at least two positive integer layer widths such as (64, 32, 10), "
                         f"got {widths!r}")
    gen = np.random.default_rng(as_nonnegative_int(seed, "seed"))
    return np.concatenate([part for a, b in zip(widths[:-1], widths[1:])
                           for part in (gen.standard_normal(a * b) / np.sqrt(a), np.zeros(b))])


def _split(train_size: int, split_seed: int):
    """Stratified split of the digits, pixels standardized on the training part."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    bunch = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        bunch.data, bunch.target, train_size=train_size, stratify=bunch.target, random_state=split_seed)
    scaler = StandardScaler().fit(X_train)
    return ((scaler.transform(X_train), y_train.astype(np.int64)),
            (scaler.transform(X_test), y_test.astype(np.int64)))


def _layer_shapes(widths) -> list[tuple[int, ...]]:
    """``[(n_0, n_1), (n_1,), (n_1, n_2), (n_2,), ...]``: the leaves ``W_1, c_1, W_2, c_2, ...``."""
    return [shape for a, b in zip(widths[:-1], widths[1:]) for shape in ((a, b), (b,))]


def _network(jax, widths, activation):
    """``(logits(layers, X), layers_of(x))``: the network on its leaves, and the leaves of a flat ``x``."""
    jnp = jax.numpy
    act = jnp.tanh if activation == "tanh" else jax.nn.relu
    shapes = _layer_shapes(widths)
    cuts = np.cumsum([int(np.prod(s)) for s in shapes])[:-1].tolist()

    def logits(layers, X):
        h = X
        for i in range(0, len(layers), 2):
            h = h @ layers[i] + layers[i + 1]
            if i + 2 < len(layers):
                h = act(h)
        return h

    def layers_of(x):
        return [part.reshape(shape) for part, shape in zip(jnp.split(x, cuts), shapes)]

    return logits, layers_of


def _cross_entropy(jnp, z, y):
    log_p = z - jnp.max(z, axis=-1, keepdims=True)
    log_p = log_p - jnp.log(jnp.sum(jnp.exp(log_p), axis=-1, keepdims=True))
    return -jnp.mean(jnp.take_along_axis(log_p, y[:, None], axis=-1))


@dataclass(frozen=True)
class DigitsMLP:
    r"""The digits MLP of :func:`digits_mlp` (module docstring): the model, its start and its data.

    Attributes:
        model: the :class:`revsgd.models.JaxModel` on the training rows (``model.loss(x)`` is
            the training loss :math:`\frac1N \sum_i \ell_i + \frac\lambda2 |\theta|^2`).
        x0: ``(d,)`` float64 initial parameters (LeCun normal from ``seed``).
        train: ``(X, y)``: the rows the model trains on (the split's training part, less the
            rows ``remainder="drop"`` discards).
        test: ``(X_test, y_test)``: the held-out images, scaled with the training statistics.
        widths, activation, weight_decay, seed, split_seed: the settings.
        loss_fn: the JAX function ``loss_fn(x, X, y)`` of flat parameters ``x`` and rows
            ``(X, y)``: the mean cross-entropy plus :math:`\frac\lambda2|x|^2`, so that
            ``loss_fn(x, *model.batch(k))`` is :math:`L_k(x)` (call it with float64 enabled).

    Example:
        >>> mlp = digits_mlp(train_size=64, batch_size=16, hidden=(8,))
        >>> mlp.model.K, mlp.model.dim, mlp.test[0].shape
        (4, 610, (1733, 64))
        >>> bool(abs(mlp.loss(mlp.x0) - mlp.model.loss(mlp.x0)) < 1e-12)
        True
        >>> mlp.loss(np.stack([mlp.x0, mlp.x0]), "test").shape
        (2,)
    """

    model: JaxModel
    x0: np.ndarray
    train: tuple
    test: tuple
    widths: tuple
    activation: str
    weight_decay: float
    seed: int
    split_seed: int
    loss_fn: object = field(repr=False, compare=False, default=None)
    _eval: dict = field(repr=False, compare=False, default_factory=dict)

    def _points(self, x):
        arr = as_finite_array(x, "x")
        if arr.ndim not in (1, 2) or arr.shape[-1] != self.model.dim:
            raise ValueError(f"x must have shape ({self.model.dim},) or (m, {self.model.dim}), got shape {arr.shape}")
        return arr

    def _data(self, split):
        if split not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
        return self.train if split == "train" else self.test

    def _evaluate(self, x, split):
        X, y = self._data(split)
        x = self._points(x)
        rows = np.atleast_2d(x)
        m = rows.shape[0]
        if m == 0:
            return np.empty(0), np.empty(0)
        size = 1 << max(m - 1, 0).bit_length()  # padded to a power of two: one compilation per size
        if size > m:
            rows = np.concatenate([rows, np.broadcast_to(rows[:1], (size - m, rows.shape[1]))])
        with _x64(self.model._jax):
            loss, acc = (np.asarray(v)[:m] for v in self._eval["metrics"](rows, X, y))
        if x.ndim == 1:
            return float(loss[0]), float(acc[0])
        return loss, acc

    def metrics(self, x, split="train"):
        r"""``(loss(x, split), accuracy(x, split))`` from one evaluation of the logits.

        Args:
            x: ``(d,)`` parameters, or ``(m, d)`` (one vmapped call for all rows).
            split: ``"train"`` or ``"test"``.

        Returns:
            two floats, or two ``(m,)`` arrays.

        Raises:
            ValueError, TypeError: a bad ``x`` or ``split``.
        """
        return self._evaluate(x, split)

    def loss(self, x, split="train"):
        r"""The mean cross-entropy on ``split`` plus :math:`\frac\lambda2 |\theta|^2`.

        Args:
            x: ``(d,)`` parameters, or ``(m, d)`` (one loss per row, one vmapped call).
            split: ``"train"`` (equal to ``model.loss(x)``) or ``"test"``.

        Returns:
            a float, or an ``(m,)`` array.

        Raises:
            ValueError, TypeError: a bad ``x`` or ``split``.
        """
        return self._evaluate(x, split)[0]

    def accuracy(self, x, split="train"):
        r"""The fraction of ``split`` whose largest logit is the label, :math:`\frac1N\sum_i [\arg\max f_\theta(u_i) = y_i]`.

        Args:
            x: ``(d,)`` parameters, or ``(m, d)``.
            split: ``"train"`` or ``"test"``.

        Returns:
            a float in [0, 1], or an ``(m,)`` array.

        Raises:
            ValueError, TypeError: a bad ``x`` or ``split``.
        """
        return self._evaluate(x, split)[1]


def digits_mlp(*, train_size=512, batch_size=16, seed=0, hidden=(32,), activation="tanh",
               weight_decay=0.0, remainder="drop", split_seed=0) -> DigitsMLP:
    r"""The digits MLP as a :class:`DigitsMLP` (module docstring).

    Args:
        train_size: training images (a stratified split; the rest is the test split), in
            ``10..1787``.
        batch_size: rows per batch, at most ``train_size``.
        seed: draws the initial parameters (:func:`initial_parameters`), >= 0.
        hidden: the hidden layer widths, a tuple of positive ints (``()``: softmax regression).
        activation: ``"tanh"`` or ``"relu"``.
        weight_decay: :math:`\lambda \ge 0`.
        remainder: what :class:`revsgd.models.JaxModel` does with the rows left over when
            ``batch_size`` does not divide ``train_size`` (``"drop"``, ``"keep"``, ``"error"``).
        split_seed: draws the train/test split and the partition of the rows into batches, >= 0.

    Returns:
        a :class:`DigitsMLP`.

    Raises:
        ImportError: scikit-learn or jax missing (the message names the extra).
        TypeError, ValueError: a bad setting (named, with what was given).

    Example:
        >>> mlp = digits_mlp(train_size=100, batch_size=16, hidden=(4,), activation="relu")
        >>> mlp.model.K, len(mlp.train[1])   # 100 = 6 * 16 + 4: the 4 left over are dropped
        (6, 96)
    """
    train_size, batch_size, weight_decay = _check(train_size, batch_size, seed, activation, weight_decay,
                                                  remainder, split_seed)
    widths = _widths(hidden)
    require("data", "digits_mlp")
    require("jax", "digits_mlp")
    import jax
    import jax.numpy as jnp

    (X_train, y_train), test = _split(train_size, split_seed)
    x0 = initial_parameters(widths, seed)
    logits, layers_of = _network(jax, widths, activation)

    def loss(layers, batch):  # the leaves are the layers: ravel(layers) is the flat layout
        X, y = batch
        return (_cross_entropy(jnp, logits(layers, X), y)
                + 0.5 * weight_decay * sum(jnp.sum(leaf * leaf) for leaf in layers))

    params = [np.zeros(shape) for shape in _layer_shapes(widths)]
    model = JaxModel(loss, params, (X_train, y_train), batch_size=batch_size,
                     rng=np.random.default_rng([split_seed, 1]), remainder=remainder)

    def loss_fn(x, X, y):
        return loss(layers_of(x), (X, y))

    def metrics(x, X, y):
        z = logits(layers_of(x), X)
        penalty = 0.5 * weight_decay * jnp.sum(x * x)
        return _cross_entropy(jnp, z, y) + penalty, jnp.mean((jnp.argmax(z, axis=-1) == y).astype(jnp.float64))

    evaluate = {"metrics": jax.jit(jax.vmap(metrics, in_axes=(0, None, None)))}
    x0.setflags(write=False)
    for arr in test:
        arr.setflags(write=False)
    return DigitsMLP(model, x0, tuple(model.data), test, widths, activation, weight_decay, int(seed),
                     int(split_seed), loss_fn, evaluate)
