"""Input validation at the edge: the data and names a user hands in.

Everything the user hands in (X, y, weights, variable names) is checked once here, with messages
that say what is wrong and what to do; the rest of the package works with a ``Dataset``.

>>> import numpy as np
>>> dataset = prepare_dataset(np.array([[1.0, 2.0], [3.0, 4.0]]), [1.0, 2.0])
>>> dataset.variable_names, dataset.n_rows
(['x0', 'x1'], 2)
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .operators import BUILTIN_OPERATORS, OperatorTable

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Names the equation text could read as something else than a variable.
_RESERVED_NAMES = {"inf", "nan", "Inf", "NaN", "Infinity", "infinity"}


@dataclass(frozen=True)
class Dataset:
    """Validated training data: X (n_rows, n_features) float64, y (n_rows,), optional weights."""

    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray | None
    variable_names: list[str]

    @property
    def n_rows(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]


# ----------------------------------------------------------------------------------------------
# Variable names
# ----------------------------------------------------------------------------------------------


def default_variable_names(n_features: int) -> list[str]:
    """``x0, x1, ...`` as PySR names them."""
    return [f"x{index}" for index in range(n_features)]


def validate_variable_names(
    names: Sequence[Any], n_features: int, operators: OperatorTable = BUILTIN_OPERATORS
) -> list[str]:
    """Check that ``names`` are ``n_features`` distinct identifiers that no operator uses.

    >>> validate_variable_names(["cos", "b"], 2)
    Traceback (most recent call last):
    ...
    ValueError: variable name 'cos' is also an operator name; rename that feature (e.g. 'cos_')
    """
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise ValueError(f"variable_names must be a list of strings, got {names!r}")
    names = list(names)
    if len(names) != n_features:
        raise ValueError(
            f"variable_names has {len(names)} names but X has {n_features} features; "
            "give exactly one name per column of X"
        )
    operator_names = operators.names()
    for name in names:
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise ValueError(
                f"variable name {name!r} is not an identifier: use letters, digits and '_', "
                "not starting with a digit (e.g. 'x_1')"
            )
        if name in operator_names:
            raise ValueError(
                f"variable name {name!r} is also an operator name; rename that feature "
                f"(e.g. '{name}_')"
            )
        if name in _RESERVED_NAMES or keyword.iskeyword(name):
            raise ValueError(
                f"variable name {name!r} is reserved; rename that feature (e.g. '{name}_')"
            )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"variable names must be distinct; repeated: {', '.join(duplicates)}")
    return names


# ----------------------------------------------------------------------------------------------
# Arrays
# ----------------------------------------------------------------------------------------------


def _numeric_column(values: Any, label: str) -> np.ndarray:
    """A float64 copy of one column, or a ValueError naming ``label`` if it is not numeric."""
    if isinstance(values, pd.Series) and (
        pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype)
    ):
        # Nullable pandas columns (Int64, Float64, boolean): missing values become NaN, which the
        # finiteness check then reports by column and count.
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    array = _numeric_array(np.asarray(values), label)
    return array.astype(np.float64)


def _numeric_array(array: np.ndarray, label: str) -> np.ndarray:
    """``array`` if its dtype is numeric; an object array of numbers converted to float64 (as
    scikit-learn does); a clear error for complex numbers, text and anything else."""
    if array.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {label} is complex; pass its real and imaginary parts as "
                         "separate real columns")
    if array.dtype.kind == "O":
        # An object array holding numbers is numeric data; numpy's own TypeError names what is not.
        try:
            return array.astype(np.float64)
        except ValueError:
            raise ValueError(f"{label} is not numeric (it holds text); convert it to numbers or drop it") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(
            f"{label} is not numeric (dtype {array.dtype}); convert it to numbers or drop it"
        )
    return array


def _refuse_sparse(value: Any, label: str) -> None:
    # scipy.sparse matrices and arrays: the engine's data files are dense.
    if type(value).__module__.startswith("scipy.sparse"):
        raise TypeError(f"{label} is a scipy sparse matrix: sparse input is not supported; pass a dense array "
                        f"({label}.toarray())")


def _check_finite(values: np.ndarray, label: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{label} contains {int(bad.sum())} NaN/Inf value(s) (first at row {first}); "
            "remove or impute those rows"
        )


def _features(X: Any) -> tuple[np.ndarray, list[str] | None]:
    """X as a float64 (n_rows, n_features) array, plus the DataFrame's column names if any."""
    if isinstance(X, pd.DataFrame):
        columns = [
            _numeric_column(X.iloc[:, index], f"X column {column!r}")
            for index, column in enumerate(X.columns)
        ]
        array = np.column_stack(columns) if columns else np.empty((len(X), 0))
        return array, list(X.columns)
    if isinstance(X, pd.Series):
        raise ValueError("X is a pandas Series; pass a DataFrame (X.to_frame()) or a 2-D array")
    _refuse_sparse(X, "X")
    array = np.asarray(X)
    if array.ndim == 1:
        raise ValueError(
            f"X must be 2-D (n_rows, n_features), got a 1-D array of length {array.shape[0]}. Reshape your "
            "data: use X.reshape(-1, 1) for a single feature, X.reshape(1, -1) for a single row"
        )
    if array.ndim != 2:
        raise ValueError(f"X must be 2-D (n_rows, n_features), got shape {array.shape}")
    array = _numeric_array(array, "X")
    # No copy when X is already float64: the data may be large, and nothing here modifies it.
    return array.astype(np.float64, copy=False), None


