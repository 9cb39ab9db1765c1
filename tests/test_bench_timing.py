"""The bench modules import one another as a tree, and the shared timing helpers do what
they say (no speed is tested: benchmarks are not tests)."""

import ast
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from revsgd.bench_timing import BenchResult, median_time, paired_times, relative_error

LEAVES = ("bench_trajectories", "bench_stationary", "bench_jax", "bench_digits", "bench_sweep")
BENCH_MODULES = ("bench", "bench_timing", *LEAVES)


def imported_bench_modules(name: str) -> set:
    """The revsgd.bench* modules that revsgd.<name> imports anywhere (top level or in a function)."""
    source = Path(importlib.util.find_spec(f"revsgd.{name}").origin).read_text()
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "revsgd":
            found |= {a.name for a in node.names if a.name.startswith("bench")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("revsgd.bench"):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("revsgd.bench")}
    return found


def test_bench_imports_form_a_tree():
    graph = {name: imported_bench_modules(name) for name in BENCH_MODULES}
    assert graph["bench_timing"] == set()
    for leaf in LEAVES:
        assert graph[leaf] == {"bench_timing"}, (leaf, graph[leaf])
    assert graph["bench"] == {"bench_timing", *LEAVES}


def test_bench_keeps_the_names_the_command_line_uses():
    from revsgd import bench

    assert bench.BenchResult is BenchResult
    for name in ("HEADER", "format_row", "format_table", "workloads", "run_benchmarks"):
        assert hasattr(bench, name)


def test_relative_error_against_the_plain_formula():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), 5 * rng.standard_normal((3, 4))
    assert relative_error(a, b) == float(np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b))))
    assert relative_error([0.5], [0.25]) == 0.25  # |reference| < 1: absolute


def test_paired_times_calls_each_side_once_to_warm_up_then_its_repeats():
    calls = {"ours": 0, "base": 0}

    def counted(key, value):
        def fn():
            calls[key] += 1
            return value
        return fn

    ours_s, ours, base_s, base = paired_times(counted("ours", 1), counted("base", 2), 3, 1)
    assert (ours, base) == (1, 2) and calls == {"ours": 4, "base": 2}
    assert ours_s >= 0 and base_s >= 0
    seconds, value = median_time(lambda: "x", 2)
    assert value == "x" and seconds >= 0


def test_bench_result_as_dict_round_trips():
    row = BenchResult("w", 1.0, "base", 2.0, 2.0, ">= 1x", True, 0.0, "note")
    assert BenchResult(**row.as_dict()) == row


@pytest.mark.parametrize("quick", [True])
def test_workloads_are_zero_argument_callables(quick):
    from revsgd import bench

    assert all(callable(w) for w in bench.workloads(quick))
