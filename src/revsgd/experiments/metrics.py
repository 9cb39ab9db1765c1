r"""What the digits experiment measures along a run, and its summaries across seeds.

For an order's recorded states :math:`\theta_t` (:class:`revsgd.experiments.runs.OrderRecord`),
at every recorded step :math:`t`:

* ``train_loss``, ``test_loss``: :math:`\frac1N \sum_i \ell(\theta_t; u_i, y_i) + \frac\lambda2|\theta_t|^2`
  on the training rows and on the held-out rows;
* ``train_accuracy``, ``test_accuracy``: the fraction whose largest logit is the label;
* ``step_norm``: :math:`|\theta_{t+1} - \theta_t|`, the order's own next state minus this one.

Summaries of one seed's curve :math:`v_t` over a run of :math:`n` steps:

* late-phase fluctuation: the standard deviation of :math:`v_t` over the recorded
  :math:`t \ge (1 - q) n`, :math:`q` = :data:`TAIL` (the last quarter);
* final value: :math:`v` at the last recorded step;
* early value: :math:`v` at the first recorded step :math:`\ge n/4` (how fast it got down).

Across seeds :math:`s = 1..S`: the mean and the standard error :math:`\hat\sigma/\sqrt S`
(:math:`\hat\sigma` with ``ddof=1``; ``None`` when :math:`S = 1`). Comparisons of an order with
forward use the seeds as pairs (same start, same word): a paired t-test
(:func:`scipy.stats.ttest_rel`, two-sided) of the per-seed differences, at level
:data:`ALPHA`.

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (late-phase fluctuation, final
    test accuracy).
    Student, "The probable error of a mean", Biometrika 6(1), 1908 (the t-test).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

__all__ = ["ALPHA", "METRICS", "TAIL", "compare", "early_value", "late_fluctuation", "mean_se", "order_metrics"]

#: The recorded curves of every order, in the JSON's key order.
METRICS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy", "step_norm")
#: The late phase: the last quarter of the steps.
TAIL = 0.25
#: The level of the paired comparisons (two-sided): the false-alarm rate of each verdict.
ALPHA = 0.05


def order_metrics(mlp, record) -> dict:
    """The five curves of :data:`METRICS` for every seed: name -> ``(S, r)`` float arrays.

    Args:
        mlp: the :class:`revsgd.models.digits_mlp.DigitsMLP` of the setting.
        record: an :class:`revsgd.experiments.runs.OrderRecord`.

    Returns:
        dict of ``(S, r)`` arrays.

    Raises:
        ValueError: a state that is not finite (a diverged run is never reported as a curve).
    """
    S, r, d = record.states.shape
    flat = record.states.reshape(S * r, d)
    if not (np.all(np.isfinite(flat)) and np.all(np.isfinite(record.next_states))):
        raise ValueError(f"order {record.name}: the run diverged (non-finite parameters); lower the learning rate")
    out = {}
    for split in ("train", "test"):
        loss, acc = mlp.metrics(flat, split)
        out[f"{split}_loss"], out[f"{split}_accuracy"] = loss.reshape(S, r), acc.reshape(S, r)
    out["step_norm"] = np.linalg.norm(record.next_states - record.states, axis=-1)
    return {name: out[name] for name in METRICS}


def late_fluctuation(values, step, n) -> np.ndarray:
    r"""Per seed, the standard deviation of ``values`` over the recorded steps :math:`t \ge (1 - q) n`.

    Args:
        values: ``(S, r)``; step: ``(r,)`` the recorded steps; n: the run length.

    Returns:
        ``(S,)`` array.

    Raises:
        ValueError: fewer than 2 recorded steps in the late phase.

    Example:
        >>> late_fluctuation(np.array([[5.0, 1.0, 2.0, 3.0]]), np.arange(4) * 10, 20).tolist()  # t = 20, 30
        [0.5]
    """
    tail = np.asarray(step) >= (1.0 - TAIL) * n
    if tail.sum() < 2:
        raise ValueError(f"the late phase (steps >= {(1 - TAIL) * n:g}) holds {int(tail.sum())} recorded steps; "
                         "record more often (--steps larger or a smaller recording stride)")
    return np.std(np.asarray(values)[:, tail], axis=1)


def early_value(values, step, n) -> np.ndarray:
    """Per seed, the value at the first recorded step >= n/4.

    Example:
        >>> early_value(np.array([[4.0, 3.0, 2.0]]), np.array([0, 8, 16]), 16).tolist()
        [3.0]
    """
    i = int(np.searchsorted(np.asarray(step), n / 4))
    return np.asarray(values)[:, min(i, len(step) - 1)]


def mean_se(values) -> dict:
    r"""``{"mean", "se", "seeds"}`` of per-seed values: the mean, :math:`\hat\sigma/\sqrt S` (None for one seed).

    Example:
        >>> mean_se([1.0, 2.0, 3.0])
        {'mean': 2.0, 'se': 0.5773502691896258, 'seeds': [1.0, 2.0, 3.0]}
    """
    v = np.asarray(values, dtype=float)
    se = float(np.std(v, ddof=1) / np.sqrt(v.size)) if v.size > 1 else None
    return {"mean": float(v.mean()), "se": se, "seeds": v.tolist()}


def compare(order_values, forward_values, claimed: str, *, log=False) -> dict:
    r"""Paired two-sided t-test of an order against forward on the same seeds.

    Args:
        order_values, forward_values: ``(S,)`` per-seed values (same seeds).
        claimed: ``"lower"`` or ``"higher"``, the direction the paper claims for the order.
        log: compare :math:`\log v` (for fluctuations and losses, which vary over decades).

    Returns:
        ``{"difference", "pvalue", "verdict"}``: the mean per-seed difference (order minus
        forward, of logs when ``log``), the p-value (None for fewer than 2 seeds or no
        variation), and ``"reproduces"`` (:math:`p <` :data:`ALPHA`, claimed direction),
        ``"opposite"`` (:math:`p <` :data:`ALPHA`, the other direction) or ``"not resolved"``.

    Raises:
        ValueError: ``claimed`` not one of the two directions.

    Example:
        >>> compare([1.0, 1.1, 0.9, 1.0], [2.0, 2.2, 2.1, 1.9], "lower")["verdict"]
        'reproduces'
    """
    if claimed not in ("lower", "higher"):
        raise ValueError(f"claimed must be 'lower' or 'higher', got {claimed!r}")
    a, b = np.asarray(order_values, dtype=float), np.asarray(forward_values, dtype=float)
    if log:
        a, b = np.log(np.maximum(a, np.finfo(float).tiny)), np.log(np.maximum(b, np.finfo(float).tiny))
    diff = a - b
    pvalue = None
    if diff.size > 1 and np.ptp(diff) > 0:
        pvalue = float(stats.ttest_rel(a, b).pvalue)
    elif diff.size > 1 and diff[0] != 0:  # identical non-zero differences: no doubt about the sign
        pvalue = 0.0
    verdict = "not resolved"
    if pvalue is not None and pvalue < ALPHA:
        lower = diff.mean() < 0
        verdict = "reproduces" if lower == (claimed == "lower") else "opposite"
    return {"difference": float(diff.mean()), "pvalue": pvalue, "verdict": verdict}
