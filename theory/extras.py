"""Optional extras: which are installed, and the ``pip install`` line that adds one.

revsgd's core needs numpy, scipy, sympy, matplotlib and tqdm. Some figures, checks and
commands need more; each names the extra it needs, and the command line lists what it
skips (with the fix) before it starts instead of failing halfway.

==========  ===========================================
extra       import names it provides
==========  ===========================================
``data``    ``sklearn`` (scikit-learn's bundled data sets)
``jax``     ``jax``
``numba``   ``numba`` (the fused ensemble kernel of :mod:`revsgd.theory.ensemble_kernel`)
``sweep``   ``dask``, ``distributed``, ``xarray``, ``zarr``
``test``    ``pytest``, ``hypothesis`` (and every other extra)
==========  ===========================================

Example:

>>> from revsgd.theory.extras import install_hint, missing_modules
>>> install_hint("data")
"pip install 'revsgd[data]'"
>>> missing_modules("test")
[]
"""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRAS", "install_hint", "missing_modules", "missing_extras", "require"]

#: extra name -> the top-level modules it installs
EXTRAS: dict[str, tuple[str, ...]] = {
    "data": ("sklearn",),
    "jax": ("jax",),
    "numba": ("numba",),
    "sweep": ("dask", "distributed", "xarray", "zarr"),
    "test": ("pytest", "hypothesis"),
}


def _known(extra: str) -> tuple[str, ...]:
    if not isinstance(extra, str) or extra not in EXTRAS:
        raise ValueError(f"extra must be one of {', '.join(EXTRAS)}; got {extra!r}")
    return EXTRAS[extra]


def install_hint(extra: str) -> str:
    """The command that installs ``extra``, e.g. ``pip install 'revsgd[data]'``.

    Raises:
        ValueError: an unknown extra (the known ones are listed).
    """
    _known(extra)
    return f"pip install 'revsgd[{extra}]'"


def missing_modules(extra: str) -> list[str]:
    """The modules of ``extra`` that cannot be imported here (found, not imported).

    Raises:
        ValueError: an unknown extra.
    """
    return [m for m in _known(extra) if importlib.util.find_spec(m) is None]


def missing_extras(extras) -> list[str]:
    """Those of ``extras`` (an iterable of names) with a module missing, in order."""
    return [e for e in extras if missing_modules(e)]


def require(extra: str, what: str) -> None:
    """Raise ImportError naming ``what`` and the fix unless ``extra`` is installed.

    Raises:
        ImportError: ``"<what> needs scikit-learn ...: pip install 'revsgd[data]'"``.
        ValueError: an unknown extra.
    """
    absent = missing_modules(extra)
    if absent:
        raise ImportError(f"{what} needs {', '.join(absent)} (the {extra!r} extra): {install_hint(extra)}")
