"""Variable names for the equations from a table's column names, as a scientist writes them.

Equations need identifiers (``mass_kg``), while tables say ``"mass (kg)"``. PySR replaces spaces
by underscores and warns; we go further and make any column name a valid, distinct variable
name, keeping the column names themselves for matching tables at predict time.

>>> variable_names_for(["mass (kg)", "a b", "x"])
['mass_kg', 'a_b', 'x']
>>> variable_names_for(["cos", "2theta", "Température", "a-b", "a b"])
['cos_', 'x_2theta', 'Temperature', 'a_b', 'a_b_2']
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Sequence

from .data import validate_variable_names
from .operators import BUILTIN_OPERATORS, OperatorTable

_NOT_IDENTIFIER_CHARACTERS = re.compile(r"[^A-Za-z0-9_]+")


def _ascii(text: str) -> str:
    # "Température" -> "Temperature": accents dropped rather than the whole letter.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _candidate(name: Any, position: int) -> str:
    text = _NOT_IDENTIFIER_CHARACTERS.sub("_", _ascii(str(name))).strip("_")
    if not text:
        return f"x{position}"
    if text.isdigit():
        return f"x{text}"
    return f"x_{text}" if text[0].isdigit() else text


def _is_valid(name: str, operators: OperatorTable) -> bool:
    try:
        validate_variable_names([name], 1, operators)
    except ValueError:
        return False
    return True


def variable_names_for(columns: Sequence[Any], operators: OperatorTable = BUILTIN_OPERATORS) -> list[str]:
    """One valid, distinct variable name per column: valid names are kept as they are; others
    lose the characters an identifier cannot hold, and a name taken by an operator, a reserved
    word or an earlier column gets a suffix."""
    columns = list(columns)
    names: list[str] = []
    taken: set[str] = set()
    for position, column in enumerate(columns):
        keep = isinstance(column, str) and _is_valid(column, operators) and column not in taken
        name = column if keep else _candidate(column, position)
        if not _is_valid(name, operators):
            name += "_"  # an operator's name (cos) or a reserved word (lambda, nan)
        base, count = name, 1
        while name in taken or name in columns[position + 1:] and name != column:
            count += 1
            name = f"{base}_{count}"
        names.append(name)
        taken.add(name)
    return names


def renamed_columns(columns: Sequence[Any], names: Sequence[str]) -> dict[str, str]:
    """Column -> variable name, for the columns whose name changed (for messages)."""
    return {str(column): name for column, name in zip(columns, names) if str(column) != name}
