r"""Named iteration orders: how the maps chosen by a word are composed, and at what cost.

An *epoch* visits each of the K maps once, in the order of a uniform random permutation
:math:`\pi = (\pi_1, \dots, \pi_K)` (``perms[e]``). With epochs :math:`\pi^{(1)}, \pi^{(2)},
\dots` concatenated into the word :math:`\xi`:

* **reshuffled forward** (:func:`reshuffled_forward`):
  :math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)`, i.e. per epoch
  :math:`x \mapsto T_{\pi_K} \circ \dots \circ T_{\pi_1}(x)`;
* **reshuffled backward** (:func:`reshuffled_backward`): the same word composed backward,
  :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`;
* **palindromic** (:func:`palindromic`): each epoch is the permutation followed by its
  reverse, with half steps :math:`S_k` (the caller passes the half-step family, e.g.
  ``model.step_family(h / 2)``),

  .. math::

      P_\pi = S_{\pi_1} \circ \dots \circ S_{\pi_K} \circ S_{\pi_K} \circ \dots \circ S_{\pi_1},
      \qquad x_{e} = P_{\pi^{(e)}}(x_{e-1}) .

  By C7 a composition of gradient steps equals the step of the summed gradient plus
  :math:`h^2/2 \sum_{i<j}` brackets :math:`[\,\cdot\,]` in the order of application, plus
  :math:`O(h^3)`; a palindrome lists every pair in both orders, so the brackets cancel and
  :math:`P_\pi - P_{\pi'} = O(h^3)` for any two permutations (order-independence).

:func:`run_order` runs any of :data:`ORDERS` by name on a freshly drawn word, with one
signature, and reports the cost in map applications (the count a general family, whose
maps can only be applied, needs to produce every per-step iterate):

==================== ============================================ =====================
order                 iterate at step n                            applications
==================== ============================================ =====================
iid_forward           forward on an i.i.d. word                    n
iid_backward          backward on an i.i.d. word                   n(n+1)/2
reshuffled_forward    forward on reshuffled epochs                 n
reshuffled_backward   backward on reshuffled epochs                n(n+1)/2
palindromic           palindromic epochs of half steps             2n
moving_window         :func:`revsgd.theory.windows.moving_window`         n + sum min(w, i)
block_backward        :func:`revsgd.theory.windows.block_backward`        n(n+1)/2, D(D+1)/2
==================== ============================================ =====================

(The backward orders of an affine family keep the composed map instead: one application
and one :math:`d \times d` product per step; ``block_backward`` with ``tol`` freezes after the
certified depth :math:`D`.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from revsgd.theory._validate import as_generator, as_nonnegative_int, as_positive_int
from revsgd.theory.family import check_family, check_point
from revsgd.theory.iterate import backward, forward
from revsgd.theory.sequences import sample_indices
from revsgd.theory.windows import block_backward, moving_window

__all__ = [
    "ORDERS",
    "OrderRun",
    "palindromic",
    "palindromic_word",
    "reshuffled_backward",
    "reshuffled_forward",
    "run_order",
    "sample_epochs",
]

#: Names accepted by :func:`run_order`.
ORDERS = (
    "iid_forward",
    "iid_backward",
    "reshuffled_forward",
    "reshuffled_backward",
    "palindromic",
    "moving_window",
    "block_backward",
)

_WINDOWED = ("moving_window", "block_backward")


@dataclass(frozen=True)
class OrderRun:
    r"""One run of a named order.

    Attributes:
        name: the order.
        word: the drawn word :math:`\xi` (``(n,)``, one entry per step at full learning rate;
            for ``palindromic`` the permutations, each epoch's reverse is implied).
        trajectory: ``(n + 1, d)``; row :math:`j` is the state after :math:`j` steps (for
            ``palindromic``, after :math:`2j` half steps: rows :math:`eK` are epoch ends).
        applications: map applications for a general family (table of the module docstring).
        K: maps per epoch.
    """

    name: str
    word: np.ndarray
    trajectory: np.ndarray
    applications: int
    K: int

    @property
    def steps(self) -> int:
        """Steps at full learning rate, ``n``."""
        return self.word.size

    @property
    def applications_per_step(self) -> float:
        """``applications / n`` (0.0 when n = 0)."""
        return self.applications / self.steps if self.steps else 0.0

    @property
    def epoch_ends(self) -> np.ndarray:
        """Rows ``0, K, 2K, ...`` of the trajectory: the state after each epoch."""
        return self.trajectory[:: self.K]


def _check_perms(perms, K) -> np.ndarray:
    if isinstance(perms, (str, bytes)) or perms is None:
        raise TypeError(f"perms must be an (epochs, K) integer array, got {type(perms).__name__}")
    arr = np.asarray(perms)
    if arr.ndim != 2 or arr.shape[1] != K:
        raise ValueError(
            f"perms must have shape (epochs, K) = (*, {K}), one permutation per row, "
            f"got shape {arr.shape}"
        )
    if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"perms must hold integers, got dtype {arr.dtype}")
    bad = [e for e in range(arr.shape[0]) if not np.array_equal(np.sort(arr[e]), np.arange(K))]
    if bad:
        raise ValueError(
            f"every row of perms must be a permutation of 0..{K - 1}; row {bad[0]} is "
            f"{arr[bad[0]].tolist()}"
        )
    return arr.astype(np.int64, copy=False)


def sample_epochs(K, n_epochs, rng=None) -> np.ndarray:
    """``(n_epochs, K)`` independent uniform permutations of ``0..K-1`` (one epoch per row).

    Example:
        >>> sorted(sample_epochs(3, 2, rng=0)[1].tolist())
        [0, 1, 2]
    """
    n_epochs = as_nonnegative_int(n_epochs, "n_epochs")
    return sample_indices(K, n_epochs * K, rng, scheme="reshuffle").reshape(n_epochs, -1)


def reshuffled_forward(family, perms, x0) -> np.ndarray:
    r"""Forward trajectory over reshuffled epochs, shape ``(E K + 1, d)``.

    .. math::

        x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0), \qquad
        \xi = (\pi^{(1)}_1, \dots, \pi^{(1)}_K, \pi^{(2)}_1, \dots) .

    Args:
        family: a :class:`revsgd.theory.Family`.
        perms: ``(E, K)`` int array, each row a permutation of ``0..K-1``.
        x0: start point, shape ``(d,)``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> reshuffled_forward(fam, [[1, 0]], [0.0])[:, 0]
        array([0.  , 0.5 , 0.25])
    """
    check_family(family)
    return forward(family, _check_perms(perms, family.K).reshape(-1), x0)


def reshuffled_backward(family, perms, x0) -> np.ndarray:
    r"""Backward trajectory over reshuffled epochs, shape ``(E K + 1, d)``.

    .. math::

        y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)

    on the same word as :func:`reshuffled_forward`. At epoch ends it has the same law as the
    forward iterate: the reversed word is the epochs in reverse order, each reversed, and a
    reversed uniform permutation is uniform.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> reshuffled_backward(fam, [[1, 0]], [0.0])[:, 0]
        array([0. , 0.5, 0.5])
    """
    check_family(family)
    return backward(family, _check_perms(perms, family.K).reshape(-1), x0)


def palindromic_word(perms) -> np.ndarray:
    r"""The half-step word :math:`(\pi_1..\pi_K, \pi_K..\pi_1)` of each epoch, concatenated.

    Example:
        >>> palindromic_word([[2, 0, 1]]).tolist()
        [2, 0, 1, 1, 0, 2]
    """
    arr = np.asarray(perms)
    if arr.ndim != 2:
        raise ValueError(f"perms must have shape (epochs, K), got shape {arr.shape}")
    return np.concatenate([arr, arr[:, ::-1]], axis=1).reshape(-1).astype(np.int64)


def palindromic(half_family, perms, x0) -> np.ndarray:
    r"""Palindromic epochs of half steps: trajectory of shape ``(2 E K + 1, d)``, one row per half step.

    .. math::

        x_e = S_{\pi^{(e)}_1} \circ \dots \circ S_{\pi^{(e)}_K} \circ S_{\pi^{(e)}_K} \circ
        \dots \circ S_{\pi^{(e)}_1}(x_{e-1}) \quad\text{(row } 2Ke\text{)},

    the forward trajectory of :func:`palindromic_word`. ``half_family`` holds the half steps
    :math:`S_k`: for gradient steps of learning rate :math:`h`, pass
    ``model.step_family(h / 2)``, so that an epoch moves as far as K full steps.

    Args:
        half_family: a :class:`revsgd.theory.Family` of half steps.
        perms: ``(E, K)`` int array, each row a permutation of ``0..K-1``.
        x0: start point, shape ``(d,)``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> palindromic(fam, [[1, 0]], [0.0])[:, 0]   # S1, S0, S0, S1
        array([0.    , 0.5   , 0.25  , 0.125 , 0.5625])
    """
    check_family(half_family, "half_family")
    return forward(half_family, palindromic_word(_check_perms(perms, half_family.K)), x0)


def run_order(name, family, n_epochs, x0, rng=None, **options) -> OrderRun:
    r"""Run order ``name`` for ``n_epochs`` epochs of K steps on a freshly drawn word.

    Words: the ``iid_*`` orders and the windowed ones draw i.i.d. indices with law
    ``family.probs``; the ``reshuffled_*`` orders and ``palindromic`` draw
    :func:`sample_epochs`. For ``palindromic``, ``family`` is the half-step family.

    Args:
        name: one of :data:`ORDERS`.
        family: a :class:`revsgd.theory.Family`.
        n_epochs: number of epochs, >= 0 (``n = n_epochs * K`` steps).
        x0: start point, shape ``(d,)``.
        rng: a ``numpy.random.Generator``, an int seed or None.
        **options: ``window`` (required by ``moving_window`` and ``block_backward``, at most
            ``n``: a longer window is plain backward, resp. forward SGD), ``tol`` (optional,
            ``block_backward``). No option is accepted by the other orders.

    Returns:
        an :class:`OrderRun`.

    Raises:
        ValueError: unknown ``name`` (the message lists :data:`ORDERS`), a missing, unknown or
            out-of-range option; TypeError: non-integer ``window``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> run = run_order("moving_window", fam, 3, [0.0], rng=0, window=2)
        >>> run.trajectory.shape, run.applications
        ((7, 1), 17)
    """
    if not isinstance(name, str) or name not in ORDERS:
        raise ValueError(f"unknown order {name!r}; valid names: {', '.join(ORDERS)}")
    check_family(family)
    n_epochs = as_nonnegative_int(n_epochs, "n_epochs")
    x0 = check_point(family, x0)
    allowed = {"moving_window": {"window"}, "block_backward": {"window", "tol"}}.get(name, set())
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise ValueError(
            f"order {name!r} takes options {sorted(allowed) or 'none'}; got {unknown}"
        )
    gen = as_generator(rng)
    K = family.K
    n = n_epochs * K
    if name in _WINDOWED:
        if "window" not in options:
            raise ValueError(f"order {name!r} needs the option window (an int >= 1)")
        window = as_positive_int(options["window"], "window")
        if window > n:
            plain = "backward" if name == "moving_window" else "forward"
            raise ValueError(
                f"window must be at most the run length n = {n} for order {name!r} (a longer "
                f"window is plain {plain} SGD), got window = {window}"
            )
        word = sample_indices(K, n, gen, probs=family.probs)
        if name == "moving_window":
            res = moving_window(family, word, x0, window)
            return OrderRun(name, word, res.trajectory, res.applications, K)
        res = block_backward(family, word, x0, window, tol=options.get("tol"))
        cost = res.depth * (res.depth + 1) // 2  # general family: z_n from x0, n <= depth
        return OrderRun(name, word, res.trajectory, cost, K)
    if name.startswith("iid_"):
        word = sample_indices(K, n, gen, probs=family.probs)
    else:
        word = sample_epochs(K, n_epochs, gen).reshape(-1)
    if name == "palindromic":
        traj = palindromic(family, word.reshape(n_epochs, K), x0)[::2]
        return OrderRun(name, word, traj, 2 * n, K)
    if name.endswith("_forward"):
        return OrderRun(name, word, forward(family, word, x0), n, K)
    return OrderRun(name, word, backward(family, word, x0), n * (n + 1) // 2, K)
