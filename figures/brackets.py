r"""Figure 6: order matters at second order in the learning rate (C7).

On the 2-D least-squares problem at the start point :math:`x_0`,

.. math::

    T_a \circ T_b(x_0) - T_b \circ T_a(x_0) = h^2 (H_a g_b - H_b g_a)(x_0)
    \quad\text{(exact for quadratics)},

    y_n - x_n = h^2 \sum_{i<j} (H_{\xi_i} g_{\xi_j} - H_{\xi_j} g_{\xi_i})(x_0) + O(h^3),

for one reshuffled word :math:`\xi` of two epochs. Both are drawn on log-log axes against
:math:`h` with a slope-2 reference line.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.figures._problems import least_squares_2d
from revsgd.theory import backward, forward, sample_indices
from revsgd.theory.fits import log_log_slope

__all__ = ["NAME", "STYLE", "compute", "draw", "predicted_gap", "LEARNING_RATES", "PAIR"]

NAME = "brackets"
STYLE = style.paper("single", aspect=0.8)

LEARNING_RATES = np.geomspace(1e-4, 0.3, 18)
#: the two batches of the commutator
PAIR = (0, 1)


def predicted_gap(model, idx, x0) -> np.ndarray:
    r""":math:`\sum_{i<j} (H_{\xi_i} g_{\xi_j} - H_{\xi_j} g_{\xi_i})(x_0)`: the :math:`h^2` coefficient of :math:`y_n - x_n`."""
    g = np.stack([model.gradient(int(k), x0) for k in range(model.K)])
    total = np.zeros(model.dim)
    for i in range(len(idx)):
        for j in range(i + 1, len(idx)):
            a, b = int(idx[i]), int(idx[j])
            total += model.H[a] @ g[b] - model.H[b] @ g[a]
    return total


def compute(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    model = least_squares_2d()
    x0 = model.minimizer() + np.array([0.6, 0.45])
    idx = sample_indices(model.K, 2 * model.K, rng, scheme="reshuffle")
    a, b = PAIR
    bracket, gap = [], []
    for h in LEARNING_RATES:
        fam = model.step_family(h)
        bracket.append(np.linalg.norm(fam.apply(a, fam.apply(b, x0)) - fam.apply(b, fam.apply(a, x0))))
        gap.append(np.linalg.norm(backward(fam, idx, x0)[-1] - forward(fam, idx, x0)[-1]))
    ga, gb = model.gradient(a, x0), model.gradient(b, x0)
    coef_bracket = np.linalg.norm(model.H[a] @ gb - model.H[b] @ ga)
    coef_gap = np.linalg.norm(predicted_gap(model, idx, x0))
    return {
        "lr": LEARNING_RATES,
        "bracket": np.array(bracket),
        "gap": np.array(gap),
        "predicted_bracket": coef_bracket * LEARNING_RATES**2,
        "predicted_gap": coef_gap * LEARNING_RATES**2,
        "word": idx,
    }


def _slope(h, v) -> float:
    return log_log_slope(h, v).slope


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    h = data["lr"]
    half = slice(0, len(h) // 2)
    ax.plot(h, data["bracket"], **style.role("forward", marker=True,
            label=rf"$|T_a T_b - T_b T_a|$, slope {_slope(h[half], data['bracket'][half]):.2f}"))
    ax.plot(h, data["gap"], **style.role("backward", marker=True,
            label=rf"$|y_n - x_n|$, n = {len(data['word'])}, slope {_slope(h[half], data['gap'][half]):.2f}"))
    ax.plot(h, data["predicted_gap"], **style.role("theory", label=r"$h^2 |\sum_{i<j}[H_i g_j - H_j g_i]|$"))
    ax.plot(h, data["predicted_bracket"] / 10, **style.role("reference", label="slope 2"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate $h$")
    ax.set_ylabel("difference of the two orders")
    ax.legend(loc="upper left", fontsize=6)
