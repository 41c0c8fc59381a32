"""Text checkpoints: every run folder holds the search's state as equations, rewritten after
every iteration, and a later search resumes from it, also after the engine was killed."""

import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import pids_running_in, uniform_data, write_prepared_run_folder
from pysr_lite import load_result, search
from pysr_lite.engine import EngineInputError
from pysr_lite.run_folder import CHECKPOINT_FILE, CheckpointError, read_checkpoint

X = uniform_data(seed=30)
Y = np.cos(X[:, 0]) * X[:, 1] + X[:, 0] ** 2
OPTIONS = dict(unary_operators=["cos"], populations=6)


def front_is_no_worse(later, earlier) -> bool:
    """Every equation of ``earlier`` is matched by one of ``later`` at most as complex and as lossy."""
    rows = list(zip(later.equations["complexity"], later.equations["loss"]))
    return all(any(c <= complexity and loss <= reference * (1 + 1e-9) + 1e-12 for c, loss in rows)
               for complexity, reference in zip(earlier.equations["complexity"], earlier.equations["loss"]))


def test_every_run_folder_holds_a_text_checkpoint(engine, fast_search):
    result = search(X, Y, **dict(fast_search, niterations=3, **OPTIONS))
    checkpoint = read_checkpoint(result.run_directory)
    assert checkpoint.path == result.run_directory / CHECKPOINT_FILE
    assert checkpoint.iterations == 3
    assert len(checkpoint.populations) == OPTIONS["populations"]
    assert all(0 < len(members) <= fast_search.get("population_size", 27) for members in checkpoint.populations)
    assert checkpoint.hall_of_fame == list(result.equations["equation"])


def test_writing_checkpoints_costs_little_of_a_search(engine, fast_search):
    # Writing a checkpoint is a fixed cost per iteration (about a millisecond): judged against
    # iterations that do a search's work, not against a 60 ms toy search on 100 rows.
    X_large = uniform_data(n_rows=3000, seed=31)
    Y_large = np.cos(X_large[:, 0]) * X_large[:, 1] + X_large[:, 0] ** 2
    result = search(X_large, Y_large, **dict(fast_search, niterations=3, **OPTIONS))
    assert result.stats["checkpoint_seconds"] < 0.05 * result.stats["seconds"]


def test_a_resumed_search_starts_from_the_saved_front(engine, fast_search):
    first = search(X, Y, **dict(fast_search, niterations=3, **OPTIONS))
    resumed = search(X, Y, resume_from=first.run_directory, **dict(fast_search, niterations=1, **OPTIONS))
    assert resumed.run_directory != first.run_directory
    assert front_is_no_worse(resumed, first)
    assert (resumed.run_directory / "resume.toml").read_text() == (first.run_directory / CHECKPOINT_FILE).read_text()


def test_a_search_killed_with_sigkill_resumes_from_its_last_checkpoint(engine, fast_search):
    run_directory = Path(fast_search["output_directory"]) / "killed"
    options = dict(fast_search, niterations=100_000, **OPTIONS)
    write_prepared_run_folder(run_directory, X, Y, **options)
    process = engine.start(run_directory, 2)
    deadline = time.monotonic() + 120
    while not (run_directory / CHECKPOINT_FILE).exists() or read_checkpoint(run_directory).iterations < 3:
        assert time.monotonic() < deadline and process.process.poll() is None
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.process.wait()
    assert not pids_running_in(run_directory)
    # Nothing already on disk is truncated: the front and the checkpoint read back whole.
    before = load_result(run_directory)
    checkpoint = read_checkpoint(run_directory)
    assert checkpoint.hall_of_fame and len(before)
    resumed = search(X, Y, resume_from=run_directory, **dict(fast_search, niterations=1, **OPTIONS))
    assert front_is_no_worse(resumed, before)


def test_a_damaged_or_foreign_checkpoint_is_refused_before_the_search(tmp_path, fast_search):
    run_directory = tmp_path / "old"
    run_directory.mkdir()
    checkpoint = run_directory / CHECKPOINT_FILE
    for text, message in [
        ("checkpoint_version = 99\n", "checkpoint of version 99; this pysr_lite resumes version 1"),
        ('checkpoint_version = 1\nhall_of_fame = ["x0", 3]\n', "hall_of_fame must be a list of equations"),
        ('checkpoint_version = 1\nhall_of_fame = ["x0"', "is not valid TOML"),
    ]:
        checkpoint.write_text(text)
        with pytest.raises(CheckpointError, match=message):
            search(X, Y, resume_from=run_directory, **fast_search)
    with pytest.raises(CheckpointError, match="wrote no checkpoint yet"):
        search(X, Y, resume_from=tmp_path, **fast_search)
    assert not Path(fast_search["output_directory"]).exists()


def test_a_checkpoint_with_operators_the_search_lacks_is_an_input_error(engine, fast_search):
    first = search(X, Y, **dict(fast_search, niterations=2, **OPTIONS))
    saved = read_checkpoint(first.run_directory)
    assert any("cos(" in text for members in saved.populations for text in members)
    with pytest.raises(EngineInputError, match='cannot be resumed by this search: unary operator "cos" is not one of'):
        search(X, Y, resume_from=first.run_directory, **dict(fast_search, niterations=1, unary_operators=[]))


def test_warm_start_continues_the_previous_fit(engine, fast_search):
    from pysr_lite import SymbolicRegressor

    model = SymbolicRegressor(warm_start=True, **dict(fast_search, niterations=2, **OPTIONS))
    first = model.fit(X, Y).result_
    assert not (first.run_directory / "resume.toml").exists()
    second = model.fit(X, Y).result_
    assert (second.run_directory / "resume.toml").read_text() == (first.run_directory / CHECKPOINT_FILE).read_text()
    assert front_is_no_worse(second, first)
    cold = SymbolicRegressor(warm_start=False, **dict(fast_search, niterations=2, **OPTIONS))
    cold.fit(X, Y)
    assert not (cold.fit(X, Y).result_.run_directory / "resume.toml").exists()
