"""The CPU target Julia compiles the engine for, where Julia's own choice is a slow one.

Julia compiles for the CPU it detects. When its LLVM is older than the CPU, it does not know the
CPU's name (``Sys.CPU_NAME`` is "generic": Julia 1.5's LLVM 9 on AMD Zen 3 and later, for
example) and compiles for a generic x86-64, without AVX. The engine's evaluation then runs about
3x slower: on a Zen 5 EPYC, ``benchmarks/evaluation_speed.jl`` measured 5.5e8 node-evaluations
per second (Float32, 10,000 rows) against 1.65e9 with ``--cpu-target=haswell``. There, the engine
is started with ``--cpu-target=haswell``: the target of every x86-64 CPU with AVX2, FMA and BMI2,
which that CPU has for certain (its flags are checked first).

``PYSR_LITE_CPU_TARGET`` overrides the choice: a Julia CPU target (``znver2``, ``haswell``), or
``default`` to leave Julia's own.
"""

from __future__ import annotations

import functools
import os
import platform
import subprocess
from pathlib import Path

CPU_TARGET_VARIABLE = "PYSR_LITE_CPU_TARGET"
FALLBACK_TARGET = "haswell"
# /proc/cpuinfo's names of the instructions LLVM's haswell target may emit on its own
# (lzcnt is "abm", bmi is "bmi1").
FALLBACK_FLAGS = frozenset({"sse4_2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2", "abm", "movbe"})


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The first processor's instruction-set flags, as Linux lists them (empty elsewhere)."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def choose_cpu_target(julia_cpu_name: str, flags: frozenset[str], override: str | None = None) -> str | None:
    """The ``--cpu-target`` to start Julia with, or None for Julia's own choice.

    >>> choose_cpu_target("generic", FALLBACK_FLAGS | {"avx512f"})
    'haswell'
    >>> choose_cpu_target("znver2", FALLBACK_FLAGS) is None   # Julia knows this CPU
    True
    >>> choose_cpu_target("generic", frozenset({"sse4_2", "avx"})) is None   # no AVX2: generic it is
    True
    """
    if override:
        return None if override.strip().lower() == "default" else override.strip()
    if julia_cpu_name == "generic" and FALLBACK_FLAGS <= flags:
        return FALLBACK_TARGET
    return None


def julia_cpu_name(julia_executable: str) -> str | None:
    """``Sys.CPU_NAME`` as this Julia sees the machine, or None if asking failed."""
    try:
        completed = subprocess.run([julia_executable, "--startup-file=no", "-e", "print(Sys.CPU_NAME)"],
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None


@functools.lru_cache(maxsize=None)
def detected_cpu_target(julia_executable: str) -> str | None:
    """The target this Julia should compile for on this machine (no override), asked once."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    flags = cpu_flags()
    if not FALLBACK_FLAGS <= flags:  # nothing better to offer: no need to ask Julia
        return None
    name = julia_cpu_name(julia_executable)
    return None if name is None else choose_cpu_target(name, flags)


def engine_cpu_target(julia_executable: str) -> str | None:
    """The ``--cpu-target`` for engines run by this Julia on this machine, or None (Julia's own):
    ``PYSR_LITE_CPU_TARGET`` when set, else `detected_cpu_target`, which asks Julia once per
    process (about 0.2 s), and only on x86-64 CPUs with AVX2."""
    override = os.environ.get(CPU_TARGET_VARIABLE)
    if override:
        return choose_cpu_target("", frozenset(), override)
    return detected_cpu_target(os.path.realpath(julia_executable))
