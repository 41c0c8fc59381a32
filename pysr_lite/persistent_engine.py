"""A persistent engine: one Julia process that runs search after search.

Starting Julia and compiling the search takes seconds; a scientist calling ``search()`` in a
loop or a notebook pays that once. ``search(..., persistent_engine=True)`` (the default) sends
its run folder to the cached engine process (``PySRLite.serve()``, docs/protocol.md,
"Persistent engine"); the process is started on first use, replaced when it died or when the
thread count changes, and closed by ``close_engine()`` or at exit.

This module holds the package's only global mutable state: that one cached process.

>>> import pysr_lite
>>> pysr_lite.close_engine()  # stop the cached engine process, if any (safe to call any time)
"""

from __future__ import annotations

import atexit
import collections
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import engine as engine_module
from .budget import Deadline
from .engine import (Engine, EngineError, EngineLog, EngineReport, handle_engine_line, log_error,
                     start_process)
from .progress import SearchWatcher, plain_watcher
from .protocol import parse_protocol_line

# The process prints `ready` once PySRLite is loaded: quick, unless the package precompiles first.
# A search stopped at its deadline (the engine was still compiling, say) ends in the background.
# The next search waits this long for either before replacing the process.
STARTUP_SECONDS = 300.0
CRASH_EXIT_CODE = 1  # a search that threw inside a persistent engine counts as a crash


