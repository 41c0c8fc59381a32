"""The user's own Julia through the one door (user.jl): custom operators, losses, the early-stop
condition; each end to end through the real engine, and each broken definition a clear error."""

import numpy as np
import pytest
import sympy

from conftest import assert_recovers, uniform_data
from pysr_lite import load_result, search
from pysr_lite.engine import EngineInputError

MYOP = "myop(x, y) = x^2 / (1 + y)"
MYOP_SYMPY = {"myop": lambda x, y: x**2 / (1 + y)}


def test_a_custom_binary_operator_is_recovered_in_a_law(engine, fast_search):
    rng = np.random.default_rng(20)
    X = np.column_stack([rng.uniform(-3, 3, 200), rng.uniform(0, 3, 200)])
    y = 2 * X[:, 0] ** 2 / (1 + X[:, 1])
    result = search(X, y, binary_operators=["+", "*", MYOP], unary_operators=[], extra_sympy_mappings=MYOP_SYMPY,
                    **fast_search)
    best = assert_recovers(result, "2*x0**2/(1 + x1)")
    assert "myop(" in best.equation
    np.testing.assert_allclose(best.predict(X), y, rtol=1e-9)
    # Read back later without the sympy forms: the equations still parse, with myop as a function.
    again = load_result(result.run_directory)
    assert any(isinstance(node, sympy.Function) and str(node.func) == "myop"
               for expression in again.equations["sympy_format"] for node in sympy.preorder_traversal(expression))
    with pytest.raises(ValueError, match="operator 'myop' is a custom operator"):
        again.predict(X, index=len(again) - 1)
    restored = load_result(result.run_directory, extra_sympy_mappings=MYOP_SYMPY)
    assert restored.predict(X, len(again) - 1) == pytest.approx(result.predict(X, len(result) - 1))
    # ... with the definition it was searched with, read from user.jl, so it can search again.
    assert [operator.julia_source for operator in restored.operators.custom] == [MYOP]


def test_a_custom_unary_operator_with_domain_errors_gives_nan_not_a_crash(engine, fast_search):
    X = uniform_data(seed=21)
    y = np.sqrt(np.abs(X[:, 0])) * 3
    # sqrt throws a DomainError on negative numbers: those candidates are discarded.
    result = search(X, y, binary_operators=["*"], unary_operators=["root(x) = sqrt(x)", "abs"],
                    extra_sympy_mappings={"root": sympy.sqrt}, **fast_search)
    assert_recovers(result, "3*sqrt(Abs(x0))")


def test_l1_loss_recovers_a_law_under_gross_outliers_where_l2_does_not(engine, fast_search):
    rng = np.random.default_rng(22)
    X = uniform_data(seed=22)
    y = 3 * X[:, 0] + 2
    outliers = rng.choice(len(y), size=10, replace=False)  # 5 %
    y[outliers] += rng.choice([-1, 1], size=10) * 200
    options = dict(fast_search, binary_operators=["+", "*"], unary_operators=[])
    robust = search(X, y, elementwise_loss="L1DistLoss()", **options)
    assert_recovers(robust, "3*x0 + 2")
    squared = search(X, y, **options)
    with pytest.raises(AssertionError, match="not recovered"):
        assert_recovers(squared, "3*x0 + 2")


