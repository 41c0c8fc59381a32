"""Names and warnings as scientists expect: table columns that are not identifiers, PySR's
warnings, and output paths checked before any search."""

import warnings

import numpy as np
import pandas as pd
import pytest

from pysr_lite import SymbolicRegressor, search
from pysr_lite.cli import main

from conftest import FAST_SEARCH, run_folders, uniform_data


def test_table_columns_become_variable_names_and_predict_takes_the_table_in_any_order(engine, tmp_path):
    X = uniform_data(seed=31)
    table = pd.DataFrame({"mass (kg)": X[:, 0], "a b": X[:, 1]})
    y = 3.0 * table["mass (kg)"] * table["a b"]
    with pytest.warns(UserWarning, match=r"'mass \(kg\)' -> mass_kg, 'a b' -> a_b"):
        model = SymbolicRegressor(output_directory=tmp_path, **FAST_SEARCH).fit(table, y)
    assert list(model.feature_names_in_) == ["mass (kg)", "a b"]
    assert model.variable_names_ == ["mass_kg", "a_b"]
    assert str(model.sympy()) in ("3.0*a_b*mass_kg", "3.0*mass_kg*a_b")
    expected = model.predict(X)
    np.testing.assert_allclose(expected, y, atol=1e-8)
    np.testing.assert_array_equal(model.predict(table[["a b", "mass (kg)"]]), expected)  # any column order
    np.testing.assert_array_equal(model.predict(table.rename(columns={"mass (kg)": "mass_kg", "a b": "a_b"})), expected)
    with pytest.raises(ValueError, match=r"X is missing the column\(s\) 'a b' of the fit"):
        model.predict(table[["mass (kg)"]].assign(other=1.0))


def test_random_state_without_deterministic_warns_as_pysr(tmp_path, fake_julia):
    fake_julia("sys.exit(3)")  # the warning comes before any engine
    X, y = np.random.randn(100, 2), np.random.randn(100)
    model = SymbolicRegressor(random_state=0, output_directory=tmp_path, persistent_engine=False, verbosity=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(Exception) as context:
            model.fit(X, y)
    assert "`deterministic=True`" in str(context.value)
    assert run_folders(tmp_path) == []


def test_more_than_10000_rows_without_batching_warns_as_pysr(tmp_path, fake_julia):
    fake_julia("sys.exit(3)")
    X, y = np.random.randn(10001, 2), np.random.randn(10001)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(Exception) as context:
            SymbolicRegressor(output_directory=tmp_path, persistent_engine=False).fit(X, y)
    assert "more than 10,000" in str(context.value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(Exception) as context:  # batching silences it; the fake engine then fails
            search(X, y, batching=True, output_directory=tmp_path, persistent_engine=False, verbosity=0)
    assert "more than 10,000" not in str(context.value)


def test_output_directory_is_checked_before_anything_slow(tmp_path):
    not_a_folder = tmp_path / "results.csv"
    not_a_folder.write_text("taken")
    X, y = uniform_data(n_rows=20), np.ones(20)
    for place in (not_a_folder, not_a_folder / "runs"):
        with pytest.raises(ValueError, match="output_directory .* cannot be a folder: .*results.csv' is a file"):
            SymbolicRegressor(output_directory=place, denoise=True).fit(X, y)  # before the (slow) denoising
        with pytest.raises(ValueError, match="cannot be a folder"):
            search(X, y, output_directory=place)


def test_the_clis_output_file_is_checked_before_the_search(tmp_path, capsys):
    data = tmp_path / "data.csv"
    pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 4.0, 6.0]}).to_csv(data, index=False)
    for bad in (tmp_path, tmp_path / "missing" / "front.csv"):
        with pytest.raises(SystemExit) as exit_info:
            main(["search", str(data), "--target", "y", "--output", str(bad), "--output-directory", str(tmp_path / "runs")])
        assert exit_info.value.code == 2
        assert "--output" in capsys.readouterr().err
    assert run_folders(tmp_path / "runs") == []


def test_run_id_names_the_run_folder(engine, tmp_path):
    X = uniform_data(seed=3)
    result = search(X, X[:, 0] + 1.0, run_id="first_try", output_directory=tmp_path, **FAST_SEARCH)
    assert result.run_directory == (tmp_path / "first_try").resolve()
    with pytest.raises(FileExistsError, match="first_try already exists; choose another run_id"):
        search(X, X[:, 0], run_id="first_try", output_directory=tmp_path, **FAST_SEARCH)
    with pytest.raises(ValueError, match="run_id must be a folder name"):
        search(X, X[:, 0], run_id="../elsewhere", output_directory=tmp_path, **FAST_SEARCH)
