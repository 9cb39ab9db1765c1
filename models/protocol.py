r"""The model protocol: what every loss of :mod:`revsgd.models` provides, with one signature each.

A *model* is K batch losses :math:`L_1, \dots, L_K` on :math:`\mathbb{R}^d` with selection
probabilities :math:`p_k`, whose mean :math:`\bar L = \sum_k p_k L_k` is the objective. It is a
:class:`revsgd.theory.GradientOracle` and adds the loss, the minimizer and its steps:

=============================  ===============================================================
``K``, ``dim``, ``probs``      batches, dimension, ``(K,)`` selection probabilities
``loss(k, x)``                 :math:`L_k(x)`: a float, or shape ``(m,)`` for a batch
``gradient(k, x)``             :math:`\nabla L_k(x)`: shape ``(d,)``, or ``(m, d)``
``hvp(k, x, v)``               :math:`\nabla^2 L_k(x)\, v`: shape ``(d,)``, or ``(m, d)``
``minimizer()``                :math:`\arg\min \bar L`, shape ``(d,)``
``step_family(lr)``            the steps :math:`T_k(x) = x - h \nabla L_k(x)`, a ``Family``
``contractive_lr_range()``     the :class:`LearningRateRange` where every step contracts (C4)
=============================  ===============================================================

**Batching** (the rule of :mod:`revsgd.theory.family`): ``k`` first, then ``x`` (then ``v``).
An int ``k`` in ``0..K-1`` goes with ``x`` and ``v`` of shape ``(d,)``; an int array ``k`` of
shape ``(m,)`` goes with ``x`` and ``v`` of shape ``(m, d)``, and row ``i`` is batch ``k[i]``
at ``x[i]``. Bad input raises ValueError or TypeError naming ``k``, ``x`` or ``v``.

Model-specific extras stay on the models (``hessian(k, x)``, ``mean_loss``,
``curvature_bounds()``, per-batch ``strong_convexity()`` and ``smoothness()``, which give the
certificate of :class:`revsgd.theory.GradientSteps`, ...). A new loss is one file: a class with
these members whose ``step_family(lr)`` returns ``GradientSteps(self, lr, self.probs)``.

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025.
"""

from __future__ import annotations

from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from revsgd.theory._validate import as_finite_array, as_index_array, describe

__all__ = ["LearningRateRange", "Model", "batch_args", "batch_index", "check_model"]


class LearningRateRange(NamedTuple):
    r"""The open interval ``(low, high)`` of learning rates where every step contracts.

    .. math::

        h \in (\mathrm{low}, \mathrm{high}) \;\Longrightarrow\; \max_k \operatorname{Lip}(T_k) < 1,
        \qquad \text{e.g. } (0, 2/\max_k L_k) \text{ (C4)}.

    Args:
        low, high: the ends of the interval (``lr in range`` tests ``low < lr < high``).

    Raises:
        Nothing: the ends are stored as given (the models compute them).

    Example:
        >>> lrs = LearningRateRange(0.0, 2.0)
        >>> 1.0 in lrs, 2.0 in lrs
        (True, False)
    """

    low: float
    high: float

    def __contains__(self, lr) -> bool:
        return self.low < lr < self.high


@runtime_checkable
class Model(Protocol):
    r"""Structural interface of a model (module docstring).

    .. math::

        \bar L = \sum_k p_k L_k, \qquad \mathtt{minimizer()} = \arg\min \bar L, \qquad
        \mathtt{step\_family}(h) = \{x \mapsto x - h \nabla L_k(x)\}_k .

    Args:
        k, x, v (of ``loss``, ``gradient``, ``hvp``): an int batch index with points of shape
            ``(dim,)``, or an int array of shape ``(m,)`` with points of shape ``(m, dim)``.
        lr (of ``step_family``): the learning rate :math:`h > 0`.

    Raises:
        ValueError, TypeError: a model's, for a bad ``k``, ``x``, ``v`` or ``lr`` (the protocol
            itself checks only that the members exist).

    Example:
        >>> from revsgd.models import Logistic, NoisyOneDim, Quadratic
        >>> isinstance(NoisyOneDim(), Model), isinstance(Quadratic(np.ones((1, 1, 1)), [[0.0]]), Model)
        (True, True)
    """

    K: int
    dim: int
    probs: np.ndarray

    def loss(self, k, x):  # pragma: no cover - protocol
        ...

    def gradient(self, k, x) -> np.ndarray:  # pragma: no cover - protocol
        ...

    def hvp(self, k, x, v) -> np.ndarray:  # pragma: no cover - protocol
        ...

    def minimizer(self) -> np.ndarray:  # pragma: no cover - protocol
        ...

    def step_family(self, lr):  # pragma: no cover - protocol
        ...

    def contractive_lr_range(self) -> LearningRateRange:  # pragma: no cover - protocol
        ...


def check_model(model, name: str = "model") -> None:
    """Raise TypeError unless ``model`` follows the :class:`Model` protocol.

    Args:
        model: the object to check.
        name: the parameter name for the message.

    Returns:
        None: it checks that the members exist, not what they compute.

    Raises:
        TypeError: a member of the protocol is missing (the message lists them).

    Example:
        >>> check_model(3.0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: model must provide K, dim, probs, loss, gradient, ... got float 3.0 (missing: K, ...)
    """
    members = ("K", "dim", "probs", "loss", "gradient", "hvp", "minimizer", "step_family",
               "contractive_lr_range")
    missing = [m for m in members if not hasattr(model, m)]
    if missing:
        raise TypeError(
            f"{name} must provide {', '.join(members)} (a revsgd.models.Model), got "
            f"{describe(model)} (missing: {', '.join(missing)})"
        )


def batch_args(K: int, dim: int, k, x, v=None):
    """Validate the arguments of a protocol method by the batching rule (module docstring).

    Args:
        K, dim: the model's batches and dimension.
        k: an int in ``0..K-1`` or an int array of shape ``(m,)``.
        x: shape ``(dim,)``, or ``(m, dim)`` with an array ``k``.
        v: optional, the shape of ``x``.

    Returns:
        ``(k, x, single)``, or ``(k, x, v, single)`` when ``v`` is given: ``k`` an int or an
        int64 array, ``x`` (and ``v``) finite float64 arrays, ``single`` whether ``k`` is an int.

    Raises:
        TypeError: a non-integer ``k`` or non-numeric ``x`` or ``v``.
        ValueError: ``k`` out of range, a wrong shape, or non-finite entries.

    Example:
        >>> batch_args(3, 2, 1, [0.5, 1])
        (1, array([0.5, 1. ]), True)
        >>> batch_args(3, 2, np.array([0, 2]), np.zeros((2, 2)))[2]
        False
    """
    k, single = batch_index(K, k)
    x = as_finite_array(x, "x", shape=(dim,) if single else (k.shape[0], dim))
    if v is None:
        return k, x, single
    return k, x, as_finite_array(v, "v", shape=x.shape), single


def batch_index(K: int, k):
    """``(k, single)``: an int batch index in ``0..K-1`` (``single``), or an int64 array of them.

    Raises:
        TypeError: ``k`` neither an int nor an integer array.
        ValueError: an index out of range, or an array that is not 1-D.

    Example:
        >>> batch_index(3, 2), batch_index(3, [0, 1])
        ((2, True), (array([0, 1]), False))
    """
    if np.ndim(k) == 0:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"k must be an int batch index or a 1-D int array, got {describe(k)}")
        if not 0 <= k < K:
            raise ValueError(f"k must lie in 0..{K - 1}, got {k}")
        return int(k), True
    return as_index_array(k, "k", K), False
