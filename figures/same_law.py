r"""Figure 3: forward and backward iterates have the same law (C2), and its limit.

Two-batch quadratic, :math:`T_\pm(x) = (1-h)x \pm h`, started at :math:`x_0`. Many independent
words give empirical CDFs of :math:`x_n` (forward) and :math:`y_n` (backward):

* at a small n both match the exact law of :math:`x_n`, enumerated over all :math:`2^n` words;
* at a large n both match the stationary CDF: uniform on :math:`[-1, 1]` at :math:`h = 1/2`,
  and :math:`F(x) = \mathrm{Cantor}((x+1)/2)` at :math:`h = 2/3`.

CDFs are stored on a grid; by the Dvoretzky-Kiefer-Wolfowitz inequality each empirical
CDF is within :math:`\sqrt{\log(2/\alpha)/(2m)}` of the true one with probability
:math:`\ge 1 - \alpha`.
"""

from __future__ import annotations

import itertools

import numpy as np

from revsgd.figures import style
from revsgd.models import two_batch_quadratic
from revsgd.theory import backward_ensemble, cantor_cdf, forward_ensemble, sample_word_array

__all__ = ["NAME", "STYLE", "compute", "draw", "PANELS", "CHAINS", "X0"]

NAME = "same_law"
STYLE = style.paper("double", aspect=0.3)

#: (learning rate, steps) of the three panels
PANELS = ((2.0 / 3.0, 3), (0.5, 60), (2.0 / 3.0, 60))
CHAINS = 20000
X0 = 0.3
_GRID = np.linspace(-1.05, 1.05, 421)


def _stationary_cdf(lr, x) -> np.ndarray:
    if lr == 0.5:
        return np.clip((x + 1.0) / 2.0, 0.0, 1.0)
    if lr == 2.0 / 3.0:
        return cantor_cdf((x + 1.0) / 2.0)
    raise ValueError(f"no closed-form stationary CDF for lr = {lr!r}; known: 1/2 and 2/3")


def _ecdf(samples, x) -> np.ndarray:
    return np.searchsorted(np.sort(samples), x, side="right") / samples.size


def compute(seed: int) -> dict:
    """ECDFs of forward and backward end points on a grid, and the exact CDFs, per panel."""
    rng = np.random.default_rng(seed)
    model = two_batch_quadratic()
    data = {"x": _GRID, "chains": np.array([CHAINS]), "x0": np.array([X0])}
    for p, (lr, n) in enumerate(PANELS):
        family = model.step_family(lr)
        idx = sample_word_array(family, CHAINS, n, rng)
        fwd = forward_ensemble(family, idx, [X0]).final[:, 0]
        bwd = backward_ensemble(family, idx[::-1], [X0]).final[:, 0]  # other chains' words
        if p == 0:
            every = np.array(list(itertools.product(range(family.K), repeat=n)))
            exact = _ecdf(forward_ensemble(family, every, [X0]).final[:, 0], _GRID)
        else:
            exact = _stationary_cdf(lr, _GRID)
        data[f"forward_cdf_{p}"] = _ecdf(fwd, _GRID)
        data[f"backward_cdf_{p}"] = _ecdf(bwd, _GRID)
        data[f"exact_cdf_{p}"] = exact
    data["lr"] = np.array([lr for lr, _ in PANELS])
    data["steps"] = np.array([n for _, n in PANELS])
    return data


def draw(data, fig) -> None:
    axes = fig.subplots(1, len(data["lr"]), sharey=True)
    names = ["exact law of $x_n$ (all words)", "uniform on [-1, 1]", "Cantor: 2C - 1"]
    for p, ax in enumerate(axes):
        lr, n = data["lr"][p], int(data["steps"][p])
        x = data["x"]
        ax.plot(x, data[f"exact_cdf_{p}"], lw=2.4, alpha=0.5, drawstyle="steps-post",
                **style.role("exact", label=names[p]))
        ax.plot(x, data[f"forward_cdf_{p}"], drawstyle="steps-post",
                **style.role("forward", label="forward $x_n$"))
        ax.plot(x, data[f"backward_cdf_{p}"], drawstyle="steps-post",
                **style.role("backward", label="backward $y_n$"))
        frac = "1/2" if abs(lr - 0.5) < 1e-12 else "2/3"
        ax.set_title(f"h = {frac}, n = {n}")
        ax.set_xlabel("$x$")
        ax.legend(loc="upper left", fontsize=6)
    axes[0].set_ylabel("CDF")
