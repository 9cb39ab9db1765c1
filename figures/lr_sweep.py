r"""Figure 5: stationary variance against the learning rate (C5, C6).

On the 2-D least-squares problem, the total variance :math:`\operatorname{tr} S(h)` of the
stationary law, three ways:

* exact: the Stein equation :math:`S = \mathbb{E}[A S A^\top] + h^2 C_g` (theory.stationary_moments);
* first order (Mandt et al.): :math:`\bar H P + P \bar H = h\, C_g`, with
  :math:`C_g = \sum_k p_k g_k(w^*) g_k(w^*)^\top` the gradient-noise covariance at the
  solution (scipy.linalg.solve_continuous_lyapunov); :math:`S = P + O(h^2)`;
* Monte Carlo: forward chains started at :math:`w^*`, run until the mean-square radius
  :math:`r^n \le` ``BURN_IN``, with the standard error of the mean squared deviation.

In 1-D with curvature :math:`k` and noise :math:`s^2`: exact :math:`h s^2 / (k (2 - h k))`,
first order :math:`h s^2 / (2k)`.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

from revsgd.figures import style
from revsgd.figures._problems import least_squares_2d
from revsgd.theory import mean_square_radius, sample_forward_ensemble, stationary_moments

__all__ = [
    "NAME", "STYLE", "compute", "draw", "lyapunov_covariance", "gradient_noise",
    "FRACTIONS", "MC_FRACTIONS", "CHAINS", "BURN_IN",
]

NAME = "lr_sweep"
STYLE = style.paper("single", aspect=0.8)

#: learning rates as fractions of 2/L (exact and first-order curves, and Monte Carlo points)
FRACTIONS = np.geomspace(0.005, 0.95, 25)
MC_FRACTIONS = np.geomspace(0.01, 0.8, 6)
CHAINS = 4000
BURN_IN = 1e-4


def gradient_noise(model) -> np.ndarray:
    r""":math:`C_g = \sum_k p_k g_k g_k^\top`, :math:`g_k = \nabla L_k(w^*)` (the mean gradient is 0)."""
    w = model.minimizer()
    g = np.stack([model.gradient(k, w) for k in range(model.K)])
    return np.einsum("k,ki,kj->ij", model.probs, g, g)


def lyapunov_covariance(model, lr) -> np.ndarray:
    r"""First-order stationary covariance :math:`P`: :math:`\bar H P + P \bar H = h C_g`."""
    return scipy.linalg.solve_continuous_lyapunov(model.mean_hessian(), lr * gradient_noise(model))


def _monte_carlo(model, lr, rng) -> tuple[float, float]:
    family = model.step_family(lr)
    r = mean_square_radius(family)
    n = math.ceil(math.log(BURN_IN) / math.log(r))
    w = model.minimizer()
    ends = sample_forward_ensemble(family, CHAINS, n, w, rng).final
    sq = np.sum((ends - ends.mean(axis=0)) ** 2, axis=1)
    return float(sq.sum() / (CHAINS - 1)), float(sq.std(ddof=1) / math.sqrt(CHAINS))


def compute(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    model = least_squares_2d()
    top = model.contractive_lr_range().high
    lrs = FRACTIONS * top
    exact = [np.trace(stationary_moments(model.step_family(h))[1]) for h in lrs]
    first = [np.trace(lyapunov_covariance(model, h)) for h in lrs]
    mc_lrs = MC_FRACTIONS * top
    mc = np.array([_monte_carlo(model, h, rng) for h in mc_lrs])
    return {
        "lr": lrs,
        "exact_trace": np.array(exact),
        "lyapunov_trace": np.array(first),
        "mc_lr": mc_lrs,
        "mc_trace": mc[:, 0],
        "mc_stderr": mc[:, 1],
        "mc_exact_trace": np.array(
            [np.trace(stationary_moments(model.step_family(h))[1]) for h in mc_lrs]
        ),
        "lr_max": np.array([top]),
    }


def draw(data, fig) -> None:
    ax = fig.add_subplot()
    ax.plot(data["lr"], data["exact_trace"], **style.role("exact", label="exact (Stein)"))
    ax.plot(data["lr"], data["lyapunov_trace"],
            **style.role("approximate", label="first order (Lyapunov)"))
    ax.errorbar(data["mc_lr"], data["mc_trace"], yerr=2 * data["mc_stderr"], capsize=2,
                **style.role("sample", label="Monte Carlo $\\pm$ 2 s.e."))
    ax.axvline(data["lr_max"][0], **style.role("reference", lw=0.8, label="2/L"))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("learning rate $h$")
    ax.set_ylabel(r"stationary variance $\mathrm{tr}\,S$")
    ax.legend(loc="upper left")
