"""Equation text -> tree -> sympy / numpy / LaTeX, read like examples of use."""

import warnings

import time

import numpy as np
import pandas as pd
import pytest
import sympy

from pysr_lite.equations import (
    MAX_DEPTH,
    Call,
    EquationSyntaxError,
    Number,
    Variable,
    node_count,
    parse_equation,
    to_numpy,
    to_sympy,
)
from pysr_lite.export.latex import to_latex
from pysr_lite.operators import (
    ALIASES,
    BUILTIN_OPERATORS,
    canonical_operator_name,
)

BINARY_OPERATORS = BUILTIN_OPERATORS.of_arity(2)
UNARY_OPERATORS = BUILTIN_OPERATORS.of_arity(1)

NAMES = ["x0", "x1"]
x0, x1 = sympy.symbols("x0 x1")


def same(a: sympy.Expr, b: sympy.Expr) -> bool:
    # Constants are Floats (2.0, as PySR keeps them); nsimplify makes 2.0 and 2 compare equal.
    return sympy.simplify(sympy.nsimplify(a - b)) == 0


# --- engine text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("((x0 * x0) + cos(x1))", x0**2 + sympy.cos(x1)),
        ("(x0 * 2.0001)", 2.0001 * x0),
        ("max(x0, -2.5)", sympy.Max(x0, -2.5)),
        ("((x0 - 1.0e-5) / -3.2e10)", (x0 - 1.0e-5) / -3.2e10),
        ("(exp(x1) ^ 3.0)", sympy.exp(x1) ** 3),
        ("square(sin(x0))", sympy.sin(x0) ** 2),
        ("log10(abs(x1))", sympy.log(sympy.Abs(x1), 10)),
        ("x0", x0),
        ("2.5", sympy.Float(2.5)),
    ],
)
def test_engine_text_becomes_the_same_sympy_expression(text, expected):
    assert same(to_sympy(text, NAMES), expected)


def test_engine_negative_constant_as_base_stays_one_number():
    # The engine prints the constant -2.5 raised to x0 as "(-2.5 ^ x0)".
    equation = parse_equation("(-2.5 ^ x0)", NAMES)
    assert equation == Call("^", (Number(-2.5), Variable(0, "x0")))


def test_constants_stay_floats_as_in_pysr():
    assert to_sympy("(x0 ^ 2.0)", NAMES) == x0 ** sympy.Float(2.0)
    assert to_sympy("(3.0 * x1)", NAMES) == sympy.Float(3.0) * x1
    assert to_sympy("1.0", NAMES) == sympy.Float(1.0) and not to_sympy("1.0", NAMES).is_Integer


def test_huge_powers_of_constants_stay_floats_and_quick():
    """Issue 15: an exact Integer(2)**Integer(10**10) would take gigabytes and half a minute.
    Numbers are folded as the engine computes them: 2.0^1e10 overflows a float to Inf."""
    started = time.monotonic()
    assert to_sympy("(2.0 ^ 1.0e10)", NAMES) == sympy.oo
    assert to_sympy("max((1.0e300 * 1.0e300), x0)", NAMES) == sympy.oo
    assert to_sympy("(x0 ^ 1.0e10)", NAMES) == x0 ** sympy.Float(1e10)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "text, expected",
    [
        # Found by tests/test_properties.py: sympy compared with a complex constant for two minutes,
        # and raised KeyError on a Piecewise over one. The engine's values: NaN, which compares false.
        ("less_equal(log((x0 + x0)), atan2((1.0 + 0.0), acos(acos(0.0))))", sympy.S.Zero),
        ("greater(x0, cond((2.0 ^ acosh(-1.0)), x0))", sympy.Piecewise((1, x0 > 0), (0, True))),
        ("(x0 + mod(0.0, 0.0))", x0 + sympy.nan),
        ("(cos(2.0) * x0)", sympy.Float(np.cos(2.0)) * x0),
        ("greater(2.0, 1.0)", sympy.S.One),
    ],
)
def test_operators_of_numbers_are_folded_as_the_engine_computes_them(text, expected):
    started = time.monotonic()
    assert to_sympy(text, NAMES) == expected
    assert time.monotonic() - started < 1


