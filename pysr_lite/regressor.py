"""``SymbolicRegressor``: the scikit-learn estimator on top of ``search()``, with PySR's API.

Constructor arguments are the options of ``pysr_lite.options`` (same names and defaults as
``search``) plus PySR's estimator-only ones (``model_selection``, ``select_k_features``,
``denoise``), stored as given; ``fit`` validates them and stores what it learned in attributes
ending in ``_``. With scikit-learn installed this is a real scikit-learn estimator (pipelines,
grid searches, ``clone``, ``cross_val_score``); without it, everything but feature selection and
denoising works the same (see ``pysr_lite.sklearn_support``).

>>> model = SymbolicRegressor(niterations=20, unary_operators=["cos"])
>>> model.get_params()["niterations"]
20
>>> model.fit(X, y).predict(X)            # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import html
import inspect
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import sympy

from .api import Equation, SearchResult, load_result, search
from .data import check_finite_columns, prepare_dataset, prepare_targets, read_features, validate_variable_names
from .denoising import denoise
from .display import fronts_html, result_summary
from .estimator_record import EstimatorRecord, read_estimator_record, write_estimator_record
from .feature_selection import check_select_k_features, select_features
from .model_selection import MODEL_SELECTIONS, check_model_selection
from .multi_output import is_multi_output_run, load_each_output, search_each_output, weight_columns
from .names import renamed_columns, variable_names_for
from .operators import with_sympy_mappings
from .options import OPTION_SPECS, OPTIONS, operator_table, options_help, resolve_options
from .output_paths import check_output_directory
from .plots import draw_fit, plot_pareto
from .pysr_files import pysr_front_files, read_pysr_front
from .run_folder import OPTIONS_FILE, parse_toml
from .sklearn_support import HAVE_SKLEARN, BaseEstimator, MultiOutputMixin, RegressorMixin, _NotFittedBase


class NotFittedError(_NotFittedBase):
    """The estimator was used before ``fit`` (scikit-learn's NotFittedError when it is installed;
    always a ValueError and an AttributeError)."""


@dataclass(frozen=True)
class EstimatorParameter:
    """A constructor argument of PySR's regressor that is not a search option."""

    name: str
    default: Any
    doc: str


ESTIMATOR_PARAMETERS: tuple[EstimatorParameter, ...] = (
    EstimatorParameter("model_selection", "best", "which row of the front predict/sympy/latex use: 'best' (the highest score "
                       "among rows with loss <= 1.5 x the lowest), 'accuracy' (the lowest loss) or 'score' (the highest score)"),
    EstimatorParameter("select_k_features", None, "keep only the k most important features (random-forest importances, "
                       "needs scikit-learn) before searching; predict still takes every feature (None: keep all)"),
    EstimatorParameter("denoise", False, "smooth y with a Gaussian process (needs scikit-learn) before searching; "
                       "with fit(..., Xresampled=...) the search runs on those points"),
    EstimatorParameter("warm_start", False, "a second fit continues the previous fit's search from its checkpoint "
                       "(its populations and front), as PySR's warm_start; False: every fit starts afresh"),
)
PARAMETER_NAMES: tuple[str, ...] = (*(parameter.name for parameter in ESTIMATOR_PARAMETERS), *(spec.name for spec in OPTIONS))
_DEFAULTS = {**{parameter.name: parameter.default for parameter in ESTIMATOR_PARAMETERS}, **{spec.name: spec.default for spec in OPTIONS}}
_EXPORT_MAPPINGS = ("extra_sympy_mappings", "extra_torch_mappings", "extra_jax_mappings")


