"""What a search shows while it runs (pysr_lite.progress): live in a terminal or a notebook,
plain lines in pipes and logs, nothing at verbosity=0.

End-to-end cases use the fake ``julia`` of conftest.py, which prints the engine's protocol
lines (docs/protocol.md) on demand; the renderers are also driven directly with those events.
"""

from __future__ import annotations

import io
import re
import time

import numpy as np
from rich.console import Console

from conftest import uniform_data
from pysr_lite import search
from pysr_lite.progress import (FrontReader, LinePrinter, LiveProgress, NotebookProgress, SearchProgress,
                                SearchWatcher, format_duration, watcher_for)

ONE_PROCESS_PER_SEARCH = dict(persistent_engine=False, niterations=3, deterministic=True)
ESCAPE = "\x1b"

# A first search as the engine reports it: it compiles during its first iteration, so its
# rate counts from the `compiled` line on.
COMPILING_SEARCH = """
    say("pysr_lite:start n_rows=5 n_features=2 threads=1 populations=31 precision=64 compiles=true")
    write_front()
    say("pysr_lite:compiled iteration=1 seconds=6.5")
    say("pysr_lite:progress iteration=1 niterations=3 evals=1000 evals_per_second=150 seconds=6.5 best_loss=0.5 front_size=2")
    say("pysr_lite:progress iteration=2 niterations=3 evals=2000 evals_per_second=2000 seconds=7 best_loss=0.5 front_size=2")
    say("pysr_lite:progress iteration=3 niterations=3 evals=3000 evals_per_second=2000 seconds=7.5 best_loss=0.25 front_size=2")
    say("pysr_lite:done reason=niterations iterations=3 evals=3000 evals_per_second=2000 seconds=7.5 setup_seconds=6.5")
"""


def test_piped_output_is_plain_lines_without_escape_codes_or_repeats(fake_julia, tmp_path, capsys):
    fake_julia(COMPILING_SEARCH)
    result = search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH,
                    output_directory=tmp_path / "outputs", random_state=0)
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert ESCAPE not in printed and "\r" not in printed
    assert len(lines) == len(set(lines)), printed
    assert lines[0] == "Engine started: 5 rows, 2 features, 1 threads, 31 populations"
    assert lines[1] == "Compiling the engine (first search only)..."
    assert re.fullmatch(r"Compiled in [0-9.]+ s", lines[2])
    # The first iteration's rate includes compiling: it is not shown; the last one is.
    assert lines[3].startswith("Progress: 1 / 3 iterations (33.3%) | evals/s after compiling | best loss 5.000e-01")
    assert lines[4].startswith("Progress: 3 / 3 iterations (100.0%) | 2.00e+03 evals/s | best loss 2.500e-01 | front 2 | ")
    assert lines[5] == "Done (niterations): 3 iterations, 3.00e+03 evals in 7.5 s (2.00e+03 evals/s after 6.5 s of set-up and compiling)"
    assert result.stats["setup_seconds"] == 6.5


def test_verbosity_0_prints_nothing_at_all(fake_julia, tmp_path, capfd):
    fake_julia(COMPILING_SEARCH + """
    print("a warning of Julia's on stderr", file=sys.stderr, flush=True)
    say("free text of the engine")
    """)
    search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs",
           random_state=0, verbosity=0)
    assert capfd.readouterr() == ("", "")


def test_the_watcher_suits_where_the_output_goes():
    assert type(watcher_for(0, console=Console(force_terminal=True))) is SearchWatcher
    assert isinstance(watcher_for(1, console=Console(file=io.StringIO())), LinePrinter)
    assert isinstance(watcher_for(1, console=Console(file=io.StringIO(), force_terminal=True)), LiveProgress)
    assert isinstance(watcher_for(1, console=Console(file=io.StringIO(), force_jupyter=True)), NotebookProgress)


def front_folder(tmp_path):
    """A run folder whose front has three equations; x0**2 + cos(x1) is PySR's "best"."""
    (tmp_path / "hall_of_fame.csv").write_text(
        "complexity,loss,equation,dimensionally_consistent\n"
        '1,8.0,"3.1233740773",true\n3,0.49,"(x0 * x0)",true\n6,1.0e-20,"((x0 * x0) + cos(x1))",true\n'
    )
    return FrontReader(tmp_path, ["x0", "x1"])