def test_node_count_counts_every_operator_variable_and_constant():
    assert node_count(parse_equation("((x0 * x0) + cos(x1))", NAMES)) == 6
    assert node_count(parse_equation("x0", NAMES)) == 1
    assert node_count(parse_equation("max(x0, -2.5)", NAMES)) == 3  # -2.5 is one constant


# --- human infix ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x0 + 2*x1^2", x0 + 2 * x1**2),
        ("x0 - x1 - 1", (x0 - x1) - 1),
        ("x0 / x1 / 2", (x0 / x1) / 2),
        ("x0 ^ x1 ^ 2", x0 ** (x1**2)),  # right-associative
        ("x0 ** 2", x0**2),
        ("-x0^2", -(x0**2)),
        ("- 2^2", sympy.Integer(-4)),
        ("-(2)^2", sympy.Integer(-4)),
        ("-2^2", sympy.Integer(4)),  # a minus against a number is part of it, as in engine text
        ("2^-x0", 2 ** (-x0)),
        ("-x0 * x1", (-x0) * x1),
        ("(x0 + x1) * 3", (x0 + x1) * 3),
        ("  cos( x0 )+sin(x1) ", sympy.cos(x0) + sympy.sin(x1)),
        ("pow(x0, 3) + plus(x1, mult(2, x0))", x0**3 + x1 + 2 * x0),
        ("--x0", x0),
    ],
)
def test_human_infix_follows_ordinary_precedence(text, expected):
    assert same(to_sympy(text, NAMES), expected)


def test_unary_minus_on_a_number_folds_into_the_number():
    assert parse_equation("-(3)", NAMES) == Number(-3.0)
    assert parse_equation("- x0", NAMES) == Call("neg", (Variable(0, "x0"),))


def test_custom_symbols_replace_the_default_ones():
    a, b = sympy.symbols("a b", positive=True)
    assert to_sympy("x0 * x1", NAMES, symbols=[a, b]) == a * b


# --- numpy ---------------------------------------------------------------------------------------

AGREEING_EQUATIONS = [
    "((x0 * x0) + cos(x1))",
    "x0 + 2*x1^2 - 3.5",
    "sqrt(x0) * log(x1) / (1 + exp(-x0))",
    "max(x0, x1) - min(x0, 0.5) + relu(x1 - 1) + abs(x0 - x1) + sign(x0 - 1)",
    "tanh(x0) + atan(x1) + asinh(x0) + log2(x1) + log10(x0) + log1p(x1)",
    "inv(x0) + cube(x1) + square(x0) + neg(x1) + sinh(x1) + cosh(x0) + tan(x1 / 10)",
    "x0 ^ 1.5 + asin(x0 / 10) + acos(x1 / 10) + acosh(1 + x1) + atanh(x0 / 10)",
    "mod(x0, x1) + mod(-x0, 0.7) + atan2(x0 - 1, x1 - 2) + atan2(-x1, -0.5)",
    "greater(x0, x1) + 2 * less(x0, 1.5) + 4 * greater_equal(x1, x0) + 8 * less_equal(x1, 1)",
    "cond(x0 - 1, x1) + cond(1 - x0, x0 * x1) + logical_or(x0 - 2, x1 - 2) + logical_and(x0 - 1, x1 - 1)",
    "erf(x0 - 1) + erfc(x1) + gamma(x0) + gamma(-x1) + round(3 * x0) + floor(x1 * 2) + ceil(-x0)",
]


@pytest.mark.parametrize("text", AGREEING_EQUATIONS)
def test_numpy_function_agrees_with_the_sympy_expression(text):
    X = np.random.default_rng(0).uniform(0.1, 3.0, size=(25, 2))
    expression = to_sympy(text, NAMES)
    expected = [float(expression.subs({x0: row[0], x1: row[1]}).evalf()) for row in X]
    np.testing.assert_allclose(to_numpy(text, NAMES)(X), expected, rtol=1e-10)


