"""scikit-learn as an optional dependency of ``SymbolicRegressor``.

With scikit-learn installed, ``SymbolicRegressor`` is a real scikit-learn estimator (it subclasses
``RegressorMixin``, ``MultiOutputMixin`` and ``BaseEstimator``, so pipelines, grid searches,
``clone`` and tags work). Without it, the same class is built on the small stand-ins below: it
fits, predicts, scores and pickles alike, and only the features that need scikit-learn itself
(``select_k_features``, ``denoise``) raise ``require_sklearn``'s error, which says what to install.

Searching (``pysr_lite.search``) never needs scikit-learn.
"""

from __future__ import annotations

import importlib
from types import ModuleType

try:
    from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
    from sklearn.exceptions import NotFittedError as _NotFittedBase

    HAVE_SKLEARN = True
except ImportError:  # the estimator still works; see the module docstring
    HAVE_SKLEARN = False

    class BaseEstimator:  # type: ignore[no-redef]
        """Stand-in for sklearn.base.BaseEstimator (``SymbolicRegressor`` has its own get/set_params)."""

    class RegressorMixin:  # type: ignore[no-redef]
        """Stand-in for sklearn.base.RegressorMixin (``SymbolicRegressor`` has its own ``score``)."""

    class MultiOutputMixin:  # type: ignore[no-redef]
        """Stand-in for sklearn.base.MultiOutputMixin."""

    class _NotFittedBase(ValueError, AttributeError):  # type: ignore[no-redef]
        """Stand-in for sklearn.exceptions.NotFittedError (also a ValueError and AttributeError)."""


INSTALL_HINT = "pip install scikit-learn (or pip install 'pysr-lite[sklearn]')"


def require_sklearn(feature: str, module: str = "sklearn") -> ModuleType:
    """``module`` of scikit-learn, or an ImportError saying that ``feature`` needs scikit-learn."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{feature} needs scikit-learn, which is not installed: {INSTALL_HINT}") from None