def unknown_parameter_message(name: str) -> str:
    close = difflib.get_close_matches(name, PARAMETER_NAMES, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; see help(SymbolicRegressor) for the list"
    return f"unknown parameter {name!r}{hint}"


class SymbolicRegressor(RegressorMixin, MultiOutputMixin, BaseEstimator):
    """Symbolic regression as a scikit-learn estimator, with PySR's names.

    After ``fit``: ``equations_`` (the front, a DataFrame; a list of them with several outputs),
    ``result_`` (the ``SearchResult``, or a list), ``n_features_in_``, ``feature_names_in_`` (the
    columns of X as given, e.g. ``"mass (kg)"``), ``variable_names_`` (the names in the
    equations, e.g. ``mass_kg``, of the features the search used), ``selection_mask_`` (None, or
    which features ``select_k_features`` kept), ``nout_`` (the number of outputs) and
    ``run_directory_`` (the run folder).
    """

    def __init__(self, **params: Any):
        # Stored as given (no validation here: fit validates), as scikit-learn requires.
        for name in params:
            if name not in _DEFAULTS:
                raise TypeError(f"SymbolicRegressor: {unknown_parameter_message(name)}")
        for name in PARAMETER_NAMES:
            setattr(self, name, params.get(name, _DEFAULTS[name]))

    # --- parameters ------------------------------------------------------------------------------

    @classmethod
    def _get_param_names(cls) -> list[str]:
        return list(PARAMETER_NAMES)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Every constructor argument and its current value."""
        return {name: getattr(self, name) for name in PARAMETER_NAMES}

    def set_params(self, **params: Any) -> "SymbolicRegressor":
        """Change constructor arguments; returns self. Unknown names are an error."""
        for name, value in params.items():
            if name not in _DEFAULTS:
                raise ValueError(f"SymbolicRegressor.set_params: {unknown_parameter_message(name)}")
            setattr(self, name, value)
        return self

    def _search_options(self, complexity_of_variables: Any = None) -> dict[str, Any]:
        options = {spec.name: getattr(self, spec.name) for spec in OPTIONS}
        if complexity_of_variables is not None:
            if options["complexity_of_variables"] is not None:
                raise ValueError(
                    "You cannot set `complexity_of_variables` at both `fit` and `__init__`. Pass it at "
                    "`__init__` to set it to global default, OR use `fit` to set it for each variable individually."
                )
            options["complexity_of_variables"] = complexity_of_variables
        return options

    if HAVE_SKLEARN:

        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            # Repeatable only with deterministic=True (and a random_state, which fit requires then).
            tags.non_deterministic = not (self.deterministic is True)
            return tags

    # --- fitting ---------------------------------------------------------------------------------

    def fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        *,
        weights: Any = None,
        Xresampled: Any = None,
        variable_names: Sequence[str] | None = None,
        complexity_of_variables: Any = None,
        X_units: Sequence[str] | None = None,
        y_units: str | Sequence[str] | None = None,
    ) -> "SymbolicRegressor":
        """Search for equations y ≈ f(X) with this estimator's options; returns self.

        ``y`` may have several columns (one search per column, as PySR). ``sample_weight``
        (scikit-learn's name) or ``weights`` (PySR's) weigh each row, one weight per row or one
        column per output. ``variable_names`` name the columns of an array (a DataFrame's columns
        are used otherwise). ``complexity_of_variables`` (one number, or one per feature) may be
        given here instead of to the constructor, as in PySR, but not in both places.
        ``Xresampled``: with ``denoise=True``, the points where the smoothed y is searched.
        ``X_units`` / ``y_units`` are the units of the features and the target (one per output), as in
        PySR (see ``search`` and docs/units.md).
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        if sample_weight is not None and weights is not None:
            raise ValueError("give sample_weight or its alias weights, not both")
        weights = sample_weight if sample_weight is not None else weights
        # Everything cheap is checked before anything slow (feature selection, denoising, search).
        check_model_selection(self.model_selection)
        options = self._search_options(complexity_of_variables)
        resolved = resolve_options(**options)
        check_output_directory(resolved["output_directory"])
        features, names, feature_names_in = self._training_features(X, variable_names, resolved["operator_table"])
        targets = prepare_targets(y)
        n_outputs = targets.shape[1]
        if targets.shape[0] != features.shape[0]:
            raise ValueError(f"X has {features.shape[0]} rows but y has {targets.shape[0]}; they must describe the same rows")
        check_finite_columns(targets, ["y"] if n_outputs == 1 else [f"y column {output}" for output in range(n_outputs)])
        per_output_weights = weight_columns(weights, features.shape[0], n_outputs)
        # X, the names and the weights checked now, with the data module's messages (search()
        # checks them again, but only after feature selection and denoising).
        for output_weights in per_output_weights if weights is not None else [None]:
            prepare_dataset(features, targets[:, 0], weights=output_weights, variable_names=names,
                            operators=resolved["operator_table"])
        if isinstance(options["complexity_of_variables"], (list, tuple, np.ndarray)) and len(options["complexity_of_variables"]) != len(names):
            raise ValueError(
                f"The number of elements in `complexity_of_variables` ({len(options['complexity_of_variables'])}) must equal "
                f"the number of features in `X` ({len(names)}); give one per feature, or a single number for all"
            )
        k = check_select_k_features(self.select_k_features, features.shape[1])
        if not isinstance(self.denoise, (bool, np.bool_)):
            raise ValueError(f"denoise must be True or False, got {self.denoise!r}")
        resampled = None if Xresampled is None else self._resampled_features(Xresampled, feature_names_in, names)
        if resampled is not None and not self.denoise:
            warnings.warn("Xresampled is used only with denoise=True; it is ignored", UserWarning, stacklevel=2)

        selection_mask = None
        search_features, search_targets = features, targets[:, 0] if n_outputs == 1 else targets
        if k is not None:
            selection_mask = select_features(features, search_targets, k, random_state=self.random_state)
            search_features = features[:, selection_mask]
            names = [name for name, selected in zip(names, selection_mask) if selected]
            if resampled is not None:
                resampled = resampled[:, selection_mask]
            if isinstance(options["complexity_of_variables"], (list, tuple, np.ndarray)):
                options["complexity_of_variables"] = [
                    value for value, selected in zip(options["complexity_of_variables"], selection_mask) if selected
                ]
        if self.denoise:
            search_features, search_targets = denoise(search_features, search_targets, resampled, random_state=self.random_state)
            if resampled is not None:  # the rows searched are new points: the rows' weights do not apply
                weights, per_output_weights = None, [None] * n_outputs

        previous = self._previous_runs(n_outputs)
        if n_outputs == 1:
            results = [search(search_features, search_targets, variable_names=names, weights=per_output_weights[0],
                              resume_from=previous[0], X_units=X_units, y_units=y_units, **options)]
            run_directory = results[0].run_directory
        else:
            results = search_each_output(search_features, search_targets, variable_names=names, weights=weights,
                                         resume_from=previous, X_units=X_units, y_units=y_units, **options)
            run_directory = results[0].run_directory.parent

        self._set_fitted(results, feature_names_in, names, selection_mask, run_directory)
        self.X_units_, self.y_units_ = X_units, y_units   # as PySR keeps them
        write_estimator_record(run_directory, self._record())
        return self

    def _training_features(self, X: Any, variable_names: Sequence[str] | None, operators) -> tuple[np.ndarray, list[str], list[str]]:
        """X as floats, the equations' variable names and ``feature_names_in_``."""
        features, columns = read_features(X)
        n_features = features.shape[1]
        has_names = columns is not None and len(columns) > 0 and all(isinstance(column, str) for column in columns)
        if variable_names is not None and has_names:
            warnings.warn("`variable_names` is ignored because X is a DataFrame: its column names are used instead (as PySR)",
                          UserWarning, stacklevel=3)
            variable_names = None
        if variable_names is not None:
            names = validate_variable_names(variable_names, n_features, operators)
            return features, names, list(names)
        if has_names:
            names = variable_names_for(columns, operators)
            renamed = renamed_columns(columns, names)
            if renamed:
                listed = ", ".join(f"{column!r} -> {name}" for column, name in renamed.items())
                warnings.warn(
                    f"column names that are not valid variable names were renamed in the equations: {listed} "
                    "(feature_names_in_ keeps the column names; predict takes either)",
                    UserWarning, stacklevel=3,
                )
            return features, names, [str(column) for column in columns]
        names = [f"x{index}" for index in range(n_features)]
        return features, names, list(names)

    def _resampled_features(self, Xresampled: Any, feature_names_in: list[str], names: list[str]) -> np.ndarray:
        values = _features_by_name(Xresampled, feature_names_in, names, "Xresampled", type(self).__name__)
        check_finite_columns(values, [f"Xresampled column {name!r}" for name in feature_names_in])
        return values

    def _previous_runs(self, n_outputs: int) -> list[Path | None]:
        """With warm_start, the run folder of each output's previous fit (its checkpoint is resumed);
        otherwise, or before a first fit (or one with another number of outputs), nothing to resume."""
        results = getattr(self, "result_", None)
        if not self.warm_start or results is None:
            return [None] * n_outputs
        results = results if isinstance(results, list) else [results]
        if len(results) != n_outputs:
            return [None] * n_outputs
        return [result.run_directory for result in results]

    def _set_fitted(self, results: list[SearchResult], feature_names_in: Sequence[str], variable_names: Sequence[str],
                    selection_mask: np.ndarray | None, run_directory: str | os.PathLike) -> None:
        self.nout_ = len(results)
        self.result_ = results[0] if self.nout_ == 1 else list(results)
        self.equations_ = results[0].equations if self.nout_ == 1 else [result.equations for result in results]
        self.n_features_in_ = len(feature_names_in)
        self.feature_names_in_ = np.asarray(list(feature_names_in), dtype=object)
        self.variable_names_ = list(variable_names)
        self.selection_mask_ = None if selection_mask is None else np.asarray(selection_mask, dtype=bool)
        self.run_directory_ = Path(run_directory)

    def _record(self) -> EstimatorRecord:
        return EstimatorRecord(
            n_features_in=self.n_features_in_,
            feature_names_in=[str(name) for name in self.feature_names_in_],
            variable_names=list(self.variable_names_),
            selection_mask=None if self.selection_mask_ is None else [bool(value) for value in self.selection_mask_],
            n_outputs=self.nout_,
        )

    # --- using the fit ---------------------------------------------------------------------------

    def _results(self) -> list[SearchResult]:
        result = getattr(self, "result_", None)
        if result is None:
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet; call fit(X, y) before using it.")
        return result if isinstance(result, list) else [result]

    def _rows(self, index: int | Sequence[int] | None) -> list[int | None]:
        """One row number (None: model_selection's choice) per output."""
        results = self._results()
        if len(results) == 1:
            if isinstance(index, (list, tuple)):
                raise ValueError(f"this model has one output: index must be one row number, got {index!r}")
            rows = [index]
        elif index is None:
            rows = [None] * len(results)
        elif not isinstance(index, (list, tuple)) or len(index) != len(results):
            raise ValueError(f"this model has {len(results)} outputs: index must be a list of {len(results)} row numbers "
                             f"(one per output), got {index!r}")
        else:
            rows = list(index)
        model_selection = check_model_selection(self.model_selection)
        return [result.chosen_index(model_selection) if row is None else row for result, row in zip(results, rows)]

    def _equations(self, index: int | Sequence[int] | None) -> list[Equation]:
        return [result.equation(row) for result, row in zip(self._results(), self._rows(index))]

    def _single_or_list(self, values: list) -> Any:
        return values[0] if len(values) == 1 else values

    def get_best(self, index: int | Sequence[int] | None = None) -> Equation | list[Equation]:
        """The equation ``model_selection`` picks (or row ``index``); one per output with several.

        An ``Equation``: ``.sympy()``, ``.predict(X)``, and PySR's ``best["loss"]``,
        ``best["equation"]``, ``best["lambda_format"]`` alike.
        """
        return self._single_or_list(self._equations(index))

    def predict(self, X: Any, index: int | Sequence[int] | None = None) -> np.ndarray:
        """Predictions on X of the chosen equation (or of row ``index``; a list of rows, one per
        output, with several): shape (n_rows,), or (n_rows, nout_) with several outputs.

        X has every feature of the fit, even those ``select_k_features`` dropped: an array in
        the fit's column order, or a DataFrame with the fit's column names (original or renamed)
        in any order.
        """
        equations = self._equations(index)
        features = self._prediction_features(X)
        columns = [equation.predict(features) for equation in equations]
        return columns[0] if len(columns) == 1 else np.column_stack(columns)

    def _prediction_features(self, X: Any) -> np.ndarray:
        all_variable_names = variable_names_for(list(self.feature_names_in_))
        values = _features_by_name(X, list(self.feature_names_in_), all_variable_names, "X", type(self).__name__)
        check_finite_columns(values, [f"X column {name!r}" for name in self.feature_names_in_])
        if self.selection_mask_ is not None:
            values = values[:, self.selection_mask_]
        return values

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² of the chosen equations on (X, y), averaged over the outputs, as scikit-learn's
        regressors define it."""
        prediction = self.predict(X)
        prediction = prediction[:, None] if prediction.ndim == 1 else prediction
        target = prepare_targets(y)
        if target.shape != prediction.shape:
            raise ValueError(f"y has shape {target.shape} but the predictions have shape {prediction.shape}")
        weight = np.ones(len(target)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        scores = []
        for output in range(target.shape[1]):
            residual = np.sum(weight * (target[:, output] - prediction[:, output]) ** 2)
            total = np.sum(weight * (target[:, output] - np.average(target[:, output], weights=weight)) ** 2)
            scores.append((1.0 if residual == 0 else 0.0) if total == 0 else 1 - residual / total)
        return float(np.mean(scores))

    def sympy(self, index: int | Sequence[int] | None = None) -> sympy.Expr | list[sympy.Expr]:
        """The chosen equation (or row ``index``) as sympy; a list with several outputs."""
        return self._single_or_list([equation.sympy() for equation in self._equations(index)])

    def latex(self, index: int | Sequence[int] | None = None, precision: int = 3) -> str | list[str]:
        """LaTeX of the chosen equation (or row ``index``), ``precision`` significant figures."""
        return self._single_or_list([equation.latex(precision=precision) for equation in self._equations(index)])

    # --- plots ------------------------------------------------------------------------------------

    def _output(self, output: int | None) -> int:
        count = len(self._results())
        if output is None:
            if count > 1:
                raise ValueError(f"this model has {count} outputs: pass output=0..{count - 1} to say which to plot")
            return 0
        if not isinstance(output, (int, np.integer)) or isinstance(output, bool) or not 0 <= output < count:
            raise ValueError(f"output must be a whole number from 0 to {count - 1}, got {output!r}")
        return int(output)

    def plot_pareto(self, ax=None, output: int | None = None):
        """The front's loss against complexity (log scale), the equation ``model_selection``
        picks marked and labelled (``output``: which one, with several). Needs matplotlib."""
        result = self._results()[self._output(output)]
        return plot_pareto(result, ax=ax, model_selection=check_model_selection(self.model_selection))

    def plot_fit(self, X: Any, y: Any, output: int | None = None, axes=None):
        """The model's predictions on X against the true ``y``, and the residuals (``output``:
        which one, with several; y is then that output's column). Needs matplotlib."""
        position = self._output(output)
        predicted = self.predict(X)
        if predicted.ndim == 2:  # several outputs: this one's column of y
            predicted = predicted[:, position]
            y = np.asarray(y, dtype=float)
            if y.ndim != 2 or y.shape[1] != self.nout_:
                raise ValueError(f"y must have the model's {self.nout_} output columns, got shape {y.shape}")
            y = y[:, position]
        equation = self._equations(None)[position]
        return draw_fit(predicted, y, str(equation.sympy()), axes)

    # --- notebooks ----------------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        """Fitted: each front with its equations in LaTeX, the ``model_selection`` row
        highlighted; not fitted: scikit-learn's view of the parameters (or the repr)."""
        if getattr(self, "result_", None) is None:
            inner = getattr(super(), "_repr_html_inner", None)
            return inner() if inner is not None else f"<pre>{html.escape(repr(self))}</pre>"
        try:
            model_selection = check_model_selection(self.model_selection)
        except ValueError:
            model_selection = "best"
        results = self._results()
        fronts = [(f"{type(self).__name__}" + (f", output {position}" if len(results) > 1 else "")
                   + f": {result_summary(result.stats, len(result))}",
                   result.equations, result.chosen_index(model_selection) if len(result) else None)
                  for position, result in enumerate(results)]
        return fronts_html(fronts, chosen_label=model_selection)

    def _repr_mimebundle_(self, **kwargs):
        # scikit-learn's bundle (its parameter diagram) would win over _repr_html_ in notebooks.
        if getattr(self, "result_", None) is None and hasattr(super(), "_repr_mimebundle_"):
            return super()._repr_mimebundle_(**kwargs)
        return {"text/plain": repr(self), "text/html": self._repr_html_()}

    def refresh(self) -> "SymbolicRegressor":
        """Rebuild the equations' sympy and numpy forms with the current ``extra_sympy_mappings``
        (after unpickling a model with custom operators, as PySR's ``refresh``); returns self."""
        mappings = self.extra_sympy_mappings or {}
        results = [
            result.with_operators(with_sympy_mappings(result.operators, mappings, self.extra_torch_mappings, self.extra_jax_mappings))
            for result in self._results()
        ]
        self._set_fitted(results, list(self.feature_names_in_), self.variable_names_, self.selection_mask_, self.run_directory_)
        return self

    # --- loading a run folder ---------------------------------------------------------------------

    @classmethod
    def from_file(
        cls,
        run_directory: str | os.PathLike,
        *,
        binary_operators: Sequence[str] | None = None,
        unary_operators: Sequence[str] | None = None,
        n_features_in: int | None = None,
        feature_names_in: Sequence[str] | None = None,
        selection_mask: Sequence[bool] | None = None,
        nout: int = 1,
        **params: Any,
    ) -> "SymbolicRegressor":
        """A fitted model rebuilt from a run folder, without starting Julia.

        A pysr_lite run folder (of ``fit`` or ``search()``, single- or multi-output) needs nothing
        else, except ``extra_sympy_mappings`` for custom operators. A PySR run folder (its
        ``hall_of_fame.csv``, ``Complexity,Loss,Equation``) needs, as PySR's ``from_file``,
        ``binary_operators`` and/or ``unary_operators`` and ``n_features_in`` (and
        ``feature_names_in``, ``selection_mask``, ``nout`` when the run had them). Other keyword
        arguments are constructor parameters of the returned model.
        """
        run_directory = Path(run_directory)
        if not run_directory.is_dir():
            raise FileNotFoundError(f"{run_directory} is not a folder; give the run folder of a fit (its run_directory_)")
        if is_multi_output_run(run_directory) or (run_directory / OPTIONS_FILE).is_file():
            return cls._from_our_folder(run_directory, binary_operators, unary_operators, params)
        return cls._from_pysr_folder(run_directory, binary_operators, unary_operators, n_features_in, feature_names_in,
                                     selection_mask, nout, params)

    @classmethod
    def _from_our_folder(cls, run_directory: Path, binary_operators, unary_operators, params: dict[str, Any]) -> "SymbolicRegressor":
        load_options = {"extra_sympy_mappings": params.get("extra_sympy_mappings")}
        results = load_each_output(run_directory, **load_options) if is_multi_output_run(run_directory) else [
            load_result(run_directory, **load_options)]
        settings = parse_toml((results[0].run_directory / OPTIONS_FILE).read_text(encoding="utf-8"))
        restored = {spec.name: settings[spec.name] for spec in OPTIONS
                    if spec.name in settings and _restorable(spec.name, settings[spec.name])}
        for name, value in (("binary_operators", binary_operators), ("unary_operators", unary_operators)):
            if value is not None:
                restored[name] = list(value)
        model = cls(**{**restored, **params})
        record = read_estimator_record(run_directory)
        if record is None:  # a search() run: its variables are its features
            record = EstimatorRecord(len(results[0].variable_names), list(results[0].variable_names),
                                     list(results[0].variable_names), None, len(results))
        if record.n_outputs != len(results) or list(record.variable_names) != list(results[0].variable_names):
            raise ValueError(f"{run_directory}: estimator.toml does not describe the run's outputs and variables")
        model._set_fitted(results, record.feature_names_in, record.variable_names, record.selection_mask, run_directory)
        return model

    @classmethod
    def _from_pysr_folder(cls, run_directory: Path, binary_operators, unary_operators, n_features_in, feature_names_in,
                          selection_mask, nout: int, params: dict[str, Any]) -> "SymbolicRegressor":
        if binary_operators is None and unary_operators is None:
            raise ValueError(
                f"{run_directory} is not a pysr_lite run folder; to read it as a PySR run folder (hall_of_fame.csv), pass "
                "the run's binary_operators and/or unary_operators and n_features_in, as PySR's from_file needs"
            )
        if n_features_in is None:
            raise ValueError("n_features_in is needed to read a PySR run folder: the number of columns of the run's X")
        operators = dict(binary_operators=list(binary_operators or []), unary_operators=list(unary_operators or []))
        model = cls(**{**operators, **params})
        # Only the operators are read here: a loaded model is not searched, so no search warnings.
        operator_options = {name: OPTION_SPECS[name].kind.check(name, getattr(model, name)) for name in (
            "binary_operators", "unary_operators", *_EXPORT_MAPPINGS)}
        table = operator_table(operator_options)
        feature_names_in = [f"x{index}" for index in range(n_features_in)] if feature_names_in is None else [str(name) for name in feature_names_in]
        if len(feature_names_in) != n_features_in:
            raise ValueError(f"feature_names_in has {len(feature_names_in)} names but n_features_in is {n_features_in}")
        names = variable_names_for(feature_names_in, table)
        if selection_mask is not None:
            selection_mask = np.asarray(selection_mask, dtype=bool)
            if selection_mask.shape != (n_features_in,):
                raise ValueError(f"selection_mask must have one entry per feature ({n_features_in}), got shape {selection_mask.shape}")
            names = [name for name, selected in zip(names, selection_mask) if selected]
        results = [
            SearchResult(read_pysr_front(path, names, table), names, run_directory, {}, table)
            for path in pysr_front_files(run_directory, nout)
        ]
        model._set_fitted(results, feature_names_in, names, selection_mask, run_directory)
        return model

    # --- printing and pickling ----------------------------------------------------------------------

    def __repr__(self) -> str:
        results = getattr(self, "result_", None)
        if results is None:
            changed = [f"{name}={getattr(self, name)!r}" for name in PARAMETER_NAMES if not _same(getattr(self, name), _DEFAULTS[name])]
            return f"{type(self).__name__}({', '.join(changed)})"
        return _front_repr(type(self).__name__, self._results(), self.model_selection)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__() if HAVE_SKLEARN else dict(self.__dict__)
        state = dict(state)
        # Lambdas cannot be pickled: PySR drops these too (the operator table warns and says how
        # to restore them). The fronts travel as equation text (SearchResult pickles so).
        for name in _EXPORT_MAPPINGS:
            state[name] = None
        state.pop("equations_", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if HAVE_SKLEARN:
            super().__setstate__(state)
        else:
            self.__dict__.update(state)
        if getattr(self, "result_", None) is not None:
            results = self._results()
            self.equations_ = results[0].equations if len(results) == 1 else [result.equations for result in results]


def _restorable(name: str, value: Any) -> bool:
    """Whether options.toml's ``value`` is the option's own value (not an engine encoding such as
    0 for "no limit", or a table written differently)."""
    if name in ("timeout_in_seconds", "max_evals", "complexity_of_variables", "threads") or isinstance(value, dict):
        return False
    try:
        OPTION_SPECS[name].kind.check(name, value)
    except (ValueError, TypeError, NotImplementedError):
        return False
    return True


def _features_by_name(X: Any, feature_names: list[str], variable_names: list[str], label: str, estimator: str) -> np.ndarray:
    """X's columns in the fit's order: a DataFrame by column name (the fit's column names or the
    equations' names, any order, extra columns ignored), anything else by position."""
    if isinstance(X, pd.DataFrame) and len(X.columns) and all(isinstance(column, str) for column in X.columns):
        for names in (feature_names, variable_names):
            if set(names) <= set(X.columns):
                X = X[list(names)]
                break
        else:
            missing = [name for name in feature_names if name not in X.columns]
            raise ValueError(f"{label} is missing the column(s) {', '.join(map(repr, missing))} of the fit; expected the columns "
                             f"{feature_names} in any order")
    values, _ = read_features(X)
    if values.shape[1] != len(feature_names):
        # Worded as scikit-learn words it (tools match this message).
        raise ValueError(f"{label} has {values.shape[1]} features, but {estimator} is expecting {len(feature_names)} features "
                         f"as input ({', '.join(feature_names)})")
    return values


def _front_repr(class_name: str, results: list[SearchResult], model_selection: str) -> str:
    """PySR's repr of a fitted model: each front, ``>>>>`` on the row model_selection picks."""
    lines = [f"{class_name}.equations_ = ["]
    try:
        model_selection = check_model_selection(model_selection)
    except ValueError:
        model_selection = "best"
    for position, result in enumerate(results):
        chosen = result.chosen_index(model_selection) if len(result) else None
        table = pd.DataFrame({
            "pick": [">>>>" if row == chosen else "" for row in range(len(result))],
            "score": result.equations["score"],
            "equation": result.equations["equation"],
            "loss": result.equations["loss"],
            "complexity": result.equations["complexity"],
        })
        # to_string, not repr: a terminal's width must not hide the equation column.
        body = ["\t" + line for line in table.to_string(max_colwidth=60).split("\n")]
        lines += ["[", *body, "]" + (", " if position < len(results) - 1 else "")] if len(results) > 1 else body
    lines.append("]")
    return "\n".join(lines)


def _same(value: Any, default: Any) -> bool:
    if isinstance(default, tuple) and isinstance(value, (list, tuple)):
        return tuple(value) == default
    return type(value) is type(default) and value == default


SymbolicRegressor.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=_DEFAULTS[name]) for name in PARAMETER_NAMES]
)
SymbolicRegressor.__doc__ += (
    "\n    Estimator parameters (name = default: meaning):\n"
    + "\n".join(f"    {parameter.name} = {parameter.default!r}: {parameter.doc}" for parameter in ESTIMATOR_PARAMETERS)
    + "\n\n    Search options (name = default: meaning):\n" + options_help() + "\n"
)
assert set(MODEL_SELECTIONS) >= {_DEFAULTS["model_selection"]}