def test_every_operator_agrees_with_sympy_inside_its_domain():
    point = {name: 0.5 for name in UNARY_OPERATORS} | {"acosh": 1.5}
    for name, operator in UNARY_OPERATORS.items():
        value = float(operator.sympy(sympy.Float(point[name])).evalf())
        assert operator.numpy(np.array([point[name]]))[0] == pytest.approx(value), name
    for name, operator in BINARY_OPERATORS.items():
        value = float(operator.sympy(sympy.Float(0.7), sympy.Float(1.3)).evalf())
        assert operator.numpy(np.array([0.7]), np.array([1.3]))[0] == pytest.approx(value), name


def test_constants_broadcast_to_one_value_per_row():
    X = np.zeros((4, 2))
    np.testing.assert_array_equal(to_numpy("2.5", NAMES)(X), np.full(4, 2.5))
    np.testing.assert_array_equal(to_numpy("x0 * 0 + -3", NAMES)(X), np.full(4, -3.0))


def test_numpy_reads_a_dataframe_by_column_name():
    frame = pd.DataFrame({"x1": [1.0, 2.0], "x0": [10.0, 20.0]})
    np.testing.assert_array_equal(to_numpy("x0 - x1", NAMES)(frame), [9.0, 18.0])


def test_numpy_keeps_float32_and_returns_a_copy():
    X = np.ones((3, 2), dtype=np.float32)
    result = to_numpy("x0", NAMES)(X)
    assert result.dtype == np.float32
    result[0] = 99
    assert X[0, 0] == 1


def test_numpy_rejects_x_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"shape \(n_rows, 2\)"):
        to_numpy("x0", NAMES)(np.zeros(3))


