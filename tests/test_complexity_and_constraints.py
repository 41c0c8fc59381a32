"""PySR's complexity and constraint options, end to end through the engine: complexity_of_operators,
complexity_of_constants, complexity_of_variables (constructor, search or fit), constraints,
nested_constraints, the warning for ``^`` without a constraint, and a clear error for every
malformed value before anything runs."""

import warnings

import numpy as np
import pytest

from conftest import assert_recovers, uniform_data, write_prepared_run_folder
from pysr_lite import SymbolicRegressor, search
from pysr_lite.equations import Call, Number, Variable, parse_equation
from pysr_lite.options import UnsupportedOptionError, parse_option_text, resolve_options
from pysr_lite.run_folder import OPTIONS_FILE, parse_toml


def trees(result):
    """Every front equation as a tree of pysr_lite.equations (parsed from the engine's text)."""
    return [parse_equation(text, result.variable_names) for text in result.equations["equation"]]


def weighted_complexity(node, operators=None, constants=1, variables=(1, 1)):
    """The test's own reference count (the package never recomputes complexity): operator weights,
    constant and per-variable weights summed, rounded as the engine does (Python's round, like
    Julia's, sends ties to even)."""

    def raw(node):
        if isinstance(node, Number):
            return constants
        if isinstance(node, Variable):
            return variables[node.index]
        return (operators or {}).get(node.operator, 1) + sum(raw(argument) for argument in node.arguments)

    return round(raw(node))


def subtrees(node):
    yield node
    if isinstance(node, Call):
        for argument in node.arguments:
            yield from subtrees(argument)


def test_complexity_of_variables_per_feature_in_fit(engine, fast_search):
    X = uniform_data(seed=30)
    options = dict(fast_search, binary_operators=["+", "*"], unary_operators=[], early_stop_condition=1e-12)
    for target, law, complexity in ((X[:, 0], "x0", 2), (X[:, 1], "x1", 3), (X[:, 0] * X[:, 1], "x0*x1", 6)):
        model = SymbolicRegressor(**options).fit(X, target, complexity_of_variables=[2, 3])
        assert assert_recovers(model.result_, law, decimals=6).complexity == complexity
        for tree, reported in zip(trees(model.result_), model.equations_["complexity"]):
            assert reported == weighted_complexity(tree, variables=(2, 3))


def test_complexity_of_variables_in_search_and_in_the_constructor(engine, fast_search):
    X = uniform_data(seed=31)
    y = X[:, 0] * X[:, 1]
    options = dict(fast_search, binary_operators=["+", "*"], unary_operators=[], early_stop_condition=1e-12)
    assert assert_recovers(search(X, y, complexity_of_variables=2, **options), "x0*x1").complexity == 5
    model = SymbolicRegressor(complexity_of_variables=[3, 1], **options).fit(X, y)
    assert assert_recovers(model.result_, "x0*x1").complexity == 5
    with pytest.raises(ValueError, match="You cannot set `complexity_of_variables` at both `fit` and `__init__`"):
        SymbolicRegressor(complexity_of_variables=[1, 2]).fit(X, y, complexity_of_variables=[1, 2])


def test_complexity_of_operators_and_constants_change_the_fronts_complexities(engine, fast_search):
    X = uniform_data(seed=32)
    y = 2.5 * np.cos(X[:, 0]) + X[:, 1]
    weights = {"cos": 3, "*": 2}
    result = search(X, y, binary_operators=["+", "*"], unary_operators=["cos"], complexity_of_operators=weights,
                    complexity_of_constants=2, **fast_search)
    law = assert_recovers(result, "2.5*cos(x0) + x1")
    assert law.complexity == 2 + 2 + 3 + 1 + 1 + 1  # constant, *, cos, x0, +, x1
    for tree, reported in zip(trees(result), result.equations["complexity"]):
        assert reported == weighted_complexity(tree, weights, constants=2)
    # Fractional weights: the total is rounded (3.5 -> 4, 2.5 -> 2: ties to even, as the engine).
    fractional = search(X, 2.5 * X[:, 0], binary_operators=["+", "*"], unary_operators=[], complexity_of_constants=1.5,
                        **dict(fast_search, early_stop_condition=1e-12))
    assert assert_recovers(fractional, "2.5*x0").complexity == 4
    for tree, reported in zip(trees(fractional), fractional.equations["complexity"]):
        assert reported == weighted_complexity(tree, constants=1.5)


def exponents(result):
    return [node.arguments[1] for tree in trees(result) for node in subtrees(tree)
            if isinstance(node, Call) and node.operator == "^"]


