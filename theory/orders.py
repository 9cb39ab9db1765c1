r"""The iteration orders, as values: constructors and the registry :data:`ORDERS`.

An *epoch* visits each of the K maps once, in the order of a uniform random permutation
:math:`\pi = (\pi_1, \dots, \pi_K)`. With epochs :math:`\pi^{(1)}, \pi^{(2)}, \dots`
concatenated into the word :math:`\xi`:

* **reshuffled forward** (:func:`reshuffled_forward`):
  :math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)`, i.e. per epoch
  :math:`x \mapsto T_{\pi_K} \circ \dots \circ T_{\pi_1}(x)`;
* **reshuffled backward** (:func:`reshuffled_backward`): the same word composed backward,
  :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`;
* **palindromic** (:func:`palindromic`): each epoch is the permutation followed by its
  reverse, with half steps :math:`S_k` (the order's ``step_fraction`` is 1/2: pass
  ``model.step_family(h / 2)``),

  .. math::

      P_\pi = S_{\pi_1} \circ \dots \circ S_{\pi_K} \circ S_{\pi_K} \circ \dots \circ S_{\pi_1},
      \qquad x_{e} = P_{\pi^{(e)}}(x_{e-1}) .

  By C7 a composition of gradient steps equals the step of the summed gradient plus
  :math:`h^2/2 \sum_{i<j}` brackets :math:`[\,\cdot\,]` in the order of application, plus
  :math:`O(h^3)`; a palindrome lists every pair in both orders, so the brackets cancel and
  :math:`P_\pi - P_{\pi'} = O(h^3)` for any two permutations (order-independence).

Each constructor returns an :class:`~revsgd.theory.order_values.Order` (those without
hyperparameters take no arguments);
``order.sample(family, n_epochs, x0, rng)`` draws a word and returns the
:class:`~revsgd.theory.run.Run` (row :math:`j`: the state after :math:`j` steps; for
``palindromic`` after :math:`2j` half steps, rows :math:`eK` are epoch ends).
``order.cost(n, depth)`` is what a general family, whose maps can only be applied, needs
to produce every per-step iterate:

=========================== ============================================ =====================
order                        iterate at step n                            cost
=========================== ============================================ =====================
``iid_forward()``            forward on an i.i.d. word                    n
``iid_backward()``           backward on an i.i.d. word                   n(n+1)/2
``reshuffled_forward()``     forward on reshuffled epochs                 n
``reshuffled_backward()``    backward on reshuffled epochs                n(n+1)/2
``palindromic()``            palindromic epochs of half steps             2n
``moving_window(w)``         :func:`revsgd.theory.windows.moving_window`  n + sum min(w, i)
``block_backward(w, tol)``   :func:`revsgd.theory.windows.block_backward` n(n+1)/2, D(D+1)/2
=========================== ============================================ =====================

(The backward orders of an affine family keep the composed map instead, and their runs
report the applications actually spent; ``block_backward`` with ``tol`` freezes after the
certified depth :math:`D`.) Adding an order is one module: a constructor that returns an
``Order``; :data:`ORDERS` is the tuple of the built-in ones.

Example:
    >>> from revsgd.theory import AffineFamily, orders
    >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
    >>> [order.name for order in orders.ORDERS][:3]
    ['iid_forward', 'iid_backward', 'reshuffled_forward']
    >>> run = orders.block_backward(2).sample(fam, 2, [0.0], rng=0)
    >>> run.n, run.trajectory.shape, run.applications  # affine: the outer map is kept
    (4, (5, 1), 4)

References:
    arXiv:2502.01557 (forward and backward SGD); P. Diaconis, D. Freedman, "Iterated random
    functions", SIAM Review 41(1), 1999.
"""

from __future__ import annotations

import numpy as np

from revsgd.theory._validate import as_array, as_index_array, as_nonnegative_int, as_positive_float, as_positive_int
from revsgd.theory.family import AffineFamily, check_family
from revsgd.theory.iterate import backward, forward
from revsgd.theory.order_values import Order
from revsgd.theory.run import Run
from revsgd.theory.sequences import sample_indices
from revsgd.theory import windows

__all__ = [
    "ORDERS",
    "block_backward",
    "iid_backward",
    "iid_forward",
    "moving_window",
    "palindromic",
    "palindromic_word",
    "reshuffled_backward",
    "reshuffled_forward",
    "sample_epochs",
]


# -- words -----------------------------------------------------------------------------------


def sample_epochs(K, n_epochs, rng=None) -> np.ndarray:
    """``(n_epochs, K)`` independent uniform permutations of ``0..K-1`` (one epoch per row).

    Args:
        K: number of maps, >= 1; n_epochs: number of epochs, >= 0.
        rng: a ``numpy.random.Generator``, an int seed or None.

    Returns:
        ``(n_epochs, K)`` int64 array.

    Example:
        >>> sorted(sample_epochs(3, 2, rng=0)[1].tolist())
        [0, 1, 2]
    """
    n_epochs = as_nonnegative_int(n_epochs, "n_epochs")
    K = as_positive_int(K, "K")
    return sample_indices(K, n_epochs * K, rng, scheme="reshuffle").reshape(n_epochs, K)


