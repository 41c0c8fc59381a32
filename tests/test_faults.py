"""Fault injection: the engine or the frontend killed, interrupted or starved at each phase.

Whatever happens, what is already on disk stays whole (the last ``hall_of_fame.csv`` reads
with ``load_result``) and no Julia process of the run is left behind. Searches are small, so
the module takes a minute or two.
"""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import pysr_lite
from pysr_lite import load_result, persistent_engine, search

from conftest import child_pids, pids_running_in, uniform_data, write_prepared_run_folder

# Tiny iterations: the engine rewrites its front hundreds of times a second.
RAPID_REWRITES = dict(niterations=10**6, populations=2, population_size=20, ncycles_per_iteration=1,
                      should_optimize_constants=False, threads=2, random_state=0, verbosity=0)


def wait_for(condition, seconds=90.0, every=0.01):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(every)


def test_a_reader_never_finds_the_front_missing_while_the_engine_rewrites_it(engine, tmp_path):
    """The front is replaced by rename(2) in one step: Julia's mv(force=true) deleted it first,
    and a reader polling during rewrites found no file about 7% of the time."""
    X = uniform_data(n_rows=20, seed=40)
    write_prepared_run_folder(tmp_path, X, X[:, 0] * X[:, 1] + np.cos(X[:, 0]), unary_operators=["cos"],
                              timeout_in_seconds=60, **RAPID_REWRITES)
    front = tmp_path / "hall_of_fame.csv"
    with open(tmp_path / "engine_stdout.log", "w") as log:
        process = subprocess.Popen(engine.command(tmp_path, 2), cwd=tmp_path, stdin=subprocess.PIPE, stdout=log,
                                   start_new_session=True)
    try:
        wait_for(front.exists)
        missing = 0
        stop_at = time.monotonic() + 3
        while time.monotonic() < stop_at:
            for _ in range(1000):
                missing += not os.path.exists(front)
    finally:
        process.communicate(b"stop\n", timeout=60)
    assert (tmp_path / "engine_stdout.log").read_text().count("pysr_lite:progress") > 100
    assert missing == 0
    assert len(load_result(tmp_path)) >= 1
    assert pids_running_in(tmp_path) == []


# ----------------------------------------------------------------------------------------------
# Ctrl-C (SIGINT to this process) while the engine starts
# ----------------------------------------------------------------------------------------------


def press_ctrl_c_after(seconds: float) -> threading.Thread:
    """SIGINT to this process after ``seconds``, as a terminal's Ctrl-C (Python raises
    KeyboardInterrupt in the main thread)."""
    def press():
        time.sleep(seconds)
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=press, daemon=True)
    thread.start()
    return thread


@pytest.fixture
def no_cached_engine():
    pysr_lite.close_engine()
    yield
    pysr_lite.close_engine()


@pytest.mark.parametrize("persistent", [True, False], ids=["persistent", "one-shot"])
def test_ctrl_c_while_julia_starts_leaves_no_engine(no_cached_engine, fast_search, persistent):
    X = uniform_data(seed=41)
    before = set(child_pids())
    press_ctrl_c_after(0.1)   # Julia itself takes longer than this to start
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        search(X, X[:, 0], **dict(fast_search, persistent_engine=persistent))
        time.sleep(5)  # not reached: the interrupt lands during the search
    assert time.monotonic() - started < 3
    assert set(child_pids()) <= before
    assert persistent_engine._cached is None or not persistent_engine._cached.alive


@pytest.mark.parametrize("persistent", [True, False], ids=["persistent", "one-shot"])
def test_ctrl_c_while_a_slow_engine_starts_leaves_no_engine(fake_julia, tmp_path, no_cached_engine, persistent):
    """A stand-in for a Julia that takes a minute to start (precompiling, a slow disk)."""
    fake_julia("""
        time.sleep(60)
    """)
    before = set(child_pids())
    press_ctrl_c_after(0.5)
    with pytest.raises(KeyboardInterrupt):
        search(uniform_data(n_rows=5), np.ones(5), persistent_engine=persistent, output_directory=tmp_path / "outputs",
               verbosity=0, random_state=0)
    assert set(child_pids()) <= before
