"""The recorded metrics are what they say they are: recomputed from the recorded parameters.

On the tiny run: every curve of the JSON against the NumPy network evaluated at the recorded
states, the step norms against the recorded next states, the summaries and the paired tests
against NumPy and ``scipy.stats.ttest_rel`` on the JSON's own curves, the pinned layout, the
costs, and the findings against the per-setting verdicts.
"""

import json

import numpy as np
import pytest
from scipy import stats

from tests.experiments.tiny import TINY, reference_metrics, tiny_run

from revsgd.experiments.metrics import ALPHA, METRICS, compare, late_fluctuation, mean_se  # noqa: E402
from revsgd.experiments.report import CLAIMS, findings_table  # noqa: E402
from revsgd.experiments.runs import ORDER_NAMES  # noqa: E402


@pytest.fixture(scope="module")
def run():
    return tiny_run()


def test_the_json_has_the_pinned_layout(run):
    doc = json.loads(json.dumps(run.json, allow_nan=False))  # plain JSON, no NaN anywhere
    assert {"meta", "orders", "curvature", "cost"} <= set(doc)
    assert {"settings", "versions", "seeds"} <= set(doc["meta"]) and doc["meta"]["seeds"] == list(TINY.seeds)
    assert {"jax", "numpy", "revsgd", "scikit-learn"} <= set(doc["meta"]["versions"])
    assert list(doc["orders"]) == list(ORDER_NAMES)
    for name, order in doc["orders"].items():
        assert {"step", *METRICS} <= set(order)
        for metric in METRICS:
            assert len(order[metric]) == len(TINY.seeds), (name, metric)
            assert all(len(row) == len(order["step"]) for row in order[metric]), (name, metric)
    main = [r for r in doc["runs"] if r["lr"] == TINY.main_lr and r["weight_decay"] == TINY.main_weight_decay]
    assert len(main) == 1 and main[0]["orders"] == doc["orders"]
    assert [(r["lr"], r["weight_decay"]) for r in doc["runs"]] == [(lr, wd) for wd in TINY.weight_decays
                                                                   for lr in TINY.lrs]


def test_curves_are_the_metrics_of_the_recorded_states(run):
    for r in run.json["runs"]:
        mlp = run.mlps[r["weight_decay"]]
        records = run.states[(r["lr"], r["weight_decay"])]
        for name, order in r["orders"].items():
            rec = records[name]
            assert order["step"] == rec.step.tolist()
            for s in range(len(TINY.seeds)):
                for i, x in enumerate(rec.states[s][::3]):  # every third recorded state
                    j = 3 * i
                    for split, (X, y) in (("train", mlp.train), ("test", mlp.test)):
                        loss, acc, tol = reference_metrics(x, X, y, mlp.widths, mlp.weight_decay)
                        assert abs(order[f"{split}_loss"][s][j] - loss) <= tol, (name, split, s, j)
                        assert round(order[f"{split}_accuracy"][s][j] * len(y)) == round(acc * len(y))
                steps = np.linalg.norm(rec.next_states[s] - rec.states[s], axis=1)
                assert np.array_equal(order["step_norm"][s], steps)


def test_summaries_are_recomputed_from_the_curves(run):
    n = TINY.steps
    for r in run.json["runs"]:
        fwd = r["orders"]["forward"]
        for name, order in r["orders"].items():
            t = np.array(order["step"])
            loss = np.array(order["train_loss"])
            tail = loss[:, t >= 0.75 * n]
            assert tail.shape[1] >= 2
            summary = r["summary"][name]
            assert np.allclose(summary["late_fluctuation"]["seeds"], tail.std(axis=1), rtol=0, atol=0)
            acc = np.array(order["test_accuracy"])[:, -1]
            assert summary["final_test_accuracy"]["seeds"] == acc.tolist()
            assert summary["final_test_accuracy"]["se"] == pytest.approx(acc.std(ddof=1) / np.sqrt(acc.size))
            early = loss[:, np.searchsorted(t, n / 4)]
            assert summary["early_train_loss"]["seeds"] == early.tolist()
            if name == "forward":
                continue
            ft = np.array(fwd["step"])
            f_tail = np.array(fwd["train_loss"])[:, ft >= 0.75 * n].std(axis=1)
            p = stats.ttest_rel(np.log(tail.std(axis=1)), np.log(f_tail)).pvalue
            assert summary["vs_forward"]["late_fluctuation"]["pvalue"] == pytest.approx(p, rel=1e-9)


def test_costs_and_findings(run):
    doc = run.json
    for entry in doc["cost"]["settings"]:
        backward = entry["orders"]["backward"]
        assert backward["all_iterates"] == TINY.steps * (TINY.steps + 1) // 2
        assert all(v["seconds"] >= 0 and v["gradients"] > 0 for v in entry["orders"].values())
    rows = doc["findings"]
    assert [row["claim"] for row in rows] == [c[0] for c in CLAIMS for _ in c[2]]
    for row in rows:
        verdicts = [r["summary"][row["order"]]["vs_forward"][row["metric"]]["verdict"] for r in doc["runs"]]
        assert [s["verdict"] for s in row["settings"]] == verdicts
        if all(v == "reproduces" for v in verdicts):
            assert row["verdict"] == "reproduces"
        elif "reproduces" not in verdicts:
            assert not row["verdict"].startswith("reproduces")
    table = findings_table(doc)
    assert table.count("\n") == len(rows) + 1 and "backward SGD is more stable" in table


def test_curvature_points(run):
    points = run.json["curvature"]["points"]
    assert len(points) == len(TINY.seeds) * len(TINY.lrs) * len(TINY.weight_decays)
    assert run.json["curvature"]["basis"] == "measured at points, not a proof"
    for p in points:
        if p["seed"] in TINY.seeds[:TINY.curvature_seeds]:
            for end in ("forward_end", "backward_end"):
                c = p[end]
                assert len(c["batch_low"]) == TINY.K
                assert c["mu_positive"] == (min(c["batch_low"]) > 0)
                assert c["rho_bound"] == max(max(abs(1 - p["lr"] * lo), abs(1 - p["lr"] * hi))
                                             for lo, hi in zip(c["batch_low"], c["batch_high"]))
        else:
            assert "forward_end" not in p
        assert 0 < p["local_contraction"]["forward_median"] <= p["local_contraction"]["forward_max"]


def test_compare_and_summaries_by_hand():
    assert compare([1.0, 1.1, 0.9, 1.0], [2.0, 2.2, 2.1, 1.9], "lower")["verdict"] == "reproduces"
    assert compare([1.0, 1.1, 0.9, 1.0], [2.0, 2.2, 2.1, 1.9], "higher")["verdict"] == "opposite"
    noisy = compare([1.0, 2.0, 0.5], [1.1, 0.9, 1.0], "lower")
    assert noisy["verdict"] == "not resolved" and noisy["pvalue"] >= ALPHA
    assert compare([1.0], [2.0], "lower")["pvalue"] is None
    with pytest.raises(ValueError, match="claimed"):
        compare([1.0], [2.0], "smaller")
    assert mean_se([2.0])["se"] is None
    with pytest.raises(ValueError, match="late phase"):
        late_fluctuation(np.ones((1, 3)), np.array([0, 10, 20]), 20)
