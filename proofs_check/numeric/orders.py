r"""Numeric checks of the other iteration orders: palindromes (C7), block backward (C1),
windowed laws (C2).

Each check takes what it exercises as a keyword argument (the palindromic
:class:`~revsgd.theory.order_values.Order` of :mod:`revsgd.theory.orders`, the
:mod:`revsgd.theory.windows` functions), so that the tests can hand in a broken
implementation and see it fail.
"""

from __future__ import annotations

import numpy as np

from revsgd.proofs_check.numeric._instances import (
    DIMENSIONS,
    iterate_scale,
    random_contraction,
    random_quadratic,
    roundoff,
)
from revsgd.proofs_check.registry import Outcome, register_check
from revsgd.theory.contraction import certify
from revsgd.theory.distributions import ks_two_sample
from revsgd.theory.fits import log_log_slope
from revsgd.theory.iterate import backward, forward
from revsgd.theory import orders
from revsgd.theory.windows import block_backward, block_backward_bound, moving_window

__all__ = ["c1_block_backward_bound", "c2_windowed_same_law", "c7_palindrome_slope"]

#: windows tried by the block-backward check
WINDOWS = (1, 3, 7)
#: per-test false-alarm rate of the law check (two KS tests with Holm correction each)
ALPHA = 1e-3


def _slope(h, v) -> float:
    return log_log_slope(h, v).slope  # a zero gap gives slope nan: fail


@register_check(
    "C7",
    r"|P_\pi(x_0) - P_{\pi'}(x_0)| = O(h^3) \text{ for palindromic epochs of half steps}",
    kind="numeric",
)
def c7_palindrome_slope(rng, *, palindromic=orders.palindromic()) -> Outcome:
    r"""Two palindromic epochs (half steps, :math:`P_\pi = S_{\pi_1} \cdots S_{\pi_K} S_{\pi_K}
    \cdots S_{\pi_1}`) with different permutations: the fitted slope of their gap against h
    over [1e-3, 1e-2] is 3 +- 0.1 (the next term contributes O(h_max)), while the plain
    epochs on the same permutations give 2 +- 0.1. ``palindromic`` is the order (run on the
    half-step family, one epoch)."""
    model = random_quadratic(rng, 3, K=4)
    x0 = rng.standard_normal(3)
    p1 = rng.permutation(4)
    p2 = np.roll(p1, 1)  # never p1, never its reverse
    hs = np.geomspace(1e-3, 1e-2, 6)
    pal, plain = [], []
    for h in hs:
        half, full = model.step_family(h / 2), model.step_family(h)
        ends = [palindromic.run(half, p, x0).trajectory[-1] for p in (p1, p2)]
        pal.append(np.linalg.norm(ends[0] - ends[1]))
        plain.append(np.linalg.norm(forward(full, p1, x0)[-1] - forward(full, p2, x0)[-1]))
    s_pal, s_plain = _slope(hs, pal), _slope(hs, plain)
    ok = abs(s_pal - 3.0) <= 0.1 and abs(s_plain - 2.0) <= 0.1
    return Outcome(bool(ok), [s_pal, s_plain], [3.0, 0.1, 2.0, 0.1], "d=3, K=4, h in [1e-3, 1e-2]",
                   "measured: fitted log-log slopes of the palindromic-epoch gap and of the plain-epoch "
                   "gap against h; expected: [palindrome target, half-width, plain target, half-width]; "
                   "pass iff |palindrome - 3| <= 0.1 and |plain - 2| <= 0.1")


@register_check(
    "C1",
    r"|z_{n+1} - z_n| \le \rho^{w\lfloor n/w \rfloor}\, 2C/(1-\rho) \text{ (block backward)}",
    kind="numeric",
)
def c1_block_backward_bound(rng, *, block_backward=block_backward) -> Outcome:
    r"""Block backward (forward inside blocks of length w, backward across) converges to a
    point: the largest ratio of :math:`|z_{n+1} - z_n|` to :math:`\rho^{w\lfloor n/w\rfloor}
    2C/(1-\rho)` (round-off added) is <= 1 for w in (1, 3, 7), and w = 1 is backward SGD to
    round-off."""
    n = 60
    worst, ok, w1_ratio = 0.0, True, 0.0
    for d in DIMENSIONS:
        fam = random_contraction(rng, d, K=4, rho=0.8)
        x0 = rng.standard_normal(d)
        word = rng.integers(0, 4, n)
        cert = certify(fam, x0)
        tol = roundoff(n, d, iterate_scale(cert, x0))
        for w in WINDOWS:
            z = np.asarray(block_backward(fam, word, x0, w).trajectory)
            inc = np.linalg.norm(np.diff(z, axis=0), axis=1)
            worst = max(worst, float(np.max(inc / (block_backward_bound(cert.rho, cert.C, np.arange(n), w) + 2 * tol))))
            if w == 1:
                dev = float(np.abs(z - backward(fam, word, x0)).max())
                w1_ratio = max(w1_ratio, dev / tol)
                ok &= bool(dev <= tol)
    return Outcome(bool(ok and worst <= 1.0), [worst, w1_ratio], [1.0, 1.0],
                   f"d={DIMENSIONS}, K=4, rho=0.8, n={n}, w={WINDOWS}",
                   "measured: largest ratio of |z_{n+1} - z_n| to rho^{w floor(n/w)} 2C/(1-rho) (plus "
                   "round-off) over d and w, and largest ratio of max |z - y| (w = 1 against backward SGD) "
                   "to the round-off tolerance; pass iff both <= 1")


@register_check(
    "C2",
    r"\mathrm{Law}(z_n) = \mathrm{Law}(x_n) \text{ for windowed orders on i.i.d. words}",
    kind="numeric",
)
def c2_windowed_same_law(rng, *, moving_window=moving_window, block_backward=block_backward) -> Outcome:
    r"""At n = 5 from a distant start (far from stationarity), 1000 moving-window and 1000
    block-backward end points (w = 3) against 1000 forward ones, each on fresh i.i.d. words:
    per-coordinate KS with Holm correction, both p-values > 1e-3 (false-alarm rate
    <= 2e-3)."""
    fam = random_contraction(rng, 2, K=4, rho=0.9)
    x0 = np.full(2, 20.0)
    m, n, w = 1000, 5, 3
    words = rng.integers(0, 4, (3, m, n))
    fwd = np.array([forward(fam, i, x0)[-1] for i in words[0]])
    mov = np.array([np.asarray(moving_window(fam, i, x0, w).trajectory)[-1] for i in words[1]])
    blk = np.array([np.asarray(block_backward(fam, i, x0, w).trajectory)[-1] for i in words[2]])
    p = min(ks_two_sample(fwd, mov).pvalue, ks_two_sample(fwd, blk).pvalue)
    return Outcome(bool(p > ALPHA), p, ALPHA, f"d=2, K=4, rho=0.9, n={n}, w={w}, m={m}",
                   "smaller of the two Holm-corrected per-coordinate KS p-values (moving window vs "
                   "forward, block backward vs forward); pass iff measured > expected; false-alarm "
                   "rate <= 2e-3")
