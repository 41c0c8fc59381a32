"""The CPU target engines are started with: Julia's own, except where Julia does not know the CPU
and would compile generic x86-64 code (pysr_lite/cpu_target.py)."""

import doctest

import numpy as np

import pysr_lite.cpu_target as cpu_target
from pysr_lite import search
from pysr_lite.cpu_target import FALLBACK_FLAGS, choose_cpu_target, cpu_flags, engine_cpu_target, julia_cpu_name
from pysr_lite.engine import engine_command, locate_engine, serve_command

ZEN5_FLAGS = FALLBACK_FLAGS | {"avx512f", "avx512bw", "sse4a"}


def test_a_cpu_julia_does_not_know_gets_the_haswell_target_when_it_has_its_instructions():
    assert choose_cpu_target("generic", ZEN5_FLAGS) == "haswell"
    assert choose_cpu_target("generic", ZEN5_FLAGS - {"avx2"}) is None    # an older CPU: generic is right
    assert choose_cpu_target("znver2", ZEN5_FLAGS) is None                 # Julia knows it: its own choice
    assert choose_cpu_target("skylake-avx512", ZEN5_FLAGS) is None


def test_the_user_can_name_a_target_or_keep_julias_own():
    assert choose_cpu_target("generic", ZEN5_FLAGS, override="znver2") == "znver2"
    assert choose_cpu_target("generic", ZEN5_FLAGS, override="default") is None


def test_the_examples_in_the_module_hold():
    assert doctest.testmod(cpu_target).failed == 0


def test_cpu_flags_are_read_from_the_first_processor(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu avx2 fma\n\n"
                       "processor\t: 1\nflags\t\t: fpu\n")
    assert cpu_flags(cpuinfo) == {"fpu", "avx2", "fma"}
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_engine_commands_name_the_target_only_when_there_is_one():
    given = dict(julia_executable="julia", engine_directory="/opt/engine")
    assert "--cpu-target=haswell" in engine_command("/tmp/run", 2, **given, cpu_target="haswell")
    assert "--cpu-target=haswell" in serve_command(2, **given, cpu_target="haswell")
    assert not any(part.startswith("--cpu-target") for part in engine_command("/tmp/run", 2, **given))


def test_this_machine_gets_the_target_its_julia_and_flags_call_for(engine, monkeypatch):
    monkeypatch.delenv("PYSR_LITE_CPU_TARGET", raising=False)
    expected = choose_cpu_target(julia_cpu_name(engine.julia.executable) or "", cpu_flags())
    assert locate_engine().cpu_target == engine_cpu_target(engine.julia.executable) == expected
    monkeypatch.setenv("PYSR_LITE_CPU_TARGET", "default")
    assert locate_engine().cpu_target is None


def test_a_search_runs_on_the_target_the_user_names(engine, monkeypatch, tmp_path):
    if not FALLBACK_FLAGS <= cpu_flags():
        return  # this CPU cannot run haswell code; choose_cpu_target never picks it here
    monkeypatch.setenv("PYSR_LITE_CPU_TARGET", "haswell")
    assert locate_engine().cpu_target == "haswell"
    X = np.random.default_rng(0).uniform(1, 3, size=(100, 2))
    result = search(X, X[:, 0] * X[:, 1] + 2, binary_operators=["+", "*"], niterations=5, populations=4,
                    population_size=20, maxsize=9, random_state=0, deterministic=True, verbosity=0, threads=1,
                    persistent_engine=False, output_directory=tmp_path)
    assert result.equations["loss"].min() < 1e-20
