r"""The metrics of one grid point: one Dask task, a pure function of (spec, point).

For the point's learning rate :math:`h` (``lr``, or ``lr_fraction`` times the contractive
limit :math:`2/L`), batch size, order and seed, with the i.i.d. step family
:math:`T_k(x) = x - h \nabla L_k(x)`:

* ``stationary_cov_trace``: :math:`\operatorname{tr} S` of the exact stationary covariance
  (C5, :func:`revsgd.theory.solve_stationary`), :math:`S = \mathbb{E}[A S A^\top] + Q`;
  NaN where it does not exist (:math:`r \ge 1`, or steps that are not affine), the
  ``reason`` variable says which;
* ``mean_square_radius``: :math:`r = \rho(\mathbb{E}[A \otimes A])`
  (:func:`revsgd.theory.mean_square_radius`);
* ``lyapunov_exponent`` with ``lyapunov_exponent_low`` / ``_high``, its 99% interval
  (:func:`revsgd.theory.lyapunov_exponent`, ``n = steps`` factors, ``run.lyapunov_runs``
  chains). For logistic steps, :math:`r` and :math:`\gamma` are those of the steps linearized
  at the minimizer, :math:`A_k = I - h \nabla^2 L_k(x^\ast)` (the local rates);
* the run of the point's order (:mod:`revsgd.theory.orders`) for ``run.steps`` steps from
  :math:`x_0`: its rows :math:`z_0, \dots, z_n`, from which
  ``backward_settle_step`` :math:`= \min\{j : |z_{i+1} - z_i| \le \tau \max(1, |z_n|)\ \forall i \ge j\}`
  (:math:`\tau` = ``run.settle_tol``; NaN when the last step still moves, as forward SGD does
  unless the maps share a fixed point, C3), ``late_fluctuation`` the standard deviation of
  the train loss over :math:`z_{\lceil 3n/4 \rceil}, \dots, z_n`, ``final_train_loss`` and
  ``final_test_loss`` at :math:`z_n`. A run that leaves the floats (non-finite iterates) has
  NaN run metrics and the step where it diverged in ``reason``, never a value; so has the
  run of an affine family whose :math:`\gamma` interval lies above 0, whose iterates grow
  like :math:`e^{\gamma n}` almost surely (Furstenberg-Kesten) even while still finite.

Seeding: the word comes from stream ``(2, seed, 0)`` and the Lyapunov chains from
``(2, seed, 1)`` of :func:`revsgd.sweep.problem.stream`; BLAS runs on one thread
(``threadpoolctl``), so the bytes do not depend on the worker.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999.
    H. Furstenberg, H. Kesten, "Products of random matrices", Ann. Math. Statist. 31(2), 1960.
    O. L. V. Costa, M. D. Fragoso, R. P. Marques, *Discrete-Time Markov Jump Linear Systems*,
    Springer 2005, ch. 3 (mean-square stability).
    B. Dherin et al., "Training in reverse", arXiv:2502.01557, 2025 (backward settles, forward
    fluctuates).
"""

from __future__ import annotations

import functools
import json
import math
import time

import numpy as np

__all__ = ["METRICS", "compute_point", "point_spec", "trajectory_metrics"]

from revsgd.theory.divergence import DivergenceError

#: metric name -> (long name, description); every one a float (NaN where ``reason`` says why)
METRICS = {
    "learning_rate": ("learning rate h", "absolute learning rate of the point"),
    "contractive_limit": ("2/L", "contractive limit 2/L, L the largest batch curvature"),
    "batches": ("K", "number of batches of the partition"),
    "rows_used": ("rows used", "train rows in the batches (after remainder = drop)"),
    "stationary_cov_trace": ("tr S", "trace of the exact stationary covariance of i.i.d. selection (C5)"),
    "mean_square_radius": ("r", "spectral radius of E[A (x) A] (mean-square stable iff < 1)"),
    "lyapunov_exponent": ("gamma", "top Lyapunov exponent of the i.i.d. product of the linear parts (C8)"),
    "lyapunov_exponent_low": ("gamma low", "lower end of the 99% Student-t interval of gamma"),
    "lyapunov_exponent_high": ("gamma high", "upper end of the 99% Student-t interval of gamma"),
    "backward_settle_step": ("settle step", "first step after which the run moves less than settle_tol"),
    "late_fluctuation": ("late fluctuation", "standard deviation of the train loss over the last quarter"),
    "final_train_loss": ("final train loss", "data-fit loss on the train split at the last step"),
    "final_test_loss": ("final test loss", "data-fit loss on the test split at the last step"),
}


