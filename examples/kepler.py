"""Kepler's third law from the orbits of the planets.

The square of a planet's orbital period grows as the cube of its orbit's size: in years and
astronomical units, T = a^1.5. Given the measured semi-major axes and periods of the eight planets
and two dwarf planets, the search finds that law, and the exponent it recovers can be read off
the equation.

    python examples/kepler.py            # the full search, about half a minute
    python examples/kepler.py --quick    # a small budget (what the tests run)

PYSR_LITE_EXAMPLES_QUICK=1 has the same effect as --quick.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

import pysr_lite

# Semi-major axis (AU) and sidereal orbital period (years), J2000 orbital elements.
ORBITS = pd.DataFrame(
    [
        ("Mercury", 0.38710, 0.240846),
        ("Venus", 0.72333, 0.615197),
        ("Earth", 1.00000, 1.000017),
        ("Mars", 1.52366, 1.880848),
        ("Ceres", 2.7675, 4.599),
        ("Jupiter", 5.20336, 11.862615),
        ("Saturn", 9.53707, 29.447498),
        ("Uranus", 19.1913, 84.016846),
        ("Neptune", 30.0690, 164.79132),
        ("Pluto", 39.4817, 247.92065),
    ],
    columns=["body", "a", "T"],
)


def discover(quick: bool = False, output_directory: str | None = None) -> pysr_lite.SearchResult:
    """Search for T = f(a) with arithmetic and powers."""
    return pysr_lite.search(
        ORBITS[["a"]], ORBITS["T"],
        binary_operators=["+", "-", "*", "/", "^"],
        unary_operators=["sqrt"],
        # An exponent may be a constant or a variable, never a whole expression: keeps powers readable.
        constraints={"^": (-1, 1)},
        # Ten measured points: small equations only, or the front ends in fits of their rounding.
        maxsize=10,
        niterations=10 if quick else 40,
        populations=12 if quick else 31,
        random_state=0, deterministic=True,
        verbosity=0 if quick else 1,
        output_directory=output_directory,
    )


def power_law_exponent(equation: pysr_lite.Equation) -> float:
    """The slope of log T against log a of ``equation`` over the planets' range: 1.5 for Kepler."""
    a = np.geomspace(ORBITS["a"].min(), ORBITS["a"].max(), 200)
    period = equation.predict(pd.DataFrame({"a": a}))
    slope, _ = np.polyfit(np.log(a), np.log(period), 1)
    return float(slope)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small budget, for a quick check")
    quick = parser.parse_args(argv).quick or os.environ.get("PYSR_LITE_EXAMPLES_QUICK") == "1"
    result = discover(quick)
    print(result)
    best = result.best()
    print(f"\nbest: T = {best.sympy()}")
    print(f"exponent of a: {power_law_exponent(best):.4f} (Kepler: 1.5)")


if __name__ == "__main__":
    main()
