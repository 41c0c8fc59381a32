"""Throughput: the whole search's expression-evaluations x rows per second, pysr_lite beside pyoperon.

    bash benchmarks/setup_recovery.sh                                    # once: pyoperon, pysr_lite, Julia
    benchmarks/.venv-recovery/bin/python benchmarks/throughput.py        # about 4 min with the default 20 s
    benchmarks/.venv-recovery/bin/python benchmarks/throughput.py --seconds 3   # a smoke test

Both tools search the same data (a physics law's published ranges, 1,000 and 10,000 rows) with the
same operators (``+ - * /`` with ``exp log sin cos sqrt``), the same size limit (30 nodes) and no
constant fitting, for the same wall-clock budget, with 1 and with 2 threads, one after another in
this one run (so the machine's load is shared alike). Each figure is printed beside its target:

- pysr_lite's rate at least pyoperon's in all four cells (rows x threads);
- pysr_lite's rate with 2 threads at least 1.8x its rate with 1 thread, at 10,000 rows, on the
  same work: one deterministic search (``deterministic=True``, a fixed number of iterations) run
  with 1 and with 2 threads, which evaluates exactly the same expressions either way (three runs
  each, 1 and 2 threads in turn, the fastest kept: a run of a few seconds is easily slowed by
  another job). Within a
  time budget the 2-thread search gets further, to larger trees whose evaluations cost more, so
  the ratio of the timed rates mixes thread scaling with search progress (on 2026-12-01 the same
  work ran 2.07x faster on 2 threads while the timed rates differed by 1.62x); it is printed too.

What is counted
---------------
*Evaluations x rows per second of the whole search*: every evaluation of an expression on the
whole training set, made anywhere in the search (evolution, simplification, the hall of fame's
refinement), times the rows, divided by the search's seconds (everything it does, not only
evaluating):

- **pysr_lite**: ``result.stats["evals"]`` (the engine counts every loss evaluation in full-data
  units) over ``result.stats["seconds"]`` (the engine's search clock). The engine is started and
  its search code compiled by an untimed small search with the same options first. The wall time
  of the whole ``search()`` call is shown too (it adds writing the data, reading the results back
  and parsing the front into sympy).
- **pyoperon**: the ``ResidualEvaluations`` of its r2 fitness evaluator (each is one tree
  evaluated on all training rows; the ``length`` objective evaluates nothing) over the wall time
  of ``fit``. pyoperon 0.6.2's ``stats_['evaluation_count']`` cannot be used: under NSGA-II it
  reads the MultiEvaluator's own counter, which stays 0 (``counting_pyoperon_regressor`` in
  recovery.py keeps the objective evaluators to read theirs). Its coefficient optimizer's
  residual and Jacobian evaluations (``stats_``) are checked to be 0.

Same conditions
---------------
pyoperon runs with SRBench's Operon configuration (``recovery.SRBENCH_OPERON``: NSGA-II on r2 and
length, population 1000, ...) except ``optimizer_iterations=0`` (no constant fitting) and
``max_length`` = ``max_depth`` = the size limit; pysr_lite with its defaults except
``should_optimize_constants=False`` and ``maxsize`` = the size limit (its constants still change
by mutation, as pyoperon's do by its one-point mutation). pyoperon's wheel evaluates in single
precision (float32, AVX2); pysr_lite in its default double precision unless
``--pysr-lite-precision 32``. pyoperon adds linear scaling (a least-squares scale and offset, not
counted as evaluations) to every evaluation.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import multiprocessing
import os
import platform
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from problems import GENERIC_OPERATORS, PROBLEMS_BY_NAME, split_operators  # noqa: E402
from recovery import (PYOPERON_SYMBOLS, PYOPERON_UNLIMITED, SRBENCH_OPERON,  # noqa: E402
                      counting_pyoperon_regressor, machine_description, pyoperon_tree_evaluations, tool_versions)

PROBLEM = "I.12.11"  # q*(Ef + B*v*sin(theta)): five variables, a unary function, nothing exotic
OPERATORS = GENERIC_OPERATORS["physics"]
ROW_COUNTS = (1_000, 10_000)
THREAD_COUNTS = (1, 2)
SIZE_LIMIT = 30  # pysr_lite's default maxsize
THREAD_RATIO_TARGET = 1.8
SAME_WORK_ITERATIONS = 10   # about 2 s with 2 threads at 10,000 rows (2026-12-02)
SAME_WORK_REPEATS = 3
RUN_GRACE_SECONDS = 300.0


def make_data(rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``rows`` uniform draws over the problem's published ranges; targets with 1 % noise (so no
    tool fits them exactly and changes pace)."""
    problem = PROBLEMS_BY_NAME[PROBLEM]
    rng = np.random.default_rng([seed, rows])
    lows = np.array([v.low for v in problem.variables])
    highs = np.array([v.high for v in problem.variables])
    X = rng.uniform(lows, highs, size=(rows, len(lows)))
    y = problem.truth()(X)
    return X, y + rng.normal(0.0, 0.01 * np.std(y), size=rows)


