"""Finding Julia and the engine, and running the engine on a run folder (docs/protocol.md).

Three steps, kept apart so that a persistent engine process can replace the second later:

1. ``locate_engine()`` finds a Julia >= 1.5 and the engine's directory -> ``Engine``;
2. ``Engine.start(run_directory, threads)`` starts the engine on a prepared run folder
   -> ``EngineProcess`` (today: one ``julia`` subprocess per search);
3. ``EngineProcess.follow(...)`` streams its output until it exits -> ``EngineReport``
   (progress printed, logs written, Ctrl-C and the search's deadline handled), and
   ``check_report`` turns a failed run into ``EngineError`` / ``EngineInputError``.

``run_engine`` does all three. The command line is built in one place: ``engine_command``.

>>> engine_command("/tmp/run", 4, julia_executable="julia", engine_directory="/opt/engine")[:4]
['julia', '--project=/opt/engine', '--startup-file=no', '-t']
"""

from __future__ import annotations

import collections
import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from .budget import Deadline
from .cpu_target import engine_cpu_target
from .julia_platforms import Platform, current_platform, installs_with_debian_script, manual_install_steps
from .progress import SearchWatcher, plain_watcher
from .protocol import parse_protocol_line, statistics
from .system_image import find_system_image

JULIA_ENVIRONMENT_VARIABLE = "PYSR_LITE_JULIA"
MINIMUM_JULIA_VERSION = (1, 5)
ENGINE_PROJECT_NAME = "PySRLite"
EXIT_INVALID_INPUT = 2

# After a `stop` line the engine writes its front and exits; SIGTERM and SIGKILL follow if it does not.
INTERRUPT_GRACE_SECONDS = 5.0
TERMINATE_GRACE_SECONDS = 3.0
# How long the engine may take to exit after closing stdout (and stdout to close after it exits).
EXIT_WAIT_SECONDS = 10.0
STDERR_TAIL_LINES = 40

class JuliaNotFoundError(RuntimeError):
    """No usable Julia (>= 1.5): the message says how to get one; ``problem`` says what is wrong
    (e.g. "no `julia` was found on PATH")."""

    def __init__(self, message: str, *, problem: str = ""):  # a default: unpickling passes the message only
        super().__init__(message)
        self.problem = problem


class EngineNotFoundError(RuntimeError):
    """The engine's Julia sources (Project.toml, src/, julia/) are not where the package expects."""


class EngineError(RuntimeError):
    """The engine crashed (exit code other than 0 and 2).

    ``partial_result`` is the last front the engine wrote (a ``SearchResult``), or None when it
    wrote none; ``pysr_lite.load_result(error.run_directory)`` reads it again later.
    """

    def __init__(self, message: str, *, run_directory: Path, returncode: int | None, stderr_tail: str):
        super().__init__(message)
        self.run_directory = run_directory
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        self.partial_result: Any = None


class EngineInputError(ValueError):
    """The engine rejected the options or the data (exit code 2); the message is the engine's."""

    def __init__(self, message: str, *, run_directory: Path):
        super().__init__(message)
        self.run_directory = run_directory


# ----------------------------------------------------------------------------------------------
# Finding Julia and the engine
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Julia:
    """A Julia executable and its version, e.g. ``Julia('/usr/bin/julia', (1, 5, 3))``."""

    executable: str
    version: tuple[int, ...]


