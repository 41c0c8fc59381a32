"""The operators the frontend knows, as a value: ``OperatorTable`` (built-ins plus the user's own).

Each ``Operator`` says how it is written (arity, infix or call), how to build it in sympy and how
to compute it with numpy; a user operator also carries its Julia source and optional torch/jax
forms. The numpy side copies the engine's domain rules (docs/protocol.md): outside the real
domain the result is NaN, never a warning or an exception. The parser, the exports and the
results all take a table explicitly; ``BUILTIN_OPERATORS`` is the table of built-ins alone.

>>> BUILTIN_OPERATORS.get("^", 2).numpy(np.array([-8.0]), np.array([0.5]))
array([nan])
>>> BUILTIN_OPERATORS.canonical_name("pow", 2)
'^'
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import sympy


@dataclass(frozen=True)
class Operator:
    """One operator of the protocol's table.

    ``sympy`` builds the expression from sympy arguments; ``numpy`` computes it element-wise on
    arrays of equal shape, returning NaN where the engine would (without numpy warnings).
    """

    name: str
    arity: int
    infix: bool
    sympy: Callable[..., sympy.Expr]
    numpy: Callable[..., np.ndarray]
    description: str
    julia_source: str | None = None  # a user operator's definition, e.g. "inv2(x) = 1/x^2"
    torch: Any = None  # a user operator's torch form (extra_torch_mappings), if given
    jax: Any = None  # a user operator's jax form (extra_jax_mappings), if given

    @property
    def is_custom(self) -> bool:
        return self.julia_source is not None


def _as_float(values) -> np.ndarray:
    # Integer arrays would make 1/x or 2^-1 integer arithmetic (or an exception); the engine is float.
    values = np.asarray(values)
    return values if np.issubdtype(values.dtype, np.floating) else values.astype(np.float64)


def _quiet(function: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    """Run ``function`` on float arrays with numpy's warnings off: NaN/Inf are answers here."""

    @functools.wraps(function)
    def quiet_function(*arguments) -> np.ndarray:
        with np.errstate(all="ignore"):
            return function(*(_as_float(argument) for argument in arguments))

    return quiet_function


def _defined_where(
    domain: Callable[[np.ndarray], np.ndarray], function: Callable[[np.ndarray], np.ndarray]
) -> Callable[[np.ndarray], np.ndarray]:
    """``function(x)`` where ``domain(x)`` holds, NaN elsewhere (the engine's "safe_" functions).

    The engine also gives NaN at points like log(0) or atanh(1), where numpy would give -Inf/Inf:
    the mask is explicit so both sides agree exactly.
    """

    def restricted(x: np.ndarray) -> np.ndarray:
        return np.where(domain(x), function(x), np.nan)

    return restricted


