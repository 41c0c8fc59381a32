"""SymbolicRegressor.from_file: a fitted model from a run folder alone, without starting Julia."""

import numpy as np
import pandas as pd
import pytest

from pysr_lite import SymbolicRegressor, search

from conftest import FAST_SEARCH, uniform_data

# PySR's test_load_model: a PySR hall of fame (its headers, its pow_abs) read with the run's operators.
PYSR_HALL_OF_FAME = """Complexity,Loss,Equation
1,0.19951081,"1.9762075"
3,0.12717344,"(f0 + 1.4724599)"
4,0.104823045,"pow_abs(2.2683423, cos(f3))"
"""


@pytest.fixture
def no_julia(monkeypatch, tmp_path):
    """Any attempt to start Julia fails: from_file must not need it."""
    monkeypatch.setenv("PYSR_LITE_JULIA", str(tmp_path / "no-julia-here"))


@pytest.mark.parametrize("file_name", ["hall_of_fame.csv", "hall_of_fame.csv.bak"])
def test_a_pysr_run_folder_loads_as_pysrs_from_file(tmp_path, no_julia, file_name):
    (tmp_path / file_name).write_text(PYSR_HALL_OF_FAME)
    model = SymbolicRegressor.from_file(
        tmp_path, n_features_in=5, feature_names_in=["f0", "f1", "f2", "f3", "f4"],
        binary_operators=["+", "*", "/", "-", "^"], unary_operators=["cos"], precision=64,
    )
    X = np.random.default_rng(0).uniform(size=(100, 5))
    np.testing.assert_allclose(model.predict(X, 2), 2.2683423 ** np.cos(X[:, 3]))
    assert model.n_features_in_ == 5 and model.precision == 64
    assert list(model.equations_["complexity"]) == [1, 3, 4]


def test_julia_float32_text_subscripts_and_several_outputs_of_a_pysr_folder(tmp_path, no_julia):
    (tmp_path / "hall_of_fame_output1.csv").write_text('Complexity,Loss,Equation\n1,1.0,"x₀"\n3,0.5,"(x₀ * 1.5f0)"\n')
    (tmp_path / "hall_of_fame_output2.csv.bak").write_text('Complexity,Loss,Equation\n1,2.0,"2.0f-1"\n')
    model = SymbolicRegressor.from_file(tmp_path, n_features_in=1, binary_operators=["*"], nout=2)
    np.testing.assert_allclose(model.predict(np.array([[2.0]]), index=[1, 0]), [[3.0, 0.2]])


def test_a_pysr_folder_needs_the_runs_operators_and_feature_count(tmp_path, no_julia):
    (tmp_path / "hall_of_fame.csv").write_text(PYSR_HALL_OF_FAME)
    with pytest.raises(ValueError, match="pass the run's binary_operators and/or unary_operators and n_features_in"):
        SymbolicRegressor.from_file(tmp_path)
    with pytest.raises(ValueError, match="n_features_in is needed"):
        SymbolicRegressor.from_file(tmp_path, binary_operators=["+"])
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        SymbolicRegressor.from_file(tmp_path / "nowhere")


def test_a_fitted_models_folder_rebuilds_it_all(engine, tmp_path, monkeypatch):
    X = uniform_data(n_rows=150, n_features=4, seed=41)
    table = pd.DataFrame(X, columns=["speed (m/s)", "t", "noise", "mass"])
    y = table["speed (m/s)"] * table["mass"]
    with pytest.warns(UserWarning, match="renamed"):
        model = SymbolicRegressor(select_k_features=2, output_directory=tmp_path, **FAST_SEARCH).fit(table, y)
    monkeypatch.setenv("PYSR_LITE_JULIA", str(tmp_path / "no-julia-here"))
    loaded = SymbolicRegressor.from_file(model.run_directory_)
    assert list(loaded.feature_names_in_) == list(table.columns)
    np.testing.assert_array_equal(loaded.selection_mask_, model.selection_mask_)
    np.testing.assert_array_equal(loaded.predict(table), model.predict(table))
    assert loaded.populations == FAST_SEARCH["populations"] and loaded.maxsize == FAST_SEARCH["maxsize"]
    assert repr(loaded) == repr(model)


def test_a_search_run_folder_loads_too(engine, tmp_path):
    X = uniform_data(seed=42)
    result = search(X, X[:, 1] - 2.0, output_directory=tmp_path, **FAST_SEARCH)
    model = SymbolicRegressor.from_file(result.run_directory, model_selection="accuracy")
    assert model.model_selection == "accuracy" and model.n_features_in_ == 2
    np.testing.assert_array_equal(model.predict(X), result.predict(X, index=len(result) - 1))
