r"""Contracting on average: Lyapunov exponents of random affine products (THEORY.md C8).

Diaconis and Freedman need much less than uniform contraction: backward iterates converge
almost surely when :math:`E \log \operatorname{Lip}(T_\xi) < 0`, and for affine maps when
the top Lyapunov exponent

.. math::

    \gamma = \lim_{n\to\infty} \frac1n \log \|A_{\xi_1} \cdots A_{\xi_n}\|

is negative; then :math:`|y_{n+1} - y_n| \le \|A_{\xi_1}\cdots A_{\xi_n}\|\,C` decays like
:math:`e^{\gamma n}`. Since :math:`\log\|\cdot\|` is subadditive, :math:`\gamma \le
E\log\|A_\xi\|`, so a negative mean log Lipschitz constant implies :math:`\gamma < 0`.

:func:`lyapunov_exponent` estimates :math:`\gamma` by following a vector through the random
product with re-normalization (QR with one column) in ``runs`` independent chains, and
gives a Student-t confidence interval over the runs. :func:`classify` combines the three
pieces of evidence. The classification "contracting on average" rests on the estimate of
:math:`\gamma` (or on :math:`E \log \operatorname{Lip} < 0`, which is exact): it is a
statistical statement with the stated confidence, not a certificate like C1.

References:
    P. Diaconis, D. Freedman, "Iterated random functions", SIAM Review 41(1), 1999, sec. 5.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from revsgd.theory._validate import as_finite_array, as_generator, as_index_array, as_positive_int
from revsgd.theory.affine_scan import backward_increments_affine
from revsgd.theory.divergence import DivergenceError
from revsgd.theory.family import AffineFamily, check_family
from revsgd.theory.memory import check_allocation
from revsgd.theory.tolerances import roundoff_margin  # re-exported: 16 d eps (derivation there)

__all__ = [
    "LyapunovEstimate",
    "ContractionClass",
    "backward_increments",
    "lyapunov_exponent",
    "mean_log_lipschitz",
    "classify",
    "roundoff_margin",
    "CLASSES",
]

CLASSES = ("uniformly contracting", "contracting on average", "not contracting", "undetermined")


@dataclass(frozen=True)
class LyapunovEstimate:
    r"""An estimate of the top Lyapunov exponent with a confidence interval.

    .. math::

        \hat\gamma = \frac{1}{R} \sum_{r=1}^{R} \hat\gamma_r, \qquad
        \hat\gamma \pm t_{R-1,\, (1+c)/2}\, \frac{s}{\sqrt R},

    with :math:`\hat\gamma_r` the estimate of run :math:`r`, :math:`s` their sample standard
    deviation and :math:`c` the confidence.

    Attributes:
        exponent: mean of the per-run estimates.
        interval: ``(low, high)`` Student-t interval at level ``confidence``.
        confidence: the level, e.g. 0.99.
        runs, n: the numbers of independent chains and of factors per chain.
        per_run: the per-run estimates.

    Args:
        exponent, interval, confidence, runs, n, per_run: the attributes, in this order.

    Raises:
        Nothing: the fields are stored as given (:func:`lyapunov_exponent` computes them).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> est = lyapunov_exponent(AffineFamily([[[0.5]]], [[0.0]]), n=10, runs=2, rng=0)
        >>> round(est.exponent, 6), est.runs, est.n   # log(1/2)
        (-0.693147, 2, 10)
    """

    exponent: float
    interval: tuple[float, float]
    confidence: float
    runs: int
    n: int
    per_run: np.ndarray


def _affine(family, name="family") -> AffineFamily:
    if not isinstance(family, AffineFamily):
        raise TypeError(f"{name} must be a theory.AffineFamily, got {type(family).__name__}")
    return family


def lyapunov_exponent(family, n=2000, runs=16, rng=None, confidence=0.99) -> LyapunovEstimate:
    r"""Estimate :math:`\gamma` of the i.i.d. product of the linear parts of ``family``.

    .. math::

        \hat\gamma_r = \frac1n \sum_{j=1}^{n} \log |A_{\xi_j} v_{j-1}|, \qquad
        v_j = \frac{A_{\xi_j} v_{j-1}}{|A_{\xi_j} v_{j-1}|}, \qquad
        \gamma = \lim_{n\to\infty} \frac1n \log \|A_{\xi_n} \cdots A_{\xi_1}\| .

    Each run draws its own indices with law ``family.probs``, starts from a random unit
    vector, and accumulates the logarithms with :math:`v_j` re-normalized at every step (all
    runs advance together, one batched product per step). A product that maps a vector to
    exactly 0 gives :math:`\gamma = -\infty` for that run (the maps coalesce).

    Args:
        family: an :class:`~revsgd.theory.family.AffineFamily`.
        n: factors per run (steps of the product), >= 1.
        runs: independent runs, >= 2 (for the interval).
        rng: a Generator or a seed.
        confidence: level of the two-sided interval, a float in (0, 1).

    Returns:
        a :class:`LyapunovEstimate`.

    Raises:
        TypeError: ``family`` is not an AffineFamily; a non-integer ``n`` or ``runs``.
        ValueError: ``n < 1``, ``runs < 2``, or ``confidence`` not a float in (0, 1).

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.25]], [[2.0]]], [[0.0], [0.0]])  # gamma = log(1/2)/2
        >>> est = lyapunov_exponent(fam, n=400, runs=4, rng=0)
        >>> bool(est.interval[1] < 0), est.per_run.shape
        (True, (4,))
    """
    fam = _affine(family)
    n = as_positive_int(n, "n")
    runs = as_positive_int(runs, "runs")
    if runs < 2:
        raise ValueError(f"runs must be >= 2 for a confidence interval, got {runs}")
    if isinstance(confidence, (bool, np.bool_)) or not isinstance(confidence, (float, np.floating)):
        raise TypeError(f"confidence must be a float in (0, 1), got {type(confidence).__name__} {confidence!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be a float in (0, 1), got {confidence!r}")
    confidence = float(confidence)
    gen = as_generator(rng)
    check_allocation(8 * n * runs + 16 * runs * fam.dim, f"lyapunov_exponent: {n} x {runs} map indices",
                     "pass a smaller n (factors per run) or fewer runs")
    idx = gen.choice(fam.K, size=(n, runs), p=fam.probs)
    v = gen.standard_normal((runs, fam.dim))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    total = np.zeros(runs)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for j in range(n):
            v = np.einsum("rij,rj->ri", fam.A[idx[j]], v)
            norms = np.linalg.norm(v, axis=1)
            total += np.log(norms)
            v /= np.where(norms > 0, norms, 1.0)[:, None]
    per_run = total / n
    if np.any(np.isnan(per_run) | (per_run == np.inf)):  # overflow of |A v|: never reported as -inf
        r = int(np.argmax(np.isnan(per_run) | (per_run == np.inf)))
        raise DivergenceError(
            f"lyapunov_exponent: run {r} overflowed (|A v| = inf or NaN): the entries of family.A are "
            "too large for float64 products; rescale the family (gamma shifts by log of the scale)"
        )
    if np.any(per_run == -np.inf):  # some run hit the zero vector: exponent -inf
        return LyapunovEstimate(-np.inf, (-np.inf, -np.inf), confidence, runs, n, per_run)
    mean = float(per_run.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, runs - 1) * per_run.std(ddof=1) / np.sqrt(runs))
    return LyapunovEstimate(mean, (mean - half, mean + half), confidence, runs, n, per_run)


def backward_increments(family, word, x0) -> np.ndarray:
    r"""The backward increments :math:`|y_{n+1} - y_n|`, n = 0..len(word)-1, without cancellation.

    By the telescoping identity of C1,
    :math:`y_{n+1} - y_n = A_{\xi_1} \cdots A_{\xi_n} (T_{\xi_{n+1}}(x_0) - x_0)`: a product,
    not a difference, so it stays accurate far below :math:`\varepsilon |y|`, where
    differencing the trajectory returns 0. Used to measure convergence rates. The
    recurrence is :func:`revsgd.theory.affine_scan.backward_increments_affine`.

    Args:
        family: an :class:`~revsgd.theory.family.AffineFamily`.
        word: ``(n,)`` int array of map indices.
        x0: ``(d,)`` start point.

    Returns:
        ``(n,)`` array of Euclidean norms.

    Raises:
        TypeError: a family that is not affine; ValueError / TypeError: a bad word or start.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.5]], [[0.5]]], [[1.0], [-1.0]])
        >>> backward_increments(fam, [0, 1, 0], [0.0])
        array([1.  , 0.5 , 0.25])
    """
    fam = _affine(family)
    word = as_index_array(word, "word", fam.K)
    x0 = as_finite_array(x0, "x0", shape=(fam.dim,))
    inc = backward_increments_affine(fam.A, fam.b, word, x0)
    return np.array([np.linalg.norm(v) for v in inc], dtype=float).reshape(word.size)


def mean_log_lipschitz(family) -> float:
    r""":math:`E \log \operatorname{Lip}(T_\xi) = \sum_k p_k \log \operatorname{Lip}(T_k)`.

    .. math::

        E \log \operatorname{Lip}(T_\xi) = \sum_{k:\, p_k > 0} p_k \log \operatorname{Lip}(T_k)
        \;\ge\; \gamma \quad \text{(subadditivity; affine maps)}.

    Maps with :math:`p_k = 0` do not count (their weight is 0); a map with Lipschitz
    constant 0 gives :math:`-\infty`.

    Args:
        family: a :class:`revsgd.theory.Family` (only ``probs`` and ``lipschitz()`` are used).

    Returns:
        the mean, a float (possibly ``-inf``).

    Raises:
        TypeError: ``family`` is not a Family.
        ValueError: ``family.lipschitz()`` not a finite non-negative ``(K,)`` array, bad ``probs``.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> fam = AffineFamily([[[0.25]], [[2.0]]], [[0.0], [0.0]])
        >>> round(mean_log_lipschitz(fam), 6)   # (log(1/4) + log 2) / 2
        -0.346574
    """
    lip, p = _lipschitz(family)
    used = p > 0
    with np.errstate(divide="ignore"):
        return float(np.sum(p[used] * np.log(lip[used])))


def _lipschitz(family) -> tuple[np.ndarray, np.ndarray]:
    """``(lipschitz(), probs)`` of a validated family, both finite ``(K,)``, the constants >= 0."""
    check_family(family)
    lip = as_finite_array(family.lipschitz(), "family.lipschitz()", shape=(family.K,))
    if np.any(lip < 0):
        raise ValueError(f"family.lipschitz() must be >= 0, got minimum {float(lip.min())!r}")
    return lip, np.asarray(family.probs, dtype=float)


@dataclass(frozen=True)
class ContractionClass:
    r"""How a family contracts, with the evidence.

    .. math::

        \text{uniformly: } \max_k \operatorname{Lip}(T_k) < 1; \qquad
        \text{on average: } E \log \operatorname{Lip}(T_\xi) < 0 \ \text{or}\ \gamma < 0 .

    Attributes:
        kind: one of :data:`CLASSES`.
        max_lipschitz: :math:`\max_k \operatorname{Lip}(T_k)` over all K maps (also those of
            probability 0, as :func:`revsgd.theory.certify`).
        mean_log_lipschitz: :math:`E \log \operatorname{Lip}(T_\xi)`.
        lyapunov: the :class:`LyapunovEstimate` (None unless the family is affine and
            not uniformly contracting).
        evidence: one sentence saying what the verdict rests on.

    Args:
        kind, max_lipschitz, mean_log_lipschitz, lyapunov, evidence: the attributes, in this
            order.

    Raises:
        Nothing: the fields are stored as given (:func:`classify` computes them).

    Example:
        >>> c = ContractionClass(CLASSES[0], 0.5, -0.69, None, "every map is a contraction")
        >>> c.backward_converges
        True
    """

    kind: str
    max_lipschitz: float
    mean_log_lipschitz: float
    lyapunov: LyapunovEstimate | None
    evidence: str

    @property
    def backward_converges(self) -> bool:
        """True only for the two contracting classes; never claimed otherwise."""
        return self.kind in CLASSES[:2]


def classify(family, n=2000, runs=16, rng=None, confidence=0.99) -> ContractionClass:
    r"""Classify ``family`` as uniformly contracting, contracting on average, or neither.

    * uniformly contracting: :math:`\max_k \operatorname{Lip}(T_k) < 1 - \tau` over **all** K maps,
      those of probability 0 included, exactly as :func:`revsgd.theory.certify` decides (C1
      is a statement about every word; the two always agree);
    * contracting on average: :math:`E\log\operatorname{Lip} < -\tau` (exact), or, for an affine
      family, the upper end of the interval for :math:`\gamma` is :math:`< -\tau` (statistical);
    * not contracting: for an affine family, the lower end of the interval is :math:`> \tau`;
    * undetermined: the interval meets :math:`[-\tau, \tau]`, or the family is not affine and
      :math:`E\log\operatorname{Lip} \ge -\tau` (no evidence either way),

    (maps of probability 0 have weight 0 in :math:`E\log\operatorname{Lip}` and do not occur
    in the words of :math:`\gamma`), with :math:`\tau = 16 d\varepsilon` the round-off margin
    (:func:`revsgd.theory.tolerances.roundoff_margin`). Only the first two classes have
    ``backward_converges``; nothing else claims convergence.

    Args:
        family: a :class:`revsgd.theory.Family` (for the statistical verdicts an
            :class:`~revsgd.theory.family.AffineFamily`).
        n, runs, rng, confidence: passed to :func:`lyapunov_exponent` when it is needed.

    Returns:
        a :class:`ContractionClass`.

    Raises:
        TypeError, ValueError: bad ``n``, ``runs`` or ``confidence``, as
            :func:`lyapunov_exponent`; a ``family`` that is not a Family, or whose
            ``lipschitz()`` is not a finite non-negative ``(K,)`` array.

    Example:
        >>> from revsgd.theory.family import AffineFamily
        >>> classify(AffineFamily([[[0.5]], [[0.5]]], [[0.0], [0.5]])).kind
        'uniformly contracting'
        >>> c = classify(AffineFamily([[[0.25]], [[2.0]]], [[0.0], [0.0]]))
        >>> c.kind, c.backward_converges
        ('contracting on average', True)
    """
    lip, _ = _lipschitz(family)
    n, runs = as_positive_int(n, "n"), as_positive_int(runs, "runs")
    max_lip = float(lip.max())  # every map, as certify: C1 is about every word
    mll = mean_log_lipschitz(family)
    if max_lip < 1.0 - roundoff_margin(family.dim):  # the test of certify, margin included
        return ContractionClass(CLASSES[0], max_lip, mll, None,
                                f"every map is a contraction: max Lip = {max_lip:.6g} < 1")
    if mll < -roundoff_margin(family.dim):
        return ContractionClass(CLASSES[1], max_lip, mll, None,
                                f"E log Lip = {mll:.6g} < 0 (exact), although max Lip = {max_lip:.6g}")
    if not isinstance(family, AffineFamily):
        return ContractionClass(CLASSES[3], max_lip, mll, None,
                                f"E log Lip = {mll:.6g} >= 0 and the family is not affine: "
                                "no exponent to estimate, no claim made")
    est = lyapunov_exponent(family, n, runs, rng, confidence)
    low, high = est.interval
    tau = roundoff_margin(family.dim)
    where = (f"gamma = {est.exponent:.4g}, {confidence:.0%} interval [{low:.4g}, {high:.4g}], "
             f"round-off margin {tau:.2g}")
    if high < -tau:
        kind, why = CLASSES[1], f"{where}: below 0 (statistical)"
    elif low > tau:
        kind, why = CLASSES[2], f"{where}: above 0"
    else:
        kind, why = CLASSES[3], f"{where}: not separated from 0, no claim made"
    return ContractionClass(kind, max_lip, mll, est, why)
