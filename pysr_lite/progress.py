"""What a search shows while it runs: watchers of the engine's protocol lines.

The engine's ``pysr_lite:`` lines (docs/protocol.md) arrive as events (``start``, ``compiled``,
``progress``, ``done``, ...) at a ``SearchWatcher``. Which watcher a search gets depends on where
its output goes (``watcher_for``):

- a terminal: ``LiveProgress``, redrawn in place with ``rich``: the phase (starting, compiling
  the engine, searching), a progress bar with iterations, elapsed and estimated time left and
  evaluations per second (compiling excluded), and the current front, re-read every few seconds;
- a notebook: ``NotebookProgress``, the same view as HTML in one output area, updated in place;
- anything else (a pipe, a log file, CI): ``LinePrinter``, plain lines, none repeated, no
  escape codes::

    Engine started: 200 rows, 2 features, 2 threads, 8 populations
    Compiling the engine (first search only)...
    Compiled in 9.3 s
    Progress: 3 / 40 iterations (7.5%) | 6.10e+05 evals/s | best loss 1.310e-02 | front 7 | 10.1 s elapsed, about 12 s left
    Worker processes: 2 x 1 threads on node1          (parallelism="multiprocessing")
    Done (niterations): 40 iterations, 2.00e+06 evals in 23.2 s (6.30e+05 evals/s after 9.3 s of set-up and compiling)

- ``verbosity=0``: the base ``SearchWatcher``, which shows nothing.

``SearchProgress`` holds what the events said (and the estimates made from them); the watchers
only draw it.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

# How often the front is re-read from hall_of_fame.csv for the live views, and how often the
# plain printer may print a progress line (a log needs fewer lines than a screen needs frames).
FRONT_REFRESH_SECONDS = 2.0
PLAIN_PROGRESS_SECONDS = 5.0
LIVE_REFRESHES_PER_SECOND = 4
# The live table shows at most this many equations (the most accurate ones).
LIVE_FRONT_ROWS = 12
COMPILING = "Compiling the engine (first search only)"


def _number(value: Any, format_spec: str) -> str:
    try:
        return format(float(value), format_spec)
    except (TypeError, ValueError):
        return "?"


def format_duration(seconds: float | None) -> str:
    """Seconds for people: ``"0.4 s"``, ``"12 s"``, ``"3 min 05 s"``, ``"2 h 01 min"``.

    >>> [format_duration(s) for s in (0.42, 12.3, 185, 7260)]
    ['0.4 s', '12 s', '3 min 05 s', '2 h 01 min']
    """
    if seconds is None or not math.isfinite(seconds):
        return "?"
    seconds = max(0.0, seconds)
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, whole_seconds = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {whole_seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@dataclass
class FrontRow:
    """One equation of the live front, as shown."""

    complexity: int
    loss: float
    equation: str
    chosen: bool


class FrontReader:
    """The current front of a run folder, for live views: re-read when hall_of_fame.csv changed.

    ``read(variable_names, operators)`` -> list of ``FrontRow`` with sympy's text of each
    equation and the row PySR's "best" rule picks marked; an unreadable file keeps the last front.
    """

    def __init__(self, run_directory: str | Path, variable_names: Sequence[str], operators: Any = None):
        self.path = Path(run_directory) / "hall_of_fame.csv"
        self.variable_names = list(variable_names)
        self.operators = operators
        self._stamp: tuple[int, int] | None = None
        self.rows: list[FrontRow] = []

    def read(self) -> list[FrontRow]:
        # Imported here: the live view is the only user, and the package import stays light.
        from .export.latex import round_constants
        from .hall_of_fame import read_hall_of_fame
        from .model_selection import chosen_index
        from .operators import BUILTIN_OPERATORS

        try:
            status = self.path.stat()
        except OSError:
            return self.rows
        stamp = (status.st_mtime_ns, status.st_size)
        if stamp == self._stamp:
            return self.rows
        try:
            front = read_hall_of_fame(self.path, self.variable_names, self.operators or BUILTIN_OPERATORS)
        except (ValueError, OSError):  # a damaged front is the engine's to report; show the last one
            return self.rows
        self._stamp = stamp
        chosen = chosen_index(front["loss"], front["score"])
        self.rows = [FrontRow(int(complexity), float(loss), str(round_constants(expression, 4)), row == chosen)
                     for row, (complexity, loss, expression)
                     in enumerate(front[["complexity", "loss", "sympy_format"]].itertuples(index=False))]
        return self.rows


class SearchProgress:
    """Where a search is, from the engine's lines, timed on the frontend's clock.

    ``phase`` is "starting" (Julia starting, the run folder being read), "compiling" (the first
    search of its kind in an engine process compiles its code), "searching" or "done".
    ``evals_per_second`` is None until it is measured without compiling (an iteration after the
    ``compiled`` line); ``seconds_left()`` estimates the rest from the iterations since then and
    the deadline.
    """

    def __init__(self, started_at: float | None = None, deadline_at: float | None = None,
                 niterations: int | None = None):
        self.started_at = time.monotonic() if started_at is None else started_at
        self.deadline_at = deadline_at  # time.monotonic() at which timeout_in_seconds ends
        self.phase = "starting"
        self.start_fields: dict[str, Any] = {}
        self.compiles = False
        self.compile_seconds: float | None = None  # how long compiling took, when this search compiled
        self.iteration = 0
        self.niterations = niterations  # known from the options; the progress lines say it too
        self.evals_per_second: float | None = None
        self.best_loss: float | None = None
        self.front_size: int | None = None
        self.done_fields: dict[str, Any] = {}
        self._ready: tuple[int, float] | None = None  # (iteration, engine seconds) of `compiled`
        self._last: tuple[float, float] | None = None  # (engine seconds, monotonic time) of the last progress
        self._compiling_since: float | None = None

    def elapsed(self, now: float | None = None) -> float:
        return (time.monotonic() if now is None else now) - self.started_at

    def on_start(self, fields: dict[str, Any]) -> None:
        self.start_fields = fields
        self.compiles = str(fields.get("compiles", "false")).lower() == "true"
        if self.compiles:
            self.phase, self._compiling_since = "compiling", time.monotonic()
        else:
            self.phase = "searching"

    def on_compiled(self, fields: dict[str, Any]) -> None:
        self._ready = (int(fields.get("iteration", 0) or 0), float(fields.get("seconds", 0.0) or 0.0))
        if self.compiles:
            # Counted from the user's call: starting Julia is part of what the first search waits for.
            self.compile_seconds = self.elapsed()
        self.phase = "searching"

    def on_progress(self, fields: dict[str, Any]) -> None:
        if self.phase in ("starting", "compiling"):
            self.phase = "searching"  # an engine older than the `compiled` line
        self.iteration = int(fields.get("iteration", self.iteration) or 0)
        self.niterations = fields.get("niterations", self.niterations)
        self.best_loss = fields.get("best_loss")
        self.front_size = fields.get("front_size")
        seconds = fields.get("seconds")
        if isinstance(seconds, (int, float)):
            self._last = (float(seconds), time.monotonic())
        # The engine's rate leaves compiling out once an iteration has run since `compiled`.
        measured = self._ready is not None and self.iteration > self._ready[0]
        self.evals_per_second = fields.get("evals_per_second") if measured else None

    def on_done(self, fields: dict[str, Any]) -> None:
        self.done_fields = fields
        self.phase = "done"

    def seconds_left(self, now: float | None = None) -> float | None:
        """About how long until the search ends: the remaining iterations at the pace of those
        run since compiling, or the time to the deadline if that is sooner; None when unknown."""
        now = time.monotonic() if now is None else now
        estimates = []
        if self.deadline_at is not None:
            estimates.append(max(0.0, self.deadline_at - now))
        if self._ready is not None and self._last is not None and isinstance(self.niterations, int):
            ready_iteration, ready_seconds = self._ready
            done_since = self.iteration - ready_iteration
            if done_since > 0:
                per_iteration = (self._last[0] - ready_seconds) / done_since
                since_last = now - self._last[1]
                estimates.append(max(0.0, (self.niterations - self.iteration) * per_iteration - since_last))
        return min(estimates) if estimates else None


class SearchWatcher:
    """Receives a search's events; this base class shows nothing (``verbosity=0``).

    Use as a context manager around the search: live views start drawing on entry and leave a
    one-line summary on exit.
    """

    shows_engine_output = False  # whether the engine's stderr is echoed to ours

    def __init__(self, progress: SearchProgress | None = None):
        self.state = progress or SearchProgress()

    def __enter__(self) -> "SearchWatcher":
        return self

    def __exit__(self, *exception) -> None:
        pass

    def note(self, text: str) -> None:
        """A message of the frontend itself."""

    def engine_text(self, line: str) -> None:
        """A free-text line of the engine."""

    def error(self, message: str) -> None:
        """An ``error`` or ``crash`` line of the engine."""

    def start(self, fields: dict[str, Any]) -> None:
        self.state.on_start(fields)

    def compiled(self, fields: dict[str, Any]) -> None:
        self.state.on_compiled(fields)

    def progress(self, fields: dict[str, Any]) -> None:
        self.state.on_progress(fields)

    def done(self, fields: dict[str, Any]) -> None:
        self.state.on_done(fields)

    # Worker processes (parallelism="multiprocessing") are told as notes by every view.
    def workers(self, fields: dict[str, Any]) -> None:
        self.note(workers_line(fields))

    def worker_lost(self, fields: dict[str, Any]) -> None:
        self.note(worker_lost_line(fields))


def workers_line(fields: dict[str, Any]) -> str:
    hosts = sorted(set(str(fields.get("hosts", "?")).split(",")))
    return (f"Worker processes: {fields.get('count', '?')} x {fields.get('threads', '?')} threads on "
            f"{', '.join(hosts[:4])}{', ...' if len(hosts) > 4 else ''}")


def worker_lost_line(fields: dict[str, Any]) -> str:
    remaining = fields.get("remaining", 0)
    if remaining and not fields.get("populations"):   # died before it held any
        what = f"the search goes on with the {remaining} remaining worker(s)"
    elif remaining:
        what = f"its {fields.get('populations', '?')} populations go on with the {remaining} remaining worker(s)"
    else:
        what = "no worker is left: the search ends with the front found so far"
    return f"Worker process {fields.get('worker', '?')} died; {what}"


def started_line(fields: dict[str, Any]) -> str:
    return (f"Engine started: {fields.get('n_rows', '?')} rows, {fields.get('n_features', '?')} features, "
            f"{fields.get('threads', '?')} threads, {fields.get('populations', '?')} populations")


def done_line(fields: dict[str, Any]) -> str:
    # The rate counts from the end of compiling (docs/protocol.md): say so when the total includes it.
    setup = fields.get("setup_seconds")
    after = f" after {_number(setup, '.1f')} s of set-up and compiling" if isinstance(setup, (int, float)) and setup >= 0.05 else ""
    return (f"Done ({fields.get('reason', '?')}): {fields.get('iterations', '?')} iterations, "
            f"{_number(fields.get('evals'), '.2e')} evals in {_number(fields.get('seconds'), '.1f')} s "
            f"({_number(fields.get('evals_per_second'), '.2e')} evals/s{after})")


def evals_text(progress: SearchProgress) -> str:
    if progress.evals_per_second is None:
        return "evals/s after compiling" if progress.compiles else "evals/s: measuring"
    return f"{_number(progress.evals_per_second, '.2e')} evals/s"


def times_text(progress: SearchProgress) -> str:
    left = progress.seconds_left()
    after = "" if left is None else f", about {format_duration(left)} left"
    return f"{format_duration(progress.elapsed())} elapsed{after}"


class LinePrinter(SearchWatcher):
    """Plain lines for logs and pipes: one per event worth saying, progress at most every
    ``interval`` seconds (the last iteration always), never an escape code."""

    shows_engine_output = True

    def __init__(self, progress: SearchProgress | None = None, stream: TextIO | None = None,
                 interval: float = PLAIN_PROGRESS_SECONDS):
        super().__init__(progress)
        self.stream = stream  # None: the current sys.stdout at each print (so captured output works)
        self.interval = interval
        self._last_printed: float | None = None
        self._last_line: str | None = None

    def _print(self, text: str) -> None:
        print(text, file=self.stream or sys.stdout, flush=True)

    def note(self, text: str) -> None:
        self._print(text)

    def engine_text(self, line: str) -> None:
        self._print(line)

    def error(self, message: str) -> None:
        self._print(f"Engine error: {message}")

    def start(self, fields: dict[str, Any]) -> None:
        super().start(fields)
        self._print(started_line(fields))
        if self.state.compiles:
            self._print(f"{COMPILING}...")

    def compiled(self, fields: dict[str, Any]) -> None:
        super().compiled(fields)
        if self.state.compile_seconds is not None:
            self._print(f"Compiled in {format_duration(self.state.compile_seconds)}")

    def progress(self, fields: dict[str, Any]) -> None:
        super().progress(fields)
        state, now = self.state, time.monotonic()
        is_last = state.iteration == state.niterations
        if not is_last and self._last_printed is not None and now - self._last_printed < self.interval:
            return
        percent = f" ({100 * state.iteration / state.niterations:.1f}%)" if isinstance(state.niterations, int) and state.niterations else ""
        line = (f"Progress: {state.iteration} / {state.niterations} iterations{percent}"
                f" | {evals_text(state)}"
                f" | best loss {_number(state.best_loss, '.3e')}"
                f" | front {state.front_size if state.front_size is not None else '?'}"
                f" | {times_text(state)}"
                + (f" | {fields['workers']} workers ({fields['lost_workers']} lost)" if fields.get("lost_workers") else ""))
        if line != self._last_line:
            self._last_printed, self._last_line = now, line
            self._print(line)

    def done(self, fields: dict[str, Any]) -> None:
        super().done(fields)
        self._print(done_line(fields))


class LiveProgress(SearchWatcher):
    """The terminal view, redrawn in place by ``rich.live.Live`` (a few times a second, so the
    clock moves while the engine compiles): phase or progress bar, then the current front.

    ``front`` (a ``FrontReader``) supplies the table; without it only the bar is drawn. On exit
    the view is replaced by one summary line (the result itself shows the front).
    """

    shows_engine_output = True

    def __init__(self, console, progress: SearchProgress | None = None, front: FrontReader | None = None,
                 refresh_seconds: float = FRONT_REFRESH_SECONDS):
        super().__init__(progress)
        self.console = console
        self.front = front
        self.refresh_seconds = refresh_seconds
        self._front_rows: list[FrontRow] = []
        self._front_read_at: float | None = None
        self._live = None
        self._spinner = None

    # --- drawing -------------------------------------------------------------------------------

    def _current_front(self) -> list[FrontRow]:
        now = time.monotonic()
        if self.front is not None and (self._front_read_at is None or now - self._front_read_at >= self.refresh_seconds):
            self._front_read_at = now
            self._front_rows = self.front.read()
        return self._front_rows

    def render(self):
        """The whole view as one rich renderable (also what the notebook view converts to HTML)."""
        from rich.console import Group

        if self._spinner is None:
            from rich.spinner import Spinner

            self._spinner = Spinner("dots")  # one spinner for the whole search, so that it turns
        parts = [status_renderable(self.state, self._spinner)]
        rows = self._current_front() if self.state.phase in ("searching", "done") else []
        if rows:
            parts.append(front_table(rows, self.state.best_loss))
        return Group(*parts)

    # --- lifecycle ------------------------------------------------------------------------------

    def __enter__(self) -> "LiveProgress":
        from rich.live import Live

        self._live = Live(get_renderable=self.render, console=self.console, transient=True,
                          refresh_per_second=LIVE_REFRESHES_PER_SECOND, redirect_stdout=True, redirect_stderr=True)
        self._live.start()
        return self

    def __exit__(self, *exception) -> None:
        if self._live is not None:
            live, self._live = self._live, None
            live.stop()
        if self.state.done_fields:
            self.console.print(done_line(self.state.done_fields), highlight=False)

    # --- events ---------------------------------------------------------------------------------

    def note(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False)

    def engine_text(self, line: str) -> None:
        self.console.print(line, highlight=False, markup=False)

    def error(self, message: str) -> None:
        self.console.print(f"Engine error: {message}", highlight=False, markup=False)

    def progress(self, fields: dict[str, Any]) -> None:
        super().progress(fields)
        self._front_read_at = None if not self._front_rows else self._front_read_at  # the first front at once
        if self._live is not None:
            self._live.refresh()


def status_renderable(state: SearchProgress, spinner=None):
    """The status line: ``spinner`` (a rich Spinner) while starting or compiling, then the
    progress bar."""
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.spinner import Spinner
    from rich.table import Table
    from rich.text import Text

    if state.phase in ("starting", "compiling"):
        what = COMPILING if state.phase == "compiling" else "Starting the engine"
        spinner = spinner or Spinner("dots")
        spinner.update(text=Text(f"{what}... {format_duration(state.elapsed())}"))
        return spinner
    total = state.niterations if isinstance(state.niterations, int) and state.niterations > 0 else None
    bar = Table.grid(padding=(0, 1))
    bar.add_column(no_wrap=True)
    bar.add_column(width=30)
    bar.add_column(no_wrap=True)
    bar.add_row(Text("Searching" if state.phase == "searching" else "Done     "),
                ProgressBar(total=total, completed=state.iteration),
                Text(f"{state.iteration}/{total if total is not None else '?'} iterations"))
    facts = f"{times_text(state)} | {evals_text(state)}"
    if state.compile_seconds is not None:
        facts += f" | engine compiled in {format_duration(state.compile_seconds)} (first search only)"
    return Group(bar, Text(facts, style="dim"))


def front_table(rows: Sequence[FrontRow], best_loss: float | None = None, max_rows: int = LIVE_FRONT_ROWS):
    """The front as a rich table: complexity, loss, equation, ``>>>>`` on the chosen row."""
    from rich.table import Table

    table = Table(title="Current front", title_justify="left", expand=False, show_edge=False, pad_edge=False)
    table.add_column("", no_wrap=True)
    table.add_column("complexity", justify="right", no_wrap=True)
    table.add_column("loss", justify="right", no_wrap=True)
    table.add_column("equation", overflow="ellipsis", no_wrap=True, max_width=100)
    hidden = max(0, len(rows) - max_rows)
    if hidden:
        table.caption = f"({hidden} simpler equation{'s' if hidden > 1 else ''} not shown)"
    for row in rows[hidden:]:
        style = "bold" if row.chosen else None
        table.add_row(">>>>" if row.chosen else "", str(row.complexity), f"{row.loss:.4g}", row.equation, style=style)
    return table


class NotebookProgress(LiveProgress):
    """The live view in Jupyter: the same renderable, as HTML in one output area updated in place
    (IPython's display handles; no widget library needed), redrawn once a second."""

    def __init__(self, console, progress: SearchProgress | None = None, front: FrontReader | None = None,
                 display: Callable | None = None, refresh_seconds: float = FRONT_REFRESH_SECONDS):
        super().__init__(console, progress, front, refresh_seconds)
        self._display = display  # IPython.display.display, or a stand-in in tests
        self._handle = None
        self._ticker: threading.Thread | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    def html(self) -> str:
        """The current view as HTML (rich's export, inline styles)."""
        from rich.console import Console

        with self._lock:
            recorder = Console(record=True, width=110, file=_Discard(), force_terminal=False, color_system="truecolor")
            recorder.print(self.render())
            return recorder.export_html(inline_styles=True, code_format="<pre style=\"{stylesheet}\">{code}</pre>")

    def _show(self) -> None:
        if self._handle is not None:
            self._handle.update(HtmlView(self.html()))

    def __enter__(self) -> "NotebookProgress":
        display = self._display
        if display is None:
            from IPython.display import display  # in a notebook, IPython is there
        self._handle = display(HtmlView(self.html()), display_id=True)
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()
        return self

    def _tick(self) -> None:
        while not self._stopped.wait(1.0):
            self._show()

    def __exit__(self, *exception) -> None:
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
        if self._handle is not None:
            summary = done_line(self.state.done_fields) if self.state.done_fields else "Search ended."
            self._handle.update(HtmlView(f"<pre>{_escape_html(summary)}</pre>", summary))

    def note(self, text: str) -> None:
        print(text, flush=True)

    engine_text = note

    def error(self, message: str) -> None:
        print(f"Engine error: {message}", flush=True)

    def progress(self, fields: dict[str, Any]) -> None:
        SearchWatcher.progress(self, fields)
        self._front_read_at = None if not self._front_rows else self._front_read_at
        self._show()


class HtmlView:
    """Something a notebook shows as ``html`` (IPython calls ``_repr_html_``)."""

    def __init__(self, html: str, text: str = "search progress"):
        self.html = html
        self.text = text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


class _Discard:
    """A file that drops what is written (the recording console keeps its own copy)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_watcher(verbosity: int) -> SearchWatcher:
    """Plain lines at ``verbosity > 0``, nothing at 0 (for engine runs that no search watches)."""
    return LinePrinter() if verbosity > 0 else SearchWatcher()


def watcher_for(verbosity: int, *, front: FrontReader | None = None, deadline_at: float | None = None,
                started_at: float | None = None, niterations: int | None = None, console=None) -> SearchWatcher:
    """The watcher for a search: nothing at ``verbosity=0``; else live in a terminal or a
    notebook, plain lines anywhere else (as ``rich`` judges where stdout goes)."""
    progress = SearchProgress(started_at=started_at, deadline_at=deadline_at, niterations=niterations)
    if verbosity <= 0:
        return SearchWatcher(progress)
    if console is None:
        from rich.console import Console

        console = Console()
    if console.is_jupyter:
        return NotebookProgress(console, progress, front)
    if console.is_terminal and not console.is_dumb_terminal:
        return LiveProgress(console, progress, front)
    return LinePrinter(progress)
