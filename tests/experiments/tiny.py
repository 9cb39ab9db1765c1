"""A tiny digits experiment shared by the tests of revsgd.experiments, and a NumPy reference MLP.

The run (two seeds, two learning rates, no weight decay, 32 steps of 4 batches of 16 on a
64-8-10 network) is computed once per test process; the reference network recomputes losses
and accuracies from flat parameters with NumPy alone, independently of the JAX code.
"""

import functools

import numpy as np
import pytest

pytest.importorskip("jax", reason="the digits experiment needs the 'jax' extra: pip install 'revsgd[jax]'")
pytest.importorskip("sklearn", reason="the digits experiment needs the 'data' extra: pip install 'revsgd[data]'")

from revsgd.experiments.digits import DigitsConfig, run_digits  # noqa: E402

TINY = DigitsConfig(seeds=(0, 1), lrs=(0.2, 0.5), weight_decays=(0.0,), steps=32, every=4, window=4,
                    train_size=64, batch_size=16, hidden=(8,), curvature_seeds=1, contraction_points=2,
                    contraction_length=3)


@functools.lru_cache(maxsize=1)
def tiny_run():
    """The tiny experiment with its recorded states (computed once per process)."""
    return run_digits(TINY, keep_states=True)


def layers(x, widths):
    """The leaves W_1, c_1, W_2, c_2, ... of a flat parameter vector (row-major W_l)."""
    out, start = [], 0
    for a, b in zip(widths[:-1], widths[1:]):
        out.append(x[start:start + a * b].reshape(a, b))
        out.append(x[start + a * b:start + a * b + b])
        start += a * b + b
    assert start == x.size
    return out


def reference_metrics(x, X, y, widths, weight_decay, activation="tanh"):
    """(mean softmax cross-entropy + wd/2 |x|^2, accuracy, round-off tolerance of the loss) by NumPy.

    The tolerance: every logit is a dot product of at most ``max(widths)`` terms of size at most
    the largest pre-activation ``s`` of the network, and the loss a mean of ``N`` log-sum-exps:
    ``4 N max(widths) eps max(1, s)`` (revsgd.theory.tolerances.roundoff_tolerance).
    """
    from revsgd.theory.tolerances import roundoff_tolerance

    act = np.tanh if activation == "tanh" else (lambda z: np.maximum(z, 0.0))
    h, leaves, scale = X, layers(x, widths), 1.0
    for i in range(0, len(leaves), 2):
        h = h @ leaves[i] + leaves[i + 1]
        scale = max(scale, float(np.abs(h).max()))
        if i + 2 < len(leaves):
            h = act(h)
    zmax = h.max(axis=1, keepdims=True)
    logsum = np.log(np.exp(h - zmax).sum(axis=1)) + zmax[:, 0]
    loss = np.mean(logsum - h[np.arange(len(y)), y]) + 0.5 * weight_decay * x @ x
    tol = roundoff_tolerance(max(scale, 0.5 * weight_decay * x @ x), 4 * len(y) * max(widths))
    return float(loss), float(np.mean(h.argmax(axis=1) == y)), tol
