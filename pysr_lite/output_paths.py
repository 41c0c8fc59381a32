"""Checking where results will be written, before any search starts.

A search can take hours; finding out afterwards that the results cannot be written (the output
folder is a file, a folder is read-only, the CSV path is a folder) would lose them. Every place
that writes results checks its paths first with these functions.

>>> check_output_directory("outputs")
PosixPath('outputs')
"""

from __future__ import annotations

import os
from pathlib import Path


def _nearest_existing(path: Path) -> Path:
    for candidate in [path, *path.absolute().parents]:
        if candidate.exists():
            return candidate
    return Path("/")


def check_output_directory(path: str | os.PathLike, label: str = "output_directory") -> Path:
    """``path`` if run folders can be created in it (it is a writable folder, or can be made one);
    otherwise a ValueError saying why."""
    path = Path(path)
    existing = _nearest_existing(path)
    if not existing.is_dir():
        raise ValueError(f"{label} {os.fspath(path)!r} cannot be a folder: {os.fspath(existing)!r} is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(f"{label} {os.fspath(path)!r}: no permission to create folders in {os.fspath(existing)!r}")
    return path


def check_output_file(path: str | os.PathLike, label: str = "output file") -> Path:
    """``path`` if a file can be written there (its folder exists and is writable, and it is not
    itself a folder); otherwise a ValueError saying why."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{label} {os.fspath(path)!r} is a folder; give a file name, e.g. {os.fspath(path / 'equations.csv')!r}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"{label} {os.fspath(path)!r}: the folder {os.fspath(folder)!r} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValueError(f"{label} {os.fspath(path)!r} is not writable")
    return path
