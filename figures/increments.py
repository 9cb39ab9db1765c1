r"""Figure 2: step sizes of forward and backward iterates, with the bound of C1.

For one index sequence on the 2-D least-squares problem,

.. math::

    |y_{n+1} - y_n| \le \rho^n C, \qquad
    \rho = \max_k \|I - h H_k\|_2, \quad C = \max_k |T_k(x_0) - x_0|
    \quad\text{(theory.certify)},

while :math:`|x_{n+1} - x_n|` stays of the order of the stationary spread (C3).
"""

from __future__ import annotations

import math

import numpy as np

from revsgd.figures import style
from revsgd.figures._setups import least_squares_start, one_word_paths
from revsgd.theory import certify

__all__ = ["NAME", "STYLE", "compute", "draw", "LR_FRACTION", "MAX_STEPS", "BOUND_FLOOR"]

NAME = "increments"
STYLE = style.paper("single", aspect=0.75)

LR_FRACTION = 0.5
MAX_STEPS = 32
#: stop where the bound falls below this (with MAX_STEPS, backward increments stay well
#: above the round-off of |y| ~ 1, about 1e-16)
BOUND_FLOOR = 1e-9


def compute(seed: int) -> dict:
    """Increments of one forward and one backward path and the certified bound."""
    start = least_squares_start(LR_FRACTION, offset=(0.6, 0.45))
    cert = certify(start.family, start.x0)
    steps = min(MAX_STEPS, math.floor(math.log(BOUND_FLOOR / cert.C) / math.log(cert.rho)))
    _, fwd, bwd = one_word_paths(start.family, start.x0, steps + 1, np.random.default_rng(seed))
    n = np.arange(steps + 1)
    return {
        "n": n,
        "forward_increment": np.linalg.norm(np.diff(fwd, axis=0), axis=1),
        "backward_increment": np.linalg.norm(np.diff(bwd, axis=0), axis=1),
        "bound": cert.cauchy(n),
        "rho": np.array([cert.rho]),
        "C": np.array([cert.C]),
    }


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    n = data["n"]
    ax.plot(n, data["forward_increment"], **style.role("forward", label=r"forward $|x_{n+1}-x_n|$"))
    ax.plot(n, data["backward_increment"],
            **style.role("backward", label=r"backward $|y_{n+1}-y_n|$"))
    rho = data["rho"][0]
    ax.plot(n, data["bound"], **style.role("theory", label=rf"$\rho^n C$, $\rho$ = {rho:.3f}"))
    ax.set_yscale("log")
    ax.set_xlabel("step $n$")
    ax.set_ylabel("increment")
    ax.legend(loc="lower left")
