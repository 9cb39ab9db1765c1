r"""Every order of the digits experiment on the same words: the recorded states of each seed.

One setting is a family of gradient steps :math:`T_k(x) = x - h \nabla L_k(x)` (one learning
rate, one weight decay) and, for each seed :math:`s`, a start :math:`x^{(s)}_0` and a word
:math:`\xi^{(s)}` of whole reshuffled epochs (:func:`revsgd.theory.orders.sample_epochs`: each
epoch visits the K batches once, in a uniform random order, as a data loader does). Every
order runs on that same word:

========================  =============================================================  ======================
order                     state after step t                                              computed by
========================  =============================================================  ======================
``forward``               :math:`x_t = T_{\xi_t} \circ \dots \circ T_{\xi_1}(x_0)`         ``forward_ensemble``
``backward``              :math:`y_t = T_{\xi_1} \circ \dots \circ T_{\xi_t}(x_0)` (exact)  wavefront, recorded rows
``block_backward``        forward inside blocks of w, backward across (exact)             wavefront, recorded rows
``moving_window``         :math:`T_{\xi_{t-w+1}} \circ \dots \circ T_{\xi_t}(x_{t-w})`      wavefront, recorded rows
``palindromic``           epochs :math:`\pi, \bar\pi` of half steps (epoch ends)           ``forward_ensemble``
``bracket_corrected``     forward + :math:`h^2 S` per window of w (window ends)            ``corrected_forward_windows``
========================  =============================================================  ======================

All the seeds of a setting run together: the forward orders as one ensemble (one batched
``apply`` per step), the exact backward compositions as one wavefront of
:mod:`revsgd.theory.engine` whose rows are the recorded states of every seed (row
:math:`(s, t)` starts at its start point and applies, at level :math:`\ell`, the map at position
:math:`p_{t,\ell}` of the word of seed :math:`s`: :math:`t - 1 - \ell` for backward, the letters
of :func:`revsgd.theory.windows.block_word` for block backward, the last :math:`\min(t, w)`
letters reversed from :math:`x_{\max(t-w, 0)}` for the moving window, as in the engine's table).
Only recorded rows are composed: with every k-th state recorded, backward costs about
:math:`n^2/k` map applications instead of :math:`n^2/2` (the pairs :math:`t, t+1` are both
recorded, for the step norm :math:`|\theta_{t+1} - \theta_t|`). The tests check every order
against the toolkit's own full-trajectory function and backward against sequential composition.

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (forward and backward SGD, the
    windowed and bracket-corrected approximations).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from revsgd.theory.bracket_correction import corrected_forward_cost, corrected_forward_windows
from revsgd.theory.engine import Positions, wavefront
from revsgd.theory.ensemble import forward_ensemble
from revsgd.theory.orders import palindromic_word, sample_epochs
from revsgd.theory.windows import block_word, moving_window_applications

__all__ = ["ORDER_NAMES", "OrderRecord", "grids", "run_orders", "seed_words"]

#: The orders of the experiment, in the order they are reported.
ORDER_NAMES = ("forward", "backward", "block_backward", "moving_window", "palindromic", "bracket_corrected")


@dataclass(frozen=True)
class OrderRecord:
    r"""The recorded states of one order for every seed of a setting.

    Attributes:
        name: one of :data:`ORDER_NAMES`.
        label: legend text (with the window length).
        step: ``(r,)`` the recorded step numbers :math:`t`.
        states: ``(S, r, d)``: :math:`\theta^{(s)}_t`.
        next_states: ``(S, r, d)``: :math:`\theta^{(s)}_{t+1}`, the order's state one step later.
        gradients: gradient evaluations spent per seed (map applications; for the bracket
            correction gradients plus HVPs, one HVP counted as one gradient).
        all_iterates: what every per-step iterate :math:`t \le n` of one seed would cost a family
            that can only apply its maps (the order's ``cost(n, n)``).
        seconds: wall time per seed (the setting's time divided by the seeds).
    """

    name: str
    label: str
    step: np.ndarray
    states: np.ndarray
    next_states: np.ndarray
    gradients: int
    all_iterates: int
    seconds: float


def seed_words(K: int, n: int, seeds) -> np.ndarray:
    r"""``(S, E K)`` words of :math:`E = \lceil (n + 1)/K \rceil` reshuffled epochs, one per seed.

    The word of seed :math:`s` is drawn from ``numpy.random.default_rng([s, 2])``: the same for
    every learning rate and weight decay.

    Example:
        >>> w = seed_words(4, 5, [0, 1])
        >>> w.shape, sorted(w[0, :4].tolist())
        ((2, 8), [0, 1, 2, 3])
    """
    epochs = -(-(n + 1) // K)
    return np.stack([sample_epochs(K, epochs, np.random.default_rng([int(s), 2])).reshape(-1) for s in seeds])


def grids(n: int, every: int, K: int, window: int) -> dict:
    """The recorded steps of each order: every ``every``-th step; epoch ends; window ends.

    Example:
        >>> g = grids(64, 16, 32, 8)
        >>> g["backward"].tolist(), g["palindromic"].tolist(), g["bracket_corrected"].tolist()[:3]
        ([0, 16, 32, 48, 64], [0, 32, 64], [0, 16, 32])
    """
    common = np.arange(0, n + 1, every)
    epoch = K * max(1, round(every / K))
    block = window * max(1, round(every / window))
    out = {name: common for name in ORDER_NAMES}
    out["palindromic"] = np.arange(0, n + 1, epoch)
    out["bracket_corrected"] = np.arange(0, n // window * window + 1, block)
    return out


def _rows_by_wavefront(family, words, starts, steps, positions):
    """States ``(S, r, d)`` of rows ``steps`` of every seed, one wavefront.

    ``starts``: ``(S, r, d)`` start of each row; ``positions(t)``: the positions (in one word)
    the row of step ``t`` applies, the first acting first.
    """
    S, N = words.shape
    r = steps.size
    depth = np.tile([len(positions(int(t))) for t in steps], S)
    table = np.zeros((S * r, max(int(depth.max(initial=0)), 1)), dtype=np.int64)
    for i, t in enumerate(steps):
        p = positions(int(t))
        for s in range(S):
            table[s * r + i, :p.size] = p + s * N
    out, _ = wavefront(family, words.reshape(-1), starts.reshape(S * r, -1),
                       Positions(depth, lambda rows, level: table[rows, level]))
    return out.reshape(S, r, -1)


def _pairs(steps):
    both = np.union1d(steps, steps + 1)
    return both, np.searchsorted(both, steps), np.searchsorted(both, steps + 1)


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run_orders(model, lr, x0s, words, *, n, every, window) -> dict:
    r"""Run every order of :data:`ORDER_NAMES` for every seed (module docstring).

    Args:
        model: the :class:`revsgd.models.JaxModel` (a gradient and HVP oracle).
        lr: the learning rate :math:`h`.
        x0s: ``(S, d)`` start points, one per seed.
        words: ``(S, N)`` words of whole epochs, :math:`N \ge n + 1` (:func:`seed_words`).
        n: the number of steps; every: record every ``every``-th step; window: the
            window length :math:`w` of the windowed orders and of the bracket correction.

    Returns:
        dict name -> :class:`OrderRecord`.
    """
    S, N = words.shape
    K = model.K
    family, half = model.step_family(lr), model.step_family(0.5 * lr)
    grid = grids(n, every, K, window)
    out = {}

    steps, at, nxt = _pairs(grid["forward"])
    window_starts = np.maximum(steps - window, 0)
    kept = np.union1d(steps, window_starts)  # the moving window starts at forward states
    ens, sec = _timed(lambda: forward_ensemble(family, words[:, :n + 1], x0s, record=kept))
    X = np.swapaxes(ens.recorded, 0, 1)  # (S, r, d)
    F = X[:, np.searchsorted(kept, steps)]
    out["forward"] = OrderRecord("forward", "forward", grid["forward"], F[:, at], F[:, nxt], n + 1, n, sec / S)
    forward_seconds = sec

    starts = np.broadcast_to(x0s[:, None], (S, steps.size, x0s.shape[1]))
    B, sec = _timed(lambda: _rows_by_wavefront(family, words, starts, steps, lambda t: np.arange(t - 1, -1, -1)))
    out["backward"] = OrderRecord("backward", "backward (exact)", grid["backward"], B[:, at], B[:, nxt],
                                  int(steps.sum()), n * (n + 1) // 2, sec / S)

    positions = np.arange(N)
    Z, sec = _timed(lambda: _rows_by_wavefront(family, words, starts, steps,
                                               lambda t: block_word(positions, t, window)))
    out["block_backward"] = OrderRecord("block_backward", f"block backward (w={window})", grid["block_backward"],
                                        Z[:, at], Z[:, nxt], int(steps.sum()), n * (n + 1) // 2, sec / S)

    mw_starts = X[:, np.searchsorted(kept, window_starts)]
    M, sec = _timed(lambda: _rows_by_wavefront(family, words, mw_starts, steps,
                                               lambda t: np.arange(t - 1, max(t - window, 0) - 1, -1)))
    out["moving_window"] = OrderRecord(
        "moving_window", f"moving window (w={window})", grid["moving_window"], M[:, at], M[:, nxt],
        n + 1 + int(np.minimum(steps, window).sum()), moving_window_applications(n, window),
        (sec + forward_seconds) / S)

    ends, at_p, nxt_p = _pairs(grid["palindromic"])
    half_steps = 2 * int(ends.max())
    half_words = np.stack([palindromic_word(w.reshape(-1, K)) for w in words])[:, :half_steps]
    ens, sec = _timed(lambda: forward_ensemble(half, half_words, x0s, record=2 * ends))
    P = np.swapaxes(ens.recorded, 0, 1)
    out["palindromic"] = OrderRecord("palindromic", "palindromic epochs (half steps)", grid["palindromic"],
                                     P[:, at_p], P[:, nxt_p], half_steps, 2 * n, sec / S)

    ticks = grid["bracket_corrected"]
    m = n // window * window
    start = time.perf_counter()
    Zb = np.stack([corrected_forward_windows(model, lr, words[s, :m], x0s[s], window) for s in range(S)])[
        :, ticks // window]
    # the state one step after a window end z_b is the forward step from it, T_{xi_{t+1}}(z_b)
    Zn = family.apply(words[:, ticks].reshape(-1), Zb.reshape(-1, Zb.shape[-1])).reshape(Zb.shape)
    sec = time.perf_counter() - start
    calls = _oracle_calls(words[0, :m], K, window)
    out["bracket_corrected"] = OrderRecord(
        "bracket_corrected", f"bracket-corrected forward (w={window})", ticks, Zb, Zn, calls + ticks.size,
        calls, sec / S)
    return out


def _oracle_calls(word, K, window) -> int:
    """Gradients plus HVPs of the corrected windows of ``word`` (seed 0: the count varies
    between seeds only with the number of distinct batches per window)."""
    total = 0
    for b in range(word.size // window):
        c = corrected_forward_cost(word[b * window:(b + 1) * window], K)
        total += c.gradients + c.hvps
    return total