def read_features(X: Any) -> tuple[np.ndarray, list | None]:
    """X as a float64 (n_rows, n_features) array and a DataFrame's column labels (None for an
    array); checked for shape and type, not for NaN/Inf (see ``check_finite_columns``)."""
    return _features(X)


def check_finite_columns(values: np.ndarray, labels: Sequence[str]) -> None:
    """A ValueError naming the first column of ``values`` (2-D) holding NaN or Inf."""
    for index, label in enumerate(labels):
        _check_finite(values[:, index], label)


def _target(y: Any) -> np.ndarray:
    targets = prepare_targets(y)
    if targets.shape[1] != 1:
        raise ValueError(
            f"y has {targets.shape[1]} columns: search() fits one target; SymbolicRegressor fits several "
            "(one search per column, as PySR), or call pysr_lite.search_each_output"
        )
    return targets[:, 0]


def prepare_targets(y: Any) -> np.ndarray:
    """y as a float64 array of shape (n_rows, n_outputs): a 1-D y (or one column) is one output.

    Values are not checked for NaN/Inf here (``prepare_dataset`` does, per output).
    """
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    _refuse_sparse(y, "y")
    if isinstance(y, pd.DataFrame):
        return np.column_stack([_numeric_column(y.iloc[:, index], f"y column {column!r}")
                                for index, column in enumerate(y.columns)]) if y.shape[1] else np.empty((len(y), 0))
    if isinstance(y, pd.Series):
        return _numeric_column(y, "y")[:, None]
    array = np.asarray(y)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(f"y must be 1-D (n_rows,) or 2-D (n_rows, n_outputs), got shape {array.shape}")
    if array.shape[1] == 0:
        raise ValueError(f"y has shape {array.shape}: no output to fit")
    return _numeric_array(array, "y").astype(np.float64)


def _column_labels(names: Sequence[str], n_features: int) -> list[str]:
    return [f"X column {name!r}" for name in names] if names else [
        f"X column {index}" for index in range(n_features)
    ]


def prepare_dataset(
    X: Any,
    y: Any,
    weights: Any = None,
    variable_names: Sequence[str] | None = None,
    operators: OperatorTable = BUILTIN_OPERATORS,
) -> Dataset:
    """Validate the training data and return it as a ``Dataset``.

    X is a numpy array or a pandas DataFrame (whose column names become the variable names unless
    ``variable_names`` is given); y is 1-D or a single column; weights are optional,
    non-negative, with a positive sum.
    """
    # Rows first: an empty table's columns have no values whose type is worth reporting (a CSV
    # with a header only reads as columns of text, which is not the user's problem).
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2 and shape[0] == 0:
        raise ValueError("X has 0 rows; at least one row of data is needed")
    features, columns = _features(X)
    n_rows, n_features = features.shape
    # Worded as scikit-learn's check_array words it, so tools that expect its messages get them.
    if n_rows == 0:
        raise ValueError(f"X has 0 rows: 0 sample(s) (shape={features.shape}) while a minimum of 1 is required.")
    if n_features == 0:
        raise ValueError(f"X has 0 columns: 0 feature(s) (shape={features.shape}) while a minimum of 1 is required.")
    if variable_names is None:
        if columns is not None:
            try:
                variable_names = validate_variable_names(columns, n_features, operators)
            except ValueError as error:
                raise ValueError(
                    f"the DataFrame's column names cannot be variable names: {error}; rename the "
                    "columns or pass variable_names=[...]"
                ) from None
        else:
            variable_names = default_variable_names(n_features)
    variable_names = validate_variable_names(variable_names, n_features, operators)

    target = _target(y)
    if target.shape[0] != n_rows:
        raise ValueError(
            f"X has {n_rows} rows but y has {target.shape[0]}; they must describe the same rows"
        )
    for index, label in enumerate(_column_labels(variable_names, n_features)):
        _check_finite(features[:, index], label)
    _check_finite(target, "y")

    sample_weights = None if weights is None else _weights(weights, n_rows)
    return Dataset(features, target, sample_weights, variable_names)


def _weights(weights: Any, n_rows: int) -> np.ndarray:
    array = np.asarray(weights)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    array = _numeric_column(array, "weights")
    if array.ndim != 1 or array.shape[0] != n_rows:
        raise ValueError(
            f"weights must be 1-D with one value per row ({n_rows}), got shape {array.shape}"
        )
    _check_finite(array, "weights")
    negative = array < 0
    if negative.any():
        raise ValueError(
            f"weights contains {int(negative.sum())} negative value(s) (first at row "
            f"{int(np.flatnonzero(negative)[0])}); weights must be >= 0"
        )
    if array.sum() <= 0:
        raise ValueError("weights are all 0: sample weights must contain at least one non-zero number")
    return array


def prepare_features(X: Any, variable_names: Sequence[str]) -> np.ndarray:
    """X for prediction: a float64 (n_rows, len(variable_names)) array.

    A DataFrame is matched by column name (extra columns are ignored); an array must have one
    column per variable, in order.
    """
    if isinstance(X, pd.DataFrame):
        missing = [name for name in variable_names if name not in X.columns]
        if missing:
            raise ValueError(
                f"X is missing the column(s) {', '.join(map(repr, missing))} the equations use; "
                f"expected columns {list(variable_names)}"
            )
        X = X[list(variable_names)]
    features, _ = _features(X)
    if features.shape[1] != len(variable_names):
        raise ValueError(
            f"X has {features.shape[1]} features but the equations were fitted on "
            f"{len(variable_names)} ({', '.join(variable_names)})"
        )
    for index, name in enumerate(variable_names):
        _check_finite(features[:, index], f"X column {name!r}")
    return features
