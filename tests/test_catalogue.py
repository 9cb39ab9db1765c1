"""The bad-input catalogue (``tests/catalogue_cases.py``): every public entry point of
revsgd.theory, revsgd.models, revsgd.testing and revsgd.figures refuses each bad input with
the declared exception, and its message names the parameter (or, for a divergence, the
step).

The counts of the closing note of issue 18 come from running the same cases against the
commit before the reliability work (outcomes: clear error / unclear error / silent result /
crash).
"""

import re
import warnings

import pytest

from tests.catalogue_cases import CASES


def test_the_catalogue_is_large_and_its_ids_unique():
    ids = [case[0] for case in CASES]
    assert len(ids) >= 100
    assert len(set(ids)) == len(ids), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_bad_input_is_refused_by_name(case):
    _, call, exc, pattern = case
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a refusal, not a warning and a result (ComplexWarning)
        with pytest.raises(exc) as info:
            call()
    assert re.search(pattern, str(info.value)), f"the message does not name {pattern!r}: {info.value}"
