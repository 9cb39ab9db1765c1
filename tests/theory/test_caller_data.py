"""The caller's arrays are copied, never frozen or written: every constructor and function
that keeps or transforms an input leaves the caller's array writable and unchanged."""

import numpy as np
import pytest

from revsgd.models import LeastSquares, Logistic, Quadratic
from revsgd.theory import AffineFamily, backward, forward, forward_ensemble, gradient_steps


def _fresh():
    rng = np.random.default_rng(0)
    return {"A": 0.5 * np.eye(2)[None].repeat(2, 0), "b": rng.standard_normal((2, 2)), "probs": np.array([0.25, 0.75]),
            "X": rng.standard_normal((8, 2)), "y": rng.standard_normal(8), "labels": np.array([0.0, 1.0] * 4),
            "x0": rng.standard_normal(2), "word": np.array([0, 1, 1, 0]), "words": np.array([[0, 1], [1, 1]])}


CALLS = {
    "AffineFamily": lambda a: AffineFamily(a["A"], a["b"], a["probs"]),
    "Quadratic": lambda a: Quadratic(np.einsum("kij,klj->kil", a["A"], a["A"]), a["b"], a["probs"]),
    "LeastSquares": lambda a: LeastSquares(a["X"], a["y"], 4),
    "Logistic": lambda a: Logistic(a["X"], a["labels"], 4, 0.1),
    "gradient_steps": lambda a: gradient_steps(lambda k, x: x, 0.5, K=2, dim=2, probs=a["probs"]),
    "forward": lambda a: forward(AffineFamily(a["A"], a["b"]), a["word"], a["x0"]),
    "backward": lambda a: backward(AffineFamily(a["A"], a["b"]), a["word"], a["x0"]),
    "forward_ensemble": lambda a: forward_ensemble(AffineFamily(a["A"], a["b"]), a["words"], a["x0"]),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_inputs_stay_writable_and_unchanged(name):
    arrays = _fresh()
    before = {k: v.copy() for k, v in arrays.items()}
    CALLS[name](arrays)
    for key, arr in arrays.items():
        assert arr.flags.writeable, f"{name} froze the caller's {key}"
        np.testing.assert_array_equal(arr, before[key], err_msg=f"{name} changed the caller's {key}")


def test_the_family_keeps_its_own_frozen_copy():
    A, b = np.full((1, 1, 1), 0.5), np.zeros((1, 1))
    fam = AffineFamily(A, b)
    A[0, 0, 0] = 2.0  # the caller changes its array afterwards
    assert fam.A[0, 0, 0] == 0.5 and not fam.A.flags.writeable
    assert not np.shares_memory(fam.A, A) and not np.shares_memory(fam.b, b)
