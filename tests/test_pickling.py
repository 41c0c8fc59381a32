"""Results, equations and fitted estimators pickle, and unpickle in a fresh process with identical
predictions: the callables are rebuilt from the equation text, never pickled as closures."""

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from pysr_lite import SearchResult, SymbolicRegressor, search
from pysr_lite.hall_of_fame import front_from_rows
from pysr_lite.operators import BUILTIN_OPERATORS, custom_operator

from conftest import FAST_SEARCH, uniform_data

INV2 = {"inv2": lambda x: 1 / x**2}


def front_with_custom_operator():
    table = BUILTIN_OPERATORS.with_custom([custom_operator("inv2(x) = 1/x^2", 1, sympy_mappings=INV2)])
    front = front_from_rows([("1", "2.0", "x0"), ("3", "0.5", "(inv2(x0) + 1.5)")], ["x0"], table)
    return SearchResult(front, ["x0"], "/tmp/run", {"reason": "niterations"}, table)


def run_fresh_python(code: str, tmp_path) -> None:
    """Run ``code`` in a new interpreter (nothing of this process's memory is shared)."""
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr


def test_a_result_pickles_as_text_and_rebuilds_its_callables():
    result = pickle.loads(pickle.dumps(SearchResult(front_from_rows([("1", "2.0", "x0"), ("3", "0.5", "(x0 * 2.5)")], ["x0"]),
                                                    ["x0"], "/tmp/run")))
    assert list(result.equations["equation"]) == ["x0", "(x0 * 2.5)"]
    np.testing.assert_array_equal(result.predict(np.array([[2.0]]), index=1), [5.0])
    assert str(result.sympy(1)) == "2.5*x0"
    equation = pickle.loads(pickle.dumps(result.equation(1)))
    assert equation["loss"] == 0.5 and equation["equation"] == "(x0 * 2.5)"
    np.testing.assert_array_equal(equation["lambda_format"](np.array([[2.0]])), [5.0])


def test_custom_operators_lose_their_lambdas_with_a_warning_and_a_clear_error():
    # As PySR: extra_sympy_mappings cannot be pickled; it is dropped and the error says how to restore it.
    with pytest.warns(UserWarning, match="custom operators 'inv2' .* cannot be pickled"):
        result = pickle.loads(pickle.dumps(front_with_custom_operator()))
    np.testing.assert_array_equal(result.predict(np.array([[2.0]]), index=0), [2.0])
    assert str(result.sympy(1)) == "inv2(x0) + 1.5"
    with pytest.raises(ValueError, match=r"lost its sympy form when this result was pickled .* extra_sympy_mappings=\{'inv2'"):
        result.predict(np.array([[2.0]]), index=1)
    from pysr_lite.operators import with_sympy_mappings

    restored = result.with_operators(with_sympy_mappings(result.operators, INV2))
    np.testing.assert_array_equal(restored.predict(np.array([[2.0]]), index=1), [1.75])


def test_fitted_model_result_and_equation_predict_identically_in_a_fresh_process(engine, tmp_path):
    X = uniform_data(seed=5)
    y = X[:, 0] ** 2 + np.cos(X[:, 1])
    model = SymbolicRegressor(unary_operators=["cos"], output_directory=tmp_path / "outputs", **FAST_SEARCH).fit(X, y)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "expected.npy", np.stack([model.predict(X), model.result_.predict(X, index=2), model.get_best().predict(X)]))
    (tmp_path / "objects.pkl").write_bytes(pickle.dumps((model, model.result_, model.get_best())))
    run_fresh_python(
        """
        import pickle, numpy as np
        model, result, best = pickle.loads(open("objects.pkl", "rb").read())
        X = np.load("X.npy")
        got = np.stack([model.predict(X), result.predict(X, index=2), best.predict(X)])
        np.testing.assert_array_equal(got, np.load("expected.npy"))
        assert ">>>>" in repr(model) and model.equations_ is model.result_.equations
        """,
        tmp_path,
    )


def test_an_unpickled_model_with_a_custom_operator_is_restored_like_pysrs(engine, tmp_path):
    X = uniform_data(seed=6, low=0.5, high=3.0)
    y = 1 / X[:, 0] ** 2 + X[:, 1]
    model = SymbolicRegressor(unary_operators=["inv2(x) = 1/x^2"], extra_sympy_mappings=INV2, binary_operators=["+", "*"],
                              output_directory=tmp_path, **FAST_SEARCH).fit(X, y)
    with pytest.warns(UserWarning, match="cannot be pickled"):
        loaded = pickle.loads(pickle.dumps(model))
    assert loaded.extra_sympy_mappings is None
    with pytest.raises(ValueError, match="set_params\\(extra_sympy_mappings="):
        loaded.predict(X)
    np.testing.assert_array_equal(loaded.set_params(extra_sympy_mappings=INV2).refresh().predict(X), model.predict(X))
    reloaded = SymbolicRegressor.from_file(model.run_directory_, extra_sympy_mappings=INV2)
    np.testing.assert_array_equal(reloaded.predict(X), model.predict(X))
