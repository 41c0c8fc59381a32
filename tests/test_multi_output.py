"""A y with several columns: one search per column through the same engine, one run folder."""

import numpy as np
import pandas as pd
import pytest

from pysr_lite import SymbolicRegressor, load_each_output, search_each_output
from pysr_lite.multi_output import OUTPUTS_FILE

from conftest import FAST_SEARCH, assert_recovers, uniform_data

X = uniform_data(seed=21)
Y = np.column_stack([X[:, 0] * X[:, 1], X[:, 0] + 2.5])


def test_each_column_of_y_gets_its_front(engine, tmp_path):
    model = SymbolicRegressor(output_directory=tmp_path, **FAST_SEARCH).fit(X, Y)
    assert model.nout_ == 2 and isinstance(model.equations_, list) and len(model.equations_) == 2
    assert_recovers(model.result_[0], "x0*x1")
    assert_recovers(model.result_[1], "x0 + 2.5")
    best = model.get_best()
    assert [equation.loss < 1e-10 for equation in best] == [True, True]
    prediction = model.predict(X)
    assert prediction.shape == (200, 2)
    np.testing.assert_allclose(prediction, Y, atol=1e-6)
    assert model.score(X, Y) > 0.999999
    # index takes one row per output
    last_rows = [len(front) - 1 for front in model.equations_]
    np.testing.assert_array_equal(model.predict(X, index=last_rows)[:, 1], model.result_[1].predict(X, index=last_rows[1]))
    assert [str(expression) for expression in model.sympy(index=[0, 0])] == [str(model.result_[0].sympy(0)), str(model.result_[1].sympy(0))]
    assert len(model.latex()) == 2
    with pytest.raises(ValueError, match="this model has 2 outputs: index must be a list of 2 row numbers"):
        model.predict(X, index=0)
    # one run folder: outputs.toml and a complete run folder per output
    run = model.run_directory_
    assert (run / OUTPUTS_FILE).is_file() and (run / "output1" / "hall_of_fame.csv").is_file()
    assert (run / "output2" / "options.toml").is_file() and (run / "estimator.toml").is_file()
    assert [front["equation"].tolist() for front in (r.equations for r in load_each_output(run))] == [
        front["equation"].tolist() for front in model.equations_]


def test_a_single_column_y_stays_single_output(engine, tmp_path):
    model = SymbolicRegressor(output_directory=tmp_path, **FAST_SEARCH).fit(X, Y[:, [1]])
    assert model.nout_ == 1 and isinstance(model.equations_, pd.DataFrame)
    assert model.predict(X).shape == (200,)
    assert not (model.run_directory_ / OUTPUTS_FILE).exists()


def test_weights_per_output_and_search_each_output(engine, tmp_path):
    weights = np.ones_like(Y)
    weights[:100, 0] = 0.0  # output 0 ignores the first half of the rows
    results = search_each_output(X, Y, weights=weights, run_id="two_targets", output_directory=tmp_path, **FAST_SEARCH)
    assert [result.run_directory.name for result in results] == ["output1", "output2"]
    assert results[0].run_directory.parent == tmp_path / "two_targets"
    assert (results[0].run_directory / "weights.bin").is_file()
    with pytest.raises(ValueError, match=r"weights must have shape \(200,\) or, one column per output, \(200, 2\)"):
        search_each_output(X, Y, weights=np.ones((200, 3)), output_directory=tmp_path, **FAST_SEARCH)
