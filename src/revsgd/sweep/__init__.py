r"""Sweeps over learning rate x batch size x order x seed grids on Dask, stored in Zarr.

A sweep is a spec (:mod:`revsgd.sweep.spec`: model, data, grid, run options), one Dask task
per grid point (:mod:`revsgd.sweep.points`: exact stationary covariance, mean-square radius
and Lyapunov exponent of the point's step family, settle step, late fluctuation and final
losses of its run), and a resumable Zarr store (:mod:`revsgd.sweep.store`) written point by
point by the driver (:mod:`revsgd.sweep.driver`). :mod:`revsgd.sweep.phase` turns a store
into the data of the phase diagrams over learning rate x batch size.

.. math::

    \text{store}[\ell, B, o, s] = \mathrm{metrics}(\text{spec}, \ell, B, o, s),
    \qquad \text{a pure function of the spec and the point.}

Command line: ``revsgd sweep SPEC.toml --out STORE [--workers N | --scheduler ADDRESS]``
and ``revsgd figures --sweep STORE``. Needs the ``sweep`` extra
(``pip install 'revsgd[sweep]'``: dask.distributed, xarray, zarr).

Example:
    >>> spec = load_spec({"model": "random_affine", "grid": {"lr_fraction": [0.5], "batch_size": [8],
    ...                   "order": ["backward"]}})
    >>> spec.dims
    ('lr_fraction', 'batch_size', 'order', 'seed')

References:
    M. Rocklin, "Dask: parallel computation with blocked algorithms and task scheduling",
    SciPy 2015; S. Hoyer, J. Hamman, "xarray: N-D labeled arrays and datasets in Python",
    JORS 5(1), 2017; A. Miles et al., zarr-specs v2.
"""

from revsgd.sweep.driver import Summary
from revsgd.sweep.driver import execute
from revsgd.sweep.driver import run
from revsgd.sweep.spec import Spec
from revsgd.sweep.spec import SpecError
from revsgd.sweep.spec import load_spec
from revsgd.sweep.store import StoreError

__all__ = [
    # Running a sweep into its store
    "Summary",
    "execute",
    "run",
    # The spec
    "Spec",
    "SpecError",
    "load_spec",
    # The store
    "StoreError",
]
