"""Fault injection: the engine or the frontend killed, interrupted or starved at each phase.

Whatever happens, what is already on disk stays whole (the last ``hall_of_fame.csv`` reads
with ``load_result``) and no Julia process of the run is left behind. Searches are small, so
the module takes a minute or two. The deadline falling while an engine starts, compiles or
searches (cold and warm) is in test_budget.py, with the same checks.
"""

import os
import signal
import subprocess
import sys
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
    log = tmp_path / "engine_stdout.log"
    try:
        wait_for(lambda: "pysr_lite:progress" in log.read_text())   # compiled and iterating
        missing = 0
        stop_at = time.monotonic() + 3
        while time.monotonic() < stop_at:
            for _ in range(1000):
                missing += not os.path.exists(front)
    finally:
        process.communicate(b"stop\n", timeout=60)
    assert log.read_text().count("pysr_lite:progress") > 100
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
def test_ctrl_c_inside_popen_after_the_fork_leaves_no_engine(engine, no_cached_engine, fast_search, monkeypatch, persistent):
    """The narrowest window: Popen has forked the engine but not returned. A KeyboardInterrupt
    raised there would leave a process nobody holds; the frontend holds the Ctrl-C back instead."""
    real_popen = subprocess.Popen
    started = []

    def popen_interrupted_before_it_returns(command, *arguments, **options):
        process = real_popen(command, *arguments, **options)
        if any("PySRLite" in str(part) for part in command):  # the engine, not `julia --version`
            started.append(process)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)  # Python runs the handler here, still inside "Popen"
        return process

    monkeypatch.setattr(subprocess, "Popen", popen_interrupted_before_it_returns)
    X = uniform_data(seed=46)
    with pytest.raises(KeyboardInterrupt):
        search(X, X[:, 0], **dict(fast_search, persistent_engine=persistent))
    (process,) = started
    assert process.poll() is not None
    assert child_pids() == []


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


# ----------------------------------------------------------------------------------------------
# SIGKILL and SIGINT at each phase of a search
# ----------------------------------------------------------------------------------------------

# A search that never ends by itself, with quick iterations: many fronts written per second.
ENDLESS = dict(unary_operators=["sin"], niterations=10**6, populations=4, population_size=20,
               ncycles_per_iteration=5, timeout_in_seconds=60, threads=2, verbosity=0, random_state=0)
PHASE_SECONDS = 50.0


def endless_target(X):
    return np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3


def engine_pid(run_directory: Path, persistent: bool) -> int | None:
    """The engine serving the run: the cached process, or the one-shot engine, which is this
    process's only child once the run folder exists (Julia's version check is over by then)."""
    if persistent:
        cached = persistent_engine._cached
        return cached.process.pid if cached is not None else None
    pids = pids_running_in(run_directory) or child_pids()
    return pids[0] if pids else None


def reached(phase: str, run_directory: Path, persistent: bool) -> bool:
    """Whether the run is in ``phase``: starting (the engine process exists), compiling (it has
    read the run folder, no front yet), searching (a few fronts written), writing (the next
    front is being written: its temporary file exists), checkpointing (the checkpoint that
    follows each front is being written)."""
    front = run_directory / "hall_of_fame.csv"
    if phase == "starting":
        return engine_pid(run_directory, persistent) is not None
    if phase == "compiling":
        log = run_directory / "engine_stdout.log"
        return log.exists() and "pysr_lite:start" in log.read_text() and not front.exists()
    if phase == "searching":
        log = run_directory / "engine_stdout.log"
        return front.exists() and log.read_text().count("pysr_lite:progress") >= 3
    being_written = {"writing": "hall_of_fame.csv.tmp", "checkpointing": "checkpoint.toml.tmp"}[phase]
    return front.exists() and (run_directory / being_written).exists()


