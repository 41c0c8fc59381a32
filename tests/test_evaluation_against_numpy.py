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
