"""Seeing a result: plots (pysr_lite.plots, matplotlib's Agg backend), the notebook view and the
printed front (pysr_lite.display).

The fronts here are read from hall_of_fame.csv files written by the tests (the format the engine
writes), so these tests need no engine; one end-to-end test runs the CLI's --plots.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from click.testing import CliRunner

matplotlib.use("Agg")

from conftest import uniform_data  # noqa: E402
from pysr_lite import load_result  # noqa: E402
from pysr_lite.cli import cli  # noqa: E402
from pysr_lite.regressor import SymbolicRegressor  # noqa: E402
from pysr_lite.run_folder import create_run_directory, write_run_folder  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FRONT = (
    "complexity,loss,equation,dimensionally_consistent\n"
    '1,8.0,"3.1233740773",true\n'
    '3,0.49,"(x0 * x0)",true\n'
    '6,1.0e-20,"((x0 * x0) + cos(x1))",true\n'
)


def finished_run(tmp_path) -> Path:
    """A run folder as a search leaves it: options, data and the front above."""
    from pysr_lite.data import prepare_dataset
    from pysr_lite.options import resolve_options, toml_entries

    X = uniform_data(n_rows=50)
    dataset = prepare_dataset(X, X[:, 0] ** 2 + np.cos(X[:, 1]))
    resolved = resolve_options(unary_operators=["cos"])
    run_directory = create_run_directory(tmp_path / "outputs", None)
    write_run_folder(run_directory, dataset, toml_entries(resolved), precision=64, operators=resolved["operator_table"],
                     user_functions=resolved["user_functions"])
    (run_directory / "hall_of_fame.csv").write_text(FRONT)
    return run_directory


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert path.stat().st_size > 10_000  # axes, points and labels, not an empty canvas


def test_the_pareto_plot_marks_and_labels_the_chosen_equation(tmp_path):
    result = load_result(finished_run(tmp_path))
    ax = result.plot_pareto()
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "complexity" and ax.get_ylabel() == "loss"
    assert [text.get_text() for text in ax.texts] == ["x0**2 + cos(x1)"]
    ax.figure.savefig(tmp_path / "pareto.png")
    assert_png(tmp_path / "pareto.png")


def test_the_fit_plot_shows_predictions_against_truth_and_residuals(tmp_path):
    result = load_result(finished_run(tmp_path))
    X = uniform_data(n_rows=50)
    figure = result.plot_fit(X, X[:, 0] ** 2 + np.cos(X[:, 1]))
    against, residuals = figure.axes
    assert (against.get_xlabel(), against.get_ylabel()) == ("true y", "predicted y")
    assert residuals.get_title() == "Residuals"
    figure.savefig(tmp_path / "fit.png")
    assert_png(tmp_path / "fit.png")
    with pytest.raises(ValueError, match="y has 3 values but X has 50 rows"):
        result.plot_fit(X, [1.0, 2.0, 3.0])


def test_a_fitted_model_plots_its_chosen_equation(tmp_path):
    model = SymbolicRegressor.from_file(finished_run(tmp_path))
    X = uniform_data(n_rows=50)
    assert [text.get_text() for text in model.plot_pareto().texts] == ["x0**2 + cos(x1)"]
    figure = model.plot_fit(X, X[:, 0] ** 2 + np.cos(X[:, 1]))
    assert figure.axes[0].get_title() == "x0**2 + cos(x1)"


def test_importing_pysr_lite_does_not_import_matplotlib():
    code = "import sys, pysr_lite; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_without_matplotlib_plotting_says_how_to_install_it(tmp_path, monkeypatch):
    result = load_result(finished_run(tmp_path))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what an absent package looks like to import
    with pytest.raises(ImportError, match=r'plotting needs matplotlib.*pip install "pysr-lite\[plots\]"'):
        result.plot_pareto()


def test_the_printed_front_shows_whole_equations(tmp_path):
    result = load_result(finished_run(tmp_path))
    printed = str(result.equations)
    assert printed.splitlines() == [
        "   complexity          loss      score  equation",
        "0           1  8.000000e+00   0.000000  3.1233740773",
        "1           3  4.900000e-01   1.396396  (x0 * x0)",
        "2           6  1.000000e-20  15.112784  ((x0 * x0) + cos(x1))",
        "[3 equations; also the columns sympy_format, lambda_format, dimensionally_consistent]",
    ]
    assert "NumpyEquation" not in printed and "function" not in printed
    # still an ordinary DataFrame underneath
    assert result.equations["lambda_format"].iloc[2](np.array([[2.0, 0.0]])) == pytest.approx([5.0])


def test_the_notebook_view_is_a_latex_table_with_the_chosen_row_highlighted(tmp_path):
    result = load_result(finished_run(tmp_path))
    html = result._repr_html_()
    assert "$x_{0}^{2} + \\cos{\\left(x_{1} \\right)}$" in html
    rows = html.split("<tr")[2:]  # after the header row
    assert len(rows) == 3
    assert "background-color" in rows[2] and ">best<" in rows[2]
    assert "background-color" not in rows[0] + rows[1]

    model = SymbolicRegressor(model_selection="accuracy")
    assert "<pre>" in model._repr_html_() or "sk-" in model._repr_html_()  # not fitted: its parameters
    fitted = SymbolicRegressor.from_file(finished_run(tmp_path))
    bundle = fitted._repr_mimebundle_()
    assert bundle["text/plain"] == repr(fitted) and "$x_{0}^{2}" in bundle["text/html"]


def test_the_cli_writes_both_plots(fake_julia, tmp_path):
    fake_julia("""
        say("pysr_lite:start n_rows=50 n_features=2 threads=1 populations=4 compiles=false")
        say("pysr_lite:compiled iteration=0 seconds=0.1")
        write_front((("1", "8.0", "3.12"), ("3", "0.49", "(x0 * x0)"), ("6", "1.0e-20", "((x0 * x0) + cos(x1))")))
        say("pysr_lite:progress iteration=1 niterations=1 evals=100 evals_per_second=1000 seconds=0.2 best_loss=1e-20 front_size=3")
        say("pysr_lite:done reason=niterations iterations=1 evals=100 evals_per_second=1000 seconds=0.2")
    """)
    X = uniform_data(n_rows=50)
    data = tmp_path / "data.csv"
    lines = ["x0,x1,y"] + [f"{a},{b},{a * a + np.cos(b)}" for a, b in X]
    data.write_text("\n".join(lines) + "\n")
    plots = tmp_path / "plots"
    outcome = CliRunner().invoke(cli, ["search", str(data), "--target", "y", "--unary-operators", "cos",
                                       "--niterations", "1", "--output-directory", str(tmp_path / "outputs"),
                                       "-O", "persistent_engine=false", "--plots", str(plots)])
    assert outcome.exit_code == 0, outcome.output
    assert f"Plots written to {plots / 'pareto.png'} and {plots / 'fit.png'}" in outcome.output
    assert_png(plots / "pareto.png")
    assert_png(plots / "fit.png")
