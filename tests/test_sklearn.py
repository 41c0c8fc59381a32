"""scikit-learn conformance: every check of sklearn.utils.estimator_checks, and the tools people
use (Pipeline, GridSearchCV, cross_val_score, clone) through the real engine.

The checks fit about sixty tiny searches; the persistent engine makes each one a fraction of a
second once warm, so this module takes well under a minute after the engine's first compile.
"""

import os
import shutil
import tempfile

import numpy as np
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, clone, is_regressor
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from pysr_lite import SymbolicRegressor

from conftest import FAST_SEARCH, uniform_data

# A fixed folder (it appears in the checks' test ids, which must not change from run to run).
CHECKS_OUTPUT = os.path.join(tempfile.gettempdir(), "pysr_lite_sklearn_checks")
# Small enough for ~0.1 s a search, large enough that check_regressors_train's R² > 0.5 (one
# informative feature among ten) is met for every seed tried (0-3).
CHECK_SEARCH = dict(populations=4, population_size=20, tournament_selection_n=5, niterations=3, ncycles_per_iteration=30,
                    maxsize=7, random_state=0, deterministic=True, threads=2, verbosity=0, output_directory=CHECKS_OUTPUT)

# Checks expected to fail, each with the reason; every other check of scikit-learn 1.9 passes.
# (check_array_api_input is skipped by scikit-learn itself unless SCIPY_ARRAY_API=1 is set; it
# concerns estimators that declare array-API support, which we do not.)
EXPECTED_FAILED_CHECKS: dict[str, str] = {
    # A weight of 2 and a repeated row give the same loss in exact arithmetic, not in floating
    # point: the weighted mean and the mean over the repeated rows differ in their last bits. An
    # evolutionary search branches on comparisons of losses, so from the first near-tie on the
    # two searches take different paths and end with different (equally good) fronts. The
    # predictions agree to the noise of the fit, not to the 1e-7 this check demands.
    "check_sample_weight_equivalence_on_dense_data": "the search is not a function of the weighted loss alone (see comment)",
}


@pytest.fixture(scope="module", autouse=True)
def remove_check_run_folders():
    yield
    shutil.rmtree(CHECKS_OUTPUT, ignore_errors=True)


@parametrize_with_checks([SymbolicRegressor(**CHECK_SEARCH)], expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture
def linear_data():
    X = uniform_data(n_rows=120, seed=61)
    return X, 2.0 * X[:, 0] - 3.0 * X[:, 1] + 0.5


def model(tmp_path, **params):
    return SymbolicRegressor(output_directory=tmp_path, **{**FAST_SEARCH, **params})


def test_it_is_a_scikit_learn_regressor():
    assert isinstance(SymbolicRegressor(), (BaseEstimator, RegressorMixin)) and is_regressor(SymbolicRegressor())


def test_in_a_pipeline(engine, tmp_path, linear_data):
    X, y = linear_data
    pipeline = Pipeline([("scale", StandardScaler()), ("equations", model(tmp_path))]).fit(X, y)
    assert pipeline.score(X, y) > 0.999999
    assert pipeline.named_steps["equations"].n_features_in_ == 2


def test_grid_search_over_options(engine, tmp_path, linear_data):
    X, y = linear_data
    search = GridSearchCV(model(tmp_path), {"maxsize": [7, 12], "model_selection": ["best", "accuracy"]}, cv=2).fit(X, y)
    assert search.best_params_["maxsize"] == 12  # a maxsize of 7 cannot hold 2*x0 - 3*x1 + 0.5
    assert search.best_score_ > 0.999999
    np.testing.assert_allclose(search.predict(X), y, atol=1e-6)


def test_cross_val_score_with_sample_weight(engine, tmp_path, linear_data):
    X, y = linear_data
    scores = cross_val_score(model(tmp_path), X, y, cv=3, params={"sample_weight": np.ones(len(y))})
    assert scores.shape == (3,) and (scores > 0.999999).all()


def test_clone_copies_parameters_not_the_fit(engine, tmp_path, linear_data):
    X, y = linear_data
    fitted = model(tmp_path, unary_operators=["cos"]).fit(X, y)
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "equations_") and hasattr(fitted, "equations_")


def test_sample_weight_and_weights_are_the_same_argument(engine, tmp_path, linear_data):
    X, y = linear_data
    weights = np.linspace(0.5, 2.0, len(y))
    by_sklearn_name = model(tmp_path).fit(X, y, sample_weight=weights)
    by_pysr_name = model(tmp_path).fit(X, y, weights=weights)
    assert by_sklearn_name.equations_["equation"].tolist() == by_pysr_name.equations_["equation"].tolist()
    with pytest.raises(ValueError, match="give sample_weight or its alias weights, not both"):
        model(tmp_path).fit(X, y, sample_weight=weights, weights=weights)
