"""Fault injection: the engine or the frontend killed, interrupted or starved at each phase.

Whatever happens, what is already on disk stays whole (the last ``hall_of_fame.csv`` reads
with ``load_result``) and no Julia process of the run is left behind. Searches are small, so
the module takes a minute or two.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from pysr_lite import load_result

from conftest import pids_running_in, uniform_data, write_prepared_run_folder

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
