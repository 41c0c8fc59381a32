"""Where a search runs: PySR's ``parallelism`` and ``procs``, and the cluster it may span.

``parallelism="multiprocessing"`` spreads the populations over ``procs`` Julia worker processes,
each with ``threads`` threads, started by the engine with Julia's Distributed: on this machine,
on ``cluster_hosts`` over SSH (Julia's machine specs or ``--machine-file``), or with ``srun``
inside a SLURM allocation (``cluster_manager="slurm"``). This module checks those options
against each other and against the allocation, once, before anything starts (docs/cluster.md).

>>> expand_hostlist("node[01-03,07],gpu5")
['node01', 'node02', 'node03', 'node07', 'gpu5']
>>> machine_count(["node1", "4*node2"])
5
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, MutableMapping, Sequence

PARALLELISM_CHOICES = ("serial", "multithreading", "multiprocessing")
CLUSTER_MANAGERS = ("slurm",)
# PySR's other cluster managers come from ClusterManagers.jl, which is not a Julia standard library.
PYSR_ONLY_CLUSTER_MANAGERS = ("pbs", "lsf", "sge", "qrsh", "scyld", "htc")

# Julia's machine spec: [count*][user@]host[:port] [bind_addr[:port]]
_MACHINE_SPEC = re.compile(r"(?:(\d+)\*)?(?:[\w.-]+@)?[\w.-]+(?::\d+)?(?: [\w.-]+(?::\d+)?)?\Z")


def check_machine_spec(name: str, spec: Any) -> str:
    """One host of ``cluster_hosts``, in Julia's machine-file format, stripped."""
    if not isinstance(spec, str) or not _MACHINE_SPEC.match(spec.strip()):
        raise ValueError(
            f"{name}: {spec!r} is not a host in Julia's machine-file format "
            "([count*][user@]host[:port] [bind_addr[:port]]), e.g. 'node1' or '4*node2'"
        )
    return spec.strip()


def machine_count(specs: Sequence[str]) -> int:
    """The workers ``specs`` start: ``count`` for ``count*host``, else 1 each."""
    return sum(int(spec.split("*", 1)[0]) if "*" in spec else 1 for spec in specs)


def read_machine_file(path: str | os.PathLike) -> list[str]:
    """The hosts of a Julia ``--machine-file`` (one spec a line; blank lines and ``#`` comments skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(
            f"cluster_hosts: cannot read the machine file {os.fspath(path)!r} ({error.strerror or error}); "
            "give a list of hosts such as ['node1', '4*node2'], or the path of an existing machine file"
        ) from None
    specs = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    specs = [check_machine_spec(f"cluster_hosts (line of {os.fspath(path)})", spec) for spec in specs if spec]
    if not specs:
        raise ValueError(f"cluster_hosts: the machine file {os.fspath(path)!r} lists no host")
    return specs


def check_cluster_hosts(name: str, value: Any) -> list[str]:
    """A list of machine specs, or the path of a machine file (read now)."""
    if isinstance(value, (str, os.PathLike)):
        return read_machine_file(value)
    if not isinstance(value, Sequence) or isinstance(value, bytes) or not value:
        raise ValueError(f"{name} must be a list of hosts such as ['node1', '4*node2'] or the path of a "
                         f"Julia machine file, got {value!r}")
    return [check_machine_spec(name, spec) for spec in value]


def parse_cluster_hosts(text: str) -> Any:
    """CLI text: the path of a machine file when one exists there, else comma-separated hosts."""
    text = text.strip()
    try:
        if Path(text).is_file():
            return text
    except (OSError, ValueError):  # a name too long or with a NUL byte is no file: read as hosts (and refused)
        pass
    return [part.strip() for part in text.split(",") if part.strip()]


def check_cluster_manager(name: str, value: Any) -> str:
    if value in CLUSTER_MANAGERS:
        return value
    if value in PYSR_ONLY_CLUSTER_MANAGERS:
        raise ValueError(
            f"{name}={value!r} is not available in pysr_lite, which starts workers with Julia's standard "
            "library only; use 'slurm', or list the nodes your scheduler gave you in cluster_hosts"
        )
    raise ValueError(f"{name} must be 'slurm' or None, got {value!r}")


# ----------------------------------------------------------------------------------------------
# SLURM
# ----------------------------------------------------------------------------------------------


def expand_hostlist(text: str) -> list[str]:
    """SLURM's compressed node list (``SLURM_JOB_NODELIST``) as host names, zero padding kept."""
    hosts: list[str] = []
    for item in re.findall(r"[^,\[]+(?:\[[^\]]*\])?[^,]*", text):
        match = re.fullmatch(r"([^\[]*)\[([^\]]*)\](.*)", item)
        if match is None:
            hosts.append(item)
            continue
        prefix, ranges, suffix = match.groups()
        for part in ranges.split(","):
            first, _, last = part.partition("-")
            for number in range(int(first), int(last or first) + 1):
                hosts.append(f"{prefix}{number:0{len(first)}d}{suffix}")
    return hosts


@dataclass(frozen=True)
class SlurmAllocation:
    """What SLURM's environment says about the allocation this process runs in."""

    job_id: str
    tasks: int
    nodes: list[str]
    cpus_per_task: int | None

    def describe(self) -> str:
        return f"SLURM job {self.job_id}: {self.tasks} tasks on {len(self.nodes)} node(s) {','.join(self.nodes[:8])}" + (
            ",..." if len(self.nodes) > 8 else "")


