r"""Figure 8: where a gradient step contracts (C4), and where it contracts on average (C8).

For the 2-D least-squares problem,

.. math::

    \rho(h) = \max_k \|I - h H_k\|_2 = \max_k \max(|1 - h\mu_k|, |1 - h L_k|) < 1
    \iff 0 < h < 2 / \max_k L_k

(``model.contraction_factor``, shaded range ``model.contractive_lr_range()``), beside the
mean-square rate :math:`\sqrt{r(h)}`, :math:`r` the spectral radius of
:math:`\mathbb{E}[A \otimes A]`, which is at most :math:`\rho(h)^2`.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.figures._problems import least_squares_2d
from revsgd.theory import mean_square_radius

__all__ = ["NAME", "STYLE", "compute", "draw", "GRID"]

NAME = "contraction_region"
STYLE = style.paper("single", aspect=0.7)

#: learning rates as fractions of 2/L
GRID = np.linspace(0.0025, 1.3, 520)


def compute(seed: int) -> dict:
    """Deterministic: ``seed`` is accepted for a uniform interface and not used."""
    model = least_squares_2d()
    lo, hi = model.contractive_lr_range()
    lrs = GRID * hi
    return {
        "lr": lrs,
        "contraction_factor": np.array([model.contraction_factor(h) for h in lrs]),
        "mean_square_rate": np.sqrt([mean_square_radius(model.step_family(h)) for h in lrs]),
        "contractive_range": np.array([lo, hi]),
    }


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    lo, hi = data["contractive_range"]
    ax.axvspan(lo, hi, color=style.OKABE_ITO["sky_blue"], alpha=0.25, lw=0,
               label="every step contracts")
    ax.plot(data["lr"], data["contraction_factor"],
            **style.role("exact", label=r"$\max_k \|I - hH_k\|_2$"))
    ax.plot(data["lr"], data["mean_square_rate"],
            **style.role("approximate", label=r"mean-square rate $\sqrt{r(h)}$"))
    ax.axhline(1.0, **style.role("reference", lw=0.8))
    ax.set_xlabel("learning rate $h$")
    ax.set_ylabel("contraction factor")
    ax.set_xlim(0.0, data["lr"][-1])
    ax.legend(loc="upper left", fontsize=6)
