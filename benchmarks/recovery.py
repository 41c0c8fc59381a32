"""Search-quality benchmark: does a tool find the exact equation behind the data?

Runs pysr_lite, pyoperon and gplearn one after another on every problem of ``problems.py`` with
the same wall-clock budget, thread count and seed, judges every final model with one rule, and
writes a markdown report (docs/benchmarks.md by default)::

    bash benchmarks/setup_recovery.sh
    benchmarks/.venv-recovery/bin/python benchmarks/recovery.py --seconds 30 --threads 2

The module has five parts: the recovery rule (``judge``), reading each tool's model into sympy,
the tool runners (one per tool, each in its own process so that a crash or a hang is recorded as
that run's failure), the summary, and the report. pyoperon and gplearn are imported only inside
their runners: the rule and the problem set work without them (tests/test_benchmark_problems.py).

The recovery rule, applied identically to every tool (``judge``)
-------------------------------------------------------------------
A model (the tool's single final model, as a sympy expression over the problem's variables) is an
**exact recovery** when either

1. *symbolic*: after every floating-point constant of the model, and every constant of the truth
   (pi, sqrt(2), 3/2 ... evaluated to floats), is rounded to ``SIGNIFICANT_DIGITS`` = 3
   significant digits and made an exact rational, ``sympy.simplify(model - truth) == 0``
   (variables carry the sign of their training range, e.g. positive; at most
   ``SIMPLIFY_SECONDS`` per check); or
2. *numeric* (for forms sympy cannot reconcile, and constants just across a rounding boundary
   such as 0.9994 vs 1): the model is finite on every test and extrapolation point and
   ``max |model - truth| <= NUMERIC_TOLERANCE * rms(truth)`` over those points, with
   ``NUMERIC_TOLERANCE = 1e-3`` ("right to about three significant digits"), noisy problems
   included: with 1,000 rows and 1 % noise, constants are determined to a few 1e-4.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as _datetime
import json
import math
import multiprocessing
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import sympy
from sympy.parsing.sympy_parser import parse_expr

from problems import FEYNMAN_UNITS, PROBLEMS, Dataset, Problem, make_dataset, problem_units, select_problems

REPOSITORY = Path(__file__).resolve().parent.parent
TOOLS = ("pysr_lite", "pyoperon", "gplearn")

SIGNIFICANT_DIGITS = 3
NUMERIC_TOLERANCE = 1e-3
SIMPLIFY_SECONDS = 10.0
# Tools stop early once the training error is this small relative to the target's spread:
# pysr_lite's loss (MSE) <= 1e-10 var(y); gplearn's MAE <= 1e-5 std(y). Far below any noise
# level, so it only stops runs that fit the (noiseless) data to rounding error.
EARLY_STOP_RELATIVE_MSE = 1e-10
# A run whose process outlives budget * 2 + this is killed and recorded as a timeout.
RUN_GRACE_SECONDS = 180.0


# ==============================================================================================
# The recovery rule
# ==============================================================================================


class SimplifyTimeout(BaseException):
    """Raised by the alarm inside sympy (BaseException, so sympy's ``except Exception`` lets it through)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise SimplifyTimeout after ``seconds`` (main thread only; elsewhere: no limit)."""
    import threading

    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(_signum, _frame):
        raise SimplifyTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def round_constants(expression: sympy.Expr, digits: int = SIGNIFICANT_DIGITS) -> sympy.Expr:
    """Every Float rounded to ``digits`` significant digits, as an exact Rational.

    >>> x = sympy.Symbol("x")
    >>> round_constants(2.5000001 * x + 0.39894228)
    5*x/2 + 399/1000
    """
    replacements = {}
    for constant in expression.atoms(sympy.Float):
        value = float(constant)
        if math.isfinite(value):
            replacements[constant] = sympy.Rational(format(value, f".{digits - 1}e")) if value else sympy.Integer(0)
    return expression.xreplace(replacements)


def symbolic_match(candidate: sympy.Expr, truth: sympy.Expr, *, digits: int = SIGNIFICANT_DIGITS,
                   seconds: float = SIMPLIFY_SECONDS) -> bool:
    """Rule 1: equal after rounding every constant (of both) to ``digits`` significant digits."""
    if candidate.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return False
    difference = round_constants(candidate, digits) - round_constants(truth.evalf(), digits)
    try:
        with time_limit(seconds):
            if difference == 0 or sympy.expand(difference) == 0:
                return True
            return sympy.simplify(difference) == 0
    except SimplifyTimeout:
        return False
    except (TypeError, ValueError, ZeroDivisionError, RecursionError, AttributeError, NotImplementedError):
        return False  # sympy gives up on some expressions; the numeric rule still applies


def evaluate_expression(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray) -> np.ndarray:
    """``expression`` at the rows of X (NaN where it is undefined or complex)."""
    function = sympy.lambdify(list(symbols), expression, modules="numpy")
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        values = np.asarray(function(*np.asarray(X, dtype=np.float64).T))
    if np.iscomplexobj(values):
        values = np.where(np.abs(values.imag) > 0, np.nan, values.real)
    return np.broadcast_to(values.astype(np.float64), (X.shape[0],)).copy()


def relative_deviation(candidate: sympy.Expr, problem: Problem, data: Dataset) -> float:
    """max |candidate - truth| / rms(truth) over the test and extrapolation points (inf if undefined)."""
    X = np.vstack([data.X_test, data.X_extrapolation])
    truth = np.concatenate([data.y_test, data.y_extrapolation])
    try:
        values = evaluate_expression(candidate, problem.symbols, X)
    except Exception:  # a model numpy cannot evaluate is simply not a match
        return math.inf
    if not np.all(np.isfinite(values)):
        return math.inf
    scale = float(np.sqrt(np.mean(truth**2)))
    return float(np.max(np.abs(values - truth)) / scale) if scale > 0 else float(np.max(np.abs(values)))


@dataclass(frozen=True)
class Verdict:
    """The rule's answer: recovered or not, by which test, and the numeric deviation."""

    recovered: bool
    how: str  # "symbolic", "numeric" or ""
    deviation: float


def judge(candidate: sympy.Expr | None, problem: Problem, data: Dataset, *,
          simplify_seconds: float = SIMPLIFY_SECONDS) -> Verdict:
    """Apply the recovery rule (module docstring) to one model of ``problem``.

    ``candidate`` must be written in ``problem.symbols`` (see ``in_problem_symbols``).
    """
    if candidate is None:
        return Verdict(False, "", math.inf)
    deviation = relative_deviation(candidate, problem, data)
    if not candidate.free_symbols <= set(problem.symbols):
        return Verdict(False, "", deviation)
    if symbolic_match(candidate, problem.expression, seconds=simplify_seconds):
        return Verdict(True, "symbolic", deviation)
    if deviation <= NUMERIC_TOLERANCE:
        return Verdict(True, "numeric", deviation)
    return Verdict(False, "", deviation)


def in_problem_symbols(expression: sympy.Expr, problem: Problem) -> sympy.Expr:
    """A model over ``x0, x1, ...`` (column order) rewritten in the problem's own symbols."""
    by_name = {f"x{index}": symbol for index, symbol in enumerate(problem.symbols)}
    return expression.xreplace({s: by_name[s.name] for s in expression.free_symbols if s.name in by_name})


def r2_score(y_true: np.ndarray, y_predicted: np.ndarray) -> float:
    """Coefficient of determination; -inf when a prediction is not finite."""
    y_predicted = np.asarray(y_predicted, dtype=np.float64)
    if y_predicted.shape != y_true.shape or not np.all(np.isfinite(y_predicted)):
        return -math.inf
    total = float(np.sum((y_true - y_true.mean()) ** 2))
    residual = float(np.sum((y_true - y_predicted) ** 2))
    if total == 0:
        return 1.0 if residual == 0 else -math.inf
    return 1.0 - residual / total


# ==============================================================================================
# Reading each tool's model into sympy
# ==============================================================================================

SYMPY_FUNCTIONS = {"sqrt": sympy.sqrt, "exp": sympy.exp, "log": sympy.log, "sin": sympy.sin,
                   "cos": sympy.cos, "abs": sympy.Abs}


def column_symbols(count: int) -> list[sympy.Symbol]:
    return [sympy.Symbol(f"x{index}") for index in range(count)]


def pyoperon_to_sympy(text: str, n_features: int) -> sympy.Expr:
    """pyoperon's infix model string (variables named x0, x1, ... by us) as sympy.

    >>> pyoperon_to_sympy("((-0.5) + (2.0 * sqrt((x0 * x1))))", 2)
    2.0*sqrt(x0*x1) - 0.5
    """
    names = {symbol.name: symbol for symbol in column_symbols(n_features)}
    return parse_expr(text.replace("^", "**"), local_dict={**names, **SYMPY_FUNCTIONS}, evaluate=True)


def _guarded(argument: sympy.Expr, function: Callable[[sympy.Expr], sympy.Expr], fallback: int) -> sympy.Expr:
    """gplearn's guard for a constant argument: ``fallback`` when |argument| < 0.001."""
    if argument.is_number and abs(complex(argument)) < 0.001:
        return sympy.Integer(fallback)
    return function(argument)


# gplearn's protected functions: div, inv and log return a constant (1, 0, 0) where |x| < 0.001,
# which is applied exactly for constant arguments and ignored for expressions (the guard zone is
# a set of measure ~0 there); sqrt and log take |x|.
GPLEARN_SYMPY: dict[str, Callable[..., sympy.Expr]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: _guarded(b, lambda d: a / d, 1),
    "sqrt": lambda a: sympy.sqrt(sympy.Abs(a)),
    "log": lambda a: _guarded(a, lambda x: sympy.log(sympy.Abs(x)), 0),
    "exp": sympy.exp,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "neg": lambda a: -a,
    "inv": lambda a: _guarded(a, lambda x: 1 / x, 0),
    "abs": sympy.Abs,
}


def gplearn_to_sympy(program: Sequence[Any], n_features: int) -> sympy.Expr:
    """A gplearn program (its prefix list of functions, feature indices and constants) as sympy.

    Read from the list rather than ``str(program)``, which rounds constants to 3 decimals.
    """
    symbols = column_symbols(n_features)
    stack: list[sympy.Expr] = []
    for node in reversed(list(program)):
        if hasattr(node, "arity"):
            arguments = [stack.pop() for _ in range(node.arity)]
            stack.append(GPLEARN_SYMPY[node.name](*arguments))
        elif isinstance(node, (int, np.integer)) and not isinstance(node, bool):
            stack.append(symbols[int(node)])
        else:
            stack.append(sympy.Float(float(node)))
    if len(stack) != 1:
        raise ValueError(f"malformed gplearn program {program!r}")
    return stack[0]


# ==============================================================================================
# Tool runners (each runs inside its own process, see run_isolated)
# ==============================================================================================


@dataclass
class ToolOutput:
    """What a runner hands back: the final model, its predictions and how the run went."""

    expression: Any  # sympy over x0, x1, ... (or None)
    predictions_test: np.ndarray
    predictions_extrapolation: np.ndarray
    seconds: float  # wall time of the tool's own call(s), Julia start included for pysr_lite
    stopped_early: bool
    details: dict[str, Any] = field(default_factory=dict)
    front: list[tuple[int, float, Any]] = field(default_factory=list)  # pysr_lite: (complexity, loss, sympy)


@dataclass(frozen=True)
class RunSettings:
    seconds: float
    threads: int
    seed: int
    runs_directory: str
    pysr_lite_warm: bool = False  # an untimed small search first, so the timed one finds the engine compiled
    pysr_lite_options: dict = field(default_factory=dict)  # changes to pysr_lite's defaults (A/B runs)


def early_stop_mse(y: np.ndarray) -> float:
    return EARLY_STOP_RELATIVE_MSE * float(np.var(y))


def iteration_timing(log: Path) -> dict[str, float]:
    """From the engine's progress lines (docs/protocol.md): when the first iteration ended, which
    includes compiling the search code, and the median duration of the later ones."""
    ends = []
    with contextlib.suppress(OSError):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("pysr_lite:progress "):
                fields = dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)
                with contextlib.suppress(KeyError, ValueError):
                    ends.append(float(fields["seconds"]))
    timing: dict[str, float] = {}
    if ends:
        timing["first_iteration_seconds"] = ends[0]
    if len(ends) > 2:
        timing["later_iteration_seconds"] = float(np.median(np.diff(ends[1:])))
    return timing


