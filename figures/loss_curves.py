r"""Figure 7: training loss of forward and backward iterates on a least-squares problem.

Excess mean loss :math:`L(w) - L(w^*)`, :math:`L = \sum_k p_k L_k` (``model.mean_loss``), along
one forward path :math:`x_n` and one backward path :math:`y_n` of the same word, and the
average over ``CHAINS`` independent forward chains. Because :math:`L` is quadratic and the
stationary mean is :math:`w^*` (C6),

.. math::

    \mathbb{E}_\pi L(x) - L(w^*) = \tfrac12 \operatorname{tr}(\bar H S),

with :math:`S` the exact stationary covariance: the level the forward chains settle at.
The backward path settles at :math:`L(y_\infty)`, one random point's loss.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.figures._setups import least_squares_start, one_word_paths
from revsgd.theory import forward_ensemble, sample_word_array, stationary_moments

__all__ = ["NAME", "STYLE", "compute", "draw", "mean_losses", "LR_FRACTION", "STEPS", "CHAINS"]

NAME = "loss_curves"
STYLE = style.paper("single", aspect=0.75)

LR_FRACTION = 0.3
STEPS = 150
CHAINS = 2000


def mean_losses(model, W) -> np.ndarray:
    r""":math:`L(w_i) = \tfrac12 w_i^\top \bar H w_i - \bar q^\top w_i + \bar r` for each row of ``W``."""
    Hbar = model.mean_hessian()
    return 0.5 * np.einsum("mi,ij,mj->m", W, Hbar, W) - W @ (model.probs @ model.q) + model.probs @ model.r


def compute(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    start = least_squares_start(LR_FRACTION, offset=(2.0, -1.5))
    model, family = start.model, start.family
    best = model.mean_loss(start.solution)
    _, fwd, bwd = one_word_paths(family, start.x0, STEPS, rng)
    many = sample_word_array(family, CHAINS, STEPS, rng)
    states = forward_ensemble(family, many, start.x0, record=np.arange(STEPS + 1)).recorded
    excess = np.stack([mean_losses(model, X) - best for X in states])  # (steps + 1, chains)
    ens_mean, ens_se = excess.mean(axis=1), excess.std(axis=1, ddof=1) / np.sqrt(CHAINS)
    S = stationary_moments(family)[1]
    return {
        "step": np.arange(STEPS + 1),
        "forward_excess": np.array([model.mean_loss(w) for w in fwd]) - best,
        "backward_excess": np.array([model.mean_loss(w) for w in bwd]) - best,
        "ensemble_excess": ens_mean,
        "ensemble_stderr": ens_se,
        "stationary_excess": np.array([0.5 * np.trace(model.mean_hessian() @ S)]),
        "min_loss": np.array([best]),
    }


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    n = data["step"]
    ax.plot(n, data["forward_excess"], lw=0.8, **style.role("forward", label="forward $x_n$"))
    ax.plot(n, data["backward_excess"], **style.role("backward", label="backward $y_n$"))
    ax.plot(n, data["ensemble_excess"],
            **style.role("exact", label="forward, mean of chains"))
    ax.axhline(data["stationary_excess"][0],
               **style.role("theory", label=r"$\frac{1}{2}\mathrm{tr}(\bar H S)$ (stationary)"))
    ax.set_yscale("log")
    ax.set_xlabel("step $n$")
    ax.set_ylabel(r"excess loss $L(w) - L(w^*)$")
    ax.legend(loc="upper right", fontsize=6)
