r"""The digits experiment's JSON object and its table of findings.

:func:`setting_entry` turns one setting's records and curves into its ``"runs"`` entry,
:func:`assemble` builds the whole object (layout in :mod:`revsgd.experiments.digits`), and
:func:`findings` compares each of the paper's claims with what was measured:

================================================  ========================  ==========
claim (arXiv:2502.01557)                           measured per seed         direction
================================================  ========================  ==========
backward is more stable                            late fluctuation          lower
backward converges faster                          train loss at n/4         lower
backward has better final test accuracy            final test accuracy       higher
each approximation is more stable than forward     late fluctuation          lower
================================================  ========================  ==========

Each claim is tested in every setting by the paired t-test of
:func:`revsgd.experiments.metrics.compare` (level :data:`revsgd.experiments.metrics.ALPHA`
per setting, no correction for the number of settings: read a claim that holds in one
setting out of six with that in mind). A claim *reproduces* where the order differs from
forward in the claimed direction at that level, is *opposite* where it differs the other way,
and is *not resolved* otherwise.

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025.
"""

from __future__ import annotations

from dataclasses import asdict

from revsgd.experiments.contraction import BASIS
from revsgd.experiments.metrics import ALPHA, METRICS, TAIL, compare, early_value, late_fluctuation, mean_se
from revsgd.experiments.runs import ORDER_NAMES

__all__ = ["CLAIMS", "COMPARISONS", "assemble", "findings", "findings_table", "setting_entry", "settings_meta"]

#: The paper's claims: (key, text, the orders compared with forward, summary metric).
CLAIMS = (
    ("more_stable", "backward SGD is more stable (late fluctuation of the train loss)", ("backward",),
     "late_fluctuation"),
    ("converges_faster", "backward SGD converges faster (train loss at n/4)", ("backward",), "early_train_loss"),
    ("better_test_accuracy", "backward SGD reaches a better final test accuracy (limited data)", ("backward",),
     "final_test_accuracy"),
    ("approximations_help", "the practical approximations are more stable than forward (late fluctuation)",
     ("block_backward", "moving_window", "palindromic", "bracket_corrected"), "late_fluctuation"),
)
#: Each summary compared with forward: (metric, the direction the paper claims, compare logs).
COMPARISONS = (("late_fluctuation", "lower", True), ("early_train_loss", "lower", True),
               ("final_test_accuracy", "higher", False))


def _summary(record, curve, n) -> dict:
    return {
        "late_fluctuation": late_fluctuation(curve["train_loss"], record.step, n),
        "early_train_loss": early_value(curve["train_loss"], record.step, n),
        "final_train_loss": curve["train_loss"][:, -1],
        "final_test_accuracy": curve["test_accuracy"][:, -1],
    }


def setting_entry(cfg, lr, wd, records, curves) -> dict:
    """One ``"runs"`` entry: the curves, the summaries with their paired comparisons, the cost.

    Args:
        cfg: the :class:`revsgd.experiments.digits.DigitsConfig`; lr, wd: the setting.
        records: order name -> :class:`revsgd.experiments.runs.OrderRecord`.
        curves: order name -> the dict of :func:`revsgd.experiments.metrics.order_metrics`.

    Returns:
        ``{"lr", "weight_decay", "orders", "summary", "cost"}``.
    """
    raw = {name: _summary(records[name], curves[name], cfg.steps) for name in records}
    summary = {}
    for name, values in raw.items():
        summary[name] = {key: mean_se(v) for key, v in values.items()}
        if name != "forward":
            summary[name]["vs_forward"] = {key: compare(values[key], raw["forward"][key], direction, log=log)
                                           for key, direction, log in COMPARISONS}
    orders = {name: {"label": rec.label, "step": rec.step.tolist(),
                     **{m: curves[name][m].tolist() for m in METRICS}} for name, rec in records.items()}
    cost = {name: {"gradients": rec.gradients, "all_iterates": rec.all_iterates, "seconds": rec.seconds}
            for name, rec in records.items()}
    return {"lr": lr, "weight_decay": wd, "orders": orders, "summary": summary, "cost": cost}


