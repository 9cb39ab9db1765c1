r"""An iteration order as a value: how it draws its word, how it runs a family, what it costs.

In the manner of optax's gradient transformations (a step is a small value holding pure
functions), an :class:`Order` is a frozen object with

* ``draw(family, n_epochs, rng)``: the word :math:`\xi_1, \dots, \xi_n`, :math:`n = E K`,
  drawn from a ``numpy.random.Generator`` (i.i.d. with law ``family.probs``, or epochs of
  uniform permutations, ...);
* ``run(family, word, x0)``: the :class:`~revsgd.theory.run.Run` whose row :math:`j` is the
  state after :math:`j` steps of this order on ``word``;
* ``cost(n, depth)``: the map applications a general family (whose maps can only be
  applied) spends on a run of :math:`n` steps composed exactly to ``depth``
  (``depth = n`` unless a certificate stopped the run);

plus a ``name``, a legend ``label``, its hyperparameters ``params`` and ``step_fraction``,
the fraction of the learning rate the order's maps take (0.5 for half steps). Built-in
orders are made by the constructors of :mod:`revsgd.theory.orders`; a new order is one
module that builds an :class:`Order` from its three functions, and everything that takes
orders (tests, the orders figure) runs it unchanged. :meth:`Order.sample` draws a word and
runs it: that is the whole of what used to be a dispatch on names.

References:
    optax (``GradientTransformation``, ``optax/_src/base.py``) for the design; arXiv:2502.01557
    for the orders.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from revsgd.theory._validate import as_generator, as_nonnegative_int, as_positive_float
from revsgd.theory.family import check_family, check_point
from revsgd.theory.run import Run

__all__ = ["Order"]


@dataclass(frozen=True)
class Order:
    r"""An iteration order (module docstring): name, word law, composition and cost.

    .. math::

        \mathtt{sample}(F, E, x_0, \mathrm{rng}) = \mathtt{run}\bigl(F,\ \xi, x_0\bigr),
        \qquad \xi = \mathtt{draw}(F, E, \mathrm{rng}) \in \{0..K-1\}^{EK} .

    Attributes:
        name: a non-empty identifier, e.g. ``"moving_window"``.
        draw: ``draw(family, n_epochs, rng) -> word``, ``(n_epochs * K,)`` int64, ``rng`` a
            ``numpy.random.Generator``.
        run: ``run(family, word, x0) -> Run``.
        cost: ``cost(n, depth) -> int``, applications for a general family.
        label: legend text (default: the name with spaces).
        params: the hyperparameters as ``(name, value)`` pairs, e.g. ``(("window", 2),)``.
        step_fraction: the fraction of the learning rate the order's maps take (0.5: half
            steps; pass ``model.step_family(step_fraction * lr)``).

    Args:
        name, draw, run, cost, label, params, step_fraction: the attributes, in this order
            (the last three optional).

    Raises:
        TypeError / ValueError: a field of the wrong kind (named).

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> from revsgd.theory.iterate import forward
        >>> cyclic = Order(
        ...     "cyclic",
        ...     draw=lambda family, n_epochs, rng: np.tile(np.arange(family.K), n_epochs),
        ...     run=lambda family, word, x0: Run(word, forward(family, word, x0), word.size, word.size),
        ...     cost=lambda n, depth: n,
        ... )
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> run = cyclic.sample(fam, 2, [0.0], rng=0)
        >>> run.word.tolist(), cyclic.label, cyclic.cost(run.n, run.depth)
        ([0, 1, 0, 1], 'cyclic', 4)
    """

    name: str
    draw: Callable[..., np.ndarray]
    run: Callable[..., Run]
    cost: Callable[[int, int], int]
    label: str = ""
    params: tuple = ()
    step_fraction: float = 1.0

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"name must be a non-empty string, got {self.name!r}")
        for field in ("draw", "run", "cost"):
            if not callable(getattr(self, field)):
                raise TypeError(f"{field} must be callable, got {type(getattr(self, field)).__name__}")
        if not isinstance(self.label, str):
            raise TypeError(f"label must be a string, got {type(self.label).__name__}")
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " "))
        if not isinstance(self.params, tuple) or not all(
            isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in self.params
        ):
            raise TypeError(f"params must be a tuple of (name, value) pairs, got {self.params!r}")
        object.__setattr__(self, "step_fraction", as_positive_float(self.step_fraction, "step_fraction"))

    def param(self, key: str, default=None):
        """The hyperparameter ``key`` (``default`` when the order has none of that name).

        Example:
            >>> Order("o", len, len, max, params=(("window", 3),)).param("window")
            3
        """
        return dict(self.params).get(key, default)

    def sample(self, family, n_epochs, x0, rng=None) -> Run:
        r"""Draw a word of ``n_epochs`` epochs of K steps and run this order on it.

        Args:
            family: a :class:`revsgd.theory.Family` (for ``step_fraction < 1`` the family of
                those shorter steps).
            n_epochs: number of epochs, >= 0 (``n = n_epochs * K`` steps).
            x0: start point, shape ``(d,)``.
            rng: a ``numpy.random.Generator``, an int seed or None.

        Returns:
            the :class:`~revsgd.theory.run.Run` of ``run(family, draw(family, n_epochs, rng), x0)``.

        Raises:
            TypeError / ValueError: a bad family, ``n_epochs``, start or rng (named), and
                what the order's own functions refuse.
        """
        check_family(family)
        n_epochs = as_nonnegative_int(n_epochs, "n_epochs")
        x0 = check_point(family, x0)
        gen = as_generator(rng)
        return self.run(family, self.draw(family, n_epochs, gen), x0)