def test_a_power_constraint_keeps_every_exponent_of_the_front_at_complexity_1(engine, fast_search):
    X = uniform_data(seed=33, low=0.0, high=2.0)
    y = 2.0 ** (X[:, 0] + X[:, 1])
    options = dict(fast_search, binary_operators=["+", "*", "^"], unary_operators=[])
    with pytest.warns(UserWarning, match="You are using the `\\^` operator"):
        free = search(X, y, **options)
    assert any(not isinstance(exponent, (Number, Variable)) for exponent in exponents(free))  # it would use them
    constrained = search(X, y, constraints={"^": (-1, 1)}, **options)
    assert exponents(constrained), "the constrained front should still use ^"
    assert all(isinstance(exponent, (Number, Variable)) for exponent in exponents(constrained))


def sin_inside_sin(tree):
    return any(isinstance(node, Call) and node.operator == "sin" and
               any(isinstance(inner, Call) and inner.operator == "sin" for argument in node.arguments for inner in subtrees(argument))
               for node in subtrees(tree))


def test_nested_constraints_keep_sin_out_of_sin(engine, fast_search):
    X = uniform_data(seed=34)
    y = np.sin(2 * np.sin(X[:, 0])) + X[:, 1]
    options = dict(fast_search, binary_operators=["+", "*"], unary_operators=["sin"])
    free = search(X, y, **options)
    assert any(sin_inside_sin(tree) for tree in trees(free))  # the law nests them
    constrained = search(X, y, nested_constraints={"sin": {"sin": 0}}, **options)
    assert len(constrained) > 1 and not any(sin_inside_sin(tree) for tree in trees(constrained))


def test_options_toml_carries_the_options_as_tables(tmp_path):
    write_prepared_run_folder(
        tmp_path, uniform_data(n_rows=10), np.ones(10), binary_operators=["+", "mult", "pow"], unary_operators=["sin", "cos"],
        complexity_of_operators={"pow": 3, "sin": 1.5}, complexity_of_variables=[2, 3.5],
        constraints={"pow": (-1, 1), "mult": (1, 3), "sin": 5}, nested_constraints={"sin": {"sin": 0, "cos": 0}},
    )
    text = (tmp_path / OPTIONS_FILE).read_text()
    assert '[constraints]\n"^" = [-1, 1]\n"*" = [3, 1]\nsin = 5\n' in text  # names canonical; * reordered
    assert "[nested_constraints.sin]\nsin = 0\ncos = 0\n" in text
    settings = parse_toml(text)
    assert settings["complexity_of_operators"] == {"^": 3, "sin": 1.5}
    assert settings["complexity_of_variables"] == [2.0, 3.5]  # one type per TOML array
    assert settings["complexity_of_constants"] == 1
    plain = tmp_path / "plain"
    write_prepared_run_folder(plain, uniform_data(n_rows=10), np.ones(10))
    assert "constraints" not in parse_toml((plain / OPTIONS_FILE).read_text())


def test_pysr_rules_for_constraints():
    def constraints(**given):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return resolve_options(binary_operators=["+", "-", "*", "^"], unary_operators=["cos"], **given)["constraints"]

    assert constraints(constraints={"plus": (2, 2), "-": [3, 3]}) == {"+": (2, 2), "-": (3, 3)}
    # *: the looser limit goes on the left (PySR: "the complex expression is in the left side").
    for given, expected in [((1, 3), (3, 1)), ((3, 1), (3, 1)), ((3, -1), (-1, 3)), ((-1, 3), (-1, 3))]:
        assert constraints(constraints={"*": given}) == {"*": expected}
    assert constraints() is None
    assert parse_option_text("constraints", "{'^': (-1, 1), 'cos': 3}") == {"^": (-1, 1), "cos": 3}
    assert parse_option_text("complexity_of_variables", "[2, 3]") == [2, 3]
    assert parse_option_text("nested_constraints", "{'cos': {'cos': 0}}") == {"cos": {"cos": 0}}


