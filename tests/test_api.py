"""``search()`` end to end through the real Julia engine, and ``SearchResult`` / ``load_result``.

Searches are small, seeded and deterministic so each takes a few seconds. Tests marked with a
"fake" engine replace Julia by a tiny script (conftest.write_fake_julia) to produce crashes, hangs
and rejections on demand.
"""

import math
import os
import re
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sympy

import pysr_lite
from pysr_lite import engine as engine_module
from pysr_lite import load_result, search
from pysr_lite.data import prepare_dataset
from pysr_lite.engine import EngineError, EngineInputError, JuliaNotFoundError, check_report
from pysr_lite.equations import EquationSyntaxError, node_count, parse_equation
from pysr_lite.hall_of_fame import HallOfFameError
from pysr_lite.julia_platforms import Platform
from pysr_lite.options import resolve_options
from pysr_lite.run_folder import read_run_folder

from conftest import assert_recovers, pids_running_in, run_folders, uniform_data, write_prepared_run_folder

# The fake engine speaks only the one-search command line, and the kill test looks for the
# process of one run: those tests ask for a fresh engine process per search.
ONE_PROCESS_PER_SEARCH = {"persistent_engine": False}

# ----------------------------------------------------------------------------------------------
# Recovery (real engine)
# ----------------------------------------------------------------------------------------------


def assert_front_follows_protocol(result):
    """The front is sorted by complexity, each row strictly better than every simpler one, and
    complexity is the node count of the equation text."""
    front = result.equations
    assert list(front.columns) == ["complexity", "loss", "score", "equation", "sympy_format", "lambda_format",
                                   "dimensionally_consistent"]
    assert front["dimensionally_consistent"].all()   # no units: everything is consistent
    assert front["complexity"].is_monotonic_increasing and front["complexity"].is_unique
    assert (np.diff(front["loss"]) < 0).all(), front
    assert front["score"].iloc[0] == 0
    for complexity, text in zip(front["complexity"], front["equation"]):
        assert node_count(parse_equation(text, result.variable_names)) == complexity, text


def test_recovers_square_plus_cosine(engine, fast_search):
    X = uniform_data()
    y = X[:, 0] ** 2 + np.cos(X[:, 1])
    result = search(X, y, unary_operators=["cos"], **fast_search)
    equation = assert_recovers(result, "x0**2 + cos(x1)")
    assert equation.loss < 1e-10
    assert_front_follows_protocol(result)
    np.testing.assert_allclose(result.predict(X), y, atol=1e-6)
    assert result.stats["reason"] == "niterations"
    assert result.stats["iterations"] == fast_search["niterations"]
    assert result.stats["evals"] > 0 and result.stats["seconds"] > 0 and result.stats["evals_per_second"] > 0


def test_recovers_product_with_constants(engine, fast_search):
    X = uniform_data(seed=1)
    y = 2.5 * X[:, 0] * X[:, 1] - 1
    result = search(X, y, **fast_search)
    assert_recovers(result, "2.5*x0*x1 - 1")
    assert_front_follows_protocol(result)


def test_recovers_quotient(engine, fast_search):
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.uniform(-3, 3, 200), rng.uniform(0, 3, 200)])  # x1 + 1 >= 1
    y = X[:, 0] / (X[:, 1] + 1)
    result = search(X, y, **fast_search)
    assert_recovers(result, "x0/(x1 + 1)")
    assert_front_follows_protocol(result)


def test_dataframe_columns_name_the_variables(engine, fast_search):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"mass": rng.uniform(1, 5, 200), "speed": rng.uniform(-3, 3, 200)})
    energy = 0.5 * frame["mass"] * frame["speed"] ** 2
    result = search(frame, energy, binary_operators=["+", "*"], **fast_search)
    assert result.variable_names == ["mass", "speed"]
    assert_recovers(result, "mass*speed**2/2")
    assert all(set(re.findall(r"[A-Za-z_]\w*", text)) <= {"mass", "speed"} for text in result.equations["equation"])
    # Prediction reads DataFrame columns by name, whatever their order.
    shuffled = frame[["speed", "mass"]]
    np.testing.assert_allclose(result.predict(shuffled), energy, rtol=1e-6, atol=1e-6)
    assert read_run_folder(result.run_directory).settings["variable_names"] == ["mass", "speed"]


