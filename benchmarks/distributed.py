"""Threads against worker processes: the search's evaluations per second on one machine.

    bash scripts/dev.sh test -k nothing                  # once: the virtualenv and a compiled engine
    .venv/bin/python benchmarks/distributed.py           # about 3 min with the default 30 s per layout
    .venv/bin/python benchmarks/distributed.py --seconds 3 --smoke   # checks that it runs (figures meaningless)

The same search (a physics law, 1,000 rows, 32 populations, no time limit but the budget) runs
in three layouts of 2 to 4 cores, one after another in this one run:

- 1 process x 2 threads   (parallelism="multithreading", threads=2)
- 2 processes x 1 thread  (parallelism="multiprocessing", procs=2, threads=1)
- 2 processes x 2 threads (parallelism="multiprocessing", procs=2, threads=2)

Each layout first runs an untimed short search, so that the engine, its worker processes and the
search code on every one of them are started and compiled (the persistent engine keeps its workers
for the timed search). The figure is the engine's ``stats["evals"] / stats["seconds"]`` of the
timed search (every loss evaluation in full-data units, over the engine's search clock).

Target: 2 processes x 1 thread within 15 % of 1 process x 2 threads (what processes cost over
threads: the populations' trip to the workers and back every iteration). Run it on a quiet
machine with at least 4 cores for the third layout to mean anything.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile

import numpy as np

import pysr_lite

LAYOUTS = (
    ("1 process x 2 threads", dict(parallelism="multithreading", threads=2)),
    ("2 processes x 1 thread", dict(parallelism="multiprocessing", procs=2, threads=1)),
    ("2 processes x 2 threads", dict(parallelism="multiprocessing", procs=2, threads=2)),
)
TOLERANCE = 0.15


def law(rows: int, seed: int = 0):
    """Coulomb's law (I.12.2 of the AI Feynman set) on its published ranges."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 5, size=(rows, 4))
    return X, X[:, 0] * X[:, 1] / (4 * np.pi * X[:, 2] * X[:, 3] ** 2)


def evaluations_per_second(X, y, layout: dict, seconds: float, populations: int, output_directory: str) -> dict:
    common = dict(binary_operators=["+", "-", "*", "/"], unary_operators=["exp", "sqrt"], populations=populations,
                  niterations=10**9, verbosity=0, output_directory=output_directory, **layout)
    pysr_lite.search(X, y, **dict(common, niterations=2))                   # start and compile everything
    result = pysr_lite.search(X, y, **dict(common, timeout_in_seconds=seconds))
    return dict(result.stats, rate=result.stats["evals"] / result.stats["seconds"])


def main(arguments=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="budget of each timed search (default 30)")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--populations", type=int, default=32)
    parser.add_argument("--smoke", action="store_true", help="a quick check that every layout runs; no verdict")
    options = parser.parse_args(arguments)
    X, y = law(options.rows)
    print(f"pysr_lite {pysr_lite.__version__} on {platform.node()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; {options.rows} rows, "
          f"{options.populations} populations, {options.seconds:g} s per layout", flush=True)
    rates = {}
    with tempfile.TemporaryDirectory(prefix="pysr_lite_distributed_") as output_directory:
        for name, layout in LAYOUTS:
            stats = evaluations_per_second(X, y, layout, options.seconds, options.populations, output_directory)
            rates[name] = stats["rate"]
            print(f"{name:<26} {stats['rate']:>12.4g} evals/s  ({stats['iterations']} iterations, "
                  f"{stats['seconds']:.1f} s)", flush=True)
    pysr_lite.close_engine()
    threads, processes = rates[LAYOUTS[0][0]], rates[LAYOUTS[1][0]]
    ratio = processes / threads
    verdict = "met" if ratio >= 1 - TOLERANCE else "NOT met"
    print(f"2 processes x 1 thread / 1 process x 2 threads = {ratio:.3f} (target >= {1 - TOLERANCE:.2f}: "
          f"{'smoke run, no verdict' if options.smoke else verdict})")
    return 0 if options.smoke or ratio >= 1 - TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