def test_the_power_warning_is_pysrs_and_points_at_the_callers_line():
    with pytest.warns(UserWarning) as caught:
        resolve_options(binary_operators=["+", "pow"])
    assert len(caught) == 1 and caught[0].filename == __file__
    assert "have not set up `constraints` for it" in str(caught[0].message)
    assert "constraints={..., '^': (-1, 1)}" in str(caught[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        resolve_options(binary_operators=["+", "^"], constraints={"pow": (-1, 1)})
        resolve_options(binary_operators=["+", "*"])


OPERATORS = dict(binary_operators=["+", "-", "*", "^"], unary_operators=["sin", "cos"])


@pytest.mark.parametrize(
    "given, message",
    [
        (dict(complexity_of_operators={"sin": 0}), "complexity_of_operators['sin'] must be a positive number, got 0"),
        (dict(complexity_of_operators={"sin": "2"}), "complexity_of_operators['sin'] must be a positive number"),
        (dict(complexity_of_operators={"sin": float("inf")}), "must be a positive number, got inf"),
        (dict(complexity_of_operators=[("sin", 2)]), "complexity_of_operators must be a dict from operator name to a positive number"),
        (dict(complexity_of_operators={"sni": 2}), ("complexity_of_operators: 'sni' is not an operator of this search ", "did you mean 'sin'?")),
        (dict(complexity_of_operators={"exp": 2}), "'exp' is not an operator of this search (its operators: +, -, *, ^, sin, cos); add it to unary_operators"),
        (dict(complexity_of_operators={"pow": 2, "^": 3}), "'^' names the operator '^' a second time"),
        (dict(complexity_of_constants=0), "complexity_of_constants must be a positive number, got 0"),
        (dict(complexity_of_constants=float("nan")), "complexity_of_constants must be a positive number"),
        (dict(complexity_of_constants=True), "complexity_of_constants must be a positive number, got True"),
        (dict(complexity_of_variables=[]), "complexity_of_variables must be a positive number, or a list of one"),
        (dict(complexity_of_variables=[1, -1]), "complexity_of_variables[1] must be a positive number, got -1"),
        (dict(complexity_of_variables="2"), "complexity_of_variables must be a positive number"),
        (dict(constraints={"+": (3, 5)}), "constraints['+'] = (3, 5): you need equal constraints on both sides for - and +"),
        (dict(constraints={"sub": (1, -1)}), "you need equal constraints on both sides"),
        (dict(constraints={"^": 1}), "constraints['^'] must be a pair (left, right) for the binary operator '^'"),
        (dict(constraints={"sin": (1, 2)}), "constraints['sin'] must be one integer for the unary operator 'sin'"),
        (dict(constraints={"^": (1, 2, 3)}), "constraints['^'] must be an integer (for a unary operator) or a pair"),
        (dict(constraints={"^": (-2, 1)}), "constraints['^'][0] must be -1 (no limit) or a non-negative integer, got -2"),
        (dict(constraints={"^": (-1, 1.5)}), "constraints['^'][1] must be -1 (no limit) or a non-negative integer, got 1.5"),
        (dict(constraints={"cos": True}), "constraints['cos'] must be an integer"),
        (dict(constraints={"/": (-1, 1)}), ("constraints: '/' is not an operator of this search ", "add it to binary_operators")),
        (dict(constraints=[("^", (-1, 1))]), "constraints must be a dict from operator name to a limit"),
        (dict(nested_constraints={"sin": 0}), "nested_constraints['sin'] must be a dict from nested operator name"),
        (dict(nested_constraints={"sin": {"cos": -2}}), "nested_constraints['sin']['cos'] must be -1 (no limit) or a non-negative integer"),
        (dict(nested_constraints={"sin": {"tan": 0}}), "nested_constraints['sin']: 'tan' is not an operator of this search"),
        (dict(nested_constraints={"tan": {"sin": 0}}), "nested_constraints: 'tan' is not an operator of this search"),
    ],
)
@pytest.mark.filterwarnings("ignore:You are using the `\\^` operator")
def test_malformed_values_are_clear_errors_before_the_search(given, message, tmp_path):
    with pytest.raises(ValueError) as error:
        search(uniform_data(n_rows=10), np.ones(10), output_directory=tmp_path, **dict(OPERATORS, **given))
    for part in (message,) if isinstance(message, str) else message:
        assert part in str(error.value)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_unequal_plus_limits_are_pysrs_not_implemented_error():
    with pytest.raises(NotImplementedError) as error:
        resolve_options(constraints={"+": (3, 5)})
    assert isinstance(error.value, (UnsupportedOptionError, ValueError))


def test_one_variable_complexity_per_feature(tmp_path):
    with pytest.raises(ValueError, match="number of elements in `complexity_of_variables` \\(3\\) must equal the number of features in `X` \\(2\\)"):
        search(uniform_data(n_rows=10), np.ones(10), complexity_of_variables=[1, 2, 3], output_directory=tmp_path)
    with pytest.raises(ValueError, match="number of elements in `complexity_of_variables`"):
        SymbolicRegressor(output_directory=tmp_path).fit(uniform_data(n_rows=10), np.ones(10), complexity_of_variables=[1, 2, 3])
