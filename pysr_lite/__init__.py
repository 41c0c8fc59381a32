"""pysr_lite: symbolic regression for scientists, a Python frontend driving a Julia engine.

Find simple equations that fit data. ``search`` returns the Pareto front of accuracy against
complexity; ``SymbolicRegressor`` wraps it as a scikit-learn style estimator::

    import numpy as np
    import pysr_lite

    X = np.random.default_rng(0).uniform(-3, 3, size=(200, 2))
    y = X[:, 0] ** 2 + np.cos(X[:, 1])
    result = pysr_lite.search(X, y, unary_operators=["cos"], niterations=20)
    print(result)                  # the front, best equation marked
    result.best().sympy()          # x0**2 + cos(x1)

Each search runs the Julia engine (Julia >= 1.5) on a fresh run folder; see docs/protocol.md.
The engine process is kept for the next search (``persistent_engine=True``); ``close_engine()``
stops it.
"""

from .api import Equation, SearchResult, load_result, search
from .budget import TimeoutBeforeFirstFrontError
from .multi_output import load_each_output, search_each_output
from .persistent_engine import close_engine
from .regressor import SymbolicRegressor

__version__ = "0.1.0"

__all__ = ["search", "search_each_output", "SymbolicRegressor", "SearchResult", "Equation", "load_result",
           "load_each_output", "close_engine", "TimeoutBeforeFirstFrontError", "__version__"]
