"""Exports of equations to other targets, one module per target: latex (sympy -> LaTeX and PySR's
tables), jax and torch (tree walks, their heavy imports inside the export functions)."""

from pysr_lite.export.jax import to_jax
from pysr_lite.export.latex import latex_table, multi_latex_table, to_latex
from pysr_lite.export.torch import to_torch

__all__ = ["to_latex", "latex_table", "multi_latex_table", "to_jax", "to_torch"]
