"""``denoise=True``: smooth noisy targets with a Gaussian process before searching (PySR's rule).

As PySR does (pysr/denoising.py): a Gaussian process with kernel RBF (one length scale per
feature) + WhiteKernel(0.1) + ConstantKernel, its hyperparameters fitted with 50 optimizer
restarts, replaces y by its prediction: at the training points, or at the points of
``Xresampled`` when given (the search then runs on ``Xresampled``). Each output is smoothed on
its own.
"""

from __future__ import annotations

import numpy as np

from .sklearn_support import require_sklearn


def denoise(
    X: np.ndarray, y: np.ndarray, Xresampled: np.ndarray | None = None, random_state: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(X, smoothed y), or (Xresampled, y predicted there); y is 1-D or one column per output."""
    process = require_sklearn("denoise=True (Gaussian-process smoothing)", "sklearn.gaussian_process")
    kernels = require_sklearn("denoise=True", "sklearn.gaussian_process.kernels")
    points = X if Xresampled is None else Xresampled

    def smoothed(target: np.ndarray) -> np.ndarray:
        kernel = kernels.RBF(np.ones(X.shape[1])) + kernels.WhiteKernel(1e-1) + kernels.ConstantKernel()
        regressor = process.GaussianProcessRegressor(kernel=kernel, n_restarts_optimizer=50, random_state=random_state)
        regressor.fit(X, target)
        return regressor.predict(points)

    if y.ndim == 1:
        return points, smoothed(y)
    return points, np.column_stack([smoothed(y[:, output]) for output in range(y.shape[1])])
