"""PyTorch export: an equation as a ``torch.nn.Module`` whose constants are trainable parameters.

``module(X)`` gives the equation on every row of X (a tensor (n_rows, n_features)); the constants
are one ``torch.nn.Parameter`` vector (``module.constants``), so they can be refitted with any
torch optimizer, as PySR's export allows. Values outside an operator's domain are NaN, as in the
engine. torch is imported only here, when the export is asked for.

>>> module = to_torch("(x0 * 2.5) + cos(x1)", ["x0", "x1"])   # doctest: +SKIP
>>> module(torch.tensor(X))                                     # doctest: +SKIP
"""

from __future__ import annotations

from typing import Callable, Sequence

from pysr_lite.equations import Node, parse_equation
from pysr_lite.export.tree_walk import constants_of, resolve_functions, run_steps, steps_of
from pysr_lite.operators import BUILTIN_OPERATORS, OperatorTable


def _functions(torch) -> dict[str, Callable]:
    """The engine's operators in torch, with its NaN-outside-the-domain rules."""

    def where(condition, value):
        return torch.where(condition, value, torch.full_like(value, float("nan")))

    def power(a, b):
        a, b = torch.broadcast_tensors(a, b)
        integer = torch.isfinite(b) & (b == torch.trunc(b))
        return where(~(((a < 0) & ~integer) | ((a == 0) & (b < 0))), torch.pow(a, b))

    def indicator(condition, like):
        return condition.to(like.dtype)

    def gamma(x):
        # torch has no gamma: exp(lgamma) with the sign of gamma, NaN at 0, -1, -2, ...
        sign = torch.where((x > 0) | (torch.remainder(torch.ceil(-x), 2) == 0), 1.0, -1.0).to(x.dtype)
        return where(~((x <= 0) & (x == torch.floor(x))), sign * torch.exp(torch.lgamma(x)))

    return {
        "+": torch.add, "-": torch.sub, "*": torch.mul, "/": torch.div, "^": power,
        "max": torch.maximum, "min": torch.minimum, "mod": torch.remainder, "atan2": torch.atan2,
        "greater": lambda a, b: indicator(a > b, a), "less": lambda a, b: indicator(a < b, a),
        "greater_equal": lambda a, b: indicator(a >= b, a), "less_equal": lambda a, b: indicator(a <= b, a),
        "cond": lambda a, b: torch.where(a > 0, b, torch.zeros_like(b)),
        "logical_or": lambda a, b: indicator((a > 0) | (b > 0), a),
        "logical_and": lambda a, b: indicator((a > 0) & (b > 0), a),
        "neg": torch.neg, "square": torch.square, "cube": lambda x: x * x * x, "inv": torch.reciprocal,
        "abs": torch.abs, "sign": torch.sign, "relu": torch.relu,
        "sqrt": lambda x: where(x >= 0, torch.sqrt(x)), "exp": torch.exp,
        "log": lambda x: where(x > 0, torch.log(x)), "log2": lambda x: where(x > 0, torch.log2(x)),
        "log10": lambda x: where(x > 0, torch.log10(x)), "log1p": lambda x: where(x > -1, torch.log1p(x)),
        "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "sinh": torch.sinh, "cosh": torch.cosh,
        "tanh": torch.tanh, "asin": lambda x: where(torch.abs(x) <= 1, torch.asin(x)),
        "acos": lambda x: where(torch.abs(x) <= 1, torch.acos(x)), "atan": torch.atan, "asinh": torch.asinh,
        "acosh": lambda x: where(x >= 1, torch.acosh(x)), "atanh": lambda x: where(torch.abs(x) < 1, torch.atanh(x)),
        "erf": torch.special.erf, "erfc": torch.special.erfc, "gamma": gamma,
        "round": torch.round, "floor": torch.floor, "ceil": torch.ceil,
    }


def to_torch(equation: Node | str, variable_names: Sequence[str], operators: OperatorTable = BUILTIN_OPERATORS):
    """The equation as a ``torch.nn.Module``: ``module(X)`` -> values (n_rows,), its constants the
    trainable ``module.constants``. Custom operators need their torch form
    (``extra_torch_mappings``); a ValueError names one that has none."""
    try:
        import torch
    except ImportError:
        raise ImportError("the PyTorch export needs torch: pip install torch") from None
    tree = parse_equation(equation, variable_names, operators) if isinstance(equation, str) else equation
    functions = resolve_functions(tree, _functions(torch), operators, "torch")
    steps = steps_of(tree)
    names = list(variable_names)
    text = equation if isinstance(equation, str) else None

    class SymbolicModule(torch.nn.Module):
        """One equation of a pysr_lite front; ``constants`` are its trainable parameters."""

        def __init__(self):
            super().__init__()
            self.constants = torch.nn.Parameter(torch.tensor(constants_of(tree), dtype=torch.float64))

        def forward(self, X):
            X = torch.as_tensor(X)
            constants = self.constants.to(X.dtype)
            result = run_steps(steps, functions, lambda j: X[:, j], lambda i: constants[i])
            return torch.broadcast_to(result, (X.shape[0],))

        def extra_repr(self) -> str:
            return f"equation={text!r}, variables={names}" if text else f"variables={names}"

    return SymbolicModule()