@pytest.mark.parametrize(
    "text, x, expected",
    [
        ("log(x0)", -1.0, np.nan),
        ("log(x0)", 0.0, np.nan),  # the engine's log is NaN at 0 too, not -Inf
        ("log2(x0)", -2.0, np.nan),
        ("log10(x0)", 0.0, np.nan),
        ("log1p(x0)", -1.0, np.nan),
        ("sqrt(x0)", -4.0, np.nan),
        ("asin(x0)", 1.5, np.nan),
        ("acos(x0)", -1.5, np.nan),
        ("acosh(x0)", 0.5, np.nan),
        ("atanh(x0)", 1.0, np.nan),
        ("x0 ^ 0.5", -8.0, np.nan),  # negative base, non-integer exponent
        ("x0 ^ -1", 0.0, np.nan),  # 0 to a negative power
        ("x0 ^ 3", -2.0, -8.0),  # negative base, integer exponent is fine
        ("x0 / 0", 1.0, np.inf),  # division by zero is Inf, as in the engine
        ("inv(x0)", 0.0, np.inf),
        ("relu(x0)", -3.0, 0.0),
        ("relu(x0 / 0 * 0)", 1.0, 0.0),  # relu(NaN) is 0 in the engine (x > 0 ? x : 0)
        ("mod(x0, 0)", 1.0, np.nan),
        ("mod(x0 / 0, 2)", 1.0, np.nan),  # mod(Inf, 2)
        ("mod(x0, 2)", -7.5, 0.5),  # floored: the sign of the divisor
        ("mod(x0, -2)", 7.5, -0.5),
        ("gamma(x0)", 0.0, np.nan),  # poles
        ("gamma(x0)", -3.0, np.nan),
        ("gamma(x0)", 171.7, np.nan),  # overflow is NaN too, as in SymbolicRegression.jl
        ("gamma(x0)", 5.0, 24.0),
        ("gamma(x0)", 0.5, 1.7724538509055159),  # sqrt(pi), as math.gamma gives it
        ("erf(x0 / 0)", 1.0, 1.0),  # erf(Inf)
        ("erfc(x0 / 0)", -1.0, 2.0),  # erfc(-Inf)
        ("greater(x0 / 0 * 0, -1)", 1.0, 0.0),  # a comparison with NaN is false: 0
        ("less(x0 / 0 * 0, 1)", 1.0, 0.0),
        ("cond(x0, x0 / 0 * 0)", -1.0, 0.0),  # the condition fails: 0 even though y is NaN
        ("cond(x0, x0 / 0 * 0)", 1.0, np.nan),
        ("logical_or(x0 / 0 * 0, 1)", 1.0, 1.0),
        ("logical_and(x0 / 0 * 0, 1)", 1.0, 0.0),
        ("round(x0)", 2.5, 2.0),  # halves to even, as Julia's round
        ("round(x0)", -0.5, -0.0),
        ("floor(x0 / 0)", -1.0, -np.inf),
    ],
)
def test_values_outside_the_domain_are_nan_without_warnings(text, x, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = to_numpy(text, ["x0"])(np.array([[x]]))
    np.testing.assert_array_equal(result, [expected])


# --- operator names ------------------------------------------------------------------------------


def test_pysr_aliases_resolve_to_canonical_names():
    assert {alias: canonical_operator_name(alias, 2) for alias in ALIASES} == {
        "plus": "+", "sub": "-", "mult": "*", "div": "/", "pow": "^",
        ">": "greater", "<": "less", ">=": "greater_equal", "<=": "less_equal",
    }
    assert canonical_operator_name(" cos ", 1) == "cos"
    assert canonical_operator_name("square", 1) == "square"


def test_unknown_operator_error_names_it_and_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown unary operator 'coss'; known: abs, acos, "):
        canonical_operator_name("coss", 1)


def test_operator_with_the_wrong_arity_is_an_error():
    with pytest.raises(ValueError, match=r"unknown binary operator 'cos'.*is a unary operator"):
        canonical_operator_name("cos", 2)
    with pytest.raises(EquationSyntaxError, match="unknown unary operator 'max'"):
        parse_equation("max(x0)", NAMES)


def test_docs_operators_page_has_a_row_for_every_operator():
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "operators.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    documented = {name for row in rows for name in row.split("|")[1].replace("`", " ").split()}
    assert set(BINARY_OPERATORS) | set(UNARY_OPERATORS) <= documented
    aliases = {alias for row in rows for alias in row.split("|")[2].replace("`", " ").split()}
    assert set(ALIASES) <= aliases


def test_table_marks_only_arithmetic_as_infix():
    assert {name for name, operator in BINARY_OPERATORS.items() if operator.infix} == set("+-*/^")
    assert not any(operator.infix for operator in UNARY_OPERATORS.values())


# --- PySR's comparison, logic, modulo and special-function operators -----------------------------


V0, V1 = Variable(0, "x0"), Variable(1, "x1")


@pytest.mark.parametrize(
    "engine_text, human_text, expected",
    [
        # The engine writes them as calls, as SymbolicRegression.jl saves them; people may use
        # PySR's infix symbols, which bind loosest of all.
        ("greater(x0, x1)", "x0 > x1", Call("greater", (V0, V1))),
        ("less((x0 + x1), (x0 * x1))", "x0 + x1 < x0 * x1",
         Call("less", (Call("+", (V0, V1)), Call("*", (V0, V1))))),
        ("greater_equal(neg(x0), -2.5)", "-x0 >= -2.5", Call("greater_equal", (Call("neg", (V0,)), Number(-2.5)))),
        ("less_equal((x0 ^ 2.0), 1.0)", "x0^2 <= 1", Call("less_equal", (Call("^", (V0, Number(2.0))), Number(1.0)))),
        ("cond(x0, (x0 * x0))", "cond(x0, x0*x0)", Call("cond", (V0, Call("*", (V0, V0))))),
        ("mod(x0, 2.0)", "mod(x0, 2)", Call("mod", (V0, Number(2.0)))),
        ("atan2(x1, x0)", "atan2(x1, x0)", Call("atan2", (V1, V0))),
        ("logical_or(x0, x1)", "logical_or(x0, x1)", Call("logical_or", (V0, V1))),
        ("logical_and(x0, x1)", "logical_and(x0, x1)", Call("logical_and", (V0, V1))),
        ("gamma(erfc(erf(x0)))", "gamma(erfc(erf(x0)))", Call("gamma", (Call("erfc", (Call("erf", (V0,)),)),))),
        ("round(floor(ceil(x1)))", "round(floor(ceil(x1)))", Call("round", (Call("floor", (Call("ceil", (V1,)),)),))),
    ],
)
def test_new_operators_read_from_engine_text_and_from_infix(engine_text, human_text, expected):
    assert parse_equation(engine_text, NAMES) == expected
    assert parse_equation(human_text, NAMES) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(x0 > 1) + (x1 <= x0)", Call("+", (Call("greater", (V0, Number(1.0))), Call("less_equal", (V1, V0))))),
        ("x0 < -x1", Call("less", (V0, Call("neg", (V1,))))),
        ("x0<-1", Call("less", (V0, Number(-1.0)))),
        ("cond(x0 > 0, x1)", Call("cond", (Call("greater", (V0, Number(0.0))), V1))),
        ("greater(x0, x1) * 2", Call("*", (Call("greater", (V0, V1)), Number(2.0)))),
        ("(x0 < x1) < 2", Call("less", (Call("less", (V0, V1)), Number(2.0)))),  # parenthesised: no chain
    ],
)
def test_infix_comparisons_group_as_in_julia_and_python(text, expected):
    assert parse_equation(text, NAMES) == expected


