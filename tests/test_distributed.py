"""Searches on several Julia processes (parallelism="multiprocessing"), and the options that place them.

The end-to-end tests start 2 local worker processes through the engine (Julia's Distributed
`addprocs`, or `srun` under SLURM, here a stand-in that starts the tasks on this machine). They are
slow on a first run (every worker compiles the search), so they share one set of warm workers in
the persistent engine where they can.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import stat
import threading
import time
from pathlib import Path

import pytest

from pysr_lite import search
from pysr_lite.cluster import engine_threads, expand_hostlist, machine_count
from pysr_lite.options import parse_option_text, resolve_options, toml_entries
from pysr_lite.protocol import parse_protocol_line

from conftest import FAST_SEARCH, assert_recovers, uniform_data

TWO_WORKERS = dict(parallelism="multiprocessing", procs=2, threads=1)
FRONT_COLUMNS = ["complexity", "loss", "equation"]


def law_data():
    X = uniform_data(n_rows=100)
    return X, 2.5 * X[:, 0] * X[:, 1] - 1


@pytest.fixture(scope="module")
def on_two_workers(tmp_path_factory):
    """A deterministic search of 2.5*x0*x1 - 1 on 2 local worker processes (warm for the next tests)."""
    X, y = law_data()
    return search(X, y, **dict(FAST_SEARCH, **TWO_WORKERS, output_directory=tmp_path_factory.mktemp("workers")))


def test_two_local_workers_recover_a_known_law(on_two_workers):
    assert_recovers(on_two_workers, "2.5*x0*x1 - 1")
    assert on_two_workers.stats["workers"] == 2 and on_two_workers.stats["lost_workers"] == 0
    assert on_two_workers.stats["reason"] == "niterations"


def test_serial_threads_and_processes_give_the_same_front(on_two_workers, tmp_path):
    # Populations own their random streams and are merged in order: where they run does not matter.
    X, y = law_data()
    threaded = search(X, y, **dict(FAST_SEARCH, parallelism="multithreading", threads=2, persistent_engine=False,
                                   output_directory=tmp_path))
    assert threaded.equations[FRONT_COLUMNS].equals(on_two_workers.equations[FRONT_COLUMNS])
    assert threaded.stats["evals"] == on_two_workers.stats["evals"]
    # A fresh engine: the cached one (the head of the workers, with their 2 threads) stays warm for the next tests.
    serial = search(X, y, **dict(FAST_SEARCH, parallelism="serial", threads=None, persistent_engine=False,
                                 output_directory=tmp_path))
    assert serial.equations[FRONT_COLUMNS].equals(on_two_workers.equations[FRONT_COLUMNS])


def test_the_deadline_reaches_workers_in_the_middle_of_an_iteration(on_two_workers, tmp_path):
    # An iteration far longer than the budget: only the head's `stop`, passed on to the workers,
    # can end it (a deterministic search looks at the clock only between iterations).
    X, y = law_data()
    started = time.monotonic()
    result = search(X, y, **dict(FAST_SEARCH, **TWO_WORKERS, ncycles_per_iteration=10**8, timeout_in_seconds=10,
                                 output_directory=tmp_path))
    assert result.stats["reason"] == "timeout" and result.stats["iterations"] == 1
    assert time.monotonic() - started < 15 and len(result.equations) >= 1


def engine_lines(run_directory: Path) -> list[tuple[str, dict]]:
    try:
        text = (run_directory / "engine_stdout.log").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [parsed for parsed in map(parse_protocol_line, text.splitlines()) if parsed is not None]


def wait_for(run_directory: Path, condition, seconds: float = 600.0):
    """The first protocol line (kind, fields) of the run for which ``condition`` holds."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        for line in engine_lines(run_directory):
            if condition(*line):
                return line
        time.sleep(0.05)
    raise AssertionError(f"no such engine line in {seconds} s: {engine_lines(run_directory)}")


