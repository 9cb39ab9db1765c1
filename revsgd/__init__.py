"""revsgd: the command line over :mod:`theory`, :mod:`models`, :mod:`proofs_check` and
:mod:`figures`. It holds no mathematics of its own."""

__all__ = ["__version__"]

__version__ = "0.1.0"