def test_weights_reach_the_engine(engine, fast_search):
    X = uniform_data(seed=4)
    y = 2 * X[:, 0] + 1
    weights = np.ones(len(y))
    y[:20] = 100.0  # outliers the engine must ignore: their weight is 0
    weights[:20] = 0.0
    result = search(X, y, weights=weights, binary_operators=["+", "*"], **fast_search)
    assert (result.run_directory / "weights.bin").is_file()
    assert read_run_folder(result.run_directory).settings["has_weights"] is True
    assert_recovers(result, "2*x0 + 1")


def test_deterministic_runs_repeat_exactly_whatever_the_thread_count(engine, fast_search):
    X = uniform_data(seed=5)
    y = X[:, 0] * X[:, 1] + X[:, 0]
    options = dict(fast_search, niterations=5)
    first = search(X, y, **dict(options, threads=1))
    second = search(X, y, **dict(options, threads=2))
    assert first.equations["equation"].tolist() == second.equations["equation"].tolist()
    assert first.equations["loss"].tolist() == second.equations["loss"].tolist()
    assert first.run_directory != second.run_directory


def test_run_folder_holds_the_protocol_files(engine, fast_search):
    X = uniform_data(n_rows=50, seed=6)
    result = search(X, X[:, 0] + X[:, 1], **dict(fast_search, niterations=2, precision=32))
    names = {path.name for path in result.run_directory.iterdir()}
    assert {"options.toml", "X.bin", "y.bin", "hall_of_fame.csv", "engine_stdout.log", "engine_stderr.log"} <= names
    assert "weights.bin" not in names and "hall_of_fame.csv.tmp" not in names
    assert (result.run_directory / "X.bin").stat().st_size == 50 * 2 * 4
    assert result.run_directory.parent == Path(fast_search["output_directory"]).resolve()
    log = (result.run_directory / "engine_stdout.log").read_text()
    assert re.search(rf"^pysr_lite:start n_rows=50 n_features=2 threads=2 populations={fast_search['populations']}", log, re.M)
    assert log.count("pysr_lite:progress ") == 2
    assert re.search(r"^pysr_lite:done reason=niterations iterations=2 ", log, re.M)


def test_timeout_stops_the_search(engine, fast_search):
    X = uniform_data(seed=7)
    y = np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3  # nothing finds this in 3 s
    search(X, y, unary_operators=["sin"], **dict(fast_search, niterations=1))  # a warm engine (see test_budget.py)
    started = time.monotonic()
    result = search(X, y, unary_operators=["sin"], **dict(fast_search, niterations=100000, timeout_in_seconds=3))
    assert time.monotonic() - started < 3 + 1
    assert result.stats["reason"] == "timeout"
    assert len(result) >= 1


def test_early_stop_and_max_evals(engine, fast_search):
    X = uniform_data(seed=8)
    result = search(X, X[:, 0] * X[:, 1], **dict(fast_search, niterations=1000, early_stop_condition=1e-12))
    assert result.stats["reason"] == "early_stop"
    assert result.equations["loss"].min() <= 1e-12
    limited = search(X, np.cos(X[:, 0]) * 3.3 + X[:, 1], **dict(fast_search, niterations=100000, max_evals=20000))
    assert limited.stats["reason"] == "max_evals"
    assert limited.stats["evals"] >= 20000


def test_early_stop_condition_as_julia_source(engine, fast_search):
    X = uniform_data(seed=8)
    condition = "f(loss, complexity) = loss < 1e-8 && complexity <= 3"
    result = search(X, X[:, 0] * X[:, 1], **dict(fast_search, niterations=1000, early_stop_condition=condition))
    assert result.stats["reason"] == "early_stop"
    assert read_run_folder(result.run_directory).settings["user_functions"]["early_stop_condition"] == "early_stop_condition"
    assert condition in (result.run_directory / "user.jl").read_text()


