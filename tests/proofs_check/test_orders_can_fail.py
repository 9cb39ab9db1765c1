"""The order checks pass on the real implementations and fail on natural mistakes:
a palindrome without its reverse, a block backward that is really forward, and windowed
iterates that start one step late."""

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from revsgd.proofs_check.numeric import orders
from revsgd.proofs_check.registry import check_rng
from revsgd.theory import orders as theory_orders
from revsgd.theory.iterate import forward
from revsgd.theory.run import Run
from revsgd.theory.windows import moving_window


def _repeated_not_reversed(half_family, word, x0):
    """Each epoch followed by itself instead of its reverse, read every second half step."""
    perms = np.asarray(word).reshape(-1, half_family.K)
    traj = forward(half_family, np.concatenate([perms, perms], axis=1).reshape(-1), x0)[::2]
    return Run(perms.reshape(-1), traj, 2 * perms.size, perms.size)


palindrome_without_reverse = dataclasses.replace(theory_orders.palindromic(), run=_repeated_not_reversed)


def block_backward_as_forward(family, word, x0, window):
    return SimpleNamespace(trajectory=forward(family, word, x0))


def window_starting_late(family, word, x0, window):
    """The window composed onto the iterate one step too late (x_{n-w+1})."""
    return moving_window(family, word, family.apply(int(word[0]), np.asarray(x0, float)), window)


def block_starting_late(family, word, x0, window):
    """A one-block 'block backward' (forward) started one step late: the law of x_{n+1}."""
    return SimpleNamespace(trajectory=forward(family, word, family.apply(int(word[0]), np.asarray(x0, float))))


CASES = [
    (orders.c7_palindrome_slope, dict(palindromic=palindrome_without_reverse)),
    (orders.c1_block_backward_bound, dict(block_backward=block_backward_as_forward)),
    (orders.c2_windowed_same_law, dict(moving_window=window_starting_late)),
    (orders.c2_windowed_same_law, dict(block_backward=block_starting_late)),
]


@pytest.mark.parametrize("check,broken", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_order_check_rejects_broken_implementation(check, broken):
    assert check(check_rng(check.__name__, 0)).passed
    assert not check(check_rng(check.__name__, 0), **broken).passed
