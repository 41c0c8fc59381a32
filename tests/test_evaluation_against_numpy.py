"""The engine's losses agree with numpy: every equation on a front, evaluated by numpy through our
own parser, has the loss the engine reported (Float64 and Float32, with batching too)."""

import numpy as np
import pytest

from pysr_lite import search

from conftest import uniform_data

MANY_OPERATORS = dict(binary_operators=["+", "-", "*", "/", "^", "max"],
                      unary_operators=["cos", "exp", "sqrt", "log", "abs", "square", "tanh"])


def numpy_losses(result, X, y, weights=None):
    losses = []
    for index in range(len(result)):
        with np.errstate(all="ignore"):
            residual = result.predict(X, index).astype(np.float64) - y
        losses.append(np.average(residual ** 2, weights=weights))
    return np.array(losses)


@pytest.mark.parametrize("precision, tolerance", [(64, 1e-9), (32, 2e-3)])
def test_front_losses_match_numpy(engine, fast_search, precision, tolerance):
    X = uniform_data(n_rows=300, n_features=3, low=0.5, high=3.0, seed=31)
    y = np.sqrt(X[:, 0]) * np.cos(X[:, 1]) + np.log(X[:, 2]) - X[:, 0] ** 1.5
    weights = np.random.default_rng(32).uniform(0.5, 2.0, size=300)
    result = search(X, y, weights=weights, precision=precision, **MANY_OPERATORS, **fast_search)
    engine_losses = result.equations["loss"].to_numpy(dtype=float)
    assert len(result) >= 4  # a front with several shapes, not one lucky equation
    np.testing.assert_allclose(numpy_losses(result, X, y, weights), engine_losses, rtol=tolerance, atol=1e-12)


def test_batching_front_holds_full_data_losses(engine, fast_search):
    X = uniform_data(n_rows=20_000, n_features=2, seed=33)
    y = X[:, 0] * X[:, 1] + 2.0
    result = search(X, y, batching=True, batch_size=64, **fast_search)
    np.testing.assert_allclose(numpy_losses(result, X, y), result.equations["loss"].to_numpy(dtype=float),
                               rtol=1e-9, atol=1e-12)
    assert result.equations["loss"].min() < 1e-12   # and it still finds x0*x1 + 2


# PySR's comparison, logic, modulo and special-function operators: piecewise laws give fronts full
# of them. Float32 runs only the continuous ones: numpy evaluates the float64 data, the engine its
# float32 copy, and a comparison or floor can flip on a row that sits within rounding of its edge.
PIECEWISE_OPERATORS = {
    64: dict(binary_operators=["+", "-", "*", "mod", "atan2", "greater", "less_equal", "cond", "logical_or",
                               "logical_and"],
             unary_operators=["erf", "erfc", "gamma", "round", "floor", "ceil"]),
    32: dict(binary_operators=["+", "-", "*", "atan2"], unary_operators=["erf", "erfc", "gamma"]),
}


@pytest.mark.parametrize("precision, tolerance", [(64, 1e-9), (32, 2e-3)])
def test_fronts_of_the_new_operators_match_numpy(engine, fast_search, precision, tolerance):
    X = uniform_data(n_rows=300, n_features=2, low=-3.0, high=3.0, seed=34)
    y = np.where(X[:, 0] > 0.5, np.floor(X[:, 1]) * X[:, 0], 1.0 - np.abs(X[:, 1])) + np.tanh(X[:, 0])
    result = search(X, y, precision=precision, **PIECEWISE_OPERATORS[precision], **fast_search)
    engine_losses = result.equations["loss"].to_numpy(dtype=float)
    assert len(result) >= 4
    np.testing.assert_allclose(numpy_losses(result, X, y), engine_losses, rtol=tolerance, atol=1e-12)
