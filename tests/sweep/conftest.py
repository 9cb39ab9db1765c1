"""One in-process Dask cluster for the sweep tests of a session (threads: starts in milliseconds).

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
