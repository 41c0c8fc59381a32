"""The recovery benchmark's problem set and recovery rule (benchmarks/problems.py, recovery.py).

Fast and engine-free: the data every problem draws, where its extrapolation points lie, and the
rule that decides whether a tool found the exact equation. Only numpy and sympy are needed
(the benchmark imports pyoperon and gplearn inside their runners only).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import problems  # noqa: E402
import recovery  # noqa: E402
from problems import PROBLEMS, PROBLEMS_BY_NAME, extrapolation_pieces, make_dataset  # noqa: E402

NAMES = [problem.name for problem in PROBLEMS]


@pytest.fixture(scope="module")
def datasets():
    return {problem.name: make_dataset(problem, seed=0) for problem in PROBLEMS}


def bounds(problem):
    return (np.array([v.low for v in problem.variables]), np.array([v.high for v in problem.variables]))


def test_the_set_is_large_and_varied():
    assert len(PROBLEMS) >= 20
    families = {problem.family for problem in PROBLEMS}
    assert {"AI Feynman", "Nguyen", "Korns", "Vladislavleva", "Pagie", "Keijzer"} <= families
    assert sum(problem.noise > 0 for problem in PROBLEMS) == 5
    for problem in PROBLEMS:
        assert problem.source and problem.published_sampling
        assert problem.binary_operators, problem.name


@pytest.mark.parametrize("name", NAMES)
def test_training_and_test_points_lie_in_the_published_ranges_with_finite_targets(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    low, high = bounds(problem)
    for X, y in [(data.X_train, data.y_train), (data.X_test, data.y_test)]:
        assert X.shape[1] == len(problem.variables) and len(X) == len(y) > 0
        assert np.all(X >= low) and np.all(X <= high)
        assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    assert len(data.X_train) <= problems.MAX_TRAIN_ROWS
    assert len(data.X_test) == problems.TEST_ROWS


@pytest.mark.parametrize("name", NAMES)
def test_extrapolation_points_lie_outside_the_training_range_in_every_variable(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    low, high = bounds(problem)
    X = data.X_extrapolation
    assert len(X) == problems.TEST_ROWS and np.all(np.isfinite(data.y_extrapolation))
    outside = (X < low) | (X > high)
    assert outside.all(), "every variable of every point is beyond its training range"
    width = high - low
    assert np.all(X >= low - 0.25 * width - 1e-12) and np.all(X <= high + 0.25 * width + 1e-12)
    domain_low = np.array([v.domain[0] for v in problem.variables])
    assert np.all(X > domain_low), "positive quantities stay positive"


def test_extrapolation_respects_domains():
    # sqrt(x) trained on [0, 4]: nothing below 0, so it extrapolates upwards only.
    assert extrapolation_pieces(PROBLEMS_BY_NAME["Nguyen-8"].variables[0]) == [(4.0, 5.0)]
    # log(x + 1) trained on [0, 2]: down to -0.5, still inside x > -1.
    assert extrapolation_pieces(PROBLEMS_BY_NAME["Nguyen-7"].variables[0]) == [(-0.5, 0.0), (2.0, 2.5)]
    # A positive quantity on [1, 5] keeps 5 % of the width (0.2) away from 0.
    mass = PROBLEMS_BY_NAME["I.14.3"].variables[0]
    assert extrapolation_pieces(mass) == [(pytest.approx(0.2), 1.0), (5.0, 6.0)]


def test_data_depend_only_on_the_seed_and_noise_is_one_percent():
    problem = PROBLEMS_BY_NAME["I.12.1"]
    first, again, other = make_dataset(problem, 0), make_dataset(problem, 0), make_dataset(problem, 1)
    np.testing.assert_array_equal(first.X_train, again.X_train)
    np.testing.assert_array_equal(first.y_train, again.y_train)
    assert not np.array_equal(first.X_train, other.X_train)
    noise = first.y_train - first.y_train_noiseless
    assert np.std(noise) == pytest.approx(0.01 * np.std(first.y_train_noiseless), rel=0.1)
    noiseless = make_dataset(PROBLEMS_BY_NAME["I.14.3"], 0)
    np.testing.assert_array_equal(noiseless.y_train, noiseless.y_train_noiseless)


def test_grid_problems_use_the_published_grid():
    data = make_dataset(PROBLEMS_BY_NAME["Pagie-1"], 0)
    assert len(data.X_train) == 26 * 26
    assert sorted(set(np.round(data.X_train[:, 0], 6)))[:3] == [-5.0, -4.6, -4.2]


# ---------------------------------------------------------------------------------------------
# The recovery rule
# ---------------------------------------------------------------------------------------------


def as_tool_output(problem, expression):
    """A model as a tool would return it: constants as floats, variables named x0, x1, ..."""
    columns = {symbol: sympy.Symbol(f"x{index}") for index, symbol in enumerate(problem.symbols)}
    return expression.evalf().xreplace(columns)


def judge(problem, data, tool_expression):
    return recovery.judge(recovery.in_problem_symbols(tool_expression, problem), problem, data)


@pytest.mark.parametrize("name", NAMES)
def test_the_rule_accepts_the_truth_with_slightly_perturbed_constants(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    model = as_tool_output(problem, problem.expression)
    perturbed = model.xreplace({c: sympy.Float(float(c) * (1 + 4e-8)) for c in model.atoms(sympy.Float)})
    verdict = judge(problem, data, sympy.Float(1.0000001) * perturbed)
    assert verdict.recovered, (name, verdict)


@pytest.mark.parametrize("name", NAMES)
def test_the_rule_rejects_wrong_constants_and_wrong_forms(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    model = as_tool_output(problem, problem.expression)
    assert not judge(problem, data, sympy.Float(1.01) * model).recovered
    assert not judge(problem, data, model + sympy.Symbol("x0") ** 2 / 10).recovered


def test_the_rule_on_examples():
    problem, data = PROBLEMS_BY_NAME["I.39.1"], make_dataset(PROBLEMS_BY_NAME["I.39.1"], 0)
    x0, x1 = sympy.symbols("x0 x1")
    assert judge(problem, data, 1.5000001 * x0 * x1).how == "symbolic"
    # The same law written differently, with constants a tool might produce.
    assert judge(problem, data, x0 / (0.6666667 / x1)).recovered
    # A negligible extra term: not equal symbolically, equal numerically.
    assert judge(problem, data, 1.5 * x0 * x1 + 1e-7).how == "numeric"
    assert not judge(problem, data, 1.5 * x0 * x1 + 0.5).recovered
    assert not judge(problem, data, 1.5 * x0 * x1**1.1).recovered
    # 1/sqrt(2 pi) to three significant digits.
    gaussian = PROBLEMS_BY_NAME["I.6.2a"]
    assert judge(gaussian, make_dataset(gaussian, 0), 0.398942 * sympy.exp(-0.5 * x0**2)).recovered
    assert not recovery.judge(None, problem, data).recovered


def test_round_constants_makes_exact_rationals():
    x = sympy.Symbol("x")
    assert recovery.round_constants(2.5000001 * x) == sympy.Rational(5, 2) * x
    assert recovery.round_constants(x**2.0000004) == x**2
    assert recovery.round_constants(0.99951 * x) == x


def test_r2_score():
    y = np.array([1.0, 2.0, 3.0])
    assert recovery.r2_score(y, y) == 1.0
    assert recovery.r2_score(y, np.full(3, 2.0)) == 0.0
    assert recovery.r2_score(y, np.array([1.0, np.nan, 3.0])) == -math.inf


# ---------------------------------------------------------------------------------------------
# Reading other tools' models (without importing the tools)
# ---------------------------------------------------------------------------------------------


def test_pyoperon_model_strings_are_read():
    x0, x1 = sympy.symbols("x0 x1")
    text = "((-0.000007) + (6.96533 * ((((-0.619388) * x1) * (1.033447 * x1)) * ((-0.560721) * x0))))"
    expression = recovery.pyoperon_to_sympy(text, 2)
    assert expression.free_symbols == {x0, x1}
    assert float(expression.subs({x0: 2.0, x1: 3.0})) == pytest.approx(2.5 * 2 * 9, rel=1e-4)
    assert recovery.pyoperon_to_sympy("sqrt(exp(x0))", 1) == sympy.sqrt(sympy.exp(x0))


class FakeGplearnFunction:
    def __init__(self, name, arity):
        self.name, self.arity = name, arity


def test_gplearn_programs_are_read_with_full_precision_constants():
    add, mul, sqrt = FakeGplearnFunction("add", 2), FakeGplearnFunction("mul", 2), FakeGplearnFunction("sqrt", 1)
    program = [add, mul, 0, 0.123456789, sqrt, 1]  # add(mul(X0, 0.123456789), sqrt(X1))
    x0, x1 = sympy.symbols("x0 x1")
    expression = recovery.gplearn_to_sympy(program, 2)
    assert expression == 0.123456789 * x0 + sympy.sqrt(sympy.Abs(x1))


@pytest.mark.parametrize("name", sorted(problems.FEYNMAN_UNITS))
def test_every_feynman_formula_is_consistent_with_its_units(name):
    """The units table (derived from the physics) checked by sympy's own unit system: the truth,
    with every variable a number times its unit, has the units of y."""
    from sympy.physics import units as si

    from pysr_lite.units import parse_unit

    problem = PROBLEMS_BY_NAME[name]
    X_units, y_unit = problems.problem_units(problem)
    assert len(X_units) == len(problem.variables)
    with_units = {symbol: sympy.Rational(3, 2) * parse_unit(unit).to_sympy() for symbol, unit in zip(problem.symbols, X_units)}
    ratio = problem.expression.xreplace(with_units) / parse_unit(y_unit).to_sympy()
    base = [si.meter, si.kilogram, si.second, si.ampere, si.kelvin, si.mole, si.candela]
    assert not si.convert_to(sympy.simplify(ratio), base).atoms(si.Quantity), ratio


def test_every_feynman_problem_has_units_and_no_other_does():
    feynman = {problem.name for problem in PROBLEMS if problem.family == "AI Feynman"}
    assert set(problems.FEYNMAN_UNITS) == feynman
    assert problems.problem_units(PROBLEMS_BY_NAME["Nguyen-1"]) is None