class PersistentEngine:
    """One ``PySRLite.serve()`` process with a fixed thread count.

    Creating one starts the process without waiting for it: ``get_ready`` waits (within the
    caller's budget), then ``run`` runs searches one at a time.
    """

    def __init__(self, engine: Engine, threads: int):
        self.engine = engine
        self.threads = threads
        self.command = engine.serve_command(threads)
        try:
            self.process = start_process(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", errors="replace", bufsize=1,
            )
        except OSError as error:
            raise EngineError(f"could not start the engine ({error})", run_directory=Path.cwd(),
                              returncode=None, stderr_tail="") from error
        try:
            self._lines: "queue.Queue[str | None]" = queue.Queue()
            self._stderr_tail: collections.deque = collections.deque(maxlen=engine_module.STDERR_TAIL_LINES)
            self._stderr_log = None  # the current run's engine_stderr.log
            self._echo_stderr = False
            self.busy = threading.Lock()
            self._runs = 0  # tags runs, so that a reply is never mistaken for another run's
            self._started = False  # the process has said its first `ready`
            self._overrun: tuple[str, Path] | None = None  # (tag, run folder) still finishing, see run()
            threading.Thread(target=engine_module._pump, args=(self.process.stdout, self._lines), daemon=True).start()
            threading.Thread(target=self._collect_stderr, daemon=True).start()
        except BaseException:
            # Ctrl-C (or anything else) right after the start: nobody would ever stop this process.
            self._kill()
            raise

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _collect_stderr(self) -> None:
        for line in self.process.stderr:
            self._stderr_tail.append(line)
            log = self._stderr_log
            if log is not None:
                log.write(line)
            if self._echo_stderr:
                sys.stderr.write(line)

    def _read_until_ready(self, until: float, on_line=None, tag: str | None = None) -> str:
        """Pass stdout lines to ``on_line`` until the engine says `ready` (with ``run=tag`` when a
        tag is given: the end of that run, not of an earlier one).

        Returns "ready", "closed" (the process ended its output) or "late" (``time.monotonic()``
        passed ``until``).
        """
        while time.monotonic() < until:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                return "closed"
            parsed = parse_protocol_line(line)
            if parsed is not None and parsed[0] == "ready":
                if tag is None or str(parsed[1].get("run")) == tag:
                    return "ready"
                continue  # the end of an earlier run: not ours
            if on_line is not None:
                on_line(line)
        return "late"

    def get_ready(self, until: float) -> bool:
        """Whether the process can take a search by ``time.monotonic() == until``: started (its
        first `ready`), and done with any search stopped at its deadline. Raises EngineError when
        it died while starting. Ctrl-C while waiting kills it: nobody would stop it otherwise."""
        try:
            if not self._started:
                outcome = self._read_until_ready(until)
                if outcome == "closed":
                    self._kill()
                    raise EngineError("the persistent engine did not start; last lines of its stderr:\n"
                                      + "".join(self._stderr_tail), run_directory=Path.cwd(),
                                      returncode=self.process.returncode, stderr_tail="".join(self._stderr_tail))
                if outcome == "late":
                    return False
                self._started = True
            return self.finish_overrun(until)
        except KeyboardInterrupt:
            self._kill()
            raise

    def run(self, run_directory: Path, *, verbosity: int = 1, deadline: Deadline | None = None,
            watcher: SearchWatcher | None = None) -> EngineReport:
        """Run the search of a prepared run folder and report how it went (as ``EngineProcess.follow``).

        At the ``deadline`` the search is asked to stop; if the engine has not ended it when the
        grace after the deadline is over (it is still compiling, say), the report says
        ``stopped_by="timeout"`` and the search ends in the background: the process stays, warm,
        and the next run first waits for it (``finish_overrun``).
        """
        if not self._started or self._overrun is not None:
            raise RuntimeError("the engine is not ready for a search: call get_ready() first")
        run_directory = Path(run_directory).resolve()
        report = EngineReport(run_directory, command=self.command + [f"(run {run_directory})"])
        watcher = watcher if watcher is not None else plain_watcher(verbosity)
        self._stderr_tail.clear()
        with EngineLog(run_directory / "engine_stdout.log") as stdout_log, EngineLog(
            run_directory / "engine_stderr.log"
        ) as stderr_log:
            self._stderr_log, self._echo_stderr = stderr_log, watcher.shows_engine_output
            try:
                self._runs += 1
                self._tag = str(self._runs)
                self.process.stdin.write(run_command(self._tag, run_directory))
                self.process.stdin.flush()
                try:
                    self._follow_until_ready(report, stdout_log, watcher, deadline)
                except KeyboardInterrupt:
                    report.stopped_by = "interrupt"
                    watcher.note("Interrupted: stopping the search (the engine writes its last front first)...")
                    self._interrupt_search(report, stdout_log, watcher)
            except (BrokenPipeError, KeyboardInterrupt):  # died before the command, or a second Ctrl-C
                self.close()
            finally:
                self._stderr_log, self._echo_stderr = None, False
        report.stderr_tail = "".join(self._stderr_tail)
        report.log_error = log_error(stdout_log, stderr_log)
        if report.returncode is None:
            report.returncode = self._outcome(report)
        return report

    def _outcome(self, report: EngineReport) -> int:
        """An exit code for a run, as the one-search process would have returned it."""
        if not self.alive:
            return self.process.returncode if self.process.returncode is not None else CRASH_EXIT_CODE
        if report.crash is not None:
            return CRASH_EXIT_CODE
        if report.errors and report.done is None:
            return engine_module.EXIT_INVALID_INPUT
        return 0

    def _follow_until_ready(self, report: EngineReport, log, watcher: SearchWatcher,
                            deadline: Deadline | None) -> None:
        def on_line(line: str) -> None:
            handle_engine_line(line, log, report, watcher)

        if deadline is None:
            outcome = self._read_until_ready(math.inf, on_line, self._tag)
        else:
            outcome = self._read_until_ready(deadline.monotonic, on_line, self._tag)
            if outcome == "late":  # an engine that keeps the deadline itself has ended already
                engine_module.request_stop(self.process)
                outcome = self._read_until_ready(deadline.give_up_at(), on_line, self._tag)
            if outcome == "late":
                report.stopped_by = "timeout"
                watcher.note("timeout_in_seconds has run out and the engine is still busy; it ends the "
                             "search in the background")
                self._overrun = (self._tag, report.run_directory)
        if outcome == "closed":  # the process died mid-search
            self.process.wait()

    def finish_overrun(self, until: float) -> bool:  # see get_ready
        """Wait (up to ``time.monotonic() == until``) for the end of a search stopped at its
        deadline; its last lines go to its own logs. False when it has not ended yet: it stays the
        overrun to finish, so that its lines never mix with a later search's."""
        if self._overrun is None:
            return True
        tag, run_directory = self._overrun
        # (a folder deleted meanwhile just loses those lines: EngineLog does not raise)
        stdout_log = EngineLog(run_directory / "engine_stdout.log")
        self._stderr_log = EngineLog(run_directory / "engine_stderr.log")
        try:
            outcome = self._read_until_ready(until, stdout_log.write, tag)
        finally:
            stdout_log.close()
            self._stderr_log.close()
            self._stderr_log = None
        if outcome == "ready":
            self._overrun = None
        return outcome == "ready"

    def _interrupt_search(self, report: EngineReport, log, watcher: SearchWatcher) -> None:
        """`stop` ends the running search (the front is written, then `ready`); else kill."""
        engine_module.request_stop(self.process)
        outcome = self._read_until_ready(time.monotonic() + engine_module.INTERRUPT_GRACE_SECONDS,
                                         lambda line: handle_engine_line(line, log, report, watcher), self._tag)
        if outcome != "ready":
            self.close()

    def close(self) -> None:
        """Stop the process: `quit` when idle (a search still finishing ends first), else kill
        its process group."""
        if self.alive and not self.busy.locked():
            try:
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
                self.process.wait(timeout=5)
                return
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
            except BaseException:  # Ctrl-C while waiting: no more manners
                self._kill()
                raise
        self._kill()

    def _kill(self) -> None:
        """Kill the process group (the engine leads its own) and reap the process."""
        if self.alive:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.process.wait()


