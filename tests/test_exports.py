"""Exports: jax and torch agree with numpy (and so with the engine) on every operator, their
constants are trainable, custom operators need their forms, and PySR's LaTeX tables."""

import numpy as np
import pandas as pd
import pytest
import sympy

from pysr_lite.equations import to_numpy, to_sympy
from pysr_lite.export import latex_table, multi_latex_table, to_jax, to_torch
from pysr_lite.operators import BUILTIN_OPERATORS, custom_operator

jax = pytest.importorskip("jax")
torch = pytest.importorskip("torch")
jax.config.update("jax_enable_x64", True)  # numpy's precision, for exact comparisons

NAMES = ["x0", "x1"]
GRID = np.array([[a, b] for a in (-2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 3.0) for b in (-2.0, -0.5, 0.0, 0.7, 2.0)])


def every_operator_once():
    for name, operator in BUILTIN_OPERATORS.of_arity(2).items():
        yield f"(x0 {name} x1)" if operator.infix else f"{name}(x0, x1)"
    for name in BUILTIN_OPERATORS.of_arity(1):
        yield f"{name}(x0)"


@pytest.mark.parametrize("text", list(every_operator_once()))
def test_jax_and_torch_give_numpy_values_on_every_operator(text):
    expected = to_numpy(text, NAMES)(GRID)
    exported = to_jax(text, NAMES)
    np.testing.assert_allclose(np.asarray(exported["callable"](GRID, exported["parameters"])), expected,
                               rtol=1e-12, atol=1e-12, equal_nan=True)
    module = to_torch(text, NAMES)
    np.testing.assert_allclose(module(torch.tensor(GRID)).detach().numpy(), expected, rtol=1e-12, atol=1e-12,
                               equal_nan=True)


def test_torch_constants_are_trainable_parameters():
    X = np.random.default_rng(0).uniform(-2, 2, size=(100, 2))
    y = torch.tensor(2.0 * X[:, 0] + 1.0)
    module = to_torch("((x0 * 1.5) + 0.2)", NAMES)
    assert [name for name, _ in module.named_parameters()] == ["constants"]
    optimizer = torch.optim.Adam(module.parameters(), lr=0.1)
    for _ in range(300):
        optimizer.zero_grad()
        loss = torch.mean((module(torch.tensor(X)) - y) ** 2)
        loss.backward()
        optimizer.step()
    np.testing.assert_allclose(module.constants.detach().numpy(), [2.0, 1.0], atol=1e-3)


def test_jax_export_is_differentiable_in_its_parameters():
    exported = to_jax("((x0 * 1.5) + cos((x1 * 0.5)))", NAMES)
    np.testing.assert_array_equal(np.asarray(exported["parameters"]), [1.5, 0.5])
    X = jax.numpy.asarray(GRID)
    gradient = jax.grad(lambda p: jax.numpy.sum(exported["callable"](X, p)))(exported["parameters"])
    np.testing.assert_allclose(np.asarray(gradient), [GRID[:, 0].sum(), -(np.sin(0.5 * GRID[:, 1]) * GRID[:, 1]).sum()])


def test_custom_operators_need_their_forms_for_each_export():
    operator = custom_operator("inv2(x) = 1/x^2", 1, sympy_mappings={"inv2": lambda x: 1 / x**2},
                               torch_mappings={"inv2": lambda x: 1 / x**2})
    table = BUILTIN_OPERATORS.with_custom([operator])
    X = np.array([[2.0, 0.0], [0.5, 1.0]])
    np.testing.assert_allclose(to_torch("inv2(x0)", NAMES, table)(torch.tensor(X)).detach().numpy(), [0.25, 4.0])
    with pytest.raises(ValueError, match="operator 'inv2' has no jax form; pass extra_jax_mappings="):
        to_jax("inv2(x0)", NAMES, table)


def front():
    texts = ["1.5", "(x0 * 2.0)", "((x0 * 2.0) + cos(x1))",
             "((((x0 * 2.0) + cos(x1)) + exp(sin((x1 * 0.333)))) - (sqrt(abs(x0)) * 1.2345678))"]
    return pd.DataFrame({
        "complexity": [1, 3, 6, 17],
        "loss": [2.0, 0.51234, 1.2e-05, 1.0e-9],
        "score": [0.0, 0.67, 1.2, 0.03],
        "sympy_format": [to_sympy(text, NAMES) for text in texts],
    })


def test_latex_table_in_pysr_booktabs_layout():
    table = latex_table(front(), indices=[0, 1, 2])
    assert table.splitlines() == [
        r"\begin{table}[h]",
        r"\begin{center}",
        r"\begin{tabular}{@{}cccc@{}}",
        r"\toprule",
        r"Equation & Complexity & Loss & Score \\",
        r"\midrule",
        r"$y = 1.5$ & $1$ & $2.0$ & $0.0$ \\",
        r"$y = 2.0 x_{0}$ & $3$ & $0.512$ & $0.67$ \\",
        r"$y = 2.0 x_{0} + \cos{\left(x_{1} \right)}$ & $6$ & $1.2 \cdot 10^{-5}$ & $1.2$ \\",
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{center}",
        r"\end{table}",
    ]


def test_long_equations_are_wrapped_and_tables_join_for_several_outputs():
    table = latex_table(front(), indices=[3], columns=("equation", "loss"))
    assert r"\begin{dmath*} y = " in table and r"\end{dmath*} \end{minipage} & $1.0 \cdot 10^{-9}$ \\" in table
    both = multi_latex_table([front(), front()], indices=[[0], [1]], columns=("equation",))
    assert "$y_{0} = 1.5$ \\\\" in both and "$y_{1} = 2.0 x_{0}$ \\\\" in both and "\n\n" in both
    with pytest.raises(ValueError, match="unknown column"):
        latex_table(front(), columns=("equation", "mse"))


def test_to_latex_keeps_precision_significant_digits():
    from pysr_lite.export import to_latex
    expression = to_sympy("(x0 * 3.14159265)", NAMES)
    assert to_latex(expression) == "3.14 x_{0}"
    assert to_latex(expression, precision=5) == "3.1416 x_{0}"
    assert isinstance(to_sympy("1.0", NAMES), sympy.Float)


def test_a_search_result_exports_each_of_its_equations(engine, fast_search):
    from conftest import uniform_data
    from pysr_lite import search

    X = uniform_data(seed=31)
    y = 2.5 * np.cos(X[:, 0]) + X[:, 1]
    result = search(X, y, **dict(fast_search, unary_operators=["cos"], niterations=5))
    for index in range(len(result)):
        expected = result.predict(X, index)
        exported = result.jax(index)
        np.testing.assert_allclose(np.asarray(exported["callable"](X, exported["parameters"])), expected, rtol=1e-12)
        np.testing.assert_allclose(result.pytorch(index)(torch.tensor(X)).detach().numpy(), expected, rtol=1e-12)
    assert result.latex_table().count(r" \\") == len(result) + 1  # header + one row per equation