def julia_version(executable: str) -> tuple[int, ...] | None:
    """The version ``executable --version`` reports, or None if it does not run as Julia."""
    try:
        completed = subprocess.run(
            [executable, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"julia version (\d+)\.(\d+)(?:\.(\d+))?", completed.stdout)
    if completed.returncode != 0 or match is None:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def how_to_get_julia(platform: Platform) -> str:
    """The advice that ends every "no Julia" error: ``pysr-lite install-julia`` where it installs
    Julia (Debian), the exact commands elsewhere, and the variable that names a julia anywhere."""
    minimum = ".".join(map(str, MINIMUM_JULIA_VERSION))
    if installs_with_debian_script(platform):
        fix = "To fix it, run `pysr-lite install-julia`: it installs Debian's julia package with apt-get."
    else:
        steps = manual_install_steps(platform).text()
        fix = f"To fix it, install Julia with these commands (`pysr-lite install-julia` prints them too):\n{steps}"
    return f"{fix}\nOr set {JULIA_ENVIRONMENT_VARIABLE} to the path of a julia >= {minimum} executable."


def _julia_error(problem: str) -> JuliaNotFoundError:
    minimum = ".".join(map(str, MINIMUM_JULIA_VERSION))
    message = f"pysr_lite needs Julia >= {minimum} to run searches, but {problem}.\n{how_to_get_julia(current_platform())}"
    return JuliaNotFoundError(message, problem=problem)


def find_julia() -> Julia:
    """The Julia to use: ``$PYSR_LITE_JULIA`` if set, else ``julia`` on PATH; version >= 1.5.

    Raises JuliaNotFoundError with instructions when there is none or it is too old.
    """
    minimum = ".".join(map(str, MINIMUM_JULIA_VERSION))
    configured = os.environ.get(JULIA_ENVIRONMENT_VARIABLE)
    if configured:
        executable = shutil.which(configured) or configured
        origin = f"{JULIA_ENVIRONMENT_VARIABLE}={configured}"
    else:
        executable = shutil.which("julia")
        origin = "julia on PATH"
        if executable is None:
            raise _julia_error("no `julia` was found on PATH")
    version = julia_version(executable)
    if version is None:
        raise _julia_error(f"{origin} does not run as Julia (`{executable} --version` failed)")
    if version[:2] < MINIMUM_JULIA_VERSION:
        found = ".".join(map(str, version))
        raise _julia_error(f"{origin} is Julia {found}, older than {minimum}")
    return Julia(executable, version)


def _is_engine_directory(directory: Path) -> bool:
    project = directory / "Project.toml"
    if not project.is_file() or not (directory / "src" / f"{ENGINE_PROJECT_NAME}.jl").is_file():
        return False
    match = re.search(r'^name\s*=\s*"([^"]*)"', project.read_text(encoding="utf-8"), re.MULTILINE)
    return match is not None and match.group(1) == ENGINE_PROJECT_NAME


def find_engine_directory() -> Path:
    """Where the engine's Julia sources are.

    An installed package carries them in ``pysr_lite/_julia_engine/``; a checkout has them at
    the repository root, beside the ``pysr_lite`` package.
    """
    package_directory = Path(__file__).resolve().parent
    candidates = [package_directory / "_julia_engine", package_directory.parent]
    for candidate in candidates:
        if _is_engine_directory(candidate):
            return candidate
    looked = " and ".join(str(candidate) for candidate in candidates)
    raise EngineNotFoundError(
        f"the pysr_lite Julia engine was not found (looked for Project.toml naming "
        f"{ENGINE_PROJECT_NAME} and src/{ENGINE_PROJECT_NAME}.jl in {looked}); reinstall pysr_lite "
        "with `pip install .` from a checkout, or run from the checkout itself"
    )


def _julia_command(threads: int, julia_executable: str, engine_directory: str | os.PathLike, code: str,
                   system_image: str | os.PathLike | None, cpu_target: str | None) -> list[str]:
    image = [] if system_image is None else [f"--sysimage={os.fspath(system_image)}"]
    target = [] if cpu_target is None else [f"--cpu-target={cpu_target}"]
    return [
        julia_executable,
        *image,
        *target,
        f"--project={os.fspath(engine_directory)}",
        "--startup-file=no",
        "-t",
        str(int(threads)),
        "-e",
        code,
    ]


def engine_command(
    run_directory: str | os.PathLike,
    threads: int,
    *,
    julia_executable: str,
    engine_directory: str | os.PathLike,
    system_image: str | os.PathLike | None = None,
    cpu_target: str | None = None,
) -> list[str]:
    """The engine's command line, exactly as docs/protocol.md writes it (``system_image``: a
    compiled engine, ``pysr_lite.system_image``; ``cpu_target``: see ``pysr_lite.cpu_target``)."""
    code = "using PySRLite; exit(PySRLite.main(ARGS))"
    return (_julia_command(threads, julia_executable, engine_directory, code, system_image, cpu_target)
            + [os.fspath(run_directory)])


def serve_command(threads: int, *, julia_executable: str, engine_directory: str | os.PathLike,
                  system_image: str | os.PathLike | None = None, cpu_target: str | None = None) -> list[str]:
    """The persistent engine's command line (docs/protocol.md, "Persistent engine")."""
    return _julia_command(threads, julia_executable, engine_directory, "using PySRLite; exit(PySRLite.serve())",
                          system_image, cpu_target)


# ----------------------------------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------------------------------


@dataclass
class EngineReport:
    """What one engine run said and how it ended.

    ``stopped_by`` is "interrupt" (Ctrl-C) or "timeout" (still running past the deadline and its
    grace, see ``pysr_lite.budget``) when the frontend stopped the engine or stopped waiting for
    it, None when it ended on its own. ``done`` holds the fields of the ``pysr_lite:done``
    line, ``last_progress`` those of the last ``progress`` line.
    """

    run_directory: Path
    returncode: int | None = None
    started: dict[str, Any] | None = None
    last_progress: dict[str, Any] | None = None
    done: dict[str, Any] | None = None
    errors: list[str] = field(default_factory=list)
    crash: str | None = None  # a persistent engine's `pysr_lite:crash` message
    workers: dict[str, Any] | None = None  # the `workers` line of a multiprocessing run (pids, hosts)
    lost_workers: list[dict[str, Any]] = field(default_factory=list)  # its `worker_lost` lines
    stopped_by: str | None = None
    stderr_tail: str = ""
    log_error: str | None = None  # why copying the engine's output to the run folder stopped, if it did
    command: list[str] = field(default_factory=list)

    @property
    def hall_of_fame(self) -> Path:
        return self.run_directory / "hall_of_fame.csv"


@dataclass(frozen=True)
class Engine:
    """A located engine: which Julia runs it, where its sources are, the system image that
    holds them compiled (``pysr_lite.system_image``), if one matches them, and the CPU target
    Julia compiles for when its own choice would be a slow one (``pysr_lite.cpu_target``)."""

    julia: Julia
    directory: Path
    system_image: Path | None = None
    cpu_target: str | None = None

    def command(self, run_directory: str | os.PathLike, threads: int) -> list[str]:
        return engine_command(run_directory, threads, julia_executable=self.julia.executable,
                              engine_directory=self.directory, system_image=self.system_image,
                              cpu_target=self.cpu_target)

    def serve_command(self, threads: int) -> list[str]:
        return serve_command(threads, julia_executable=self.julia.executable, engine_directory=self.directory,
                             system_image=self.system_image, cpu_target=self.cpu_target)

    def start(self, run_directory: str | os.PathLike, threads: int) -> "EngineProcess":
        """Start the engine on a prepared run folder (options.toml and the .bin files written)."""
        run_directory = Path(run_directory)
        command = self.command(run_directory, threads)
        try:
            process = start_process(
                command,
                cwd=run_directory,
                stdin=subprocess.PIPE,  # `stop` is written here to end the search early
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
                bufsize=1,
            )
        except OSError as error:
            raise EngineError(
                f"could not start the engine ({error}); command: {format_command(command)}",
                run_directory=run_directory,
                returncode=None,
                stderr_tail="",
            ) from error
        return EngineProcess(process, run_directory, command)


def start_process(command: Sequence[str], **options: Any) -> subprocess.Popen:
    """``subprocess.Popen(command, **options)`` as the engine's process: in its own session
    (a terminal's Ctrl-C reaches only Python, which decides how to stop the engine, and the whole
    group can be killed at the end), and never left behind by a Ctrl-C.

    A KeyboardInterrupt raised inside Popen after the fork would leave a process nobody holds, so
    a Ctrl-C that arrives meanwhile (in the main thread, where Python runs signal handlers) is
    held until Popen returns; then the new process is killed and the KeyboardInterrupt raised.
    """
    held: list[int] = []
    hold = threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is not None
    previous = signal.signal(signal.SIGINT, lambda number, frame: held.append(number)) if hold else None
    try:
        process = subprocess.Popen(command, start_new_session=True, **options)
    finally:
        if hold:
            signal.signal(signal.SIGINT, previous)
    if held:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
        raise KeyboardInterrupt
    return process


def locate_engine() -> Engine:
    """Find Julia, the engine sources and their system image if there is one (raises
    JuliaNotFoundError / EngineNotFoundError)."""
    julia, directory = find_julia(), find_engine_directory()
    cpu_target = engine_cpu_target(julia.executable)
    return Engine(julia, directory, find_system_image(julia.executable, julia.version, directory, cpu_target),
                  cpu_target)


class EngineLog:
    """A copy of one of the engine's streams in the run folder (engine_stdout.log, ...).

    Best effort: on a full disk the engine's front matters more than its log, so a write that
    fails stops the copy (``error`` says why) instead of ending the search from the frontend's
    side; the engine meets the same disk when it writes its front, and says so.
    """

    def __init__(self, path: Path):
        self.path = path
        self.error: OSError | None = None
        try:
            self._file = open(path, "a", encoding="utf-8")
        except OSError as error:
            self._file, self.error = None, error

    def write(self, text: str) -> None:
        if self._file is None:
            return
        try:
            self._file.write(text)
            self._file.flush()
        except OSError as error:
            self.error = error
            self.close()

    def close(self) -> None:
        if self._file is not None:
            file, self._file = self._file, None
            try:
                file.close()
            except OSError:
                pass

    def __enter__(self) -> "EngineLog":
        return self

    def __exit__(self, *exception) -> None:
        self.close()


def log_error(*logs: EngineLog) -> str | None:
    """Why the first of ``logs`` that stopped copying stopped (a full disk, ...), or None."""
    errors = [str(log.error) for log in logs if log.error is not None]
    return errors[0] if errors else None


def _pump(stream, sink: "queue.Queue[str | None]") -> None:
    for line in stream:
        sink.put(line)
    sink.put(None)


def _collect_stderr(stream, log: EngineLog, tail: collections.deque, echo: bool) -> None:
    for line in stream:
        log.write(line)
        tail.append(line)
        if echo:
            sys.stderr.write(line)
            sys.stderr.flush()


class EngineProcess:
    """A running engine process on one run folder."""

    def __init__(self, process: subprocess.Popen, run_directory: Path, command: Sequence[str]):
        self.process = process
        self.run_directory = run_directory
        self.command = list(command)

    @property
    def pid(self) -> int:
        return self.process.pid

    def follow(self, *, verbosity: int = 1, deadline: Deadline | None = None,
               watcher: SearchWatcher | None = None) -> EngineReport:
        """Stream the engine's output until it exits and report how it went.

        Stdout and stderr are copied to engine_stdout.log / engine_stderr.log in the run folder.
        The engine's lines go to ``watcher`` (see ``pysr_lite.progress``; by default plain lines
        with ``verbosity > 0``, nothing at 0). Ctrl-C stops the engine politely (``stop``) and the report
        says ``stopped_by="interrupt"``. At the ``deadline`` the engine is asked to stop; if it
        is still running when the grace after it ends (still compiling, say), it is killed and
        the report says ``stopped_by="timeout"``: the front on disk is whole (it is replaced
        atomically), so nothing it had written is lost.
        """
        report = EngineReport(self.run_directory, command=self.command)
        watcher = watcher if watcher is not None else plain_watcher(verbosity)

        stdout_lines: "queue.Queue[str | None]" = queue.Queue()
        stderr_tail: collections.deque = collections.deque(maxlen=STDERR_TAIL_LINES)
        with EngineLog(self.run_directory / "engine_stdout.log") as stdout_log, EngineLog(
            self.run_directory / "engine_stderr.log"
        ) as stderr_log:
            readers = [
                threading.Thread(target=_pump, args=(self.process.stdout, stdout_lines), daemon=True),
                threading.Thread(
                    target=_collect_stderr,
                    args=(self.process.stderr, stderr_log, stderr_tail, watcher.shows_engine_output),
                    daemon=True,
                ),
            ]
            for reader in readers:
                reader.start()
            read_to_the_end = False
            try:
                try:
                    self._read_stdout(stdout_lines, stdout_log, report, watcher, deadline)
                except KeyboardInterrupt:
                    report.stopped_by = "interrupt"
                    if report.hall_of_fame.exists():
                        watcher.note("Interrupted: stopping the engine (it writes its last front first)...")
                        self.stop()
                    else:  # still starting or compiling: there is nothing to save, so do not wait
                        watcher.note("Interrupted before the first front: stopping the engine")
                        self._kill_group()
                    self._read_stdout(stdout_lines, stdout_log, report, watcher, None)
                read_to_the_end = True
            finally:
                if not read_to_the_end:  # an exception of ours, or a second Ctrl-C: no more manners
                    self._kill_group()
                report.returncode = self._wait_for_exit(readers)
                self._drain(stdout_lines, stdout_log, report, watcher)
        report.stderr_tail = "".join(stderr_tail)
        report.log_error = log_error(stdout_log, stderr_log)
        return report

    def _wait_for_exit(self, readers: list[threading.Thread]) -> int:
        """The engine's exit code, once it and the pipe readers are done (stopping stragglers)."""
        try:
            returncode = self.process.wait(timeout=EXIT_WAIT_SECONDS)
        except subprocess.TimeoutExpired:  # stdout closed, yet the engine lingers
            self.stop()
            returncode = self.process.wait()
        for reader in readers:
            reader.join(timeout=5)
        if any(reader.is_alive() for reader in readers):
            # A child process still holds the pipes open: it belongs to the engine's group.
            self._kill_group()
            for reader in readers:
                reader.join(timeout=5)
        return returncode

    def _read_stdout(self, lines, log, report: EngineReport, watcher: SearchWatcher,
                     deadline: Deadline | None) -> None:
        """Handle stdout lines until the engine closes stdout (or is killed past the deadline)."""
        exited_at = None
        asked_to_stop = False
        while True:
            if deadline is not None and not asked_to_stop and deadline.passed():
                request_stop(self.process)  # an engine that kept the deadline itself has ended already
                asked_to_stop = True
            if deadline is not None and time.monotonic() >= deadline.give_up_at():
                report.stopped_by = "timeout"
                watcher.note("timeout_in_seconds has run out and the engine is still busy; stopping it")
                self._kill_group()
                deadline = None
            try:
                line = lines.get(timeout=_poll_seconds(deadline))
            except queue.Empty:
                # Normally stdout closes when the engine exits; a child process that inherited
                # it could keep it open, so the engine's own exit is also an end, after a grace.
                if self.process.poll() is not None:
                    exited_at = exited_at or time.monotonic()
                    if time.monotonic() - exited_at > EXIT_WAIT_SECONDS:
                        return
                continue
            if line is None:
                return
            handle_engine_line(line, log, report, watcher)

    def _drain(self, lines, log, report: EngineReport, watcher: SearchWatcher) -> None:
        while True:
            try:
                line = lines.get_nowait()
            except queue.Empty:
                return
            if line is not None:
                handle_engine_line(line, log, report, watcher)

    def stop(self) -> None:
        """Stop politely: a `stop` line on stdin (the engine writes its front and exits), then
        SIGTERM, then kill. Not SIGINT: on Julia 1.5 it can land in the task scheduler and kill
        the engine before it writes its front."""
        if request_stop(self.process):
            try:
                self.process.wait(timeout=INTERRUPT_GRACE_SECONDS)
                return
            except subprocess.TimeoutExpired:
                pass
        if self.process.poll() is not None:
            return
        try:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=TERMINATE_GRACE_SECONDS)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            pass
        self._kill_group()

    def _kill_group(self) -> None:
        # The engine leads its own process group (start_new_session), so this reaches exactly
        # the processes it started, e.g. Distributed workers.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _poll_seconds(deadline: Deadline | None) -> float:
    """How long to wait for the next line: short enough to act on the deadline in time."""
    if deadline is None:
        return 0.2
    next_step = deadline.monotonic if not deadline.passed() else deadline.give_up_at()
    return min(0.2, max(0.01, next_step - time.monotonic()))