def test_elementwise_loss_as_julia_source_and_loss_function(engine, fast_search):
    X = uniform_data(seed=23)
    y = X[:, 0] * X[:, 1]
    options = dict(fast_search, binary_operators=["+", "*"], unary_operators=[])
    elementwise = search(X, y, elementwise_loss="myloss(prediction, target) = abs(prediction - target)^1.5", **options)
    assert_recovers(elementwise, "x0*x1")
    objective = """
    function my_objective(tree, dataset, options)
        prediction, complete = eval_tree_array(tree, dataset, options)
        complete || return Inf
        return sum(abs.(prediction .- dataset.y)) / dataset.n_rows
    end
    """
    whole = search(X, y, loss_function=objective, **options)
    assert_recovers(whole, "x0*x1")


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(binary_operators=["+", MYOP]), "custom operator 'myop' has no sympy form: pass extra_sympy_mappings"),
        (dict(unary_operators=["1"]), "unknown unary operator '1'"),
        (dict(unary_operators=["f(x, y) = x + y"], extra_sympy_mappings={"f": lambda x, y: x}), "defined with 2 argument"),
        (dict(unary_operators=["cos(x) = 1"], extra_sympy_mappings={"cos": sympy.cos}), "unknown unary operator 'cos(x) = 1'|name of a built-in"),
        (dict(elementwise_loss="L1DistLoss()", loss_function="f(t, d, o) = 1.0"), "elementwise_loss and loss_function are both given"),
        (dict(elementwise_loss="HuberLoss(-1)"), "HuberLoss needs a positive number"),
    ],
)
def test_bad_user_code_is_refused_before_the_search(options, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        search(uniform_data(n_rows=10), np.ones(10), output_directory=tmp_path, **options)
    assert not (tmp_path).exists() or not any(tmp_path.iterdir())


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(unary_operators=["bad(x) = undefined_function(x)"], extra_sympy_mappings={"bad": sympy.cos}),
         "unary operator bad fails on .*UndefVarError: undefined_function not defined"),
        (dict(unary_operators=["text(x) = \"a\""], extra_sympy_mappings={"text": sympy.cos}),
         "unary operator text returns a String"),
        (dict(binary_operators=["+", "broken(x, y) = x +"], extra_sympy_mappings={"broken": lambda x, y: x}),
         "user.jl:.*syntax"),
        (dict(elementwise_loss="loss(x) = x"), "elementwise_loss must be a function of \\(prediction, target\\)"),
        (dict(elementwise_loss="myloss(p, t) = undefined_helper(p - t)"),
         "elementwise_loss fails on -3.0, -3.0: UndefVarError: undefined_helper not defined"),
        (dict(elementwise_loss="myloss(p, t) = string(p)"), "elementwise_loss returns a String"),
        (dict(loss_function="objective(tree, dataset, options) = error(\"no loss today\")"),
         "loss_function fails on the constant equation .*: no loss today"),
    ],
)
def test_broken_julia_is_an_input_error_that_names_it(engine, fast_search, options, message):
    with pytest.raises(EngineInputError, match=message):
        search(uniform_data(n_rows=20), np.ones(20), **dict(fast_search, **options))


def test_control_characters_in_an_early_stop_condition_do_not_lose_the_run(engine, fast_search):
    """Issue 15: such a comment used to be written raw into options.toml, and the finished run
    could not be read back. Julia source now lives in user.jl, options.toml escapes everything."""
    X = uniform_data(seed=24)
    condition = "f(loss, complexity) = loss < 1e-8 # stop \x1b[31mearly\x1b[0m \x0c\x7f é\r\n"
    result = search(X, X[:, 0] + X[:, 1], **dict(fast_search, niterations=200, early_stop_condition=condition))
    assert result.stats["reason"] == "early_stop"
    assert len(load_result(result.run_directory)) == len(result)


def _numpy_loss(name, parameter, residual):
    """LossFunctions.jl's definitions, residual = prediction - target."""
    absolute = np.abs(residual)
    losses = {
        "L2DistLoss": lambda: residual**2,
        "L1DistLoss": lambda: absolute,
        "HuberLoss": lambda: np.where(absolute <= parameter, 0.5 * residual**2, parameter * (absolute - 0.5 * parameter)),
        "LogCoshLoss": lambda: np.log(np.cosh(residual)),
        "LPDistLoss": lambda: absolute**parameter,
        "L1EpsilonInsLoss": lambda: np.maximum(0.0, absolute - parameter),
        "QuantileLoss": lambda: np.where(residual >= 0, (1 - parameter) * residual, -parameter * residual),
    }
    return losses[name]()


@pytest.mark.parametrize(
    "name, parameter",
    [("L2DistLoss", None), ("L1DistLoss", None), ("HuberLoss", 0.7), ("LogCoshLoss", None), ("LPDistLoss", 1.5),
     ("L1EpsilonInsLoss", 0.2), ("QuantileLoss", 0.3)],
)
def test_every_built_in_loss_is_the_weighted_mean_numpy_computes(engine, fast_search, name, parameter):
    X = uniform_data(n_rows=60, seed=25)
    y = np.cos(X[:, 0]) * 2 + X[:, 1]
    weights = np.random.default_rng(25).uniform(0, 2, size=len(y))
    loss = f"{name}({'' if parameter is None else parameter})"
    result = search(X, y, weights=weights, elementwise_loss=loss, **dict(fast_search, niterations=3, unary_operators=["cos"]))
    for index in range(len(result)):
        expected = np.sum(weights * _numpy_loss(name, parameter, result.predict(X, index) - y)) / np.sum(weights)
        assert result.equations["loss"][index] == pytest.approx(expected, rel=1e-9, abs=1e-12), result.equation(index)