# ----------------------------------------------------------------------------------------------
# One tool, one thread count, every row count: each in its own process
# ----------------------------------------------------------------------------------------------


def pysr_lite_options(threads: int, size_limit: int, precision: int, seed: int) -> dict[str, Any]:
    binary, unary = split_operators(OPERATORS)
    return dict(binary_operators=list(binary), unary_operators=list(unary), maxsize=size_limit, threads=threads,
                random_state=seed, should_optimize_constants=False, precision=precision, verbosity=0,
                output_directory=tempfile.mkdtemp(prefix="pysr_lite_throughput_"))


def measure_pysr_lite(row_counts, threads: int, seconds: float, size_limit: int, precision: int,
                      seed: int) -> list[dict[str, Any]]:
    import pysr_lite

    common = pysr_lite_options(threads, size_limit, precision, seed)
    results = []
    try:
        X, y = make_data(200, seed)
        pysr_lite.search(X, y, niterations=2, populations=4, ncycles_per_iteration=50, **common)  # start, compile
        for rows in row_counts:
            X, y = make_data(rows, seed)
            start = time.perf_counter()
            result = pysr_lite.search(X, y, niterations=10**6, timeout_in_seconds=seconds, **common)
            wall = time.perf_counter() - start
            stats = dict(result.stats)
            results.append({"rows": rows, "evaluations": float(stats["evals"]), "seconds": float(stats["seconds"]),
                            "wall_seconds": wall, "iterations": stats.get("iterations"),
                            "stop": stats.get("reason")})
    finally:
        with contextlib.suppress(Exception):
            pysr_lite.close_engine()
    return results


def measure_same_work(rows: int, threads: int, iterations: int, size_limit: int, precision: int,
                      seed: int) -> dict[str, Any]:
    """One deterministic search of ``iterations`` iterations (the same expressions whatever the
    thread count; see the module's docstring), after an unmeasured one that compiles its code."""
    import pysr_lite

    common = pysr_lite_options(threads, size_limit, precision, seed)
    try:
        X, y = make_data(rows, seed)
        pysr_lite.search(X, y, niterations=1, deterministic=True, **common)  # start, compile
        stats = dict(pysr_lite.search(X, y, niterations=iterations, deterministic=True, **common).stats)
    finally:
        with contextlib.suppress(Exception):
            pysr_lite.close_engine()
    return {"rows": rows, "evaluations": float(stats["evals"]), "seconds": float(stats["seconds"]),
            "iterations": stats.get("iterations"), "stop": stats.get("reason")}


def measure_pyoperon(row_counts, threads: int, seconds: float, size_limit: int, seed: int) -> list[dict[str, Any]]:
    symbols = ",".join([PYOPERON_SYMBOLS[operator] for operator in OPERATORS] + ["constant", "variable"])
    results = []
    for rows in row_counts:
        X, y = make_data(rows, seed)
        parameters = dict(SRBENCH_OPERON)
        parameters.update(PYOPERON_UNLIMITED)
        parameters.update(optimizer_iterations=0, max_length=size_limit, max_depth=size_limit, allowed_symbols=symbols,
                          n_threads=threads, max_time=max(1, int(round(seconds))), random_state=seed,
                          uncertainty=[0.01 * float(np.std(y))])
        model = counting_pyoperon_regressor()(**parameters)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            model.fit(X, y)
            wall = time.perf_counter() - start
        counted = pyoperon_tree_evaluations(model)
        if counted["optimizer_residuals"] or counted["optimizer_jacobians"]:
            raise RuntimeError(f"pyoperon fitted constants although optimizer_iterations=0: {counted}")
        results.append({"rows": rows, "evaluations": float(counted["fitness"]), "seconds": wall, "wall_seconds": wall,
                        "generations": model.stats_.get("generations")})
    return results


