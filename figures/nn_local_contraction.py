r"""Figure: is the digits MLP's region contractive? Hessian extremes and measured contraction vs backward rates.

Left: for every setting of a digits run with curvature measured
(:func:`revsgd.experiments.contraction.curvature_at`, Lanczos on HVPs at the forward end point
:math:`x_n`), the scaled extreme eigenvalues :math:`h \min_k \lambda_{\min}(\nabla^2 L_k)` and
:math:`h \max_k \lambda_{\max}(\nabla^2 L_k)` of the batch Hessians (filled markers) and
:math:`h\lambda_{\min}`, :math:`h\lambda_{\max}` of the full-data Hessian (open markers), against
the learning rate. The gradient steps are contractions (C4) where every value lies in the
shaded window :math:`0 < h\lambda < 2`; a value below 0 (:math:`\mu \le 0`, e.g. the flat
directions without weight decay) or above 2 means some batch map expands there.

Right: per seed and setting, the measured local contraction factor (the median per-step
factor of random small perturbations over words of a few steps at late forward states,
:func:`revsgd.experiments.contraction.local_contraction`) against the fitted geometric rate
:math:`r` of the backward increments :math:`|y_{t+1} - y_t|`
(:func:`revsgd.experiments.contraction.increment_rate`), with the diagonal. Rates at or above
1 mean the backward iterates had not settled (the region is not contractive for them).

``compute(seed)`` runs the small :data:`revsgd.experiments.digits.FIGURE` configuration;
``revsgd experiment digits --out DIR`` draws it from its own results with :func:`from_results`.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style

__all__ = ["NAME", "REQUIRES", "STYLE", "compute", "draw", "from_results"]

NAME = "nn_local_contraction"
REQUIRES = ("data", "jax")
STYLE = style.paper("double", aspect=0.4)

_WD_MARKERS = ("o", "s", "^", "D")


def from_results(results) -> dict:
    """The figure's columns from a digits JSON object (its ``"curvature"`` points).

    Columns ``curv_*`` (one row per point with curvature): ``lr``, ``weight_decay``, ``seed``,
    ``batch_low``, ``batch_high`` (extremes over batches), ``full_low``, ``full_high``, at the
    forward end point, and ``bwd_batch_low``, ``bwd_batch_high``, ``bwd_full_low``,
    ``bwd_full_high`` at the backward end point; columns ``rate_*`` (one row per point with a
    fitted backward increment rate): ``lr``, ``weight_decay``, ``seed``, ``factor`` (forward
    median), ``backward_factor`` (backward median), ``rate``, ``rate_se``.
    """
    points = results["curvature"]["points"]
    curved = [p for p in points if "forward_end" in p]
    data = {}
    for key in ("lr", "weight_decay", "seed"):
        data[f"curv_{key}"] = np.array([p[key] for p in curved], dtype=float)
    for prefix, end in (("", "forward_end"), ("bwd_", "backward_end")):
        data[f"curv_{prefix}batch_low"] = np.array([min(p[end]["batch_low"]) for p in curved])
        data[f"curv_{prefix}batch_high"] = np.array([max(p[end]["batch_high"]) for p in curved])
        data[f"curv_{prefix}full_low"] = np.array([p[end]["full_low"] for p in curved])
        data[f"curv_{prefix}full_high"] = np.array([p[end]["full_high"] for p in curved])
    rated = [p for p in points if p["increment_rate"]["backward"] is not None]
    for key in ("lr", "weight_decay", "seed"):
        data[f"rate_{key}"] = np.array([p[key] for p in rated], dtype=float)
    data["rate_factor"] = np.array([p["local_contraction"]["forward_median"] for p in rated])
    data["rate_backward_factor"] = np.array([p["local_contraction"]["backward_median"] for p in rated])
    data["rate_rate"] = np.array([p["increment_rate"]["backward"]["rate"] for p in rated])
    data["rate_rate_se"] = np.array([p["increment_rate"]["backward"]["se"] for p in rated])
    return data


def compute(seed: int) -> dict:
    from revsgd.experiments.digits import figure_results

    return from_results(figure_results(seed))


def draw(data, fig) -> None:
    left, right = fig.subplots(1, 2)
    decays = list(dict.fromkeys(data["curv_weight_decay"].tolist() + data["rate_weight_decay"].tolist()))
    h = data["curv_lr"]
    left.axhspan(0.0, 2.0, color="#dddddd", linewidth=0, label=r"contractive: $0 < h\lambda < 2$")
    for i, wd in enumerate(decays):
        sel = data["curv_weight_decay"] == wd
        mk = _WD_MARKERS[i % len(_WD_MARKERS)]
        shift = 1.08 ** (i - (len(decays) - 1) / 2)  # the weight decays side by side at each h
        for key, colour, fill, text in (
                ("batch_high", "vermillion", True, r"$h \max_k \lambda_{\max}$ (batches)"),
                ("batch_low", "blue", True, r"$h \min_k \lambda_{\min}$ (batches)"),
                ("full_high", "vermillion", False, r"$h \lambda_{\max}$ (full data)"),
                ("full_low", "blue", False, r"$h \lambda_{\min}$ (full data)")):
            c = style.OKABE_ITO[colour]
            left.plot(h[sel] * shift, h[sel] * data[f"curv_{key}"][sel], linestyle="None", marker=mk, color=c,
                      markerfacecolor=c if fill else "none", label=f"{text}, wd {wd:g}")
    left.set_xscale("log")
    left.set_yscale("symlog", linthresh=1e-2)
    left.set_xlabel("learning rate $h$")
    left.set_ylabel(r"$h \lambda$ at the forward end point")
    left.legend(fontsize=4, loc="upper left", ncol=2, handletextpad=0.2, columnspacing=0.5)
    top = max(2.0, float(np.max(h * data["curv_batch_high"], initial=2.0)))
    left.set_ylim(top=50 * top)  # room for the legend above the points
    for i, wd in enumerate(decays):
        sel = data["rate_weight_decay"] == wd
        right.errorbar(data["rate_factor"][sel], data["rate_rate"][sel], yerr=data["rate_rate_se"][sel],
                       linestyle="None", marker=_WD_MARKERS[i % len(_WD_MARKERS)], capsize=2, markersize=3,
                       label=f"weight decay {wd:g}")
    both = np.concatenate([data["rate_factor"], data["rate_rate"]]) if data["rate_rate"].size else np.ones(1)
    lo, hi = float(both.min()), float(both.max())
    pad = 0.05 * (hi - lo) + 1e-4
    line = np.array([lo - pad, hi + pad])
    right.plot(line, line, **style.role("theory", label="rate = factor"))
    right.axhline(1.0, **style.role("reference", linewidth=0.6))
    right.set_xlabel("measured local contraction factor per step")
    right.set_ylabel(r"backward increment rate $r$")
    right.legend(fontsize=5, loc="best")
