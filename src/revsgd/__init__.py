"""revsgd: how iteration order shapes SGD on convex models (forward vs backward SGD).

One import package. Its sub-packages, in import order (each imports only those before it):

* :mod:`revsgd.theory`: families of maps, forward and backward composition, stationary
  laws, certified sampling;
* :mod:`revsgd.models`: least squares, quadratics, logistic regression and their step
  families;
* :mod:`revsgd.proofs_check`: every claim of ``THEORY.md`` (C1-C10) as numeric and
  symbolic checks;
* :mod:`revsgd.figures`: the publication figures;
* :mod:`revsgd.cli`: the ``revsgd`` command line (``python -m revsgd`` is the same).

Example:

>>> import revsgd
>>> revsgd.__version__ == __import__("importlib.metadata").metadata.version("revsgd")
True
"""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("revsgd")
except PackageNotFoundError:  # pragma: no cover - only in a source tree that was never installed
    __version__ = "0+unknown"
