"""How long ``search(..., timeout_in_seconds=T)`` takes from the call, cold and warm, and where a
cold start spends its time (not run in CI).

    JULIA_DEPOT_PATH=... python benchmarks/budget.py [--timeout 5] [--repeats 3]

1. ``search()`` with ``timeout_in_seconds=T`` on the demo law (200 rows, 2 features), timed from
   the call to its return, ``--repeats`` times each: a cold one-shot engine
   (``persistent_engine=False``), a cold persistent engine (``close_engine()`` first), and a warm
   persistent engine. Each line says what came back: a front (its stop reason and iterations) or
   ``TimeoutBeforeFirstFrontError`` (the budget ended before the first front existed).
2. The phases of a cold start, from the engine's stdout lines timed as they arrive (no budget):
   Julia's start, loading PySRLite, reading the run folder (``start`` line: loading the options
   compiles the option code), and the first iteration (first ``progress`` line: compiling the
   search), with ``julia -e nothing`` and ``using PySRLite`` timed alone for reference.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pysr_lite  # noqa: E402
from pysr_lite.budget import TimeoutBeforeFirstFrontError  # noqa: E402
from pysr_lite.data import prepare_dataset  # noqa: E402
from pysr_lite.engine import locate_engine  # noqa: E402
from pysr_lite.options import resolve_options, toml_entries  # noqa: E402
from pysr_lite.run_folder import write_run_folder  # noqa: E402

X = np.random.default_rng(0).uniform(-3, 3, size=(200, 2))
Y = X[:, 0] ** 2 + np.cos(X[:, 1])
OPTIONS = dict(unary_operators=["cos"], niterations=10**6, threads=2, verbosity=0)


def timed_search(timeout: float, persistent: bool, output_directory: str) -> tuple[float, str]:
    started = time.monotonic()
    try:
        result = pysr_lite.search(X, Y, timeout_in_seconds=timeout, persistent_engine=persistent,
                                  output_directory=output_directory, **OPTIONS)
        outcome = f"front of {len(result)}, reason={result.stats['reason']}, iterations={result.stats['iterations']}"
    except TimeoutBeforeFirstFrontError:
        outcome = "TimeoutBeforeFirstFrontError (no front yet)"
    return time.monotonic() - started, outcome


def budgets(timeout: float, repeats: int, kinds: list[str]) -> None:
    output_directory = tempfile.mkdtemp(prefix="pysr_lite_budget_")
    print(f"## search(timeout_in_seconds={timeout:g}), seconds from the call to the return")
    cases = [("cold one-shot", False, False), ("cold persistent", True, False), ("warm persistent", True, True)]
    for label, persistent, warm in [case for case in cases if case[0] in kinds]:
        if warm:  # untimed: leaves a warm engine, as earlier searches of a session would
            pysr_lite.close_engine()
            pysr_lite.search(X, Y, output_directory=output_directory, **dict(OPTIONS, niterations=1))
        times = []
        for _ in range(repeats):
            if persistent and not warm:
                pysr_lite.close_engine()
            seconds, outcome = timed_search(timeout, persistent, output_directory)
            times.append(seconds)
            print(f"{label:16} {seconds:6.2f} s  {outcome}")
        print(f"{label:16} median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    pysr_lite.close_engine()


def cold_start_phases(repeats: int) -> None:
    engine = locate_engine()
    print("\n## where a cold start goes (seconds from the process start)")
    for label, code in [("julia -e nothing", "nothing"), ("using PySRLite", "using PySRLite")]:
        times = []
        for _ in range(repeats):
            started = time.monotonic()
            subprocess.run([engine.julia.executable, f"--project={engine.directory}", "--startup-file=no", "-e", code],
                           check=True)
            times.append(time.monotonic() - started)
        print(f"{label:28} median {statistics.median(times):.2f}")
    for repeat in range(repeats):
        run_directory = Path(tempfile.mkdtemp(prefix="pysr_lite_phases_"))
        resolved = resolve_options(**dict(OPTIONS, niterations=3, random_state=repeat))
        dataset = prepare_dataset(X, Y, operators=resolved["operator_table"])
        write_run_folder(run_directory, dataset, toml_entries(resolved), precision=resolved["precision"],
                         operators=resolved["operator_table"], user_functions=resolved["user_functions"])
        started = time.monotonic()
        process = subprocess.Popen(engine.command(run_directory, 2), cwd=run_directory, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        start_line, progress_lines = None, []
        for line in process.stdout:
            if line.startswith("pysr_lite:start"):
                start_line = time.monotonic() - started
            elif line.startswith("pysr_lite:progress"):
                progress_lines.append(time.monotonic() - started)
        process.wait()
        print(f"run {repeat + 1}: options read (start line) {start_line:.2f}, first iteration done "
              f"(first front) {progress_lines[0]:.2f}, second iteration {progress_lines[1]:.2f}, "
              f"exit {time.monotonic() - started:.2f}")

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sections", default="budgets,phases", help="comma-separated: budgets, phases")
    parser.add_argument("--kinds", default="cold one-shot,cold persistent,warm persistent",
                        help="comma-separated engines to time in the budgets section")
    arguments = parser.parse_args()
    sections = arguments.sections.split(",")
    if "budgets" in sections:
        budgets(arguments.timeout, arguments.repeats, arguments.kinds.split(","))
    if "phases" in sections:
        cold_start_phases(arguments.repeats)


if __name__ == "__main__":
    main()
