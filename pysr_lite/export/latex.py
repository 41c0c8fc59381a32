"""LaTeX for equations, with constants rounded so a table of results stays readable."""

from __future__ import annotations

import sympy


def to_latex(expression: sympy.Expr, precision: int = 3) -> str:
    """LaTeX of ``expression`` with every float constant rounded to ``precision`` significant digits.

    Exact numbers (integers, rationals, pi) are left alone.

    >>> x0 = sympy.Symbol("x0")
    >>> to_latex(3.14159265 * sympy.cos(x0) + 0.000123456)
    '3.14 \\\\cos{\\\\left(x_{0} \\\\right)} + 0.000123'
    """
    if precision < 1:
        raise ValueError(f"precision must be at least 1 significant digit, got {precision}")
    if not isinstance(expression, sympy.Basic):
        # Deliberately no sympify: it would evaluate strings as Python.
        raise TypeError(f"expected a sympy expression, not {type(expression).__name__}")
    rounded = {
        constant: sympy.Float(f"{float(constant):.{precision}g}", precision)
        for constant in expression.atoms(sympy.Float)
    }
    try:
        expression = expression.xreplace(rounded)
    except (ArithmeticError, TypeError, ValueError):
        # Rebuilding evaluates again, and sympy may fail on what was left unevaluated because it
        # failed there before (mod(0.0, 0.0): Modulo by zero): replace without evaluating.
        with sympy.evaluate(False):
            expression = expression.xreplace(rounded)
    return sympy.latex(expression)
