"""A piecewise law: the tension of ropes, found with a comparison operator.

A rope pulls only when it is stretched: its tension is k (L - L0) for a length L above its rest
length L0, and zero when it hangs slack. Here each measurement is of a different rope (its own
L0), all with the same stiffness k. No smooth formula has that kink; a comparison operator such
as `greater` (PySR's `>`: 1 where its first argument is larger, else 0) lets the search write
the law exactly.

    python examples/piecewise.py            # the full search
    python examples/piecewise.py --quick    # a small budget (what the tests run)

PYSR_LITE_EXAMPLES_QUICK=1 has the same effect as --quick.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

import pysr_lite

STIFFNESS = 40.0  # N/m


def rope_tension(length: np.ndarray, rest_length: np.ndarray) -> np.ndarray:
    """The law to find: k (L - L0) when stretched, 0 when slack."""
    return np.where(length > rest_length, STIFFNESS * (length - rest_length), 0.0)


def measurements(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """Ropes of rest lengths 0.3 to 1 m pulled to lengths 0 to 1.5 m, and their tensions."""
    rng = np.random.default_rng(seed)
    length, rest_length = rng.uniform(0.0, 1.5, rows), rng.uniform(0.3, 1.0, rows)
    return pd.DataFrame({"L": length, "L0": rest_length, "tension": rope_tension(length, rest_length)})


def discover(quick: bool = False, output_directory: str | None = None) -> pysr_lite.SearchResult:
    """Search for tension = f(L, L0) with arithmetic and the comparison `>`."""
    data = measurements()
    return pysr_lite.search(
        data[["L", "L0"]], data["tension"],
        binary_operators=["+", "-", "*", ">"],
        niterations=30 if quick else 100,
        populations=16 if quick else 31,
        maxsize=15,
        random_state=0, deterministic=True,
        verbosity=0 if quick else 1,
        output_directory=output_directory,
    )


def largest_error(equation: pysr_lite.Equation) -> float:
    """The largest difference from the true law over a grid of lengths and rest lengths, in newtons."""
    length, rest_length = (grid.ravel() for grid in np.meshgrid(np.linspace(0.0, 1.5, 301), np.linspace(0.3, 1.0, 71)))
    predicted = equation.predict(pd.DataFrame({"L": length, "L0": rest_length}))
    return float(np.max(np.abs(predicted - rope_tension(length, rest_length))))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small budget, for a quick check")
    quick = parser.parse_args(argv).quick or os.environ.get("PYSR_LITE_EXAMPLES_QUICK") == "1"
    result = discover(quick)
    print(result)
    best = result.best()
    print(f"\nbest: tension = {best.sympy()}")
    print(f"largest error on a fine grid: {largest_error(best):.3g} N (tensions reach 60 N)")


if __name__ == "__main__":
    main()