def feed_search(watcher):
    watcher.start({"n_rows": 200, "n_features": 2, "threads": 2, "populations": 8, "compiles": "true"})
    watcher.compiled({"iteration": 1, "seconds": 5.0})
    for iteration in (1, 2):
        watcher.progress({"iteration": iteration, "niterations": 4, "evals": 1000 * iteration,
                          "evals_per_second": 61000, "seconds": 5.0 + iteration, "best_loss": 1e-20, "front_size": 3})


def test_the_terminal_view_is_redrawn_in_place_with_the_front(tmp_path):
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    watcher = LiveProgress(console, SearchProgress(), front_folder(tmp_path))
    with watcher:
        time.sleep(0.6)  # a few frames of "Starting the engine"
        feed_search(watcher)
        watcher.done({"reason": "niterations", "iterations": 2, "evals": 2000, "evals_per_second": 61000, "seconds": 7})
    drawn = screen.getvalue()
    assert "Starting the engine..." in drawn
    assert "\x1b[2K" in drawn  # lines erased and drawn again: in place
    assert re.search(r"Searching .* 2/4 iterations\n[0-9.]+ s elapsed, about [0-9.]+ s left \| 6.10e\+04 evals/s \| "
                     r"engine compiled in [0-9.]+ s \(first search only\)\n", drawn)
    chosen = next(line for line in drawn.splitlines() if ">>>>" in line)
    assert "6" in chosen and "x0**2 + cos(x1)" in chosen
    assert "3.123 " in drawn  # constants rounded for the eye
    assert drawn.rstrip().endswith("Done (niterations): 2 iterations, 2.00e+03 evals in 7.0 s (6.10e+04 evals/s)")


def test_the_terminal_view_says_the_engine_is_compiling(tmp_path):
    console = Console(file=io.StringIO(), force_terminal=True, width=100, color_system=None, record=True)
    watcher = LiveProgress(console, SearchProgress(), front_folder(tmp_path))
    watcher.start({"compiles": "true"})
    console.print(watcher.render())
    assert "Compiling the engine (first search only)..." in console.export_text()


def test_the_notebook_view_updates_one_output_area(tmp_path):
    class Handle:
        def __init__(self):
            self.shown = []

        def update(self, content):
            self.shown.append(content._repr_html_())

    handle = Handle()

    def display(content, display_id):
        assert display_id is True
        handle.shown.append(content._repr_html_())
        return handle

    watcher = NotebookProgress(Console(file=io.StringIO(), force_jupyter=True), SearchProgress(),
                               front_folder(tmp_path), display=display)
    with watcher:
        feed_search(watcher)
        watcher.done({"reason": "niterations", "iterations": 2, "evals": 2000, "evals_per_second": 61000, "seconds": 7})
    assert "Starting the engine" in handle.shown[0]
    assert any("x0**2 + cos(x1)" in html and "&gt;&gt;&gt;&gt;" in html for html in handle.shown)
    assert "Done (niterations)" in handle.shown[-1]


def test_the_rate_and_the_time_left_leave_compiling_out():
    progress = SearchProgress(started_at=0.0)
    progress.on_start({"compiles": "true"})
    assert progress.phase == "compiling"
    progress.on_compiled({"iteration": 1, "seconds": 30.0})
    progress.on_progress({"iteration": 1, "niterations": 11, "evals_per_second": 50.0, "seconds": 30.0})
    assert progress.evals_per_second is None and progress.seconds_left() is None
    progress.on_progress({"iteration": 3, "niterations": 11, "evals_per_second": 4000.0, "seconds": 32.0})
    assert progress.evals_per_second == 4000.0
    # 8 iterations left at 1 s each (the 30 s of the compiling first iteration do not count)
    assert 7.5 < progress.seconds_left() <= 8.0


def test_the_time_left_is_at_most_the_time_to_the_deadline():
    now = time.monotonic()
    progress = SearchProgress(started_at=now, deadline_at=now + 3.0)
    progress.on_start({"compiles": "false"})
    progress.on_compiled({"iteration": 0, "seconds": 0.1})
    progress.on_progress({"iteration": 1, "niterations": 1000, "evals_per_second": 1.0, "seconds": 1.1})
    assert 2.0 < progress.seconds_left() <= 3.0


def test_durations_read_like_a_clock():
    assert [format_duration(seconds) for seconds in (0.42, 12.3, 185, 7260, None)] == [
        "0.4 s", "12 s", "3 min 05 s", "2 h 01 min", "?"]
