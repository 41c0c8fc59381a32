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
    return sympy.latex(round_constants(expression, precision))


def round_constants(expression: sympy.Expr, precision: int = 3) -> sympy.Expr:
    """``expression`` with every float constant rounded to ``precision`` significant digits.

    >>> round_constants(3.14159265 * sympy.Symbol("x0"), 4)
    3.142*x0
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
    return expression


# --- tables (PySR's booktabs layout) ----------------------------------------------------------------

_COLUMN_TITLES = {"equation": "Equation", "complexity": "Complexity", "loss": "Loss", "score": "Score"}


def latex_table(
    equations,
    indices=None,
    *,
    precision: int = 3,
    columns=("equation", "complexity", "loss", "score"),
    max_equation_length: int = 50,
    output_variable_name: str = "y",
) -> str:
    """A booktabs LaTeX table of a front (a DataFrame with ``sympy_format``, ``complexity``,
    ``loss``, ``score``), one row per equation of ``indices`` (default: all), as PySR lays it out:
    equations longer than ``max_equation_length`` characters of LaTeX are wrapped in a ``dmath*``
    (package breqn); numbers keep ``precision`` significant digits.
    """
    unknown = [column for column in columns if column not in _COLUMN_TITLES]
    if unknown:
        raise ValueError(f"unknown column(s) {unknown}; choose from {list(_COLUMN_TITLES)}")
    rows = list(range(len(equations))) if indices is None else list(indices)
    lines = [
        r"\begin{table}[h]",
        r"\begin{center}",
        r"\begin{tabular}{@{}" + "c" * len(columns) + r"@{}}",
        r"\toprule",
        " & ".join(_COLUMN_TITLES[column] for column in columns) + r" \\",
        r"\midrule",
    ]
    for row in rows:
        entry = equations.iloc[row]
        cells = []
        for column in columns:
            if column == "equation":
                formula = f"{output_variable_name} = {to_latex(entry['sympy_format'], precision)}"
                if len(formula) < max_equation_length:
                    cells.append(f"${formula}$")
                else:
                    cells.append(r"\begin{minipage}{0.8\linewidth} \vspace{-1em} \begin{dmath*} "
                                 + formula + r" \end{dmath*} \end{minipage}")
            elif column == "complexity":
                cells.append(f"${int(entry['complexity'])}$")
            else:
                cells.append(f"${to_latex(sympy.Float(float(entry[column])), precision)}$")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{center}", r"\end{table}"]
    return "\n".join(lines)


def multi_latex_table(fronts, indices=None, *, output_variable_names=None, **options) -> str:
    """One ``latex_table`` per output of a multi-output search, separated by a blank line; the
    outputs are named y_{0}, y_{1}, ... unless ``output_variable_names`` says otherwise."""
    names = output_variable_names or [f"y_{{{i}}}" for i in range(len(fronts))]
    return "\n\n".join(
        latex_table(front, None if indices is None else indices[i], output_variable_name=names[i], **options)
        for i, front in enumerate(fronts)
    )