def request_stop(process: subprocess.Popen) -> bool:
    """Ask a running engine to end its search (a `stop` line on its stdin); False if it cannot hear."""
    if process.poll() is not None or process.stdin is None:
        return False
    try:
        process.stdin.write("stop\n")
        process.stdin.flush()
        return True
    except (BrokenPipeError, OSError, ValueError):
        return False


def handle_engine_line(line: str, log: EngineLog, report: EngineReport, watcher: SearchWatcher) -> None:
    """Log one stdout line of the engine, record what it says in ``report`` and show it."""
    log.write(line)
    parsed = parse_protocol_line(line)
    if parsed is None:
        watcher.engine_text(line.rstrip("\r\n"))
        return
    kind, fields = parsed
    if kind == "start":
        report.started = fields
        watcher.start(fields)
    elif kind == "compiled":
        watcher.compiled(fields)
    elif kind == "progress":
        report.last_progress = fields
        watcher.progress(fields)
    elif kind == "done":
        report.done = fields
        watcher.done(fields)
    elif kind == "error":
        report.errors.append(fields["message"])
        watcher.error(fields["message"])
    elif kind == "crash":
        report.crash = fields["message"]
        watcher.error(fields["message"])
    elif kind == "workers":
        report.workers = fields
        watcher.workers(fields)
    elif kind == "worker_lost":
        report.lost_workers.append(fields)
        watcher.worker_lost(fields)
    # Unknown kinds are ignored: a newer engine may say more than this frontend understands.


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def check_report(report: EngineReport) -> EngineReport:
    """Raise for a failed run: exit 2 -> EngineInputError, a crash -> EngineError.

    A run the frontend stopped (Ctrl-C, overdue timeout) is not a failure: whatever front exists
    is the result.
    """
    if report.stopped_by is not None or report.returncode == 0:
        return report
    if report.returncode == EXIT_INVALID_INPUT:
        message = "; ".join(report.errors) or _tail(report.stderr_tail, 5) or "no reason given"
        raise EngineInputError(
            f"the engine rejected the run: {message} (run folder {report.run_directory})",
            run_directory=report.run_directory,
        )
    how = (
        f"killed by signal {-report.returncode}"
        if report.returncode is not None and report.returncode < 0
        else f"exit code {report.returncode}"
    )
    message = f"the engine crashed ({how}); run folder {report.run_directory}"
    if report.command:
        message += f"\ncommand: {format_command(report.command)}"
    if report.crash:
        message += "\nengine error: " + report.crash
    if report.errors:
        message += "\nengine error: " + "; ".join(report.errors)
    if report.log_error:
        message += f"\nIts logs in the run folder were cut short: {report.log_error}"
    if report.stderr_tail.strip():
        message += "\nlast lines of its stderr:\n" + _tail(report.stderr_tail)
    if report.hall_of_fame.exists():
        message += (
            f"\nThe last front it wrote is in {report.hall_of_fame} (this error's .partial_result; "
            f"pysr_lite.load_result({str(report.run_directory)!r}) reads it)."
        )
    else:
        message += "\nIt wrote no front before failing."
    raise EngineError(
        message,
        run_directory=report.run_directory,
        returncode=report.returncode,
        stderr_tail=report.stderr_tail,
    )


def run_engine(
    engine: Engine,
    run_directory: str | os.PathLike,
    *,
    threads: int,
    verbosity: int = 1,
    deadline: Deadline | None = None,
    watcher: SearchWatcher | None = None,
) -> EngineReport:
    """Start the engine on a prepared run folder, follow it to the end and check how it ended."""
    process = engine.start(run_directory, threads)
    try:
        report = process.follow(verbosity=verbosity, deadline=deadline, watcher=watcher)
    except BaseException:
        # Ctrl-C before `follow` took charge of the process (or an error of ours): leave no engine.
        process._kill_group()
        process.process.wait()
        raise
    return check_report(report)


def stats_from_report(report: EngineReport) -> dict[str, Any]:
    """The run's statistics: the ``done`` line, or what the last progress line knew."""
    return statistics(report.done, report.last_progress, stopped_by=report.stopped_by)


def format_command(command: Sequence[str]) -> str:
    """The command as one shell-quoted line, for messages and logs."""
    return " ".join(shlex.quote(part) for part in command)