def _power(base: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    # Engine rule: NaN for a negative base with a non-integer exponent, and for 0 to a negative
    # power. numpy would give Inf for the latter, and Inf for (-2)^Inf, so both are masked here.
    result = np.power(base, exponent)
    integer_exponent = np.isfinite(exponent) & (exponent == np.trunc(exponent))
    undefined = ((base < 0) & ~integer_exponent) | ((base == 0) & (exponent < 0))
    return np.where(undefined, np.nan, result)


def _relu(x: np.ndarray) -> np.ndarray:
    # Written as the engine's `x > 0 ? x : 0`, which also maps NaN to 0 (np.maximum would keep NaN).
    return np.where(x > 0, x, np.zeros_like(x))


# --- PySR's comparison, logic and special-function operators -------------------------------------
# The engine's definitions (julia/config/operators.jl, as SymbolicRegression.jl's): a comparison is 1
# where it holds and 0 elsewhere, and a comparison with NaN does not hold, so NaN inputs give 0.


def _indicator(condition: np.ndarray, *like: np.ndarray) -> np.ndarray:
    """1 where ``condition`` holds, else 0, in the float type of the arguments ``like``."""
    return condition.astype(np.result_type(*like))


def _greater(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _indicator(x > y, x, y)


def _less(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _indicator(x < y, x, y)


def _greater_equal(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _indicator(x >= y, x, y)


def _less_equal(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _indicator(x <= y, x, y)


def _cond(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    # y where x > 0, else 0 even where y is NaN or infinite (the engine's `x > 0 ? y : 0`).
    return np.where(x > 0, y, np.zeros_like(y))


def _logical_or(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _indicator((x > 0) | (y > 0), x, y)


def _logical_and(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _indicator((x > 0) & (y > 0), x, y)


def _elementwise(scalar_function: Callable[[float], float]) -> Callable[[np.ndarray], np.ndarray]:
    """``scalar_function`` (a ``math`` function) over an array, keeping its float type; numpy has
    no erf or gamma, and the frontend does not depend on scipy."""
    vectorised = np.vectorize(scalar_function, otypes=[np.float64])

    def apply(x: np.ndarray) -> np.ndarray:
        return vectorised(x).astype(x.dtype, copy=False)

    return apply


def _gamma_or_nan(x: float) -> float:
    # The engine's gamma is NaN at the poles (0, -1, ...) and wherever the result overflows.
    try:
        value = math.gamma(x)
    except (ValueError, OverflowError):
        return math.nan
    return value if math.isfinite(value) else math.nan


_erf = _elementwise(math.erf)
_erfc = _elementwise(math.erfc)
_gamma_float64 = _elementwise(_gamma_or_nan)


def _gamma(x: np.ndarray) -> np.ndarray:
    # Computed in float64, then NaN where the value overflows the argument's type (float32 past 35.04).
    values = _gamma_float64(x)
    return np.where(np.isfinite(values), values, np.nan).astype(x.dtype, copy=False)


def _holds(relation: Callable[[], sympy.Basic]) -> sympy.Basic:
    """The sympy relation built by ``relation()``, or false where sympy refuses to compare (a
    non-real constant such as sqrt(-2)): the engine's value there is NaN, and NaN compares false."""
    try:
        return relation()
    except TypeError:
        return sympy.false


def _piecewise(name: str, arguments: tuple, *pairs) -> sympy.Expr:
    """sympy.Piecewise(*pairs); where sympy cannot fold it (a nested Piecewise with a non-real
    branch such as zoo), the opaque call name(*arguments) instead of an exception."""
    try:
        return sympy.Piecewise(*pairs)
    except TypeError:
        return sympy.Function(name)(*arguments)


def _sympy_indicator(relation: Callable[[], sympy.Basic], name: str = "indicator", arguments: tuple = ()) -> sympy.Expr:
    """PySR's export of a comparison: Piecewise((1, relation), (0, True)), with exact 1 and 0 (PySR
    writes 1.0 and 0.0; whole numbers are exact integers everywhere in this frontend)."""
    return _piecewise(name, arguments, (sympy.S.One, _holds(relation)), (sympy.S.Zero, True))


def _round_half_even_eval(cls, x):
    # Numbers are rounded right away (to the even neighbour on a tie, as Python, Julia and numpy
    # do); anything else stays round(x).
    if x.is_Float and x.is_finite:
        return sympy.Integer(round(float(x)))  # Python's round of a float is exact, halves to even
    if x.is_Rational:
        below = sympy.floor(x)
        fraction = x - below
        if fraction > sympy.S.Half or (fraction == sympy.S.Half and below % 2 == 1):
            return below + 1
        return below
    return None


# Julia's round sends halves to the even neighbour, sympy has no such function, and
# ceiling(x - 1/2) (PySR's older export) differs at ties: PySR now exports an opaque function
# named round; this one also rounds numbers.
ROUND_HALF_EVEN = type(
    "round",
    (sympy.Function,),
    {
        "__doc__": "round(x): the nearest integer, halves to the even one (Julia's round).",
        "eval": classmethod(_round_half_even_eval),
        "nargs": 1,
    },
)


def _binary(name, infix, sympy_function, numpy_function, description) -> Operator:
    return Operator(name, 2, infix, sympy_function, _quiet(numpy_function), description)


def _unary(name, sympy_function, numpy_function, description) -> Operator:
    return Operator(name, 1, False, sympy_function, _quiet(numpy_function), description)


_BINARY_LIST: list[Operator] = [
        _binary("+", True, lambda a, b: a + b, np.add, "addition"),
        _binary("-", True, lambda a, b: a - b, np.subtract, "subtraction"),
        _binary("*", True, lambda a, b: a * b, np.multiply, "multiplication"),
        _binary("/", True, lambda a, b: a / b, np.divide, "division (by zero gives Inf)"),
        _binary("^", True, sympy.Pow, _power, "power, NaN for (-x)^non-integer and 0^negative"),
        _binary("max", False, sympy.Max, np.maximum, "larger of two values"),
        _binary("min", False, sympy.Min, np.minimum, "smaller of two values"),
        _binary("mod", False, sympy.Mod, np.mod, "floored modulo a - b*floor(a/b), NaN for b = 0"),
        _binary("atan2", False, sympy.atan2, np.arctan2, "angle of the point (b, a), in [-pi, pi]"),
        _binary("greater", False, lambda a, b: _sympy_indicator(lambda: a > b, "greater", (a, b)), _greater, "1 if a > b else 0"),
        _binary("less", False, lambda a, b: _sympy_indicator(lambda: a < b, "less", (a, b)), _less, "1 if a < b else 0"),
        _binary("greater_equal", False, lambda a, b: _sympy_indicator(lambda: a >= b, "greater_equal", (a, b)), _greater_equal,
                "1 if a >= b else 0"),
        _binary("less_equal", False, lambda a, b: _sympy_indicator(lambda: a <= b, "less_equal", (a, b)), _less_equal,
                "1 if a <= b else 0"),
        _binary("cond", False,
                lambda a, b: _piecewise("cond", (a, b), (b, _holds(lambda: a > 0)), (sympy.S.Zero, True)),
                _cond, "b if a > 0 else 0"),
        _binary("logical_or", False,
                lambda a, b: _sympy_indicator(lambda: _holds(lambda: a > 0) | _holds(lambda: b > 0), "logical_or", (a, b)),
                _logical_or, "1 if a > 0 or b > 0 else 0"),
        _binary("logical_and", False,
                lambda a, b: _sympy_indicator(lambda: _holds(lambda: a > 0) & _holds(lambda: b > 0), "logical_and", (a, b)),
                _logical_and, "1 if a > 0 and b > 0 else 0"),
]

# Domain-restricted numpy versions, mirroring the engine's safe_* functions.
_sqrt = _defined_where(lambda x: x >= 0, np.sqrt)
_log = _defined_where(lambda x: x > 0, np.log)
_log2 = _defined_where(lambda x: x > 0, np.log2)
_log10 = _defined_where(lambda x: x > 0, np.log10)
_log1p = _defined_where(lambda x: x > -1, np.log1p)
_asin = _defined_where(lambda x: np.abs(x) <= 1, np.arcsin)
_acos = _defined_where(lambda x: np.abs(x) <= 1, np.arccos)
_acosh = _defined_where(lambda x: x >= 1, np.arccosh)
_atanh = _defined_where(lambda x: np.abs(x) < 1, np.arctanh)

# relu is sympy.Max(x, 0) rather than a Piecewise: it is the same object the `max` operator builds,
# so relu(x) and max(x, 0) simplify alike, it needs no real-valued assumption on the symbols, and it
# prints compactly (\max\left(0, x\right)) in LaTeX.
_UNARY_LIST: list[Operator] = [
        _unary("neg", lambda x: -x, np.negative, "negation, -x"),
        _unary("square", lambda x: x**2, np.square, "x^2"),
        _unary("cube", lambda x: x**3, lambda x: np.power(x, 3), "x^3"),
        _unary("inv", lambda x: 1 / x, lambda x: np.divide(1.0, x), "1/x (Inf at 0)"),
        _unary("abs", sympy.Abs, np.abs, "absolute value |x|"),
        _unary("sign", sympy.sign, np.sign, "sign of x: -1, 0 or 1"),
        _unary("relu", lambda x: sympy.Max(x, 0), _relu, "max(x, 0)"),
        _unary("sqrt", sympy.sqrt, _sqrt, "square root, NaN for x < 0"),
        _unary("exp", sympy.exp, np.exp, "e^x"),
        _unary("log", sympy.log, _log, "natural logarithm, NaN for x <= 0"),
        _unary("log2", lambda x: sympy.log(x, 2), _log2, "base-2 logarithm, NaN for x <= 0"),
        _unary("log10", lambda x: sympy.log(x, 10), _log10, "base-10 logarithm, NaN for x <= 0"),
        _unary("log1p", lambda x: sympy.log(1 + x), _log1p, "log(1 + x), NaN for x <= -1"),
        _unary("sin", sympy.sin, np.sin, "sine"),
        _unary("cos", sympy.cos, np.cos, "cosine"),
        _unary("tan", sympy.tan, np.tan, "tangent"),
        _unary("sinh", sympy.sinh, np.sinh, "hyperbolic sine"),
        _unary("cosh", sympy.cosh, np.cosh, "hyperbolic cosine"),
        _unary("tanh", sympy.tanh, np.tanh, "hyperbolic tangent"),
        _unary("asin", sympy.asin, _asin, "inverse sine, NaN for |x| > 1"),
        _unary("acos", sympy.acos, _acos, "inverse cosine, NaN for |x| > 1"),
        _unary("atan", sympy.atan, np.arctan, "inverse tangent"),
        _unary("asinh", sympy.asinh, np.arcsinh, "inverse hyperbolic sine"),
        _unary("acosh", sympy.acosh, _acosh, "inverse hyperbolic cosine, NaN for x < 1"),
        _unary("atanh", sympy.atanh, _atanh, "inverse hyperbolic tangent, NaN for |x| >= 1"),
        _unary("erf", sympy.erf, _erf, "error function"),
        _unary("erfc", sympy.erfc, _erfc, "complementary error function 1 - erf(x)"),
        _unary("gamma", sympy.gamma, _gamma, "gamma function, NaN at 0, -1, -2, ... and on overflow"),
        _unary("round", ROUND_HALF_EVEN, np.round, "nearest integer, halves to even"),
        _unary("floor", sympy.floor, np.floor, "largest integer <= x"),
        _unary("ceil", sympy.ceiling, np.ceil, "smallest integer >= x"),
]

# PySR's names for the infix operators; every other PySR name is already canonical.
ALIASES: dict[str, str] = {"plus": "+", "sub": "-", "mult": "*", "div": "/", "pow": "^",
                           # PySR's comparison symbols, which SymbolicRegression.jl reads as these:
                           ">": "greater", "<": "less", ">=": "greater_equal", "<=": "less_equal"}

_ARITY_NAMES = {1: "unary", 2: "binary"}


class OperatorTable:
    """The operators that equations of a search may contain: the built-ins and the user's own.

    A value: built once per search (``with_custom``) and passed to the parser, the exports and
    the results, so that two searches with different user operators never share state.

    >>> table = BUILTIN_OPERATORS
    >>> table.get("cos", 1).name, table.canonical_name(" mult ", 2)
    ('cos', '*')
    """

    def __init__(self, operators: Iterable[Operator]):
        self._by_arity: dict[int, dict[str, Operator]] = {1: {}, 2: {}}
        for operator in operators:
            if operator.name in self._by_arity[operator.arity]:
                raise ValueError(f"operator {operator.name!r} is defined twice")
            self._by_arity[operator.arity][operator.name] = operator

    def __iter__(self):
        return iter([*self._by_arity[2].values(), *self._by_arity[1].values()])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OperatorTable) and list(self) == list(other)

    def __hash__(self) -> int:  # a value: equal tables hash alike (they are never mutated)
        return hash(tuple((operator.name, operator.arity, operator.julia_source) for operator in self))

    def __repr__(self) -> str:
        custom = [operator.name for operator in self if operator.is_custom]
        return f"OperatorTable(built-ins{' + ' + ', '.join(custom) if custom else ''})"

    def of_arity(self, arity: int) -> Mapping[str, Operator]:
        """Name -> operator for one arity (1 or 2)."""
        return self._by_arity[arity]

    @property
    def custom(self) -> list[Operator]:
        """The user's operators, binary first."""
        return [operator for operator in self if operator.is_custom]

    def names(self) -> set[str]:
        """Every name an equation can call: operators of both arities and PySR's aliases."""
        return set(self._by_arity[1]) | set(self._by_arity[2]) | set(ALIASES)

    def with_custom(self, operators: Iterable[Operator]) -> "OperatorTable":
        """This table plus user operators (whose names must not be built-in)."""
        operators = list(operators)
        for operator in operators:
            if operator.name in self.names():
                raise ValueError(
                    f"custom operator {operator.name!r} has the name of a built-in operator; rename it"
                )
        return OperatorTable([*self, *operators])

    def canonical_name(self, name: str, arity: int) -> str:
        """The protocol's name for operator ``name`` taking ``arity`` arguments.

        Surrounding spaces are ignored and PySR aliases are resolved. Raises ValueError naming the
        operator and listing the known ones of that arity.

        >>> BUILTIN_OPERATORS.canonical_name("coss", 1)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: unknown unary operator 'coss'; known: abs, acos, ...
        """
        if arity not in self._by_arity:
            raise ValueError(f"operators take 1 or 2 arguments, not {arity} (operator {name!r})")
        stripped = name.strip() if isinstance(name, str) else name
        canonical = ALIASES.get(stripped, stripped)
        if canonical in self._by_arity[arity]:
            return canonical
        known = ", ".join(sorted(self._by_arity[arity]))
        message = f"unknown {_ARITY_NAMES[arity]} operator {name!r}; known: {known}"
        other_arity = 3 - arity
        if canonical in self._by_arity[other_arity]:
            message += f" ({canonical!r} is a {_ARITY_NAMES[other_arity]} operator)"
        raise ValueError(message)

    def get(self, name: str, arity: int) -> Operator:
        """The operator ``name`` of ``arity`` arguments (aliases resolved); ValueError if unknown."""
        return self._by_arity[arity][self.canonical_name(name, arity)]

    def __reduce__(self):
        # Pickled as a description, never as functions: the built-ins are this module's, and the
        # user's operators keep their name, arity and Julia source but lose their Python forms
        # (extra_*_mappings hold lambdas, which cannot be pickled). PySR drops them the same way;
        # the unpickled operator says how to give them back.
        custom = [(operator.name, operator.arity, operator.julia_source) for operator in self.custom]
        extras = [operator.name for operator in self if not operator.is_custom and operator.name in PYSR_FILE_OPERATORS_BY_NAME]
        dropped = [operator.name for operator in self.custom if operator.description not in _WITHOUT_PYTHON_FORMS]
        if dropped:
            warnings.warn(
                f"the sympy forms of custom operators {', '.join(map(repr, dropped))} (extra_sympy_mappings) cannot be "
                "pickled and are left out, as in PySR; after loading, give them again with "
                "model.set_params(extra_sympy_mappings=...).refresh() or SymbolicRegressor.from_file(run_directory, "
                "extra_sympy_mappings=...)",
                UserWarning,
                stacklevel=2,
            )
        return (_table_without_mappings, (custom, extras))


def _table_without_mappings(custom: list[tuple[str, int, str]], extras: list[str] = ()) -> "OperatorTable":
    if not custom and not extras:
        return BUILTIN_OPERATORS
    return OperatorTable([*BUILTIN_OPERATORS, *(PYSR_FILE_OPERATORS_BY_NAME[name] for name in extras),
                          *(detached_operator(*spec) for spec in custom)])


BUILTIN_OPERATORS = OperatorTable([*_BINARY_LIST, *_UNARY_LIST])


def canonical_operator_name(name: str, arity: int) -> str:
    """The protocol's name of a built-in operator (see ``OperatorTable.canonical_name``).

    >>> canonical_operator_name(" mult ", 2)
    '*'
    """
    return BUILTIN_OPERATORS.canonical_name(name, arity)


# --- user operators ------------------------------------------------------------------------------

# PySR's form of a user operator: Julia source defining a function, e.g. "inv2(x) = 1/x^2",
# "myop(x, y) = x^2 / (1 + y)" or "function f(x) ... end". The name and the parameter list are
# all Python reads of it; the engine evaluates the source.
_JULIA_DEFINITION = re.compile(r"\s*(?:function\s+)?([^\W\d]\w*)\s*\(([^()]*)\)\s*(?:where\b[^=]*)?(=(?!=)|\n|;|$)")


def julia_definition(source: str) -> tuple[str, int] | None:
    """``(name, arity)`` of a Julia function definition, or None when ``source`` is none.

    >>> julia_definition("myop(x, y) = x^2 / (1 + y)")
    ('myop', 2)
    >>> julia_definition("cos") is None
    True
    """
    match = _JULIA_DEFINITION.match(source)
    if match is None or (match.group(3) != "=" and not source.lstrip().startswith("function")):
        return None
    parameters = [part for part in match.group(2).split(",") if part.strip()]
    return match.group(1), len(parameters)


def custom_operator(
    source: str,
    arity: int,
    *,
    sympy_mappings: Mapping[str, Any],
    torch_mappings: Mapping[str, Any] | None = None,
    jax_mappings: Mapping[str, Any] | None = None,
) -> Operator:
    """The ``Operator`` for a user definition such as ``"inv2(x) = 1/x^2"``.

    Its sympy form is ``sympy_mappings[name]`` (required, as in PySR); its numpy form is derived
    from that sympy form. Raises ValueError naming the operator for a definition of the wrong
    arity or a missing or unusable mapping.

    >>> op = custom_operator("inv2(x) = 1/x^2", 1, sympy_mappings={"inv2": lambda x: 1 / x**2})
    >>> op.name, op.numpy(np.array([2.0]))
    ('inv2', array([0.25]))
    """
    kind = _ARITY_NAMES[arity]
    definition = julia_definition(source)
    if definition is None:
        raise ValueError(
            f"{kind} operator {source!r} is neither a built-in operator nor a Julia definition such as "
            f"{'inv2(x) = 1/x^2' if arity == 1 else 'myop(x, y) = x^2 / (1 + y)'!r}"
        )
    name, parameters = definition
    if parameters != arity:
        raise ValueError(
            f"{kind} operator {name!r} is defined with {parameters} argument(s), but {kind} operators take {arity}: {source!r}"
        )
    mapping = sympy_mappings.get(name)
    if mapping is None:
        raise ValueError(
            f"custom operator {name!r} has no sympy form: pass extra_sympy_mappings={{{name!r}: lambda "
            f"{'x' if arity == 1 else 'x, y'}: ...}} so that its equations can be read back"
        )
    symbols = sympy.symbols("x y")[:arity]
    try:
        expression = mapping(*symbols)
        numpy_function = sympy.lambdify(symbols, expression, modules="numpy")
    except Exception as error:  # the user's mapping: any failure is reported as theirs
        raise ValueError(f"extra_sympy_mappings[{name!r}] does not work on sympy symbols: {error}") from None
    return Operator(
        name,
        arity,
        False,
        mapping,
        _quiet(numpy_function),
        f"user operator: {source.strip()}",
        julia_source=source.strip(),
        torch=(torch_mappings or {}).get(name),
        jax=(jax_mappings or {}).get(name),
    )


def detached_operator(name: str, arity: int, julia_source: str) -> Operator:
    """A user operator after unpickling: its sympy mapping could not travel, so sympy shows it as
    an undefined function and numpy raises an error saying how to restore it."""

    def no_numpy(*arguments):
        raise ValueError(
            f"custom operator {name!r} lost its sympy form when this result was pickled (extra_sympy_mappings "
            f"holds lambdas, which cannot be pickled, as in PySR). Restore it with "
            f"model.set_params(extra_sympy_mappings={{{name!r}: ...}}).refresh(), or load the run folder again: "
            f"SymbolicRegressor.from_file(run_directory, extra_sympy_mappings={{{name!r}: ...}}) or "
            f"pysr_lite.load_result(run_directory, extra_sympy_mappings={{{name!r}: ...}})"
        )

    return Operator(name, arity, False, sympy.Function(name), no_numpy, _DETACHED, julia_source=julia_source)


def unknown_operator(name: str, arity: int) -> Operator:
    """A stand-in for a user operator whose Python forms are not known (reading someone's run
    folder): sympy shows it as an undefined function, numpy raises an error naming it."""

    def no_numpy(*arguments):
        raise ValueError(
            f"operator {name!r} is a custom operator of the run with no numpy form here; pass its "
            f"sympy form (extra_sympy_mappings={{{name!r}: ...}}) when loading the result"
        )

    return Operator(name, arity, False, sympy.Function(name), no_numpy, _UNKNOWN, julia_source="")


# The descriptions of user operators that have no Python forms (nothing to lose when pickled).
_DETACHED = "user operator (sympy form not pickled)"
_UNKNOWN = "user operator (unknown here)"
_WITHOUT_PYTHON_FORMS = {_DETACHED, _UNKNOWN}


def with_sympy_mappings(
    table: OperatorTable,
    sympy_mappings: Mapping[str, Any],
    torch_mappings: Mapping[str, Any] | None = None,
    jax_mappings: Mapping[str, Any] | None = None,
) -> OperatorTable:
    """``table`` with every custom operator named in ``sympy_mappings`` rebuilt from its mapping
    (after unpickling, or for a run folder read without them)."""
    operators = []
    for operator in table:
        if operator.is_custom and operator.name in sympy_mappings:
            source = operator.julia_source or ""
            if julia_definition(source) is None:  # read from a run folder: the name is all we have
                source = f"{operator.name}({'x' if operator.arity == 1 else 'x, y'}) = (see user.jl)"
            operator = custom_operator(source, operator.arity, sympy_mappings=sympy_mappings,
                                       torch_mappings=torch_mappings, jax_mappings=jax_mappings)
        operators.append(operator)
    return OperatorTable(operators)


# --- the names of PySR's hall-of-fame files ------------------------------------------------------
# SymbolicRegression.jl has written some safe operators under their own names (pow_abs,
# log_abs, ...); PySR's sympy_mappings read them as below. They are not operators of our engine:
# they only let SymbolicRegressor.from_file read PySR's files.

PYSR_FILE_OPERATORS: list[Operator] = [
    _binary("pow_abs", False, lambda x, y: sympy.Abs(x) ** y, lambda x, y: np.power(np.abs(x), y), "PySR file: |x|^y"),
    _unary("sqrt_abs", lambda x: sympy.sqrt(sympy.Abs(x)), lambda x: np.sqrt(np.abs(x)), "PySR file: sqrt(|x|)"),
    _unary("log_abs", lambda x: sympy.log(sympy.Abs(x)), lambda x: np.log(np.abs(x)), "PySR file: log(|x|)"),
    _unary("log2_abs", lambda x: sympy.log(sympy.Abs(x), 2), lambda x: np.log2(np.abs(x)), "PySR file: log2(|x|)"),
    _unary("log10_abs", lambda x: sympy.log(sympy.Abs(x), 10), lambda x: np.log10(np.abs(x)), "PySR file: log10(|x|)"),
    _unary("log1p_abs", lambda x: sympy.log(sympy.Abs(x) + 1), lambda x: np.log1p(np.abs(x)), "PySR file: log(|x| + 1)"),
    _unary("acosh_abs", lambda x: sympy.acosh(sympy.Abs(x) + 1), lambda x: np.arccosh(np.abs(x) + 1), "PySR file: acosh(|x| + 1)"),
    _unary("atanh_clip", lambda x: sympy.atanh(sympy.Mod(x + 1, 2) - 1), lambda x: np.arctanh(np.mod(x + 1, 2) - 1),
           "PySR file: atanh((x + 1) mod 2 - 1)"),
]
PYSR_FILE_OPERATORS_BY_NAME = {operator.name: operator for operator in PYSR_FILE_OPERATORS}
