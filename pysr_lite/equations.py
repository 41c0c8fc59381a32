"""Our own reader for equation text: text -> small tree -> sympy expression or numpy function.

The engine writes fully parenthesised equations (docs/protocol.md, "Equation text"); people type
ordinary infix. Both go through one parser that only knows numbers, the given variable names and the
operators of ``pysr_lite.operators``; anything else is an ``EquationSyntaxError``. Nothing here ever
hands the text to Python (no eval, no sympify), so a hostile equation can only fail to parse.

Precedence, loosest first: comparisons ``> < >= <=`` (PySR's greater, less, greater_equal,
less_equal; they do not chain) < ``+ -`` < ``* /`` < unary minus < ``^`` (``**`` is a synonym; it
groups to the right). ``-x0^2`` is ``-(x0^2)``, but a minus written directly against a number is
part of that number, because the engine prints a negative constant that way even as a base:
``(-2.5 ^ x0)`` is ``(-2.5)^x0``. So ``-2^2`` is 4 while ``- 2^2`` and ``-(2)^2`` are -4.

>>> equation = parse_equation("((x0 * x0) + cos(x1))", ["x0", "x1"])
>>> node_count(equation)
6
>>> to_sympy(equation, ["x0", "x1"])
x0**2 + cos(x1)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence, Union

import numpy as np
import sympy

from pysr_lite.operators import BUILTIN_OPERATORS, OperatorTable

# Generous for any real equation (the engine's maxsize is a few dozen nodes), small enough that
# hostile input fails fast and every walk over the tree stays cheap. The depth is what every
# export survives with room to spare (sympy's printers recurse and fail near 200 levels of
# nested functions); the engine never writes deeper equations (options.py caps maxdepth).
MAX_TEXT_LENGTH = 100_000
MAX_DEPTH = 100


class EquationSyntaxError(ValueError):
    """Equation text that cannot be read: says what is wrong, at which column, and quotes the text."""

    def __init__(self, problem: str, text: str, column: int | None = None):
        self.problem = problem
        self.text = text
        self.column = column
        where = f" at column {column}" if column is not None else ""
        quoted = f" in equation {_excerpt(text, column)!r}" if text.strip() else ""
        super().__init__(f"{problem}{where}{quoted}")


def _excerpt(text: str, column: int | None, width: int = 60) -> str:
    """At most ``width`` characters of ``text`` around ``column``, with '...' where it was cut."""
    if len(text) <= width:
        return text
    center = (column or 1) - 1
    start = max(0, min(center - width // 2, len(text) - width))
    end = start + width
    return ("..." if start > 0 else "") + text[start:end] + ("..." if end < len(text) else "")


# --- the tree -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    """A constant, e.g. ``Number(2.5)``."""

    value: float


@dataclass(frozen=True)
class Variable:
    """Feature ``index`` (a column of X), written as ``name``."""

    index: int
    name: str


@dataclass(frozen=True)
class Call:
    """An operator (canonical name, see ``pysr_lite.operators``) applied to 1 or 2 arguments."""

    operator: str
    arguments: tuple


Node = Union[Number, Variable, Call]


def postorder(root: Node) -> Iterator[Node]:
    """Every node, children before parents, left to right; iterative so depth costs no recursion."""
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, Call) and not children_done:
            stack.append((node, True))
            stack.extend((argument, False) for argument in reversed(node.arguments))
        else:
            yield node


def _operator(call: Call, operators: OperatorTable):
    arity = len(call.arguments)
    if arity not in (1, 2) or call.operator not in operators.of_arity(arity):
        raise ValueError(f"no operator {call.operator!r} taking {arity} argument(s)")
    return operators.of_arity(arity)[call.operator]


def node_count(equation: Node) -> int:
    """The number of nodes: the engine's complexity under the default weights (every operator,
    variable and constant 1). The complexity_of_* options change the engine's count; a result's
    ``complexity`` column is always the engine's own.

    >>> node_count(parse_equation("x0 * 2.5 + cos(x1)", ["x0", "x1"]))
    6
    """
    return sum(1 for _ in postorder(equation))


# --- text -> tree -------------------------------------------------------------------------------

# Numbers are ASCII digits only (Python's float() would also take other scripts' digits).
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[^\W\d]\w*)
  | (?P<operator>\*\*|>=|<=|[-+*/^<>])
  | (?P<open>\()
  | (?P<close>\))
  | (?P<comma>,)
    """,
    re.VERBOSE,
)
_IDENTIFIER = re.compile(r"[^\W\d]\w*")

