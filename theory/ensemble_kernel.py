r"""The fused affine ensemble kernel: each chain's whole word applied in registers (numba).

An ensemble of ``m`` chains of an :class:`~revsgd.theory.family.AffineFamily` advances by

.. math::

    x^{(i)}_{t+1} = A_{\xi^{(i)}_{t+1}} x^{(i)}_t + b_{\xi^{(i)}_{t+1}},
    \qquad i = 1, \dots, m, \quad t = 0, \dots, n - 1 .

The chains are independent, so the loop nest may run chain-major: chain :math:`i` (one
``prange`` iteration, spread over the cores) keeps its :math:`d` coordinates in scalar
variables for all :math:`n` steps and gathers ``A[k]``, ``b[k]`` of its current map (the
``K`` maps stay in L1). Memory traffic is one read of the start, of the word row and one
write of the end point per chain, instead of an ``(m, d)`` read and write per step; the
:math:`d \times d` product is written out term by term for ``d <= UNROLL_MAX`` (the source
of that kernel is generated for the actual ``d``, so the compiler sees constant indices and
keeps the state in registers), and is a plain loop above. Each coordinate is summed in the
order :math:`b_r + a_{r0} x_0 + \dots + a_{r,d-1} x_{d-1}` without fused multiply-adds or
reassociation (``fastmath=False``), so by the inner-product error bound (Higham, Thm 3.5)
one step differs from exact arithmetic by at most
:math:`\gamma_{d+1} (|A_k| |x| + |b_k|)` componentwise, :math:`\gamma_j = j u / (1 - j u)`.

The numpy fallback is :func:`revsgd.theory.ensemble._sweep_affine` (chains grouped by map,
one matrix product per map and step). Which one runs is chosen once, at import:

* ``numba`` when numba is installed (``pip install 'revsgd[numba]'``), else ``numpy``;
* the environment variable ``REVSGD_ENSEMBLE_KERNEL`` (``auto``, ``numba`` or ``numpy``)
  overrides that choice (``numpy`` forces the fallback; ``numba`` without numba installed is
  an ImportError naming the extra);
* runs below :data:`MIN_WORK` multiply-adds always take the fallback (the fused kernel's
  compilation, once per ``d`` and cached on disk, would cost more than it saves).

Example:
    >>> import numpy as np
    >>> from revsgd.theory.ensemble_kernel import KERNEL, choose_kernel
    >>> KERNEL in ("numba", "numpy"), choose_kernel("numpy")
    (True, 'numpy')

References:
    N. J. Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed., SIAM 2002,
    Sec. 3.1 (error of an inner product, :math:`\gamma_n`).
    S. K. Lam, A. Pitrou, S. Seibert, "Numba: a LLVM-based Python JIT compiler",
    LLVM-HPC 2015 (``njit``, ``prange``).
"""

from __future__ import annotations

import os
import threading

import numpy as np

from revsgd.theory.extras import missing_modules, require
from revsgd.theory.run import Ensemble

__all__ = ["ENV", "KERNEL", "MIN_WORK", "UNROLL_MAX", "choose_kernel", "fused_affine_sweep",
           "use_fused"]

#: The environment variable that chooses the kernel: ``auto`` (default), ``numba``, ``numpy``.
ENV = "REVSGD_ENSEMBLE_KERNEL"
#: Below this many multiply-adds (``m n d (d + 1)``) the numpy fallback runs.
MIN_WORK = 1 << 22
#: The largest ``d`` whose product is written out term by term (a loop above it).
UNROLL_MAX = 12
_CHOICES = ("auto", "numba", "numpy")
_BLOCK = 512  # chains per prange iteration of the looped kernel (scratch allocated per block)


def choose_kernel(requested=None) -> str:
    """The kernel that runs: ``"numba"`` or ``"numpy"``.

    Args:
        requested: ``"auto"``, ``"numba"``, ``"numpy"`` or None (read :data:`ENV`; unset or
            empty means ``"auto"``: numba when it is installed).

    Returns:
        ``"numba"`` or ``"numpy"``.

    Raises:
        ValueError: ``requested`` (or the environment variable) is none of the three.
        ImportError: ``"numba"`` requested but numba is not installed (names the extra).

    Example:
        >>> choose_kernel("numpy")
        'numpy'
    """
    source = f"environment variable {ENV}" if requested is None else "requested kernel"
    value = os.environ.get(ENV, "") if requested is None else requested
    if not isinstance(value, str) or value.strip().lower() not in _CHOICES + ("",):
        raise ValueError(f"{source} must be one of {', '.join(_CHOICES)}, got {value!r}")
    value = value.strip().lower() or "auto"
    if value == "numba":
        require("numba", f"the fused ensemble kernel ({source} = 'numba')")
    if value == "auto":
        return "numpy" if missing_modules("numba") else "numba"
    return value


#: The kernel chosen at import (:func:`choose_kernel` of the environment).
KERNEL = choose_kernel()


def use_fused(m: int, n: int, d: int) -> bool:
    """Whether an ``m``-chain, ``n``-step sweep in dimension ``d`` runs the fused kernel.

    True when :data:`KERNEL` is ``"numba"`` and ``m n d (d + 1) >= MIN_WORK``.

    Example:
        >>> use_fused(1, 1, 1)
        False
    """
    return KERNEL == "numba" and m * n * d * (d + 1) >= MIN_WORK


