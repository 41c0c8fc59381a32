"""Reading the fronts PySR writes (``hall_of_fame.csv`` with ``Complexity,Loss,Equation``).

A colleague's PySR run folder holds ``hall_of_fame.csv`` (or its backup ``hall_of_fame.csv.bak``),
or one ``hall_of_fame_output{i}.csv`` per output (i from 1). Their equations are Julia's text:
Float32 constants may read ``1.5f0``, variables may be written with subscripts (``x₀``) and a few
operators have names of their own (``pow_abs``...). This module turns such a file into our front
(``hall_of_fame.front_from_rows``); nothing in it is executed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Sequence

import pandas as pd

from .hall_of_fame import HallOfFameError, front_from_rows, read_front_csv
from .operators import PYSR_FILE_OPERATORS, OperatorTable

PYSR_HEADER = ["Complexity", "Loss", "Equation"]
# Julia prints Float32 constants as 1.5f0 (1.5e0) and 2.0f-5 (2.0e-5).
_JULIA_FLOAT32 = re.compile(r"\b(\d+\.?\d*|\.\d+)f([+-]?\d+)\b")
_SUBSCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def pysr_front_files(run_directory: str | os.PathLike, n_outputs: int = 1) -> list[Path]:
    """The front file of each output in a PySR run folder (a file, or else its ``.bak`` backup)."""
    run_directory = Path(run_directory)
    names = ["hall_of_fame.csv"] if n_outputs == 1 else [f"hall_of_fame_output{i}.csv" for i in range(1, n_outputs + 1)]
    files = []
    for name in names:
        for candidate in (run_directory / name, run_directory / (name + ".bak")):
            if candidate.is_file():
                files.append(candidate)
                break
        else:
            raise FileNotFoundError(f"{run_directory} has no {name} (nor {name}.bak): is it a PySR run folder with {n_outputs} output(s)?")
    return files


def with_pysr_operators(operators: OperatorTable) -> OperatorTable:
    """``operators`` plus the names only PySR's files use (see operators.PYSR_FILE_OPERATORS)."""
    present = {(operator.name, operator.arity) for operator in operators}
    return OperatorTable([*operators, *(operator for operator in PYSR_FILE_OPERATORS if (operator.name, operator.arity) not in present)])


def read_pysr_front(path: str | os.PathLike, variable_names: Sequence[str], operators: OperatorTable) -> pd.DataFrame:
    """The front in a PySR hall-of-fame file, as ``hall_of_fame.read_hall_of_fame`` returns ours."""
    path = Path(path)
    table = read_front_csv(path)
    columns = [str(column).strip() for column in table.columns]
    if columns[:3] != PYSR_HEADER and [column.lower() for column in columns[:3]] != ["complexity", "loss", "equation"]:
        raise HallOfFameError(f"{path} has columns {columns}; a PySR hall of fame starts with {PYSR_HEADER}")
    rows = (
        (str(complexity).strip(), str(loss).strip(), _our_text(str(equation)))
        for complexity, loss, equation in table.iloc[:, :3].itertuples(index=False)
    )
    return front_from_rows(rows, variable_names, with_pysr_operators(operators), path)


def _our_text(equation: str) -> str:
    return _JULIA_FLOAT32.sub(r"\1e\2", equation.translate(_SUBSCRIPT_DIGITS))
