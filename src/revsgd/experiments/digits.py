r"""The paper's MLP experiment on scikit-learn's digits: configuration and runner.

For every weight decay :math:`\lambda` and learning rate :math:`h` of a
:class:`DigitsConfig` (a *setting*), and every seed :math:`s` (the start
:math:`x^{(s)}_0`, :func:`revsgd.models.digits_mlp.initial_parameters`, and the word of
reshuffled epochs, :func:`revsgd.experiments.runs.seed_words`), every order of
:mod:`revsgd.experiments.runs` runs :math:`n` steps of :math:`T_k(x) = x - h \nabla L_k(x)` on the
same word, with the digits MLP of :func:`revsgd.models.digits_mlp.digits_mlp` (the split and
the batches are the same for every seed and setting). Nothing is tuned per order: one
learning rate, one word, one start for all of them (palindromic epochs take half steps
:math:`h/2`, as the order is defined; the windowed orders and the bracket correction share one
window length :math:`w`). The curves are :mod:`revsgd.experiments.metrics`; the contraction
measurements :mod:`revsgd.experiments.contraction`.

**The JSON object** (:func:`run_digits` returns it as ``result.json``):

* ``"meta"``: ``experiment``, ``settings`` (the config and the derived sizes, the main
  setting), ``seeds``, ``versions``, ``platform``, ``seconds``;
* ``"orders"``: the *main* setting (the middle learning rate, the first weight decay): for
  each order name an object with ``"label"``, ``"step"`` (the recorded steps, shared by the
  arrays) and ``"train_loss"``, ``"test_loss"``, ``"train_accuracy"``, ``"test_accuracy"``,
  ``"step_norm"``, each a list over seeds of lists over recorded steps;
* ``"runs"``: every setting, ``{"lr", "weight_decay", "orders", "summary"}``, its
  ``"orders"`` laid out as the top-level one (which is a copy of the main setting's), its
  ``"summary"`` per order: ``late_fluctuation`` (of the train loss), ``early_train_loss``,
  ``final_train_loss``, ``final_test_accuracy``, each ``{"mean", "se", "seeds"}``, and the
  paired comparisons with forward (``vs_forward``);
* ``"curvature"``: ``{"basis", "points"}``, one point per setting and measured seed:
  ``forward_end`` and ``backward_end`` (:func:`revsgd.experiments.contraction.curvature_at` at
  :math:`x_n` and :math:`y_n`), ``local_contraction`` (per-step factors at late forward and
  backward states: ``forward_median``, ``forward_max``, ``backward_median``, ``backward_max``)
  and ``increment_rate`` (of the backward and block-backward increments, or null);
* ``"cost"``: per setting and order, ``gradients`` spent per seed, ``all_iterates`` (the cost
  of every per-step iterate, the order's ``cost(n, n)``) and ``seconds`` per seed (JIT
  compilation excluded: each model is compiled for every batch size first);
* ``"findings"``: the rows of the README table (:mod:`revsgd.experiments.report`).

References:
    B. Dherin et al., "Training in reverse: How iteration order influences convergence
    and stability in deep learning", arXiv:2502.01557, 2025 (Section 5: forward and backward
    SGD on an MLP and on ResNets at constant learning rate and small batches).
"""

from __future__ import annotations

import functools
import numbers
import platform
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from revsgd.theory._validate import as_nonnegative_int, as_positive_int, as_real

__all__ = ["DigitsConfig", "DigitsResult", "FIGURE", "FULL", "QUICK", "config", "figure_results", "run_digits"]


def _tuple_of(value, name, kind, check, what):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"{name} must be a tuple of {what}, got {value!r}")
    items = tuple(value)
    if not items or not all(isinstance(v, kind) and not isinstance(v, bool) and check(v) for v in items):
        raise ValueError(f"{name} must be a non-empty tuple of {what}, got {items!r}")
    return items