def run_command(tag: str, run_directory: Path) -> str:
    """The `run` command line for the engine's stdin: the path as hexadecimal UTF-8, so that no
    character of it (a newline, say) can end the line and smuggle in another command.

    >>> run_command("3", Path("/tmp/a b"))
    'run 3 2f746d702f612062\\n'
    """
    return f"run {tag} {os.fsencode(run_directory).hex()}\n"


_cached: PersistentEngine | None = None
_cache_lock = threading.Lock()


def shared_engine(engine: Engine, threads: int) -> PersistentEngine:
    """The cached engine process for (Julia, engine sources, threads), started if needed."""
    global _cached
    with _cache_lock:
        if _cached is not None and (not _cached.alive or _cached.engine != engine or _cached.threads != threads):
            _cached.close()
            _cached = None
        if _cached is None:
            _cached = PersistentEngine(engine, threads)
        return _cached


def close_engine() -> None:
    """Stop the cached engine process (if any). The next ``search()`` starts a new one."""
    global _cached
    with _cache_lock:
        if _cached is not None:
            _cached.close()
            _cached = None


def run_in_persistent_engine(engine: Engine, run_directory: Path, *, threads: int, verbosity: int,
                             deadline: Deadline | None, watcher: SearchWatcher | None = None) -> EngineReport:
    """Run a search in the cached engine; a concurrent call (another thread) gets its own process.

    The cached process may still be starting, or ending a search stopped at its deadline: this
    search waits for it within its own budget (when that runs out first, it returns with no
    front and the process goes on, to be ready for the next search), or replaces a process that
    does not get ready in ``STARTUP_SECONDS``.
    """
    for _attempt in range(2):
        persistent = shared_engine(engine, threads)
        if not persistent.busy.acquire(blocking=False):
            return engine_module.run_engine(engine, run_directory, threads=threads, verbosity=verbosity,
                                            deadline=deadline, watcher=watcher)
        try:
            until = time.monotonic() + STARTUP_SECONDS
            if deadline is not None:
                until = min(until, deadline.give_up_at())
            if persistent.get_ready(until):
                return engine_module.check_report(
                    persistent.run(run_directory, verbosity=verbosity, deadline=deadline, watcher=watcher))
            if deadline is not None and time.monotonic() >= deadline.give_up_at():
                return EngineReport(Path(run_directory), returncode=0, stopped_by="timeout",
                                    command=persistent.command)
            persistent._kill()  # stuck: the next attempt starts a fresh process
        finally:
            persistent.busy.release()
    raise EngineError(f"the persistent engine did not get ready in {STARTUP_SECONDS:g} s",
                      run_directory=Path(run_directory), returncode=None, stderr_tail="")


atexit.register(close_engine)