def test_invalid_julia_early_stop_condition_is_a_value_error(engine, fast_search):
    """Protocol: invalid options -> exit 2 with a `pysr_lite:error` line -> ValueError here."""
    X = uniform_data(n_rows=20, seed=8)
    with pytest.raises(EngineInputError, match="early_stop_condition"):
        search(X, X[:, 0], **dict(fast_search, early_stop_condition="1 + 1"))


# ----------------------------------------------------------------------------------------------
# SearchResult and Equation
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """One finished search on y = x0**2 + cos(x1), shared by the read-only tests below."""
    locate = engine_module.locate_engine()  # fail, never skip, without an engine
    assert locate.directory.is_dir()
    X = uniform_data()
    y = X[:, 0] ** 2 + np.cos(X[:, 1])
    options = dict(
        populations=8, population_size=30, niterations=15, maxsize=15, random_state=0,
        deterministic=True, threads=2, verbosity=0,
    )
    result = search(X, y, unary_operators=["cos"], output_directory=tmp_path_factory.mktemp("runs"), **options)
    return X, y, result


def test_best_is_pysr_choice(finished):
    _, _, result = finished
    front = result.equations
    close_enough = front[front["loss"] <= 1.5 * front["loss"].min()]
    assert result.best_index() == close_enough["score"].idxmax()
    best = result.best()
    assert isinstance(best, pysr_lite.Equation)
    assert best.sympy() == sympy.sympify("x0**2 + cos(x1)")
    assert best.latex() == r"x_{0}^{2} + \cos{\left(x_{1} \right)}"


def test_scores_are_log_loss_drop_per_complexity(finished):
    _, _, result = finished
    front = result.equations
    for row in range(1, len(front)):
        expected = -math.log(front["loss"][row] / front["loss"][row - 1]) / (
            front["complexity"][row] - front["complexity"][row - 1]
        )
        assert front["score"][row] == pytest.approx(expected)


def test_equations_by_index(finished):
    X, _, result = finished
    simplest = result.equation(0)
    assert simplest.complexity == result.equations["complexity"].min()
    assert result.equation(-1).complexity == result.equations["complexity"].max()
    assert result.predict(X, index=0).shape == (len(X),)  # even a constant predicts one value per row
    assert isinstance(result.sympy(0), sympy.Expr)
    with pytest.raises(IndexError, match=r"the front has \d+ equations"):
        result.equation(99)


def test_predict_validates_its_input(finished):
    _, _, result = finished
    with pytest.raises(ValueError, match="X has 3 features but the equations were fitted on 2"):
        result.predict(np.ones((4, 3)))
    with pytest.raises(ValueError, match="NaN/Inf"):
        result.predict(np.array([[np.nan, 1.0]]))


def test_repr_shows_the_front_and_marks_the_best(finished):
    _, _, result = finished
    text = repr(result)
    assert text.startswith(f"SearchResult: {len(result)} equations on the Pareto front (stop reason: niterations")
    assert "best >>" in text and "x0**2 + cos(x1)" in text and str(result.run_directory) in text


def test_load_result_rebuilds_a_finished_run(finished):
    _, _, result = finished
    loaded = load_result(result.run_directory)
    assert loaded.equations["equation"].tolist() == result.equations["equation"].tolist()
    assert loaded.variable_names == ["x0", "x1"]
    assert loaded.stats == result.stats


# ----------------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------------


def test_bad_input_fails_before_any_run_folder(tmp_path):
    X = uniform_data(n_rows=10)
    with pytest.raises(ValueError, match="y contains 1 NaN/Inf"):
        search(X, np.r_[np.ones(9), np.nan], output_directory=tmp_path)
    with pytest.raises(ValueError, match="did you mean 'niterations'"):
        search(X, np.ones(10), niteration=3, output_directory=tmp_path)
    with pytest.raises(ValueError, match="populations must be a positive integer up to 10000, got 0"):
        search(X, np.ones(10), populations=0, output_directory=tmp_path)
    assert run_folders(tmp_path) == []


