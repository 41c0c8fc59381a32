"""The persistent engine: one Julia process serving search after search (persistent_engine=True).

Julia starts and compiles once per Python process; these tests check that the process is really
reused, that it can be closed, and that crashes, bad options and Ctrl-C leave it (or its
successor) usable.
"""

import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import pysr_lite
from pysr_lite import persistent_engine, search
from pysr_lite.engine import EngineError, EngineInputError

from conftest import assert_recovers, uniform_data, write_prepared_run_folder


@pytest.fixture
def fresh_engine():
    """Start each test without a cached engine and leave none behind."""
    pysr_lite.close_engine()
    yield
    pysr_lite.close_engine()


def cached_pid():
    return persistent_engine._cached.process.pid if persistent_engine._cached is not None else None


def once_a_new_front_exists(output_directory: Path, action) -> None:
    """Call ``action()`` (on a watcher thread) as soon as a search started from now on under
    ``output_directory`` has written its first front."""
    before = set(output_directory.iterdir())

    def watch():
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if any((folder / "hall_of_fame.csv").exists() for folder in set(output_directory.iterdir()) - before):
                action()
                return
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()


def test_later_searches_reuse_the_engine_process(fresh_engine, fast_search):
    X = uniform_data(seed=21)
    first = search(X, 2.5 * X[:, 0] * X[:, 1] - 1, **fast_search)
    pid = cached_pid()
    assert pid is not None
    second = search(X, X[:, 0] / (np.abs(X[:, 1]) + 1) , binary_operators=["+", "-", "*", "/"],
                    unary_operators=["abs"], **fast_search)
    assert cached_pid() == pid            # same process served both
    assert_recovers(first, "2.5*x0*x1 - 1")
    assert len(second) >= 1 and second.stats["reason"] == "niterations"


def test_close_engine_stops_the_process_and_the_next_search_starts_another(fresh_engine, fast_search):
    X = uniform_data(seed=22)
    search(X, X[:, 0] + X[:, 1], **dict(fast_search, niterations=2))
    process = persistent_engine._cached.process
    pysr_lite.close_engine()
    assert process.poll() is not None     # the Julia process is gone
    search(X, X[:, 0] + X[:, 1], **dict(fast_search, niterations=2))
    assert cached_pid() not in (None, process.pid)


def test_a_different_thread_count_replaces_the_engine(fresh_engine, fast_search):
    X = uniform_data(seed=23)
    search(X, X[:, 0], **dict(fast_search, niterations=1, threads=2))
    two_threads = cached_pid()
    search(X, X[:, 0], **dict(fast_search, niterations=1, threads=1))
    assert cached_pid() != two_threads and persistent_engine._cached.threads == 1


def test_invalid_options_are_reported_and_the_engine_survives(fresh_engine, fast_search):
    X = uniform_data(seed=24)
    search(X, X[:, 0], **dict(fast_search, niterations=1))
    pid = cached_pid()
    with pytest.raises(EngineInputError, match="early_stop_condition"):
        search(X, X[:, 0], early_stop_condition="f(loss) = loss < 1", **fast_search)
    result = search(X, 3 * X[:, 0], **dict(fast_search, niterations=3))
    assert cached_pid() == pid and result.equations["loss"].min() < 1e-10


def test_a_killed_engine_gives_its_partial_front_and_is_replaced(fresh_engine, fast_search):
    X = uniform_data(seed=25)
    y = np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3
    search(X, X[:, 0], **dict(fast_search, niterations=1))   # start the engine
    pid = cached_pid()
    once_a_new_front_exists(Path(fast_search["output_directory"]), lambda: os.kill(pid, signal.SIGKILL))
    with pytest.raises(EngineError) as error:
        search(X, y, unary_operators=["sin"], **dict(fast_search, niterations=100000, timeout_in_seconds=120))
    assert "killed by signal 9" in str(error.value)
    assert error.value.partial_result is not None and len(error.value.partial_result) >= 1
    result = search(X, 2 * X[:, 0], **dict(fast_search, niterations=3))
    assert cached_pid() != pid and result.equations["loss"].min() < 1e-10


def test_ctrl_c_stops_the_search_but_keeps_the_engine(fresh_engine, fast_search):
    X = uniform_data(seed=26)
    y = np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3
    search(X, X[:, 0], **dict(fast_search, niterations=1))
    pid = cached_pid()

    def press_ctrl_c():
        time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGINT)   # as a terminal's Ctrl-C would

    once_a_new_front_exists(Path(fast_search["output_directory"]), press_ctrl_c)
    interrupted = search(X, y, unary_operators=["sin"], **dict(fast_search, niterations=100000, timeout_in_seconds=120))
    assert interrupted.stats["reason"] == "interrupted" and len(interrupted) >= 1
    assert cached_pid() == pid                               # the engine survived the interrupt
    again = search(X, X[:, 0] - X[:, 1], **dict(fast_search, niterations=3))
    assert again.equations["loss"].min() < 1e-10


def test_a_newline_in_output_directory_cannot_add_an_engine_command(fresh_engine, fast_search, tmp_path):
    """Issue 15: a path holding a newline used to reach the engine's stdin raw, so its second line
    ran as a command (here: the search of a planted folder whose Julia code leaves a marker, then
    `quit`), and the next normal search failed."""
    marker = tmp_path / "planted_code_ran"
    planted = tmp_path / "planted"
    X = uniform_data(seed=27)
    write_prepared_run_folder(planted, X, X[:, 0], **dict(
        fast_search, niterations=1, early_stop_condition=f'f(loss, complexity) = (touch("{marker}"); false)'))
    hostile = tmp_path / f"outputs\nrun {planted}\nrun 1 {os.fsencode(str(planted)).hex()}\nquit\nx"
    search(X, X[:, 0], **dict(fast_search, niterations=1))
    pid = cached_pid()

    injected = search(X, 2 * X[:, 0], **dict(fast_search, niterations=3, output_directory=hostile))
    after = search(X, X[:, 0] - X[:, 1], **dict(fast_search, niterations=3))

    assert injected.run_directory.parent == hostile and injected.equations["loss"].min() < 1e-10
    assert after.equations["loss"].min() < 1e-10
    assert cached_pid() == pid                 # no injected `quit`
    assert not marker.exists()                 # no injected `run`
    assert not (planted / "hall_of_fame.csv").exists()