class Fault:
    """Injects ``signal_number`` into the engine or into this process (a terminal's Ctrl-C) once
    the newest run under ``output_directory`` reaches ``phase``; remembers the front on disk then."""

    def __init__(self, output_directory: Path, phase: str, target: str, signal_number: int, persistent: bool):
        self.front_before: bytes | None = None
        self.injected = False
        self.run_directory: Path | None = None
        self.search_returned = threading.Event()  # too late to inject: the test then fails loudly
        self._arguments = (Path(output_directory), phase, target, signal_number, persistent)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        output_directory, phase, target, signal_number, persistent = self._arguments
        deadline = time.monotonic() + PHASE_SECONDS
        while time.monotonic() < deadline and self.run_directory is None:
            folders = sorted(output_directory.iterdir()) if output_directory.exists() else []
            self.run_directory = folders[-1] if folders else None
            time.sleep(0.001)
        # Writing a file is a moment: poll hard, and inject anyway if it is never caught.
        momentary = phase in ("writing", "checkpointing")
        writing_deadline = time.monotonic() + 10
        while not reached(phase, self.run_directory, persistent):
            if self.search_returned.is_set() or time.monotonic() > deadline:
                return
            if momentary and time.monotonic() > writing_deadline and (self.run_directory / "hall_of_fame.csv").exists():
                break
            time.sleep(0 if momentary else 0.005)
        front = self.run_directory / "hall_of_fame.csv"
        self.front_before = front.read_bytes() if front.exists() else None
        pid = os.getpid() if target == "frontend" else engine_pid(self.run_directory, persistent)
        if pid is not None:
            try:
                os.kill(pid, signal_number)
                self.injected = True
            except ProcessLookupError:
                pass


def run_with_fault(fast_search, phase, target, signal_number, persistent):
    X = uniform_data(seed=42)
    output_directory = Path(fast_search["output_directory"])
    fault = Fault(output_directory, phase, target, signal_number, persistent)
    outcome = None
    try:
        outcome = search(X, endless_target(X), **dict(fast_search, **ENDLESS, persistent_engine=persistent))
    except (pysr_lite.engine.EngineError, KeyboardInterrupt) as error:
        outcome = error
    fault.search_returned.set()
    fault._thread.join(timeout=PHASE_SECONDS)
    assert fault.injected, f"the search ended before the fault ({phase}) was injected: {outcome!r}"
    return fault, outcome


def assert_nothing_lost_and_no_engine_left(fault: Fault, outcome, persistent: bool):
    run_directory = fault.run_directory
    if fault.front_before is not None:  # a front was on disk: it (or a later one) still reads
        assert len(load_result(run_directory)) >= 1
        # ... and so does its checkpoint, written after each iteration's front (the engine may die between the two)
        if (run_directory / "checkpoint.toml").exists():
            assert len(pysr_lite.run_folder.read_checkpoint(run_directory).hall_of_fame) >= 1
        assert not isinstance(outcome, KeyboardInterrupt)
        result = outcome.partial_result if isinstance(outcome, pysr_lite.engine.EngineError) else outcome
        assert result is not None and len(result) >= 1
    assert pids_running_in(run_directory) == []
    cached = persistent_engine._cached
    allowed = {cached.process.pid} if persistent and cached is not None and cached.alive else set()
    assert set(child_pids()) <= allowed                 # at most the persistent engine, kept on purpose
    if allowed:                                         # ... and then it is idle and serves the next search
        X = uniform_data(n_rows=20, seed=43)
        assert search(X, 2 * X[:, 0], niterations=3, populations=4, threads=2, verbosity=0, random_state=0,
                      output_directory=run_directory.parent).equations["loss"].min() < 1e-10


FAULTS = {"SIGKILL to the engine": ("engine", signal.SIGKILL),
          "SIGINT to the engine": ("engine", signal.SIGINT),
          "Ctrl-C in Python": ("frontend", signal.SIGINT)}


@pytest.mark.parametrize("fault", FAULTS, ids=FAULTS)
@pytest.mark.parametrize("phase", ["starting", "compiling"])
def test_a_fault_while_a_fresh_engine_starts_or_compiles(no_cached_engine, compiling_engine, fast_search, phase, fault):
    """A one-search engine: its start and compilation come with every search (without a system
    image: with one there is next to nothing to compile, and no time to hit)."""
    target, signal_number = FAULTS[fault]
    injected, outcome = run_with_fault(fast_search, phase, target, signal_number, persistent=False)
    assert_nothing_lost_and_no_engine_left(injected, outcome, persistent=False)


