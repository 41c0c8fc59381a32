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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
import sympy

from .budget import Deadline, Instant, TimeoutBeforeFirstFrontError
from .cluster import engine_threads
from .data import prepare_dataset, prepare_features
from .display import as_front_table, front_html, result_summary
from .engine import EngineError, locate_engine, run_engine, stats_from_report
from .persistent_engine import run_in_persistent_engine
from .advice import warn_about_settings
from .export.jax import to_jax
from .export.latex import latex_table, to_latex
from .export.torch import to_torch
from .hall_of_fame import COLUMNS, best_index, equation_forms, read_hall_of_fame
from .model_selection import chosen_index
from .operators import BUILTIN_OPERATORS, OperatorTable, custom_operator, unknown_operator
from .options import check_complexity_of_variables, option_parameters, options_help, resolve_options, toml_entries
from .output_paths import check_output_directory
from .plots import plot_fit, plot_pareto
from .progress import FrontReader, watcher_for
from .protocol import read_protocol_log, statistics
from .run_folder import (HALL_OF_FAME_FILE, USER_SOURCE_FILE, RunFolderError, create_run_directory, read_checkpoint,
                         read_operator_sources, read_run_folder, write_run_folder)
from .units import SearchUnits, validate_units


@dataclass(frozen=True, repr=False)
class Equation:
    """One equation of the front: its complexity, loss, score, text and callable forms.

    Pickles as its text: the sympy and numpy forms are rebuilt from ``equation`` by our parser
    when unpickled (with ``operators``, the search's table). ``equation["loss"]`` and the other
    column names of ``SearchResult.equations`` also work, like the rows PySR's ``get_best`` returns.

    >>> equation.sympy(), equation.predict(X)       # doctest: +SKIP
    """

    complexity: int
    loss: float
    score: float
    equation: str
    variable_names: tuple[str, ...]
    sympy_format: sympy.Expr
    lambda_format: Callable[[np.ndarray], np.ndarray]
    operators: OperatorTable = field(default_factory=lambda: BUILTIN_OPERATORS)
    dimensionally_consistent: bool = True  # always True without units
    units: SearchUnits | None = None  # the search's X_units / y_units, read

    @classmethod
    def from_text(
        cls, complexity: int, loss: float, score: float, equation: str, variable_names: Sequence[str],
        operators: OperatorTable = BUILTIN_OPERATORS, dimensionally_consistent: bool = True,
        units: "SearchUnits | None" = None,
    ) -> "Equation":
        """The equation with its sympy and numpy forms built from ``equation`` (its text)."""
        expression, function = equation_forms(equation, variable_names, operators)
        return cls(complexity, loss, score, equation, tuple(variable_names), expression, function, operators,
                   dimensionally_consistent, units)

    def __reduce__(self):
        return (Equation.from_text, (self.complexity, self.loss, self.score, self.equation, self.variable_names,
                                     self.operators, self.dimensionally_consistent, self.units))

    def __getitem__(self, column: str) -> Any:
        if column not in COLUMNS:
            raise KeyError(f"{column!r}; an equation has {', '.join(COLUMNS)}")
        return getattr(self, column)

    def sympy(self, units: bool = False) -> sympy.Expr:
        """The equation as a sympy expression (variables are plain symbols named as the features).

        ``units=True`` multiplies each variable by its unit as a ``sympy.physics.units``
        expression in SI base units (``x0*meter``, ``km`` as ``1000*meter``), so that
        ``sympy.physics.units.convert_to`` can work with the result. Constants stay plain
        numbers: a free constant carries whatever units make the equation consistent.
        """
        if not units:
            return self.sympy_format
        if self.units is None:
            raise ValueError("this search had no X_units or y_units: there are no units to attach; "
                             "pass X_units=[...] (and y_units) to search() or fit()")
        with_units = {sympy.Symbol(name): sympy.Symbol(name) * unit.to_sympy()
                      for name, unit in zip(self.variable_names, self.units.features)}
        return self.sympy_format.xreplace(with_units)

    def latex(self, precision: int = 3) -> str:
        """LaTeX of the equation, constants rounded to ``precision`` significant digits."""
        return to_latex(self.sympy_format, precision=precision)

    def jax(self) -> dict[str, Any]:
        """PySR's JAX export: ``{"callable": f, "parameters": p}``, ``f(X, p)`` the equation (docs/exports.md)."""
        return to_jax(self.equation, self.variable_names, self.operators)

    def pytorch(self):
        """The equation as a ``torch.nn.Module`` with trainable constants (docs/exports.md)."""
        return to_torch(self.equation, self.variable_names, self.operators)

    def predict(self, X: Any) -> np.ndarray:
        """The equation's value on each row of X (array with one column per variable, or DataFrame)."""
        features = prepare_features(X, self.variable_names)
        values = np.asarray(self.lambda_format(features), dtype=np.float64)
        return np.broadcast_to(values, (features.shape[0],)).copy()

    def __repr__(self) -> str:
        units = "" if self.dimensionally_consistent else ", dimensionally_consistent=False"
        return (
            f"Equation(complexity={self.complexity}, loss={self.loss:.6g}, score={self.score:.6g}, "
            f"equation={self.equation!r}{units})"
        )


