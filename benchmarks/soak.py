"""Soak test (not in CI): many back-to-back searches, watching memory, open files and processes.

    JULIA_DEPOT_PATH=... python benchmarks/soak.py [--persistent 500] [--fresh 50]

Part 1 runs ``--persistent`` small searches one after another in the persistent engine; part 2
runs ``--fresh`` searches each with its own engine process (``persistent_engine=False``). Each
part reports, at its start and end (and every tenth of the way for part 1): the engine's
resident memory (VmRSS), the frontend's resident memory, open files (entries of
``/proc/<pid>/fd``) of both, the frontend's threads and its child processes. A leak shows as a
figure that keeps growing; the engine's pid must not change in part 1 (no silent restarts), and
no engine may outlive its search in part 2. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pysr_lite  # noqa: E402
from pysr_lite import persistent_engine  # noqa: E402

SEARCH = dict(binary_operators=["+", "-", "*"], unary_operators=["cos"], niterations=10, populations=4,
              population_size=20, ncycles_per_iteration=50, maxsize=12, threads=2, verbosity=0)


def resident_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def children() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                pids.append(int(entry.name))
    return pids


def snapshot(label: str, engine_pid: int | None) -> dict:
    figures = {
        "when": label,
        "engine pid": engine_pid if engine_pid is not None else "-",
        "engine RSS MB": f"{resident_megabytes(engine_pid):.0f}" if engine_pid else "-",
        "engine open files": open_files(engine_pid) if engine_pid else "-",
        "frontend RSS MB": f"{resident_megabytes(os.getpid()):.0f}",
        "frontend open files": open_files(os.getpid()),
        "frontend threads": threading.active_count(),
        "child processes": len(children()),
    }
    print("  ".join(f"{key}={value}" for key, value in figures.items()), flush=True)
    return figures


def data(seed: int):
    X = np.random.default_rng(seed).uniform(-3, 3, size=(100, 2))
    return X, X[:, 0] ** 2 + np.cos(X[:, 1])


def soak(count: int, persistent: bool, output_directory: Path, every: int) -> list[float]:
    durations = []
    cached = lambda: persistent_engine._cached.process.pid if persistent_engine._cached else None  # noqa: E731
    for index in range(count):
        X, y = data(index)
        started = time.monotonic()
        result = pysr_lite.search(X, y, random_state=index, persistent_engine=persistent,
                                  output_directory=output_directory, **SEARCH)
        durations.append(time.monotonic() - started)
        assert len(result) >= 1
        shutil.rmtree(result.run_directory)  # keep the disk flat; the folder's files are not the subject
        if persistent and (index + 1) % every == 0:
            snapshot(f"after {index + 1}", cached())
    return durations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persistent", type=int, default=500)
    parser.add_argument("--fresh", type=int, default=50)
    arguments = parser.parse_args()
    output_directory = Path(tempfile.mkdtemp(prefix="pysr_lite_soak_"))

    print(f"## {arguments.persistent} searches in one persistent engine")
    pysr_lite.close_engine()
    X, y = data(10**6)
    pysr_lite.search(X, y, random_state=0, output_directory=output_directory, **SEARCH)  # start and compile
    first_pid = persistent_engine._cached.process.pid
    start = snapshot("start (engine warm)", first_pid)
    durations = soak(arguments.persistent, True, output_directory, max(1, arguments.persistent // 10))
    end = snapshot("end", persistent_engine._cached.process.pid)
    print(f"same engine process throughout: {end['engine pid'] == first_pid}; seconds per search: median "
          f"{statistics.median(durations):.3f}, max {max(durations):.3f}")
    print(f"engine RSS {start['engine RSS MB']} -> {end['engine RSS MB']} MB, engine open files "
          f"{start['engine open files']} -> {end['engine open files']}, frontend RSS {start['frontend RSS MB']} -> "
          f"{end['frontend RSS MB']} MB, frontend open files {start['frontend open files']} -> {end['frontend open files']}")
    pysr_lite.close_engine()

    print(f"\n## {arguments.fresh} searches, each with a fresh engine process")
    start = snapshot("start", None)
    durations = soak(arguments.fresh, False, output_directory, arguments.fresh)
    end = snapshot("end", None)
    print(f"seconds per search: median {statistics.median(durations):.2f}, max {max(durations):.2f}")
    print(f"frontend RSS {start['frontend RSS MB']} -> {end['frontend RSS MB']} MB, open files "
          f"{start['frontend open files']} -> {end['frontend open files']}, threads {start['frontend threads']} -> "
          f"{end['frontend threads']}, child processes left {end['child processes']}")
    shutil.rmtree(output_directory, ignore_errors=True)


if __name__ == "__main__":
    main()
