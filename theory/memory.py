r"""One allocation limit for the whole package: estimate first, refuse before allocating.

Every function whose memory grows with its input (a trajectory of :math:`(n + 1) d` floats, a
word array of :math:`m n` letters, a distance matrix of :math:`N^2` floats, a Kronecker
system of :math:`d^4` floats) computes the bytes it is about to allocate, with Python
integers (no overflow), and calls :func:`check_allocation` before allocating. Beyond the
limit it raises a ``ValueError`` that says what was asked, how much it needs, the limit, and
the remedy (``record=``, ``backward_last``, a smaller ``m``, a larger ``tol``, ...), so a
request of terabytes fails in microseconds instead of swapping or dying with
``MemoryError``.

The limit (:func:`allocation_limit`) is, in this order:

* the environment variable ``REVSGD_MAX_BYTES`` (an int or a float such as ``2e9``);
* otherwise half of the memory available now: ``MemAvailable`` of ``/proc/meminfo`` (or
  ``SC_AVPHYS_PAGES * SC_PAGE_SIZE``), and, under an address-space limit
  (``RLIMIT_AS``), half of what is left of it.

Requests below :data:`ALWAYS_ALLOWED` bytes never read the system state, so small calls pay
nothing.

Example:
    >>> check_allocation(10**15, "backward: a trajectory of 10^13 rows", "pass record=range(0, n + 1, k)")
    Traceback (most recent call last):
    ...
    ValueError: backward: a trajectory of 10^13 rows needs about 909 TiB, more than the allocation limit ...

References:
    Linux ``proc(5)``, ``/proc/meminfo`` (``MemAvailable``) and ``/proc/self/statm``;
    POSIX ``getrlimit`` (``RLIMIT_AS``).
"""

from __future__ import annotations

import os

__all__ = ["ALWAYS_ALLOWED", "ENV", "allocation_limit", "check_allocation", "format_bytes"]

#: The environment variable that overrides the limit, in bytes.
ENV = "REVSGD_MAX_BYTES"

#: Requests up to this many bytes (64 MiB) are always allowed without looking at the system.
ALWAYS_ALLOWED = 64 << 20


def format_bytes(nbytes) -> str:
    """``nbytes`` in binary units, e.g. ``7.5 GiB``.

    Example:
        >>> format_bytes(8 * 10**9), format_bytes(512)
        ('7.45 GiB', '512 B')
    """
    value = float(nbytes)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if value < 1024 or unit == "EiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.3g} {unit}"
        value /= 1024
    return f"{value:.3g} EiB"  # pragma: no cover


def _available() -> int:
    """Bytes of physical memory available now (MemAvailable, else free pages)."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 << 30


def _address_space_left() -> int | None:
    """Bytes left under ``RLIMIT_AS`` (None when there is no such limit)."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft == resource.RLIM_INFINITY:
            return None
        with open("/proc/self/statm") as fh:
            used = int(fh.read().split()[0]) * int(os.sysconf("SC_PAGE_SIZE"))
        return max(0, soft - used)
    except (ImportError, OSError, ValueError, IndexError):  # pragma: no cover
        return None


def allocation_limit() -> int:
    """The largest allocation, in bytes, that a function of the package may make (module docstring).

    Returns:
        an int.

    Raises:
        ValueError: ``REVSGD_MAX_BYTES`` is set but is not a positive number.

    Example:
        >>> allocation_limit() > 0
        True
    """
    text = os.environ.get(ENV, "").strip()
    if text:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not value > 0 or value != value or value == float("inf"):
            raise ValueError(f"{ENV} must be a positive number of bytes, got {text!r}")
        return int(value)
    limit = _available() // 2
    left = _address_space_left()
    if left is not None:
        limit = min(limit, left // 2)
    return limit


def check_allocation(nbytes, what: str, remedy: str) -> None:
    """Refuse, before allocating, a request of ``nbytes`` beyond :func:`allocation_limit`.

    Args:
        nbytes: the estimated size in bytes (a Python int, computed without overflow).
        what: what would be allocated, for the message (it names the function and parameters).
        remedy: how to ask for less (``record=...``, a smaller ``m``, a larger ``tol``, ...).

    Returns:
        None.

    Raises:
        ValueError: the estimate exceeds the limit (the message gives both and the remedy).

    Example:
        >>> check_allocation(1024, "a small array", "nothing")  # allowed, nothing read
    """
    nbytes = int(nbytes)
    if nbytes <= ALWAYS_ALLOWED:
        return
    limit = allocation_limit()
    if nbytes > limit:
        source = f"{ENV}" if os.environ.get(ENV, "").strip() else f"half the available memory; set {ENV} to change it"
        raise ValueError(
            f"{what} needs about {format_bytes(nbytes)}, more than the allocation limit "
            f"{format_bytes(limit)} ({source}): {remedy}"
        )
