r"""Figure: backward convergence where single maps do not contract (C8).

Backward increments :math:`|y_{n+1} - y_n|` (median over independent runs, computed
without cancellation by :func:`revsgd.theory.lyapunov.backward_increments`) against n, with the
line :math:`e^{\hat\gamma n}` of the estimated top Lyapunov exponent:

* slopes 1/2 and 3/2 in 1-D (one map expands; :math:`\gamma = \frac12\log\frac34`);
* least squares with batch size 1 in d = 3 (every step has Lipschitz constant 1);
* two rotations of the plane (a negative control: :math:`\gamma = 0`, no convergence).
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.models.least_squares import LeastSquares
from revsgd.theory.family import AffineFamily
from revsgd.theory.lyapunov import backward_increments, lyapunov_exponent
from revsgd.theory.sequences import sample_indices

__all__ = ["NAME", "STYLE", "compute", "draw", "CASES", "RUNS"]

NAME = "lyapunov_rates"
STYLE = style.paper("double", aspect=0.35)
RUNS = 40


def _rotation(angle):
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def _least_squares_batch_one() -> AffineFamily:
    rng = np.random.default_rng(1)
    model = LeastSquares(rng.standard_normal((30, 3)), rng.standard_normal(30), batch_size=1)
    return model.step_family(0.5 / np.linalg.eigvalsh(model.H).max())


#: (column prefix, label, family builder, steps)
CASES = (
    ("expanding", "slopes 1/2, 3/2 (d = 1)", lambda: AffineFamily([[[0.5]], [[1.5]]], [[1.0], [1.0]]), 300),
    ("lsq", "least squares, batch 1 (d = 3)", _least_squares_batch_one, 2000),
    ("rotation", "rotations (control)", lambda: AffineFamily(
        np.stack([_rotation(0.3), _rotation(1.1)]), np.eye(2)), 2000),
)


def compute(seed: int) -> dict:
    """Median backward increments over RUNS runs and the estimated exponent, per case."""
    rng = np.random.default_rng(seed)
    data = {}
    for prefix, _, build, steps in CASES:
        fam = build()
        x0 = np.zeros(fam.dim)
        logs = np.array([
            np.log(backward_increments(fam, sample_indices(fam.K, steps, rng, probs=fam.probs), x0))
            for _ in range(RUNS)
        ])
        est = lyapunov_exponent(fam, n=4000, runs=16, rng=rng)
        median = np.median(logs, axis=0)
        n = np.arange(steps)
        data[f"{prefix}_n"] = n
        data[f"{prefix}_median_increment"] = np.exp(median)
        data[f"{prefix}_exponent_line"] = np.exp(median[0] + est.exponent * n)
        data[f"{prefix}_gamma"] = np.array([est.exponent, *est.interval])
    return data


def draw(data, fig) -> None:
    axes = fig.subplots(1, len(CASES), sharey=False)
    for ax, (prefix, label, _, _) in zip(axes, CASES):
        n = data[f"{prefix}_n"]
        gamma, low, high = data[f"{prefix}_gamma"]
        ax.plot(n, data[f"{prefix}_median_increment"],
                **style.role("backward", label=r"median $|y_{n+1}-y_n|$"))
        ax.plot(n, data[f"{prefix}_exponent_line"],
                **style.role("theory", label=rf"$e^{{\hat\gamma n}}$, $\hat\gamma$ = {gamma:.3g}"))
        ax.set_yscale("log")
        low_y, high_y = ax.get_ylim()
        if high_y / low_y < 100:  # a flat curve (isometries): show two decades, not round-off
            mid = np.sqrt(low_y * high_y)
            ax.set_ylim(mid / 10, mid * 10)
        ax.set_title(label)
        ax.set_xlabel("step $n$")
        ax.legend(loc="lower left")
    axes[0].set_ylabel("backward increment")
