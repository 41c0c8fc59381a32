"""Several outputs at once: from polar to Cartesian coordinates.

`SymbolicRegressor` takes a y with several columns and runs one search per column, as PySR
does. Here the two columns are the Cartesian coordinates of points given by their radius r and
angle theta: x = r cos(theta) and y = r sin(theta).

    python examples/multi_output.py            # the full searches
    python examples/multi_output.py --quick    # a small budget (what the tests run)

PYSR_LITE_EXAMPLES_QUICK=1 has the same effect as --quick.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

from pysr_lite import SymbolicRegressor


def points(rows: int = 200, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Polar coordinates (r, theta) and the matching Cartesian (x, y), one row per point."""
    rng = np.random.default_rng(seed)
    polar = pd.DataFrame({"r": rng.uniform(0.5, 3.0, rows), "theta": rng.uniform(-np.pi, np.pi, rows)})
    cartesian = np.column_stack([polar.r * np.cos(polar.theta), polar.r * np.sin(polar.theta)])
    return polar, cartesian


def discover(quick: bool = False, output_directory: str | None = None) -> SymbolicRegressor:
    """Fit both coordinates; the model holds one front per output."""
    polar, cartesian = points()
    model = SymbolicRegressor(
        binary_operators=["+", "-", "*"],
        unary_operators=["cos", "sin"],
        niterations=10 if quick else 40,
        populations=12 if quick else 31,
        maxsize=12,
        random_state=0, deterministic=True,
        verbosity=0 if quick else 1,
        output_directory=output_directory,
    )
    return model.fit(polar, cartesian)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small budget, for a quick check")
    quick = parser.parse_args(argv).quick or os.environ.get("PYSR_LITE_EXAMPLES_QUICK") == "1"
    model = discover(quick)
    print(model)
    x_equation, y_equation = model.sympy()
    print(f"\nx = {x_equation}\ny = {y_equation}")


if __name__ == "__main__":
    main()