def palindromic_word(perms) -> np.ndarray:
    r"""The half-step word :math:`(\pi_1..\pi_K, \pi_K..\pi_1)` of each epoch, concatenated.

    Args:
        perms: ``(E, K)`` int array, one permutation per row.

    Returns:
        ``(2 E K,)`` int64 array.

    Example:
        >>> palindromic_word([[2, 0, 1]]).tolist()
        [2, 0, 1, 1, 0, 2]
    """
    arr = as_array(perms, "perms", "an (epochs, K) integer array")
    if arr.ndim != 2:
        raise ValueError(f"perms must have shape (epochs, K), got shape {arr.shape}")
    if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"perms must hold integer map indices, got dtype {arr.dtype}")
    return np.concatenate([arr, arr[:, ::-1]], axis=1).reshape(-1).astype(np.int64)


def _epochs(word, K) -> np.ndarray:
    """``word`` cut into its epochs, ``(E, K)``, each checked to be a permutation of 0..K-1."""
    arr = as_index_array(word, "word", K)
    if arr.size % K:
        raise ValueError(
            f"word must be whole epochs: a length that is a multiple of K = {K}, got length {arr.size}"
        )
    perms = arr.reshape(-1, K)
    bad = [e for e in range(perms.shape[0]) if not np.array_equal(np.sort(perms[e]), np.arange(K))]
    if bad:
        raise ValueError(
            f"every epoch of word must be a permutation of 0..{K - 1}; epoch {bad[0]} is "
            f"{perms[bad[0]].tolist()}"
        )
    return perms


def _iid_word(family, n_epochs, rng) -> np.ndarray:
    return sample_indices(family.K, n_epochs * family.K, rng, probs=family.probs)


def _epoch_word(family, n_epochs, rng) -> np.ndarray:
    return sample_epochs(family.K, n_epochs, rng).reshape(-1)


# -- compositions ----------------------------------------------------------------------------


def _forward_run(family, word, x0) -> Run:
    traj = forward(family, word, x0)
    return Run(np.asarray(word, dtype=np.int64), traj, traj.shape[0] - 1, traj.shape[0] - 1)


def _backward_run(family, word, x0) -> Run:
    traj = backward(family, word, x0)
    n = traj.shape[0] - 1
    spent = n if isinstance(family, AffineFamily) else n * (n + 1) // 2  # the scan: each map once
    return Run(np.asarray(word, dtype=np.int64), traj, spent, n)


def _forward_cost(n, depth) -> int:
    return n


def _backward_cost(n, depth) -> int:
    return depth * (depth + 1) // 2


# -- the orders ------------------------------------------------------------------------------


def iid_forward() -> Order:
    r"""Forward SGD on an i.i.d. word: :math:`x_n = T_{\xi_n} \circ \dots \circ T_{\xi_1}(x_0)`, cost n.

    Returns:
        the :class:`~revsgd.theory.order_values.Order` ``iid_forward``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> iid_forward().sample(fam, 1, [0.0], rng=0).trajectory.shape
        (3, 1)
    """
    return Order("iid_forward", _iid_word, _forward_run, _forward_cost)


def iid_backward() -> Order:
    r"""Backward SGD on an i.i.d. word: :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`, cost n(n+1)/2.

    Returns:
        the :class:`~revsgd.theory.order_values.Order` ``iid_backward``.

    Example:
        >>> iid_backward().cost(4, 4), iid_backward().label
        (10, 'iid backward')
    """
    return Order("iid_backward", _iid_word, _backward_run, _backward_cost)


def _reshuffled(run):
    def run_epochs(family, word, x0):
        check_family(family)
        return run(family, _epochs(word, family.K).reshape(-1), x0)

    return run_epochs


def reshuffled_forward() -> Order:
    r"""Forward over reshuffled epochs, :math:`\xi = (\pi^{(1)}_1, \dots, \pi^{(1)}_K, \pi^{(2)}_1, \dots)`; cost n.

    The word must be whole epochs (each K letters a permutation of ``0..K-1``).

    Returns:
        the :class:`~revsgd.theory.order_values.Order` ``reshuffled_forward``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> reshuffled_forward().run(fam, [1, 0], [0.0]).trajectory[:, 0]
        array([0.  , 0.5 , 0.25])
    """
    return Order("reshuffled_forward", _epoch_word, _reshuffled(_forward_run), _forward_cost)


def reshuffled_backward() -> Order:
    r"""Backward over reshuffled epochs, :math:`y_n = T_{\xi_1} \circ \dots \circ T_{\xi_n}(x_0)`; cost n(n+1)/2.

    At epoch ends it has the same law as the forward iterate: the reversed word is the
    epochs in reverse order, each reversed, and a reversed uniform permutation is uniform.

    Returns:
        the :class:`~revsgd.theory.order_values.Order` ``reshuffled_backward``.

    Example:
        >>> import numpy as np
        >>> from revsgd.theory.family import AffineFamily
        >>> three = AffineFamily(np.zeros((3, 1, 1)), np.zeros((3, 1)))
        >>> word = reshuffled_backward().draw(three, 2, np.random.default_rng(0))
        >>> sorted(word[:3].tolist()), sorted(word[3:].tolist())
        ([0, 1, 2], [0, 1, 2])
    """
    return Order("reshuffled_backward", _epoch_word, _reshuffled(_backward_run), _backward_cost)