def test_missing_julia_says_how_to_fix_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PYSR_LITE_JULIA", str(tmp_path / "no-julia-here"))
    monkeypatch.setattr(engine_module, "current_platform", lambda: Platform("Linux", "x86_64", ("debian",), True))
    with pytest.raises(JuliaNotFoundError) as error:
        search(uniform_data(n_rows=5), np.ones(5), output_directory=tmp_path / "outputs")
    message = str(error.value)
    assert "run `pysr-lite install-julia`: it installs Debian's julia package" in message
    assert "PYSR_LITE_JULIA" in message
    assert run_folders(tmp_path / "outputs") == []


def test_missing_julia_on_macos_gives_the_commands_that_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PYSR_LITE_JULIA", str(tmp_path / "no-julia-here"))
    monkeypatch.setattr(engine_module, "current_platform", lambda: Platform("Darwin", "arm64"))
    with pytest.raises(JuliaNotFoundError) as error:
        search(uniform_data(n_rows=5), np.ones(5), output_directory=tmp_path / "outputs")
    message = str(error.value)
    assert "`pysr-lite install-julia` prints them too" in message
    assert "curl -fsSL https://install.julialang.org | sh -s -- --yes" in message
    assert "julia-1.11.5-macaarch64.tar.gz" in message


def test_missing_julia_is_reported_before_the_data_is_even_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("PYSR_LITE_JULIA", str(tmp_path / "no-julia-here"))
    with pytest.raises(JuliaNotFoundError, match="pysr-lite install-julia"):
        search(uniform_data(n_rows=5), np.full(5, np.nan), output_directory=tmp_path / "outputs")
    assert not (tmp_path / "outputs").exists() or run_folders(tmp_path / "outputs") == []


def test_old_julia_is_refused(tmp_path, monkeypatch):
    old = tmp_path / "julia"
    old.write_text("#!/bin/sh\necho 'julia version 1.4.2'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PYSR_LITE_JULIA", str(old))
    with pytest.raises(JuliaNotFoundError, match="is Julia 1.4.2, older than 1.5"):
        engine_module.find_julia()


def test_engine_rejects_invalid_options_with_exit_2(engine, tmp_path):
    """The real engine, on a run folder with an invalid value written by hand."""
    run_directory = tmp_path / "run"
    run_directory.mkdir()
    write_prepared_run_folder(run_directory, uniform_data(n_rows=10), np.ones(10), random_state=0)
    toml = run_directory / "options.toml"
    toml.write_text(toml.read_text().replace("populations = 31", "populations = -4"))
    report = engine.start(run_directory, 1).follow(verbosity=0)
    assert report.returncode == 2
    assert report.errors and "populations" in report.errors[0]
    with pytest.raises(EngineInputError, match="populations") as error:
        check_report(report)
    assert isinstance(error.value, ValueError)


def test_engine_command_is_the_protocol_one(engine):
    command = engine.command("/runs/r1", 3)
    image = [] if engine.system_image is None else [f"--sysimage={engine.system_image}"]
    target = [] if engine.cpu_target is None else [f"--cpu-target={engine.cpu_target}"]
    assert command == [
        engine.julia.executable, *image, *target, f"--project={engine.directory}", "--startup-file=no", "-t", "3",
        "-e", "using PySRLite; exit(PySRLite.main(ARGS))", "/runs/r1",
    ]
    assert (engine.directory / "Project.toml").is_file()


# ----------------------------------------------------------------------------------------------
# Damaged and hostile hall_of_fame.csv
# ----------------------------------------------------------------------------------------------


def make_run_folder(tmp_path, hall_of_fame_text):
    run_directory = tmp_path / "run"
    run_directory.mkdir(parents=True)
    write_prepared_run_folder(run_directory, uniform_data(n_rows=1), np.ones(1), random_state=0)
    (run_directory / "hall_of_fame.csv").write_text(hall_of_fame_text)
    return run_directory


