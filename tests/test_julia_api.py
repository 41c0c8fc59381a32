"""Julia users: ``PySRLite.equation_search`` called from a plain Julia script
(tests/julia_scripts/search_from_julia.jl, the example of docs/julia.md) finds the same front as
Python's ``search()`` on the same data with the same options, seed and ``deterministic=True``."""

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import sympy

from pysr_lite import search

SCRIPT = Path(__file__).parent / "julia_scripts" / "search_from_julia.jl"
# The options the script gives equation_search, in Python's spelling.
SEARCH_OPTIONS = dict(binary_operators=["+", "-", "*"], unary_operators=["cos"], populations=8, population_size=30,
                      niterations=12, maxsize=15, random_state=0, deterministic=True, verbosity=0)


def run_julia_script(engine, data_file, threads):
    """The script's front: (complexity, loss, equation) per line, as it prints them."""
    completed = subprocess.run(
        [engine.julia.executable, f"--project={engine.directory}", "--startup-file=no", "-t", str(threads),
         *([f"--cpu-target={engine.cpu_target}"] if engine.cpu_target else []),   # as Python's engine runs
         str(SCRIPT), str(data_file)],
        capture_output=True, text=True, timeout=900)
    assert completed.returncode == 0, completed.stderr
    rows = [line.split("\t") for line in completed.stdout.splitlines()]
    return [(int(complexity), float(loss), equation) for complexity, loss, equation in rows]


def test_a_julia_script_finds_the_front_python_finds(engine, tmp_path):
    X = np.random.default_rng(5).uniform(-3, 3, size=(100, 2))
    table = pd.DataFrame({"speed": X[:, 0], "angle": X[:, 1], "y": X[:, 0] ** 2 + 2.5 * np.cos(X[:, 1])})
    data_file = tmp_path / "data.csv"
    table.to_csv(data_file, index=False, float_format="%.17g")   # every digit: Julia reads the same numbers

    julia_front = run_julia_script(engine, data_file, threads=1)
    result = search(table[["speed", "angle"]], table["y"], threads=2, output_directory=tmp_path / "runs", **SEARCH_OPTIONS)
    python_front = [(int(row.complexity), float(row.loss), row.equation) for row in result.equations.itertuples()]

    assert julia_front == python_front      # same equations, bit-identical losses, on 1 and 2 threads
    # The law itself; the order of its terms depends on the CPU (its vector width changes the rounding).
    speed, angle = sympy.symbols("speed angle")
    assert sympy.expand(sympy.sympify(julia_front[-1][2]) - (speed**2 + 2.5 * sympy.cos(angle))) == 0
    assert julia_front[-1][1] < 1e-20
    assert len(julia_front) >= 3            # a real front, not a single equation