_BINARY_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 4}
# PySR's infix comparisons (its pretty printing writes greater(a, b) as (a > b)) bind loosest of all,
# as in Julia and Python: x0 + 1 < x1 is (x0 + 1) < x1. They read as greater, less, ... and, unlike
# Julia and Python, do not chain: a < b < c is an error, not (a < b) < c.
_COMPARISONS = {">", "<", ">=", "<="}
_BINARY_PRECEDENCE.update({symbol: 0 for symbol in _COMPARISONS})
_NEGATE_PRECEDENCE = 3
_NON_FINITE_NAMES = {"inf", "infinity", "nan"}


@dataclass(frozen=True)
class _Token:
    kind: str  # number, name, operator, open, close, comma or end
    text: str
    column: int  # 1-based


class _Tokens:
    """The tokens of ``text``, read lazily so errors are reported in reading order."""

    def __init__(self, text: str):
        self.text = text
        self.position = 0
        self.lookahead: _Token | None = None

    def peek(self) -> _Token:
        if self.lookahead is None:
            self.lookahead = self._read()
        return self.lookahead

    def next(self) -> _Token:
        token = self.peek()
        self.lookahead = None
        return token

    def _read(self) -> _Token:
        while self.position < len(self.text):
            match = _TOKEN.match(self.text, self.position)
            if match is None:
                character = self.text[self.position]
                raise EquationSyntaxError(
                    f"unexpected character {character!r}", self.text, self.position + 1
                )
            self.position = match.end()
            if match.lastgroup != "space":
                return _Token(match.lastgroup, match.group(), match.start() + 1)
        return _Token("end", "", len(self.text) + 1)


@dataclass
class _Pending:
    """An operator or parenthesis whose operands are not all read yet (shunting-yard stack)."""

    kind: str  # "binary", "negate", "group" or "call"
    symbol: str  # canonical binary operator, or the function name as written
    column: int
    argument_count: int = 1


