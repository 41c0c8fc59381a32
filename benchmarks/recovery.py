"""Search-quality benchmark: does a tool find the exact equation behind the data?

Runs pysr_lite, pyoperon and gplearn one after another on every problem of ``problems.py`` (and
every seed) with the same wall-clock budget, thread count, seed and operator set, judges every
final model with one rule, and writes a machine-readable results file and a markdown report
(docs/benchmarks.md by default)::

    bash benchmarks/setup_recovery.sh
    py=benchmarks/.venv-recovery/bin/python
    $py benchmarks/recovery.py --seconds 30 --threads 2 --seeds 3 --split reporting          # all at once
    $py benchmarks/recovery.py --seconds 30 --threads 2 --seeds 3 --split reporting --shard 1/3   # or in parts,
    $py benchmarks/recovery.py --merge benchmarks/results/recovery-shard-*-of-3.json              # then merged
    $py benchmarks/recovery.py --units --seconds 30 --seeds 3 --shard 1/6    # pysr_lite without units, soft, hard

By default every problem of a group gets the same generic operators (``--operators tailored``:
each problem's own set) and pyoperon runs as SRBench's Operon entry configures it
(``SRBENCH_OPERON``; ``--pyoperon-config library-defaults``: its defaults).

The module has five parts: the recovery rule (``judge``), reading each tool's model into sympy,
the tool runners (one function per tool, each run in its own process so that a crash or a hang
is recorded as that run's failure), the summary over seeds, and the report (results files,
merging, markdown). pyoperon and gplearn are imported only inside their runners: the rule, the
problem set, the summary and the merge work without them (tests/test_benchmark_problems.py).

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
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import sympy
from sympy.parsing.sympy_parser import parse_expr

from problems import (FEYNMAN_UNITS, GENERIC_OPERATORS, MAX_TRAIN_ROWS, OPERATOR_MODES, PROBLEMS, SPLITS, Dataset, Problem,
                      make_dataset, parse_shard, select_problems, shard_problems, split_operators, problem_units)

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
    """How every tool is run (one object for all tools, problems and seeds of a benchmark run)."""

    seconds: float
    threads: int
    seed: int  # the seed of this run's data and tools (one of the benchmark's --seeds)
    runs_directory: str
    pysr_lite_warm: bool = False  # an untimed small search first, so the timed one finds the engine compiled
    pysr_lite_options: dict = field(default_factory=dict)  # changes to pysr_lite's defaults (A/B runs)
    operator_mode: str = "generic"  # "generic": the group's operator set; "tailored": the problem's own
    pyoperon_config: str = "srbench"  # "srbench" (SRBENCH_OPERON) or "library-defaults"
    pyoperon_options: dict = field(default_factory=dict)  # changes to the pyoperon configuration


def operators_for(problem: Problem, settings: RunSettings) -> tuple[str, ...]:
    """The operator set every tool gets on ``problem`` (the same for all tools)."""
    return problem.operator_set(settings.operator_mode)


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

    binary, unary = split_operators(operators_for(problem, settings))
    operators = dict(binary_operators=list(binary), unary_operators=list(unary))
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

# pyoperon as the SRBench Operon entry configures it. Sources (read through the public index):
#   [A] cavalab/srbench, algorithms/operon/regressor.py (and its copy experiment/methods/operon/regressor.py):
#       `default_params` of the entry, `compute_sigma` (the noise estimate) and `OperonOptuna`;
#   [B] heal-research/pyoperon, pyoperon/sklearn.py (the 0.6.2 wheel that setup_recovery.sh installs):
#       what each parameter does and its library default;
#   [C] heal-research/pyoperon's example of the scikit-learn wrapper (population 1000, pool 1000,
#       optimizer='lm', optimizer_iterations=1, objectives ['r2', 'length'], MDL model selection,
#       uncertainty=[sErr] from a random forest's training RMSE).
# Deviations forced by a fixed-budget benchmark, and gaps, are listed in benchmarks/README.md.
SRBENCH_OPERON: dict[str, Any] = {
    "objectives": ["r2", "length"],          # [A]; two objectives make [B] run NSGA2Algorithm (NSGA-II)
    "optimizer": "lm",                       # [B] default 'lm' = Levenberg-Marquardt, set explicitly as in [C]
    "optimizer_iterations": 1,               # [A] 'optimizer_iterations': 1 (one LM iteration per offspring)
    "model_selection_criterion": "minimum_description_length",  # [A]; needs the noise estimate `uncertainty`
    "offspring_generator": "basic",          # [A]
    "initialization_method": "btc",          # [A] balanced tree creator
    "reinserter": "keep-best",               # [A]
    "female_selector": "tournament",         # [A]
    "male_selector": "tournament",           # [A]
    "brood_size": 5,                         # [A] (used by the brood/poly generators only)
    "population_size": 1000,                 # [A] and [C]
    "pool_size": None,                       # [A]: None = population_size
    "epsilon": 1e-5,                         # [A]
    "max_length": 50,                        # [A] tunes it in {10, ..., 50} with Optuna; 50 = its upper end and [B]'s default
}
# Lifted so that the time budget ends every run, as for the other tools: [A] gives each Optuna
# trial max_evaluations=1e6 and runs trials until its time limit; one run here gets the budget.
PYOPERON_UNLIMITED = {"generations": 10**9, "max_evaluations": 10**15}


def pyoperon_noise_sigma(X: np.ndarray, y: np.ndarray, seed: int, threads: int) -> float:
    """[A]'s `compute_sigma`: the training RMSE of a default random forest, as the noise estimate
    that minimum-description-length model selection needs (seeded here, for repeatable runs)."""
    from sklearn.ensemble import RandomForestRegressor

    forest = RandomForestRegressor(random_state=seed, n_jobs=threads).fit(X, y)
    return float(np.sqrt(np.mean((y - forest.predict(X)) ** 2)))


def counting_pyoperon_regressor() -> type:
    """pyoperon's SymbolicRegressor keeping its fitness evaluators after `fit`, so the number of
    trees it evaluated can be read: in 0.6.2, with two objectives (NSGA-II) `stats_['evaluation_count']`
    is the MultiEvaluator's CallCount, which stays 0; each objective's own evaluator counts its calls
    (`CallCount`) and its evaluations of a tree on the training rows (`ResidualEvaluations`)."""
    from pyoperon.sklearn import SymbolicRegressor

    class CountingSymbolicRegressor(SymbolicRegressor):
        def fit(self, X, y):
            self.evaluators_ = []
            return super().fit(X, y)

        def _init_evaluator(self, objective, problem, dtable, uncertainty):
            evaluator = SymbolicRegressor._init_evaluator(objective, problem, dtable, uncertainty)
            self.evaluators_.append((objective, evaluator))
            return evaluator

    return CountingSymbolicRegressor


def pyoperon_tree_evaluations(model) -> dict[str, int]:
    """Evaluations of trees on all training rows during a fit of a CountingSymbolicRegressor:
    by the fitness evaluators (`fitness`), and by the coefficient optimizer (residuals and
    Jacobians, charged to the top-level evaluator: `stats_`)."""
    fitness = sum(int(evaluator.ResidualEvaluations) for _objective, evaluator in getattr(model, "evaluators_", []))
    return {"fitness": fitness, "optimizer_residuals": int(model.stats_.get("residual_evaluations") or 0),
            "optimizer_jacobians": int(model.stats_.get("jacobian_evaluations") or 0)}


def pyoperon_parameters(settings: RunSettings, allowed_symbols: str, seconds: int,
                        sigma: float | None) -> dict[str, Any]:
    """The SymbolicRegressor keywords of one run: the configuration, symbols, budget, threads, seed."""
    parameters: dict[str, Any] = dict(SRBENCH_OPERON) if settings.pyoperon_config == "srbench" else {}
    if settings.pyoperon_config == "srbench" and sigma is not None:
        parameters["uncertainty"] = [sigma]  # [A]: fixed_params['uncertainty'] = [compute_sigma(X, y)]
    parameters.update(PYOPERON_UNLIMITED)
    parameters.update(allowed_symbols=allowed_symbols, max_time=max(1, seconds), n_threads=settings.threads,
                      random_state=settings.seed)
    parameters.update(settings.pyoperon_options)
    return parameters


def run_pyoperon(problem: Problem, data: Dataset, settings: RunSettings) -> ToolOutput:
    """pyoperon configured as SRBench's Operon entry (SRBENCH_OPERON), or with its library defaults
    (`--pyoperon-config library-defaults`); budget, threads, seed and symbols set.

    The noise estimate is computed inside the budget, as [A] does (it subtracts that time from
    the search's time limit); pyoperon's `max_time` is whole seconds. Its scikit-learn wrapper
    has no early stop: every run uses its whole budget.
    """
    symbols = ",".join([PYOPERON_SYMBOLS[operator] for operator in operators_for(problem, settings)]
                       + ["constant", "variable"])
    start = time.perf_counter()
    sigma = None
    if settings.pyoperon_config == "srbench":
        sigma = pyoperon_noise_sigma(data.X_train, data.y_train, settings.seed, settings.threads)
    remaining = int(round(settings.seconds - math.ceil(time.perf_counter() - start)))
    model = counting_pyoperon_regressor()(**pyoperon_parameters(settings, symbols, remaining, sigma))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(data.X_train, data.y_train)
    seconds = time.perf_counter() - start
    names = [symbol.name for symbol in column_symbols(len(problem.variables))]
    text = model.get_model_string(model.model_, 16, names=names)
    evaluations = pyoperon_tree_evaluations(model)
    return ToolOutput(
        expression=pyoperon_to_sympy(text, len(problem.variables)),
        predictions_test=np.asarray(model.predict(data.X_test), dtype=np.float64),
        predictions_extrapolation=np.asarray(model.predict(data.X_extrapolation), dtype=np.float64),
        seconds=seconds,
        stopped_early=False,
        details={"generations": model.stats_.get("generations"), "evaluations": evaluations["fitness"],
                 "optimizer_residual_evaluations": evaluations["optimizer_residuals"],
                 "optimizer_jacobian_evaluations": evaluations["optimizer_jacobians"],
                 "noise_sigma": sigma, "model_length": model.stats_.get("model_length"), "model_string": text,
                 "front_size": len(model.pareto_front_)},
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
    for operator in operators_for(problem, settings):
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
    tool: str  # the tool; in a units comparison, pysr_lite's units mode (a key of UNIT_MODES)
    status: str  # "ok", "error" or "timeout"
    seed: int = 0
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


def judge_run(tool: str, problem: Problem, data: Dataset, outcome: tuple[str, Any], seed: int = 0) -> RunRecord:
    """Judge one run's outcome; a model the judging itself cannot handle is recorded, not raised."""
    try:
        return _judge_run(tool, problem, data, outcome, seed)
    except Exception as error:  # e.g. a model sympy cannot print or numpy cannot evaluate
        seconds = outcome[1].seconds if outcome[0] == "ok" else math.nan
        return RunRecord(problem=problem.name, tool=tool, status="error", seed=seed, seconds=seconds,
                         error=f"judging failed: {type(error).__name__}: {error}\n{traceback.format_exc()[-2000:]}")


def _judge_run(tool: str, problem: Problem, data: Dataset, outcome: tuple[str, Any], seed: int) -> RunRecord:
    status, payload = outcome
    if status != "ok":
        return RunRecord(problem=problem.name, tool=tool, status=status, seed=seed, error=str(payload))
    output: ToolOutput = payload
    record = RunRecord(problem=problem.name, tool=tool, status="ok", seed=seed, seconds=output.seconds,
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


@dataclass(frozen=True)
class Spread:
    """A count over seeds: its mean, sample standard deviation (0 for one seed), min and max."""

    values: tuple[int, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values)) if self.values else math.nan

    @property
    def std(self) -> float:
        return float(np.std(self.values, ddof=1)) if len(self.values) > 1 else 0.0

    def text(self, of: int | None = None) -> str:
        """'14' for one seed; '14.3 ± 1.2 (13–15)' for several (± the sample standard deviation)."""
        if not self.values:
            return "n/a"
        total = f" of {of}" if of is not None else ""
        if len(self.values) == 1:
            return f"{self.values[0]}{total}"
        return f"{self.mean:.1f} ± {self.std:.1f} ({min(self.values)}–{max(self.values)}){total}"


@dataclass
class ToolSummary:
    """One tool over a set of problems and every seed of the run."""

    tool: str
    problems: int  # problems with at least one run of this tool
    seeds: list[int]
    recovered: Spread  # exact recoveries per seed
    recovered_noisy: Spread  # ... on the noisy problems
    median_r2_test: float
    median_r2_extrapolation: float
    median_seconds_to_solution: float
    median_seconds: float
    runs: int
    failures: int
    front_recovered: Spread | None = None
    median_startup_seconds: float | None = None
    median_first_iteration_seconds: float | None = None
    median_later_iteration_seconds: float | None = None


def summarize(records: Sequence[RunRecord], problems: Sequence[Problem], tool: str,
              seeds: Sequence[int] | None = None) -> ToolSummary:
    """Recoveries per seed (mean and spread over ``seeds``), medians over every run of the tool."""
    names = {problem.name for problem in problems}
    noisy = {problem.name for problem in problems if problem.noise > 0}
    mine = [record for record in records if record.tool == tool and record.problem in names]
    if seeds is None:
        seeds = sorted({record.seed for record in mine})
    recovered = [record for record in mine if record.recovered]

    def per_seed(selected: Sequence[RunRecord]) -> Spread:
        return Spread(tuple(sum(record.seed == seed for record in selected) for seed in seeds))

    summary = ToolSummary(
        tool=tool,
        problems=len({record.problem for record in mine}),
        seeds=list(seeds),
        recovered=per_seed(recovered),
        recovered_noisy=per_seed([record for record in recovered if record.problem in noisy]),
        median_r2_test=median([record.r2_test for record in mine]),
        median_r2_extrapolation=median([record.r2_extrapolation for record in mine]),
        median_seconds_to_solution=median([record.seconds for record in recovered]),
        median_seconds=median([record.seconds for record in mine if record.status == "ok"]),
        runs=len(mine),
        failures=sum(record.status != "ok" for record in mine),
    )
    if tool == "pysr_lite":
        summary.front_recovered = per_seed([record for record in mine if record.front_recovered])

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


def summary_rows(summaries: Sequence[ToolSummary], problems: Sequence[Problem]) -> tuple[list[str], list[list[str]]]:
    noisy_count = sum(problem.noise > 0 for problem in problems)
    seeds = max((len(s.seeds) for s in summaries), default=1)
    over = f", mean ± sd (min–max) over {seeds} seeds" if seeds > 1 else ""
    header = ["tool", f"exact recoveries{over}", f"of which noisy ({noisy_count})", "median R² in range",
              "median R² out of range", "median s to solution", "median s per run", "failed runs",
              "pysr_lite: exact anywhere on front"]
    rows = []
    for s in summaries:
        rows.append([s.tool, s.recovered.text(of=len(problems)), s.recovered_noisy.text(),
                     format_r2(s.median_r2_test), format_r2(s.median_r2_extrapolation),
                     format_seconds(s.median_seconds_to_solution), format_seconds(s.median_seconds),
                     f"{s.failures}/{s.runs}", "" if s.front_recovered is None else s.front_recovered.text(of=len(problems))])
    if not any(s.front_recovered is not None for s in summaries):
        header, rows = header[:-1], [row[:-1] for row in rows]
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


def runs_by_problem_and_tool(records: Sequence[RunRecord]) -> dict[tuple[str, str], list[RunRecord]]:
    grouped: dict[tuple[str, str], list[RunRecord]] = {}
    for record in sorted(records, key=lambda r: r.seed):
        grouped.setdefault((record.problem, record.tool), []).append(record)
    return grouped


def shown_run(runs: Sequence[RunRecord]) -> RunRecord:
    """The run whose model a per-problem row shows: the first recovery, else the lowest seed's."""
    return next((run for run in runs if run.recovered), runs[0])


def per_problem_rows(records: Sequence[RunRecord], problems: Sequence[Problem], tools: Sequence[str]) -> list[list[str]]:
    grouped = runs_by_problem_and_tool(records)
    rows = []
    for problem in problems:
        first = True
        for tool in tools:
            runs = grouped.get((problem.name, tool))
            if not runs:
                continue
            shown = shown_run(runs)
            truth = sympy.sstr(problem.expression.xreplace({s: sympy.Symbol(s.name) for s in problem.symbols}))
            note = run_note(shown)
            failed = [f"seed {run.seed}: {run.status}" for run in runs if run.status != "ok" and run is not shown]
            rows.append([
                problem.name if first else "",
                problem.split if first else "",
                f"`{truth}`" if first else "",
                (f"{problem.noise:.0%}" if problem.noise else "0") if first else "",
                tool,
                f"{sum(run.recovered for run in runs)}/{len(runs)}",
                format_r2(median([run.r2_test for run in runs])),
                format_r2(median([run.r2_extrapolation for run in runs])),
                format_seconds(median([run.seconds for run in runs])),
                format_deviation(min(run.deviation for run in runs)),
                (f"`{shown.expression}` (seed {shown.seed})" if shown.expression else ""),
                "; ".join([note] + failed if note else failed),
            ])
            first = False
    return rows


METHOD = """\
## Method

- **Same conditions for every tool.** The tools run one after another on each problem and seed, in
  the same process tree, with the same wall-clock budget, thread count and seed; the seed also draws
  the problem's data, so each seed is a new sample of every problem. Each run happens in its own
  forked process, so a crash or a hang is recorded as that run's failure.
- **Seeds.** Recoveries are counted per seed; the summary gives their mean, sample standard
  deviation and min–max over the seeds. R² and seconds are medians over every run.
- **Splits.** `training` problems are those the project may look at when choosing defaults (all
  problems of the set while the engine's defaults were chosen, and a fixed hash-based quarter of
  the later ones); `reporting` problems are never used for that (`split_of` in
  `benchmarks/problems.py`). The headline is the reporting split.
- **Operators.** Generic mode (the default): every problem of a group gets the same set, as a user
  who does not know the law would choose: `+ - * /` with `exp log sin cos sqrt`, for the physics
  (AI Feynman) and the classic GP problems alike. Tailored mode (`--operators tailored`, for
  comparison): each problem gets `+ - * /` plus the unary functions its formula family needs. The set
  is given to every tool: pysr_lite's `binary_operators`/`unary_operators`, pyoperon's
  `allowed_symbols` (plus `constant,variable`), gplearn's `function_set` (gplearn has no `exp`: a
  custom `exp` capped at e^100 is added with `make_function`; its `sqrt`, `log` and `/` are its
  protected versions).
- **pysr_lite**: `pysr_lite.search(X, y, timeout_in_seconds=budget, niterations=10**6,
  threads=threads, random_state=seed, verbosity=0, early_stop_condition=1e-10*var(y))`, every search
  option at its default. Its final model is `result.best()` (PySR's rule: highest score among the
  equations whose loss is within 1.5x of the lowest). Each run is a fresh Python process, so
  pysr_lite starts a new Julia engine every time (what one `search()` in a new session costs; later
  searches of a session reuse it) unless the run says the engine was warm. Its budget is measured by
  the engine; what happens before its clock starts is included in the seconds reported.
- **pyoperon**, SRBench configuration (the default; `SRBENCH_OPERON` in `recovery.py` cites the source
  of each setting): NSGA-II on `objectives=['r2', 'length']`, Levenberg–Marquardt constant fitting
  (`optimizer='lm'`, `optimizer_iterations=1`), minimum-description-length model selection with
  `uncertainty=[sigma]`, sigma the training RMSE of a random forest (SRBench's `compute_sigma`, timed
  inside the budget), `population_size=1000`, `pool_size=1000`, basic offspring generator,
  tournament selection, keep-best reinsertion, balanced tree creator, `max_length=50`,
  `epsilon=1e-5`; `max_time=budget` (whole seconds, less the noise estimate's), `n_threads=threads`,
  `random_state=seed`, `generations=10**9`, `max_evaluations=10**15` (the limits are lifted so that the
  time budget ends the run). SRBench additionally tunes `allowed_symbols` and `max_length` with Optuna
  over repeated runs within its time limit; one run per budget cannot. Its final model is `model_`. It
  has no early stop in this API: every run uses the whole budget.
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
  there (noisy problems included: with 10 % noise, only laws whose constants the tool snaps to their
  exact values can pass). pyoperon's model string and gplearn's program are read into sympy by the
  benchmark's own small readers (gplearn's `sqrt`/`log` as `sqrt(|x|)`, `log(|x|)`); each reading is
  checked against the tool's own predictions.
- **R²** is computed from each tool's own predictions against the noiseless truth, on 1,000 held-out
  points drawn uniformly from the training ranges ("in range") and on 1,000 points where every
  variable is up to 25 % of its range's width beyond the training range ("out of range"; domains are
  respected: a positive quantity stays at least 5 % of the width above 0, points where the truth is
  undefined are redrawn). A failed run, or a model that is not finite on every point, counts as
  R² = -inf.
- **Seconds to solution**: the median wall time of the runs that recovered the equation. pysr_lite
  and gplearn stop as soon as the training error is at rounding level (relative MSE 1e-10); pyoperon
  cannot, so its seconds to solution is its budget.
- **Noise**: Gaussian, std = 1 % or 10 % of the std of the noiseless training targets (SRBench's
  definition), on training targets only.
- **pysr_lite, exact anywhere on front**: an extra column, not used for ranking: whether any equation
  of pysr_lite's final Pareto front passes the same rule (shows losses due to the choice of `best()`).
"""


@dataclass
class RunMetadata:
    """Everything the report says about how one benchmark run (or one shard of it) was made;
    kept in its JSON file. Defaults of the later fields describe files written before them."""

    command: str
    tools: list[str]
    seconds: float
    threads: int
    seed: int  # the first seed
    started: str  # ISO local time
    finished: str
    machine: dict[str, str]
    versions: dict[str, str]
    load_after: str
    fingerprint_before: str = "unknown"
    fingerprint_after: str = "unknown"
    pysr_lite_warm: bool = False
    seeds: list[int] = field(default_factory=list)
    operator_mode: str = "tailored"
    pyoperon_config: str = "library-defaults"
    split: str = "all"
    shard: str = ""  # "i/n", or "" for a whole run
    problems: list[str] = field(default_factory=list)  # the problems this run was given
    pysr_lite_options: dict[str, Any] = field(default_factory=dict)
    pyoperon_options: dict[str, Any] = field(default_factory=dict)
    # "tools": pysr_lite beside the other tools; "units": pysr_lite without units, soft and hard
    # (--units), whose `tools` are the units modes
    comparison: str = "tools"
    # --noise: every problem's noise level replaced by this one (None: each problem's own)
    noise: float | None = None

    def __post_init__(self):
        if not self.seeds:
            self.seeds = [self.seed]


# What every part of a merged benchmark must share (the conditions of the comparison).
MERGE_KEYS = ("comparison", "seconds", "threads", "seeds", "operator_mode", "pyoperon_config", "pysr_lite_warm",
              "pysr_lite_options", "pyoperon_options", "noise")


def pysr_lite_rows(records: Sequence[RunRecord], problems: Sequence[Problem]) -> list[list[str]]:
    """pysr_lite's side of each problem, over its seeds: why its runs stopped, where time went."""
    grouped = runs_by_problem_and_tool([r for r in records if r.tool == "pysr_lite" and r.status == "ok"])
    rows = []
    for problem in problems:
        runs = grouped.get((problem.name, "pysr_lite"))
        if not runs:
            continue

        def number(key: str, digits: int = 1) -> str:
            value = median([run.details.get(key) for run in runs if isinstance(run.details.get(key), (int, float))])
            return "n/a" if math.isnan(value) else f"{value:.{digits}f}"

        stops: dict[str, int] = {}
        for run in runs:
            stops[str(run.details.get("stop_reason"))] = stops.get(str(run.details.get("stop_reason")), 0) + 1
        evaluations = median([float(run.details.get("evaluations") or 0) for run in runs])
        rows.append([problem.name, ", ".join(f"{reason} x{count}" for reason, count in stops.items()),
                     number("iterations", 0), f"{evaluations:.3g}", number("startup_seconds"),
                     number("search_seconds"), number("first_iteration_seconds"), number("later_iteration_seconds", 2),
                     number("best_complexity", 0),
                     f"{sum(bool(run.front_recovered) for run in runs)}/{len(runs)}"])
    return rows


def operators_description(mode: str) -> str:
    if mode == "generic":
        return "generic (the same set for every problem of a group): " + "; ".join(
            f"{group}: `{' '.join(operators)}`" for group, operators in GENERIC_OPERATORS.items())
    return "tailored (each problem's own set, see the problem set below; `--operators tailored`)"


def pyoperon_description(meta: RunMetadata) -> str:
    text = ("SRBench's Operon configuration (see Method)" if meta.pyoperon_config == "srbench"
            else "its library defaults (`--pyoperon-config library-defaults`)")
    if meta.pyoperon_options:
        text += "; changed: " + ", ".join(f"`{k}={v!r}`" for k, v in meta.pyoperon_options.items())
    return text


def write_markdown(path: Path, *, records: Sequence[RunRecord], problems: Sequence[Problem],
                   metas: Sequence[RunMetadata]) -> None:
    """The report: conditions, summary per split, method, per-problem results, pysr_lite's runs,
    the problem set. ``metas`` holds one entry per part (shard) of the run."""
    meta = metas[0]
    tools = meta.tools
    seeds = meta.seeds
    started = min(_datetime.datetime.fromisoformat(m.started) for m in metas)
    finished = max(_datetime.datetime.fromisoformat(m.finished) for m in metas)
    machine = meta.machine
    noisy = [p for p in problems if p.noise > 0]
    splits = [split for split in ("reporting", "training") if any(p.split == split for p in problems)]
    lines = [
        "# Search-quality benchmark: exact recovery",
        "",
        "Generated by `benchmarks/recovery.py` (see `benchmarks/README.md` in the repository); "
        "do not edit by hand, rerun it.",
        "",
        f"- **Date**: {started:%Y-%m-%d %H:%M} to {finished:%Y-%m-%d %H:%M} (local time)",
    ]
    if len(metas) == 1:
        lines.append(f"- **Command**: `{meta.command}`")
    else:
        lines.append(f"- **Commands** ({len(metas)} parts, merged with `python benchmarks/recovery.py --merge ...`):")
        for part in sorted(metas, key=lambda m: m.started):
            lines.append(f"  - `{part.command}` ({part.started} to {part.finished}, load average "
                         f"{part.machine.get('load', '?')} at the start, {part.load_after} at the end)")
    lines += [
        f"- **Budget**: {meta.seconds:g} s wall clock per tool, problem and seed; {meta.threads} thread(s); "
        f"{len(seeds)} seed(s) ({', '.join(map(str, seeds))}), each drawing new data and seeding every tool",
        f"- **Operators**: {operators_description(meta.operator_mode)}",
        f"- **pyoperon**: {pyoperon_description(meta)}",
        f"- **Machine**: {machine['nproc']} CPUs (`nproc`), {machine['cpu']}, {machine['memory']} RAM, {machine['os']}. "
        "Other jobs may share the machine (a load above the CPU count means they did), so the times are noisy.",
        "- **Versions**: " + ", ".join(f"{name} {version}" for name, version in meta.versions.items()),
        f"- **Problems** ({len(problems)}: " + ", ".join(
            f"{sum(p.split == split for p in problems)} {split}" for split in splits)
        + f"; {sum(p.noise == 0.01 for p in noisy)} with 1 % noise, {sum(p.noise == 0.1 for p in noisy)} with 10 %)",
    ]
    machines = {json.dumps({k: v for k, v in m.machine.items() if k != "load"}, sort_keys=True) for m in metas}
    if len(machines) > 1:
        lines.append("- **WARNING: the parts ran on different machines**: " + "; ".join(sorted(machines)))
    versions = {json.dumps(m.versions, sort_keys=True) for m in metas}
    if len(versions) > 1:
        lines.append("- **WARNING: the parts ran different versions**: " + "; ".join(sorted(versions)))
    if meta.pysr_lite_options:
        lines.append("- **pysr_lite options changed**: " + ", ".join(f"`{k}={v!r}`" for k, v in meta.pysr_lite_options.items()))
    if "pysr_lite" in tools:
        lines.append("- **pysr_lite engine**: " + (
            "warm (`--pysr-lite-warm`): an untimed tiny search in the same process started and compiled the "
            "engine before each timed search, as in a session's later searches." if meta.pysr_lite_warm else
            "cold: every timed search starts and compiles a new engine, as the first `search()` of a session."))
        fingerprints = {m.fingerprint_before for m in metas} | {m.fingerprint_after for m in metas}
        if len(fingerprints) > 1:
            lines.append(f"- **WARNING: pysr_lite's sources changed during the run** (fingerprints "
                         f"{', '.join(sorted(fingerprints))}): its runs do not all measure the same code.")
        elif fingerprints != {"unknown"}:
            lines.append(f"- **pysr_lite sources** unchanged during the run (fingerprint {fingerprints.pop()}).")
        pysr_summary = summarize(records, problems, "pysr_lite", seeds)
        startup = pysr_summary.median_startup_seconds
        if startup is not None and not math.isnan(startup):
            lines.append(f"- **pysr_lite start-up**: median {startup:.1f} s per run before its search clock starts "
                         "(starting the engine process, when cold), included in its seconds but not in its budget; "
                         f"inside the budget, its first iteration ends after a median "
                         f"{format_seconds(pysr_summary.median_first_iteration_seconds)} s (with a cold engine this "
                         f"includes compiling the search code), later iterations take a median "
                         f"{format_seconds(pysr_summary.median_later_iteration_seconds)} s.")
    missing = missing_runs(records, metas)
    if missing:
        lines.append(f"- **Incomplete**: {len(missing)} planned runs are missing (interrupted part?): "
                     + ", ".join(f"{p}/{t}/seed {s}" for p, t, s in missing[:20]) + (" ..." if len(missing) > 20 else ""))
    lines += ["", "## Summary", ""]
    for split in splits:
        chosen = [p for p in problems if p.split == split]
        title = {"reporting": "Reporting split (never used to choose a default)",
                 "training": "Training split (may be used to choose defaults; not a fair measure)"}[split]
        header, rows = summary_rows([summarize(records, chosen, tool, seeds) for tool in tools], chosen)
        lines += [f"### {title}: {len(chosen)} problems", "", markdown_table(header, rows), ""]
    lines += [METHOD, "## Per problem", "",
              "`exact` counts the seeds whose run recovered the law; R² and seconds are medians over the seeds; "
              "`max dev.` (max|model - truth| / rms(truth) over the test and extrapolation points) is the best "
              "seed's; the model shown is the first recovery, or the lowest seed's.", ""]
    lines.append(markdown_table(
        ["problem", "split", "truth", "noise", "tool", "exact", "R² in range", "R² out of range", "seconds",
         "max dev.", "model found", "note"],
        per_problem_rows(records, problems, tools)))
    pysr_rows = pysr_lite_rows(records, problems)
    if pysr_rows:
        lines += ["", "## pysr_lite runs", "",
                  "Over the seeds of each problem: why the runs stopped (`early_stop`: the loss reached 1e-10 "
                  "var(y); `timeout`: the budget), and medians of iterations, equation evaluations, seconds before "
                  "and inside the search clock, when the first iteration (with compilation) ended, how long later "
                  "ones took and the complexity of `best()`; the last column counts the seeds whose final front "
                  "held an equation that passes the recovery rule.",
                  "", markdown_table(["problem", "stops", "iterations", "evaluations", "start-up s", "search s",
                                      "1st iteration ends at s", "later iterations s", "best complexity",
                                      "exact on front"], pysr_rows)]
    lines += ["", "## Problem set", "",
              f"Sampling as published; training sets are capped at {MAX_TRAIN_ROWS:,} rows (rows shown for seed "
              f"{seeds[0]}). Operators: those every tool got in this run.", ""]
    lines.append(markdown_table(
        ["problem", "split", "variables (training range)", "published sampling", "rows", "operators", "source"],
        [[p.name, p.split,
          ", ".join(f"{v.name} ∈ [{v.low:g}, {v.high:g}]" + (f" step {v.step:g}" if v.step else "") for v in p.variables),
          p.published_sampling, str(len(make_dataset(p, seeds[0]).X_train)), " ".join(p.operator_set(meta.operator_mode)),
          p.family]
         for p in problems]))
    lines += ["", "Sources:", ""]
    sources: dict[str, str] = {}
    for problem in problems:
        sources.setdefault(problem.family, problem.source)
    lines += [f"- **{family}**: {source}" for family, source in sources.items()]
    kept = units_section_of(path)   # a --units run's section stays, as the main report does for it
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + (f"\n{kept}" if kept else ""), encoding="utf-8")


