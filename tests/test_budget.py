"""``timeout_in_seconds`` counts from the ``search()`` call, cold engine or warm (pysr_lite.budget).

The frontend writes the deadline into options.toml, the engine keeps it (checking it inside the
first iteration and fitting no constants past it), and the frontend stops waiting a moment after
it: a search returns its last front, or ``TimeoutBeforeFirstFrontError`` when the engine has not
written one yet (a cold engine compiles for seconds before its first front).

The tests of a cold engine run it without its system image (``compiling_engine``): with one, a
new engine has nothing to compile, and the budget's hardest case would go untested.
"""

import time

import numpy as np
import pytest

import pysr_lite
from pysr_lite import persistent_engine, search
from pysr_lite.budget import GRACE_SECONDS, TimeoutBeforeFirstFrontError
from pysr_lite.run_folder import read_run_folder

from conftest import pids_running_in, run_folders, uniform_data

# Reading the front back (sympy, numpy) comes on top of the grace.
RETURN_SECONDS = GRACE_SECONDS + 0.6
HARD = dict(unary_operators=["sin"], niterations=10**6)  # nothing finds exp(x0)*sin(x1)+x0^3 soon


def hard_target(X):
    return np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3


@pytest.fixture
def warm_engine(fast_search):
    """A persistent engine that has compiled the search already."""
    X = uniform_data(n_rows=20, seed=50)
    search(X, X[:, 0], **dict(fast_search, niterations=1, unary_operators=["sin"]))
    return persistent_engine._cached.process.pid


def test_a_warm_engine_returns_its_front_at_the_deadline(warm_engine, fast_search):
    X = uniform_data(seed=51)
    called_at, called_at_unix = time.monotonic(), time.time()
    result = search(X, hard_target(X), **dict(fast_search, **HARD, timeout_in_seconds=3))
    assert time.monotonic() - called_at < 3 + RETURN_SECONDS
    assert result.stats["reason"] == "timeout" and len(result) >= 1
    deadline = read_run_folder(result.run_directory).settings["deadline_unix_seconds"]
    assert called_at_unix + 3 <= deadline < called_at_unix + 3 + 0.5   # counted from the call
    assert persistent_engine._cached.process.pid == warm_engine


def test_a_deterministic_search_is_stopped_within_its_iteration(warm_engine, fast_search):
    """A deterministic search reads the clock only between iterations; the frontend's `stop` at
    the deadline ends a long iteration, and the engine calls that a timeout."""
    X = uniform_data(seed=52)
    started = time.monotonic()
    result = search(X, hard_target(X), **dict(fast_search, **HARD, ncycles_per_iteration=10**6, timeout_in_seconds=2))
    assert time.monotonic() - started < 2 + RETURN_SECONDS
    assert result.stats["reason"] == "timeout" and len(result) >= 1


def test_a_cold_one_shot_engine_returns_in_time_with_its_front_or_a_clear_error(compiling_engine, fast_search):
    X = uniform_data(seed=53)
    started = time.monotonic()
    try:
        result = search(X, hard_target(X), **dict(fast_search, **HARD, timeout_in_seconds=2, persistent_engine=False))
        assert result.stats["reason"] == "timeout"
    except TimeoutBeforeFirstFrontError as error:  # the usual case: compiling takes longer than 2 s
        assert "timeout_in_seconds=2 ran out before the engine wrote its first front" in str(error)
        assert error.run_directory.is_dir()
    assert time.monotonic() - started < 2 + RETURN_SECONDS
    (run_directory,) = run_folders(fast_search["output_directory"])
    assert pids_running_in(run_directory) == []


def test_a_persistent_engine_still_starting_at_the_deadline_goes_on_for_the_next_search(compiling_engine, fast_search):
    pysr_lite.close_engine()
    X = uniform_data(seed=54)
    started = time.monotonic()
    with pytest.raises(TimeoutBeforeFirstFrontError):
        search(X, hard_target(X), **dict(fast_search, **HARD, timeout_in_seconds=0.1))
    assert time.monotonic() - started < 0.1 + RETURN_SECONDS
    pid = persistent_engine._cached.process.pid

    result = search(X, 2 * X[:, 0], **dict(fast_search, niterations=3))

    assert persistent_engine._cached.process.pid == pid and result.equations["loss"].min() < 1e-10
    pysr_lite.close_engine()


def test_a_persistent_engine_still_compiling_at_the_deadline_ends_that_search_in_the_background(compiling_engine, fast_search):
    pysr_lite.close_engine()
    # Julia up first, the search not compiled yet: on a loaded machine Julia's own start can
    # outlast the budget, and then no search reaches the engine at all.
    started = persistent_engine.shared_engine(compiling_engine, fast_search["threads"])
    assert started.get_ready(time.monotonic() + 120)
    X = uniform_data(seed=55)
    started = time.monotonic()
    try:
        search(X, hard_target(X), **dict(fast_search, **HARD, timeout_in_seconds=3))
    except TimeoutBeforeFirstFrontError:
        pass  # the usual case: compiling the search takes longer than 3 s
    assert time.monotonic() - started < 3 + RETURN_SECONDS
    pid = persistent_engine._cached.process.pid
    (first_run,) = run_folders(fast_search["output_directory"])

    result = search(X, 2 * X[:, 0], **dict(fast_search, niterations=3))

    assert persistent_engine._cached.process.pid == pid and result.equations["loss"].min() < 1e-10
    assert "pysr_lite:done reason=timeout" in (first_run / "engine_stdout.log").read_text()
    pysr_lite.close_engine()



def test_a_search_stopped_at_its_deadline_never_mixes_with_the_next_ones(compiling_engine, fast_search):
    """A second budget that ends while the first search is still ending leaves that search to
    finish; the third search waits for it and reports only its own lines."""
    pysr_lite.close_engine()
    started = persistent_engine.shared_engine(compiling_engine, fast_search["threads"])
    assert started.get_ready(time.monotonic() + 120)   # Julia up, the search not compiled yet
    X = uniform_data(seed=56)
    for timeout in (1.5, 0.5):
        try:
            search(X, hard_target(X), **dict(fast_search, **HARD, timeout_in_seconds=timeout))
        except TimeoutBeforeFirstFrontError:
            pass  # the usual case with a cold engine
    first, second = run_folders(fast_search["output_directory"])

    third = search(X, 2 * X[:, 0], **dict(fast_search, niterations=3))

    assert third.stats["reason"] == "niterations" and third.stats["iterations"] == 3
    log = (third.run_directory / "engine_stdout.log").read_text()
    assert log.count("pysr_lite:done") == 1 and "reason=timeout" not in log
    assert "pysr_lite:done reason=timeout" in (first / "engine_stdout.log").read_text()
    pysr_lite.close_engine()


def test_an_engine_deaf_to_its_deadline_is_killed_just_after_it(fake_julia, tmp_path):
    fake_julia("""
        time.sleep(120)   # never writes a front, never reads `stop`
    """)
    started = time.monotonic()
    with pytest.raises(TimeoutBeforeFirstFrontError) as error:
        search(uniform_data(n_rows=5), np.ones(5), persistent_engine=False, output_directory=tmp_path / "outputs",
               verbosity=0, random_state=0, timeout_in_seconds=1)
    assert time.monotonic() - started < 1 + RETURN_SECONDS
    assert pids_running_in(error.value.run_directory) == []
