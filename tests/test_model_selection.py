"""PySR's model_selection ("best", "accuracy", "score"), as its test_all_selection_strategies."""

import numpy as np
import pytest

from pysr_lite.model_selection import MODEL_SELECTIONS, UnknownModelSelectionError, chosen_index

# PySR's test: losses and scores of a five-row front.
LOSS = [1.0, 0.1, 0.01, 0.001 * 1.4, 0.001]
SCORE = [0.5, 1.0, 0.5, 0.5, 0.3]


def test_the_three_strategies_pick_as_pysr():
    assert chosen_index(LOSS, SCORE, "accuracy") == 4  # the lowest loss
    assert chosen_index(LOSS, SCORE, "best") == 3  # best score within 1.5 x the lowest loss
    assert chosen_index(LOSS, SCORE, "score") == 1  # the best score overall
    assert MODEL_SELECTIONS == ("best", "accuracy", "score")


def test_an_unknown_strategy_is_pysrs_not_implemented_error():
    for bad in ("unknown", None, 3):
        with pytest.raises(NotImplementedError, match="not a valid model selection strategy; use one of 'best'"):
            chosen_index(LOSS, SCORE, bad)
    assert issubclass(UnknownModelSelectionError, ValueError)


def test_an_empty_front_has_nothing_to_choose():
    with pytest.raises(ValueError, match="the front is empty"):
        chosen_index(np.array([]), np.array([]), "best")