def _unrolled_source(d: int) -> str:
    """Source of the chain-major kernel for dimension ``d``, every product term written out."""
    xs = ", ".join(f"x{r}" for r in range(d))
    lines = [
        f"def _fused_d{d}(A, b, words, X, slot, recorded, final):",
        "    m, n = words.shape",
        "    for i in prange(m):",
        *(f"        x{r} = X[i, {r}]" for r in range(d)),
        "        for t in range(n):",
        "            k = words[i, t]",
        "            a = A[k]",
        "            c = b[k]",
        *(f"            y{r} = c[{r}] + " + " + ".join(f"a[{r}, {j}] * x{j}" for j in range(d))
          for r in range(d)),
        f"            {xs} = " + ", ".join(f"y{r}" for r in range(d)),
        "            s = slot[t + 1]",
        "            if s >= 0:",
        *(f"                recorded[s, i, {r}] = x{r}" for r in range(d)),
        *(f"        final[i, {r}] = x{r}" for r in range(d)),
    ]
    return "\n".join(lines) + "\n"


def _looped(A, b, words, X, slot, recorded, final):  # pragma: no cover - compiled by numba
    m, n = words.shape
    d = X.shape[1]
    for block in prange((m + _BLOCK - 1) // _BLOCK):
        x, y = np.empty(d), np.empty(d)
        for i in range(block * _BLOCK, min(m, (block + 1) * _BLOCK)):
            for r in range(d):
                x[r] = X[i, r]
            for t in range(n):
                k = words[i, t]
                for r in range(d):
                    s = b[k, r]
                    for j in range(d):
                        s += A[k, r, j] * x[j]
                    y[r] = s
                for r in range(d):
                    x[r] = y[r]
                if slot[t + 1] >= 0:
                    for r in range(d):
                        recorded[slot[t + 1], i, r] = x[r]
            for r in range(d):
                final[i, r] = x[r]


_compiled: dict = {}
# one launch at a time: numba's fallback threading layer (workqueue) aborts the process on
# concurrent launches from two Python threads (e.g. a threaded Dask worker); every launch
# already uses all cores, so serialising them costs no throughput
_launch = threading.Lock()


def _kernel(d: int):
    """The compiled kernel for dimension ``d`` (built on first use; numba caches it on disk)."""
    key = d if d <= UNROLL_MAX else "looped"
    if key not in _compiled:
        # OpenMP threads that spin after a launch (GNU OpenMP's default active wait) take the
        # cores from whatever numpy runs next: a (1e5, 10) x (10, 10) product measured 14 ms
        # right after a launch instead of 1.5 ms. Passive waiting, unless the user chose.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import numba

        f8, i8 = numba.float64, numba.int64
        signature = numba.void(
            f8[:, :, ::1].copy(readonly=True), f8[:, ::1].copy(readonly=True),  # A, b
            i8[:, :].copy(readonly=True), f8[:, ::1].copy(readonly=True),  # words (any strides), X
            i8[::1], f8[:, :, ::1], f8[:, ::1])  # slot, recorded, final
        jit = numba.njit(signature, parallel=True, fastmath=False, cache=True)
        if key == "looped":
            namespace = {"prange": numba.prange, "np": np, "_BLOCK": _BLOCK, "__name__": __name__}
            fn = type(_looped)(_looped.__code__, namespace, _looped.__name__)
        else:
            # compiled under this file's name, so numba's on-disk cache is keyed to (and
            # invalidated with) this module: the generator lives here
            namespace = {"prange": numba.prange, "__name__": __name__}
            exec(compile(_unrolled_source(d), __file__, "exec"), namespace)
            fn = namespace[f"_fused_d{d}"]
        _compiled[key] = jit(fn)
    return _compiled[key]


def fused_affine_sweep(A, b, words, X, steps=()) -> Ensemble:
    r"""Chain :math:`i` from ``X[i]`` through ``words[i]`` (column order) by the fused kernel.

    .. math::

        x^{(i)}_{t+1} = A_{w_{i,t}} x^{(i)}_t + b_{w_{i,t}}, \qquad t = 0, \dots, n - 1,

    recording :math:`x_t` for ``t`` in ``steps``. Inputs are trusted (validated by
    :func:`revsgd.theory.ensemble.forward_ensemble`); non-finite states are returned as they
    are, for the caller's divergence check.

    Args:
        A: ``(K, d, d)`` float array; b: ``(K, d)``.
        words: ``(m, n)`` integer array with entries in ``0..K-1`` (any strides).
        X: ``(m, d)`` start points.
        steps: strictly increasing step numbers in ``0..n`` to record.

    Returns:
        an :class:`~revsgd.theory.run.Ensemble` (``final`` ``(m, d)``, ``recorded``
        ``(len(steps), m, d)``).

    Raises:
        ImportError: numba is not installed (names ``pip install 'revsgd[numba]'``).

    Example:
        >>> A, b = np.full((2, 1, 1), 0.5), np.array([[0.0], [0.5]])
        >>> fused_affine_sweep(A, b, np.array([[1, 0], [0, 1]]), np.zeros((2, 1))).final[:, 0]
        array([0.25, 0.5 ])
    """
    require("numba", "the fused ensemble kernel")
    A = np.ascontiguousarray(A, dtype=np.float64)
    b = np.ascontiguousarray(b, dtype=np.float64)
    X = np.ascontiguousarray(X, dtype=np.float64)
    words = np.asarray(words).astype(np.int64, copy=False)
    (m, n), d = words.shape, X.shape[1]
    slot = np.full(n + 1, -1, dtype=np.int64)
    slot[list(steps)] = np.arange(len(steps))
    recorded = np.empty((len(steps), m, d))
    if slot[0] >= 0:
        recorded[slot[0]] = X
    final = np.empty((m, d))
    if n == 0:
        final[:] = X
    else:
        kernel = _kernel(d)
        with _launch:
            kernel(A, b, words, X, slot, recorded, final)
    return Ensemble(final, tuple(steps), recorded)
