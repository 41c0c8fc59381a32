"""Exports of sympy expressions to other targets, one module per target (latex; later jax, torch)."""

from pysr_lite.export.latex import to_latex

__all__ = ["to_latex"]