@contextlib.contextmanager
def _engine_closed(pysr_lite_module) -> Iterator[None]:
    """Stop pysr_lite's cached engine process after the search: the runner's process ends with
    os._exit (multiprocessing), which skips the atexit hook that would otherwise stop it."""
    try:
        yield
    finally:
        close = getattr(pysr_lite_module, "close_engine", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()


def run_pysr_lite(problem: Problem, data: Dataset, settings: RunSettings) -> ToolOutput:
    """pysr_lite with its default search options; budget, threads, seed and early stop set."""
    import pysr_lite

    operators = dict(binary_operators=list(problem.binary_operators), unary_operators=list(problem.unary_operators))
    with warnings.catch_warnings(record=True) as caught, _engine_closed(pysr_lite):
        warnings.simplefilter("always")
        if settings.pysr_lite_warm:
            # Untimed: starts the (persistent) engine and compiles the search, as a session's
            # earlier searches would have done; the timed search below then reuses that engine.
            rows = slice(0, min(50, len(data.X_train)))
            pysr_lite.search(data.X_train[rows], data.y_train[rows], **operators, niterations=1, populations=2,
                             ncycles_per_iteration=20, threads=settings.threads, random_state=settings.seed,
                             verbosity=0, output_directory=settings.runs_directory)
        start = time.perf_counter()
        result = pysr_lite.search(
            data.X_train,
            data.y_train,
            **operators,
            timeout_in_seconds=settings.seconds,
            niterations=10**6,
            threads=settings.threads,
            random_state=settings.seed,
            early_stop_condition=early_stop_mse(data.y_train),
            verbosity=0,
            output_directory=settings.runs_directory,
            **settings.pysr_lite_options,
        )
        seconds = time.perf_counter() - start
    best = result.best()
    stats = dict(result.stats)
    search_seconds = stats.get("seconds")
    details = {
        "stop_reason": stats.get("reason"),
        "iterations": stats.get("iterations"),
        "evaluations": stats.get("evals"),
        "search_seconds": search_seconds,
        "startup_seconds": seconds - search_seconds if isinstance(search_seconds, (int, float)) else None,
        "best_complexity": best.complexity,
        "best_loss": best.loss,
        "run_directory": str(result.run_directory),
        "warnings": [str(w.message) for w in caught],
    }
    details.update(iteration_timing(Path(result.run_directory) / "engine_stdout.log"))
    front = [(int(row.complexity), float(row.loss), row.sympy_format) for row in result.equations.itertuples()]
    return ToolOutput(
        expression=best.sympy(),
        predictions_test=best.predict(data.X_test),
        predictions_extrapolation=best.predict(data.X_extrapolation),
        seconds=seconds,
        stopped_early=stats.get("reason") == "early_stop",
        details=details,
        front=front,
    )


PYOPERON_SYMBOLS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "sqrt": "sqrt", "exp": "exp",
                    "log": "log", "sin": "sin", "cos": "cos"}