def _child(connection, function: Callable, args: tuple) -> None:
    os.setsid()  # its own process group: pysr_lite's engine goes with it if it hangs
    try:
        connection.send(("ok", function(*args)))
    except BaseException as error:  # reported by the parent
        connection.send(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()[-3000:]}"))
    finally:
        connection.close()


def run_in_child(function: Callable, args: tuple, timeout: float) -> Any:
    """``function(*args)`` in a forked process (a fresh pysr_lite engine, no thread pool left over
    from the other tool); raises RuntimeError with the child's error."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, function, args))
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RuntimeError(f"no answer after {timeout:.0f} s")
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "error", f"the process died (exit code {process.exitcode})"
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, 9)
        process.join(timeout=10)
        receiver.close()
    if status != "ok":
        raise RuntimeError(payload)
    return payload


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------


def rate(result: dict[str, Any], key: str = "seconds") -> float:
    """Evaluations x rows per second."""
    return result["evaluations"] * result["rows"] / result[key] if result[key] > 0 else math.nan


def report_line(figure: str, measured: str, target: str, met: bool | None) -> str:
    verdict = "" if met is None else ("yes" if met else "NO")
    return f"  {figure:<52} {measured:>34}   target {target:<22} {verdict}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="search budget of every measurement (default 20)")
    parser.add_argument("--rows", default=",".join(map(str, ROW_COUNTS)), help="comma-separated row counts")
    parser.add_argument("--threads", default=",".join(map(str, THREAD_COUNTS)), help="comma-separated thread counts")
    parser.add_argument("--size-limit", type=int, default=SIZE_LIMIT, help="pysr_lite maxsize = pyoperon max_length")
    parser.add_argument("--pysr-lite-precision", type=int, default=64, choices=(32, 64))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--same-work-iterations", type=int, default=SAME_WORK_ITERATIONS,
                        help="iterations of the deterministic search that measures thread scaling on the same work "
                             f"(default {SAME_WORK_ITERATIONS}; 0: skip it)")
    parser.add_argument("--json", default=None, help="also write every measurement to this JSON file")
    arguments = parser.parse_args(argv)
    row_counts = [int(text) for text in arguments.rows.split(",")]
    thread_counts = [int(text) for text in arguments.threads.split(",")]
    timeout = len(row_counts) * (arguments.seconds + 60) + RUN_GRACE_SECONDS
    machine = machine_description()
    print(f"throughput: {PROBLEM} data, operators {' '.join(OPERATORS)}, size limit {arguments.size_limit}, "
          f"no constant fitting, {arguments.seconds:g} s per search; pysr_lite Float{arguments.pysr_lite_precision}, "
          f"pyoperon float32; {machine['nproc']} CPUs, load {machine['load']}", flush=True)
    measurements: dict[tuple[str, int, int], dict[str, Any]] = {}
    same_work: dict[int, dict[str, Any]] = {}
    for position, threads in enumerate(thread_counts):
        # Alternate which tool goes first, so neither always meets the same machine state.
        order = ("pyoperon", "pysr_lite") if position % 2 == 0 else ("pysr_lite", "pyoperon")
        for tool in order:
            if tool == "pysr_lite":
                args = (row_counts, threads, arguments.seconds, arguments.size_limit, arguments.pysr_lite_precision,
                        arguments.seed)
                results = run_in_child(measure_pysr_lite, args, timeout)
            else:
                args = (row_counts, threads, arguments.seconds, arguments.size_limit, arguments.seed)
                results = run_in_child(measure_pyoperon, args, timeout)
            for result in results:
                measurements[(tool, result["rows"], threads)] = result
                extra = (f"wall {result['wall_seconds']:.1f} s, {result['iterations']} iterations"
                         if tool == "pysr_lite" else f"{result['generations']} generations")
                print(f"  measured {tool:9s} {result['rows']:>6} rows {threads} thread(s): "
                      f"{result['evaluations']:.4g} evaluations in {result['seconds']:.1f} s = "
                      f"{rate(result):.3g} evaluations x rows / s ({extra})", flush=True)
    if arguments.same_work_iterations > 0 and 1 in thread_counts and 2 in thread_counts:
        # 1 and 2 threads in turn, the fastest of each kept: a run of a few seconds is easily
        # slowed by another job, and taking turns shares a slow spell alike.
        rows = max(row_counts)
        for repeat in range(SAME_WORK_REPEATS):
            for threads in ((1, 2) if repeat % 2 == 0 else (2, 1)):
                args = (rows, threads, arguments.same_work_iterations, arguments.size_limit,
                        arguments.pysr_lite_precision, arguments.seed)
                result = run_in_child(measure_same_work, args, RUN_GRACE_SECONDS)
                print(f"  measured pysr_lite {rows:>6} rows {threads} thread(s): the same work "
                      f"({result['iterations']} deterministic iterations, {result['evaluations']:.4g} evaluations) "
                      f"in {result['seconds']:.2f} s", flush=True)
                if threads not in same_work or result["seconds"] < same_work[threads]["seconds"]:
                    same_work[threads] = result
    lines = ["", f"  {'figure':<52} {'measured: pysr_lite vs pyoperon':>34}   target", ""]
    verdicts = []
    for rows in row_counts:
        for threads in thread_counts:
            mine, theirs = measurements[("pysr_lite", rows, threads)], measurements[("pyoperon", rows, threads)]
            ratio = rate(mine) / rate(theirs)
            verdicts.append(ratio >= 1.0)
            lines.append(report_line(f"evals x rows / s, {rows:,} rows, {threads} thread(s)",
                                     f"{rate(mine):.3g} vs {rate(theirs):.3g} ({ratio:.2f}x)",
                                     "pysr_lite >= pyoperon", ratio >= 1.0))
            lines.append(report_line("    (pysr_lite by the wall time of its search() call)",
                                     f"{rate(mine, 'wall_seconds'):.3g} ({rate(mine, 'wall_seconds') / rate(theirs):.2f}x)",
                                     "", None))
    if 1 in thread_counts and 2 in thread_counts:
        for rows in row_counts:
            for tool in ("pysr_lite", "pyoperon"):
                ratio = rate(measurements[(tool, rows, 2)]) / rate(measurements[(tool, rows, 1)])
                lines.append(report_line(f"{tool} 2 threads / 1 thread, {rows:,} rows, timed", f"{ratio:.2f}x",
                                         "(for reference)", None))
        if 1 in same_work and 2 in same_work:
            ratio = same_work[1]["seconds"] / same_work[2]["seconds"]
            verdicts.append(ratio >= THREAD_RATIO_TARGET)
            lines.append(report_line(f"pysr_lite 2 threads / 1 thread, {max(row_counts):,} rows, same work",
                                     f"{ratio:.2f}x", f">= {THREAD_RATIO_TARGET}x", ratio >= THREAD_RATIO_TARGET))
    print("\n".join(lines))
    print(f"\nthroughput: {sum(verdicts)} of {len(verdicts)} targets met; load average at the end "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())} ({machine['nproc']} CPUs: above that, other jobs shared "
          "the machine and the figures are noisy)")
    if arguments.json:
        document = {"command": " ".join(["python benchmarks/throughput.py"] + (sys.argv[1:] if argv is None else list(argv))),
                    "machine": machine, "versions": tool_versions(), "python": platform.python_version(),
                    "measurements": [{"tool": tool, "threads": threads, **result, "rate": rate(result)}
                                     for (tool, _rows, threads), result in measurements.items()],
                    "same_work": [{"threads": threads, **result} for threads, result in same_work.items()]}
        Path(arguments.json).write_text(json.dumps(document, indent=1), encoding="utf-8")
        print(f"throughput: measurements written to {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
