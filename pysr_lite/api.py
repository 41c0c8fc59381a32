"""``search()`` and the result objects users touch: ``SearchResult`` and ``Equation``.

>>> import numpy as np
>>> X = np.random.default_rng(0).uniform(-3, 3, size=(200, 2))
>>> y = X[:, 0] ** 2 + np.cos(X[:, 1])
>>> result = search(X, y, unary_operators=["cos"], niterations=20)   # doctest: +SKIP
>>> result.best().sympy()                                             # doctest: +SKIP
x0**2 + cos(x1)
"""

from __future__ import annotations

import inspect
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import sympy

from .budget import Deadline, Instant, TimeoutBeforeFirstFrontError
from .data import prepare_dataset, prepare_features
from .engine import EngineError, locate_engine, run_engine, stats_from_report
from .persistent_engine import run_in_persistent_engine
from .export.latex import to_latex
from .hall_of_fame import best_index, read_hall_of_fame
from .operators import BUILTIN_OPERATORS, OperatorTable, custom_operator, unknown_operator
from .options import check_complexity_of_variables, option_parameters, options_help, resolve_options, toml_entries
from .protocol import read_protocol_log, statistics
from .run_folder import HALL_OF_FAME_FILE, create_run_directory, read_run_folder, write_run_folder


@dataclass(frozen=True, repr=False)
class Equation:
    """One equation of the front: its complexity, loss, score, text and callable forms.

    >>> equation.sympy(), equation.predict(X)       # doctest: +SKIP
    """

    complexity: int
    loss: float
    score: float
    equation: str
    variable_names: tuple[str, ...]
    sympy_format: sympy.Expr
    lambda_format: Callable[[np.ndarray], np.ndarray]

    def sympy(self) -> sympy.Expr:
        """The equation as a sympy expression (variables are plain symbols named as the features)."""
        return self.sympy_format

    def latex(self, precision: int = 3) -> str:
        """LaTeX of the equation, constants rounded to ``precision`` significant digits."""
        return to_latex(self.sympy_format, precision=precision)

    def predict(self, X: Any) -> np.ndarray:
        """The equation's value on each row of X (array with one column per variable, or DataFrame)."""
        features = prepare_features(X, self.variable_names)
        values = np.asarray(self.lambda_format(features), dtype=np.float64)
        return np.broadcast_to(values, (features.shape[0],)).copy()

    def __repr__(self) -> str:
        return (
            f"Equation(complexity={self.complexity}, loss={self.loss:.6g}, score={self.score:.6g}, "
            f"equation={self.equation!r})"
        )


class SearchResult:
    """The Pareto front of one search (or of a run folder, see ``load_result``).

    ``equations`` is a DataFrame, one row per complexity, with columns ``complexity, loss, score,
    equation, sympy_format, lambda_format``; ``index`` arguments are row positions in it, and
    ``None`` means the best equation (``best()``).
    """

    def __init__(
        self,
        equations: pd.DataFrame,
        variable_names: Sequence[str],
        run_directory: str | os.PathLike,
        stats: dict[str, Any] | None = None,
    ):
        self.equations = equations.reset_index(drop=True)
        self.variable_names = list(variable_names)
        self.run_directory = Path(run_directory)
        self.stats = dict(stats or {})

    def __len__(self) -> int:
        return len(self.equations)

    def best_index(self) -> int:
        """Row of PySR's "best" equation: highest score among those with loss <= 1.5 * lowest."""
        return best_index(self.equations["loss"], self.equations["score"])

    def equation(self, index: int | None = None) -> Equation:
        """The equation in row ``index`` (None: the best one)."""
        if index is None:
            index = self.best_index()
        count = len(self.equations)
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool) or not -count <= index < count:
            raise IndexError(f"index {index!r} is out of range: the front has {count} equations (rows 0..{count - 1})")
        row = self.equations.iloc[int(index)]
        return Equation(
            complexity=int(row["complexity"]),
            loss=float(row["loss"]),
            score=float(row["score"]),
            equation=row["equation"],
            variable_names=tuple(self.variable_names),
            sympy_format=row["sympy_format"],
            lambda_format=row["lambda_format"],
        )

    def best(self) -> Equation:
        """PySR's "best" equation: a good trade-off of accuracy and simplicity."""
        return self.equation(None)

    def predict(self, X: Any, index: int | None = None) -> np.ndarray:
        """Predictions of equation ``index`` (None: the best one) on X."""
        return self.equation(index).predict(X)

    def sympy(self, index: int | None = None) -> sympy.Expr:
        return self.equation(index).sympy()

    def latex(self, index: int | None = None, precision: int = 3) -> str:
        return self.equation(index).latex(precision=precision)

    def __repr__(self) -> str:
        stats = self.stats
        facts = []
        if stats.get("reason"):
            facts.append(f"stop reason: {stats['reason']}")
        if stats.get("iterations") is not None:
            count = stats["iterations"]
            facts.append(f"{count} iteration{'' if count == 1 else 's'}")
        if stats.get("seconds") is not None:
            facts.append(f"{float(stats['seconds']):.1f} s")
        about = f" ({', '.join(facts)})" if facts else ""
        lines = [f"SearchResult: {len(self)} equations on the Pareto front{about}", f"run folder: {self.run_directory}"]
        if len(self):
            best = self.best_index()
            lines.append(f"{'':8}{'complexity':>10}  {'loss':<11}{'score':<11}equation")
            for row, (complexity, loss, score, expression) in enumerate(
                self.equations[["complexity", "loss", "score", "sympy_format"]].itertuples(index=False)
            ):
                marker = "best >>" if row == best else ""
                lines.append(f"{marker:8}{complexity:>10}  {loss:<11.4g}{score:<11.4g}{expression}")
        return "\n".join(lines)


