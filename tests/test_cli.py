"""The ``pysr-lite`` command line through click's CliRunner (real engine for search and demo)."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pysr_lite.cli import cli
from pysr_lite.run_folder import parse_toml

from conftest import run_folders, uniform_data

FAST_FLAGS = ["--populations", "8", "--population-size", "30", "--niterations", "15", "--maxsize", "15",
              "--threads", "2", "--random-state", "0", "-O", "deterministic=true", "--verbosity", "0"]


@pytest.fixture
def csv_file(tmp_path):
    X = uniform_data(seed=12)
    table = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "target": 2.5 * X[:, 0] * X[:, 1] - 1})
    path = tmp_path / "data.csv"
    table.to_csv(path, index=False)
    return path


def invoke(arguments):
    result = CliRunner().invoke(cli, [str(argument) for argument in arguments])
    return result


def test_search_prints_the_front_and_writes_it(engine, csv_file, tmp_path):
    output = tmp_path / "front.csv"
    result = invoke(["search", csv_file, "--target", "target", "--output", output,
                     "--output-directory", tmp_path / "runs", *FAST_FLAGS])
    assert result.exit_code == 0, result.output
    assert "equations on the Pareto front" in result.output and "best >>" in result.output
    assert "target = " in result.output
    assert f"Front written to {output}" in result.output
    front = pd.read_csv(output)
    assert list(front.columns) == ["complexity", "loss", "score", "equation", "sympy_format"]
    assert any(set(text.replace("(", " ").replace(")", " ").split()) >= {"a", "b"} for text in front["equation"])
    (run_directory,) = run_folders(tmp_path / "runs")
    assert (run_directory / "hall_of_fame.csv").is_file()


def test_search_default_output_is_in_the_run_folder(engine, csv_file, tmp_path):
    result = invoke(["search", csv_file, "--target", "target", "--features", "a,b", "--binary-operators", "+,*",
                     "--output-directory", tmp_path / "runs", *FAST_FLAGS])
    assert result.exit_code == 0, result.output
    (run_directory,) = run_folders(tmp_path / "runs")
    assert f"Front written to {run_directory / 'equations.csv'}" in result.output
    assert (run_directory / "equations.csv").is_file()


def test_demo_rediscovers_its_law(engine, tmp_path):
    result = invoke(["demo", "--output-directory", tmp_path / "runs", "--threads", "2"])
    assert result.exit_code == 0, result.output
    assert "hidden law is y = x0**2 + cos(x1)" in result.output
    assert "y = x0**2 + cos(x1)" in result.output.split("Best equation")[1]
    assert "Progress:" in result.output  # verbosity 1 by default


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--target", "nope"], "'nope' is not a column of"),
        (["--target", "target", "--features", "a,zz"], "not columns of .*: zz"),
        (["--target", "target", "--populations", "-3"], "populations must be a positive integer up to 10000, got -3"),
        (["--target", "target", "--unary-operators", "coss"], "unknown unary operator 'coss'"),
        (["--target", "target", "-O", "niteration=3"], "did you mean 'niterations'"),
        (["--target", "target", "-O", "deterministic"], "expected NAME=VALUE"),
    ],
)
def test_search_errors_are_clean_messages(csv_file, tmp_path, arguments, message):
    result = invoke(["search", csv_file, *arguments, "--output-directory", tmp_path / "runs"])
    assert result.exit_code == 2   # usage errors, as click's own
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert re.search(message, result.stderr), result.output


def test_search_with_units_keeps_only_consistent_equations_in_hard_mode(engine, tmp_path):
    X = uniform_data(n_rows=100, low=1, high=5, seed=2)
    path = tmp_path / "data.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "y": X[:, 0] + X[:, 1]}).to_csv(path, index=False)  # metres + seconds
    output = tmp_path / "front.csv"
    result = invoke(["search", path, "--target", "y", "--X-units", "b=s,a=m", "--y-units", "m", "--output", output,
                     "-O", "dimensional_analysis=hard", "-O", "dimensionless_constants_only=true",
                     "--output-directory", tmp_path / "runs", *FAST_FLAGS])
    assert result.exit_code == 0, result.output
    front = pd.read_csv(output)
    assert front["dimensionally_consistent"].all() and len(front) > 0
    (run_directory,) = run_folders(tmp_path / "runs")
    options = parse_toml((run_directory / "options.toml").read_text())
    assert options["units"]["X"] == ["m", "s"] and options["units"]["y"] == "m"   # in the order of the columns


@pytest.mark.parametrize(
    "flags, X_units, y_units",
    [
        (["--X-units", "m,s"], ["m", "s"], None),                       # in the order of the features
        (["--X-units", "b=s,a=m"], ["m", "s"], None),                   # by column, any order
        (["--x-units", "a=m", "--X-units", "b=1"], ["m", "1"], None),   # repeated, either spelling
        (["--X-units", "m,s", "--y-units", "m*s"], ["m", "s"], "m*s"),
        (["--y-units", "m/s"], ["", ""], "m/s"),                        # y alone: the features are pure numbers
    ],
)
def test_units_reach_the_search_in_the_order_of_the_features(engine, csv_file, tmp_path, flags, X_units, y_units):
    result = invoke(["search", csv_file, "--target", "target", *flags, "--output-directory", tmp_path / "runs",
                     *FAST_FLAGS, "--niterations", "1"])
    assert result.exit_code == 0, result.output
    (run_directory,) = run_folders(tmp_path / "runs")
    units = parse_toml((run_directory / "options.toml").read_text())["units"]
    assert units["X"] == X_units and units.get("y") == y_units


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--X-units", "m"], r"Invalid value for --X-units: 1 unit\(s\) for 2 feature\(s\) \(a, b\)"),
        (["--X-units", "m,s,kg"], "3 unit\\(s\\) for 2 feature\\(s\\)"),
        (["--X-units", "a=m,s"], "as COLUMN=UNIT, or all of them in the order of the features, not a mix"),
        (["--X-units", "a=m,zz=s"], "'zz' is not a feature; the features are a, b"),
        (["--X-units", "a=m,target=s"], "'target' is the target; give its unit with --y-units"),
        (["--X-units", "a=m,a=s"], "'a' is given a unit twice"),
        (["--X-units", "a=m"], "no unit for b: every feature needs one \\(1 for dimensionless\\)"),
        (["--X-units", "m,"], "an empty unit in 'm,'; write 1 for a dimensionless feature"),
        (["--X-units", "m,furlong"], "the unit of 'b': cannot read the unit 'furlong': unknown unit 'furlong'"),
        (["--X-units", "kg m,s"], "the unit of 'a': cannot read the unit 'kg m': expected '\\*' or '/'"),
        (["--y-units", "m,s"], "Invalid value for --y-units: the unit of 'target': cannot read the unit 'm,s'"),
    ],
)
def test_unit_errors_are_usage_errors_that_name_the_column(csv_file, tmp_path, arguments, message):
    result = invoke(["search", csv_file, "--target", "target", *arguments, "--output-directory", tmp_path / "runs"])
    assert result.exit_code == 2
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.output
    assert run_folders(tmp_path / "runs") == []   # refused before any search


def test_search_reports_data_problems(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"a": [1.0, np.nan, 3.0], "y": [1.0, 2.0, 3.0]}).to_csv(path, index=False)
    result = invoke(["search", path, "--target", "y", "--output-directory", tmp_path / "runs"])
    assert result.exit_code == 2
    assert "Error: X column 'a' contains 1 NaN/Inf value(s)" in result.stderr


@pytest.mark.parametrize(
    "text, message",
    [
        # Issue 15: reported as "not numeric" (pandas reads an empty column as text).
        ("a,b,y\n", "X has 0 rows; at least one row of data is needed"),
        # Issue 15: blamed on 'a.1', the name pandas gives the second 'a'.
        ("a,b,a,y\n1,2,3,4\n5,6,7,8\n", "column names of .*data.csv must be distinct; repeated: a"),
        ("", "could not read .* as CSV: No columns to parse"),
        ('a,y\n1,"2\n', "could not read .* as CSV"),
    ],
)
def test_damaged_csv_files_are_usage_errors_that_say_why(tmp_path, text, message):
    path = tmp_path / "data.csv"
    path.write_text(text)
    result = invoke(["search", path, "--target", "y", "--output-directory", tmp_path / "runs"])
    assert result.exit_code == 2
    assert re.search(message, result.stderr), result.output
    assert "a.1" not in result.output and "not numeric" not in result.output
    assert run_folders(tmp_path / "runs") == []


def test_missing_julia_is_a_clean_error(csv_file, tmp_path, monkeypatch):
    monkeypatch.setenv("PYSR_LITE_JULIA", str(tmp_path / "missing-julia"))
    result = invoke(["search", csv_file, "--target", "target", "--output-directory", tmp_path / "runs"])
    assert result.exit_code == 1
    assert "pysr-lite install-julia" in result.output and "Traceback" not in result.output


def test_python_dash_m_runs_the_cli():
    completed = subprocess.run([sys.executable, "-m", "pysr_lite", "--help"], capture_output=True, text=True,
                               cwd=Path(__file__).resolve().parents[1])
    assert completed.returncode == 0
    assert "search" in completed.stdout and "demo" in completed.stdout


def test_version():
    result = invoke(["--version"])
    assert result.exit_code == 0 and "0.1.0" in result.output