@functools.lru_cache(maxsize=8)
def point_spec(canonical: str):
    """The :class:`~revsgd.sweep.spec.Spec` of canonical JSON text (cached per process).

    Example:
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr": [0.1], "batch_size": [4], "order": ["forward"]}})
        >>> point_spec(spec.canonical()) == spec
        True
    """
    from revsgd.sweep.spec import load_spec

    body = json.loads(canonical)
    body["grid"] = dict((key, values) for key, values in body["grid"])
    return load_spec(body)


@functools.lru_cache(maxsize=1)
def _blas():
    """One ``threadpoolctl.ThreadpoolController`` per process (finding the libraries is the slow part)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _order(name):
    from revsgd.sweep.spec import ORDER_ALIASES
    from revsgd.theory.orders import ORDERS

    return {o.name: o for o in ORDERS}[ORDER_ALIASES.get(name, name)]


def trajectory_metrics(Z, train_loss, test_loss, settle_tol) -> tuple[dict, list[str]]:
    r"""Settle step, late fluctuation and final losses of the rows ``Z`` of one run (module docstring).

    Args:
        Z: ``(n + 1, d)`` rows :math:`z_0..z_n`, ``n >= 4``.
        train_loss, test_loss: ``(m, d) -> (m,)`` (``test_loss`` may be None).
        settle_tol: :math:`\tau > 0`.

    Returns:
        ``(values, reasons)``: the four metrics (``final_test_loss`` only with a test loss) and
        the reasons of those that are NaN.

    Raises:
        Nothing of its own: non-finite rows give NaN with a reason.

    Example:
        >>> Z = np.array([[1.0], [0.5], [0.25], [0.25], [0.25]])
        >>> values, reasons = trajectory_metrics(Z, lambda W: W[:, 0] ** 2, None, 1e-8)
        >>> values["backward_settle_step"], values["late_fluctuation"], reasons
        (2.0, 0.0, [])
    """
    n = Z.shape[0] - 1
    late = Z[math.ceil(3 * n / 4):]
    nan = _run_nan(test_loss)
    bad = np.nonzero(~np.all(np.isfinite(Z), axis=1))[0]
    with np.errstate(all="ignore"):
        losses = train_loss(late) if not bad.size else None
    if bad.size or not np.all(np.isfinite(losses)):
        where = f"non-finite iterate at step {int(bad[0])}" if bad.size else "non-finite train loss in the last quarter"
        return nan, [_diverged(where)]
    values, reasons = dict(nan), []
    inc = np.linalg.norm(np.diff(Z, axis=0), axis=1)
    moving = np.nonzero(inc > settle_tol * max(1.0, float(np.linalg.norm(Z[-1]))))[0]
    settle = 0 if not moving.size else int(moving[-1]) + 1
    if settle < n:
        values["backward_settle_step"] = float(settle)
    else:
        reasons.append(f"backward_settle_step: still moving at step {n} (|z_n - z_n-1| = {inc[-1]:.3g})")
    with np.errstate(all="ignore"):
        values["late_fluctuation"] = float(np.std(losses))
        values["final_train_loss"] = float(losses[-1])
        if test_loss is not None:
            values["final_test_loss"] = float(test_loss(Z[-1:])[0])
    for key in ("late_fluctuation", "final_test_loss"):
        if key in values and not math.isfinite(values[key]):
            reasons.append(f"{key}: overflowed (the run grows without bound)")
            values[key] = math.nan
    return values, reasons


def _run_nan(test_loss) -> dict:
    nan = {"backward_settle_step": math.nan, "late_fluctuation": math.nan, "final_train_loss": math.nan}
    if test_loss is not None:
        nan["final_test_loss"] = math.nan
    return nan


def _diverged(where: str) -> str:
    return f"run diverged ({where}): backward_settle_step, late_fluctuation, final losses are NaN"


def _run_metrics(problem, order, lr, steps, settle_tol, gen) -> tuple[dict, list[str]]:
    family = problem.model.step_family(lr * order.step_fraction)
    try:
        with np.errstate(all="ignore"):
            run = order.sample(family, -(-steps // family.K), problem.x0, rng=gen)
    except DivergenceError as exc:
        return _run_nan(problem.test_loss), [_diverged(f"non-finite iterate at step {exc.step}")]
    return trajectory_metrics(run.trajectory[: steps + 1], problem.train_loss, problem.test_loss, settle_tol)


def _exact_metrics(problem, lr, steps, runs, gen) -> tuple[dict, list[str]]:
    from revsgd.theory import AffineFamily, lyapunov_exponent, mean_square_radius, solve_stationary

    values = {"stationary_cov_trace": math.nan, "mean_square_radius": math.nan, "lyapunov_exponent": math.nan,
              "lyapunov_exponent_low": math.nan, "lyapunov_exponent_high": math.nan}
    if problem.minimizer is None:
        return values, ["stationary_cov_trace, mean_square_radius, lyapunov_exponent: not computed for a "
                        "network (steps are not affine and it has no unique minimizer to linearize at)"]
    reasons = []
    model = problem.model
    if problem.affine:
        family = model.step_family(lr)
    else:
        reasons.append("stationary_cov_trace: the steps are not affine (no exact stationary covariance, C5)")
        try:
            x = problem.minimizer()
        except ValueError as exc:
            return values, reasons + [f"mean_square_radius, lyapunov_exponent: no minimizer to linearize at ({exc})"]
        ks = np.arange(model.K)
        H = model.hessian(ks, np.broadcast_to(x, (model.K, model.dim)).copy())
        family = AffineFamily(np.eye(model.dim) - lr * H, np.zeros((model.K, model.dim)), model.probs)
    with np.errstate(all="ignore"):
        if problem.affine:
            try:
                moments = solve_stationary(family)
                values["stationary_cov_trace"] = float(np.trace(moments.cov))
                values["mean_square_radius"] = float(moments.radius)
            except (ValueError, RuntimeError) as exc:
                reasons.append(f"stationary_cov_trace: no stationary covariance ({exc})")
        if math.isnan(values["mean_square_radius"]):
            values["mean_square_radius"] = mean_square_radius(family)
        est = lyapunov_exponent(family, n=steps, runs=runs, rng=gen)
    values["lyapunov_exponent"] = est.exponent
    values["lyapunov_exponent_low"], values["lyapunov_exponent_high"] = est.interval
    if math.isnan(est.exponent):
        reasons.append("lyapunov_exponent: the product overflowed")
    return values, reasons


def compute_point(canonical: str, flat: int) -> dict:
    r"""Every metric of point ``flat`` of the spec ``canonical`` (a Dask task; module docstring).

    Args:
        canonical: the spec's canonical JSON (:meth:`revsgd.sweep.spec.Spec.canonical`).
        flat: the point's number in C order over the grid.

    Returns:
        a dict: each name of :data:`METRICS` (``final_test_loss`` only with a test split) to a
        float, ``"reason"`` to the reasons of its NaN values joined by ``"; "`` (``""`` when none),
        and ``"_seconds"``, the time spent (not stored).

    Raises:
        whatever the model raises for this point; the driver records it as the point's error.

    Example:
        >>> from revsgd.sweep.spec import load_spec
        >>> spec = load_spec({"model": "random_affine", "grid": {"lr_fraction": [0.5], "batch_size": [8],
        ...                   "order": ["backward"]}, "run": {"steps": 200}})
        >>> out = compute_point(spec.canonical(), 0)
        >>> out["reason"], bool(out["lyapunov_exponent"] < 0), out["backward_settle_step"] < 200
        ('', True, True)
    """
    from revsgd.sweep.problem import build_problem, stream

    start = time.perf_counter()
    spec = point_spec(canonical)
    coords = spec.coords(int(flat))
    steps, seed = spec.option("steps"), coords["seed"]
    with _blas().limit(limits=1):
        problem = build_problem(spec, coords["batch_size"])
        lr = coords["lr"] if "lr" in coords else coords["lr_fraction"] * problem.limit
        out = {"learning_rate": float(lr), "contractive_limit": float(problem.limit),
               "batches": float(problem.model.K), "rows_used": float(problem.rows_used)}
        values, reasons = _exact_metrics(problem, lr, steps, spec.option("lyapunov_runs"), stream(spec, 2, seed, 1))
        out.update(values)
        values, more = _run_metrics(problem, _order(coords["order"]), lr, steps, spec.option("settle_tol"),
                                    stream(spec, 2, seed, 0))
        if problem.affine and out["lyapunov_exponent_low"] > 0:  # |x_n| ~ e^(gamma n): no value to report
            values = _run_nan(problem.test_loss)
            more = [f"run diverges: gamma > 0 (99% interval above {out['lyapunov_exponent_low']:.3g}), the iterates "
                    "grow like e^(gamma n): backward_settle_step, late_fluctuation, final losses are NaN"]
    out.update(values)
    out["reason"] = "; ".join(reasons + more)
    out["_seconds"] = time.perf_counter() - start
    return out
