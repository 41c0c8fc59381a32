"""Reading the engine's ``hall_of_fame.csv`` safely, and PySR's score and "best" choice.

The file is untrusted input: its structure is checked and every equation goes through our own
parser (``pysr_lite.equations``), so a damaged or hostile file fails with a clear error and no
text is ever executed.

>>> import numpy as np
>>> scores(np.array([1, 3]), np.array([1.0, 0.25]))
array([0.        , 0.69314718])
"""

from __future__ import annotations

import io
import math
import os
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from .equations import EquationSyntaxError, parse_equation, to_numpy, to_sympy
from .model_selection import chosen_index
from .operators import BUILTIN_OPERATORS, OperatorTable

HEADER = ["complexity", "loss", "equation", "dimensionally_consistent"]
# Fronts written before units existed lack the last column (their equations are all consistent:
# without units everything is dimensionless).
HEADER_BEFORE_UNITS = HEADER[:3]
COLUMNS = ["complexity", "loss", "score", "equation", "sympy_format", "lambda_format", "dimensionally_consistent"]
_BOOLEANS = {"true": True, "false": False}
# The engine writes complexities as Julia Ints (64-bit); anything larger is damage.
LARGEST_COMPLEXITY = 2**63 - 1


class HallOfFameError(ValueError):
    """A hall_of_fame.csv that does not follow docs/protocol.md (truncated, damaged, ...)."""


def scores(complexity: np.ndarray, loss: np.ndarray) -> np.ndarray:
    """PySR's score: -Δlog(loss)/Δcomplexity against the next simpler row; 0 for the first row.

    A row with loss 0 scores +inf (it cannot be beaten).
    """
    result = np.zeros(len(loss))
    for row in range(1, len(loss)):
        if loss[row] > 0:
            with np.errstate(divide="ignore"):
                ratio = np.log(loss[row] / loss[row - 1]) if loss[row - 1] > 0 else math.inf
            result[row] = -ratio / (complexity[row] - complexity[row - 1])
        else:
            result[row] = math.inf
    return result


def best_index(loss: Sequence[float], score: Sequence[float]) -> int:
    """PySR's "best" row: the highest score among rows with loss <= 1.5 * the lowest loss."""
    return chosen_index(loss, score, "best")


def _parse_number(text: str, kind: type, path, row: int, column: str):
    try:
        return kind(text)
    except (TypeError, ValueError):
        raise HallOfFameError(f"{path} row {row}: {column} {text!r} is not a valid {kind.__name__}") from None


def read_hall_of_fame(
    path: str | os.PathLike, variable_names: Sequence[str], operators: OperatorTable = BUILTIN_OPERATORS
) -> pd.DataFrame:
    """The front in ``path`` as a DataFrame with columns ``COLUMNS``, rows by complexity.

    ``sympy_format`` holds sympy expressions and ``lambda_format`` numpy callables (X -> y);
    ``dimensionally_consistent`` is a bool (True for every row without units, and in files
    written before units existed). Raises HallOfFameError for a damaged file and
    EquationSyntaxError for an equation that is not in the protocol's grammar (naming the file
    and row).
    """
    path = Path(path)
    table = read_front_csv(path)
    if list(table.columns) == HEADER_BEFORE_UNITS:
        table["dimensionally_consistent"] = "true"
    if list(table.columns) != HEADER:
        raise HallOfFameError(
            f"{path} has columns {list(table.columns)}; expected {HEADER} (or the first three, as written before units)"
        )
    return front_from_rows(table.itertuples(index=False), variable_names, operators, path)


def read_front_csv(path: Path, text: str | None = None) -> pd.DataFrame:
    """Every cell of a front's CSV file (or of ``text``, its contents) as a string."""
    source = path if text is None else io.StringIO(text)
    try:
        with warnings.catch_warnings():
            # A row with too many fields is only a warning for pandas (it drops data): an error here.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(
                source,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
                quotechar='"',
                doublequote=True,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise HallOfFameError(f"{path} cannot be read as CSV ({error}); is it truncated or damaged?") from None


def front_from_rows(
    rows: Iterable[tuple[str, ...]],
    variable_names: Sequence[str],
    operators: OperatorTable = BUILTIN_OPERATORS,
    path: str | os.PathLike = "the front",
) -> pd.DataFrame:
    """The front DataFrame (``COLUMNS``) of (complexity, loss, equation[, dimensionally_consistent])
    text rows, each checked; errors name ``path`` and the row."""
    complexities, losses, texts, expressions, functions, consistent = [], [], [], [], [], []
    for row, (complexity_text, loss_text, text, *rest) in enumerate(rows, start=1):
        consistent_text = rest[0] if rest else "true"
        if consistent_text not in _BOOLEANS:
            raise HallOfFameError(f"{path} row {row}: dimensionally_consistent must be true or false, got {consistent_text!r}")
        consistent.append(_BOOLEANS[consistent_text])
        complexity = _parse_number(complexity_text, int, path, row, "complexity")
        loss = _parse_number(loss_text, float, path, row, "loss")
        if complexity < 1:
            raise HallOfFameError(f"{path} row {row}: complexity must be >= 1, got {complexity}")
        if complexity > LARGEST_COMPLEXITY:  # numpy's int64 column would overflow
            raise HallOfFameError(f"{path} row {row}: complexity {complexity_text!r} is larger than any the engine writes")
        if complexities and complexity <= complexities[-1]:
            raise HallOfFameError(f"{path} row {row}: complexities must increase, got {complexity} after {complexities[-1]}")
        if not math.isfinite(loss) or loss < 0:
            raise HallOfFameError(f"{path} row {row}: loss must be finite and >= 0, got {loss_text!r}")
        if not text.strip():
            raise HallOfFameError(f"{path} row {row} has no equation; is the file truncated?")
        expression, function = equation_forms(text, variable_names, operators, where=f"{path} row {row} (complexity {complexity})")
        complexities.append(complexity)
        losses.append(loss)
        texts.append(text)
        expressions.append(expression)
        functions.append(function)
    if not complexities:
        raise HallOfFameError(f"{path} holds no equation")

    complexity_array = np.array(complexities, dtype=np.int64)
    loss_array = np.array(losses, dtype=np.float64)
    return pd.DataFrame(
        {
            "complexity": complexity_array,
            "loss": loss_array,
            "score": scores(complexity_array, loss_array),
            "equation": texts,
            "sympy_format": expressions,
            "lambda_format": functions,
            "dimensionally_consistent": np.array(consistent, dtype=bool),
        },
        columns=COLUMNS,
    )


def equation_forms(
    text: str, variable_names: Sequence[str], operators: OperatorTable = BUILTIN_OPERATORS, *, where: str = "equation"
) -> tuple[Any, Callable]:
    """The sympy expression and the numpy callable of one equation's text, both built from the
    text by our parser (the callables of a result are always rebuilt this way, never pickled)."""
    try:
        tree = parse_equation(text, variable_names, operators)
    except EquationSyntaxError as error:
        raise EquationSyntaxError(f"{where}: {error.problem}", error.text, error.column) from None
    try:
        expression = to_sympy(tree, variable_names, operators=operators)
    except Exception as error:  # sympy's own failure on a hostile equation: name the file, not sympy
        raise HallOfFameError(
            f"{where}: sympy cannot build the equation ({type(error).__name__}: {str(error)[:200]})"
        ) from None
    return expression, to_numpy(tree, variable_names, operators, text=text)