def run_pyoperon(problem: Problem, data: Dataset, settings: RunSettings) -> ToolOutput:
    """pyoperon's SymbolicRegressor, default options except budget, threads, seed and symbols.

    Its generation and evaluation limits are lifted so that, as for the other tools, the time
    budget is what ends the run (pyoperon 0.6.2's scikit-learn wrapper has no early stop).
    """
    from pyoperon.sklearn import SymbolicRegressor

    symbols = ",".join([PYOPERON_SYMBOLS[operator] for operator in problem.operators] + ["constant", "variable"])
    model = SymbolicRegressor(
        allowed_symbols=symbols,
        max_time=max(1, int(round(settings.seconds))),  # whole seconds in pyoperon
        n_threads=settings.threads,
        random_state=settings.seed,
        generations=10**9,
        max_evaluations=10**15,
    )
    start = time.perf_counter()
    model.fit(data.X_train, data.y_train)
    seconds = time.perf_counter() - start
    names = [symbol.name for symbol in column_symbols(len(problem.variables))]
    text = model.get_model_string(model.model_, 16, names=names)
    return ToolOutput(
        expression=pyoperon_to_sympy(text, len(problem.variables)),
        predictions_test=np.asarray(model.predict(data.X_test), dtype=np.float64),
        predictions_extrapolation=np.asarray(model.predict(data.X_extrapolation), dtype=np.float64),
        seconds=seconds,
        stopped_early=False,
        details={"generations": model.stats_.get("generations"), "evaluations": model.stats_.get("evaluation_count"),
                 "model_length": model.stats_.get("model_length"), "model_string": text},
    )


def _protected_exp(x: np.ndarray) -> np.ndarray:
    # gplearn has no exp; its functions must stay finite, hence the cap (e^100 ~ 2.7e43).
    return np.exp(np.minimum(x, 100.0))


GPLEARN_FUNCTIONS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "sqrt": "sqrt", "log": "log",
                     "sin": "sin", "cos": "cos"}


def run_gplearn(problem: Problem, data: Dataset, settings: RunSettings) -> ToolOutput:
    """gplearn's SymbolicRegressor, default options, run one generation at a time (warm_start)
    until the budget would be exceeded by another generation or the MAE reaches the early stop."""
    from gplearn.functions import make_function
    from gplearn.genetic import SymbolicRegressor

    function_set = []
    for operator in problem.operators:
        if operator == "exp":
            function_set.append(make_function(function=_protected_exp, name="exp", arity=1))
        else:
            function_set.append(GPLEARN_FUNCTIONS[operator])
    threshold = math.sqrt(early_stop_mse(data.y_train))
    model = SymbolicRegressor(
        function_set=tuple(function_set),
        n_jobs=settings.threads,
        random_state=settings.seed,
        stopping_criteria=threshold,
        warm_start=True,
        generations=1,
    )
    start = time.perf_counter()
    generations, last_generation_seconds, stopped_early = 0, 0.0, False
    while True:
        generation_start = time.perf_counter()
        generations += 1
        model.set_params(generations=generations)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(data.X_train, data.y_train)
        last_generation_seconds = time.perf_counter() - generation_start
        if model.run_details_["best_fitness"][-1] <= threshold:
            stopped_early = True
            break
        if time.perf_counter() - start + last_generation_seconds > settings.seconds:
            break
    seconds = time.perf_counter() - start
    return ToolOutput(
        expression=gplearn_to_sympy(model._program.program, len(problem.variables)),
        predictions_test=np.asarray(model.predict(data.X_test), dtype=np.float64),
        predictions_extrapolation=np.asarray(model.predict(data.X_extrapolation), dtype=np.float64),
        seconds=seconds,
        stopped_early=stopped_early,
        details={"generations": generations, "program": str(model._program),
                 "last_generation_seconds": last_generation_seconds},
    )


RUNNERS: dict[str, Callable[[Problem, Dataset, RunSettings], ToolOutput]] = {
    "pysr_lite": run_pysr_lite,
    "pyoperon": run_pyoperon,
    "gplearn": run_gplearn,
}


def _run_in_child(connection, tool: str, problem: Problem, data: Dataset, settings: RunSettings) -> None:
    os.setsid()  # its own process group: a timeout kills the tool's helpers (julia, joblib) too
    try:
        output = RUNNERS[tool](problem, data, settings)
        connection.send(("ok", output))
    except BaseException as error:  # the parent records it; nothing may escape a child
        connection.send(("error", f"{type(error).__name__}: {error}".strip()[:2000] + "\n" + traceback.format_exc()[-3000:]))
    finally:
        connection.close()


def _kill_group(pid: int) -> None:
    """SIGKILL the process group a runner's child leads (the child, julia, joblib workers)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_isolated(tool: str, problem: Problem, data: Dataset, settings: RunSettings) -> tuple[str, Any]:
    """Run one tool on one problem in a forked process: ("ok", ToolOutput), ("error", text)
    or ("timeout", text). A crash, a hang or an exception never stops the benchmark."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run_in_child, args=(sender, tool, problem, data, settings), daemon=False)
    process.start()
    sender.close()
    deadline = time.monotonic() + 2 * settings.seconds + RUN_GRACE_SECONDS
    outcome: tuple[str, Any] | None = None
    try:
        while outcome is None:
            if receiver.poll(1.0):
                try:
                    outcome = receiver.recv()
                except EOFError:
                    outcome = ("error", f"the {tool} process died (exit code {process.exitcode})")
            elif not process.is_alive():
                outcome = ("error", f"the {tool} process died without an answer (exit code {process.exitcode})")
            elif time.monotonic() > deadline:
                outcome = ("timeout", f"killed after {2 * settings.seconds + RUN_GRACE_SECONDS:.0f} s")
    finally:
        if outcome is None or outcome[0] == "timeout":  # a hang, or Ctrl-C in the parent
            _kill_group(process.pid)
        process.join(timeout=10)
        # Whatever the child leaves behind in its group (an engine, joblib workers) goes too.
        _kill_group(process.pid)
        process.join(timeout=10)
        receiver.close()
    return outcome


