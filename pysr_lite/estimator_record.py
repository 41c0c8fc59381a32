"""What a ``SymbolicRegressor`` adds to its run folder: ``estimator.toml``.

The engine's files describe the search (its variables are the names in the equations); the
estimator also knows how to map a user's table onto them: the original column names, which
columns ``select_k_features`` kept, how many outputs there are. Written after a fit, read by
``SymbolicRegressor.from_file`` so that a run folder alone rebuilds the fitted model (text, like
every other file of the folder: nothing is unpickled). See docs/protocol.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .run_folder import RunFolderError, format_toml, parse_toml

ESTIMATOR_FILE = "estimator.toml"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class EstimatorRecord:
    """The fitted estimator's view of its data (``feature_names_in`` has ``n_features_in`` names;
    ``variable_names`` are the equations' names of the selected features)."""

    n_features_in: int
    feature_names_in: list[str]
    variable_names: list[str]
    selection_mask: list[bool] | None
    n_outputs: int


def write_estimator_record(run_directory: str | os.PathLike, record: EstimatorRecord) -> None:
    entries = {
        "format_version": FORMAT_VERSION,
        "n_features_in": record.n_features_in,
        "feature_names_in": list(record.feature_names_in),
        "variable_names": list(record.variable_names),
        "n_outputs": record.n_outputs,
    }
    if record.selection_mask is not None:
        entries["selection_mask"] = [bool(selected) for selected in record.selection_mask]
    text = format_toml(entries, header="written by SymbolicRegressor.fit: how the data's columns map to the equations")
    (Path(run_directory) / ESTIMATOR_FILE).write_text(text, encoding="utf-8")


def read_estimator_record(run_directory: str | os.PathLike) -> EstimatorRecord | None:
    """The folder's record, None when it has none (a run of ``search()``), or RunFolderError."""
    path = Path(run_directory) / ESTIMATOR_FILE
    if not path.is_file():
        return None
    try:
        settings = parse_toml(path.read_text(encoding="utf-8"))
        if settings.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"format_version {settings.get('format_version')!r} (this pysr_lite reads {FORMAT_VERSION})")
        record = EstimatorRecord(
            n_features_in=int(settings["n_features_in"]),
            feature_names_in=[str(name) for name in settings["feature_names_in"]],
            variable_names=[str(name) for name in settings["variable_names"]],
            selection_mask=settings.get("selection_mask"),
            n_outputs=int(settings["n_outputs"]),
        )
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as error:
        raise RunFolderError(f"{path} cannot be read ({type(error).__name__}: {error}); is it damaged?") from None
    selected = record.n_features_in if record.selection_mask is None else int(np.sum(record.selection_mask))
    if len(record.feature_names_in) != record.n_features_in or len(record.variable_names) != selected or (
        record.selection_mask is not None and len(record.selection_mask) != record.n_features_in
    ):
        raise RunFolderError(f"{path}: the numbers of names, features and selected features disagree")
    return record
