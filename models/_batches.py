"""The fixed partition of data rows into mini-batches, shared by the data-driven models."""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_generator, as_positive_int

__all__ = ["partition_rows"]


def partition_rows(N: int, batch_size, rng, remainder: str, policies: tuple[str, ...]) -> list:
    """Split rows ``0..N-1`` into batches of ``batch_size`` (after a seeded shuffle if ``rng``).

    ``remainder`` says what to do with ``N mod batch_size`` extra rows: ``"error"`` refuses,
    ``"drop"`` discards the last ones, ``"keep"`` keeps a smaller last batch. ``policies``
    lists those the caller accepts.

    Returns:
        a list of int arrays of row indices.
    """
    B = as_positive_int(batch_size, "batch_size")
    if B > N:
        raise ValueError(f"batch_size must be at most the number of rows N = {N}, got {B}")
    if remainder not in policies:
        raise ValueError(f"remainder must be one of {', '.join(policies)}; got {remainder!r}")
    order = np.arange(N) if rng is None else as_generator(rng).permutation(N)
    extra = N % B
    if extra and remainder == "error":
        others = " or ".join(f"remainder={p!r}" for p in policies if p != "error")
        raise ValueError(
            f"batch_size = {B} does not divide N = {N} (remainder {extra}); pass {others} "
            "to choose how to handle it"
        )
    if extra and remainder == "drop":
        order = order[: N - extra]
    return [order[i : i + B] for i in range(0, order.size, B)]
