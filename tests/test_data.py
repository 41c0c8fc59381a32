"""Input validation at the edge, the binary layout of a run folder, and fresh run folders."""

import re

import numpy as np
import pandas as pd
import pytest

from pysr_lite.data import prepare_dataset, prepare_features, validate_variable_names
from pysr_lite.run_folder import create_run_directory, read_data_files, write_data_files

X = np.arange(12, dtype=float).reshape(4, 3)
Y = np.array([1.0, 2.0, 3.0, 4.0])


def test_arrays_get_default_names():
    dataset = prepare_dataset(X, Y)
    assert dataset.variable_names == ["x0", "x1", "x2"]
    assert dataset.X.dtype == np.float64 and dataset.X.shape == (4, 3)
    assert dataset.weights is None


def test_dataframe_columns_become_variable_names():
    frame = pd.DataFrame(X, columns=["mass", "speed", "t"])
    assert prepare_dataset(frame, pd.Series(Y)).variable_names == ["mass", "speed", "t"]


def test_explicit_variable_names_win_over_columns():
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    assert prepare_dataset(frame, Y, variable_names=["p", "q", "r"]).variable_names == ["p", "q", "r"]


def test_integer_columns_and_single_column_target_are_accepted():
    frame = pd.DataFrame({"n": [1, 2, 3], "flag": [True, False, True]})
    dataset = prepare_dataset(frame, pd.DataFrame({"y": [1, 2, 3]}))
    assert dataset.X.dtype == np.float64
    assert dataset.y.tolist() == [1.0, 2.0, 3.0]
    assert prepare_dataset(X, Y.reshape(-1, 1)).y.shape == (4,)


@pytest.mark.parametrize(
    "X_, y_, weights, message",
    [
        (X, Y[:3], None, "X has 4 rows but y has 3"),
        (np.empty((0, 2)), np.empty(0), None, "X has 0 rows"),
        # A CSV with a header only: columns of text, but the problem is the missing rows (issue 15).
        (pd.DataFrame({"a": [], "b": []}, dtype=object), pd.Series([], dtype=object), None, "X has 0 rows"),
        (np.empty((3, 0)), np.ones(3), None, "X has 0 columns"),
        (X[:, 0], Y, None, "X must be 2-D .* use X.reshape\\(-1, 1\\)"),
        (np.array([["a", "b"]] * 4), Y, None, "X is not numeric"),
        (X, np.ones((4, 2)), None, r"y has 2 columns: search\(\) fits one target"),
        (X, pd.DataFrame({"a": Y, "b": Y}), None, r"y has 2 columns: search\(\) fits one target"),
        (X, np.array(["1", "2", "3", "4"]), None, "y is not numeric"),
        (X, Y, [1.0, 1.0], "weights must be 1-D with one value per row \\(4\\)"),
        (X, Y, [1.0, -1.0, 1.0, 1.0], "weights contains 1 negative value\\(s\\) \\(first at row 1\\)"),
        (X, Y, [0.0, 0.0, 0.0, 0.0], "weights are all 0"),
        (X, Y, [1.0, np.nan, 1.0, 1.0], "weights contains 1 NaN/Inf"),
    ],
)
def test_bad_input_is_explained(X_, y_, weights, message):
    with pytest.raises(ValueError, match=message):
        prepare_dataset(X_, y_, weights=weights)


