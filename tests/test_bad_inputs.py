"""One table of bad inputs, tried through the three doors a user has: ``search``,
``SymbolicRegressor.fit`` and the ``pysr-lite search`` command line.

The same bad input gives the same clear error everywhere: a ValueError (or PySR's
NotImplementedError for an unknown optimizer) from Python, exit code 2 and the message on stderr
from the command line, and no run folder left behind for what can be checked before the engine
starts. Each row is a data table (``y`` is the target) and the options, as Python keywords and
as command-line arguments.
"""

import math
import re
from dataclasses import dataclass, field

import pandas as pd
import pytest
from click.testing import CliRunner

from pysr_lite import SymbolicRegressor, search
from pysr_lite.cli import cli

from conftest import run_folders

GOOD = {"a": [1.0, 2.0, 3.0, 4.0], "b": [0.5, -1.0, 2.0, 0.0], "y": [1.0, 2.0, 3.0, 5.0]}
NO_ENGINE_NEEDED = dict(verbosity=0, random_state=0, niterations=1, populations=2, threads=1)


@dataclass
class BadInput:
    message: str                                   # regex every door's error must match
    table: dict | pd.DataFrame = field(default_factory=lambda: dict(GOOD))
    options: dict = field(default_factory=dict)    # as Python keywords
    arguments: list = field(default_factory=list)  # the same, as command-line arguments
    reaches_the_engine: bool = False               # only the engine can tell (user Julia code)
    estimator_renames: bool = False                # a column name SymbolicRegressor renames, as PySR (issue 10)


CASES = {
    "NaN in a feature": BadInput(r"X column 'a' contains 1 NaN/Inf value\(s\) \(first at row 1\)",
                                 table=dict(GOOD, a=[1.0, math.nan, 3.0, 4.0])),
    "infinite target": BadInput(r"y contains 1 NaN/Inf value\(s\) \(first at row 3\)",
                                table=dict(GOOD, y=[1.0, 2.0, 3.0, math.inf])),
    "text in a feature": BadInput(r"X column 'b' is not numeric", table=dict(GOOD, b=["p", "q", "r", "s"])),
    "text in the target": BadInput(r"y is not numeric", table=dict(GOOD, y=["p", "q", "r", "s"])),
    "a header and no rows": BadInput(r"X has 0 rows; at least one row of data is needed",
                                     table={"a": [], "b": [], "y": []}),
    "a repeated column name": BadInput(r"must be distinct; repeated: a",
                                       table=pd.DataFrame([[1.0, 3.0, 1.0], [2.0, 4.0, 2.0]], columns=["a", "a", "y"]),
                                       estimator_renames=True),
    "a column name with a space": BadInput(r"variable name 'sepal length' is not an identifier",
                                           table={"sepal length": [1.0, 2.0], "y": [1.0, 2.0]}, estimator_renames=True),
    "a column named like an operator": BadInput(r"variable name 'cos' is also an operator name",
                                                table={"cos": [1.0, 2.0], "y": [1.0, 2.0]}, estimator_renames=True),
    "negative populations": BadInput(r"populations must be a positive integer up to 10000, got -3",
                                     options={"populations": -3}, arguments=["--populations", "-3"]),
    "huge maxsize": BadInput(r"maxsize must be an integer between 7 and 1000, got 10000000",
                             options={"maxsize": 10**7}, arguments=["--maxsize", "10000000"]),
    "NaN parsimony": BadInput(r"parsimony must be a finite non-negative number, got nan",
                              options={"parsimony": math.nan}, arguments=["-O", "parsimony=nan"]),
    "negative timeout": BadInput(r"timeout_in_seconds must be a positive number",
                                 options={"timeout_in_seconds": -1.0}, arguments=["--timeout", "-1"]),
    "a misspelled operator": BadInput(r"unknown unary operator 'coss'",
                                      options={"unary_operators": ["coss"]}, arguments=["--unary-operators", "coss"]),
    "a unary operator as binary": BadInput(r"'cos' is a unary operator",
                                           options={"binary_operators": ["+", "cos"]},
                                           arguments=["--binary-operators", "+,cos"]),
    "a misspelled option": BadInput(r"niteration.*did you mean 'niterations'",
                                    options={"niteration": 3}, arguments=["-O", "niteration=3"]),
    "an unknown optimizer": BadInput(r"optimizer_algorithm 'Adam' is not available",
                                     options={"optimizer_algorithm": "Adam"}, arguments=["-O", "optimizer_algorithm=Adam"]),
    "16-bit precision": BadInput(r"precision must be one of 32, 64, got 16",
                                 options={"precision": 16}, arguments=["-O", "precision=16"]),
    "zero threads": BadInput(r"threads must be a positive integer up to 1024, got 0",
                             options={"threads": 0}, arguments=["--threads", "0"]),
    "deterministic without a seed": BadInput(r"deterministic=True needs a fixed seed",
                                             options={"deterministic": True, "random_state": None},
                                             arguments=["-O", "deterministic=true"]),
    "a constraint on an operator not in the search": BadInput(
        r"constraints.*'sin'", options={"constraints": {"sin": 3}}, arguments=["-O", "constraints={'sin': 3}"]),
    "unequal limits for +": BadInput(r"equal constraints on both sides for - and \+",
                                     options={"constraints": {"+": (1, 3)}}, arguments=["-O", "constraints={'+': (1, 3)}"]),
    "an early stop condition of one argument": BadInput(
        r"early_stop_condition", options={"early_stop_condition": "f(loss) = loss < 1"},
        arguments=["-O", "early_stop_condition=f(loss) = loss < 1"], reaches_the_engine=True),
}