def settings_meta(cfg, mlp) -> dict:
    """The config with the sizes it implies and the conventions of the run."""
    return {**asdict(cfg), "K": mlp.model.K, "dim": mlp.model.dim, "train_rows": len(mlp.train[1]),
            "test_rows": len(mlp.test[1]), "widths": list(mlp.widths), "main_lr": cfg.main_lr,
            "main_weight_decay": cfg.main_weight_decay, "word": "whole reshuffled epochs, one per seed",
            "late_phase": f"recorded steps t >= {1 - TAIL:g} n", "alpha": ALPHA, "orders": list(ORDER_NAMES)}


def assemble(cfg, meta, settings, points) -> dict:
    """The JSON object (layout in :mod:`revsgd.experiments.digits`)."""
    main = next(s for s in settings if s["lr"] == cfg.main_lr and s["weight_decay"] == cfg.main_weight_decay)
    runs = [{k: v for k, v in s.items() if k != "cost"} for s in settings]
    cost = {"unit": "gradient evaluations per seed (an HVP counted as one); seconds per seed",
            "settings": [{"lr": s["lr"], "weight_decay": s["weight_decay"], "orders": s["cost"]} for s in settings]}
    out = {"meta": meta, "orders": main["orders"], "runs": runs,
           "curvature": {"basis": BASIS, "points": points}, "cost": cost}
    out["findings"] = findings(out)
    return out


def _pm(s) -> str:
    return f"{s['mean']:.3g}" + ("" if s["se"] is None else f" ± {s['se']:.2g}")


def findings(results) -> list:
    """One row per claim and order: the main setting's numbers and the verdict in every setting.

    Args:
        results: the JSON object (``"meta"`` and ``"runs"`` are read).

    Returns:
        a list of dicts ``{"claim", "order", "metric", "main", "settings", "verdict"}``.
    """
    meta = results["meta"]["settings"]
    runs = results["runs"]
    main = next(r for r in runs if r["lr"] == meta["main_lr"] and r["weight_decay"] == meta["main_weight_decay"])
    rows = []
    directions = {metric: direction for metric, direction, _ in COMPARISONS}
    for key, text, names, metric in CLAIMS:
        direction = directions[metric]
        for name in names:
            verdicts = [r["summary"][name]["vs_forward"][metric]["verdict"] for r in runs]
            test = main["summary"][name]["vs_forward"][metric]
            holds, opposite = verdicts.count("reproduces"), verdicts.count("opposite")
            if holds == len(runs):
                verdict = "reproduces"
            elif holds:
                verdict = f"reproduces in {holds} of {len(runs)} settings" + (
                    f" (opposite in {opposite})" if opposite else "")
            elif opposite:
                verdict = f"does not reproduce: opposite in {opposite} of {len(runs)} settings"
            else:
                verdict = f"not resolved (p >= {ALPHA:g} in every setting)"
            rows.append({
                "claim": key, "text": text, "order": name, "metric": metric, "direction": direction,
                "main": {"order": main["summary"][name][metric], "forward": main["summary"]["forward"][metric],
                         **test},
                "settings": [{"lr": r["lr"], "weight_decay": r["weight_decay"], "verdict": v}
                             for r, v in zip(runs, verdicts)],
                "verdict": verdict})
    return rows


def findings_table(results) -> str:
    """The findings as a Markdown table (the README's), one row per claim and order."""
    meta = results["meta"]["settings"]
    head = (f"| claim | order | measured at h = {meta['main_lr']:g}, weight decay {meta['main_weight_decay']:g} "
            f"(order vs forward, mean ± se over {len(results['meta']['seeds'])} seeds; paired p) "
            f"| settings where it holds | verdict |")
    lines = [head, "|---|---|---|---|---|"]
    for row in results["findings"]:
        m = row["main"]
        p = "n/a" if m["pvalue"] is None else f"{m['pvalue']:.2g}"
        where = ", ".join(f"h={s['lr']:g}/wd={s['weight_decay']:g}" for s in row["settings"]
                          if s["verdict"] == "reproduces") or "none"
        lines.append(f"| {row['text']} | {row['order']} | {_pm(m['order'])} vs {_pm(m['forward'])} (p = {p}) "
                     f"| {where} | {row['verdict']} |")
    return "\n".join(lines)
