"""Every allocation proportional to the input is estimated first and refused beyond the limit
(:mod:`revsgd.theory.memory`) with a ValueError naming the remedy, before anything is
allocated and in well under a second.

The traps run in one subprocess whose address space is limited (``RLIMIT_AS``) to about
300 MiB above what it uses after importing revsgd: an attempt to allocate would fail there
with ``MemoryError`` (or a kill), so a ValueError proves the refusal came first. The same
subprocess runs the energy test on 6,000 + 6,000 samples (a 1.1 GiB distance matrix if it
were held) and a certified backward run of depth 27,000 on an affine family (the blocked
path; the wavefront would spend 3.6e8 applications).
"""

import json
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(r'''
    import json, os, resource, sys, time
    import numpy as np
    from revsgd.models import LeastSquares
    from revsgd.theory import (AffineFamily, backward, backward_certified, energy_test, forward,
                               lyapunov_exponent, sample_indices, sample_stationary, sample_word_array,
                               stationary_moments, stream_forward_ensemble)
    page = os.sysconf("SC_PAGE_SIZE")
    used = int(open("/proc/self/statm").read().split()[0]) * page
    resource.setrlimit(resource.RLIMIT_AS, (used + (300 << 20), resource.RLIM_INFINITY))
    d100 = AffineFamily(np.stack([0.5 * np.eye(100)] * 2), np.ones((2, 100)))
    word = np.zeros(10**7, dtype=np.int64)
    slow = AffineFamily([[[1 - 1e-12]]], [[1.0]])
    big_d = AffineFamily(0.5 * np.eye(200)[None], np.ones((1, 200)))
    X = np.ones((2000, 1000))
    traps = {
        "backward n=1e7 d=100": lambda: backward(d100, word, np.zeros(100)),
        "forward n=1e7 d=100": lambda: forward(d100, word, np.zeros(100)),
        "sample_stationary rho=1-1e-12": lambda: sample_stationary(slow, 1000, 1e-6, rng=0),
        "sample_word_array 1e7 x 1e7": lambda: sample_word_array(d100, 10**7, 10**7),
        "sample_indices n=1e15": lambda: sample_indices(2, 10**15),
        "stream_forward_ensemble n=1e15": lambda: stream_forward_ensemble(d100, 2, 10**15, np.zeros(100)),
        "lyapunov_exponent n=1e12": lambda: lyapunov_exponent(d100, n=10**12, runs=16, rng=0),
        "stationary_moments kronecker d=200": lambda: stationary_moments(big_d, direct_max_dim=200),
        "LeastSquares 2000 batches of d=1000": lambda: LeastSquares(X, np.ones(2000), 1),
    }
    out = {}
    for name, call in traps.items():
        t = time.perf_counter()
        try:
            call()
            out[name] = ["returned", "", time.perf_counter() - t]
        except BaseException as exc:  # MemoryError included: that is the failure looked for
            out[name] = [type(exc).__name__, str(exc)[:300], time.perf_counter() - t]
    g = np.random.default_rng(0)
    t = time.perf_counter()
    try:
        res = energy_test(g.normal(size=6000), g.normal(size=6000), permutations=9, rng=1)
        out["energy_test 6000+6000"] = ["ok", repr(res.pvalue), time.perf_counter() - t]
    except BaseException as exc:
        out["energy_test 6000+6000"] = [type(exc).__name__, str(exc)[:300], time.perf_counter() - t]
    t = time.perf_counter()
    fam = AffineFamily([[[0.999]], [[0.999]]], [[1.0], [-1.0]])
    try:
        run = backward_certified(fam, np.zeros(30000, dtype=np.int64), np.zeros(1), 1e-9)
        out["backward_certified affine depth"] = ["ok", f"{run.depth} {run.applications}", time.perf_counter() - t]
    except BaseException as exc:
        out["backward_certified affine depth"] = [type(exc).__name__, str(exc)[:300], time.perf_counter() - t]
    print(json.dumps(out))
''')

REMEDIES = {
    "backward n=1e7 d=100": "record=",
    "forward n=1e7 d=100": "record=",
    "sample_stationary rho=1-1e-12": "larger tol",
    "sample_word_array 1e7 x 1e7": "smaller m",
    "sample_indices n=1e15": "smaller n",
    "stream_forward_ensemble n=1e15": "record=range",
    "lyapunov_exponent n=1e12": "smaller n",
    "stationary_moments kronecker d=200": "direct_max_dim",
    "LeastSquares 2000 batches of d=1000": "batch_size",
}


@pytest.fixture(scope="module")
def outcomes():
    env_free = {"REVSGD_MAX_BYTES": ""}  # the default limit, from the memory left
    import os

    env = {**os.environ, **env_free}
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("trap", sorted(REMEDIES))
def test_refused_before_allocating_with_the_remedy(outcomes, trap):
    kind, message, seconds = outcomes[trap]
    assert kind == "ValueError", f"{trap}: {kind} {message}"
    assert REMEDIES[trap] in message and "allocation limit" in message, message
    assert seconds < 1.0, f"{trap}: refused after {seconds:.3f} s"


def test_energy_test_holds_only_blocks_of_the_distance_matrix(outcomes):
    kind, message, seconds = outcomes["energy_test 6000+6000"]
    assert kind == "ok", f"{kind}: {message}"


def test_certified_backward_on_an_affine_family_is_linear_in_the_depth(outcomes):
    kind, message, seconds = outcomes["backward_certified affine depth"]
    assert kind == "ok", f"{kind}: {message}"
    depth, applications = map(int, message.split())
    assert depth > 20000 and applications == depth  # one application per letter, not depth^2 / 2
    assert seconds < 2.0