def test_nan_and_inf_name_the_column_and_count():
    frame = pd.DataFrame({"mass": [1.0, np.nan, np.inf, 2.0], "v": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match=re.escape("X column 'mass' contains 2 NaN/Inf value(s) (first at row 1)")):
        prepare_dataset(frame, Y)
    with pytest.raises(ValueError, match=re.escape("y contains 1 NaN/Inf value(s) (first at row 3)")):
        prepare_dataset(X, [1.0, 2.0, 3.0, np.inf])


def test_missing_values_of_nullable_pandas_columns_are_reported():
    frame = pd.DataFrame({"n": pd.array([1, None, 3, 4], dtype="Int64"), "v": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ValueError, match=re.escape("X column 'n' contains 1 NaN/Inf value(s) (first at row 1)")):
        prepare_dataset(frame, Y)
    with pytest.raises(ValueError, match=re.escape("y contains 1 NaN/Inf value(s) (first at row 0)")):
        prepare_dataset(X, pd.Series([None, 2.0, 3.0, 4.0], dtype="Float64"))


def test_non_numeric_dataframe_column_is_named():
    frame = pd.DataFrame({"mass": [1.0, 2.0], "label": ["a", "b"]})
    with pytest.raises(ValueError, match="X column 'label' is not numeric"):
        prepare_dataset(frame, [1.0, 2.0])


@pytest.mark.parametrize(
    "names, message",
    [
        (["a", "b c"], "'b c' is not an identifier"),
        (["a", "1b"], "'1b' is not an identifier"),
        (["a", "a"], "repeated: a"),
        (["cos", "b"], "'cos' is also an operator name"),
        (["x", "plus"], "'plus' is also an operator name"),
        (["x", "inf"], "'inf' is reserved"),
        (["x", "lambda"], "'lambda' is reserved"),
        (["x"], "variable_names has 1 names but X has 2 features"),
        ("ab", "must be a list of strings"),
    ],
)
def test_bad_variable_names(names, message):
    with pytest.raises(ValueError, match=message):
        validate_variable_names(names, 2)


def test_dataframe_with_unusable_column_names_says_what_to_do():
    frame = pd.DataFrame({"my mass": [1.0, 2.0], "v": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"rename the columns or pass variable_names="):
        prepare_dataset(frame, [1.0, 2.0])
    twice = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], columns=["a", "a"])
    with pytest.raises(ValueError, match="repeated: a"):
        prepare_dataset(twice, [1.0, 2.0])
    numbered = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="variable name 0 is not an identifier"):
        prepare_dataset(numbered, [1.0, 2.0])
    assert prepare_dataset(frame, [1.0, 2.0], variable_names=["m", "v"]).variable_names == ["m", "v"]


@pytest.mark.parametrize("precision, dtype", [(64, "<f8"), (32, "<f4")])
def test_binary_files_are_column_major_little_endian(tmp_path, precision, dtype):
    weights = np.array([0.5, 1.0, 2.0, 0.0])
    dataset = prepare_dataset(X, Y, weights=weights)
    write_data_files(tmp_path, dataset, precision)
    raw = np.fromfile(tmp_path / "X.bin", dtype=dtype)
    # All rows of feature 0 first, then feature 1, ...
    assert raw.tolist() == X.T.reshape(-1).tolist()
    assert (tmp_path / "X.bin").stat().st_size == X.size * precision // 8
    X_back, y_back, weights_back = read_data_files(tmp_path, 4, 3, precision)
    np.testing.assert_array_equal(X_back, X)
    np.testing.assert_array_equal(y_back, Y)
    np.testing.assert_array_equal(weights_back, weights)


def test_no_weights_file_without_weights(tmp_path):
    write_data_files(tmp_path, prepare_dataset(X, Y), 64)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["X.bin", "y.bin"]


def test_values_too_large_for_float32_are_refused(tmp_path):
    dataset = prepare_dataset(np.array([[1e300], [1.0]]), [1.0, 2.0])
    with pytest.raises(ValueError, match="too large for precision=32"):
        write_data_files(tmp_path, dataset, 32)


def test_run_folders_are_fresh_and_unique(tmp_path):
    folders = [create_run_directory(tmp_path / "outputs") for _ in range(50)]
    assert len(set(folders)) == 50
    for folder in folders:
        assert folder.is_dir() and not any(folder.iterdir())
        assert re.fullmatch(r"\d{8}_\d{6}_[0-9a-f]{8}", folder.name)


def test_prediction_features_by_name_or_position():
    frame = pd.DataFrame({"b": [1.0, 2.0], "a": [3.0, 4.0], "extra": ["x", "y"]})
    np.testing.assert_array_equal(prepare_features(frame, ["a", "b"]), [[3.0, 1.0], [4.0, 2.0]])
    with pytest.raises(ValueError, match="missing the column\\(s\\) 'c'"):
        prepare_features(frame, ["a", "c"])
    with pytest.raises(ValueError, match="X has 3 features but the equations were fitted on 2"):
        prepare_features(np.ones((2, 3)), ["a", "b"])
