r"""The sweep's spec: a TOML file (or string, or dict), validated whole before any work.

Top-level keys ``model`` (:data:`MODELS`), ``data`` (:data:`DATA`), the table ``[grid]``
(:data:`GRID_KEYS`) and the table ``[run]`` (:data:`RUN_OPTIONS`); the README's "Sweeps"
section shows a whole spec. The grid is the product of its keys, in the order the spec
lists them (the order of the store's dimensions); each key's values form a non-empty list
without repetitions. ``[run]`` holds the options of every point (defaults filled in). A spec
is canonicalised (floats as floats, defaults made explicit, the grid as ordered
pairs) and hashed,

.. math::

    \mathrm{digest} = \mathrm{SHA256}\bigl(\mathrm{JSON}_{\text{sorted keys}}(\text{canonical spec})\bigr),

so a store can tell whether it was written by the same spec. Every error is a
:class:`SpecError` naming the key, the allowed values and what was given.

Example:
    >>> spec = load_spec({"model": "least_squares", "data": "random",
    ...                   "grid": {"lr": [0.1], "batch_size": [8], "order": ["forward"]}})
    >>> spec.dims, spec.shape, spec.option("steps")
    (('lr', 'batch_size', 'order', 'seed'), (1, 1, 1, 1), 1000)
    >>> load_spec({"model": "least_squares", "data": "random", "grid": {"lr": []}})
    Traceback (most recent call last):
    ...
    revsgd.sweep.spec.SpecError: grid.lr: expected a non-empty list of numbers > 0, got []

References:
    T. Preston-Werner et al., "TOML v1.0.0", https://toml.io/en/v1.0.0 (the spec's format).
    NIST FIPS 180-4, "Secure Hash Standard", 2015 (SHA-256, the spec digest).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import numbers
import os
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DATA",
    "GRID_KEYS",
    "MODELS",
    "ORDER_ALIASES",
    "RUN_OPTIONS",
    "Spec",
    "SpecError",
    "load_spec",
    "order_names",
    "train_rows",
]

#: model -> the data sets it accepts (the first is the default)
MODELS = {
    "least_squares": ("diabetes", "random"),
    "logistic": ("breast_cancer", "random"),
    "random_affine": ("random",),
    "digits_mlp": ("digits",),
}
#: data set -> rows (None: ``run.rows``, random data)
DATA = {"diabetes": 442, "breast_cancer": 569, "digits": 1797, "random": None}
#: the grid keys: exactly one of lr_fraction / lr, then batch_size, order, seed (seed may be omitted: [0])
GRID_KEYS = ("lr_fraction", "lr", "batch_size", "order", "seed")
#: order names of the spec that stand for a registered order
ORDER_ALIASES = {"forward": "iid_forward", "backward": "iid_backward"}
#: ``[run]`` options: name -> (default, what it must be). ``l2``'s default depends on the model.
RUN_OPTIONS = {
    "steps": (1000, "an integer >= 4 (steps of every run)"),
    "remainder": ("drop", "one of drop, keep, error (batch sizes that do not divide the train rows)"),
    "l2": (None, "a number >= 0 (ridge / L2 / weight decay; default 0.01 for logistic, else 0)"),
    "test_fraction": (0.25, "a number in [0, 1) (share of rows held out as the test split)"),
    "data_seed": (0, "an integer >= 0 (seeds the split, the batch partition and random data)"),
    "settle_tol": (1e-6, "a number > 0 (relative tolerance of backward_settle_step)"),
    "lyapunov_runs": (8, "an integer >= 2 (chains of the Lyapunov estimate)"),
    "rows": (256, "an integer >= 2 (rows of random data; data = \"random\" only)"),
    "dim": (5, "an integer >= 1 (features of random data; data = \"random\" only)"),
}
_REMAINDERS = {"least_squares": ("drop", "keep", "error"), "random_affine": ("drop", "keep", "error"),
               "logistic": ("drop", "error"), "digits_mlp": ("drop", "keep", "error")}
_BOUNDS = {"steps": dict(low=4, low_open=False, integer=True), "l2": dict(low=0.0, low_open=False),
           "test_fraction": dict(low=0.0, low_open=False, high=1.0), "settle_tol": dict(low=0.0),
           "data_seed": dict(low=0, low_open=False, integer=True),
           "lyapunov_runs": dict(low=2, low_open=False, integer=True),
           "rows": dict(low=2, low_open=False, integer=True), "dim": dict(low=1, low_open=False, integer=True)}
_NEEDS = {"least_squares": ("data",), "logistic": ("data",), "random_affine": (), "digits_mlp": ("jax", "data")}


class SpecError(ValueError):
    """A spec that cannot be run; the message names the key, the allowed values and what was given."""


def order_names() -> tuple[str, ...]:
    """The order names a spec may use: the aliases, then every registered order.

    Returns:
        a tuple of names (``revsgd.theory.orders.ORDERS`` and :data:`ORDER_ALIASES`).

    Example:
        >>> order_names()[:3]
        ('forward', 'backward', 'iid_forward')
    """
    from revsgd.theory.orders import ORDERS

    return tuple(ORDER_ALIASES) + tuple(order.name for order in ORDERS)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _number(value, key, *, low=None, low_open=True, high=None, integer=False) -> float | int:
    kind = "an integer" if integer else "a number"
    ok = not isinstance(value, bool) and isinstance(value, numbers.Integral if integer else numbers.Real)
    if ok:
        value = int(value) if integer else float(value)
        ok = math.isfinite(value) and (low is None or (value > low if low_open else value >= low)) \
            and (high is None or value < high)
    if not ok:
        bound = "" if low is None else f" {'>' if low_open else '>='} {low:g}"
        bound += "" if high is None else f" and < {high:g}"
        raise SpecError(f"{key}: expected {kind}{bound}, got {_shown(value)}")
    return value


def _values(raw, key, item, what) -> tuple:
    if not isinstance(raw, (list, tuple)) or not raw:
        raise SpecError(f"{key}: expected a non-empty list of {what}, got {_shown(raw)}")
    values = tuple(item(v) for v in raw)
    repeated = sorted({v for v in values if values.count(v) > 1}, key=str)
    if repeated:
        raise SpecError(f"{key}: values must not repeat (each is one coordinate), got {repeated} twice")
    return values


def _check_grid(raw, rows, options) -> tuple:
    if not isinstance(raw, dict):
        raise SpecError(f"grid: expected a table of lists ({', '.join(GRID_KEYS)}), got {_shown(raw)}")
    unknown = [k for k in raw if k not in GRID_KEYS]
    if unknown:
        raise SpecError(f"grid.{unknown[0]}: unknown key; allowed: {', '.join(GRID_KEYS)}")
    rates = [k for k in ("lr_fraction", "lr") if k in raw]
    if len(rates) != 1:
        given = " and ".join(rates) if rates else "neither"
        raise SpecError(f"grid: give exactly one of lr_fraction (of the contractive limit 2/L) or lr "
                        f"(absolute), got {given}")
    names = order_names()
    checks = {
        "lr_fraction": (lambda v: _number(v, "grid.lr_fraction", low=0.0), "numbers > 0"),
        "lr": (lambda v: _number(v, "grid.lr", low=0.0), "numbers > 0"),
        "batch_size": (lambda v: _batch(v, rows, options["remainder"]), f"integers in 1..{rows}"),
        "order": (lambda v: _order(v, names), "order names"),
        "seed": (lambda v: _number(v, "grid.seed", low=0, low_open=False, integer=True), "integers >= 0"),
    }
    grid = [(k, _values(v, f"grid.{k}", *checks[k])) for k, v in raw.items()]
    missing = [k for k in ("batch_size", "order") if k not in raw]
    if missing:
        raise SpecError(f"grid.{missing[0]}: missing; required keys: lr_fraction or lr, batch_size, order")
    if "seed" not in raw:
        grid.append(("seed", (0,)))
    return tuple(grid)


def _batch(value, rows, remainder) -> int:
    size = _number(value, "grid.batch_size", low=1, low_open=False, high=rows + 1, integer=True)
    if remainder == "error" and rows % size:
        raise SpecError(f"grid.batch_size: {size} does not divide the {rows} train rows and run.remainder "
                        f"is \"error\"; allowed: the divisors of {rows}, or run.remainder = \"drop\" or \"keep\"")
    return size


def _order(value, names) -> str:
    if not isinstance(value, str) or value not in names:
        raise SpecError(f"grid.order: unknown order {_shown(value)}; allowed: {', '.join(names)}")
    return value


def _check_run(raw, model, data) -> dict:
    if not isinstance(raw, dict):
        raise SpecError(f"run: expected a table of options ({', '.join(RUN_OPTIONS)}), got {_shown(raw)}")
    unknown = [k for k in raw if k not in RUN_OPTIONS]
    if unknown:
        raise SpecError(f"run.{unknown[0]}: unknown key; allowed: {', '.join(RUN_OPTIONS)}")
    for key in ("rows", "dim"):
        if key in raw and data != "random":
            raise SpecError(f"run.{key}: applies to data = \"random\" only, got data = {data!r}")
    out = {k: default for k, (default, _) in RUN_OPTIONS.items()}
    out["l2"] = 0.01 if model == "logistic" else 0.0
    out.update(raw)
    allowed = _REMAINDERS[model]
    if out["remainder"] not in allowed:
        raise SpecError(f"run.remainder: expected one of {', '.join(allowed)} for model {model!r}, "
                        f"got {_shown(out['remainder'])}")
    if data != "random":  # not options of bundled data: left out of the canonical spec
        del out["rows"], out["dim"]
    for key, bounds in _BOUNDS.items():
        if key in out:
            out[key] = _number(out[key], f"run.{key}", **bounds)
    return out


def train_rows(data: str, test_fraction: float, rows: int) -> int:
    r"""Rows of the train split: :math:`N - \min(\lfloor f N \rfloor, N - 1)` (as :func:`revsgd.models.data.split_standardize`).

    Args:
        data: a name of :data:`DATA`; test_fraction: :math:`f`; rows: N of random data.

    Returns:
        the number of train rows.

    Example:
        >>> train_rows("diabetes", 0.25, 0)
        332
    """
    N = DATA[data] if DATA[data] is not None else rows
    return N - min(int(math.floor(test_fraction * N)), N - 1)


def _check_available(model) -> None:
    from revsgd.theory.extras import install_hint, missing_modules

    if model == "digits_mlp" and importlib.util.find_spec("revsgd.models.digits_mlp") is None:
        raise SpecError("model: \"digits_mlp\" needs revsgd.models.digits_mlp, which this revsgd does not "
                        "have yet; allowed now: least_squares, logistic, random_affine")
    for extra in _NEEDS[model]:
        missing = missing_modules(extra)
        if missing:
            raise SpecError(f"model: {model!r} needs {', '.join(missing)}: {install_hint(extra)}")


@dataclass(frozen=True)
class Spec:
    r"""A validated sweep spec: the model, its data, the grid (ordered) and the run options.

    .. math::

        \text{points} = \prod_{\text{key} \in \text{grid}} \text{values(key)}, \qquad
        \text{shape} = (|\text{values}|)_{\text{key}} .

    Attributes:
        model, data: names of :data:`MODELS` and :data:`DATA`.
        grid: ``((key, values), ...)`` in spec order; ``seed`` is always present.
        run: ``((name, value), ...)``: every option of :data:`RUN_OPTIONS`, defaults filled in.

    Args:
        model, data, grid, run: the attributes (use :func:`load_spec`, which validates them).

    Raises:
        Nothing: :func:`load_spec` validates.

    Example:
        >>> spec = load_spec('model = "random_affine"\ndata = "random"\n'
        ...                  '[grid]\nlr = [0.1, 0.2]\nbatch_size = [4]\norder = ["backward"]')
        >>> spec.shape, spec.coords(1)
        ((2, 1, 1, 1), {'lr': 0.2, 'batch_size': 4, 'order': 'backward', 'seed': 0})
    """

    model: str
    data: str
    grid: tuple
    run: tuple

    @property
    def dims(self) -> tuple[str, ...]:
        """The grid keys in spec order (the store's dimensions)."""
        return tuple(key for key, _ in self.grid)

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of values of each grid key."""
        return tuple(len(values) for _, values in self.grid)

    @property
    def size(self) -> int:
        """The number of grid points."""
        return math.prod(self.shape)

    def option(self, name: str):
        """The ``[run]`` option ``name`` (defaults filled in; None for ``rows``/``dim`` of bundled data)."""
        return dict(self.run).get(name)

    def values(self, key: str) -> tuple:
        """The values of grid key ``key``."""
        return dict(self.grid)[key]

    def coords(self, flat: int) -> dict:
        """The coordinates of point number ``flat`` (C order over :attr:`shape`)."""
        index = _unravel(flat, self.shape)
        return {key: values[i] for (key, values), i in zip(self.grid, index)}

    def index(self, flat: int) -> tuple[int, ...]:
        """The grid index of point number ``flat`` (C order)."""
        return _unravel(flat, self.shape)

    def as_dict(self) -> dict:
        """The spec as :func:`load_spec` takes it (grid a table in spec order, every option explicit)."""
        return {"model": self.model, "data": self.data, "grid": {k: list(v) for k, v in self.grid},
                "run": dict(self.run)}

    def canonical(self) -> str:
        """The canonical JSON text that :attr:`digest` hashes (the grid as ordered pairs)."""
        body = {"model": self.model, "data": self.data, "grid": [[k, list(v)] for k, v in self.grid],
                "run": dict(self.run)}
        return json.dumps(body, sort_keys=True, separators=(",", ":"))

    @property
    def digest(self) -> str:
        """SHA-256 of :meth:`canonical`, hex (64 characters)."""
        return hashlib.sha256(self.canonical().encode()).hexdigest()

    def train_rows(self) -> int:
        """Rows of the train split (:func:`train_rows`)."""
        return train_rows(self.data, self.option("test_fraction"), self.option("rows"))


def _unravel(flat, shape) -> tuple[int, ...]:
    index = []
    for n in reversed(shape):
        flat, i = divmod(flat, n)
        index.append(i)
    return tuple(reversed(index))


def _parse_toml(text: str, source: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{source}: not valid TOML: {exc}") from None


def _raw(spec) -> dict:
    if isinstance(spec, Spec):
        return spec.as_dict()
    if isinstance(spec, dict):
        return spec
    if isinstance(spec, os.PathLike) or (isinstance(spec, str) and "\n" not in spec and "=" not in spec):
        path = Path(spec)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SpecError(f"spec: cannot read {str(path)!r}: {exc.strerror or exc}") from None
        return _parse_toml(text, str(path))
    if isinstance(spec, str):
        return _parse_toml(spec, "spec")
    raise TypeError(f"spec must be a path to a TOML file, TOML text, a dict or a Spec; got {type(spec).__name__}")


def load_spec(spec) -> Spec:
    """Parse and validate a sweep spec (module docstring) before any work.

    Args:
        spec: a :class:`Spec`; a dict (the TOML's table); a path (``str`` without ``=`` or a
            newline, or ``os.PathLike``) to a TOML file; or TOML text (a ``str`` with ``=``).

    Returns:
        the :class:`Spec`, defaults filled in.

    Raises:
        SpecError: unknown keys, wrong types, empty or repeated grid values, an order, model
            or data set that does not exist, a model whose extra is missing, a batch size
            larger than the train rows; the message names the key and the allowed values.
        TypeError: ``spec`` of another type.

    Example:
        >>> load_spec({"model": "svm", "grid": {}})
        Traceback (most recent call last):
        ...
        revsgd.sweep.spec.SpecError: model: unknown model 'svm'; allowed: least_squares, logistic, random_affine, digits_mlp
    """
    raw = _raw(spec)
    unknown = [k for k in raw if k not in ("model", "data", "grid", "run")]
    if unknown:
        raise SpecError(f"{unknown[0]}: unknown top-level key; allowed: model, data, grid, run")
    model = raw.get("model")
    if not isinstance(model, str) or model not in MODELS:
        what = "missing" if model is None else f"unknown model {_shown(model)}"
        raise SpecError(f"model: {what}; allowed: {', '.join(MODELS)}")
    data = raw.get("data", MODELS[model][0])
    if not isinstance(data, str) or data not in MODELS[model]:
        kind = "unknown data set" if data not in DATA else f"data set not for model {model!r}"
        raise SpecError(f"data: {kind} {_shown(data)}; allowed for {model}: {', '.join(MODELS[model])}")
    if "grid" not in raw:
        raise SpecError("grid: missing; a table with lr_fraction or lr, batch_size, order (and seed)")
    options = _check_run(raw.get("run", {}), model, data)
    rows = train_rows(data, options["test_fraction"], options.get("rows"))
    if data == "digits" and not 10 <= rows <= DATA["digits"] - 10:
        raise SpecError(f"run.test_fraction: the digits MLP needs 10..{DATA['digits'] - 10} train images (a "
                        f"stratified split), got {rows} from test_fraction = {options['test_fraction']}")
    grid = _check_grid(raw["grid"], rows, options)
    _check_available(model)
    return Spec(model, data, grid, tuple(sorted(options.items())))