@pytest.mark.parametrize(
    "text, error, message",
    [
        ('complexity,loss,equation\n1,0.5,"x0\n', HallOfFameError, "cannot be read as CSV"),
        ("complexity,loss\n1,0.5\n", HallOfFameError, "expected \\['complexity', 'loss', 'equation', 'dimensionally_consistent'\\]"),
        ('complexity,loss,equation,dimensionally_consistent\n1,0.5,"x0",maybe\n', HallOfFameError,
         "dimensionally_consistent must be true or false, got 'maybe'"),
        ("complexity,loss,equation\n", HallOfFameError, "holds no equation"),
        ("", HallOfFameError, "cannot be read as CSV"),
        ('complexity,loss,equation\n1,0.5,"x0"\n1,0.4,"x1"\n', HallOfFameError, "complexities must increase"),
        ('complexity,loss,equation\n1,NaN,"x0"\n', HallOfFameError, "loss must be finite"),
        ('complexity,loss,equation\n1,-1,"x0"\n', HallOfFameError, "loss must be finite and >= 0"),
        ('complexity,loss,equation\none,0.5,"x0"\n', HallOfFameError, "complexity 'one' is not a valid int"),
        ('complexity,loss,equation\n1,0.5,"x0",extra\n', HallOfFameError, "cannot be read as CSV"),
        ('complexity,loss,equation\n1,0.5,"x0"\n2,0.25,"x1",4\n', HallOfFameError, "cannot be read as CSV"),
        ('complexity,loss,equation\n1,0.5,"x0"\n3,0.25\n', HallOfFameError, "row 2 has no equation; is the file truncated"),
        ('complexity,loss,equation\n3,0.5,"(x0 * x9)"\n', EquationSyntaxError, "row 1 \\(complexity 3\\): unknown name 'x9'"),
        ('complexity,loss,equation\n5,0.5,"(x0 + "\n', EquationSyntaxError, "row 1"),
        # Found by tests/test_properties.py: an OverflowError from numpy's int64 column.
        ('complexity,loss,equation\n1,0.5,"x0"\n100000000000000000000000,0.25,"x1"\n', HallOfFameError,
         "row 2: complexity '100000000000000000000000' is larger than any the engine writes"),
    ],
)
def test_damaged_hall_of_fame_fails_clearly(tmp_path, text, error, message):
    run_directory = make_run_folder(tmp_path, text)
    with pytest.raises(error, match=message):
        load_result(run_directory)


def test_hostile_equations_are_never_executed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for hostile in [
        "__import__('os').system('touch pwned')",
        "x0.__class__.__bases__[0].__subclasses__()",
        "exec(\"\"open('pwned','w')\"\")",
        "lambda: 0",
    ]:
        run_directory = make_run_folder(tmp_path / str(abs(hash(hostile))), f'complexity,loss,equation\n1,0.5,"{hostile}"\n')
        with pytest.raises((EquationSyntaxError, HallOfFameError)):
            load_result(run_directory)
    assert not (tmp_path / "pwned").exists()



def test_hostile_fronts_stay_quick_and_errors_name_the_file_and_row(tmp_path):
    """Issue 15: (2.0 ^ 1.0e10) took half a minute and gigabytes, a few hundred levels of nesting
    or max of an infinite constant escaped as raw sympy errors that named no file."""
    started = time.monotonic()
    quick = load_result(make_run_folder(tmp_path / "power", 'complexity,loss,equation\n3,0.5,"(2.0 ^ 1.0e10)"\n'))
    infinite = load_result(make_run_folder(tmp_path / "max", 'complexity,loss,equation\n5,0.5,"max((1.0e300 * 1.0e300), x0)"\n'))
    assert time.monotonic() - started < 5
    assert quick.sympy(0) == sympy.oo and len(infinite) == 1   # as the engine computes: Inf
    deep = "cos(" * 300 + "x0" + ")" * 300
    run_directory = make_run_folder(tmp_path / "deep", f'complexity,loss,equation\n1,0.5,"x0"\n301,0.25,"{deep}"\n')
    with pytest.raises(EquationSyntaxError, match="row 2 .*nested deeper than 100") as error:
        load_result(run_directory)
    assert str(run_directory / "hall_of_fame.csv") in str(error.value)


