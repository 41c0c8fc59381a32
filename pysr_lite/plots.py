"""Plots of a front and of a fit, with matplotlib (an optional extra: ``pip install "pysr-lite[plots]"``).

- ``plot_pareto(result)``: loss against complexity on a log scale, one point per equation of
  the front, the chosen one marked and labelled with its equation;
- ``plot_fit(result, X, y)``: the equation's predictions against the true values (with the
  line y = x), and the residuals.

matplotlib is imported inside the functions only, so ``import pysr_lite`` never imports it.
Without ``ax`` / ``axes`` the figures come from ``matplotlib.pyplot`` (they show in notebooks
and with ``plt.show()``); ``save_plots`` draws on figures of its own, without pyplot, so it
works with no display at all (the CLI's ``--plots DIR``).

>>> result.plot_pareto()                          # doctest: +SKIP
>>> result.plot_fit(X, y).savefig("fit.png")      # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

INSTALL_HINT = 'pip install "pysr-lite[plots]" (or pip install matplotlib)'
PARETO_FILE = "pareto.png"
FIT_FILE = "fit.png"
# A label longer than this is cut with "...": a figure is not the place for a 200-character equation.
LABEL_CHARACTERS = 60


def require_matplotlib():
    """The ``matplotlib`` module, or an ImportError that says how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError(f"plotting needs matplotlib, which is not installed; install it with {INSTALL_HINT}") from None
    return matplotlib


def _new_axes(ncols: int):
    require_matplotlib()
    import matplotlib.pyplot as pyplot

    figure, axes = pyplot.subplots(1, ncols, figsize=(5.5 * ncols, 4.2), squeeze=False)
    return figure, list(axes[0])


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 3] + "..."


def plot_pareto(result, ax=None, model_selection: str = "best"):
    """Loss against complexity for every equation of ``result``'s front (log scale), the row
    ``model_selection`` picks marked and labelled. Returns the Axes."""
    if ax is None:
        _, (ax,) = _new_axes(1)
    else:
        require_matplotlib()
    front = result.equations
    if len(front) == 0:
        raise ValueError("the front is empty: there is nothing to plot")
    complexity = front["complexity"].to_numpy()
    loss = front["loss"].to_numpy(dtype=float)
    ax.step(complexity, loss, where="post", color="0.6", linewidth=1, zorder=1)
    ax.scatter(complexity, loss, color="tab:blue", zorder=2, label="Pareto front")
    chosen = result.chosen_index(model_selection)
    ax.scatter([complexity[chosen]], [loss[chosen]], s=160, facecolors="none", edgecolors="tab:red", linewidths=2,
               zorder=3, label=f"chosen ({model_selection})")
    # The label goes towards the middle of the plot, so that it stays inside the axes.
    on_the_right = complexity[chosen] > (complexity.min() + complexity.max()) / 2
    ax.annotate(_label(str(front["sympy_format"].iloc[chosen])), (complexity[chosen], loss[chosen]),
                xytext=(-12 if on_the_right else 12, 14), textcoords="offset points", color="tab:red",
                horizontalalignment="right" if on_the_right else "left",
                arrowprops=dict(arrowstyle="-", color="tab:red"))
    if (loss > 0).all():
        ax.set_yscale("log")
    else:  # an exact fit (loss 0) cannot sit on a log scale
        ax.set_yscale("symlog", linthresh=max(float(loss[loss > 0].min()) if (loss > 0).any() else 1e-12, 1e-300))
    ax.set_xlabel("complexity")
    ax.set_ylabel("loss")
    ax.set_title("Pareto front: accuracy against simplicity")
    ax.legend(loc="upper right")
    ax.grid(True, which="both", alpha=0.3)
    return ax


def _target(y: Any, n_rows: int) -> np.ndarray:
    values = np.asarray(y, dtype=float)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"y must have one value per row of X (one column); got shape {values.shape}")
    if len(values) != n_rows:
        raise ValueError(f"y has {len(values)} values but X has {n_rows} rows")
    return values


def plot_fit(result, X: Any, y: Any, index: int | None = None, axes=None):
    """Two panels for equation ``index`` of ``result`` (None: the best): its predictions on X
    against the true ``y`` (with the line y = x), and the residuals (y - prediction) against
    the prediction. ``axes``: two matplotlib Axes to draw on. Returns the Figure."""
    equation = result.equation(index)
    return draw_fit(equation.predict(X), y, str(equation.sympy()), axes)


def draw_fit(predicted: np.ndarray, y: Any, label: str, axes=None):
    """The two panels of ``plot_fit`` for predictions already made (``label``: the equation)."""
    predicted = np.asarray(predicted, dtype=float)
    true = _target(y, len(predicted))
    if axes is None:
        figure, axes = _new_axes(2)
    else:
        require_matplotlib()
        axes = list(axes)
        if len(axes) != 2:
            raise ValueError(f"axes must be two matplotlib Axes (predictions, residuals); got {len(axes)}")
        figure = axes[0].figure
    against, residuals = axes
    finite = np.isfinite(predicted) & np.isfinite(true)
    against.scatter(true[finite], predicted[finite], s=12, alpha=0.7)
    if finite.any():
        low = float(min(true[finite].min(), predicted[finite].min()))
        high = float(max(true[finite].max(), predicted[finite].max()))
        against.plot([low, high], [low, high], color="tab:red", linewidth=1, label="prediction = truth")
        against.legend(loc="upper left")
    against.set_xlabel("true y")
    against.set_ylabel("predicted y")
    against.set_title(_label(label))
    residuals.scatter(predicted[finite], (true - predicted)[finite], s=12, alpha=0.7)
    residuals.axhline(0.0, color="tab:red", linewidth=1)
    residuals.set_xlabel("predicted y")
    residuals.set_ylabel("residual (true - predicted)")
    residuals.set_title("Residuals")
    if not finite.all():
        residuals.text(0.02, 0.02, f"{int((~finite).sum())} rows not finite, not shown", transform=residuals.transAxes)
    for ax in axes:
        ax.grid(True, alpha=0.3)
    figure.tight_layout()
    return figure


def save_plots(result, X: Any, y: Any, directory: str | Path, index: int | None = None) -> list[Path]:
    """Write ``pareto.png`` and ``fit.png`` of ``result`` (and X, y) into ``directory`` (created
    if needed), without pyplot, so no display is needed; returns the two paths."""
    require_matplotlib()
    from matplotlib.figure import Figure

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pareto = Figure(figsize=(6, 4.5))
    plot_pareto(result, ax=pareto.subplots())
    pareto.tight_layout()
    fit = Figure(figsize=(11, 4.5))
    plot_fit(result, X, y, index=index, axes=fit.subplots(1, 2))
    paths = [directory / PARETO_FILE, directory / FIT_FILE]
    pareto.savefig(paths[0], dpi=120)
    fit.savefig(paths[1], dpi=120)
    return paths