@pytest.mark.parametrize("fault", FAULTS, ids=FAULTS)
@pytest.mark.parametrize("phase", ["searching", "writing", "checkpointing"])
def test_a_fault_while_a_persistent_engine_searches_or_writes_its_front(fast_search, phase, fault):
    target, signal_number = FAULTS[fault]
    injected, outcome = run_with_fault(fast_search, phase, target, signal_number, persistent=True)
    assert_nothing_lost_and_no_engine_left(injected, outcome, persistent=True)
    if target == "frontend":
        assert outcome.stats["reason"] == "interrupted"


# ----------------------------------------------------------------------------------------------
# A full disk while the front is written
# ----------------------------------------------------------------------------------------------

FILLING_SEARCH = dict(ENDLESS, persistent_engine=False, timeout_in_seconds=60)


def assert_the_last_whole_front_survives(error: pysr_lite.engine.EngineError):
    run_directory = error.run_directory
    assert error.partial_result is not None and len(error.partial_result) >= 1
    reread = load_result(run_directory)
    assert reread.equations["equation"].tolist() == error.partial_result.equations["equation"].tolist()
    assert not (run_directory / "hall_of_fame.csv.tmp").exists()   # no partial file left beside it
    assert pids_running_in(run_directory) == []


def test_a_file_size_limit_hit_while_the_front_is_written_keeps_the_last_front(engine, tmp_path, monkeypatch):
    """The engine runs under RLIMIT_FSIZE (a tiny wrapper around julia): the first fronts fit,
    a later, longer one fails to write (EFBIG), as on a full disk."""
    wrapper = tmp_path / "julia_with_a_file_size_limit"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (400, 400))\n"
        f"os.execv({engine.julia.executable!r}, [{engine.julia.executable!r}] + sys.argv[1:])\n"
    )
    wrapper.chmod(0o755)
    # The package's precompiled cache must exist first: writing it would meet the limit too.
    subprocess.run([engine.julia.executable, f"--project={engine.directory}", "--startup-file=no", "-e",
                    "using PySRLite"], check=True)
    monkeypatch.setenv("PYSR_LITE_JULIA", str(wrapper))
    X = uniform_data(seed=44)
    with pytest.raises(pysr_lite.engine.EngineError, match="File too large") as error:
        search(X, endless_target(X), output_directory=tmp_path / "outputs", **FILLING_SEARCH)
    assert_the_last_whole_front_survives(error.value)


@pytest.fixture
def tiny_disk(tmp_path):
    """A 48 KiB tmpfs (needs root, as in CI containers): logs and fronts fill it within a second."""
    mount_point = tmp_path / "tiny_disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def test_a_full_disk_keeps_the_last_front_and_the_frontend_keeps_following(engine, tiny_disk):
    """The frontend's own logs fill the disk too: it stops copying them (it used to raise a bare
    OSError and lose the partial result), and the engine reports the full disk."""
    X = uniform_data(seed=45)
    with pytest.raises(pysr_lite.engine.EngineError, match="No space left on device") as error:
        search(X, endless_target(X), output_directory=tiny_disk / "outputs", **FILLING_SEARCH)
    assert_the_last_whole_front_survives(error.value)


def test_a_log_that_cannot_be_written_stops_copying_and_says_why(tmp_path):
    """/dev/full fails every write with ENOSPC, as a full disk does."""
    log = pysr_lite.engine.EngineLog(Path("/dev/full"))
    log.write("pysr_lite:progress iteration=1\n")   # no exception: the search goes on
    log.write("pysr_lite:progress iteration=2\n")
    assert isinstance(log.error, OSError) and log.error.errno == 28
    report = pysr_lite.engine.EngineReport(tmp_path, returncode=1, log_error=str(log.error))
    with pytest.raises(pysr_lite.engine.EngineError, match="logs in the run folder were cut short: .*No space left"):
        pysr_lite.engine.check_report(report)
