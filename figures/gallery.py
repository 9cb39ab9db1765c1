r"""Figure 4: stationary laws of the two-batch quadratic for several learning rates.

:math:`T_\pm(x) = \lambda x \pm h`, :math:`\lambda = 1 - h`. The stationary law is the law of
:math:`y_\infty = h \sum_{j \ge 1} \lambda^{j-1} c_{\xi_j}`, :math:`c = \pm 1`; it has mean 0 and
variance :math:`h / (2 - h)`, lives on :math:`[-1, 1]`, is uniform at :math:`h = 1/2`, and for
:math:`h > 1/2` leaves the gap :math:`(1 - 2h, 2h - 1)` empty (since
:math:`T_-([-1,1]) = [-1, 1-2h]` and :math:`T_+([-1,1]) = [2h-1, 1]`): at :math:`h = 2/3`
it is :math:`2\,\mathrm{Cantor} - 1`. At :math:`\lambda = 1/\varphi` (golden ratio) it is
a famous singular Bernoulli convolution.

Draws are certified backward limits (C10): each word is composed to the depth where
:math:`\rho^n C / (1 - \rho) \le` ``TOL``.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.models import two_batch_quadratic
from revsgd.theory import certify, sample_backward_ensemble, stationary_moments

__all__ = ["NAME", "STYLE", "compute", "draw", "LEARNING_RATES", "DRAWS", "BINS", "TOL"]

NAME = "gallery"
STYLE = style.paper("double", aspect=0.28, nrows=2)

GOLDEN = (1.0 + 5.0**0.5) / 2.0
#: learning rates shown: 1 - 1/phi makes lambda = 1/phi
LEARNING_RATES = (0.1, 1.0 - 1.0 / GOLDEN, 0.5, 0.6, 2.0 / 3.0, 0.8)
DRAWS = 50000
BINS = 120
TOL = 1e-9


def compute(seed: int) -> dict:
    """Histogram (density) of certified stationary draws per learning rate, and moments."""
    rng = np.random.default_rng(seed)
    model = two_batch_quadratic()
    edges = np.linspace(-1.0, 1.0, BINS + 1)
    data = {"lr": np.array(LEARNING_RATES), "bin_edges": edges}
    sample_mean, sample_var, exact_var, depth = [], [], [], []
    for i, lr in enumerate(LEARNING_RATES):
        family = model.step_family(lr)
        n = certify(family, [0.0]).steps_for(TOL)
        draws = sample_backward_ensemble(family, DRAWS, n, [0.0], rng).final[:, 0]
        data[f"density_{i}"] = np.histogram(draws, bins=edges, density=True)[0]
        sample_mean.append(draws.mean())
        sample_var.append(draws.var(ddof=1))
        exact_var.append(stationary_moments(family)[1][0, 0])
        depth.append(n)
    data["sample_mean"] = np.array(sample_mean)
    data["sample_variance"] = np.array(sample_var)
    data["stationary_variance"] = np.array(exact_var)
    data["depth"] = np.array(depth)
    data["draws"] = np.array([DRAWS])
    return data


def _label(lr) -> str:
    if abs(lr - (1.0 - 1.0 / GOLDEN)) < 1e-12:
        return r"h = 1 - 1/$\varphi$"
    if abs(lr - 2.0 / 3.0) < 1e-12:
        return "h = 2/3"
    return f"h = {lr:g}"


def draw(data, fig) -> None:
    lrs = data["lr"]
    axes = fig.subplots(2, (len(lrs) + 1) // 2, sharex=True).ravel()
    edges = data["bin_edges"]
    for i, (ax, lr) in enumerate(zip(axes, lrs)):
        ax.stairs(data[f"density_{i}"], edges, fill=True, color=style.OKABE_ITO["sky_blue"],
                  label="certified backward draws")
        ax.set_title(f"{_label(lr)}, var = {data['stationary_variance'][i]:.3f}")
        ax.set_yticks([])
        if i >= len(axes) // 2:
            ax.set_xlabel("$x$")
    for ax in axes[len(lrs):]:
        ax.set_visible(False)
    axes[0].set_ylabel("density")
    axes[len(axes) // 2].set_ylabel("density")
