"""``select_k_features``: keep the k most important features before searching (PySR's rule).

As PySR does (pysr/feature_selection.py): a random forest (100 trees of depth 3) is fitted to
the data, and the k features with the largest impurity importances are kept
(``SelectFromModel(threshold=-inf, max_features=k)``). The search then sees only those columns;
``SymbolicRegressor`` remembers them in ``selection_mask_`` and predicts from the full X.

>>> mask = select_features(X, y, 2, random_state=0)   # doctest: +SKIP
>>> mask
array([False, False,  True,  True, False])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .sklearn_support import require_sklearn


def check_select_k_features(k: Any, n_features: int) -> int | None:
    """``k`` (None: no selection), or a ValueError when it is not a number of features of X."""
    if k is None:
        return None
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 1 <= k <= n_features:
        raise ValueError(f"select_k_features must be None or an integer from 1 to the number of features ({n_features}), got {k!r}")
    return int(k)


def select_features(X: np.ndarray, y: np.ndarray, k: int, random_state: int | None = None) -> np.ndarray:
    """A boolean mask of the ``k`` most important columns of X for predicting y (1-D or one
    column per output)."""
    ensemble = require_sklearn("select_k_features (random-forest feature importances)", "sklearn.ensemble")
    selection = require_sklearn("select_k_features", "sklearn.feature_selection")
    forest = ensemble.RandomForestRegressor(n_estimators=100, max_depth=3, random_state=random_state)
    forest.fit(X, y)
    selector = selection.SelectFromModel(forest, threshold=-np.inf, max_features=k, prefit=True)
    return np.asarray(selector.get_support(indices=False), dtype=bool)
