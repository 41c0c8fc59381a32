"""JAX export: an equation as a pure function of (X, parameters), PySR's ``{"callable", "parameters"}``.

The constants become a parameter vector, so the equation can be differentiated and refitted with
JAX; values outside an operator's domain are NaN, as in the engine and the numpy export. jax is
imported only here, when the export is asked for.

>>> exported = to_jax("(x0 * 2.5) + cos(x1)", ["x0", "x1"])   # doctest: +SKIP
>>> exported["callable"](X, exported["parameters"])             # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from pysr_lite.equations import Node, parse_equation
from pysr_lite.export.tree_walk import constants_of, resolve_functions, run_steps, steps_of
from pysr_lite.operators import BUILTIN_OPERATORS, OperatorTable


def _functions(jnp, special) -> dict[str, Callable]:
    """The engine's operators in jax.numpy, with its NaN-outside-the-domain rules."""
    nan = jnp.nan

    def where(condition, value):
        return jnp.where(condition, value, nan)

    def power(a, b):
        integer = jnp.isfinite(b) & (b == jnp.trunc(b))
        return jnp.where(((a < 0) & ~integer) | ((a == 0) & (b < 0)), nan, jnp.power(a, b))

    def indicator(condition, like):
        return jnp.where(condition, jnp.ones_like(like), jnp.zeros_like(like))

    def gamma(x):
        pole = (x <= 0) & (x == jnp.floor(x))
        return jnp.where(pole, nan, jnp.exp(special.gammaln(x)) * special.gammasgn(x)) if hasattr(special, "gammasgn") \
            else jnp.where(pole, nan, special.gamma(x))

    return {
        "+": jnp.add, "-": jnp.subtract, "*": jnp.multiply, "/": jnp.divide, "^": power,
        "max": jnp.maximum, "min": jnp.minimum, "mod": jnp.mod, "atan2": jnp.arctan2,
        "greater": lambda a, b: indicator(a > b, a), "less": lambda a, b: indicator(a < b, a),
        "greater_equal": lambda a, b: indicator(a >= b, a), "less_equal": lambda a, b: indicator(a <= b, a),
        "cond": lambda a, b: jnp.where(a > 0, b, jnp.zeros_like(b)),
        "logical_or": lambda a, b: indicator((a > 0) | (b > 0), a),
        "logical_and": lambda a, b: indicator((a > 0) & (b > 0), a),
        "neg": jnp.negative, "square": jnp.square, "cube": lambda x: x * x * x, "inv": lambda x: 1 / x,
        "abs": jnp.abs, "sign": jnp.sign, "relu": lambda x: jnp.where(x > 0, x, jnp.zeros_like(x)),
        "sqrt": lambda x: where(x >= 0, jnp.sqrt(x)), "exp": jnp.exp,
        "log": lambda x: where(x > 0, jnp.log(x)), "log2": lambda x: where(x > 0, jnp.log2(x)),
        "log10": lambda x: where(x > 0, jnp.log10(x)), "log1p": lambda x: where(x > -1, jnp.log1p(x)),
        "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan, "sinh": jnp.sinh, "cosh": jnp.cosh, "tanh": jnp.tanh,
        "asin": lambda x: where(jnp.abs(x) <= 1, jnp.arcsin(x)), "acos": lambda x: where(jnp.abs(x) <= 1, jnp.arccos(x)),
        "atan": jnp.arctan, "asinh": jnp.arcsinh, "acosh": lambda x: where(x >= 1, jnp.arccosh(x)),
        "atanh": lambda x: where(jnp.abs(x) < 1, jnp.arctanh(x)),
        "erf": special.erf, "erfc": special.erfc, "gamma": gamma,
        "round": jnp.round, "floor": jnp.floor, "ceil": jnp.ceil,
    }


def to_jax(
    equation: Node | str, variable_names: Sequence[str], operators: OperatorTable = BUILTIN_OPERATORS
) -> dict[str, Any]:
    """PySR's jax export: ``{"callable": f, "parameters": p}`` with ``f(X, p)`` the equation on
    every row of X (n_rows, n_features) and ``p`` its constants (a jax array, in reading order).

    Custom operators need their jax form (``extra_jax_mappings``); a ValueError names one that
    has none.
    """
    try:
        import jax.numpy as jnp
        import jax.scipy.special as special
    except ImportError:
        raise ImportError("the jax export needs jax: pip install jax") from None
    tree = parse_equation(equation, variable_names, operators) if isinstance(equation, str) else equation
    functions = resolve_functions(tree, _functions(jnp, special), operators, "jax")
    steps = steps_of(tree)
    parameters = jnp.asarray(constants_of(tree), dtype=float)

    def evaluate(X, parameters):
        X = jnp.asarray(X)
        result = run_steps(steps, functions, lambda j: X[:, j], lambda i: parameters[i])
        return jnp.broadcast_to(result, (X.shape[0],))

    return {"callable": evaluate, "parameters": parameters}
