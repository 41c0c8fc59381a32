"""The one walk every array export shares: an equation's tree as a flat list of steps in postorder.

Each export (numpy lives in ``pysr_lite.equations``; jax, torch here) gives its own name ->
function map; this module turns the tree into steps over a stack, so evaluation is a loop (deep
equations cannot overflow Python's stack) and constants are numbered in reading order (the
trainable parameters of the torch module, the ``parameters`` of the jax export).

>>> from pysr_lite.equations import parse_equation
>>> [step.kind for step in steps_of(parse_equation("cos(x0 * 2.5)", ["x0"]))]
['variable', 'constant', 'operator', 'operator']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from pysr_lite.equations import Call, Node, Number, Variable, postorder
from pysr_lite.operators import BUILTIN_OPERATORS, OperatorTable


@dataclass(frozen=True)
class Step:
    """Push a variable's column, push constant number ``index``, or apply ``operator`` to the top
    ``arity`` values."""

    kind: str  # "variable", "constant" or "operator"
    index: int = 0  # the variable's column, or the constant's number
    operator: str = ""
    arity: int = 0


def steps_of(tree: Node) -> list[Step]:
    """The postorder steps of ``tree``; constants are numbered 0, 1, ... in that order."""
    steps, constants = [], 0
    for node in postorder(tree):
        if isinstance(node, Number):
            steps.append(Step("constant", constants))
            constants += 1
        elif isinstance(node, Variable):
            steps.append(Step("variable", node.index))
        else:
            steps.append(Step("operator", operator=node.operator, arity=len(node.arguments)))
    return steps


def constants_of(tree: Node) -> list[float]:
    """The constants of ``tree``, numbered as ``steps_of`` numbers them."""
    return [node.value for node in postorder(tree) if isinstance(node, Number)]


def resolve_functions(
    tree: Node, builtin: Mapping[str, Callable], operators: OperatorTable, target: str
) -> dict[tuple[str, int], Callable]:
    """(name, arity) -> function for every operator of ``tree``: the export's own map for
    built-ins, the custom operator's ``target`` form (its extra_<target>_mappings entry) for user
    operators. A ValueError names an operator that has no form for ``target``."""
    functions: dict[tuple[str, int], Callable] = {}
    for node in postorder(tree):
        if not isinstance(node, Call):
            continue
        key = (node.operator, len(node.arguments))
        if key in functions:
            continue
        if node.operator in BUILTIN_OPERATORS.of_arity(key[1]) and node.operator in builtin:
            functions[key] = builtin[node.operator]
            continue
        operator = operators.of_arity(key[1]).get(node.operator)
        form = getattr(operator, target, None) if operator is not None else None
        if form is None:
            raise ValueError(
                f"operator {node.operator!r} has no {target} form; pass extra_{target}_mappings="
                f"{{{node.operator!r}: ...}} to the search"
            )
        functions[key] = form
    return functions


def run_steps(steps: list[Step], functions: Mapping[tuple[str, int], Callable], column: Callable[[int], Any],
              constant: Callable[[int], Any]) -> Any:
    """Evaluate ``steps`` with ``column(j)`` for variables and ``constant(i)`` for constants."""
    stack: list[Any] = []
    for step in steps:
        if step.kind == "variable":
            stack.append(column(step.index))
        elif step.kind == "constant":
            stack.append(constant(step.index))
        else:
            arguments = stack[-step.arity:]
            del stack[-step.arity:]
            stack.append(functions[(step.operator, step.arity)](*arguments))
    return stack.pop()