class SearchResult:
    """The Pareto front of one search (or of a run folder, see ``load_result``).

    ``equations`` is a DataFrame, one row per complexity, with columns ``complexity, loss, score,
    equation, sympy_format, lambda_format, dimensionally_consistent``; ``index`` arguments are row
    positions in it, and ``None`` means the best equation (``best()``). ``units`` are the
    search's X_units / y_units, read (None without units).
    """

    def __init__(
        self,
        equations: pd.DataFrame,
        variable_names: Sequence[str],
        run_directory: str | os.PathLike,
        stats: dict[str, Any] | None = None,
        operators: OperatorTable = BUILTIN_OPERATORS,
        units: SearchUnits | None = None,
    ):
        self.equations = as_front_table(equations.reset_index(drop=True))
        self.variable_names = list(variable_names)
        self.run_directory = Path(run_directory)
        self.stats = dict(stats or {})
        self.operators = operators
        self.units = units

    def __len__(self) -> int:
        return len(self.equations)

    # Pickled without the sympy and numpy columns (closures cannot be pickled, and sympy objects
    # of user operators need their mappings); both are rebuilt from the equation text.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["equations"] = self.equations[_TEXT_COLUMNS].copy()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.equations = as_front_table(with_callables(self.equations, self.variable_names, self.operators))

    def with_operators(self, operators: OperatorTable) -> "SearchResult":
        """The same front read with another operator table (e.g. once custom operators' sympy
        forms are given again after unpickling)."""
        front = with_callables(self.equations[_TEXT_COLUMNS], self.variable_names, operators)
        return SearchResult(front, self.variable_names, self.run_directory, self.stats, operators, self.units)

    def best_index(self) -> int:
        """Row of PySR's "best" equation: highest score among those with loss <= 1.5 * lowest."""
        return best_index(self.equations["loss"], self.equations["score"])

    def chosen_index(self, model_selection: str = "best") -> int:
        """Row that PySR's ``model_selection`` ("best", "accuracy" or "score") picks."""
        return chosen_index(self.equations["loss"], self.equations["score"], model_selection)

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
            operators=self.operators,
            dimensionally_consistent=bool(row.get("dimensionally_consistent", True)),
            units=self.units,
        )

    def best(self) -> Equation:
        """PySR's "best" equation: a good trade-off of accuracy and simplicity."""
        return self.equation(None)

    def predict(self, X: Any, index: int | None = None) -> np.ndarray:
        """Predictions of equation ``index`` (None: the best one) on X."""
        return self.equation(index).predict(X)

    def sympy(self, index: int | None = None, units: bool = False) -> sympy.Expr:
        return self.equation(index).sympy(units=units)

    def latex(self, index: int | None = None, precision: int = 3) -> str:
        return self.equation(index).latex(precision=precision)

    def jax(self, index: int | None = None) -> dict[str, Any]:
        """JAX export of equation ``index`` (None: the best one); see ``Equation.jax``."""
        return self.equation(index).jax()

    def pytorch(self, index: int | None = None):
        """PyTorch export of equation ``index`` (None: the best one); see ``Equation.pytorch``."""
        return self.equation(index).pytorch()

    def latex_table(self, indices: Sequence[int] | None = None, precision: int = 3,
                    columns: Sequence[str] = ("equation", "complexity", "loss", "score")) -> str:
        """PySR's booktabs LaTeX table of the front (rows ``indices``, default all)."""
        return latex_table(self.equations, indices, precision=precision, columns=columns)

    def plot_pareto(self, ax=None, model_selection: str = "best"):
        """Loss against complexity (log scale), the chosen equation marked and labelled; returns
        the matplotlib Axes (needs matplotlib: ``pip install "pysr-lite[plots]"``)."""
        return plot_pareto(self, ax=ax, model_selection=model_selection)

    def plot_fit(self, X: Any, y: Any, index: int | None = None, axes=None):
        """Equation ``index``'s predictions (None: the best) against the true ``y``, and its
        residuals; returns the matplotlib Figure."""
        return plot_fit(self, X, y, index=index, axes=axes)

    def _repr_html_(self) -> str:
        """The notebook view: the front with each equation in LaTeX, the best row highlighted."""
        chosen = self.best_index() if len(self) else None
        return front_html(self.equations, chosen, title=f"SearchResult: {result_summary(self.stats, len(self))}",
                          chosen_label="best")

    def __repr__(self) -> str:
        lines = [f"SearchResult: {result_summary(self.stats, len(self))}", f"run folder: {self.run_directory}"]
        if len(self):
            best = self.best_index()
            lines.append(f"{'':8}{'complexity':>10}  {'loss':<11}{'score':<11}equation")
            consistent = self.equations.get("dimensionally_consistent", pd.Series(True, index=self.equations.index))
            for row, (complexity, loss, score, expression) in enumerate(
                self.equations[["complexity", "loss", "score", "sympy_format"]].itertuples(index=False)
            ):
                marker = "best >>" if row == best else ""
                flag = "" if consistent.iloc[row] else "   (units inconsistent)"
                lines.append(f"{marker:8}{complexity:>10}  {loss:<11.4g}{score:<11.4g}{expression}{flag}")
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
    return SearchResult(read_hall_of_fame(hall_of_fame, variable_names, operators), variable_names, run_directory, stats,
                        operators, units=spec.units)


