"""Noisy data with outliers: a robust loss recovers the law that the squared error misses.

A pendulum's period is T = 2 pi sqrt(L / g) = 2.006 sqrt(L) for L in metres and T in seconds.
The measurements below carry 1 % noise, and one in eight was spoiled by a slow stopwatch start
that added up to a second. The mean squared error (the default loss) lets those outliers pull
the equation up; the mean absolute error (`elementwise_loss="L1DistLoss()"`) all but ignores
them.

    python examples/robust_loss.py            # the full searches
    python examples/robust_loss.py --quick    # a small budget (what the tests run)

PYSR_LITE_EXAMPLES_QUICK=1 has the same effect as --quick.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

import pysr_lite

GRAVITY = 9.81  # m/s^2
TRUE_COEFFICIENT = 2 * np.pi / np.sqrt(GRAVITY)  # T = 2.006 sqrt(L)


def measurements(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """Pendulum lengths (m) and measured periods (s): 1 % noise, one in eight an outlier."""
    rng = np.random.default_rng(seed)
    length = rng.uniform(0.2, 2.0, rows)
    period = TRUE_COEFFICIENT * np.sqrt(length) * (1 + 0.01 * rng.standard_normal(rows))
    spoiled = rng.random(rows) < 1 / 8
    period[spoiled] += rng.uniform(0.3, 1.0, spoiled.sum())
    return pd.DataFrame({"L": length, "T": period})


def discover(loss: str | None, quick: bool = False, output_directory: str | None = None) -> pysr_lite.SearchResult:
    """Search for T = f(L) under ``loss`` (None: the mean squared error)."""
    data = measurements()
    return pysr_lite.search(
        data[["L"]], data["T"],
        binary_operators=["+", "-", "*", "/"],
        unary_operators=["sqrt"],
        elementwise_loss=loss,
        niterations=15 if quick else 40,
        populations=12 if quick else 31,
        maxsize=12,
        random_state=0, deterministic=True,
        verbosity=0,
        output_directory=output_directory,
    )


def largest_relative_error(equation: pysr_lite.Equation) -> float:
    """How far ``equation`` strays from the true law over the measured lengths, relative to it."""
    length = np.linspace(0.2, 2.0, 1000)
    truth = TRUE_COEFFICIENT * np.sqrt(length)
    return float(np.max(np.abs(equation.predict(pd.DataFrame({"L": length})) - truth) / truth))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small budget, for a quick check")
    quick = parser.parse_args(argv).quick or os.environ.get("PYSR_LITE_EXAMPLES_QUICK") == "1"
    print(f"truth: T = {TRUE_COEFFICIENT:.4f} sqrt(L)\n")
    for label, loss in (("mean squared error", None), ("mean absolute error", "L1DistLoss()")):
        best = discover(loss, quick).best()
        print(f"{label:>20}: T = {best.sympy()}   (up to {largest_relative_error(best):.1%} off the truth)")


if __name__ == "__main__":
    main()
