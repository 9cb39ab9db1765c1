r"""Figure: train and test loss of forward and backward iterates on two real data sets.

On :func:`revsgd.models.data.breast_cancer` (L2-regularized logistic regression,
:class:`revsgd.models.Logistic`) and :func:`revsgd.models.data.diabetes` (least squares,
:class:`revsgd.models.LeastSquares`), with small batches and a constant learning rate
:math:`h = 0.9\, h_{\max}` inside the certified contractive range :math:`(0, h_{\max})` (C4),
one word :math:`\xi_1, \xi_2, \dots` drives both orders from :math:`x_0 = 0`:

.. math::

    x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0) \quad\text{(forward)}, \qquad
    y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0) \quad\text{(backward)} .

The train loss is the model's ``mean_loss`` (the full-data objective
:math:`\frac1K\sum_k L_k`); the test loss is the same loss on the held-out split. The
forward losses keep fluctuating at the stationary level (the chain never settles); the
backward iterates converge (C1), so their losses flatten: over the last quarter of the
steps their standard deviation is many orders of magnitude below the forward one.

Backward iterates are exact (no truncation). For the affine least-squares family
:func:`revsgd.theory.backward` gives every row; for the nonlinear logistic family they are
computed on a grid of recorded steps by a wavefront restricted to those rows
(:func:`revsgd.theory.backward_at`). The C1 certificate's depth for ``TOL`` is recorded beside them.
"""

from __future__ import annotations

import numpy as np

from revsgd.figures import style
from revsgd.models import LeastSquares, Logistic
from revsgd.models.data import breast_cancer, diabetes
from revsgd.theory import AffineFamily, backward, backward_at, certify, forward, sample_word_array

__all__ = [
    "NAME",
    "REQUIRES",
    "STYLE",
    "compute",
    "draw",
    "BATCH",
    "L2",
    "LR_FRACTION",
    "STEPS",
    "POINTS",
    "TAIL",
    "TOL",
]

NAME = "real_data"
REQUIRES = ("data",)  # scikit-learn's bundled data sets
STYLE = style.paper("double", aspect=0.4)

BATCH = 16
L2 = 1e-2
LR_FRACTION = 0.9
STEPS = 8000
POINTS = 201
TAIL = 0.25
TOL = 1e-10


def _losses(model, W) -> np.ndarray:
    return np.array([model.mean_loss(w) for w in W])


def _tail_std(losses, steps) -> float:
    return float(np.std(losses[steps >= (1.0 - TAIL) * STEPS]))


def _run(prefix, model, test_model, rng) -> dict:
    lr = LR_FRACTION * model.contractive_lr_range().high
    family = model.step_family(lr)
    x0 = np.zeros(model.dim)
    idx = sample_word_array(family, 1, STEPS, rng)[0]
    grid = np.unique(np.linspace(0, STEPS, POINTS).astype(np.int64))
    fwd = forward(family, idx, x0)[grid]
    if isinstance(family, AffineFamily):
        bwd = backward(family, idx, x0)[grid]
    else:
        bwd = backward_at(family, idx, x0, grid)
    out = {}
    for order, W in (("forward", fwd), ("backward", bwd)):
        for split, m in (("train", model), ("test", test_model)):
            out[f"{prefix}_{order}_{split}"] = _losses(m, W)
    for order in ("forward", "backward"):
        for split in ("train", "test"):
            key = f"{prefix}_{order}_{split}"
            out[f"{key}_tail_std"] = np.array([_tail_std(out[key], grid)])
    out[f"{prefix}_lr"] = np.array([lr])
    out[f"{prefix}_certified_depth"] = np.array([certify(family, x0).steps_for(TOL)])
    return out


def compute(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    grid = np.unique(np.linspace(0, STEPS, POINTS).astype(np.int64))
    data = {"step": grid}
    cancer = breast_cancer(rng=seed)
    data.update(_run(
        "cancer",
        Logistic(cancer.X_train, cancer.y_train, BATCH, l2=L2, remainder="drop"),
        Logistic(cancer.X_test, cancer.y_test, len(cancer.y_test), l2=L2),
        rng,
    ))
    sugar = diabetes(rng=seed)
    data.update(_run(
        "diabetes",
        LeastSquares(sugar.X_train, sugar.y_train, BATCH, remainder="drop"),
        LeastSquares(sugar.X_test, sugar.y_test, len(sugar.y_test)),
        rng,
    ))
    return data


TITLES = {
    "cancer": "breast cancer, logistic ($\\lambda = 10^{-2}$)",
    "diabetes": "diabetes, least squares",
}


def draw(data, fig) -> None:
    n = data["step"]
    for i, prefix in enumerate(("cancer", "diabetes")):
        ax = fig.add_subplot(1, 2, i + 1)
        for order, sym in (("forward", "x_n"), ("backward", "y_n")):
            for split, width in (("train", 1.0), ("test", 0.6)):
                kw = style.role(order, label=f"{order} ${sym}$, {split}")
                kw["lw"] = width
                if split == "test":
                    kw["alpha"] = 0.6
                ax.plot(n, data[f"{prefix}_{order}_{split}"], **kw)
        ax.set_yscale("log")
        ax.set_xlabel("step $n$")
        ax.set_ylabel("mean loss")
        ax.set_title(TITLES[prefix], fontsize=7)
        ax.legend(loc="upper right", fontsize=5)