def load_result(
    run_directory: str | os.PathLike,
    *,
    stats: dict[str, Any] | None = None,
    operators: OperatorTable | None = None,
    extra_sympy_mappings: dict[str, Any] | None = None,
) -> SearchResult:
    """Rebuild a ``SearchResult`` from a run folder (also after a crash or an interrupt).

    The variable names come from options.toml, the front from hall_of_fame.csv, and the
    statistics from engine_stdout.log when it holds a ``pysr_lite:done`` line. A run with
    custom operators needs their sympy forms to predict (``extra_sympy_mappings``, as given to
    the search); without them its equations still read, with the operators as sympy functions.
    """
    run_directory = Path(run_directory)
    spec = read_run_folder(run_directory)
    variable_names = spec.variable_names
    if operators is None:
        operators = _operators_of_run(run_directory, spec.custom_operators, extra_sympy_mappings or {})
    hall_of_fame = run_directory / HALL_OF_FAME_FILE
    if not hall_of_fame.is_file():
        raise FileNotFoundError(
            f"{run_directory} has no hall_of_fame.csv: the engine stopped before finishing its first "
            f"iteration (see {run_directory / 'engine_stderr.log'})"
        )
    if stats is None:
        done, last_progress = read_protocol_log(run_directory / "engine_stdout.log")
        stats = statistics(done, last_progress)
    return SearchResult(read_hall_of_fame(hall_of_fame, variable_names, operators), variable_names, run_directory, stats)


def _operators_of_run(run_directory: Path, custom: dict[str, int], sympy_mappings: dict[str, Any]) -> OperatorTable:
    """The table to read a run folder's equations with: built-ins plus its custom operators,
    with their Python forms where ``sympy_mappings`` has them."""
    if not custom:
        return BUILTIN_OPERATORS
    operators = []
    for name, arity in custom.items():
        if name in sympy_mappings:
            parameters = "x" if arity == 1 else "x, y"
            operators.append(custom_operator(f"{name}({parameters}) = (see user.jl)", arity, sympy_mappings=sympy_mappings))
        else:
            operators.append(unknown_operator(name, arity))
    return BUILTIN_OPERATORS.with_custom(operators)


def search(X: Any, y: Any, *, variable_names: Sequence[str] | None = None, weights: Any = None, **options: Any) -> SearchResult:
    """Search for equations y ≈ f(X); return the Pareto front of accuracy against complexity.

    X is a numpy array (n_rows, n_features) or a pandas DataFrame (its column names become the
    variable names unless ``variable_names`` is given); y has one value per row; ``weights``
    (optional, non-negative) weight each row's squared error. Every option below can be passed
    by keyword; unknown names are rejected with the closest known one.

    The run is kept in a fresh folder ``<output_directory>/<date>_<time>_<hex>`` (options,
    data, the engine's front and logs). Ctrl-C stops the engine and returns the last front.

    >>> result = search(X, y, binary_operators=["+", "*"], niterations=10, random_state=0)  # doctest: +SKIP
    >>> result.best().equation                                                            # doctest: +SKIP

    Options (name = default: meaning):
    """
    called_at = Instant.now()  # timeout_in_seconds counts from here (pysr_lite.budget)
    resolved = resolve_options(**options)
    operators = resolved["operator_table"]
    dataset = prepare_dataset(X, y, weights=weights, variable_names=variable_names, operators=operators)
    check_complexity_of_variables(resolved, dataset.n_features)
    entries = toml_entries(resolved)  # before creating a folder: what cannot be written fails here
    engine = locate_engine()  # likewise: a missing Julia leaves nothing behind
    run_directory = create_run_directory(resolved["output_directory"])
    deadline = Deadline.after_optional(resolved["timeout_in_seconds"], since=called_at)
    write_run_folder(run_directory, dataset, entries, precision=resolved["precision"], operators=operators,
                     user_functions=resolved["user_functions"],
                     deadline_unix_seconds=deadline.unix_seconds if deadline else None)
    run = run_in_persistent_engine if resolved["persistent_engine"] else run_engine
    try:
        report = run(
            engine,
            run_directory,
            threads=resolved["threads"],
            verbosity=resolved["verbosity"],
            deadline=deadline,
        )
    except EngineError as error:
        if (run_directory / HALL_OF_FAME_FILE).exists():
            try:
                error.partial_result = load_result(run_directory, operators=operators)
            except (ValueError, OSError):
                pass  # the message already says where the files are
        raise
    if not report.hall_of_fame.exists():
        if report.stopped_by == "interrupt":
            raise KeyboardInterrupt  # nothing to return yet: behave like any interrupted call
        if report.stopped_by == "timeout":
            raise TimeoutBeforeFirstFrontError.for_run(resolved["timeout_in_seconds"], run_directory)
        raise EngineError(
            f"the engine finished without writing a front ({report.hall_of_fame} is missing); see "
            f"{run_directory / 'engine_stderr.log'}",
            run_directory=run_directory,
            returncode=report.returncode,
            stderr_tail=report.stderr_tail,
        )
    if report.stopped_by == "timeout":
        warnings.warn(
            f"the engine overran timeout_in_seconds={resolved['timeout_in_seconds']} and was stopped; "
            "the result is the last front it wrote",
            RuntimeWarning,
            stacklevel=2,
        )
    return load_result(run_directory, stats=stats_from_report(report), operators=operators)


search.__signature__ = inspect.Signature(
    [
        inspect.Parameter("X", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("y", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("variable_names", inspect.Parameter.KEYWORD_ONLY, default=None),
        inspect.Parameter("weights", inspect.Parameter.KEYWORD_ONLY, default=None),
        *option_parameters(),
    ],
    return_annotation=SearchResult,
)
search.__doc__ += "\n" + options_help() + "\n"
