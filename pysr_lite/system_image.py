"""A compiled engine: a Julia system image with the search already compiled in.

A cold engine spends most of its first seconds compiling the search (about 9 s of a first
search on this project's machine; docs/performance.md, "Cold start"): Julia 1.5 to 1.8 cache
only inferred code in a package's cache file. A system image holds native code, so an engine
started with it searches at once. ``pysr-lite compile-engine`` (and ``scripts/dev.sh``'s set-up)
builds one with Julia's own tools, the way PackageCompiler.jl does, without needing it:

1. trace: a persistent engine runs small searches (``workload_runs``) with
   ``--trace-compile``, which lists the methods it compiled;
2. compile: ``julia --output-o`` loads the engine, compiles those methods and writes the object
   file of a whole system image (``julia/build_system_image.jl``);
3. link: the C compiler makes it a shared library next to the tracing depot's packages.

An image bakes in one version of the engine's sources, and Julia uses a module found in its
image whatever the files now say. So an image is named by a fingerprint of everything it was
built from (the engine's sources, the Julia executable and version, the CPU: the code is native
to it), and ``find_system_image`` returns only the image whose name matches the sources as they
are now. Edit a source and the engine falls back to compiling as before until the next build.

``PYSR_LITE_SYSTEM_IMAGE=off`` makes the engine ignore any image (and the set-up skip building).
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

import numpy as np

SWITCH_VARIABLE = "PYSR_LITE_SYSTEM_IMAGE"
IMAGE_SUFFIX = ".so"
BUILD_SCRIPT = Path("julia", "build_system_image.jl")
# The workload's generic operator set: what a user who does not know the law would offer.
WORKLOAD_OPERATORS = dict(binary_operators=["+", "-", "*", "/"], unary_operators=["exp", "log", "sin", "cos", "sqrt"])


class SystemImageError(RuntimeError):
    """Building a system image failed or cannot be done here; the message says which step and why."""


def images_switched_off() -> bool:
    return os.environ.get(SWITCH_VARIABLE, "").strip().lower() in ("off", "0", "false", "no")


def engine_source_files(engine_directory: Path) -> list[Path]:
    """The files an image is built from: Project.toml and every Julia file of the engine but its tests."""
    files = [engine_directory / "Project.toml"]
    for tree in ("src", "julia"):
        files += sorted(path for path in (engine_directory / tree).rglob("*.jl")
                        if "test" not in path.relative_to(engine_directory / tree).parts[:1])
    return files


def cpu_description() -> str:
    """The CPU the image's native code is for: model and instruction-set flags where Linux says."""
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return f"{platform.machine()} {platform.processor()}"
    wanted = [line for line in lines if line.split(":")[0].strip() in ("model name", "flags")]
    return "\n".join(dict.fromkeys(wanted))  # first processor's lines; the others repeat them


