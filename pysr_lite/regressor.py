"""``SymbolicRegressor``: the scikit-learn style estimator on top of ``search()``.

Constructor arguments are the options of ``pysr_lite.options`` (same names and defaults as
``search``), stored as plain attributes; ``fit`` does the work and stores what it learned in
attributes ending in ``_``. scikit-learn is not needed, but ``get_params``/``set_params`` follow
its conventions so tools like ``sklearn.base.clone`` work.

>>> model = SymbolicRegressor(niterations=20, unary_operators=["cos"])
>>> model.get_params()["niterations"]
20
>>> model.fit(X, y).predict(X)            # doctest: +SKIP
"""

from __future__ import annotations

import inspect
from typing import Any, Sequence

import numpy as np
import sympy

from .api import Equation, SearchResult, search
from .options import OPTION_SPECS, OPTIONS, option_parameters, options_help, unknown_option_message


class NotFittedError(ValueError, AttributeError):
    """The estimator was used before ``fit`` (a ValueError and AttributeError, as in scikit-learn)."""


class SymbolicRegressor:
    """Symbolic regression as a scikit-learn style estimator.

    After ``fit``: ``result_`` (the ``SearchResult``), ``equations_`` (its DataFrame),
    ``feature_names_in_`` and ``n_features_in_``.
    """

    def __init__(self, **options: Any):
        # Only the option table's names, stored as given (no validation here: fit validates).
        for name in options:
            if name not in OPTION_SPECS:
                raise TypeError(f"SymbolicRegressor: {unknown_option_message(name)}")
        for spec in OPTIONS:
            setattr(self, spec.name, options.get(spec.name, spec.default))

    @classmethod
    def _get_param_names(cls) -> list[str]:
        return [spec.name for spec in OPTIONS]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Every constructor argument and its current value."""
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> "SymbolicRegressor":
        """Change constructor arguments; returns self. Unknown names are an error."""
        for name, value in params.items():
            if name not in OPTION_SPECS:
                raise ValueError(f"SymbolicRegressor.set_params: {unknown_option_message(name)}")
            setattr(self, name, value)
        return self

    def fit(
        self,
        X: Any,
        y: Any,
        weights: Any = None,
        variable_names: Sequence[str] | None = None,
        complexity_of_variables: Any = None,
        X_units: Sequence[str] | None = None,
        y_units: str | Sequence[str] | None = None,
    ) -> "SymbolicRegressor":
        """Search for equations y ≈ f(X) with this estimator's options; returns self.

        ``complexity_of_variables`` (one number, or one per feature) may be given here instead of
        to the constructor, as in PySR, but not in both places. ``X_units`` / ``y_units`` are
        the units of the features and the target, as in PySR (see ``search``).
        """
        options = self.get_params()
        if complexity_of_variables is not None:
            if options["complexity_of_variables"] is not None:
                raise ValueError(
                    "You cannot set `complexity_of_variables` at both `fit` and `__init__`. Pass it at "
                    "`__init__` to set it to global default, OR use `fit` to set it for each variable individually."
                )
            options["complexity_of_variables"] = complexity_of_variables
        result = search(X, y, weights=weights, variable_names=variable_names, X_units=X_units, y_units=y_units,
                        **options)
        self.result_ = result
        self.equations_ = result.equations
        self.feature_names_in_ = np.asarray(result.variable_names, dtype=object)
        self.n_features_in_ = len(result.variable_names)
        self.X_units_, self.y_units_ = X_units, y_units   # as PySR keeps them
        return self

    def _fitted_result(self) -> SearchResult:
        result = getattr(self, "result_", None)
        if result is None:
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call fit(X, y) before using it."
            )
        return result

    def predict(self, X: Any, index: int | None = None) -> np.ndarray:
        """Predictions of equation ``index`` (None: the best one) on X."""
        return self._fitted_result().predict(X, index=index)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² of the best equation on (X, y), as scikit-learn regressors define it."""
        prediction = self.predict(X)
        target = np.asarray(y, dtype=np.float64).reshape(-1)
        if target.shape != prediction.shape:
            raise ValueError(f"y has {target.size} values but X has {prediction.size} rows")
        weight = np.ones_like(target) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        residual = np.sum(weight * (target - prediction) ** 2)
        total = np.sum(weight * (target - np.average(target, weights=weight)) ** 2)
        if total == 0:
            return 1.0 if residual == 0 else 0.0
        return float(1 - residual / total)

    def get_best(self) -> Equation:
        """PySR's "best" equation of the fit (see ``SearchResult.best``)."""
        return self._fitted_result().best()

    def sympy(self, index: int | None = None) -> sympy.Expr:
        return self._fitted_result().sympy(index)

    def latex(self, index: int | None = None, precision: int = 3) -> str:
        return self._fitted_result().latex(index, precision=precision)

    def __repr__(self) -> str:
        changed = [
            f"{spec.name}={getattr(self, spec.name)!r}"
            for spec in OPTIONS
            if not _same(getattr(self, spec.name), spec.default)
        ]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(value: Any, default: Any) -> bool:
    if isinstance(default, tuple) and isinstance(value, (list, tuple)):
        return tuple(value) == default
    return type(value) is type(default) and value == default


SymbolicRegressor.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD), *option_parameters()]
)
SymbolicRegressor.__doc__ += "\n    Options (name = default: meaning):\n" + options_help() + "\n"