# ==============================================================================================
# One run's record, and the summary
# ==============================================================================================


@dataclass
class RunRecord:
    """One tool on one problem, judged."""

    problem: str
    tool: str
    status: str  # "ok", "error" or "timeout"
    error: str = ""
    seconds: float = math.nan
    expression: str = ""
    recovered: bool = False
    how: str = ""
    deviation: float = math.inf
    r2_test: float = -math.inf
    r2_extrapolation: float = -math.inf
    stopped_early: bool = False
    front_recovered: bool | None = None  # pysr_lite only: any equation of the front exact?
    front_exact_complexities: list[int] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    front: list[dict[str, Any]] = field(default_factory=list)


def display_expression(expression: sympy.Expr, problem: Problem, digits: int = 4) -> str:
    """The model with constants at ``digits`` significant digits and the problem's variable names."""
    rounded = expression.xreplace({c: sympy.Float(float(c), digits) for c in expression.atoms(sympy.Float)})
    plain = {symbol: sympy.Symbol(symbol.name) for symbol in rounded.free_symbols}
    return sympy.sstr(rounded.xreplace(plain))


def judge_run(tool: str, problem: Problem, data: Dataset, outcome: tuple[str, Any]) -> RunRecord:
    """Judge one run's outcome; a model the judging itself cannot handle is recorded, not raised."""
    try:
        return _judge_run(tool, problem, data, outcome)
    except Exception as error:  # e.g. a model sympy cannot print or numpy cannot evaluate
        seconds = outcome[1].seconds if outcome[0] == "ok" else math.nan
        return RunRecord(problem=problem.name, tool=tool, status="error", seconds=seconds,
                         error=f"judging failed: {type(error).__name__}: {error}\n{traceback.format_exc()[-2000:]}")


def _judge_run(tool: str, problem: Problem, data: Dataset, outcome: tuple[str, Any]) -> RunRecord:
    status, payload = outcome
    if status != "ok":
        return RunRecord(problem=problem.name, tool=tool, status=status, error=str(payload))
    output: ToolOutput = payload
    record = RunRecord(problem=problem.name, tool=tool, status="ok", seconds=output.seconds,
                       stopped_early=output.stopped_early, details=output.details)
    if output.expression is not None:
        candidate = in_problem_symbols(sympy.sympify(output.expression), problem)
        verdict = judge(candidate, problem, data)
        record.expression = display_expression(candidate, problem)
        record.recovered, record.how, record.deviation = verdict.recovered, verdict.how, verdict.deviation
        # Cross-check of our parser: the sympy model must predict what the tool predicts.
        try:
            ours = evaluate_expression(candidate, problem.symbols, data.X_test)
        except Exception:
            ours = np.full(len(data.X_test), np.nan)
        tools = np.asarray(output.predictions_test, dtype=np.float64)
        # (gplearn's guards, e.g. x/y = 1 where |y| < 0.001, may differ on a few points: tolerated.)
        scale = 1e-6 * (float(np.std(data.y_test)) + 1e-300)
        agree = np.isclose(ours, tools, rtol=1e-3, atol=scale) | (~np.isfinite(ours) & ~np.isfinite(tools))
        if agree.mean() < 0.99:
            record.details["parse_mismatch"] = f"{1 - agree.mean():.0%} of test points"
    record.r2_test = r2_score(data.y_test, output.predictions_test)
    record.r2_extrapolation = r2_score(data.y_extrapolation, output.predictions_extrapolation)
    if tool == "pysr_lite":
        exact = []
        for complexity, loss, expression in output.front:
            candidate = in_problem_symbols(sympy.sympify(expression), problem)
            verdict = judge(candidate, problem, data, simplify_seconds=5.0)
            record.front.append({"complexity": complexity, "loss": loss, "expression": display_expression(candidate, problem),
                                 "recovered": verdict.recovered, "deviation": verdict.deviation})
            if verdict.recovered:
                exact.append(complexity)
        record.front_recovered = bool(exact) or record.recovered
        record.front_exact_complexities = exact
    return record


