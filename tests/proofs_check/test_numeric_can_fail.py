"""Each numeric check passes on the real implementation and fails on a broken one.

The broken implementations are the natural mistakes: the composition order swapped
(backward computed as forward), a start-dependent limit, a contraction factor that ignores
the smallest eigenvalue, a bracket with the wrong sign. (Multiplying the composed map on
the wrong side is invisible to C1, whose bounds hold for any product of contractions; the
exact-trajectory tests in tests/theory/test_iterate.py catch it.)
"""

import numpy as np
import pytest

from revsgd.proofs_check.numeric import average, contraction, steps
from revsgd.theory.lyapunov import ContractionClass
from revsgd.proofs_check.registry import check_rng
from revsgd.theory.iterate import backward, forward


def factor_ignoring_mu(model, lr):
    return float(np.abs(1.0 - lr * model._eig[:, -1]).max())


def forward_that_settles(family, idx, x0):
    """A 'forward' that is really backward: it converges, hiding C3."""
    return backward(family, idx, x0)


def always_converges(family, **_):
    return ContractionClass("contracting on average", 1.0, 0.0, None, "claims everything")


def biased_estimator(family, **kwargs):
    from revsgd.theory.lyapunov import lyapunov_exponent

    est = lyapunov_exponent(family, **kwargs)
    shift = 0.05
    return type(est)(est.exponent + shift, (est.interval[0] + shift, est.interval[1] + shift),
                     est.confidence, est.runs, est.steps, est.per_run + shift)


CASES = [
    (average.c8_exponent_one_dimensional, dict(estimator=biased_estimator)),
    (average.c8_classification_controls, dict(classifier=always_converges)),
    (contraction.c1_cauchy_bound, dict(backward=forward)),
    (contraction.c1_limit_independent_of_start, dict(backward=lambda f, i, x: backward(f, i, x) + 0.01 * x)),
    (contraction.c1_distance_to_limit, dict(backward=forward)),
    (contraction.c3_common_fixed_point, dict(forward=lambda f, i, x: forward(f, i, x) + 1e-3)),
    (contraction.c3_forward_keeps_moving, dict(forward=forward_that_settles)),
    (steps.c4_learning_rate_edges, dict(contraction=factor_ignoring_mu)),
    (steps.c7_order_gap_slope, dict(backward=forward)),
    (steps.c7_order_gap_slope, dict(backward=lambda f, i, x: backward(f, i, x) * (1 + 1e-4))),
]


@pytest.mark.parametrize("check,broken", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_check_rejects_broken_implementation(check, broken):
    assert check(check_rng(check.__name__, 0)).passed
    assert not check(check_rng(check.__name__, 0), **broken).passed


def test_bracket_check_rejects_wrong_sign(monkeypatch):
    from revsgd.models.quadratic import Quadratic

    assert steps.c7_bracket_exact(check_rng("c7", 0)).passed
    monkeypatch.setattr(Quadratic, "gradient", lambda self, k, x: self.q[k] - self.H[k] @ np.asarray(x))
    assert not steps.c7_bracket_exact(check_rng("c7", 0)).passed