def test_load_result_of_a_folder_without_front(tmp_path):
    with pytest.raises(FileNotFoundError, match="no options.toml"):
        load_result(tmp_path)
    run_directory = make_run_folder(tmp_path, "")
    (run_directory / "hall_of_fame.csv").unlink()
    with pytest.raises(FileNotFoundError, match="no hall_of_fame.csv: the engine stopped before"):
        load_result(run_directory)


# ----------------------------------------------------------------------------------------------
# Crashes, interrupts and overdue engines
# ----------------------------------------------------------------------------------------------


def test_killed_engine_leaves_a_readable_partial_front(engine, fast_search):
    """SIGKILL the real (one-search) engine mid-search: search() raises EngineError carrying the last front."""
    output_directory = Path(fast_search["output_directory"])
    X = uniform_data(seed=9)
    y = np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3
    outcome = {}

    def run():
        try:
            outcome["result"] = search(X, y, unary_operators=["sin"], **ONE_PROCESS_PER_SEARCH,
                                       **dict(fast_search, niterations=100000, timeout_in_seconds=120))
        except BaseException as error:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 90
    while not list(output_directory.glob("*/hall_of_fame.csv")):
        assert time.monotonic() < deadline and thread.is_alive(), outcome
        time.sleep(0.1)
    (run_directory,) = run_folders(output_directory)
    pids = pids_running_in(run_directory)
    assert pids, "the engine process was not found"
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    thread.join(60)
    error = outcome.get("error")
    assert isinstance(error, EngineError), outcome
    assert error.returncode == -signal.SIGKILL
    assert "killed by signal 9" in str(error) and str(run_directory / "hall_of_fame.csv") in str(error)
    assert error.partial_result is not None and len(error.partial_result) >= 1
    again = load_result(run_directory)
    assert again.equations["equation"].tolist() == error.partial_result.equations["equation"].tolist()
    assert again.stats["reason"] == "incomplete"


def interrupt_when_front_exists(output_directory: Path, delay: float = 1.0):
    """Send SIGINT to this process (as Ctrl-C would) once a search under ``output_directory``
    has written its first front."""

    def wait_and_interrupt():
        deadline = time.monotonic() + 90
        while not list(Path(output_directory).glob("*/hall_of_fame.csv")):
            if time.monotonic() > deadline:
                return
            time.sleep(0.05)
        time.sleep(delay)
        os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=wait_and_interrupt, daemon=True)
    thread.start()
    return thread


def test_ctrl_c_returns_the_last_front(engine, fast_search):
    X = uniform_data(seed=10)
    y = np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3
    interrupt_when_front_exists(fast_search["output_directory"])
    result = search(X, y, unary_operators=["sin"], **dict(fast_search, niterations=100000, timeout_in_seconds=120))
    assert result.stats["reason"] == "interrupted"
    assert len(result) >= 1
    assert pids_running_in(result.run_directory) == []


def test_engine_stops_on_request_as_the_protocol_says(engine, fast_search):
    """Protocol: on a `stop` line the engine writes its front, prints `done reason=interrupted`, exits 0."""
    X = uniform_data(seed=11)
    y = np.exp(X[:, 0]) * np.sin(X[:, 1]) + X[:, 0] ** 3
    run_directory = Path(fast_search["output_directory"]) / "manual"
    write_prepared_run_folder(run_directory, X, y, **dict(fast_search, niterations=100000, unary_operators=["sin"]))
    process = engine.start(run_directory, 2)
    deadline = time.monotonic() + 90
    while not (run_directory / "hall_of_fame.csv").exists():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    process.process.stdin.write("stop\n")
    process.process.stdin.flush()
    report = process.follow(verbosity=0)
    assert report.done is not None and report.done["reason"] == "interrupted", report.stderr_tail[-2000:]
    assert report.returncode == 0


def test_fake_engine_crash_without_front(fake_julia, tmp_path):
    fake_julia("""
        import sys
        sys.stderr.write("ERROR: LoadError: something broke\\n")
        sys.exit(1)
    """)
    with pytest.raises(EngineError) as error:
        search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs", verbosity=0, random_state=0)
    message = str(error.value)
    assert "exit code 1" in message and "something broke" in message and "wrote no front" in message
    assert error.value.partial_result is None


