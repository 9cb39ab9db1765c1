"""One in-process Dask cluster for the sweep tests of a session (threads: starts in milliseconds),
and one finished store of the small spec, which the tests read but never change.

The tests where worker processes are the point (kill-and-resume, the command line) start
their own.
"""

import pytest

for _module in ("distributed", "xarray", "zarr"):
    pytest.importorskip(_module, reason="the sweep tests need the sweep extra: pip install 'revsgd[sweep]'")


@pytest.fixture(scope="session")
def client():
    from tests.sweep.helpers import start_cluster

    cluster, client = start_cluster(2)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="session")
def store(tmp_path_factory, client):
    """A finished store of :func:`tests.sweep.helpers.small_spec` (read-only for the tests)."""
    from revsgd.sweep import run
    from tests.sweep.helpers import small_spec

    out = tmp_path_factory.mktemp("store") / "sweep.zarr"
    run(small_spec(), out, client)
    return out