def _palindromic_run(half_family, word, x0) -> Run:
    check_family(half_family, "half_family")
    perms = _epochs(word, half_family.K)
    traj = forward(half_family, palindromic_word(perms), x0)[::2]
    return Run(perms.reshape(-1), traj, 2 * perms.size, perms.size)


def palindromic() -> Order:
    r"""Palindromic epochs of half steps (module docstring); ``step_fraction`` 1/2, cost 2n.

    Row :math:`j` of the run is the state after :math:`2j` half steps; the epoch ends
    (rows :math:`eK`) are

    .. math::

        x_e = S_{\pi^{(e)}_1} \circ \dots \circ S_{\pi^{(e)}_K} \circ S_{\pi^{(e)}_K} \circ
        \dots \circ S_{\pi^{(e)}_1}(x_{e-1}),

    the forward trajectory of :func:`palindromic_word` read every second half step.

    Returns:
        the :class:`~revsgd.theory.order_values.Order` ``palindromic`` (its ``run`` takes the half-step family).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> half = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> palindromic().run(half, [1, 0], [0.0]).trajectory[:, 0]   # S1 S0 | S0 S1
        array([0.    , 0.25  , 0.5625])
    """
    return Order("palindromic", _epoch_word, _palindromic_run, lambda n, depth: 2 * n, step_fraction=0.5)


def _windowed_word(name, window, plain):
    def draw(family, n_epochs, rng):
        n = n_epochs * family.K
        if window > n:
            raise ValueError(
                f"window must be at most the run length n = {n} for order {name!r} (a longer "
                f"window is plain {plain} SGD), got window = {window}"
            )
        return _iid_word(family, n_epochs, rng)

    return draw


def moving_window(window) -> Order:
    r"""The moving window of :func:`revsgd.theory.windows.moving_window` on an i.i.d. word.

    :math:`z_n = T_{\xi_{n-w+1}} \circ \dots \circ T_{\xi_n}(x_{n-w})`; cost
    :func:`~revsgd.theory.windows.moving_window_applications`. The window must not exceed
    the run length (a longer one is backward SGD).

    Args:
        window: :math:`w \ge 1`.

    Returns:
        the :class:`~revsgd.theory.order_values.Order` ``moving_window`` with ``params``
        ``(("window", w),)``.

    Raises:
        TypeError: non-integer ``window``; ValueError: ``window < 1``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])
        >>> run = moving_window(2).sample(fam, 3, [0.0], rng=0)
        >>> run.trajectory.shape, run.applications, moving_window(2).label
        ((7, 1), 17, 'moving window (w=2)')
    """
    w = as_positive_int(window, "window")
    return Order(
        "moving_window",
        _windowed_word("moving_window", w, "backward"),
        lambda family, word, x0: windows.moving_window(family, word, x0, w),
        lambda n, depth: windows.moving_window_applications(n, w),
        label=f"moving window (w={w})",
        params=(("window", w),),
    )


def block_backward(window, tol=None) -> Order:
    r"""Block backward (:func:`revsgd.theory.windows.block_backward`) on an i.i.d. word.

    Forward inside blocks of length :math:`w`, backward across; with ``tol`` frozen after
    the certified depth :math:`D`. Cost :math:`D(D+1)/2` (:math:`D = n` when exact).

    Args:
        window: the block length :math:`w \ge 1`, at most the run length (a longer one is
            forward SGD).
        tol: optional certified error, > 0.

    Returns:
        the :class:`~revsgd.theory.order_values.Order` ``block_backward`` with ``params``
        ``(("window", w), ("tol", tol))``.

    Raises:
        TypeError: non-integer ``window``; ValueError: ``window < 1`` or ``tol <= 0``.

    Example:
        >>> block_backward(2).cost(6, 6), block_backward(2, tol=1e-3).label
        (21, 'block backward (w=2, tol=0.001)')
    """
    w = as_positive_int(window, "window")
    tol = None if tol is None else as_positive_float(tol, "tol")
    return Order(
        "block_backward",
        _windowed_word("block_backward", w, "forward"),
        lambda family, word, x0: windows.block_backward(family, word, x0, w, tol=tol),
        _backward_cost,
        label=f"block backward (w={w})" if tol is None else f"block backward (w={w}, tol={tol:g})",
        params=(("window", w), ("tol", tol)),
    )


#: The built-in orders (the windowed ones with w = 2).
ORDERS = (
    iid_forward(),
    iid_backward(),
    reshuffled_forward(),
    reshuffled_backward(),
    palindromic(),
    moving_window(2),
    block_backward(2),
)