@pytest.mark.parametrize("text", ["x0 < x1 < 2", "x0 > 1 >= x1", "x0 <= x1 + 1 > 0"])
def test_chained_comparisons_are_an_error(text):
    with pytest.raises(EquationSyntaxError, match="chained comparison"):
        parse_equation(text, NAMES)


@pytest.mark.parametrize("text", ["x0 => x1", "x0 == x1", "x0 != x1", "x0 < = x1"])
def test_other_comparison_spellings_are_rejected(text):
    with pytest.raises(EquationSyntaxError):
        parse_equation(text, NAMES)


@pytest.mark.parametrize(
    "text, expected",
    [
        # PySR's sympy forms (pysr/export_sympy.py), with exact 1 and 0 where PySR writes 1.0 and 0.0.
        ("greater(x0, x1)", sympy.Piecewise((1, x0 > x1), (0, True))),
        ("less(x0, x1)", sympy.Piecewise((1, x0 < x1), (0, True))),
        ("greater_equal(x0, x1)", sympy.Piecewise((1, x0 >= x1), (0, True))),
        ("less_equal(x0, x1)", sympy.Piecewise((1, x0 <= x1), (0, True))),
        ("cond(x0, x1)", sympy.Piecewise((x1, x0 > 0), (0, True))),
        ("logical_or(x0, x1)", sympy.Piecewise((1, (x0 > 0) | (x1 > 0)), (0, True))),
        ("logical_and(x0, x1)", sympy.Piecewise((1, (x0 > 0) & (x1 > 0)), (0, True))),
        ("mod(x0, x1)", sympy.Mod(x0, x1)),
        ("atan2(x0, x1)", sympy.atan2(x0, x1)),
        ("erf(x0)", sympy.erf(x0)),
        ("erfc(x0)", sympy.erfc(x0)),
        ("gamma(x0)", sympy.gamma(x0)),
        ("floor(x0)", sympy.floor(x0)),
        ("ceil(x0)", sympy.ceiling(x0)),
    ],
)
def test_new_operators_export_to_pysrs_sympy_forms(text, expected):
    assert to_sympy(text, NAMES) == expected