def test_a_killed_worker_is_dropped_and_the_search_goes_on_until_none_is_left(on_two_workers, tmp_path, capsys):
    X, y = law_data()
    options = dict(FAST_SEARCH, **TWO_WORKERS, niterations=100_000, timeout_in_seconds=600, verbosity=1,
                   output_directory=tmp_path, run_id="killed")
    outcome = {}
    runner = threading.Thread(target=lambda: outcome.setdefault("result", search(X, y, **options)))
    runner.start()
    run_directory = tmp_path / "killed"
    _, workers = wait_for(run_directory, lambda kind, fields: kind == "workers")
    first, second = (int(pid) for pid in str(workers["pids"]).split(","))
    wait_for(run_directory, lambda kind, fields: kind == "progress")
    os.kill(first, signal.SIGKILL)
    wait_for(run_directory, lambda kind, fields: kind == "worker_lost" and fields["remaining"] == 1)
    _, after = wait_for(run_directory, lambda kind, fields: kind == "progress" and fields.get("lost_workers") == 1)
    wait_for(run_directory, lambda kind, fields: kind == "progress" and fields["iteration"] >= after["iteration"] + 2)
    os.kill(second, signal.SIGKILL)  # the last one: the search ends with what it found
    runner.join(timeout=120)
    assert not runner.is_alive()
    result = outcome["result"]
    assert result.stats["reason"] == "workers_lost" and result.stats["lost_workers"] == 2
    assert result.stats["iterations"] >= after["iteration"] + 2
    assert len(result.equations) >= 1 and result.equations["loss"].min() < 1
    printed = capsys.readouterr().out
    assert "populations go on with the 1 remaining worker(s)" in printed
    assert "no worker is left: the search ends with the front found so far" in printed


STUB_SRUN = """#!/usr/bin/env bash
# A stand-in for SLURM's srun: records its command line, then starts the tasks on this machine
# as srun --input=all --label does (every task reads the same standard input; each output line
# comes whole, after its task's number).
printf '%s\\n' "$@" > "$SRUN_RECORD"
tasks=1
while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do
    case "$1" in --ntasks=*) tasks=${1#--ntasks=} ;; esac
    shift
done
read -r cookie
for ((task = 0; task < tasks; task++)); do
    printf '%s\\n' "$cookie" | SLURM_PROCID=$task "$@" 2>&1 | sed -u "s/^/$task: /" &
done
wait
"""


