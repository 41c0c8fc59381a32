"""Several targets at once: one search per column of y, every front in one run folder.

PySR searches each column of a 2-D ``y`` separately (one hall of fame per output); so do we,
one after the other through the same engine. The run folder of such a search holds
``outputs.toml`` and one complete run folder per output, ``output1/``, ``output2/``, ... (numbered
from 1 like PySR's ``hall_of_fame_output1.csv``; output ``i`` of the Python API, counted from 0,
is in ``output{i+1}/``). See docs/protocol.md, "Multi-output runs".

>>> results = search_each_output(X, np.column_stack([y1, y2]), niterations=10)   # doctest: +SKIP
>>> [result.best().sympy() for result in results]                                # doctest: +SKIP
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .api import SearchResult, load_result, search
from .data import prepare_targets
from .options import resolve_options
from .output_paths import check_output_directory
from .run_folder import RunFolderError, create_run_directory, format_toml, parse_toml

OUTPUTS_FILE = "outputs.toml"
OUTPUTS_FORMAT_VERSION = 1


def output_folder_name(output: int) -> str:
    """The sub-folder of output ``output`` (counted from 0): ``output1`` for the first."""
    return f"output{output + 1}"


def weight_columns(weights: Any, n_rows: int, n_outputs: int) -> list[Any]:
    """One weight vector (or None) per output: ``weights`` of shape (n_rows,) weigh every output
    alike; of shape (n_rows, n_outputs), column ``i`` weighs output ``i`` (PySR's shape)."""
    if weights is None:
        return [None] * n_outputs
    array = np.asarray(weights)
    if array.ndim == 2 and array.shape == (n_rows, n_outputs):
        return [array[:, output] for output in range(n_outputs)]
    if array.ndim == 1 or (array.ndim == 2 and array.shape[1] == 1):
        return [array] * n_outputs
    raise ValueError(
        f"weights must have shape ({n_rows},) or, one column per output, ({n_rows}, {n_outputs}); got {array.shape}"
    )


def search_each_output(
    X: Any, y: Any, *, variable_names: Sequence[str] | None = None, weights: Any = None,
    resume_from: Sequence[Any] | None = None, X_units: Sequence[str] | None = None,
    y_units: str | Sequence[str] | None = None, **options: Any
) -> list[SearchResult]:
    """Search each column of ``y`` in turn; return one ``SearchResult`` per column.

    Takes ``search()``'s options; ``output_directory`` and ``run_id`` name the run folder that
    holds every output's folder. ``resume_from`` gives, per output, a run folder to resume (or None);
    ``y_units`` one unit per output (a single unit applies to every output), as in PySR.
    """
    targets = prepare_targets(y)
    n_outputs = targets.shape[1]
    columns = weight_columns(weights, targets.shape[0], n_outputs)
    resolved = resolve_options(**options)  # every option checked before a folder is made
    check_output_directory(resolved["output_directory"])
    run_directory = create_run_directory(resolved["output_directory"], resolved["run_id"])
    write_outputs_file(run_directory, n_outputs)
    per_output = dict(options, output_directory=run_directory)
    resume = list(resume_from) if resume_from is not None else [None] * n_outputs
    if y_units is not None and not isinstance(y_units, str):
        y_units = list(y_units)
        if len(y_units) != n_outputs:
            raise ValueError(f"y_units has {len(y_units)} units but y has {n_outputs} outputs; give one per output")
    units_of = (lambda output: y_units) if y_units is None or isinstance(y_units, str) else (lambda output: y_units[output])
    return [
        search(X, targets[:, output], variable_names=variable_names, weights=columns[output],
               resume_from=resume[output], X_units=X_units, y_units=units_of(output),
               **dict(per_output, run_id=output_folder_name(output)))
        for output in range(n_outputs)
    ]


def write_outputs_file(run_directory: Path, n_outputs: int) -> None:
    entries = {
        "format_version": OUTPUTS_FORMAT_VERSION,
        "n_outputs": n_outputs,
        "outputs": [output_folder_name(output) for output in range(n_outputs)],
    }
    text = format_toml(entries, header="pysr_lite multi-output run: one run folder per column of y (docs/protocol.md)")
    (Path(run_directory) / OUTPUTS_FILE).write_text(text, encoding="utf-8")


def is_multi_output_run(run_directory: str | os.PathLike) -> bool:
    return (Path(run_directory) / OUTPUTS_FILE).is_file()


def output_folders(run_directory: str | os.PathLike) -> list[Path]:
    """The run folder of each output of a multi-output run, in output order."""
    path = Path(run_directory) / OUTPUTS_FILE
    try:
        settings = parse_toml(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise RunFolderError(f"{path} cannot be read ({error}); is it damaged?") from None
    names = settings.get("outputs")
    if settings.get("format_version") != OUTPUTS_FORMAT_VERSION or not isinstance(names, list) or not names or any(
        name != output_folder_name(output) for output, name in enumerate(names)
    ):
        raise RunFolderError(
            f"{path} is not a multi-output file this pysr_lite reads (format_version {OUTPUTS_FORMAT_VERSION}, "
            "outputs = [\"output1\", \"output2\", ...])"
        )
    return [Path(run_directory) / name for name in names]


def load_each_output(run_directory: str | os.PathLike, **load_options: Any) -> list[SearchResult]:
    """Every output's front of a multi-output run folder (``load_result``'s options)."""
    return [load_result(folder, **load_options) for folder in output_folders(run_directory)]