def test_round_exports_as_a_half_to_even_round_function():
    expression = to_sympy("round(x0)", NAMES)
    assert str(expression) == "round(x0)" and expression.func is UNARY_OPERATORS["round"].sympy
    halves = [expression.subs(x0, sympy.Float(value)) for value in (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6)]
    assert halves == [-2, -2, 0, 0, 2, 2, 3]                       # as numpy.round and Julia's round
    assert to_sympy("round(3.5)", NAMES) == 4 and to_sympy("round(x0 * 0.5)", NAMES).subs(x0, 5) == 2
    np.testing.assert_array_equal(to_numpy("round(x0)", ["x0"])(np.array([[-2.5], [0.5], [1.5], [2.6]])),
                                  [-2.0, 0.0, 2.0, 3.0])


def test_comparisons_of_non_real_constants_are_false_as_in_the_engine():
    # sqrt(-2) is NaN in the engine and sympy's I*sqrt(2) cannot be compared: both give "false".
    assert to_sympy("greater(sqrt(-2), x0)", NAMES) == 0
    assert to_sympy("cond(sqrt(-2), x0)", NAMES) == 0
    assert to_sympy("logical_or(sqrt(-2), x0)", NAMES) == sympy.Piecewise((1, x0 > 0), (0, True))
    np.testing.assert_array_equal(to_numpy("greater(sqrt(-2), x0)", ["x0"])(np.array([[-5.0]])), [0.0])


@pytest.mark.parametrize("name", ["greater", "less", "cond", "logical_or", "mod", "atan2"])
def test_binary_operators_keep_float32(name):
    values = np.array([[0.5, -1.0], [2.0, 3.0]], dtype=np.float32)
    assert to_numpy(f"{name}(x0, x1)", NAMES)(values).dtype == np.float32


@pytest.mark.parametrize("name", ["erf", "erfc", "gamma", "round", "floor", "ceil"])
def test_unary_operators_keep_float32(name):
    result = to_numpy(f"{name}(x0)", ["x0"])(np.array([[0.5], [40.0]], dtype=np.float32))
    assert result.dtype == np.float32
    if name == "gamma":
        assert np.isnan(result[1])                           # gamma(40) overflows float32: NaN


# --- LaTeX ---------------------------------------------------------------------------------------


def test_latex_rounds_float_constants_to_significant_digits():
    expression = to_sympy("(3.14159265 * cos(x0)) + 0.000123456", ["x0"])
    assert to_latex(expression) == r"3.14 \cos{\left(x_{0} \right)} + 0.000123"
    assert to_latex(expression, precision=5) == r"3.1416 \cos{\left(x_{0} \right)} + 0.00012346"


def test_latex_leaves_exact_numbers_alone():
    assert to_latex(x0**2 / 3 + sympy.pi) == r"\frac{x_{0}^{2}}{3} + \pi"
    assert to_latex(to_sympy("x0 ^ 2.0 / 3", ["x0"])) == r"0.333 x_{0}^{2.0}"


def test_latex_of_an_expression_sympy_could_only_build_unevaluated():
    """Found by tests/test_properties.py: rounding the constants rebuilt Mod(x0, 0.0), which
    sympy evaluates to a ZeroDivisionError."""
    assert to_latex(to_sympy("mod(x0, 0.0)", ["x0"])) == r"x_{0} \bmod 0.0"


# --- bad and hostile text ------------------------------------------------------------------------


def test_unknown_variable_error_names_it():
    with pytest.raises(EquationSyntaxError, match=r"unknown name 'x2'; variables are: x0, x1 at column 6"):
        parse_equation("x0 + x2", NAMES)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "empty equation"),
        ("x0 +", "found the end"),
        ("(x0 + x1", r"'\(' is never closed at column 1"),
        ("x0)", r"unmatched '\)'"),
        ("x0 x1", "expected an operator"),
        ("2x0", "expected an operator"),
        ("cos(x0, x1)", "unknown binary operator 'cos'"),
        ("max(x0, x1, x0)", "too many arguments for 'max'"),
        ("cos()", "found '\\)'"),
        ("cos", "must be called"),
        ("x0(2)", "is a variable, not a function"),
        ("Inf * x0", "non-finite constant 'Inf'"),
        ("nan", "non-finite constant 'nan'"),
        ("1e999", "too large"),
    ],
)
def test_malformed_text_says_what_is_wrong(text, message):
    with pytest.raises(EquationSyntaxError, match=message):
        parse_equation(text, NAMES)


HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "__import__(\"os\").system(\"touch {marker}\")",
    "eval(\"__import__('os').system('touch {marker}')\")",
    "exec('open(\"{marker}\", \"w\")')",
    "open('{marker}', 'w')",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "x0.__class__.__bases__[0].__subclasses__()",
    "os.system('touch {marker}')",
    "x0; __import__('os').system('touch {marker}')",
    "[x0 for x0 in ()]",
    "x0 if x0 else x1",
    "system",
    "\"{marker}\"",
]


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_text_is_rejected_without_running_anything(template, tmp_path):
    marker = tmp_path / "pwned_pysr_lite"
    text = template.format(marker=marker)
    for read in (parse_equation, to_sympy, to_numpy):
        with pytest.raises(EquationSyntaxError):
            read(text, NAMES)
    assert not marker.exists()


def test_deeply_nested_parentheses_are_an_error_not_a_recursion_error():
    text = "(" * 5000 + "x0" + ")" * 5000
    with pytest.raises(EquationSyntaxError, match=f"nested deeper than {MAX_DEPTH}"):
        parse_equation(text, NAMES)


@pytest.mark.parametrize("text", ["-" * 5000 + "x0", "cos(" * 1500 + "x0" + ")" * 1500, "x0^" * 2000 + "x0"])
def test_deep_trees_are_an_error_not_a_recursion_error(text):
    with pytest.raises(EquationSyntaxError, match="nested deeper than"):
        parse_equation(text, NAMES)


def test_huge_text_is_rejected_before_parsing():
    with pytest.raises(EquationSyntaxError, match="characters long"):
        parse_equation("x0 + " * 50_000 + "x0", NAMES)


def test_trees_just_inside_the_depth_limit_still_work():
    depth = MAX_DEPTH - 1
    text = "neg(" * depth + "x0" + ")" * depth
    equation = parse_equation(text, NAMES)
    assert node_count(equation) == MAX_DEPTH
    np.testing.assert_array_equal(to_numpy(equation, NAMES)(np.ones((2, 2))), [-1.0, -1.0])


def test_variable_names_must_be_unique_identifiers():
    with pytest.raises(ValueError, match="repeated: x0"):
        parse_equation("x0", ["x0", "x0"])
    with pytest.raises(ValueError, match="not an identifier"):
        parse_equation("x0", ["x0", "sepal length"])


def test_comparisons_over_a_non_real_branch_still_export_to_sympy():
    """A cond whose first argument is a Piecewise with a zoo branch made sympy raise while folding."""
    tree = "cond(cond(x0, (1.0 / 0.0)), x1)"
    expression = to_sympy(tree, NAMES)
    assert expression.func.__name__ == "cond" or isinstance(expression, sympy.Piecewise)
    assert to_numpy(tree, NAMES)(np.array([[-1.0, 2.0], [1.0, 3.0]]))[0] == 0.0


@pytest.mark.parametrize("operator", ["sin", "exp", "abs", "neg", "sqrt"])
def test_every_export_survives_the_deepest_equation_the_parser_reads(operator):
    """The parser's depth limit is what sympy, its printers and numpy all survive (issue 15)."""
    text = f"{operator}(" * (MAX_DEPTH - 1) + "x0" + ")" * (MAX_DEPTH - 1)
    expression = to_sympy(text, NAMES)
    assert str(expression) and to_latex(expression) and sympy.srepr(expression)
    assert to_numpy(text, NAMES)(np.ones((2, 2))).shape == (2,)


def test_numpy_functions_show_their_equation():
    """A front's lambda_format column prints as equations, not as function objects (issue 13)."""
    function = to_numpy("((x0 * x0) + cos(x1))", NAMES)
    assert repr(function) == "NumpyEquation(X => ((x0 * x0) + cos(x1)))"
    assert "function" not in repr(function)