@pytest.fixture
def slurm_allocation(tmp_path, monkeypatch):
    """SLURM's environment for a job of 2 tasks of 1 CPU, and a stub srun first on PATH."""
    bin_directory = tmp_path / "bin"
    bin_directory.mkdir()
    srun = bin_directory / "srun"
    srun.write_text(STUB_SRUN)
    srun.chmod(srun.stat().st_mode | stat.S_IXUSR)
    record = tmp_path / "srun_command_line"
    monkeypatch.setenv("PATH", f"{bin_directory}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("SRUN_RECORD", str(record))
    for name, value in dict(SLURM_JOB_ID="4242", SLURM_NTASKS="2", SLURM_JOB_NODELIST="node[01-02]",
                            SLURM_CPUS_PER_TASK="1").items():
        monkeypatch.setenv(name, value)
    return record


def test_slurm_workers_start_with_one_srun_inside_the_allocation(slurm_allocation, tmp_path):
    X, y = law_data()
    # A fresh engine, so that it sees the stub srun; the data is shipped to the workers once; procs
    # and threads come from the allocation.
    result = search(X, y, **dict(FAST_SEARCH, threads=None, parallelism="multiprocessing", cluster_manager="slurm",
                                 cluster_shared_filesystem=False, persistent_engine=False, output_directory=tmp_path))
    assert_recovers(result, "2.5*x0*x1 - 1")
    assert result.stats["workers"] == 2
    arguments = slurm_allocation.read_text().splitlines()
    julia_at = arguments.index(next(argument for argument in arguments if not argument.startswith("--")))
    assert arguments[:julia_at] == ["--ntasks=2", "--cpus-per-task=1", "--kill-on-bad-exit=0", "--input=all",
                                    "--label", "--job-name=pysr_lite_workers"]
    assert arguments[julia_at + 1].startswith("--project=") and arguments[julia_at + 2:] == [
        "--startup-file=no", "-t", "1", "--worker"]  # the cookie comes on stdin, never on a command line


def test_procs_beyond_the_slurm_allocation_is_refused_before_anything_starts(slurm_allocation, tmp_path):
    X, y = law_data()
    with pytest.raises(ValueError, match=r"procs=3 exceeds the allocation: SLURM job 4242: 2 tasks on 2 node\(s\) "
                                         r"node01,node02 \(SLURM_NTASKS=2\); ask for more tasks"):
        search(X, y, parallelism="multiprocessing", cluster_manager="slurm", procs=3, output_directory=tmp_path / "runs")
    assert not (tmp_path / "runs").exists() and not slurm_allocation.exists()  # no run folder, no srun
    with pytest.raises(ValueError, match=r"threads=4 exceeds the CPUs of each task: .*SLURM_CPUS_PER_TASK=1"):
        resolve_options(parallelism="multiprocessing", cluster_manager="slurm", threads=4)


# --- the options alone (no engine) ------------------------------------------------------------------


def in_slurm_job(monkeypatch, **variables):
    """The environment of a SLURM job with these variables (and no other SLURM_*)."""
    for name in [name for name in os.environ if name.startswith("SLURM_")]:
        monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def test_slurm_fills_in_procs_and_threads_from_the_allocation(monkeypatch):
    in_slurm_job(monkeypatch, SLURM_JOB_ID="7", SLURM_NTASKS="64", SLURM_JOB_NODELIST="cn[001-004]",
                 SLURM_CPUS_PER_TASK="8")
    options = resolve_options(parallelism="multiprocessing", cluster_manager="slurm")
    assert (options["procs"], options["threads"]) == (64, 8)
    assert resolve_options(parallelism="multiprocessing", cluster_manager="slurm", procs=16)["procs"] == 16


@pytest.mark.parametrize("variables, message", [
    ({}, "SLURM_JOB_ID is not set: run the search from a job script"),
    ({"SLURM_JOB_ID": "7"}, "sets no SLURM_NTASKS; ask for one task per worker process, e.g. `#SBATCH --ntasks=8`"),
])
def test_slurm_outside_an_allocation_says_what_is_missing(monkeypatch, variables, message):
    in_slurm_job(monkeypatch, **variables)
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_options(parallelism="multiprocessing", cluster_manager="slurm")


def test_slurm_node_lists_expand_as_slurm_writes_them():
    assert expand_hostlist("cn[001-003],gpu[1,4],login") == ["cn001", "cn002", "cn003", "gpu1", "gpu4", "login"]


def test_cluster_hosts_as_a_list_or_a_machine_file(tmp_path):
    machine_file = tmp_path / "hosts"
    machine_file.write_text("# two nodes\n4*node1\nuser@node2:2222\n\n")
    options = resolve_options(parallelism="multiprocessing", cluster_hosts=machine_file)
    assert options["cluster_hosts"] == ["4*node1", "user@node2:2222"] and options["procs"] == 5
    assert toml_entries(options)["cluster_hosts"] == ["4*node1", "user@node2:2222"]
    assert machine_count(["node1", "node1", "3*node2"]) == 5
    with pytest.raises(ValueError, match=r"procs=2, but cluster_hosts start 5 worker\(s\)"):
        resolve_options(parallelism="multiprocessing", cluster_hosts=machine_file, procs=2)
    with pytest.raises(ValueError, match="cannot read the machine file .*missing.*give a list of hosts"):
        resolve_options(parallelism="multiprocessing", cluster_hosts=str(tmp_path / "missing"))
    assert parse_option_text("cluster_hosts", str(machine_file)) == ["4*node1", "user@node2:2222"]
    assert parse_option_text("cluster_hosts", "node1, 2*node2") == ["node1", "2*node2"]
    with pytest.raises(ValueError, match="is not a host in Julia's machine-file format"):
        parse_option_text("cluster_hosts", "[" * 5000)  # too long for a file name: read as a host, and refused
    with pytest.raises(ValueError, match="'node1:ssh' is not a host in Julia's machine-file format"):
        resolve_options(parallelism="multiprocessing", cluster_hosts=["node1:ssh"])


@pytest.mark.parametrize("given, message", [
    (dict(cluster_manager="slurm"), "To use cluster managers, you must set `parallelism='multiprocessing'`"),
    (dict(cluster_hosts=["node1"], parallelism="serial"), "you must set `parallelism='multiprocessing'`"),
    (dict(parallelism="multiprocessing", cluster_manager="pbs"), "cluster_manager='pbs' is not available in pysr_lite"),
    (dict(parallelism="multiprocessing", cluster_manager="slurm", cluster_hosts=["n1"]), "not both"),
    (dict(parallelism="threads"), "parallelism must be one of 'serial', 'multithreading', 'multiprocessing'"),
    (dict(parallelism="multiprocessing", procs=0), "procs must be a positive integer"),
])
def test_bad_parallelism_options_are_refused_with_a_reason(given, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_options(**given)


def test_procs_without_multiprocessing_is_ignored_with_pysr_warning():
    with pytest.warns(UserWarning, match="`procs` is specified but will be ignored since `parallelism='multithreading'`"):
        options = resolve_options(procs=4)
    assert options["procs"] is None and toml_entries(options)["procs"] == 0


def test_defaults_per_parallelism():
    assert resolve_options(parallelism="serial")["threads"] == 1
    options = resolve_options(parallelism="multiprocessing")
    assert options["procs"] == (os.cpu_count() or 1) and options["threads"] == 1
    assert resolve_options(parallelism="multiprocessing", procs=3, threads=2)["threads"] == 2


def test_the_head_refines_on_the_cores_of_its_local_workers():
    # Between iterations the workers wait for the head's hall-of-fame refinement: on this
    # machine their cores are the head's then. Remote workers' cores are not.
    assert engine_threads(resolve_options(parallelism="multiprocessing", procs=3, threads=2)) == 6
    assert engine_threads(resolve_options(parallelism="multithreading", threads=2)) == 2
    assert engine_threads(resolve_options(parallelism="serial")) == 1
    assert engine_threads(resolve_options(parallelism="multiprocessing", cluster_hosts=["node1", "node2"],
                                          threads=2)) == 2


def ssh_to_this_machine_works() -> bool:
    if shutil.which("ssh") is None:
        return False
    probe = subprocess.run(["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "-o", "StrictHostKeyChecking=accept-new",
                            "localhost", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.skipif(not ssh_to_this_machine_works(),
                    reason="needs passwordless ssh to localhost (an sshd and a key in authorized_keys)")
def test_workers_started_over_ssh_find_the_same_front(on_two_workers, tmp_path):
    # The path of cluster_hosts: Julia starts each worker with `ssh host sh -l -c ...`, in a login
    # shell that inherits nothing from the head (its libraries, its depot): the engine passes them on.
    X, y = law_data()
    over_ssh = search(X, y, **dict(FAST_SEARCH, parallelism="multiprocessing", cluster_hosts=["2*localhost"], threads=1,
                                   output_directory=tmp_path))
    assert over_ssh.stats["workers"] == 2 and over_ssh.stats["lost_workers"] == 0
    assert over_ssh.equations[FRONT_COLUMNS].equals(on_two_workers.equations[FRONT_COLUMNS])