def test_fake_engine_crash_after_a_front(fake_julia, tmp_path):
    fake_julia("""
        say("pysr_lite:start n_rows=5 n_features=2 threads=1 populations=31")
        write_front()
        say("pysr_lite:progress iteration=1 niterations=100 evals=1000 evals_per_second=500 seconds=2 best_loss=0.5 front_size=2")
        sys.exit(3)
    """)
    with pytest.raises(EngineError, match="exit code 3") as error:
        search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs", verbosity=0, random_state=0)
    partial = error.value.partial_result
    assert partial.equations["equation"].tolist() == ["x0", "(x0 * 2.0)"]
    assert partial.stats == {"evals": 1000, "evals_per_second": 500, "seconds": 2, "iterations": 1, "reason": "incomplete"}
    assert "load_result" in str(error.value)


def test_fake_engine_exit_2_is_a_value_error(fake_julia, tmp_path):
    fake_julia("""
        say("pysr_lite:error variable_names: 3 names for 2 features")
        sys.exit(2)
    """)
    with pytest.raises(ValueError, match="the engine rejected the run: variable_names: 3 names for 2 features"):
        search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs", verbosity=0, random_state=0)


def test_overdue_engine_is_stopped(fake_julia, tmp_path, monkeypatch):
    """An engine that ignores its deadline and even `stop` is killed just after the deadline; its
    front is returned."""
    fake_julia("""
        write_front()  # and never reads its stdin, so `stop` goes unheard
        say("pysr_lite:progress iteration=1 niterations=100 evals=10 evals_per_second=5 seconds=1 best_loss=0.5 front_size=2")
        time.sleep(120)
    """)
    started = time.monotonic()
    with pytest.warns(RuntimeWarning, match="overran timeout_in_seconds=2"):
        result = search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs", verbosity=0,
                        random_state=0, timeout_in_seconds=2)
    assert time.monotonic() - started < 2 + 1.5
    assert result.stats["reason"] == "timeout"
    assert len(result) == 2
    assert pids_running_in(result.run_directory) == []


def test_ctrl_c_before_any_front_propagates(fake_julia, tmp_path):
    fake_julia("""
        time.sleep(120)
    """)
    interrupt_at = time.monotonic() + 1.0

    def interrupt():
        time.sleep(max(0.0, interrupt_at - time.monotonic()))
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs", verbosity=0, random_state=0)
    (run_directory,) = run_folders(tmp_path / "outputs")
    assert pids_running_in(run_directory) == []


def test_progress_is_printed_when_verbose(fake_julia, tmp_path, capsys):
    fake_julia("""
        say("pysr_lite:start n_rows=5 n_features=2 threads=1 populations=31")
        say("pysr_lite:compiled iteration=0 seconds=0.5")
        say("Compiling the engine...")
        write_front()
        say("pysr_lite:progress iteration=1 niterations=2 evals=1000 evals_per_second=500 seconds=2 best_loss=0.5 front_size=2")
        say("pysr_lite:progress iteration=2 niterations=2 evals=2000 evals_per_second=500 seconds=4 best_loss=0.5 front_size=2")
        say("pysr_lite:done reason=niterations iterations=2 evals=2000 evals_per_second=500 seconds=4")
    """)
    result = search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs", random_state=0)
    printed = capsys.readouterr().out
    assert "Engine started: 5 rows, 2 features, 1 threads, 31 populations" in printed
    assert "Compiling the engine..." in printed
    assert "Progress: 2 / 2 iterations (100.0%) | 5.00e+02 evals/s | best loss 5.000e-01 | front 2" in printed
    assert "Done (niterations): 2 iterations" in printed
    assert result.stats["reason"] == "niterations"
    quiet = search(uniform_data(n_rows=5), np.ones(5), **ONE_PROCESS_PER_SEARCH, output_directory=tmp_path / "outputs", random_state=0, verbosity=0)
    assert capsys.readouterr().out == ""
    assert (quiet.run_directory / "engine_stdout.log").read_text().count("pysr_lite:") == 5