def median(values: Sequence[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return float(np.median(values)) if values else math.nan


@dataclass
class ToolSummary:
    tool: str
    problems: int
    recovered: int
    recovered_noiseless: int
    recovered_noisy: int
    median_r2_test: float
    median_r2_extrapolation: float
    median_seconds_to_solution: float
    median_seconds: float
    failures: int
    front_recovered: int | None = None
    median_startup_seconds: float | None = None
    median_first_iteration_seconds: float | None = None
    median_later_iteration_seconds: float | None = None


def summarize(records: Sequence[RunRecord], problems: Sequence[Problem], tool: str) -> ToolSummary:
    noisy = {problem.name for problem in problems if problem.noise > 0}
    mine = [record for record in records if record.tool == tool]
    recovered = [record for record in mine if record.recovered]
    summary = ToolSummary(
        tool=tool,
        problems=len(mine),
        recovered=len(recovered),
        recovered_noiseless=sum(record.problem not in noisy for record in recovered),
        recovered_noisy=sum(record.problem in noisy for record in recovered),
        median_r2_test=median([record.r2_test for record in mine]),
        median_r2_extrapolation=median([record.r2_extrapolation for record in mine]),
        median_seconds_to_solution=median([record.seconds for record in recovered]),
        median_seconds=median([record.seconds for record in mine if record.status == "ok"]),
        failures=sum(record.status != "ok" for record in mine),
    )
    if tool == "pysr_lite":
        summary.front_recovered = sum(bool(record.front_recovered) for record in mine)
        def median_detail(key: str) -> float:
            values = [record.details.get(key) for record in mine]
            return median([value for value in values if isinstance(value, (int, float))])

        summary.median_startup_seconds = median_detail("startup_seconds")
        summary.median_first_iteration_seconds = median_detail("first_iteration_seconds")
        summary.median_later_iteration_seconds = median_detail("later_iteration_seconds")
    return summary


# ==============================================================================================
# The report
# ==============================================================================================


def machine_description() -> dict[str, str]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        nproc = str(os.cpu_count())
    return {"nproc": nproc, "cpu": cpu, "memory": memory, "os": platform.platform(),
            "load": " ".join(f"{value:.2f}" for value in os.getloadavg())}


def tool_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for name in ("pysr_lite", "pyoperon", "gplearn", "scikit-learn", "numpy", "sympy", "pandas"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    try:
        julia = os.environ.get("PYSR_LITE_JULIA") or "julia"
        text = subprocess.run([julia, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
        versions["julia"] = text.replace("julia version", "").strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        versions["julia"] = "not found"
    source = pysr_lite_source()
    if source is not None:
        where = str(source)
        try:
            commit = subprocess.run(["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
                                    capture_output=True, text=True, timeout=10).stdout.strip()
            dirty = subprocess.run(["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no",
                                    "--", "pysr_lite", "julia", "src", "Project.toml"],
                                   capture_output=True, text=True, timeout=10).stdout.strip()
            if commit:
                where += f" at commit {commit}" + (" with uncommitted changes" if dirty else "")
        except (OSError, subprocess.SubprocessError):
            pass
        versions["pysr_lite source"] = where
    return versions


def pysr_lite_source() -> Path | None:
    """The checkout that ``import pysr_lite`` loads (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("pysr_lite")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).resolve().parent.parent


def source_fingerprint() -> str:
    """A hash of pysr_lite's Python and Julia sources: a change during a run is reported."""
    import hashlib

    source = pysr_lite_source()
    if source is None:
        return "unknown"
    digest = hashlib.sha256()
    patterns = ["pysr_lite/**/*.py", "julia/**/*.jl", "src/**/*.jl", "Project.toml"]
    for path in sorted({p for pattern in patterns for p in source.glob(pattern)}):
        if "_julia_engine" in path.parts:
            continue
        digest.update(str(path.relative_to(source)).encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def format_r2(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if value == -math.inf:
        return "-inf"
    if value == 1.0:
        return "1"
    if value > 0.999:
        return f"1-{1 - value:.0e}"
    if value < -1000:
        return f"{value:.2e}"
    return f"{value:.4f}"


def format_seconds(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.1f}"


def format_deviation(value: float) -> str:
    return "inf" if not math.isfinite(value) else f"{value:.1e}"


def summary_rows(summaries: Sequence[ToolSummary], noisy_count: int) -> tuple[list[str], list[list[str]]]:
    header = ["tool", "exact recoveries", f"of which noisy ({noisy_count})", "median R² test",
              "median R² extrapolation", "median s to solution", "median s per run", "failed runs",
              "pysr_lite: exact anywhere on front"]
    rows = []
    for s in summaries:
        rows.append([s.tool, f"{s.recovered}/{s.problems}", str(s.recovered_noisy), format_r2(s.median_r2_test),
                     format_r2(s.median_r2_extrapolation), format_seconds(s.median_seconds_to_solution),
                     format_seconds(s.median_seconds), str(s.failures),
                     "" if s.front_recovered is None else f"{s.front_recovered}/{s.problems}"])
    return header, rows


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = lambda row: "  ".join(str(x).ljust(w) for x, w in zip(row, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(row) for row in rows])


def run_note(record: RunRecord) -> str:
    """Why a run did not count, in a few words (and pysr_lite's front when it matters)."""
    if record.status != "ok":
        return f"{record.status}: {record.error.splitlines()[0][:120]}"
    notes = []
    if record.recovered:
        notes.append(f"{record.how}")
        if record.stopped_early:
            notes.append("stopped early")
    elif math.isfinite(record.deviation) and record.deviation < 0.01:
        notes.append("near miss (max dev. < 1 %)")
    if record.tool == "pysr_lite" and not record.recovered and record.front_recovered:
        notes.append(f"exact on front at complexity {record.front_exact_complexities}, best() chose {record.details.get('best_complexity')}")
    if record.details.get("parse_mismatch"):
        notes.append(f"our float64 reading of the model differs from the tool's own predictions on "
                     f"{record.details['parse_mismatch']} (float32 evaluation in the tool, or a guard of a protected "
                     "function, on a numerically sensitive model)")
    return "; ".join(notes)


def per_problem_rows(records: Sequence[RunRecord], problems: Sequence[Problem], tools: Sequence[str]) -> list[list[str]]:
    by_key = {(record.problem, record.tool): record for record in records}
    rows = []
    for problem in problems:
        first = True
        for tool in tools:
            record = by_key.get((problem.name, tool))
            if record is None:
                continue
            truth = sympy.sstr(problem.expression.xreplace({s: sympy.Symbol(s.name) for s in problem.symbols}))
            rows.append([
                problem.name if first else "",
                f"`{truth}`" if first else "",
                (f"{problem.noise:.0%}" if problem.noise else "0") if first else "",
                tool,
                "yes" if record.recovered else "no",
                format_r2(record.r2_test),
                format_r2(record.r2_extrapolation),
                format_seconds(record.seconds),
                format_deviation(record.deviation),
                f"`{record.expression}`" if record.expression else "",
                run_note(record),
            ])
            first = False
    return rows


METHOD = """\
## Method

- **Same conditions for every tool.** The tools run one after another on each problem, in the same
  process tree, with the same wall-clock budget, thread count and seed. Each run happens in its own
  forked process, so a crash or a hang is recorded as that run's failure.
- **Operators.** Each problem declares one operator set (`+ - * /` plus the unary functions its
  formula family needs; the Nguyen problems get their published set `sin cos exp log`), given to
  every tool: pysr_lite's `binary_operators`/`unary_operators`, pyoperon's `allowed_symbols` (plus
  `constant,variable`), gplearn's `function_set` (gplearn has no `exp`: a custom `exp` capped at
  e^100 is added with `make_function`; its `sqrt`, `log` and `/` are its protected versions).
- **pysr_lite**: `pysr_lite.search(X, y, timeout_in_seconds=budget, niterations=10**6,
  threads=threads, random_state=seed, verbosity=0, early_stop_condition=1e-10*var(y))`, every search
  option at its default. Its final model is `result.best()` (PySR's rule: highest score among the
  equations whose loss is within 1.5x of the lowest). Each run is a fresh Python process, so
  pysr_lite starts a new Julia engine every time (what one `search()` in a new session costs; later
  searches of a session reuse it). Its budget is measured by the engine; what happens before its
  clock starts is included in the seconds reported (see "pysr_lite start-up" above).
- **pyoperon**: `pyoperon.sklearn.SymbolicRegressor(allowed_symbols=..., max_time=budget,
  n_threads=threads, random_state=seed, generations=10**9, max_evaluations=10**15)`, defaults
  otherwise (the two limits are lifted so the time budget ends the run, as for the other tools;
  `max_time` is whole seconds). Its final model is `model_` (chosen by its default, minimum
  description length). It has no early stop in this API: every run uses the whole budget.
- **gplearn**: `SymbolicRegressor(function_set=..., n_jobs=threads, random_state=seed,
  stopping_criteria=1e-5*std(y), warm_start=True)`, defaults otherwise; it is fitted one generation
  at a time (`warm_start`) and stops when another generation (timed as long as the previous one)
  would exceed the budget, or when its MAE reaches `stopping_criteria`.
- **Exact recovery** (the same rule for every tool's single final model): (1) *symbolic*: every
  floating-point constant of the model and of the truth (pi, sqrt(2), 3/2 ... evaluated) is rounded
  to 3 significant digits and made an exact rational; the model counts if `sympy.simplify(model -
  truth) == 0` (variables carry the sign of their training range; 10 s limit per check); or (2)
  *numeric*, for forms sympy does not reconcile and constants just across a rounding boundary: the
  model is finite on all test and extrapolation points and `max|model - truth| <= 0.001 * rms(truth)`
  there (noisy problems included). pyoperon's model string and gplearn's program are
  read into sympy by the benchmark's own small readers (gplearn's `sqrt`/`log` as `sqrt(|x|)`,
  `log(|x|)`); each reading is checked against the tool's own predictions.
- **R²** is computed from each tool's own predictions against the noiseless truth, on 1,000 held-out
  points drawn uniformly from the training ranges ("test") and on 1,000 points where every variable is
  up to 25 % of its range's width beyond the training range ("extrapolation"; domains are respected:
  a positive quantity stays at least 5 % of the width above 0, points where the truth is undefined are
  redrawn). A failed run, or a model that is not finite on every point, counts as R² = -inf.
- **Seconds to solution**: the median wall time of the runs that recovered the equation. pysr_lite
  and gplearn stop as soon as the training error is at rounding level (relative MSE 1e-10); pyoperon
  cannot, so its seconds to solution is its budget.
- **Noise** (5 problems): Gaussian, std = 1 % of the std of the noiseless training targets (SRBench's
  definition), on training targets only.
- **pysr_lite, exact anywhere on front**: an extra column, not used for ranking: whether any equation
  of pysr_lite's final Pareto front passes the same rule (shows losses due to the choice of `best()`).
"""


@dataclass
class RunMetadata:
    """Everything the report says about how a benchmark run was made (kept in the JSON too)."""

    command: str
    tools: list[str]
    seconds: float
    threads: int
    seed: int
    started: str  # ISO local time
    finished: str
    machine: dict[str, str]
    versions: dict[str, str]
    load_after: str
    fingerprint_before: str = "unknown"
    fingerprint_after: str = "unknown"
    pysr_lite_warm: bool = False


def pysr_lite_rows(records: Sequence[RunRecord]) -> list[list[str]]:
    """pysr_lite's side of each run: where its time went and what its front held."""
    rows = []
    for record in records:
        if record.tool != "pysr_lite" or record.status != "ok":
            continue
        details = record.details

        def number(key: str, digits: int = 1) -> str:
            value = details.get(key)
            return f"{value:.{digits}f}" if isinstance(value, (int, float)) else "n/a"

        rows.append([record.problem, str(details.get("stop_reason")), str(details.get("iterations")),
                     f"{details.get('evaluations', 0) or 0:.3g}", number("startup_seconds"), number("search_seconds"),
                     number("first_iteration_seconds"), number("later_iteration_seconds", 2),
                     str(details.get("best_complexity")), f"{details.get('best_loss', math.nan):.3g}",
                     str(len(record.front)), ", ".join(map(str, record.front_exact_complexities)) or "none"])
    return rows


def write_markdown(path: Path, *, records: Sequence[RunRecord], problems: Sequence[Problem], meta: RunMetadata) -> None:
    """The report: conditions, summary, method, per-problem results, pysr_lite's runs, the problem set."""
    tools = meta.tools
    summaries = [summarize(records, problems, tool) for tool in tools]
    noisy_count = sum(problem.noise > 0 for problem in problems)
    header, rows = summary_rows(summaries, noisy_count)
    if "pysr_lite" not in tools:
        header, rows = header[:-1], [row[:-1] for row in rows]
    pysr_summary = next((s for s in summaries if s.tool == "pysr_lite"), None)
    startup = pysr_summary.median_startup_seconds if pysr_summary else None
    families: dict[str, list[str]] = {}
    for problem in problems:
        families.setdefault(problem.family, []).append(problem.name)
    started = _datetime.datetime.fromisoformat(meta.started)
    finished = _datetime.datetime.fromisoformat(meta.finished)
    machine = meta.machine
    lines = [
        "# Search-quality benchmark: exact recovery",
        "",
        "Generated by `benchmarks/recovery.py` (see [benchmarks/README.md](../benchmarks/README.md)); "
        "do not edit by hand, rerun it.",
        "",
        f"- **Date**: {started:%Y-%m-%d %H:%M} to {finished:%H:%M} (local time)",
        f"- **Command**: `{meta.command}`",
        f"- **Budget**: {meta.seconds:g} s wall clock per tool and problem, {meta.threads} thread(s), seed {meta.seed}",
        f"- **Machine**: {machine['nproc']} CPUs (`nproc`), {machine['cpu']}, {machine['memory']} RAM, {machine['os']}; "
        f"load average {machine['load']} at the start, {meta.load_after} at the end. Other jobs may share the "
        "machine (a load above the CPU count means they did), so the times are noisy.",
        "- **Versions**: " + ", ".join(f"{name} {version}" for name, version in meta.versions.items()),
        f"- **Problems** ({len(problems)}, {noisy_count} with 1 % noise): "
        + "; ".join(f"{family}: {', '.join(names)}" for family, names in families.items()),
    ]
    if "pysr_lite" in tools:
        lines.append("- **pysr_lite engine**: " + (
            "warm (`--pysr-lite-warm`): an untimed tiny search in the same process started and compiled the "
            "engine before each timed search, as in a session's later searches." if meta.pysr_lite_warm else
            "cold: every timed search starts and compiles a new engine, as the first `search()` of a session."))
    if meta.fingerprint_before != meta.fingerprint_after:
        lines.append(f"- **WARNING: pysr_lite's sources changed during this run** (fingerprint "
                     f"{meta.fingerprint_before} at the start, {meta.fingerprint_after} at the end): its runs do "
                     "not all measure the same code.")
    elif meta.fingerprint_before != "unknown":
        lines.append(f"- **pysr_lite sources** unchanged during the run (fingerprint {meta.fingerprint_before}).")
    if startup is not None and not math.isnan(startup):
        first = pysr_summary.median_first_iteration_seconds
        later = pysr_summary.median_later_iteration_seconds
        lines.append(f"- **pysr_lite start-up**: median {startup:.1f} s per run before its search clock starts "
                     "(starting the engine process, when cold), included in its seconds but not in its budget; inside "
                     f"the budget, its first iteration ends after a median {format_seconds(first)} s (with a cold "
                     f"engine this includes compiling the search code), later iterations take a median "
                     f"{format_seconds(later)} s.")
    lines += ["", "## Summary", "", markdown_table(header, rows), "", METHOD, "## Per problem", "",
              "`max dev.` is max|model - truth| / rms(truth) over the test and extrapolation points.", ""]
    lines.append(markdown_table(
        ["problem", "truth", "noise", "tool", "exact", "R² test", "R² extrap.", "seconds", "max dev.", "model found", "note"],
        per_problem_rows(records, problems, tools)))
    pysr_rows = pysr_lite_rows(records)
    if pysr_rows:
        lines += ["", "## pysr_lite runs", "",
                  "Why each run stopped (`early_stop`: the loss reached 1e-10 var(y); `timeout`: the budget), its "
                  "iterations and equation evaluations, the seconds before and inside the search clock, when the "
                  "first iteration (with compilation) ended and how long later ones took, the complexity "
                  "and loss of `best()`, and the complexities of the front's equations that pass the recovery rule.",
                  "", markdown_table(["problem", "stop", "iterations", "evaluations", "start-up s", "search s",
                                      "1st iteration ends at s", "later iterations s",
                                      "best complexity", "best loss", "front size", "exact on front at"], pysr_rows)]
    lines += ["", "## Problem set", "",
              f"Sampling as published; training sets are capped at 1,000 rows. Data seed {meta.seed}.", ""]
    lines.append(markdown_table(
        ["problem", "variables (training range)", "published sampling", "rows", "operators", "source"],
        [[p.name,
          ", ".join(f"{v.name} ∈ [{v.low:g}, {v.high:g}]" + (f" step {v.step:g}" if v.step else "") for v in p.variables),
          p.published_sampling, str(len(make_dataset(p, meta.seed).X_train)), " ".join(p.operators), p.family]
         for p in problems]))
    lines += ["", "Sources:", ""]
    sources: dict[str, str] = {}
    for problem in problems:
        sources.setdefault(problem.family, problem.source)
    lines += [f"- **{family}**: {source}" for family, source in sources.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(item) for item in value]
    if isinstance(value, (np.floating, np.integer)):
        return _json_safe(value.item())
    return value


FLOAT_FIELDS = ("seconds", "deviation", "r2_test", "r2_extrapolation")


def save_json(path: Path, records: Sequence[RunRecord], meta: RunMetadata) -> None:
    """Every run (pysr_lite's fronts included) and the run's metadata: ``--from-json`` reads it back."""
    document = {"meta": asdict(meta), "runs": [asdict(record) for record in records]}
    path.write_text(json.dumps(_json_safe(document), indent=1), encoding="utf-8")


def load_json(path: Path) -> tuple[list[RunRecord], RunMetadata]:
    document = json.loads(path.read_text(encoding="utf-8"))
    records = []
    for run in document["runs"]:
        for key in FLOAT_FIELDS:
            run[key] = float(run[key])
        records.append(RunRecord(**run))
    return records, RunMetadata(**document["meta"])


# ==============================================================================================
# Command line
# ==============================================================================================


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run symbolic-regression tools on the public problem set and count exact recoveries.",
        epilog="Example: python benchmarks/recovery.py --seconds 30 --threads 2",
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="wall-clock budget per tool and problem (default 30)")
    parser.add_argument("--threads", type=int, default=2, help="threads for every tool (default 2)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    parser.add_argument("--problems", default="all", help="comma-separated problem names, or 'all' (see --list)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data and of every tool (default 0)")
    parser.add_argument("--output", default=str(REPOSITORY / "docs" / "benchmarks.md"),
                        help="markdown report to write (default docs/benchmarks.md; 'none' to skip)")
    parser.add_argument("--json", default=None, help="also write every run (with pysr_lite's fronts) to this JSON file")
    parser.add_argument("--runs-dir", default=None, help="keep pysr_lite's run folders here (default: a temporary folder, removed)")
    parser.add_argument("--pysr-lite-warm", action="store_true",
                        help="before each timed pysr_lite search, run an untimed tiny one in the same process so the "
                             "engine is started and compiled (a session's later searches); default: cold, as a "
                             "first search() of a session")
    parser.add_argument("--from-json", default=None, metavar="JSON",
                        help="run nothing: rewrite the report (--output) from a JSON file written by --json")
    parser.add_argument("--pysr-lite-option", action="append", default=[], metavar="NAME=VALUE",
                        help="change one of pysr_lite's search options (repeatable), to compare settings: "
                             "e.g. --pysr-lite-option weight_rotate_tree=0")
    parser.add_argument("--list", action="store_true", help="list the problems and exit")
    parser.add_argument("--units", action="store_true",
                        help="pysr_lite only, on the problems with units (AI Feynman): no units, soft and hard "
                             "dimensional analysis side by side; writes its own section of --output")
    arguments = parser.parse_args(argv)
    tools = [tool.strip() for tool in arguments.tools.split(",") if tool.strip()]
    unknown = [tool for tool in tools if tool not in TOOLS]
    if unknown or not tools:
        parser.error(f"--tools: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(TOOLS)}")
    arguments.tools = tools
    if arguments.seconds <= 0 or arguments.threads < 1:
        parser.error("--seconds must be positive and --threads at least 1")
    try:
        arguments.problem_list = select_problems(arguments.problems)
    except ValueError as error:
        parser.error(str(error))
    arguments.pysr_lite_options = {}
    for assignment in arguments.pysr_lite_option:
        name, separator, text = assignment.partition("=")
        if not separator or not name.strip():
            parser.error(f"--pysr-lite-option {assignment!r}: expected NAME=VALUE")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text  # a bare word: a string option
        arguments.pysr_lite_options[name.strip()] = value
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    problems: list[Problem] = arguments.problem_list
    if arguments.list:
        for problem in PROBLEMS:
            print(f"{problem.name:16s} {problem.family:13s} noise={problem.noise:<5g} {problem.formula}")
        return 0
    if arguments.units:
        return run_units_comparison(arguments)
    if arguments.from_json:
        records, meta = load_json(Path(arguments.from_json))
        done = select_problems(list(dict.fromkeys(record.problem for record in records)))
        return report(records, done, meta, arguments.output, json_path=None)
    # Environment that changes what runs (another pysr_lite checkout, Julia, Julia depot) is part of the command.
    environment = [f"{name}={shlex.quote(os.environ[name])}" for name in ("PYTHONPATH", "JULIA_DEPOT_PATH", "PYSR_LITE_JULIA")
                   if os.environ.get(name)]
    command = " ".join(environment + ["python benchmarks/recovery.py"]
                       + [shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)])
    runs_directory = arguments.runs_dir or tempfile.mkdtemp(prefix="pysr_lite_recovery_")
    settings = RunSettings(seconds=arguments.seconds, threads=arguments.threads, seed=arguments.seed,
                           runs_directory=runs_directory, pysr_lite_warm=arguments.pysr_lite_warm,
                           pysr_lite_options=arguments.pysr_lite_options)
    started = _datetime.datetime.now()
    machine, versions, fingerprint = machine_description(), tool_versions(), source_fingerprint()
    print(f"recovery: {len(problems)} problems x {len(arguments.tools)} tools, {settings.seconds:g} s each, "
          f"{settings.threads} threads, seed {settings.seed}; expect about "
          f"{len(problems) * len(arguments.tools) * (settings.seconds + 5) / 60:.0f} min", flush=True)
    records: list[RunRecord] = []
    try:
        for number, problem in enumerate(problems, start=1):
            data = make_dataset(problem, settings.seed)
            for tool in arguments.tools:
                outcome = run_isolated(tool, problem, data, settings)
                record = judge_run(tool, problem, data, outcome)
                records.append(record)
                print(f"[{number:2d}/{len(problems)}] {problem.name:16s} {tool:10s} "
                      f"{'EXACT' if record.recovered else record.status if record.status != 'ok' else 'no':5s} "
                      f"{format_seconds(record.seconds):>6s} s  R2 {format_r2(record.r2_test):>9s} / "
                      f"{format_r2(record.r2_extrapolation):>9s}  {record.expression[:90]}", flush=True)
    except KeyboardInterrupt:
        print("recovery: interrupted; reporting the runs done so far", file=sys.stderr)
    finally:
        if arguments.runs_dir is None:
            shutil.rmtree(runs_directory, ignore_errors=True)
    meta = RunMetadata(command=command, tools=list(arguments.tools), seconds=settings.seconds, threads=settings.threads,
                       seed=settings.seed, started=started.isoformat(timespec="seconds"),
                       finished=_datetime.datetime.now().isoformat(timespec="seconds"), machine=machine,
                       versions=versions, load_after=" ".join(f"{v:.2f}" for v in os.getloadavg()),
                       fingerprint_before=fingerprint, fingerprint_after=source_fingerprint(),
                       pysr_lite_warm=settings.pysr_lite_warm)
    done_problems = [p for p in problems if any(r.problem == p.name for r in records)]
    return report(records, done_problems, meta, arguments.output, json_path=arguments.json)


# The three ways of running pysr_lite that --units compares, with the options each adds.
UNIT_MODES = {"no units": {}, "soft": {"dimensional_analysis": "soft"}, "hard": {"dimensional_analysis": "hard"}}
UNITS_SECTION = ("<!-- units comparison: written by recovery.py --units -->", "<!-- end of units comparison -->")


def run_units_comparison(arguments: argparse.Namespace) -> int:
    """``--units``: pysr_lite on every selected problem that has units (``problems.FEYNMAN_UNITS``)
    without units, in soft mode and in hard mode, with the same budget, threads, seed and data; the
    same recovery rule judges each final model. The table replaces its own section of the report
    (between ``UNITS_SECTION`` markers), or is appended to it, so the main report stays as it is."""
    chosen = [problem for problem in arguments.problem_list if problem_units(problem) is not None]
    if not chosen:
        print("recovery --units: none of the selected problems has units (the AI Feynman ones do)", file=sys.stderr)
        return 2
    runs_directory = arguments.runs_dir or tempfile.mkdtemp(prefix="pysr_lite_units_")
    started, load_before = _datetime.datetime.now(), " ".join(f"{v:.2f}" for v in os.getloadavg())
    recovered: dict[str, dict[str, RunRecord]] = {}
    try:
        for number, problem in enumerate(chosen, start=1):
            data = make_dataset(problem, arguments.seed)
            X_units, y_units = problem_units(problem)
            for mode, options in UNIT_MODES.items():
                units = {} if mode == "no units" else dict(X_units=X_units, y_units=y_units)
                settings = RunSettings(seconds=arguments.seconds, threads=arguments.threads, seed=arguments.seed,
                                       runs_directory=runs_directory, pysr_lite_warm=arguments.pysr_lite_warm,
                                       pysr_lite_options={**arguments.pysr_lite_options, **units, **options})
                record = judge_run("pysr_lite", problem, data, run_isolated("pysr_lite", problem, data, settings))
                recovered.setdefault(problem.name, {})[mode] = record
                print(f"[{number:2d}/{len(chosen)}] {problem.name:10s} {mode:9s} "
                      f"{'EXACT' if record.recovered else record.status if record.status != 'ok' else 'no':5s} "
                      f"{format_seconds(record.seconds):>6s} s  {record.expression[:90]}", flush=True)
    finally:
        if arguments.runs_dir is None:
            shutil.rmtree(runs_directory, ignore_errors=True)

    def cell(record: RunRecord) -> str:
        if record.status != "ok":
            return record.status
        return f"yes, {format_seconds(record.seconds)} s" if record.recovered else "no"

    header = ["problem", "truth", "units (X; y)", *UNIT_MODES]
    rows = []
    for problem in chosen:
        if problem.name in recovered and len(recovered[problem.name]) == len(UNIT_MODES):
            X_units, y_units = problem_units(problem)
            rows.append([problem.name, f"`{problem.formula}`", f"{', '.join(u or '1' for u in X_units)}; {y_units or '1'}",
                         *(cell(recovered[problem.name][mode]) for mode in UNIT_MODES)])
    complete = [by_mode for by_mode in recovered.values() if len(by_mode) == len(UNIT_MODES)]
    totals = {mode: sum(by_mode[mode].recovered for by_mode in complete) for mode in UNIT_MODES}
    rows.append(["**exact recoveries**", "", "", *(f"**{totals[mode]}/{len(complete)}**" for mode in UNIT_MODES)])
    print()
    print(text_table(header, rows))
    command = " ".join(["python benchmarks/recovery.py"] + [shlex.quote(a) for a in sys.argv[1:]])
    section = "\n".join([
        UNITS_SECTION[0], "", "## Units: no units, soft and hard dimensional analysis", "",
        f"`{command}` on {started:%Y-%m-%d %H:%M} ({len(complete)} of the {len(FEYNMAN_UNITS)} problems with units; "
        f"load average {load_before} at the start, {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end on "
        f"{os.cpu_count()} CPUs): pysr_lite alone, {arguments.seconds:g} s per run "
        f"({'warm' if arguments.pysr_lite_warm else 'cold'} engine), "
        f"{arguments.threads} thread(s), seed {arguments.seed}; each problem's three runs share the data, budget and "
        "seed and differ only in `X_units`/`y_units` and `dimensional_analysis` (docs/units.md). The units are "
        "`problems.FEYNMAN_UNITS`, derived from the physics of each formula. A cell says whether the final model "
        "(`result.best()`) is an exact recovery under the rule above, and the run's seconds.", "",
        markdown_table(header, rows), "", UNITS_SECTION[1], ""])
    if arguments.output and arguments.output.lower() != "none":
        path = Path(arguments.output)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if UNITS_SECTION[0] in text and UNITS_SECTION[1] in text:
            before, rest = text.split(UNITS_SECTION[0], 1)
            text = before + section + rest.split(UNITS_SECTION[1], 1)[1].lstrip("\n")
        else:
            text = text.rstrip("\n") + ("\n\n" if text else "") + section
        path.write_text(text, encoding="utf-8")
        print(f"recovery --units: table written to {path}")
    return 0


def report(records: Sequence[RunRecord], problems: Sequence[Problem], meta: RunMetadata, output: str | None,
           json_path: str | None) -> int:
    """Print the summary table; write the JSON and the markdown report when asked."""
    summaries = [summarize(records, problems, tool) for tool in meta.tools]
    header, rows = summary_rows(summaries, sum(p.noise > 0 for p in problems))
    print()
    print(text_table(header, rows))
    if json_path:
        save_json(Path(json_path), records, meta)
        print(f"recovery: runs written to {json_path}")
    if output and output.lower() != "none" and records:
        write_markdown(Path(output), records=records, problems=problems, meta=meta)
        print(f"recovery: report written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
