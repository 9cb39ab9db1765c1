"""Sweeps over learning rate x batch size x order x seed grids on Dask, stored in Zarr.
"""

__all__: list[str] = []
