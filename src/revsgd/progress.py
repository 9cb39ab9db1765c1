"""Progress bars of the command line: tqdm on a terminal, nothing otherwise.

Example:

>>> bar = progress_bar(3, "checks", quiet=True)
>>> bar.disable
True
>>> bar.close()
"""

from __future__ import annotations

import sys

from tqdm import tqdm

__all__ = ["progress_bar"]


def progress_bar(total: int, unit: str, quiet: bool = False, stream=None) -> tqdm:
    """A tqdm bar on ``stream`` (default stderr), disabled unless it is a terminal.

    Args:
        total: number of items.
        unit: what an item is ("check", "figure", "workload").
        quiet: disable it whatever the stream.
        stream: where it draws (default ``sys.stderr``).
    """
    stream = sys.stderr if stream is None else stream
    interactive = bool(getattr(stream, "isatty", lambda: False)())
    return tqdm(total=total, unit=unit, file=stream, disable=quiet or not interactive,
                leave=False, dynamic_ncols=True)
