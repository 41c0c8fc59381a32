"""select_k_features and denoise (scikit-learn, PySR's rules), model_selection and any row of the front."""

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
import sympy

from pysr_lite import SymbolicRegressor
from pysr_lite.feature_selection import select_features

from conftest import FAST_SEARCH, uniform_data


def test_feature_selection_keeps_the_informative_columns_as_pysrs_test():
    rng = np.random.RandomState(0)
    X = rng.randn(20000, 5)
    y = X[:, 2] ** 2 + X[:, 3] ** 2
    np.testing.assert_array_equal(select_features(X, y, 2), [False, False, True, True, False])


def test_select_k_features_searches_the_kept_columns_and_predicts_from_all(engine, tmp_path):
    X = uniform_data(n_rows=300, n_features=5, seed=51)
    y = X[:, 1] * X[:, 3] + 1.0
    model = SymbolicRegressor(select_k_features=2, output_directory=tmp_path, **FAST_SEARCH).fit(X, y)
    np.testing.assert_array_equal(model.selection_mask_, [False, True, False, True, False])
    assert model.n_features_in_ == 5 and model.variable_names_ == ["x1", "x3"]
    np.testing.assert_allclose(model.predict(X), y, atol=1e-8)
    with pytest.raises(ValueError, match="X has 2 features, but SymbolicRegressor is expecting 5 features as input"):
        model.predict(X[:, [1, 3]])
    with pytest.raises(ValueError, match="select_k_features must be None or an integer from 1 to the number of features \\(5\\)"):
        SymbolicRegressor(select_k_features=6, output_directory=tmp_path, **FAST_SEARCH).fit(X, y)


def test_denoise_smooths_the_target_and_searches_on_xresampled(engine, tmp_path):
    rng = np.random.default_rng(52)
    X = pd.DataFrame({"T": rng.uniform(-2, 2, 80), "x": rng.uniform(-2, 2, 80)})
    y = X["T"] + X["x"] ** 2 + rng.normal(0, 0.05, 80)
    Xresampled = pd.DataFrame({"x": rng.uniform(-2, 2, 60), "T": rng.uniform(-2, 2, 60)})  # another column order
    model = SymbolicRegressor(denoise=True, output_directory=tmp_path, **FAST_SEARCH).fit(X, y, Xresampled=Xresampled)
    truth = X["T"] + X["x"] ** 2
    assert np.mean((model.predict(X) - truth) ** 2) < 0.01
    from pysr_lite.run_folder import read_run_folder

    assert read_run_folder(model.run_directory_).n_rows == 60  # the search ran on the resampled points


def test_model_selection_and_any_row(engine, tmp_path):
    X = uniform_data(seed=53)
    y = 2.0 * X[:, 0] ** 2 + 0.05 * X[:, 1]
    model = SymbolicRegressor(model_selection="accuracy", output_directory=tmp_path, **FAST_SEARCH).fit(X, y)
    last = len(model.equations_) - 1
    assert model.get_best().equation == model.equations_["equation"].iloc[last]
    for row in range(len(model.equations_)):
        np.testing.assert_array_equal(model.predict(X, index=row), model.equations_["lambda_format"].iloc[row](X))
        assert model.sympy(row) == model.equations_["sympy_format"].iloc[row]
        assert isinstance(model.latex(row), str)
    assert model.set_params(model_selection="best").get_best().equation == model.equations_["equation"].iloc[model.result_.best_index()]
    chosen_line = next(line for line in repr(model).splitlines() if ">>>>" in line)
    assert model.get_best().equation[:40] in chosen_line
    with pytest.raises(NotImplementedError, match="'unknown' is not a valid model selection strategy"):
        SymbolicRegressor(model_selection="unknown", output_directory=tmp_path, **FAST_SEARCH).fit(X, y)


def test_without_scikit_learn_the_estimator_works_and_the_sklearn_features_say_what_to_install(tmp_path):
    # A fresh interpreter where `import sklearn` fails, as on a machine without it.
    (tmp_path / "hall_of_fame.csv").write_text('Complexity,Loss,Equation\n1,1.0,"x0"\n3,0.5,"(x0 * 2.0)"\n')
    code = f"""
        import sys, pickle
        sys.modules["sklearn"] = None
        import numpy as np
        from pysr_lite import SymbolicRegressor
        from pysr_lite.sklearn_support import HAVE_SKLEARN
        assert not HAVE_SKLEARN
        model = SymbolicRegressor.from_file({str(tmp_path)!r}, n_features_in=1, binary_operators=["*"])
        X = np.array([[1.0], [2.0]])
        assert model.predict(X).tolist() == [2.0, 4.0] and model.score(X, [2.0, 4.0]) == 1.0
        assert pickle.loads(pickle.dumps(model)).predict(X).tolist() == [2.0, 4.0]
        for option in ({{"select_k_features": 1}}, {{"denoise": True}}):
            try:
                SymbolicRegressor(output_directory={str(tmp_path / "runs")!r}, **option).fit(X, [1.0, 2.0])
            except ImportError as error:
                assert "needs scikit-learn, which is not installed: pip install scikit-learn" in str(error), error
            else:
                raise AssertionError(f"{{option}} did not fail")
    """
    completed = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr


def test_snap_constants_shows_the_simple_constants_noisy_data_allow(engine, tmp_path):
    rng = np.random.default_rng(54)
    X = rng.uniform(1, 5, size=(500, 2))
    truth = 0.5 * X[:, 0] * X[:, 1] ** 2
    y = truth + 0.1 * np.std(truth) * rng.normal(size=500)
    fitted = SymbolicRegressor(output_directory=tmp_path, **FAST_SEARCH).fit(X, y)
    snapped = SymbolicRegressor(snap_constants=True, output_directory=tmp_path, **FAST_SEARCH).fit(X, y)

    def law(model):  # 0.5 * x0 * x1 * x1, in whatever form the search wrote it
        row = model.equations_[model.equations_["complexity"] == 7].iloc[0]
        return sympy.expand(row["sympy_format"])

    x0, x1 = sympy.symbols("x0 x1")
    assert law(snapped) == 0.5 * x0 * x1**2
    assert law(fitted) != 0.5 * x0 * x1**2 and abs(law(fitted).coeff(x0 * x1**2) - 0.5) < 0.01