# What a front is without its sympy and numpy columns (how results pickle).
_TEXT_COLUMNS = ["complexity", "loss", "score", "equation", "dimensionally_consistent"]


def with_callables(front: pd.DataFrame, variable_names: Sequence[str], operators: OperatorTable) -> pd.DataFrame:
    """``front`` (complexity, loss, score, equation[, dimensionally_consistent]) with its sympy
    and numpy columns rebuilt from the equation text, in ``COLUMNS`` order."""
    forms = [equation_forms(text, variable_names, operators) for text in front["equation"]]
    front = front.reset_index(drop=True).copy()
    front["sympy_format"] = [expression for expression, _ in forms]
    front["lambda_format"] = [function for _, function in forms]
    if "dimensionally_consistent" not in front:
        front["dimensionally_consistent"] = True
    return front[COLUMNS]


def _operators_of_run(run_directory: Path, custom: dict[str, int], sympy_mappings: dict[str, Any]) -> OperatorTable:
    """The table to read a run folder's equations with: built-ins plus its custom operators,
    with their Python forms where ``sympy_mappings`` has them."""
    if not custom:
        return BUILTIN_OPERATORS
    user_jl = run_directory / USER_SOURCE_FILE
    sources = read_operator_sources(user_jl.read_text(encoding="utf-8")) if user_jl.is_file() else {}
    operators = []
    for name, arity in custom.items():
        if name in sympy_mappings and name in sources:
            try:
                operator = custom_operator(sources[name], arity, sympy_mappings=sympy_mappings)
            except ValueError as error:
                raise RunFolderError(f"{user_jl}: operator {name}: {error}") from None
            if operator.name != name:
                raise RunFolderError(f"{user_jl}: the section of operator {name} defines {operator.name}")
            operators.append(operator)
        else:
            operators.append(unknown_operator(name, arity))
    return BUILTIN_OPERATORS.with_custom(operators)


