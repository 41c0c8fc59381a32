"""Shared helpers for the Python tests.

End-to-end tests run the real Julia engine. They are never skipped when the engine is missing or
broken: ``engine`` fails loudly instead, so a green run always means the engine really ran.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import sympy

from pysr_lite.data import prepare_dataset
from pysr_lite.engine import Engine, locate_engine
from pysr_lite.options import resolve_options, toml_entries
from pysr_lite.run_folder import write_run_folder

# Small, seeded, deterministic searches: each end-to-end test takes a few seconds.
# Small enough for seconds per search, large enough that recovery does not hang on one lucky
# seed (x0/(x1 + 1) was found with 8 of 8 seeds at this size, 6 of 8 at 8 populations x 15).
FAST_SEARCH = dict(
    populations=16,
    population_size=30,
    niterations=20,
    maxsize=15,
    random_state=0,
    deterministic=True,
    threads=2,
    verbosity=0,
)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real engine; a test that needs it fails (not skips) when it cannot be found."""
    return locate_engine()


@pytest.fixture
def compiling_engine(engine, monkeypatch) -> Engine:
    """The real engine without its system image, as every new engine was before one existed:
    it compiles the search at its start (the searches of the test locate it the same way)."""
    monkeypatch.setenv("PYSR_LITE_SYSTEM_IMAGE", "off")
    return dataclasses.replace(engine, system_image=None)


@pytest.fixture
def fast_search(tmp_path):
    """FAST_SEARCH options, writing run folders under the test's tmp_path."""
    return dict(FAST_SEARCH, output_directory=tmp_path / "outputs")


def uniform_data(n_rows=200, n_features=2, low=-3.0, high=3.0, seed=0):
    """Features uniform on [low, high], seeded."""
    return np.random.default_rng(seed).uniform(low, high, size=(n_rows, n_features))


def round_constants(expression: sympy.Expr, decimals: int = 2) -> sympy.Expr:
    """``expression`` with every float constant rounded to ``decimals`` places, as an exact rational."""
    return expression.xreplace(
        {constant: sympy.Rational(str(round(float(constant), decimals))) for constant in expression.atoms(sympy.Float)}
    )


def is_equivalent(expression: sympy.Expr, expected: sympy.Expr, decimals: int = 2) -> bool:
    """Whether ``expression`` equals ``expected`` once its constants are rounded."""
    difference = round_constants(expression, decimals) - expected
    return sympy.expand(difference) == 0 or sympy.simplify(difference) == 0


def assert_recovers(result, expected, decimals: int = 2):
    """Assert that an equation of the front is ``expected`` (sympy expression or text in the
    result's variables), constants rounded to ``decimals`` places; return that equation."""
    if isinstance(expected, str):
        symbols = {name: sympy.Symbol(name) for name in result.variable_names}
        expected = sympy.parse_expr(expected, local_dict=symbols)
    for index in range(len(result.equations)):
        equation = result.equation(index)
        if is_equivalent(equation.sympy(), expected, decimals):
            return equation
    raise AssertionError(f"{expected} not recovered; the front is:\n{result!r}")


def write_fake_julia(directory: Path, behaviour: str) -> Path:
    """An executable standing in for ``julia``: answers ``--version`` like Julia 1.6 and the CPU's
    name like a Julia that knows the CPU, and on a run folder (last argument) runs the Python
    snippet ``behaviour`` with ``run`` (a Path) defined.

    Lets tests produce crashes, hangs and invalid-input exits on demand, in milliseconds.
    """
    script = directory / "fake_julia"
    script.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            """
            import sys, time, pathlib
            if sys.argv[1:] == ["--version"]:
                print("julia version 1.6.7")
                sys.exit(0)
            if sys.argv[-2:] == ["-e", "print(Sys.CPU_NAME)"]:   # pysr_lite.cpu_target asks
                print("znver2", end="")
                sys.exit(0)
            run = pathlib.Path(sys.argv[-1])
            def say(line):
                print(line, flush=True)
            def write_front(rows=(("1", "2.0", "x0"), ("3", "0.5", "(x0 * 2.0)"))):
                text = "complexity,loss,equation\\n" + "".join(f'{c},{l},"{e}"\\n' for c, l, e in rows)
                (run / "hall_of_fame.csv.tmp").write_text(text)
                (run / "hall_of_fame.csv.tmp").rename(run / "hall_of_fame.csv")
            """
        )
        + textwrap.dedent(behaviour)
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


@pytest.fixture
def fake_julia(tmp_path, monkeypatch):
    """Install a fake ``julia`` (see ``write_fake_julia``) through PYSR_LITE_JULIA."""

    def install(behaviour: str) -> Path:
        script = write_fake_julia(tmp_path, behaviour)
        monkeypatch.setenv("PYSR_LITE_JULIA", str(script))
        return script

    return install


def run_folders(output_directory: Path) -> list[Path]:
    """The run folders created under ``output_directory``."""
    return sorted(path for path in Path(output_directory).iterdir() if path.is_dir()) if Path(output_directory).exists() else []


def pids_running_in(run_directory: Path) -> list[int]:
    """Ids of processes whose command line names ``run_directory`` (the engine of that run)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if os.fsencode(str(run_directory)) in arguments:
            pids.append(int(entry.name))
    return pids


def child_pids() -> list[int]:
    """Ids of this process's living children (an engine is one, whatever its command line)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, parent = fields[0], int(fields[1])
        if parent == os.getpid() and state != "Z":
            children.append(int(entry.name))
    return children


def write_prepared_run_folder(run_directory, X, y, **options):
    """A run folder written as ``search()`` writes it (data, options.toml, user.jl), for tests
    that start the engine themselves or damage a file first; returns the resolved options."""
    resolved = resolve_options(**options)
    dataset = prepare_dataset(X, y, operators=resolved["operator_table"])
    Path(run_directory).mkdir(parents=True, exist_ok=True)
    write_run_folder(run_directory, dataset, toml_entries(resolved), precision=resolved["precision"],
                     operators=resolved["operator_table"], user_functions=resolved["user_functions"])
    return resolved
