"""Reading the engine's ``hall_of_fame.csv`` safely, and PySR's score and "best" choice.

The file is untrusted input: its structure is checked and every equation goes through our own
parser (``pysr_lite.equations``), so a damaged or hostile file fails with a clear error and no
text is ever executed.

>>> import numpy as np
>>> scores(np.array([1, 3]), np.array([1.0, 0.25]))
array([0.        , 0.69314718])
"""

from __future__ import annotations

import math
import os
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .equations import EquationSyntaxError, parse_equation, to_numpy, to_sympy
from .operators import BUILTIN_OPERATORS, OperatorTable

HEADER = ["complexity", "loss", "equation"]
COLUMNS = ["complexity", "loss", "score", "equation", "sympy_format", "lambda_format"]
# PySR's "best": among equations whose loss is within this factor of the lowest, the best score.
BEST_LOSS_FACTOR = 1.5
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
    loss, score = np.asarray(loss, dtype=float), np.asarray(score, dtype=float)
    if len(loss) == 0:
        raise ValueError("the front is empty: there is no best equation")
    candidates = np.flatnonzero(loss <= BEST_LOSS_FACTOR * loss.min())
    return int(candidates[np.argmax(score[candidates])])


def _parse_number(text: str, kind: type, path: Path, row: int, column: str):
    try:
        return kind(text)
    except (TypeError, ValueError):
        raise HallOfFameError(f"{path} row {row}: {column} {text!r} is not a valid {kind.__name__}") from None


def read_hall_of_fame(
    path: str | os.PathLike, variable_names: Sequence[str], operators: OperatorTable = BUILTIN_OPERATORS
) -> pd.DataFrame:
    """The front in ``path`` as a DataFrame with columns ``COLUMNS``, rows by complexity.

    ``sympy_format`` holds sympy expressions and ``lambda_format`` numpy callables (X -> y).
    Raises HallOfFameError for a damaged file and EquationSyntaxError for an equation that is
    not in the protocol's grammar (naming the file and row).
    """
    path = Path(path)
    try:
        with warnings.catch_warnings():
            # A row with too many fields is only a warning for pandas (it drops data): an error here.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                index_col=False,
                quotechar='"',
                doublequote=True,
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise HallOfFameError(f"{path} cannot be read as CSV ({error}); is it truncated or damaged?") from None
    if list(table.columns) != HEADER:
        raise HallOfFameError(f"{path} has columns {list(table.columns)}; expected {HEADER}")
    if table.empty:
        raise HallOfFameError(f"{path} holds no equation")

    complexities, losses, texts, expressions, functions = [], [], [], [], []
    for row, (complexity_text, loss_text, text) in enumerate(table.itertuples(index=False), start=1):
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
        try:
            tree = parse_equation(text, variable_names, operators)
        except EquationSyntaxError as error:
            raise EquationSyntaxError(
                f"{path} row {row} (complexity {complexity}): {error.problem}", error.text, error.column
            ) from None
        complexities.append(complexity)
        losses.append(loss)
        texts.append(text)
        try:
            expressions.append(to_sympy(tree, variable_names, operators=operators))
        except Exception as error:  # sympy's own failure on a hostile equation: name the file, not sympy
            raise HallOfFameError(
                f"{path} row {row} (complexity {complexity}): sympy cannot build the equation "
                f"({type(error).__name__}: {str(error)[:200]})"
            ) from None
        functions.append(to_numpy(tree, variable_names, operators))

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
        },
        columns=COLUMNS,
    )
