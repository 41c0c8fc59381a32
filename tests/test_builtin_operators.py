"""PySR's comparison, logic, modulo and special-function operators, end to end through the engine:
searches that recover laws built from them, and fronts whose every equation has the same values in
the engine (its loss), in numpy (predict) and in sympy (the exported expression)."""

import math

import numpy as np
import pytest
import sympy

from pysr_lite import search
from pysr_lite.equations import parse_equation
from pysr_lite.options import resolve_options

from conftest import uniform_data


def operators_in(text, variable_names):
    """The canonical names of the operators an equation text uses."""
    found, stack = set(), [parse_equation(text, variable_names)]
    while stack:
        node = stack.pop()
        if hasattr(node, "operator"):
            found.add(node.operator)
            stack.extend(node.arguments)
    return found


def sympy_values(expression, variable_names, X):
    """``expression`` evaluated row by row by sympy itself (exact Piecewise, Mod, floor, ...)."""
    symbols = [sympy.Symbol(name) for name in variable_names]
    return np.array([float(expression.subs(dict(zip(symbols, row))).evalf(30)) for row in X])


def exact_equation(result, loss=0.0):
    """The simplest equation of the front with at most ``loss`` (0: the law itself, exactly)."""
    exact = result.equations.index[result.equations["loss"] <= loss]
    assert len(exact), f"no equation with loss <= {loss}; the front is:\n{result!r}"
    return result.equation(int(exact[0]))


def test_pysr_comparison_symbols_are_aliases_of_the_named_operators():
    options = resolve_options(binary_operators=["+", ">", "<", ">=", "<=", "cond", "mod"])
    assert options["binary_operators"] == ["+", "greater", "less", "greater_equal", "less_equal", "cond", "mod"]


def test_finds_an_indicator_with_less_and_exports_it_exactly(engine, fast_search):
    X = uniform_data(seed=5)
    y = (X[:, 0] + X[:, 1] < X[:, 0] * X[:, 1]).astype(float)
    result = search(X, y, binary_operators=["+", "*", "<"], **fast_search)
    equation = exact_equation(result)
    # less(a, b), or greater(b, a) after a swap of operands: a comparison, written as a call.
    assert operators_in(equation.equation, result.variable_names) & {"less", "greater"}, equation
    np.testing.assert_array_equal(equation.predict(X), y)
    expression = equation.sympy()
    assert expression.has(sympy.Piecewise)
    np.testing.assert_array_equal(sympy_values(expression, result.variable_names, X), y)


def test_recovers_a_piecewise_law_with_cond(engine, fast_search):
    # x0^2 for x0 > 0, -x0 otherwise: cond(x0, x0*x0 + x0) - x0 is one way to write it.
    X = uniform_data(n_rows=200, n_features=1, low=-2.0, high=2.0, seed=6)
    y = np.where(X[:, 0] > 0, X[:, 0] ** 2, -X[:, 0])
    result = search(X, y, binary_operators=["+", "-", "*", "cond"], **fast_search)
    equation = exact_equation(result, loss=1e-20)  # x0*(x0 + 1) - x0 is x0^2 up to rounding
    assert "cond" in operators_in(equation.equation, result.variable_names), equation
    np.testing.assert_allclose(equation.predict(X), y, rtol=0, atol=1e-10)
    np.testing.assert_allclose(sympy_values(equation.sympy(), result.variable_names, X), y, rtol=0, atol=1e-10)
    Z = np.linspace(-5, 5, 101).reshape(-1, 1)                 # the law, not just the data
    np.testing.assert_allclose(equation.predict(Z), np.where(Z[:, 0] > 0, Z[:, 0] ** 2, -Z[:, 0]), atol=1e-10)


@pytest.mark.parametrize("name", ["mod", "floor", "erf"])
def test_mod_floor_and_erf_are_recovered_and_evaluate_alike_everywhere(engine, fast_search, name):
    rng = np.random.default_rng(7)
    X = np.column_stack([rng.uniform(-4, 4, 200), rng.uniform(0.5, 3, 200)])
    binary_operators, unary_operators = {
        "mod": (["+", "*", "mod"], []),
        "floor": (["+", "*"], ["floor"]),
        "erf": (["+", "*"], ["erf"]),
    }[name]
    y = {
        "mod": lambda: np.mod(X[:, 0], X[:, 1]),
        "floor": lambda: np.floor(X[:, 0]) + X[:, 1],
        "erf": lambda: np.array([math.erf(v) for v in X[:, 0]]) * X[:, 1],
    }[name]()
    result = search(X, y, binary_operators=binary_operators, unary_operators=unary_operators, **fast_search)
    best = result.equations["loss"].idxmin()
    equation = result.equation(int(best))
    assert name in operators_in(equation.equation, result.variable_names), result
    # Recovered: the engine's erf differs from math.erf by an ulp at most; mod and floor are exact.
    assert equation.loss < 1e-28, result
    np.testing.assert_allclose(equation.predict(X), y, rtol=1e-15, atol=1e-15)
    # Every equation of the front: the engine's loss is numpy's, and sympy gives the same values.
    for index in range(len(result)):
        other = result.equation(index)
        residual = other.predict(X) - y
        assert np.mean(residual**2) == pytest.approx(other.loss, rel=1e-9, abs=1e-30), other
        np.testing.assert_allclose(sympy_values(other.sympy(), result.variable_names, X[:20]),
                                   other.predict(X[:20]), rtol=1e-12, atol=1e-12)


def test_round_halves_to_even_alike_in_engine_and_numpy(engine, fast_search):
    # x0 is a multiple of 1/2, so half the rows are ties: only halves-to-even on both sides (Julia's
    # round in the engine, numpy.round here) gives round(x0) + x1 a loss of exactly 0.
    rng = np.random.default_rng(8)
    X = np.column_stack([rng.integers(-9, 10, 200) / 2, rng.uniform(-1, 1, 200)])
    y = np.round(X[:, 0]) + X[:, 1]
    assert (y != np.floor(X[:, 0] + 0.5) + X[:, 1]).any()      # ties that half-up would get wrong
    result = search(X, y, binary_operators=["+", "*"], unary_operators=["round"], **fast_search)
    equation = exact_equation(result)
    assert "round" in operators_in(equation.equation, result.variable_names), result
    np.testing.assert_array_equal(equation.predict(X), y)
    np.testing.assert_array_equal(sympy_values(equation.sympy(), result.variable_names, X), y)
