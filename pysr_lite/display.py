"""How a front looks when printed or shown in a notebook.

- ``FrontTable``: the DataFrame of ``SearchResult.equations`` / ``SymbolicRegressor.equations_``.
  It is an ordinary DataFrame (every column, every pandas operation; anything derived from it
  is a plain DataFrame) whose text shows the equations: ``print(result.equations)`` lists
  complexity, loss, score and equation, whatever the terminal's width, instead of cutting the
  equations to ``...`` or spelling out function objects;
- ``front_html``: the notebook view of a front (``SearchResult._repr_html_`` and the fitted
  estimator's): each equation in LaTeX, the chosen row highlighted.

>>> import pandas as pd
>>> table = FrontTable(pd.DataFrame({"complexity": [1, 3], "loss": [0.5, 0.01], "score": [0.0, 1.96],
...                                  "equation": ["x0", "(x0 * 2.5)"]}))
>>> print(table)
   complexity  loss  score  equation
0           1  0.50   0.00  x0
1           3  0.01   1.96  (x0 * 2.5)
"""

from __future__ import annotations

import html
from typing import Any, Sequence

import pandas as pd

from .export.latex import to_latex

# The columns a printed front shows; the others are the same equations in another form
# (sympy_format, lambda_format) and are named in a footer instead.
SHOWN_COLUMNS = ("complexity", "loss", "score", "equation")
# The chosen row in a notebook table: visible on light and dark themes alike.
CHOSEN_ROW_STYLE = "font-weight: bold; background-color: rgba(255, 200, 0, 0.25);"


class FrontTable(pd.DataFrame):
    """A front as a DataFrame whose printed form shows the equations (see the module doc)."""

    # pandas builds derived frames (slices, copies, arithmetic) with ``_constructor``, which
    # stays DataFrame's: only the front itself prints differently.

    def _is_front(self) -> bool:
        return all(column in self.columns for column in SHOWN_COLUMNS)

    def _shown(self) -> pd.DataFrame:
        columns = list(SHOWN_COLUMNS)
        consistent = self.get("dimensionally_consistent")
        if consistent is not None and not bool(pd.Series(consistent).all()):
            columns.append("dimensionally_consistent")
        return pd.DataFrame(self)[columns]

    def _hidden_columns(self) -> list[str]:
        shown = set(self._shown().columns)
        return [str(column) for column in self.columns if column not in shown]

    def __repr__(self) -> str:
        if not self._is_front():
            return pd.DataFrame(self).__repr__()
        # Never hide an equation behind "..." because the terminal is narrow (pandas' repr
        # would): the numbers by pandas, then each equation whole, left-aligned as text reads.
        shown = self._shown()
        numbers = shown.drop(columns=["equation"]).to_string().split("\n")
        equations = ["equation", *map(str, shown["equation"])]
        text = "\n".join(f"{left}  {equation}" for left, equation in zip(numbers, equations))
        hidden = self._hidden_columns()
        if hidden and len(self):
            text += f"\n[{len(self)} equations; also the columns {', '.join(hidden)}]"
        return text

    def __str__(self) -> str:
        return self.__repr__()

    def _repr_html_(self) -> str | None:
        if not self._is_front():
            return pd.DataFrame(self)._repr_html_()
        return self._shown().to_html()


def as_front_table(front: pd.DataFrame) -> FrontTable:
    """``front`` (the columns of ``hall_of_fame.COLUMNS``) as a ``FrontTable``."""
    return front if isinstance(front, FrontTable) else FrontTable(front)


def _latex_cell(expression: Any) -> str:
    try:
        return f"${to_latex(expression)}$"
    except (TypeError, ValueError):
        return html.escape(str(expression))


def front_html(front: pd.DataFrame, chosen: int | None, *, title: str = "", chosen_label: str = "chosen") -> str:
    """An HTML table of ``front``: complexity, loss, score and the equation in LaTeX
    (``$...$``, which notebooks typeset), the row ``chosen`` highlighted and marked."""
    consistent = front.get("dimensionally_consistent")
    rows = []
    for row in range(len(front)):
        is_chosen = row == chosen
        cells = [
            html.escape(chosen_label) if is_chosen else "",
            str(int(front["complexity"].iloc[row])),
            f"{float(front['loss'].iloc[row]):.4g}",
            f"{float(front['score'].iloc[row]):.4g}",
            _latex_cell(front["sympy_format"].iloc[row]),
        ]
        if consistent is not None and not bool(consistent.iloc[row]):
            cells[-1] += " <em>(units inconsistent)</em>"
        style = f' style="{CHOSEN_ROW_STYLE}"' if is_chosen else ""
        rows.append(f"<tr{style}>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    header = "".join(f"<th>{name}</th>" for name in ("", "complexity", "loss", "score", "equation"))
    caption = f"<caption style=\"text-align: left;\">{html.escape(title)}</caption>" if title else ""
    return (f'<table class="pysr-lite-front">{caption}<thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def result_summary(stats: dict[str, Any], n_equations: int) -> str:
    """One line about a search: ``4 equations on the Pareto front (stop reason: niterations, 40 iterations, 3.2 s)``."""
    facts = []
    if stats.get("reason"):
        facts.append(f"stop reason: {stats['reason']}")
    if stats.get("iterations") is not None:
        count = stats["iterations"]
        facts.append(f"{count} iteration{'' if count == 1 else 's'}")
    if stats.get("seconds") is not None:
        facts.append(f"{float(stats['seconds']):.1f} s")
    about = f" ({', '.join(facts)})" if facts else ""
    return f"{n_equations} equations on the Pareto front{about}"


def fronts_html(fronts: Sequence[tuple[str, pd.DataFrame, int | None]], chosen_label: str) -> str:
    """Several titled fronts (one per output of a multi-output model) one after the other."""
    return "".join(front_html(front, chosen, title=title, chosen_label=chosen_label) for title, front, chosen in fronts)
