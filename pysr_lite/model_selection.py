"""Which equation of a front to use: PySR's ``model_selection`` ("best", "accuracy", "score").

PySR (pysr/sr.py, ``idx_model_selection``) picks one row of the front:

- ``"accuracy"``: the lowest loss (the most complex row of a Pareto front);
- ``"score"``: the highest score (the largest drop of log-loss per unit of complexity);
- ``"best"`` (the default): the highest score among the rows whose loss is at most 1.5 times
  the lowest loss, so a simple equation wins only when it is nearly as accurate.

>>> loss = [1.0, 0.1, 0.01, 0.0014, 0.001]
>>> score = [0.5, 1.0, 0.5, 0.5, 0.3]
>>> [chosen_index(loss, score, rule) for rule in MODEL_SELECTIONS]
[3, 4, 1]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

MODEL_SELECTIONS = ("best", "accuracy", "score")
# PySR's "best": among equations whose loss is within this factor of the lowest, the best score.
BEST_LOSS_FACTOR = 1.5


class UnknownModelSelectionError(ValueError, NotImplementedError):
    """A ``model_selection`` other than PySR's three: a ValueError like every bad option here, and
    the NotImplementedError PySR raises for it."""


def check_model_selection(model_selection: object) -> str:
    """``model_selection`` itself, or UnknownModelSelectionError naming the valid ones."""
    if not isinstance(model_selection, str) or model_selection not in MODEL_SELECTIONS:
        raise UnknownModelSelectionError(
            f"{model_selection!r} is not a valid model selection strategy; use one of "
            f"{', '.join(map(repr, MODEL_SELECTIONS))}"
        )
    return model_selection


def chosen_index(loss: Sequence[float], score: Sequence[float], model_selection: str = "best") -> int:
    """The row of the front that ``model_selection`` picks (ties: the first, i.e. the simplest)."""
    check_model_selection(model_selection)
    loss, score = np.asarray(loss, dtype=float), np.asarray(score, dtype=float)
    if len(loss) == 0:
        raise ValueError("the front is empty: there is no equation to choose")
    if model_selection == "accuracy":
        return int(np.argmin(loss))
    if model_selection == "score":
        return int(np.argmax(score))
    candidates = np.flatnonzero(loss <= BEST_LOSS_FACTOR * loss.min())
    return int(candidates[np.argmax(score[candidates])])