@dataclass(frozen=True)
class DigitsConfig:
    r"""The settings of one digits experiment (module docstring).

    Attributes:
        seeds: the seeds (start and word), distinct non-negative ints.
        lrs: the learning rates :math:`h > 0`; the middle one (sorted) is the main one.
        weight_decays: :math:`\lambda \ge 0`; the first is the main one.
        steps: :math:`n`, steps per run, at least 8 epochs (``8 * K``).
        every: record every ``every``-th state (and the one after it, for the step norm).
        window: :math:`w` of block backward, the moving window and the bracket correction.
        train_size, batch_size, hidden, activation: the model (:func:`revsgd.models.digits_mlp.digits_mlp`).
        curvature_seeds: how many seeds (the first ones) get the Lanczos curvature.
        contraction_points: late states per seed and order for the local contraction factor.
        contraction_length: :math:`\ell`, the letters of each word of the local contraction factor.
        lanczos_tol: the Lanczos tolerance.

    Raises:
        TypeError, ValueError: a field of the wrong kind or range (named, with what was given).

    Example:
        >>> cfg = DigitsConfig(seeds=(0, 1), lrs=(0.5, 0.1, 2.0), steps=512, every=16)
        >>> cfg.main_lr, cfg.main_weight_decay, cfg.K
        (0.5, 0.0, 32)
    """

    seeds: tuple = (0, 1, 2, 3, 4)
    lrs: tuple = (0.1, 0.5, 2.0)
    weight_decays: tuple = (0.0, 1e-2)
    steps: int = 2048
    every: int = 32
    window: int = 8
    train_size: int = 512
    batch_size: int = 16
    hidden: tuple = (32,)
    activation: str = "tanh"
    curvature_seeds: int = 5
    contraction_points: int = 8
    contraction_length: int = 4
    lanczos_tol: float = 1e-6

    def __post_init__(self):
        set_ = functools.partial(object.__setattr__, self)
        set_("seeds", _tuple_of(self.seeds, "seeds", numbers.Integral, lambda v: v >= 0, "non-negative ints"))
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct, got {self.seeds!r}")
        set_("lrs", tuple(float(v) for v in _tuple_of(
            self.lrs, "lrs", numbers.Real, lambda v: np.isfinite(v) and v > 0, "finite learning rates > 0")))
        set_("weight_decays", tuple(float(v) for v in _tuple_of(
            self.weight_decays, "weight_decays", numbers.Real, lambda v: np.isfinite(v) and v >= 0,
            "finite weight decays >= 0")))
        set_("hidden", _tuple_of(self.hidden, "hidden", numbers.Integral, lambda v: v >= 1, "positive widths"))
        for name in ("steps", "every", "window", "train_size", "batch_size", "contraction_points",
                     "contraction_length"):
            set_(name, as_positive_int(getattr(self, name), name))
        set_("curvature_seeds", as_nonnegative_int(self.curvature_seeds, "curvature_seeds"))
        if self.batch_size > self.train_size:
            raise ValueError(f"batch_size must be at most train_size = {self.train_size}, got {self.batch_size}")
        if self.steps < 8 * self.K:
            raise ValueError(f"steps must be at least 8 epochs, 8 K = {8 * self.K} steps (K = {self.K} batches), "
                             f"so that the late quarter holds two epoch ends; got {self.steps}")
        if 4 * self.every > self.steps:
            raise ValueError(f"every must be at most steps / 4 = {self.steps // 4} (the late quarter needs recorded "
                             f"steps), got {self.every}")
        if self.window > self.K:
            raise ValueError(f"window must be at most one epoch, K = {self.K}, got {self.window}")
        set_("lanczos_tol", as_real(self.lanczos_tol, "lanczos_tol", low=0.0, high=1.0, low_open=True,
                                    high_open=True))

    @property
    def K(self) -> int:
        """The number of batches, ``train_size // batch_size`` (left-over rows are dropped)."""
        return self.train_size // self.batch_size

    @property
    def main_lr(self) -> float:
        """The middle learning rate (of the sorted ``lrs``): the top-level ``"orders"`` of the JSON."""
        return sorted(self.lrs)[len(self.lrs) // 2]

    @property
    def main_weight_decay(self) -> float:
        """The first weight decay."""
        return self.weight_decays[0]


#: The full run: 5 seeds, 3 learning rates (2.0 near the edge of stability), both weight decays.
FULL = DigitsConfig()
#: ``--quick`` (part of ``make reproduce``): 3 seeds, 512 steps (16 epochs), curvature on the first seed.
QUICK = DigitsConfig(seeds=(0, 1, 2), steps=512, every=16, curvature_seeds=1, contraction_points=4)
#: The registered figures' own small run (``revsgd figures``): 3 seeds of a smaller MLP, one weight decay.
FIGURE = DigitsConfig(seeds=(0, 1, 2), weight_decays=(1e-2,), steps=256, every=8, train_size=256, hidden=(16,),
                      curvature_seeds=1, contraction_points=4)


def config(*, quick=False, seeds=None, lrs=None, steps=None) -> DigitsConfig:
    r"""The preset (:data:`QUICK` or :data:`FULL`) with the command line's overrides.

    Args:
        quick: start from :data:`QUICK`.
        seeds: a count :math:`S`: seeds ``0..S-1``.
        lrs: a list of learning rates.
        steps: :math:`n`; the recording stride becomes at most :math:`n/16`.

    Returns:
        a :class:`DigitsConfig`.

    Raises:
        TypeError, ValueError: as :class:`DigitsConfig`.

    Example:
        >>> config(quick=True, seeds=4).seeds
        (0, 1, 2, 3)
    """
    base = QUICK if quick else FULL
    changes = {}
    if seeds is not None:
        changes["seeds"] = tuple(range(seeds))
    if lrs is not None:
        changes["lrs"] = tuple(lrs)
    if steps is not None:
        changes["steps"], changes["every"] = steps, max(1, min(base.every, steps // 16))
    fields = {**asdict(base), **changes}
    return DigitsConfig(**fields)


@dataclass(frozen=True)
class DigitsResult:
    """What :func:`run_digits` returns: the JSON object and, if asked, the recorded states.

    Attributes:
        json: the JSON object (module docstring).
        states: ``{(lr, weight_decay): {order: OrderRecord}}`` when ``keep_states``, else empty.
        words: ``(S, N)`` the words of the seeds; x0s: ``(S, d)`` their starts.
        mlps: ``{weight_decay: DigitsMLP}`` (the models, for recomputing the metrics).
    """

    json: dict
    states: dict = field(default_factory=dict)
    words: np.ndarray | None = None
    x0s: np.ndarray | None = None
    mlps: dict = field(default_factory=dict)


def _versions() -> dict:
    import jax
    import scipy
    import sklearn

    from revsgd import __version__

    return {"revsgd": __version__, "numpy": np.__version__, "scipy": scipy.__version__, "jax": jax.__version__,
            "scikit-learn": sklearn.__version__, "python": platform.python_version()}


def run_digits(cfg: DigitsConfig, *, on_setting=None, keep_states=False) -> DigitsResult:
    r"""Run the experiment of ``cfg`` (module docstring) and return its JSON object.

    Args:
        cfg: a :class:`DigitsConfig`.
        on_setting: called as ``on_setting(lr, weight_decay)`` after each setting (progress).
        keep_states: also return the recorded states (memory: every recorded state of every
            order, seed and setting).

    Returns:
        a :class:`DigitsResult`.

    Raises:
        TypeError: ``cfg`` not a DigitsConfig.
        ImportError: the ``data`` or ``jax`` extra missing (the message names it).
        ValueError: a run that diverged (non-finite parameters: the learning rate is too large).
    """
    if not isinstance(cfg, DigitsConfig):
        raise TypeError(f"cfg must be a DigitsConfig, got {type(cfg).__name__}")
    from revsgd.experiments import contraction, report, runs
    from revsgd.experiments.metrics import order_metrics
    from revsgd.models.digits_mlp import digits_mlp, initial_parameters

    start = time.perf_counter()
    mlps, settings, points, states = {}, [], [], {}
    words = None
    for wd in cfg.weight_decays:
        mlp = mlps[wd] = digits_mlp(train_size=cfg.train_size, batch_size=cfg.batch_size, hidden=cfg.hidden,
                                    activation=cfg.activation, weight_decay=wd)
        x0s = np.stack([initial_parameters(mlp.widths, s) for s in cfg.seeds])
        words = runs.seed_words(mlp.model.K, cfg.steps, cfg.seeds)
        _warm_up(mlp.model, x0s[0], 2 * len(cfg.seeds) * (cfg.steps // cfg.every + 2))
        for lr in cfg.lrs:
            records = runs.run_orders(mlp.model, lr, x0s, words, n=cfg.steps, every=cfg.every, window=cfg.window)
            curves = {name: order_metrics(mlp, rec) for name, rec in records.items()}
            settings.append(report.setting_entry(cfg, lr, wd, records, curves))
            points.extend(_contraction_points(cfg, mlp.model, lr, wd, records, curves, words, contraction))
            if keep_states:
                states[(lr, wd)] = records
            if on_setting is not None:
                on_setting(lr, wd)
    meta = {"experiment": "digits", "settings": report.settings_meta(cfg, mlps[cfg.weight_decays[0]]),
            "seeds": list(cfg.seeds), "versions": _versions(), "platform": platform.platform(),
            "seconds": time.perf_counter() - start}
    out = report.assemble(cfg, meta, settings, points)
    return DigitsResult(out, states, words, x0s if keep_states else None, mlps if keep_states else {})


def _warm_up(model, x, rows) -> None:
    """Compile the model's batched gradient for every bucket up to ``rows`` and its HVP, so that
    the seconds of the ``"cost"`` section exclude JIT compilation."""
    m = 1
    while True:
        model.gradient(np.zeros(m, dtype=np.int64), np.broadcast_to(x, (m, x.size)))
        if m >= rows:
            break
        m *= 2
    model.hvp(0, x, x)


def _contraction_points(cfg, model, lr, wd, records, curves, words, contraction) -> list:
    """The ``"curvature"`` points of one setting: end-point curvature, local contraction, increment rates."""
    n, ell = cfg.steps, cfg.contraction_length
    family = model.step_family(lr)
    factors = {}
    for name in ("forward", "backward"):
        rec = records[name]
        late = np.nonzero((rec.step >= n / 2) & (rec.step + ell <= words.shape[1]))[0][-cfg.contraction_points:]
        pts = rec.states[:, late].reshape(-1, rec.states.shape[-1])
        letters = np.concatenate([np.stack([words[s, t:t + ell] for t in rec.step[late]])
                                  for s in range(len(cfg.seeds))])
        rng = np.random.default_rng([int(round(lr * 1e6)), int(round(wd * 1e9)), 3])
        factors[name] = contraction.local_contraction(family, pts, letters, rng).reshape(len(cfg.seeds), -1)
    out = []
    for i, seed in enumerate(cfg.seeds):
        entry = {"lr": lr, "weight_decay": wd, "seed": int(seed),
                 "local_contraction": {
                     "forward_median": float(np.median(factors["forward"][i])),
                     "forward_max": float(factors["forward"][i].max()),
                     "backward_median": float(np.median(factors["backward"][i])),
                     "backward_max": float(factors["backward"][i].max()),
                     "length": ell, "epsilon": contraction.EPSILON},
                 "increment_rate": {
                     name: contraction.increment_rate(records[name].step, curves[name]["step_norm"][i], n)
                     for name in ("backward", "block_backward")}}
        if i < cfg.curvature_seeds:
            entry["forward_end"] = contraction.curvature_at(model, records["forward"].states[i, -1], lr,
                                                            tol=cfg.lanczos_tol)
            entry["backward_end"] = contraction.curvature_at(model, records["backward"].states[i, -1], lr,
                                                             tol=cfg.lanczos_tol)
        out.append(entry)
    return out


@functools.lru_cache(maxsize=2)
def figure_results(seed: int) -> dict:
    """The JSON object of :data:`FIGURE` with seeds ``seed, seed + 1, seed + 2``, cached: the
    three registered figures share one run (do not modify the returned object).

    Raises:
        ValueError: a negative seed.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    cfg = DigitsConfig(**{**asdict(FIGURE), "seeds": tuple(range(seed, seed + 3))})
    return run_digits(cfg).json