def _positive_integer(environ: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        text = environ.get(name, "").split("(")[0].strip()  # e.g. SLURM_TASKS_PER_NODE=2(x3)
        if text:
            if not text.isdigit() or int(text) < 1:
                raise ValueError(f"cluster_manager='slurm': {name}={environ[name]!r} is not a positive number of tasks")
            return int(text)
    return None


def slurm_allocation(environ: Mapping[str, str]) -> SlurmAllocation:
    """The allocation of ``environ`` (SLURM_JOB_ID, SLURM_NTASKS, SLURM_JOB_NODELIST, ...), or a
    ValueError saying how to get one."""
    job_id = environ.get("SLURM_JOB_ID") or environ.get("SLURM_JOBID")
    if not job_id:
        raise ValueError(
            "cluster_manager='slurm' starts the workers inside a SLURM allocation, but SLURM_JOB_ID is not set: "
            "run the search from a job script (sbatch) or an interactive allocation (salloc); see docs/cluster.md"
        )
    tasks = _positive_integer(environ, "SLURM_NTASKS", "SLURM_NPROCS")
    if tasks is None:
        raise ValueError(
            f"cluster_manager='slurm': SLURM job {job_id} sets no SLURM_NTASKS; ask for one task per worker "
            "process, e.g. `#SBATCH --ntasks=8`"
        )
    nodes = expand_hostlist(environ.get("SLURM_JOB_NODELIST") or environ.get("SLURM_NODELIST") or "")
    return SlurmAllocation(job_id, tasks, nodes, _positive_integer(environ, "SLURM_CPUS_PER_TASK"))


# ----------------------------------------------------------------------------------------------
# The options together
# ----------------------------------------------------------------------------------------------


def resolve_parallelism(options: MutableMapping[str, Any], given: Mapping[str, Any], warn,
                        environ: Mapping[str, str] | None = None) -> None:
    """Check ``parallelism``, ``procs``, ``threads`` and the cluster options together and fill in
    ``procs`` and ``threads`` (in place), as PySR does: ``procs`` is for multiprocessing only (else
    ignored with a warning), and the cluster options need ``parallelism='multiprocessing'``.

    ``given`` is what the user passed (to tell a default from a choice); ``warn(message)`` warns.
    """
    environ = os.environ if environ is None else environ
    parallelism = options["parallelism"]
    cluster = [name for name in ("cluster_manager", "cluster_hosts") if options[name] is not None]
    if parallelism != "multiprocessing":
        if cluster:
            raise ValueError(f"To use cluster managers, you must set `parallelism='multiprocessing'` (got {cluster[0]} "
                             f"with parallelism={parallelism!r})")
        if options["procs"] is not None:
            warn(f"`procs` is specified but will be ignored since `parallelism={parallelism!r}`")
            options["procs"] = None
        if parallelism == "serial":
            if given.get("threads") not in (None, 1):
                warn("`threads` is ignored since `parallelism='serial'`: the search runs on one thread")
            options["threads"] = 1
        return
    if len(cluster) == 2:
        raise ValueError("give cluster_manager='slurm' or cluster_hosts, not both: SLURM starts the workers "
                         "on the nodes of its allocation itself")
    if options["cluster_manager"] == "slurm":
        _resolve_slurm(options, slurm_allocation(environ))
    elif options["cluster_hosts"] is not None:
        count = machine_count(options["cluster_hosts"])
        if options["procs"] is not None and options["procs"] != count:
            raise ValueError(f"procs={options['procs']}, but cluster_hosts start {count} worker(s) "
                             f"({', '.join(options['cluster_hosts'])}); leave procs out or make them agree")
        options["procs"] = count
    elif options["procs"] is None:
        options["procs"] = os.cpu_count() or 1
    if options["threads"] is None:
        options["threads"] = 1  # one thread per worker process unless asked: procs are the parallelism


def engine_threads(options: Mapping[str, Any]) -> int:
    """Threads of the engine process itself (the head, with worker processes). Between iterations
    the head refines the hall of fame while its workers wait; when they run on this machine, their
    cores are free for it then, so it gets as many threads as they have together."""
    if (options["parallelism"] == "multiprocessing" and options["cluster_manager"] is None
            and options["cluster_hosts"] is None):
        return options["procs"] * options["threads"]
    return options["threads"]


def _resolve_slurm(options: MutableMapping[str, Any], allocation: SlurmAllocation) -> None:
    if options["procs"] is None:
        options["procs"] = allocation.tasks
    elif options["procs"] > allocation.tasks:
        raise ValueError(
            f"procs={options['procs']} exceeds the allocation: {allocation.describe()} (SLURM_NTASKS={allocation.tasks}); "
            "ask for more tasks (#SBATCH --ntasks) or lower procs"
        )
    if options["threads"] is None:
        options["threads"] = allocation.cpus_per_task or 1
    elif allocation.cpus_per_task is not None and options["threads"] > allocation.cpus_per_task:
        raise ValueError(
            f"threads={options['threads']} exceeds the CPUs of each task: {allocation.describe()} "
            f"(SLURM_CPUS_PER_TASK={allocation.cpus_per_task}); ask for more (#SBATCH --cpus-per-task) or lower threads"
        )