class _Parser:
    """Shunting-yard parser: explicit stacks instead of recursion, so nesting depth is only a
    number we check, never a RecursionError."""

    def __init__(self, text: str, variable_names: Sequence[str], operators: OperatorTable):
        self.text = text
        self.operators = operators
        self.function_names = operators.names()
        self.tokens = _Tokens(text)
        self.variables = {name: index for index, name in enumerate(variable_names)}
        self.operands: list[tuple[Node, int]] = []  # (node, depth of its tree)
        self.pending: list[_Pending] = []
        self.open_parentheses = 0

    def error(self, problem: str, column: int | None) -> EquationSyntaxError:
        return EquationSyntaxError(problem, self.text, column)

    def parse(self) -> Node:
        if not self.text.strip():
            raise self.error("empty equation", None)
        expecting_operand = True
        while True:
            token = self.tokens.next()
            if expecting_operand:
                expecting_operand = self.read_operand(token)
            elif token.kind == "end":
                break
            else:
                expecting_operand = self.read_after_operand(token)
        while self.pending:
            pending = self.pending[-1]
            if pending.kind in ("group", "call"):
                raise self.error("'(' is never closed", pending.column)
            self.apply(self.pending.pop())
        node, _depth = self.operands.pop()
        return node

    def read_operand(self, token: _Token) -> bool:
        """Read where a value must start; return whether a value is still expected."""
        if token.kind == "number":
            self.push(self.number(token.text, token.column), 1)
            return False
        if token.kind == "operator" and token.text == "-":
            following = self.tokens.peek()
            if following.kind == "number" and following.column == token.column + 1:
                self.tokens.next()
                self.push(self.number("-" + following.text, token.column), 1)
                return False
            self.pending.append(_Pending("negate", "neg", token.column))
            return True
        if token.kind == "name" and self.tokens.peek().kind == "open":
            self.open_call(token)
            return True
        if token.kind == "name":
            self.push(self.variable(token), 1)
            return False
        if token.kind == "open":
            self.open_parenthesis(_Pending("group", "(", token.column))
            return True
        found = "the end" if token.kind == "end" else repr(token.text)
        raise self.error(f"expected a number, variable, function call or '(' but found {found}", token.column)

    def read_after_operand(self, token: _Token) -> bool:
        """Read after a complete value; return whether a value is expected next."""
        if token.kind == "operator":
            symbol = "^" if token.text == "**" else token.text
            precedence = _BINARY_PRECEDENCE[symbol]
            right_associative = symbol == "^"
            while self.pending and self.pending[-1].kind in ("binary", "negate"):
                top = self.pending[-1]
                top_precedence = (
                    _NEGATE_PRECEDENCE if top.kind == "negate" else _BINARY_PRECEDENCE[top.symbol]
                )
                if top_precedence < precedence or (top_precedence == precedence and right_associative):
                    break
                if symbol in _COMPARISONS and top.symbol in _COMPARISONS:
                    raise self.error(
                        f"chained comparison {top.symbol!r} ... {symbol!r}; add parentheses", token.column
                    )
                self.apply(self.pending.pop())
            self.pending.append(_Pending("binary", symbol, token.column))
            return True
        if token.kind in ("comma", "close"):
            while self.pending and self.pending[-1].kind in ("binary", "negate"):
                self.apply(self.pending.pop())
            if not self.pending:
                raise self.error(f"unmatched {token.text!r}", token.column)
            opener = self.pending[-1]
            if token.kind == "comma":
                if opener.kind != "call":
                    raise self.error("',' outside a function call", token.column)
                opener.argument_count += 1
                if opener.argument_count > 2:
                    raise self.error(f"too many arguments for {opener.symbol!r} (at most 2)", token.column)
                return True
            self.pending.pop()
            self.open_parentheses -= 1
            if opener.kind == "call":
                self.apply(opener)
            return False
        raise self.error(f"expected an operator, ',' or ')' before {token.text!r}", token.column)

    def open_call(self, name: _Token) -> None:
        if name.text not in self.function_names:
            if name.text in self.variables:
                raise self.error(f"{name.text!r} is a variable, not a function", name.column)
            known = ", ".join(sorted(filter(_IDENTIFIER.fullmatch, self.function_names)))
            raise self.error(f"unknown function {name.text!r}; known: {known}", name.column)
        self.tokens.next()  # the "(" seen by peek
        self.open_parenthesis(_Pending("call", name.text, name.column))

    def open_parenthesis(self, pending: _Pending) -> None:
        self.open_parentheses += 1
        if self.open_parentheses > MAX_DEPTH:
            raise self.error(f"parentheses nested deeper than {MAX_DEPTH} levels", pending.column)
        self.pending.append(pending)

    def number(self, text: str, column: int) -> Number:
        value = float(text)
        if not math.isfinite(value):
            raise self.error(f"number {text!r} is too large", column)
        return Number(value)

    def variable(self, name: _Token) -> Variable:
        if name.text in self.variables:
            return Variable(self.variables[name.text], name.text)
        if name.text.lower() in _NON_FINITE_NAMES:
            raise self.error(f"non-finite constant {name.text!r} is not allowed", name.column)
        if name.text in self.function_names:
            raise self.error(f"operator {name.text!r} must be called, like {name.text}(x0)", name.column)
        raise self.error(
            f"unknown name {name.text!r}; variables are: {_short_list(self.variables)}", name.column
        )

    def apply(self, pending: _Pending) -> None:
        """Pop the operands of ``pending`` and push the node it builds."""
        if pending.kind == "negate":
            (operand, depth) = self.operands.pop()
            if isinstance(operand, Number):
                self.push(Number(-operand.value), depth)
            else:
                self.push(Call("neg", (operand,)), depth + 1)
            return
        arity = 2 if pending.kind == "binary" else pending.argument_count
        popped = self.operands[-arity:]
        del self.operands[-arity:]
        try:
            name = self.operators.canonical_name(pending.symbol, arity)
        except ValueError as error:
            raise self.error(str(error), pending.column) from None
        arguments = tuple(node for node, _depth in popped)
        self.push(Call(name, arguments), 1 + max(depth for _node, depth in popped))

    def push(self, node: Node, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise self.error(f"equation nested deeper than {MAX_DEPTH} levels", None)
        self.operands.append((node, depth))


def _short_list(names, limit: int = 10) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "") if names else "(none)"


def _check_variable_names(variable_names: Sequence[str]) -> list[str]:
    names = [variable_names] if isinstance(variable_names, str) else list(variable_names)
    for name in names:
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"variable name {name!r} is not an identifier (letters, digits, _)")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"variable names must be unique; repeated: {', '.join(duplicates)}")
    return names


