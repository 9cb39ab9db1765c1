"""The spec: every bad key refused by name with the allowed values, before any work; one canonical form."""

import copy

import pytest

from revsgd.cli import main
from revsgd.sweep.spec import SpecError, load_spec, order_names
from tests.sweep.helpers import small_spec


def _with(change):
    spec = copy.deepcopy(small_spec())
    change(spec)
    return spec


def _set(path, value):
    def change(spec):
        *parents, key = path
        node = spec
        for p in parents:
            node = node[p]
        node[key] = value
    return change


def _drop(*path):
    def change(spec):
        node = spec
        for p in path[:-1]:
            node = node[p]
        del node[path[-1]]
    return change


# (change to the small spec, words the message must contain)
BAD = {
    "top-level key": (_set(["grid_size"], 3), ["grid_size", "allowed: model, data, grid, run"]),
    "model": (_set(["model"], "svm"), ["model", "'svm'", "least_squares, logistic, random_affine, digits_mlp"]),
    "model missing": (_drop("model"), ["model: missing", "least_squares"]),
    "model type": (_set(["model"], 3), ["model", "least_squares"]),
    "data": (_set(["data"], "mnist"), ["data", "'mnist'", "diabetes, random"]),
    "data for model": (_set(["data"], "breast_cancer"), ["data", "not for model 'least_squares'", "diabetes, random"]),
    "grid key": (_set(["grid", "momentum"], [0.9]), ["grid.momentum", "lr_fraction, lr, batch_size, order, seed"]),
    "grid missing": (_drop("grid"), ["grid: missing"]),
    "grid type": (_set(["grid"], [1, 2]), ["grid", "table"]),
    "lr and lr_fraction": (_set(["grid", "lr"], [0.1]), ["lr_fraction", "lr", "exactly one"]),
    "no learning rate": (_drop("grid", "lr_fraction"), ["exactly one of lr_fraction", "neither"]),
    "empty list": (_set(["grid", "lr_fraction"], []), ["grid.lr_fraction", "non-empty list", "[]"]),
    "scalar not list": (_set(["grid", "batch_size"], 4), ["grid.batch_size", "non-empty list", "4"]),
    "repeated value": (_set(["grid", "seed"], [0, 1, 0]), ["grid.seed", "repeat", "[0]"]),
    "negative lr": (_set(["grid", "lr_fraction"], [0.5, -0.1]), ["grid.lr_fraction", "> 0", "-0.1"]),
    "string lr": (_set(["grid", "lr_fraction"], ["0.5"]), ["grid.lr_fraction", "a number", "'0.5'"]),
    "bool lr": (_set(["grid", "lr_fraction"], [True]), ["grid.lr_fraction", "a number", "True"]),
    "nan lr": (_set(["grid", "lr_fraction"], [float("nan")]), ["grid.lr_fraction", "a number"]),
    "float batch": (_set(["grid", "batch_size"], [4.5]), ["grid.batch_size", "an integer", "4.5"]),
    "batch too large": (_set(["grid", "batch_size"], [4, 193]), ["grid.batch_size", "< 193", "193"]),
    "batch missing": (_drop("grid", "batch_size"), ["grid.batch_size: missing"]),
    "order": (_set(["grid", "order"], ["sideways"]), ["grid.order", "'sideways'", ", ".join(order_names())]),
    "order type": (_set(["grid", "order"], [1]), ["grid.order", "forward, backward, iid_forward"]),
    "negative seed": (_set(["grid", "seed"], [-1]), ["grid.seed", ">= 0", "-1"]),
    "run key": (_set(["run", "epochs"], 3), ["run.epochs", "allowed: steps, remainder"]),
    "run type": (_set(["run"], 4000), ["run", "table of options"]),
    "steps": (_set(["run", "steps"], 3), ["run.steps", ">= 4", "3"]),
    "steps type": (_set(["run", "steps"], "many"), ["run.steps", "an integer", "'many'"]),
    "remainder": (_set(["run", "remainder"], "pad"), ["run.remainder", "drop, keep, error", "'pad'"]),
    "remainder error": (lambda s: (s["run"].update(remainder="error"), s["grid"].update(batch_size=[4, 10])),
                        ["grid.batch_size", "10 does not divide the 192 train rows", "divisors of 192"]),
    "test_fraction": (_set(["run", "test_fraction"], 1.0), ["run.test_fraction", "< 1", "1.0"]),
    "l2": (_set(["run", "l2"], -1.0), ["run.l2", ">= 0", "-1.0"]),
    "lyapunov_runs": (_set(["run", "lyapunov_runs"], 1), ["run.lyapunov_runs", ">= 2", "1"]),
    "rows of bundled data": (lambda s: (s.update(data="diabetes"), s["run"].update(rows=100)),
                             ["run.rows", "\"random\" only", "'diabetes'"]),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_key_is_refused_naming_key_and_allowed_values(case):
    change, words = BAD[case]
    with pytest.raises(SpecError) as info:
        load_spec(_with(change))
    for word in words:
        assert word in str(info.value), f"{case}: {word!r} not in {str(info.value)!r}"


def test_remainder_keep_is_refused_for_logistic():
    spec = {"model": "logistic", "data": "random", "grid": {"lr": [0.1], "batch_size": [4], "order": ["forward"]},
            "run": {"remainder": "keep"}}
    with pytest.raises(SpecError, match=r"run.remainder: expected one of drop, error for model 'logistic'"):
        load_spec(spec)


def test_toml_errors_and_other_types():
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec('model = "least_squares"\n[grid\n')
    with pytest.raises(SpecError, match="cannot read 'missing.toml'"):
        load_spec("missing.toml")
    with pytest.raises(TypeError, match="spec must be a path to a TOML file, TOML text, a dict or a Spec"):
        load_spec(42)


TOML = """
model = "least_squares"
data = "random"
[grid]
lr_fraction = [0.3, 0.9, 2.4]
batch_size = [4, 16]
order = ["forward", "backward"]
seed = [0, 1]
[run]
steps = 300
lyapunov_runs = 4
"""


def test_every_form_gives_one_spec_and_one_digest(tmp_path):
    path = tmp_path / "spec.toml"
    path.write_text(TOML)
    forms = [load_spec(TOML), load_spec(small_spec()), load_spec(path), load_spec(str(path))]
    assert all(f == forms[0] for f in forms)
    assert len({f.digest for f in forms}) == 1
    spec = forms[0]
    assert load_spec(spec) == spec and load_spec(spec.as_dict()) == spec
    assert spec.dims == ("lr_fraction", "batch_size", "order", "seed") and spec.shape == (3, 2, 2, 2)
    assert spec.option("remainder") == "drop" and spec.option("settle_tol") == 1e-6  # defaults made explicit


def test_grid_order_is_the_dimension_order_and_changes_the_digest():
    spec = small_spec()
    spec["grid"] = dict(reversed(list(spec["grid"].items())))
    reordered = load_spec(spec)
    assert reordered.dims == ("seed", "order", "batch_size", "lr_fraction")
    assert reordered.digest != load_spec(small_spec()).digest
    missing_seed = small_spec()
    del missing_seed["grid"]["seed"]
    assert load_spec(missing_seed).values("seed") == (0,)  # still a dimension, of length 1
    assert load_spec(small_spec(steps=301)).digest != load_spec(small_spec()).digest
    # an integer lr value is the same coordinate as its float
    same = small_spec()
    same["grid"]["lr_fraction"] = [0.3, 0.9, 2.4]
    assert load_spec(same).digest == load_spec(small_spec()).digest


def test_points_in_c_order():
    spec = load_spec(small_spec())
    assert spec.size == 24
    assert spec.coords(0) == {"lr_fraction": 0.3, "batch_size": 4, "order": "forward", "seed": 0}
    assert spec.coords(23) == {"lr_fraction": 2.4, "batch_size": 16, "order": "backward", "seed": 1}
    assert spec.index(5) == (0, 1, 0, 1)


def test_command_line_refuses_a_bad_spec_before_any_work(tmp_path, capsys, monkeypatch):
    import distributed

    def no_dask(*args, **kwargs):
        raise AssertionError("Dask was started for a bad spec")

    monkeypatch.setattr(distributed, "LocalCluster", no_dask)
    monkeypatch.setattr(distributed, "Client", no_dask)
    bad = tmp_path / "bad.toml"
    bad.write_text(TOML.replace('order = ["forward", "backward"]', 'order = ["forward", "sideways"]'))
    store = tmp_path / "store.zarr"
    assert main(["sweep", str(bad), "--out", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("revsgd sweep: error: grid.order: unknown order 'sideways'; allowed: forward")
    assert err.count("\n") == 1 and not store.exists()
    assert main(["sweep", str(bad), "--out", str(store), "--workers", "2", "--scheduler", "tcp://x:1"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err