def data(case: BadInput):
    table = case.table.copy() if isinstance(case.table, pd.DataFrame) else pd.DataFrame(case.table)
    if not len(table):
        table = table.astype(object)  # as pandas reads a CSV with a header only
    return table.drop(columns="y"), table["y"]


def python_options(case: BadInput, tmp_path) -> dict:
    random_state = {} if "random_state" in case.options else {"random_state": 0}
    return {**NO_ENGINE_NEEDED, **random_state, **case.options, "output_directory": tmp_path / "outputs"}


def through_search(case: BadInput, tmp_path) -> BaseException:
    X, y = data(case)
    with pytest.raises((ValueError, NotImplementedError)) as error:
        search(X, y, **python_options(case, tmp_path))
    return error.value


def through_fit(case: BadInput, tmp_path) -> BaseException:
    X, y = data(case)
    options = python_options(case, tmp_path)
    # An unknown keyword is the constructor's TypeError, as scikit-learn estimators do.
    with pytest.raises((ValueError, NotImplementedError, TypeError)) as error:
        SymbolicRegressor(**options).fit(X, y)
    return error.value


def through_cli(case: BadInput, tmp_path) -> BaseException:
    path = tmp_path / "data.csv"
    X, y = data(case)
    pd.concat([X, y], axis=1).to_csv(path, index=False)
    random_state = [] if "random_state" in case.options else ["--random-state", "0"]
    result = CliRunner().invoke(cli, ["search", str(path), "--target", "y", "--verbosity", "0",
                                      "--niterations", "1", "--populations", "2", *random_state,
                                      "--output-directory", str(tmp_path / "outputs"), *case.arguments])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return Exception(result.stderr)


DOORS = {"search": through_search, "fit": through_fit, "cli": through_cli}


@pytest.mark.parametrize(
    "case, door",
    [pytest.param(case, door, id=f"{name}-{door_name}") for name, case in CASES.items()
     for door_name, door in DOORS.items() if not (door_name == "fit" and case.estimator_renames)],
)
def test_a_bad_input_gives_the_same_clear_error_through_every_door(case, door, tmp_path):
    error = door(case, tmp_path)
    assert re.search(case.message, str(error)), str(error)
    if not case.reaches_the_engine:
        assert run_folders(tmp_path / "outputs") == []  # refused before anything was written


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if case.estimator_renames])
def test_the_estimator_renames_the_column_names_search_refuses(name, tmp_path):
    """SymbolicRegressor makes valid names of a DataFrame's columns, with a warning (issue 10,
    part 8; PySR does the same for spaces), where search() refuses them (above)."""
    X, y = data(CASES[name])
    model = SymbolicRegressor(**python_options(CASES[name], tmp_path))
    with pytest.warns(UserWarning, match="renamed"):
        model.fit(X, y)
    assert list(model.feature_names_in_) == list(X.columns)
    assert len(set(model.variable_names_)) == X.shape[1]