def search(
    X: Any,
    y: Any,
    *,
    variable_names: Sequence[str] | None = None,
    weights: Any = None,
    resume_from: str | os.PathLike | None = None,
    X_units: Sequence[str] | None = None,
    y_units: str | Sequence[str] | None = None,
    **options: Any,
) -> SearchResult:
    """Search for equations y ≈ f(X); return the Pareto front of accuracy against complexity.

    X is a numpy array (n_rows, n_features) or a pandas DataFrame (its column names become the
    variable names unless ``variable_names`` is given); y has one value per row; ``weights``
    (optional, non-negative) weight each row's squared error. Every option below can be passed
    by keyword; unknown names are rejected with the closest known one.

    ``X_units`` (one unit per feature, e.g. ``["m", "s"]``) and ``y_units`` (``"m/s"``) turn on
    dimensional analysis (PySR's arguments; see docs/units.md): inconsistent equations are
    penalised (``dimensional_analysis="soft"``) or rejected (``"hard"``).

    The run is kept in a fresh folder ``<output_directory>/<date>_<time>_<hex>`` (options,
    data, the engine's front, its checkpoint and logs). Ctrl-C stops the engine and returns the
    last front. ``resume_from`` (a run folder, or its ``checkpoint.toml``) continues that run's
    search: its populations and front are the starting point, even after the run was killed.

    >>> result = search(X, y, binary_operators=["+", "*"], niterations=10, random_state=0)  # doctest: +SKIP
    >>> result.best().equation                                                            # doctest: +SKIP

    Options (name = default: meaning):
    """
    called_at = Instant.now()  # timeout_in_seconds counts from here (pysr_lite.budget)
    resolved = resolve_options(**options)
    check_output_directory(resolved["output_directory"])  # before anything slow: results must have a place
    engine = locate_engine()  # a missing Julia fails at once, before the data is read or a folder made
    operators = resolved["operator_table"]
    dataset = prepare_dataset(X, y, weights=weights, variable_names=variable_names, operators=operators)
    check_complexity_of_variables(resolved, dataset.n_features)
    warn_about_settings(options, dataset.n_rows)
    units = validate_units(X_units, y_units, dataset.n_features)
    entries = toml_entries(resolved)  # before creating a folder: what cannot be written fails here
    checkpoint = None if resume_from is None else read_checkpoint(resume_from)
    run_directory = create_run_directory(resolved["output_directory"], resolved["run_id"])
    deadline = Deadline.after_optional(resolved["timeout_in_seconds"], since=called_at)
    write_run_folder(run_directory, dataset, entries, precision=resolved["precision"], operators=operators,
                     user_functions=resolved["user_functions"],
                     resume_checkpoint=None if checkpoint is None else checkpoint.text, units=units,
                     deadline_unix_seconds=deadline.unix_seconds if deadline else None)
    run = run_in_persistent_engine if resolved["persistent_engine"] else run_engine
    watcher = watcher_for(resolved["verbosity"], front=FrontReader(run_directory, dataset.variable_names, operators),
                          deadline_at=deadline.monotonic if deadline else None, started_at=called_at.monotonic,
                          niterations=resolved["niterations"])
    try:
        with watcher:
            report = run(
                engine,
                run_directory,
                threads=engine_threads(resolved),
                verbosity=resolved["verbosity"],
                deadline=deadline,
                watcher=watcher,
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
        inspect.Parameter("resume_from", inspect.Parameter.KEYWORD_ONLY, default=None),
        inspect.Parameter("X_units", inspect.Parameter.KEYWORD_ONLY, default=None),
        inspect.Parameter("y_units", inspect.Parameter.KEYWORD_ONLY, default=None),
        *option_parameters(),
    ],
    return_annotation=SearchResult,
)
search.__doc__ += "\n" + options_help() + "\n"
