r"""Figure 1: forward and backward paths of one batch sequence on a 2-D least-squares problem.

With the same words :math:`\xi_1, \dots, \xi_n` the forward iterates
:math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)` keep wandering while the backward
iterates :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)` settle on one point (C1).
Both are drawn with the least-squares solution :math:`w^*` and the ellipse

.. math::

    \{ m + 2 S^{1/2} u : |u| = 1 \}, \qquad (m, S) = \text{stationary\_moments}(T),

where forward end points of many independent chains lie (C2, C5); :math:`m = w^*` (C6).
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.figures._setups import least_squares_start, one_word_paths
from revsgd.theory import sample_forward_ensemble, stationary_moments

__all__ = ["NAME", "STYLE", "compute", "draw", "LR_FRACTION", "STEPS", "CHAINS", "ELLIPSE_RADIUS"]

NAME = "trajectories"
STYLE = style.paper("single", aspect=1.1)

#: learning rate as a fraction of the largest contractive one, 2/L
LR_FRACTION = 0.3
#: steps of the drawn paths, and of the cloud chains
STEPS = 60
#: independent forward chains in the cloud
CHAINS = 1500
#: the ellipse is the set of Mahalanobis radius 2 around the stationary mean
ELLIPSE_RADIUS = 2.0


def ellipse(mean, cov, radius=ELLIPSE_RADIUS, points=181) -> np.ndarray:
    r"""Points :math:`m + r\,L u(\theta)` with :math:`L L^\top = S`: the Mahalanobis circle of radius r."""
    theta = np.linspace(0.0, 2.0 * np.pi, points)
    circle = np.stack([np.cos(theta), np.sin(theta)])
    return (mean[:, None] + radius * np.linalg.cholesky(cov) @ circle).T


def compute(seed: int) -> dict:
    """Paths, solution, stationary ellipse and a cloud of forward end points."""
    rng = np.random.default_rng(seed)
    start = least_squares_start(LR_FRACTION, offset=(0.6, 0.45))
    idx, fwd, bwd = one_word_paths(start.family, start.x0, STEPS, rng)
    mean, cov = stationary_moments(start.family)
    ring = ellipse(mean, cov)
    cloud = sample_forward_ensemble(start.family, CHAINS, STEPS, start.x0, rng).final
    return {
        "step": np.arange(STEPS + 1),
        "batch": np.concatenate([[-1], idx]),
        "forward_w1": fwd[:, 0],
        "forward_w2": fwd[:, 1],
        "backward_w1": bwd[:, 0],
        "backward_w2": bwd[:, 1],
        "solution": start.solution,
        "stationary_mean": mean,
        "stationary_cov": cov.reshape(-1),
        "ellipse_w1": ring[:, 0],
        "ellipse_w2": ring[:, 1],
        "cloud_w1": cloud[:, 0],
        "cloud_w2": cloud[:, 1],
        "lr": np.array([start.lr]),
        "x0": start.x0,
    }


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    ax.scatter(data["cloud_w1"], data["cloud_w2"], s=1.0, color="#BBBBBB", linewidths=0,
               label=f"{len(data['cloud_w1'])} chains' $x_{{{len(data['step']) - 1}}}$",
               rasterized=True)
    ax.plot(data["ellipse_w1"], data["ellipse_w2"],
            **style.role("theory", label="stationary law, 2 s.d. (exact)"))
    ax.plot(data["forward_w1"], data["forward_w2"], lw=0.8,
            **style.role("forward", marker=True, markersize=1.5, label="forward $x_n$"))
    ax.plot(data["backward_w1"], data["backward_w2"], lw=0.8,
            **style.role("backward", marker=True, markersize=1.5, label="backward $y_n$"))
    ax.plot(data["x0"][:1], data["x0"][1:], "k^", markersize=4, label="$x_0$")
    ax.plot(data["solution"][:1], data["solution"][1:], "k*", markersize=6,
            label="least-squares $w^*$")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(f"same batches, two orders (h = {data['lr'][0]:.3g})")
    fig.legend(loc="outside lower center", ncols=2, handlelength=1.8)