def engine_fingerprint(julia_executable: str, julia_version: tuple[int, ...], engine_directory: Path,
                       cpu_target: str | None = None) -> str:
    """A hex digest of everything a system image depends on (``cpu_target``: the one the engine
    is started with, ``pysr_lite.cpu_target``; None for Julia's own)."""
    digest = hashlib.sha256()
    digest.update(f"{os.path.realpath(julia_executable)}\n{julia_version}\n{cpu_description()}\n".encode())
    if cpu_target is not None:
        digest.update(f"cpu target {cpu_target}\n".encode())
    for path in engine_source_files(engine_directory):
        digest.update(path.relative_to(engine_directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def julia_depot() -> Path:
    """Julia's first depot, by Julia's rule: JULIA_DEPOT_PATH's first entry, else ~/.julia."""
    first = os.environ.get("JULIA_DEPOT_PATH", "").split(os.pathsep)[0]
    return Path(first) if first else Path.home() / ".julia"


def image_directory() -> Path:
    """Where images live: in the depot, beside the engine's cache files, so that a separate depot
    (a benchmark snapshot's, a test's) has separate images."""
    return julia_depot() / "pysr_lite" / "system_images"


def image_path(julia_executable: str, julia_version: tuple[int, ...], engine_directory: Path,
               cpu_target: str | None = None) -> Path:
    fingerprint = engine_fingerprint(julia_executable, julia_version, engine_directory, cpu_target)
    return image_directory() / f"engine-{fingerprint[:24]}{IMAGE_SUFFIX}"


def find_system_image(julia_executable: str, julia_version: tuple[int, ...], engine_directory: Path,
                      cpu_target: str | None = None) -> Path | None:
    """The image built from the engine's sources as they are now, for this CPU target, if there is
    one (and images are on)."""
    if images_switched_off():
        return None
    try:
        path = image_path(julia_executable, julia_version, engine_directory, cpu_target)
    except OSError:
        return None  # an unreadable source: the engine will say what is wrong with it
    return path if path.is_file() else None


# ----------------------------------------------------------------------------------------------
# Building
# ----------------------------------------------------------------------------------------------


def workload_runs(directory: Path) -> list[Path]:
    """Run folders for the trace, written exactly as ``search()`` writes them: the generic
    operator set with default options; then weights, units and mini-batches on top."""
    from .data import prepare_dataset
    from .options import resolve_options, toml_entries
    from .run_folder import create_run_directory, write_run_folder
    from .units import validate_units

    rng = np.random.default_rng(0)
    X = rng.uniform(1.0, 3.0, size=(200, 2))
    y = 2.5 * X[:, 0] * np.cos(X[:, 1]) + np.exp(X[:, 0] / 3)
    variants = [
        dict(options=dict(niterations=3), weights=None, units=None),
        dict(options=dict(niterations=2, batching=True, batch_size=50, dimensional_analysis="soft"),
             weights=np.ones(len(y)), units=(["m", "s"], "m")),
    ]
    runs = []
    for variant in variants:
        resolved = resolve_options(**WORKLOAD_OPERATORS, **variant["options"], random_state=0, verbosity=0,
                                   output_directory=directory)
        operators = resolved["operator_table"]
        dataset = prepare_dataset(X, y, weights=variant["weights"], operators=operators)
        units = None if variant["units"] is None else validate_units(*variant["units"], dataset.n_features)
        run_directory = create_run_directory(directory)
        write_run_folder(run_directory, dataset, toml_entries(resolved), precision=resolved["precision"],
                         operators=operators, user_functions=resolved["user_functions"], units=units)
        runs.append(run_directory)
    return runs


def _run(step: str, command: list[str], **options) -> subprocess.CompletedProcess:
    try:
        completed = subprocess.run(command, capture_output=True, text=True, **options)
    except subprocess.TimeoutExpired as error:
        raise SystemImageError(f"building the system image failed at the {step} step: no end after "
                               f"{error.timeout:.0f} s: {' '.join(command)}") from error
    if completed.returncode != 0:
        tail = "\n".join((completed.stdout + completed.stderr).strip().splitlines()[-20:])
        raise SystemImageError(f"building the system image failed at the {step} step "
                               f"(exit code {completed.returncode}): {' '.join(command)}\n{tail}")
    return completed


def c_compiler() -> str:
    for candidate in (os.environ.get("CC", ""), "cc", "gcc", "clang"):
        if candidate and shutil.which(candidate):
            return candidate
    raise SystemImageError("building a system image needs a C compiler to link it (none of $CC, cc, gcc, "
                           "clang was found); on Debian: `sudo apt-get install gcc`")


def trace_workload(engine, trace_file: Path, work_directory: Path) -> None:
    from .engine import serve_command
    from .persistent_engine import run_command

    runs = workload_runs(work_directory)
    # Never from an existing image (a --force rebuild): what an image holds compiled is not traced.
    command = serve_command(2, julia_executable=engine.julia.executable, engine_directory=engine.directory,
                            cpu_target=engine.cpu_target)
    command.insert(1, f"--trace-compile={trace_file}")
    script = "".join(run_command(str(tag), run) for tag, run in enumerate(runs, 1)) + "quit\n"
    completed = _run("trace", command, input=script, timeout=1800)
    missing = [run for run in runs if not (run / "hall_of_fame.csv").is_file()]
    if missing or "pysr_lite:crash" in completed.stdout:
        raise SystemImageError(f"the trace's searches did not finish: {completed.stdout[-2000:]}")


def build_system_image(engine, *, echo: Callable[[str], None] = print) -> Path:
    """Build the image for ``engine`` (a located ``pysr_lite.engine.Engine``) and return its path.

    Other images in the directory (older sources) are removed: one image per depot, 160 MB each.
    """
    if platform.system() != "Linux":
        raise SystemImageError(f"system images are built on Linux only for now (this is {platform.system()}); "
                               "the engine works without one, compiling at its first search")
    compiler = c_compiler()
    target = image_path(engine.julia.executable, engine.julia.version, engine.directory, engine.cpu_target)
    target.parent.mkdir(parents=True, exist_ok=True)
    julia = engine.julia.executable
    with tempfile.TemporaryDirectory(prefix="build-", dir=target.parent) as work:
        work = Path(work)
        started = time.perf_counter()
        trace_workload(engine, work / "trace.jl", work)
        echo(f"traced the workload's compilation ({time.perf_counter() - started:.0f} s)")
        paths = _run("locate Julia's image", [julia, "--startup-file=no", "-e",
                                              "using Libdl; println(unsafe_string(Base.JLOptions().image_file)); "
                                              "println(first(filter(l -> startswith(basename(l), \"libjulia.\"), Libdl.dllist())))"]).stdout.split("\n")
        base_image, libjulia = paths[0].strip(), paths[1].strip()
        started = time.perf_counter()
        environment = {key: value for key, value in os.environ.items() if key != "JULIA_NUM_THREADS"}
        # The engine's own target (pysr_lite.cpu_target): an image's code runs as compiled.
        _run("compile", [julia, "--startup-file=no", f"--project={engine.directory}",
                         f"--cpu-target={engine.cpu_target or 'native'}",
                         f"--sysimage={base_image}", f"--output-o={work / 'engine.o'}",
                         str(engine.directory / BUILD_SCRIPT), str(work / "trace.jl")], env=environment)
        echo(f"compiled the engine into an object file ({time.perf_counter() - started:.0f} s)")
        library = work / f"engine{IMAGE_SUFFIX}"
        _run("link", [compiler, "-shared", "-o", str(library), "-Wl,--whole-archive", str(work / "engine.o"),
                      "-Wl,--no-whole-archive", libjulia])
        _run("check", [julia, "--startup-file=no", f"--project={engine.directory}", f"--sysimage={library}",
                       *([f"--cpu-target={engine.cpu_target}"] if engine.cpu_target else []),
                       "-e", "using PySRLite"])
        os.replace(library, target)
    for stale in target.parent.glob(f"engine-*{IMAGE_SUFFIX}"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target
