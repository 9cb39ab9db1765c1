"""Small specs and store comparisons shared by the sweep tests."""

import numpy as np


def small_spec(**run):
    """Least squares on random data: 3 x 2 x 2 x 2 = 24 points of 300 steps (tens of ms each).

    lr_fraction 2.4 is past mean-square stability (a NaN covariance with a reason); with batch size 16
    gamma > 0 too (a diverging run), so every branch of a point is exercised.
    """
    return {
        "model": "least_squares",
        "data": "random",
        "grid": {"lr_fraction": [0.3, 0.9, 2.4], "batch_size": [4, 16], "order": ["forward", "backward"],
                 "seed": [0, 1]},
        "run": {"steps": 300, "lyapunov_runs": 4, **run},
    }


def start_cluster(workers: int):
    """An in-process ``(cluster, client)`` of ``workers`` single-threaded workers."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=False, dashboard_address=":0")
    return cluster, Client(cluster)


def assert_same_store(a, b):
    """Every variable, coordinate and attribute of two stores equal, bit for bit (NaN == NaN)."""
    assert list(a.data_vars) == list(b.data_vars)
    assert a.attrs == b.attrs
    for name in list(a.variables):
        x, y = np.asarray(a[name].values), np.asarray(b[name].values)
        if x.dtype.kind == "f":
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), f"{name} differs: {x} vs {y}"
        else:
            assert np.array_equal(x, y), f"{name} differs"