def parse_equation(
    text: str, variable_names: Sequence[str], operators: OperatorTable = BUILTIN_OPERATORS
) -> Node:
    """Read equation ``text`` (engine output or human infix) into a tree.

    Raises EquationSyntaxError for anything that is not numbers, ``variable_names``, the
    operators of ``operators`` (a search's table: built-ins and its user operators),
    parentheses and commas.

    >>> parse_equation("max(x0, -2.5)", ["x0"])
    Call(operator='max', arguments=(Variable(index=0, name='x0'), Number(value=-2.5)))
    """
    if not isinstance(text, str):
        raise TypeError(f"equation text must be a str, not {type(text).__name__}")
    names = _check_variable_names(variable_names)
    if len(text) > MAX_TEXT_LENGTH:
        raise EquationSyntaxError(
            f"equation is {len(text)} characters long (at most {MAX_TEXT_LENGTH})", text, None
        )
    return _Parser(text, names, operators).parse()


def _as_tree(equation: Node | str, variable_names: Sequence[str], operators: OperatorTable) -> Node:
    if isinstance(equation, str):
        return parse_equation(equation, variable_names, operators)
    if not isinstance(equation, (Number, Variable, Call)):
        raise TypeError(f"expected equation text or a parsed equation, not {type(equation).__name__}")
    return equation


# --- tree -> sympy ------------------------------------------------------------------------------


def _sympy_number(value: float) -> sympy.Expr:
    # Every constant stays a Float, as in PySR ("1.0" is not Integer(1)): the equation's text said
    # float, and an exact integer would let sympy evaluate 2.0^1.0e10 into a ten-billion-bit
    # integer (a result file could hang the reader). Float arithmetic is bounded.
    return sympy.Float(value)


def to_sympy(
    equation: Node | str,
    variable_names: Sequence[str],
    symbols: Sequence[sympy.Symbol] | None = None,
    operators: OperatorTable = BUILTIN_OPERATORS,
) -> sympy.Expr:
    """The sympy expression of ``equation`` (text or tree).

    Variables become ``symbols`` (default: a plain ``sympy.Symbol`` per name, no assumptions).

    >>> to_sympy("(x0 ^ 2.0) - log2(x1)", ["x0", "x1"])
    x0**2.0 - log(x1)/log(2)
    """
    names = _check_variable_names(variable_names)
    tree = _as_tree(equation, names, operators)
    if symbols is None:
        symbols = [sympy.Symbol(name) for name in names]
    elif len(symbols) != len(names):
        raise ValueError(f"got {len(symbols)} symbols for {len(names)} variable names")
    values: list[sympy.Expr] = []
    for node in postorder(tree):
        if isinstance(node, Number):
            values.append(_sympy_number(node.value))
        elif isinstance(node, Variable):
            values.append(symbols[node.index])
        else:
            arity = len(node.arguments)
            arguments = values[-arity:]
            del values[-arity:]
            operator = _operator(node, operators)
            folded = _fold_constants(operator, arguments)
            values.append(folded if folded is not None else _apply_sympy(operator, arguments))
    return values.pop()


# Built-in operators whose value is a whole number: folded to an exact Integer, as their sympy
# forms give on numbers (round(3.5) is 4, greater(2.0, 1.0) is 1).
_INTEGER_VALUED = {"round", "floor", "ceil", "sign", "greater", "less", "greater_equal", "less_equal",
                   "logical_or", "logical_and"}


def _fold_constants(operator, arguments: list) -> sympy.Expr | None:
    """A built-in operator of numbers only, computed as the engine computes it (the operator's
    numpy form: NaN outside its domain); None when an argument is not a real number.

    sympy would evaluate such a subtree symbolically, and its effort has no bound: comparing
    log(2*x0) with atan2(1.0, acos(acos(0.0))) (a complex constant) ran for two minutes in evalf,
    and a Piecewise over acosh(-1.0) raised KeyError. Numbers in, a number out, in microseconds.
    """
    if operator.is_custom or not all(isinstance(argument, sympy.Number) for argument in arguments):
        return None
    columns = [np.array([float(argument)]) for argument in arguments]
    value = float(operator.numpy(*columns)[0])
    if operator.name in _INTEGER_VALUED and math.isfinite(value):
        return sympy.Integer(int(value))
    return sympy.Float(value)


