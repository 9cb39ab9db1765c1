"""The C7 corrected-forward checks pass on several seeds and are registered (the broken
implementations they are fed are in the table of tests/proofs_check/test_can_fail_table.py).
"""

import pytest

from revsgd.proofs_check.numeric import bracket_correction as checks
from revsgd.proofs_check.registry import REGISTRY, check_rng


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_checks_pass_on_several_seeds_and_are_registered(seed):
    for name in checks.__all__:
        assert REGISTRY[name].claim == "C7" and REGISTRY[name].kind == "numeric"
        assert REGISTRY[name].func(check_rng(name, seed)).passed, name
