"""The inputs of a :class:`revsgd.models.JaxModel`: a pytree of float parameters and a tuple of data rows.

Both are checked at the boundary: TypeError or ValueError naming the parameter (the leaf's
path in the pytree, the index in the data tuple), the expected form and what was given.

References:
    JAX documentation, "Pytrees", https://docs.jax.dev/en/latest/pytrees.html (the containers
    whose leaves are the parameters).
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_finite_array, describe

__all__ = ["data_arrays", "param_layout"]


def param_layout(jax, params):
    """``(treedef, shapes)`` of a pytree of float leaves (``jax`` the imported module).

    Raises:
        TypeError: a leaf that is not a float array (named by its path, e.g. ``params['w']``).
        ValueError: no leaves, only empty leaves, or non-finite entries.
    """
    pairs, treedef = jax.tree_util.tree_flatten_with_path(params)
    if not pairs:
        raise ValueError(f"params must be a pytree with at least one float array leaf, got {describe(params)}")
    shapes = []
    for path, leaf in pairs:
        where = "params" + jax.tree_util.keystr(path)
        dtype = getattr(leaf, "dtype", None)
        dtype = np.asarray(leaf).dtype if dtype is None and not isinstance(leaf, (str, bytes)) else dtype
        if dtype is None or dtype == object or not jax.numpy.issubdtype(dtype, jax.numpy.floating):
            raise TypeError(f"params must have float array leaves (the parameters to train); {where} is "
                            f"{describe(leaf)}{'' if dtype is None else f' of dtype {dtype}'}")
        shapes.append(as_finite_array(leaf, where).shape)
    if sum(int(np.prod(s)) for s in shapes) == 0:
        raise ValueError("params must hold at least one number, got only empty leaves")
    return treedef, shapes


def data_arrays(data) -> tuple[np.ndarray, ...]:
    """``data`` as a tuple of arrays with one equal first axis (rows): floats as float64, ints and bools kept.

    Raises:
        TypeError: ``data`` not a non-empty tuple, or an entry that is not a real array.
        ValueError: a 0-dimensional entry, unequal row counts, no rows, non-finite floats.

    Example:
        >>> [a.dtype.kind for a in data_arrays((np.ones((3, 2)), np.array([0, 1, 1])))]
        ['f', 'i']
        >>> data_arrays((np.ones((3, 2)), np.ones(2)))
        Traceback (most recent call last):
        ...
        ValueError: data arrays must have the same number of rows (first axis), got lengths [3, 2]
    """
    if not isinstance(data, tuple) or not data:
        raise TypeError(f"data must be a non-empty tuple of arrays with equal first axis (rows), "
                        f"e.g. (X, y); got {describe(data)}")
    arrays = []
    for i, a in enumerate(data):
        try:
            arr = None if isinstance(a, (str, bytes)) or a is None else np.asarray(a)
        except (TypeError, ValueError):
            arr = None
        if arr is None or not (arr.dtype == bool or np.issubdtype(arr.dtype, np.integer)
                               or np.issubdtype(arr.dtype, np.floating)):
            raise TypeError(f"data[{i}] must be an array of real numbers (float, int or bool), got {describe(a)}")
        if arr.ndim == 0:
            raise ValueError(f"data[{i}] must have a first axis of rows, got a 0-dimensional array")
        arrays.append(as_finite_array(arr, f"data[{i}]") if np.issubdtype(arr.dtype, np.floating) else arr)
    lengths = [arr.shape[0] for arr in arrays]
    if len(set(lengths)) > 1:
        raise ValueError(f"data arrays must have the same number of rows (first axis), got lengths {lengths}")
    if lengths[0] == 0:
        raise ValueError("data must have at least one row, got 0 rows")
    return tuple(arrays)