def units_section_of(path: Path) -> str:
    """The units section of the report at ``path`` with its markers (see UNITS_SECTION), or ""."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if UNITS_SECTION[0] not in text or UNITS_SECTION[1] not in text:
        return ""
    inside = text.split(UNITS_SECTION[0], 1)[1].split(UNITS_SECTION[1], 1)[0]
    return f"{UNITS_SECTION[0]}{inside}{UNITS_SECTION[1]}\n"


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
    """Every run (pysr_lite's fronts included) and the run's metadata: ``--merge`` reads it back.
    Written to a temporary file first, so an interrupted write never leaves half a file."""
    document = {"format": "pysr_lite-recovery-1", "meta": asdict(meta), "runs": [asdict(record) for record in records]}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(_json_safe(document), indent=1), encoding="utf-8")
    os.replace(temporary, path)


def load_json(path: Path) -> tuple[list[RunRecord], RunMetadata]:
    document = json.loads(path.read_text(encoding="utf-8"))
    meta = RunMetadata(**document["meta"])
    records = []
    for run in document["runs"]:
        for key in FLOAT_FIELDS:
            run[key] = float(run[key])
        run.setdefault("seed", meta.seed)
        records.append(RunRecord(**run))
    return records, meta


def missing_runs(records: Sequence[RunRecord], metas: Sequence[RunMetadata]) -> list[tuple[str, str, int]]:
    """(problem, tool, seed) that a part was given but has no record of (an interrupted part)."""
    done = {(r.problem, r.tool, r.seed) for r in records}
    return [(problem, tool, seed) for meta in metas for problem in meta.problems for seed in meta.seeds
            for tool in meta.tools if (problem, tool, seed) not in done]


def merge_results(paths: Sequence[Path]) -> tuple[list[RunRecord], list[RunMetadata]]:
    """The runs and metadata of several result files (the shards of one benchmark).

    Raises ValueError when the parts were run under different conditions (MERGE_KEYS, tools) or
    hold the same (problem, tool, seed) twice.
    """
    records: list[RunRecord] = []
    metas: list[RunMetadata] = []
    seen: dict[tuple[str, str, int], Path] = {}
    for path in paths:
        part_records, meta = load_json(Path(path))
        if metas:
            first = metas[0]
            for key in MERGE_KEYS:
                if getattr(meta, key) != getattr(first, key):
                    raise ValueError(f"{path}: {key} is {getattr(meta, key)!r}, but {getattr(first, key)!r} in "
                                     f"{paths[0]}: the parts were not run under the same conditions")
            if set(meta.tools) != set(first.tools):
                raise ValueError(f"{path}: tools {meta.tools} differ from {first.tools} in {paths[0]}")
        for record in part_records:
            key = (record.problem, record.tool, record.seed)
            if key in seen:
                raise ValueError(f"{path}: {record.problem} / {record.tool} / seed {record.seed} is also in {seen[key]}")
            seen[key] = Path(path)
        records += part_records
        metas.append(meta)
    if not metas:
        raise ValueError("--merge: no files given")
    return records, metas


# ==============================================================================================
# Command line
# ==============================================================================================


def parse_assignments(parser: argparse.ArgumentParser, flag: str, assignments: Sequence[str]) -> dict[str, Any]:
    """NAME=VALUE pairs (VALUE a Python literal, else a string)."""
    values: dict[str, Any] = {}
    for assignment in assignments:
        name, separator, text = assignment.partition("=")
        if not separator or not name.strip():
            parser.error(f"{flag} {assignment!r}: expected NAME=VALUE")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text  # a bare word: a string option
        values[name.strip()] = value
    return values


def with_noise(problems: Sequence[Problem], noise: float | None) -> list[Problem]:
    """The problems with their noise level replaced by `noise` (``--noise``), or as they are."""
    return list(problems) if noise is None else [replace(problem, noise=noise) for problem in problems]


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run symbolic-regression tools on the public problem set and count exact recoveries.",
        epilog="Example: python benchmarks/recovery.py --seconds 30 --threads 2 --seeds 3 --split reporting --shard 1/3",
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="wall-clock budget per tool, problem and seed (default 30)")
    parser.add_argument("--threads", type=int, default=2, help="threads for every tool (default 2)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated subset of {','.join(TOOLS)}")
    parser.add_argument("--problems", default="all", help="comma-separated problem names, or 'all' (see --list)")
    parser.add_argument("--split", default="all", choices=("all",) + SPLITS,
                        help="only the problems of this split (default all; report on 'reporting', tune on 'training')")
    parser.add_argument("--seed", type=int, default=0, help="first seed of the data and of every tool (default 0)")
    parser.add_argument("--seeds", type=int, default=1,
                        help="number of seeds, --seed, --seed + 1, ...: each draws new data and seeds every tool (default 1)")
    parser.add_argument("--operators", default="generic", choices=OPERATOR_MODES,
                        help="generic (default): the same operators for every problem of a group; tailored: each "
                             "problem's own set, for comparison with earlier runs")
    parser.add_argument("--pyoperon-config", default="srbench", choices=("srbench", "library-defaults"),
                        help="pyoperon's configuration: SRBench's Operon entry (default) or the library's defaults")
    parser.add_argument("--pyoperon-option", action="append", default=[], metavar="NAME=VALUE",
                        help="change one pyoperon SymbolicRegressor parameter (repeatable), e.g. max_length=30")
    parser.add_argument("--shard", default=None, metavar="I/N",
                        help="run only part I of N (every N-th problem from the I-th on) and write its results file "
                             "(default --json benchmarks/results/recovery-shard-I-of-N.json); combine with --merge")
    parser.add_argument("--merge", nargs="+", default=None, metavar="JSON",
                        help="run nothing: combine results files (shards) into one report (--output)")
    parser.add_argument("--output", default=None,
                        help="markdown report to write (default docs/benchmarks.md, none for a shard; 'none' to skip)")
    parser.add_argument("--json", default=None, help="write every run (with pysr_lite's fronts) to this JSON file, "
                                                     "rewritten after each problem")
    parser.add_argument("--runs-dir", default=None, help="keep pysr_lite's run folders here (default: a temporary folder, removed)")
    parser.add_argument("--pysr-lite-warm", action="store_true",
                        help="before each timed pysr_lite search, run an untimed tiny one in the same process so the "
                             "engine is started and compiled (a session's later searches); default: cold, as a "
                             "first search() of a session")
    parser.add_argument("--from-json", default=None, metavar="JSON", help="same as --merge JSON (one file)")
    parser.add_argument("--pysr-lite-option", action="append", default=[], metavar="NAME=VALUE",
                        help="change one of pysr_lite's search options (repeatable), to compare settings: "
                             "e.g. --pysr-lite-option weight_rotate_tree=0")
    parser.add_argument("--noise", type=float, default=None, metavar="LEVEL",
                        help="give every problem this noise level (Gaussian, std LEVEL * std(y), on training targets) "
                             "instead of its own, e.g. 0.1: to compare settings on noisy data within the training split")
    parser.add_argument("--list", action="store_true", help="list the problems (with their split) and exit")
    parser.add_argument("--units", action="store_true",
                        help="pysr_lite only, on the problems with units (AI Feynman): no units, soft and hard "
                             "dimensional analysis side by side, over --seeds, in --shard parts (results file "
                             "benchmarks/results/units-shard-I-of-N.json) merged with --merge; writes its own "
                             "section of --output")
    arguments = parser.parse_args(argv)
    tools = [tool.strip() for tool in arguments.tools.split(",") if tool.strip()]
    unknown = [tool for tool in tools if tool not in TOOLS]
    if unknown or not tools:
        parser.error(f"--tools: unknown {', '.join(unknown) or '(none given)'}; choose from {', '.join(TOOLS)}")
    arguments.tools = tools
    if arguments.seconds <= 0 or arguments.threads < 1 or arguments.seeds < 1:
        parser.error("--seconds must be positive, --threads and --seeds at least 1")
    arguments.seed_list = list(range(arguments.seed, arguments.seed + arguments.seeds))
    if arguments.noise is not None and not 0 <= arguments.noise < 1:
        parser.error(f"--noise must be at least 0 and below 1 (a fraction of std(y)), got {arguments.noise}")
    try:
        arguments.problem_list = with_noise(select_problems(arguments.problems, split=arguments.split), arguments.noise)
        if arguments.units:  # before sharding, so that the parts share the problems with units evenly
            arguments.problem_list = [problem for problem in arguments.problem_list if problem_units(problem) is not None]
        arguments.shard_index = None
        if arguments.shard is not None:
            arguments.shard_index = parse_shard(arguments.shard)
            arguments.problem_list = shard_problems(arguments.problem_list, *arguments.shard_index)
    except ValueError as error:
        parser.error(str(error))
    if arguments.from_json:
        arguments.merge = (arguments.merge or []) + [arguments.from_json]
    if arguments.output is None:
        arguments.output = "none" if arguments.shard_index and not arguments.merge else str(REPOSITORY / "docs" / "benchmarks.md")
    if arguments.json is None and arguments.shard_index and not arguments.merge:
        i, n = arguments.shard_index
        kind = "units" if arguments.units else "recovery"
        arguments.json = str(REPOSITORY / "benchmarks" / "results" / f"{kind}-shard-{i}-of-{n}.json")
    arguments.pysr_lite_options = parse_assignments(parser, "--pysr-lite-option", arguments.pysr_lite_option)
    arguments.pyoperon_options = parse_assignments(parser, "--pyoperon-option", arguments.pyoperon_option)
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    problems: list[Problem] = arguments.problem_list
    if arguments.list:
        for problem in problems:
            print(f"{problem.name:16s} {problem.split:9s} {problem.group:10s} {problem.family:13s} "
                  f"noise={problem.noise:<5g} {problem.formula}")
        return 0
    if arguments.merge:
        return merge_command(arguments)
    if arguments.units:
        return run_units_comparison(arguments, argv)
    command = command_line(argv)
    runs_directory = arguments.runs_dir or tempfile.mkdtemp(prefix="pysr_lite_recovery_")
    settings = RunSettings(seconds=arguments.seconds, threads=arguments.threads, seed=arguments.seed,
                           runs_directory=runs_directory, pysr_lite_warm=arguments.pysr_lite_warm,
                           pysr_lite_options=arguments.pysr_lite_options, operator_mode=arguments.operators,
                           pyoperon_config=arguments.pyoperon_config, pyoperon_options=arguments.pyoperon_options)
    seeds = arguments.seed_list
    conditions = RunConditions.now()
    shard = shard_text(arguments)
    runs = len(problems) * len(seeds) * len(arguments.tools)
    print(f"recovery: {len(problems)} problems{f' (shard {shard})' if shard else ''} x {len(seeds)} seeds x "
          f"{len(arguments.tools)} tools, {settings.seconds:g} s each, {settings.threads} threads, "
          f"{settings.operator_mode} operators; expect about {runs * (settings.seconds + 5) / 60:.0f} min", flush=True)

    def metadata() -> RunMetadata:
        return run_metadata(arguments, command, conditions, tools=arguments.tools, problems=problems)

    records: list[RunRecord] = []
    try:
        for number, problem in enumerate(problems, start=1):
            for seed in seeds:
                data = make_dataset(problem, seed)
                for tool in arguments.tools:
                    outcome = run_isolated(tool, problem, data, replace(settings, seed=seed))
                    record = judge_run(tool, problem, data, outcome, seed)
                    records.append(record)
                    print(f"[{number:2d}/{len(problems)}] {problem.name:16s} seed {seed:<3d} {tool:10s} "
                          f"{'EXACT' if record.recovered else record.status if record.status != 'ok' else 'no':5s} "
                          f"{format_seconds(record.seconds):>6s} s  R2 {format_r2(record.r2_test):>9s} / "
                          f"{format_r2(record.r2_extrapolation):>9s}  {record.expression[:80]}", flush=True)
            if arguments.json:  # after every problem: a killed part keeps what it finished
                save_json(Path(arguments.json), records, metadata())
    except KeyboardInterrupt:
        print("recovery: interrupted; reporting the runs done so far", file=sys.stderr)
    finally:
        if arguments.runs_dir is None:
            shutil.rmtree(runs_directory, ignore_errors=True)
    done_problems = [p for p in problems if any(r.problem == p.name for r in records)]
    return report(records, done_problems, [metadata()], arguments.output, json_path=arguments.json)


def command_line(argv: Sequence[str] | None) -> str:
    """The command as the report shows it, with the environment that changes what runs (another
    pysr_lite checkout, Julia, Julia depot)."""
    environment = [f"{name}={shlex.quote(os.environ[name])}" for name in ("PYTHONPATH", "JULIA_DEPOT_PATH", "PYSR_LITE_JULIA")
                   if os.environ.get(name)]
    return " ".join(environment + ["python benchmarks/recovery.py"]
                    + [shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)])


def shard_text(arguments: argparse.Namespace) -> str:
    return "" if arguments.shard_index is None else "{}/{}".format(*arguments.shard_index)


@dataclass(frozen=True)
class RunConditions:
    """What is recorded when a run starts: its time, the machine, the versions, the sources."""

    started: _datetime.datetime
    machine: dict[str, str]
    versions: dict[str, str]
    fingerprint: str

    @classmethod
    def now(cls) -> "RunConditions":
        return cls(_datetime.datetime.now(), machine_description(), tool_versions(), source_fingerprint())


def run_metadata(arguments: argparse.Namespace, command: str, conditions: RunConditions, *, tools: Sequence[str],
                 problems: Sequence[Problem], comparison: str = "tools") -> RunMetadata:
    """The metadata of a run in progress (``finished`` and the load are now)."""
    return RunMetadata(
        command=command, tools=list(tools), seconds=arguments.seconds, threads=arguments.threads,
        seed=arguments.seed_list[0], started=conditions.started.isoformat(timespec="seconds"),
        finished=_datetime.datetime.now().isoformat(timespec="seconds"), machine=conditions.machine,
        versions=conditions.versions, load_after=" ".join(f"{v:.2f}" for v in os.getloadavg()),
        fingerprint_before=conditions.fingerprint, fingerprint_after=source_fingerprint(),
        pysr_lite_warm=arguments.pysr_lite_warm, seeds=list(arguments.seed_list), operator_mode=arguments.operators,
        pyoperon_config=arguments.pyoperon_config, split=arguments.split, shard=shard_text(arguments),
        problems=[p.name for p in problems], pysr_lite_options=dict(arguments.pysr_lite_options),
        pyoperon_options=dict(arguments.pyoperon_options), comparison=comparison, noise=arguments.noise)


def merge_command(arguments: argparse.Namespace) -> int:
    """``--merge``: the report of results files, of the tools comparison or of ``--units``."""
    try:
        records, metas = merge_results([Path(path) for path in arguments.merge])
    except (ValueError, OSError, KeyError, TypeError) as error:
        print(f"recovery: cannot merge: {error}", file=sys.stderr)
        return 2
    done = with_noise([p for p in PROBLEMS if any(record.problem == p.name for record in records)], metas[0].noise)
    if metas[0].comparison == "units":
        return units_report(records, done, metas, arguments.output, json_path=None)
    if arguments.units:
        print("recovery: cannot merge: --units, but these files hold the comparison of tools "
              "(run --merge without --units)", file=sys.stderr)
        return 2
    return report(records, done, metas, arguments.output, json_path=None)


# ==============================================================================================
# The units comparison (--units)
# ==============================================================================================

# The three ways of running pysr_lite that --units compares, with the options each adds.
UNIT_MODES = {"no units": {}, "soft": {"dimensional_analysis": "soft"}, "hard": {"dimensional_analysis": "hard"}}
UNITS_SECTION = ("<!-- units comparison: written by recovery.py --units -->", "<!-- end of units comparison -->")


def run_units_comparison(arguments: argparse.Namespace, argv: Sequence[str] | None = None) -> int:
    """``--units``: pysr_lite on every selected problem that has units (``problems.FEYNMAN_UNITS``)
    and every seed, without units, in soft mode and in hard mode, with the same budget, threads,
    seed, operators and data; the same recovery rule judges each final model. Each run is recorded
    with its mode as its ``tool``, so results files, shards and ``--merge`` work as for the tools
    comparison (``RunMetadata.comparison`` is ``"units"``)."""
    problems: list[Problem] = arguments.problem_list  # only problems with units (parse_arguments)
    if not problems:
        print("recovery --units: none of the selected problems has units (the AI Feynman ones do)", file=sys.stderr)
        return 2
    command = command_line(argv)
    runs_directory = arguments.runs_dir or tempfile.mkdtemp(prefix="pysr_lite_units_")
    seeds = arguments.seed_list
    conditions = RunConditions.now()
    shard = shard_text(arguments)
    runs = len(problems) * len(seeds) * len(UNIT_MODES)
    print(f"recovery --units: {len(problems)} problems{f' (shard {shard})' if shard else ''} x {len(seeds)} seeds x "
          f"{len(UNIT_MODES)} modes, {arguments.seconds:g} s each, {arguments.threads} threads; expect about "
          f"{runs * (arguments.seconds + 10) / 60:.0f} min", flush=True)

    def metadata() -> RunMetadata:
        return run_metadata(arguments, command, conditions, tools=list(UNIT_MODES), problems=problems, comparison="units")

    records: list[RunRecord] = []
    try:
        for number, problem in enumerate(problems, start=1):
            X_units, y_units = problem_units(problem)
            for seed in seeds:
                data = make_dataset(problem, seed)
                for mode, options in UNIT_MODES.items():
                    units = {} if mode == "no units" else dict(X_units=X_units, y_units=y_units)
                    settings = RunSettings(seconds=arguments.seconds, threads=arguments.threads, seed=seed,
                                           runs_directory=runs_directory, pysr_lite_warm=arguments.pysr_lite_warm,
                                           pysr_lite_options={**arguments.pysr_lite_options, **units, **options},
                                           operator_mode=arguments.operators)
                    outcome = run_isolated("pysr_lite", problem, data, settings)
                    record = replace(judge_run("pysr_lite", problem, data, outcome, seed), tool=mode)
                    records.append(record)
                    print(f"[{number:2d}/{len(problems)}] {problem.name:10s} seed {seed:<3d} {mode:9s} "
                          f"{'EXACT' if record.recovered else record.status if record.status != 'ok' else 'no':5s} "
                          f"{format_seconds(record.seconds):>6s} s  {record.expression[:90]}", flush=True)
            if arguments.json:  # after every problem: a killed part keeps what it finished
                save_json(Path(arguments.json), records, metadata())
    except KeyboardInterrupt:
        print("recovery --units: interrupted; reporting the runs done so far", file=sys.stderr)
    finally:
        if arguments.runs_dir is None:
            shutil.rmtree(runs_directory, ignore_errors=True)
    done = [p for p in problems if any(r.problem == p.name for r in records)]
    return units_report(records, done, [metadata()], arguments.output, json_path=arguments.json)


def units_cell(runs: Sequence[RunRecord]) -> str:
    """One problem in one mode over the seeds: 'yes, 3.2 s' / 'no' for one seed; '2 of 3, 4.1 s'
    (seeds recovered, median seconds of those) for several."""
    if len(runs) == 1 and runs[0].status != "ok":
        return runs[0].status
    recovered = [run for run in runs if run.recovered]
    seconds = format_seconds(median([run.seconds for run in recovered])) if recovered else ""
    failures = sum(run.status != "ok" for run in runs)
    note = f" ({failures} failed)" if failures else ""
    if len(runs) == 1:
        return f"yes, {seconds} s" if recovered else "no"
    return (f"{len(recovered)} of {len(runs)}, {seconds} s" if recovered else f"0 of {len(runs)}") + note


def units_tables(records: Sequence[RunRecord], problems: Sequence[Problem], seeds: Sequence[int]
                 ) -> tuple[tuple[list[str], list[list[str]]], tuple[list[str], list[list[str]]]]:
    """(summary, per problem) tables, each as (header, rows). The summary counts exact recoveries
    per seed for all problems and for each split (mean ± sd over the seeds)."""
    modes = list(UNIT_MODES)
    groups = [("all problems with units", list(problems))]
    groups += [(f"{split} split", [p for p in problems if p.split == split]) for split in ("reporting", "training")]
    summary = [[f"{title} ({len(chosen)})", *(summarize(records, chosen, mode, seeds).recovered.text(of=len(chosen))
                                              for mode in modes)]
               for title, chosen in groups if chosen]
    by_run = runs_by_problem_and_tool(records)
    rows = []
    for problem in problems:
        X_units, y_units = problem_units(problem)
        rows.append([problem.name, problem.split, f"`{problem.formula}`",
                     f"{', '.join(u or '1' for u in X_units)}; {y_units or '1'}",
                     *(units_cell(by_run.get((problem.name, mode), [])) if by_run.get((problem.name, mode)) else "n/a"
                       for mode in modes)])
    return (["exact recoveries", *modes], summary), (["problem", "split", "truth", "units (X; y)", *modes], rows)


def units_section(records: Sequence[RunRecord], problems: Sequence[Problem], metas: Sequence[RunMetadata]) -> str:
    """The markdown section of docs/benchmarks.md, between the UNITS_SECTION markers."""
    meta = metas[0]
    started = min(_datetime.datetime.fromisoformat(m.started) for m in metas)
    finished = max(_datetime.datetime.fromisoformat(m.finished) for m in metas)
    (summary_header, summary), (header, rows) = units_tables(records, problems, meta.seeds)
    lines = [UNITS_SECTION[0], "", "## Units: no units, soft and hard dimensional analysis", "",
             f"- **Date**: {started:%Y-%m-%d %H:%M} to {finished:%Y-%m-%d %H:%M} (local time)"]

    def described(part: RunMetadata) -> str:
        return (f"`{part.command}` ({part.started} to {part.finished}, load average {part.machine.get('load', '?')} "
                f"at the start, {part.load_after} at the end, on {part.machine.get('nproc', '?')} CPUs)")

    if len(metas) == 1:
        lines.append(f"- **Command**: {described(meta)}")
    else:
        lines.append(f"- **Commands** ({len(metas)} parts, merged with `python benchmarks/recovery.py --merge ...`):")
        lines += [f"  - {described(part)}" for part in sorted(metas, key=lambda m: m.started)]
    lines += [
        f"- **Budget**: pysr_lite alone, {meta.seconds:g} s per run "
        f"({'warm' if meta.pysr_lite_warm else 'cold'} engine), {meta.threads} thread(s), "
        f"{len(meta.seeds)} seed(s) ({', '.join(map(str, meta.seeds))}); operators: {operators_description(meta.operator_mode)}",
        f"- **Problems**: {len(problems)} of the {len(FEYNMAN_UNITS)} AI Feynman problems, with the units of "
        "`problems.FEYNMAN_UNITS` (the AI Feynman database's units.csv, in SI)",
    ]
    if meta.pysr_lite_options:
        lines.append("- **pysr_lite options changed**: " + ", ".join(f"`{k}={v!r}`" for k, v in meta.pysr_lite_options.items()))
    missing = missing_runs(records, metas)
    if missing:
        lines.append(f"- **Incomplete**: {len(missing)} planned runs are missing (interrupted part?): "
                     + ", ".join(f"{p}/{t}/seed {s}" for p, t, s in missing[:20]) + (" ..." if len(missing) > 20 else ""))
    lines += [
        "", "Each problem's runs for one seed share the data, budget and seed and differ only in "
        "`X_units`/`y_units` and `dimensional_analysis` ([units](units.md)). A run counts when its final model "
        "(`result.best()`) is an exact recovery under the rule above; the summary gives recoveries per seed as "
        "mean ± sample standard deviation (min–max), a problem's cell the seeds recovered and their median seconds.",
        "", markdown_table(summary_header, summary), "", markdown_table(header, rows), "", UNITS_SECTION[1], ""]
    return "\n".join(lines)


def replace_units_section(path: Path, section: str) -> None:
    """Put ``section`` in place of the units section of ``path`` (appended when it has none), so
    the main report around it stays as it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if UNITS_SECTION[0] in text and UNITS_SECTION[1] in text:
        before, rest = text.split(UNITS_SECTION[0], 1)
        text = before + section + rest.split(UNITS_SECTION[1], 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def units_report(records: Sequence[RunRecord], problems: Sequence[Problem], metas: Sequence[RunMetadata],
                 output: str | None, json_path: str | None) -> int:
    """Print the units tables; write the JSON (one run) and the section of the report when asked."""
    (summary_header, summary), (header, rows) = units_tables(records, problems, metas[0].seeds)
    print()
    print(text_table(header, rows))
    print()
    print(text_table(summary_header, summary))
    missing = missing_runs(records, metas)
    if missing:
        print(f"recovery --units: {len(missing)} planned runs are missing", file=sys.stderr)
    if json_path and len(metas) == 1:
        save_json(Path(json_path), records, metas[0])
        print(f"recovery --units: runs written to {json_path}")
    if output and output.lower() != "none" and records:
        replace_units_section(Path(output), units_section(records, problems, metas))
        print(f"recovery --units: table written to {output}")
    return 0


def report(records: Sequence[RunRecord], problems: Sequence[Problem], metas: Sequence[RunMetadata],
           output: str | None, json_path: str | None) -> int:
    """Print the summary tables; write the JSON (one run) and the markdown report when asked."""
    meta = metas[0]
    for split in ("reporting", "training"):
        chosen = [p for p in problems if p.split == split]
        if not chosen:
            continue
        header, rows = summary_rows([summarize(records, chosen, tool, meta.seeds) for tool in meta.tools], chosen)
        print(f"\n{split} split: {len(chosen)} problems, {len(meta.seeds)} seed(s)")
        print(text_table(header, rows))
    missing = missing_runs(records, metas)
    if missing:
        print(f"recovery: {len(missing)} planned runs are missing", file=sys.stderr)
    if json_path and len(metas) == 1:
        save_json(Path(json_path), records, meta)
        print(f"recovery: runs written to {json_path}")
    if output and output.lower() != "none" and records:
        write_markdown(Path(output), records=records, problems=problems, metas=metas)
        print(f"recovery: report written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
