r"""The setup shared by the figures of one word on the 2-D least-squares problem.

Figures 1, 2 and 7 (``trajectories``, ``increments``, ``loss_curves``) draw the forward
iterates :math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)` and the backward iterates
:math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)` of one i.i.d. word on
:func:`revsgd.figures._problems.least_squares_2d`, at a fraction of the largest contractive
learning rate, from a start offset from the least-squares solution :math:`w^*`:
:func:`least_squares_start` builds that start, :func:`one_word_paths` the two paths.

Example:

>>> import numpy as np
>>> start = least_squares_start(0.3, (0.6, 0.45))
>>> idx, fwd, bwd = one_word_paths(start.family, start.x0, 5, np.random.default_rng(0))
>>> idx.shape, fwd.shape, bwd.shape, bool(np.all(fwd[0] == bwd[0]))
((5,), (6, 2), (6, 2), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.figures._problems import contracting_lr, least_squares_2d
from revsgd.models import LeastSquares
from revsgd.theory import AffineFamily, backward, forward, sample_word_array

__all__ = ["Start", "least_squares_start", "one_word_paths"]


@dataclass(frozen=True)
class Start:
    """The problem, the learning rate, the step family, the solution and the start of a figure.

    Args:
        model: the :class:`~revsgd.models.LeastSquares` problem.
        lr: the learning rate :math:`h`.
        family: the gradient steps :math:`T_k(w) = w - h \\nabla L_k(w)` at ``lr``.
        solution: the least-squares solution :math:`w^*`.
        x0: the start.
    """

    model: LeastSquares
    lr: float
    family: AffineFamily
    solution: np.ndarray
    x0: np.ndarray


def least_squares_start(lr_fraction: float, offset) -> Start:
    """The 2-D least-squares problem at ``lr_fraction`` of :math:`2/L`, started at :math:`w^* + \\mathrm{offset}`.

    Args:
        lr_fraction: the learning rate as a fraction of the largest contractive one
            (:func:`~revsgd.figures._problems.contracting_lr`).
        offset: the start minus the solution, two numbers.

    Returns:
        a :class:`Start`.
    """
    model = least_squares_2d()
    lr = contracting_lr(model, lr_fraction)
    solution = model.minimizer()
    return Start(model, lr, model.step_family(lr), solution, solution + np.asarray(offset, dtype=float))


def one_word_paths(family, x0, steps: int, rng: np.random.Generator):
    """One i.i.d. word of ``steps`` maps, and the forward and backward paths it gives from ``x0``.

    Args:
        family: the step family.
        x0: the start.
        steps: the length of the word.
        rng: the generator the word is drawn from.

    Returns:
        ``(idx, forward_path, backward_path)``: the word, shape ``(steps,)``, and the iterates
        :math:`x_0 .. x_n` and :math:`y_0 .. y_n`, each of shape ``(steps + 1, d)``.
    """
    idx = sample_word_array(family, 1, steps, rng)[0]
    return idx, forward(family, idx, x0), backward(family, idx, x0)
