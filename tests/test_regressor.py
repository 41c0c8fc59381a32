"""SymbolicRegressor: scikit-learn's conventions (test_sklearn.py runs scikit-learn's own checks), and
fit/predict/score end to end."""

import inspect

import numpy as np
import pandas as pd
import pytest

from pysr_lite import SymbolicRegressor
from pysr_lite.options import OPTIONS
from pysr_lite.regressor import ESTIMATOR_PARAMETERS, NotFittedError

from conftest import FAST_SEARCH, uniform_data


def test_constructor_only_stores_options():
    model = SymbolicRegressor(niterations=5, populations=-3)  # validated by fit, not here
    assert model.niterations == 5 and model.populations == -3
    assert model.maxsize == 30
    assert not hasattr(model, "result_")


def test_signature_and_params_cover_every_option():
    parameters = inspect.signature(SymbolicRegressor).parameters
    expected = [parameter.name for parameter in ESTIMATOR_PARAMETERS] + [spec.name for spec in OPTIONS]
    assert list(parameters) == expected and expected[:3] == ["model_selection", "select_k_features", "denoise"]
    params = SymbolicRegressor(unary_operators=["cos"]).get_params()
    assert set(params) == set(expected)
    assert params["unary_operators"] == ["cos"]


def test_set_params_and_clone_like_sklearn():
    model = SymbolicRegressor(niterations=5)
    assert model.set_params(maxsize=12, niterations=7) is model
    clone = type(model)(**model.get_params())
    assert clone.get_params() == model.get_params()
    with pytest.raises(ValueError, match="did you mean 'maxsize'"):
        model.set_params(maxsiz=3)
    with pytest.raises(TypeError, match="did you mean 'populations'"):
        SymbolicRegressor(population=3)
    with pytest.raises(TypeError, match="did you mean 'model_selection'"):
        SymbolicRegressor(model_selecton="best")


def test_repr_shows_changed_options():
    assert repr(SymbolicRegressor(niterations=5, unary_operators=["cos"])) == (
        "SymbolicRegressor(unary_operators=['cos'], niterations=5)"
    )


def test_use_before_fit_is_a_clear_error():
    model = SymbolicRegressor()
    for use in (lambda: model.predict(np.ones((2, 2))), model.get_best, model.sympy, lambda: model.score(np.ones((2, 2)), [1, 2])):
        with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
            use()


def test_invalid_options_fail_in_fit(tmp_path):
    model = SymbolicRegressor(populations=-3, output_directory=tmp_path)
    with pytest.raises(ValueError, match="populations must be a positive integer up to 10000, got -3"):
        model.fit(np.ones((3, 1)), [1.0, 2.0, 3.0])


def test_fit_predict_score(engine, tmp_path):
    X = uniform_data(seed=13)
    frame = pd.DataFrame({"p": X[:, 0], "q": X[:, 1]})
    y = frame["p"] ** 2 + np.cos(frame["q"])
    model = SymbolicRegressor(unary_operators=["cos"], output_directory=tmp_path, **FAST_SEARCH)
    assert model.fit(frame, y) is model
    assert list(model.feature_names_in_) == ["p", "q"] and model.n_features_in_ == 2
    assert list(model.equations_.columns)[:4] == ["complexity", "loss", "score", "equation"]
    assert model.score(frame, y) > 0.999999
    np.testing.assert_allclose(model.predict(frame), y, atol=1e-6)
    assert str(model.sympy()) == "p**2 + cos(q)"
    assert model.get_best().complexity == 6
    assert "cos" in model.latex()
    assert model.predict(frame, index=0).shape == (200,)
    # predict never refits: the same result object answers
    result = model.result_
    model.predict(frame)
    assert model.result_ is result