def _apply_sympy(operator, arguments: list) -> sympy.Expr:
    """The operator's sympy form on ``arguments``; where sympy's evaluation fails (1.0/0.0 raises
    in mpmath), the same expression left unevaluated; where even that fails, the operator as an
    opaque sympy function. Result files are untrusted and sympy's failures are open-ended
    (ZeroDivisionError, KeyError, RecursionError, PolynomialError, ...): an equation that parsed
    always has a sympy form."""
    try:
        return operator.sympy(*arguments)
    except Exception:  # noqa: BLE001 - see the docstring
        try:
            with sympy.evaluate(False):
                return operator.sympy(*arguments)
        except Exception:  # noqa: BLE001
            return sympy.Function(operator.name)(*arguments)


# --- tree -> numpy ------------------------------------------------------------------------------

# An equation for numpy is a flat list of steps in postorder, each pushing one array on a stack:
# evaluation is a loop, not nested calls, so deep equations cannot overflow Python's stack.
_Step = Callable[[np.ndarray, list], None]


def _push_column(index: int) -> _Step:
    def step(X: np.ndarray, stack: list) -> None:
        stack.append(X[:, index])

    return step


def _push_constant(value: float) -> _Step:
    def step(X: np.ndarray, stack: list) -> None:
        stack.append(np.full(X.shape[0], value, dtype=X.dtype))

    return step


def _apply_operator(function: Callable[..., np.ndarray], arity: int) -> _Step:
    def step(X: np.ndarray, stack: list) -> None:
        arguments = stack[-arity:]
        del stack[-arity:]
        stack.append(function(*arguments))

    return step


def _as_matrix(X, variable_names: list[str]) -> np.ndarray:
    """X as a float array of shape (n_rows, len(variable_names)).

    A DataFrame holding every variable name as a column is read by name; anything else by position.
    """
    if hasattr(X, "columns") and hasattr(X, "to_numpy"):
        if set(variable_names) <= set(map(str, X.columns)):
            X = X[list(variable_names)]
        X = X.to_numpy()
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != len(variable_names):
        raise ValueError(
            f"X must have shape (n_rows, {len(variable_names)}) for variables "
            f"{_short_list(variable_names)}; got shape {X.shape}"
        )
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    return X


def to_numpy(
    equation: Node | str, variable_names: Sequence[str], operators: OperatorTable = BUILTIN_OPERATORS,
    *, text: str | None = None,
) -> Callable[[np.ndarray], np.ndarray]:
    """A function computing ``equation`` on every row of X (array or DataFrame) -> shape (n_rows,).
    ``text`` is the equation's text when a parsed tree is given, for the function's repr.

    Values outside an operator's domain are NaN, as in the engine; numpy warnings are silenced.

    >>> f = to_numpy("x0 * 2 + 1", ["x0"])
    >>> f(np.array([[1.0], [2.0]]))
    array([3., 5.])
    """
    names = _check_variable_names(variable_names)
    tree = _as_tree(equation, names, operators)
    steps: list[_Step] = []
    for node in postorder(tree):
        if isinstance(node, Number):
            steps.append(_push_constant(node.value))
        elif isinstance(node, Variable):
            steps.append(_push_column(node.index))
        else:
            steps.append(_apply_operator(_operator(node, operators).numpy, len(node.arguments)))

    return NumpyEquation(steps, names, equation if isinstance(equation, str) else text)


class NumpyEquation:
    """An equation as a numpy function of X (what ``to_numpy`` returns): call it on X; its repr
    shows the equation, so a front's ``lambda_format`` column reads as equations, not as
    function objects."""

    def __init__(self, steps: list[_Step], variable_names: list[str], text: str | None):
        self._steps = steps
        self._variable_names = variable_names
        self._text = text

    def __call__(self, X) -> np.ndarray:
        X = _as_matrix(X, self._variable_names)
        stack: list[np.ndarray] = []
        with np.errstate(all="ignore"):
            for step in self._steps:
                step(X, stack)
        # A copy, so that an equation like "x0" never returns a view the caller could write into X.
        return np.array(stack.pop(), dtype=X.dtype)

    def __repr__(self) -> str:
        return f"NumpyEquation(X => {self._text if self._text is not None else '...'})"
