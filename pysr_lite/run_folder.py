"""The Python side of the run folder (docs/protocol.md): everything written for the engine and read back.

A run folder holds ``options.toml`` (protocol version, data shape, every option, and TOML tables
for structured settings), ``user.jl`` (only when the user gave Julia source: custom operators,
losses, the early-stop condition), the binary data ``X.bin``/``y.bin``/``weights.bin``, and
what the engine writes (``hall_of_fame.csv``, logs). Folders are private to the user (mode 0700):
``user.jl`` is code the engine runs.

Reading is as careful as writing: a damaged or hostile ``options.toml`` gives a ``RunFolderError``
that names the file and the field, never a raw decoding or key error.

>>> print(format_toml({"niterations": 40, "binary_operators": ["+", "*"], "constraints": {"^": [-1, 1]}}))
niterations = 40
binary_operators = ["+", "*"]
<BLANKLINE>
[constraints]
"^" = [-1, 1]
<BLANKLINE>
"""

from __future__ import annotations

import math
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .data import Dataset, validate_variable_names
from .operators import BUILTIN_OPERATORS, OperatorTable
from .units import SearchUnits, UnitError, validate_units

PROTOCOL_VERSION = 2
OPTIONS_FILE = "options.toml"
USER_SOURCE_FILE = "user.jl"
HALL_OF_FAME_FILE = "hall_of_fame.csv"
CHECKPOINT_FILE = "checkpoint.toml"  # the engine's text checkpoint, rewritten after every iteration
RESUME_FILE = "resume.toml"  # a checkpoint copied in by the frontend: the search resumes from it
CHECKPOINT_VERSION = 1
_FLOAT_TYPES = {32: "<f4", 64: "<f8"}
# options.toml integers are signed 64-bit (TOML's and Julia's Int).
INT64_RANGE = (-(2**63), 2**63 - 1)
# The roles of user.jl functions other than operators (docs/protocol.md, "user.jl").
USER_FUNCTION_ROLES = ("early_stop_condition", "elementwise_loss", "loss_function")
# A user operator's name, as a Julia definition names it (see operators.julia_definition).
_OPERATOR_NAME = re.compile(r"[^\W\d]\w*\Z")


class RunFolderError(ValueError):
    """A run folder that does not follow docs/protocol.md (damaged, hostile or from another version)."""


class CheckpointError(RunFolderError):
    """A checkpoint that cannot be resumed from (missing, damaged or of another version)."""


# ----------------------------------------------------------------------------------------------
# Creating
# ----------------------------------------------------------------------------------------------


def create_run_directory(output_directory: str | os.PathLike, run_id: str | None = None) -> Path:
    """Create a fresh, never-shared run folder ``<output_directory>/<YYYYmmdd_HHMMSS>_<8 hex>``
    (or ``<output_directory>/<run_id>``, which must not exist yet).

    The folder is readable and writable by its owner only, whatever the umask: its user.jl is
    code the engine will run.
    """
    parent = Path(output_directory)
    parent.mkdir(parents=True, exist_ok=True)
    if run_id is not None:
        try:
            (parent / run_id).mkdir(mode=0o700)
        except FileExistsError:
            raise FileExistsError(f"the run folder {parent / run_id} already exists; choose another run_id") from None
        os.chmod(parent / run_id, 0o700)
        return (parent / run_id).resolve()
    for _attempt in range(100):
        name = f"{datetime.now():%Y%m%d_%H%M%S}_{secrets.token_hex(4)}"
        try:
            (parent / name).mkdir(mode=0o700, exist_ok=False)
        except FileExistsError:
            continue
        os.chmod(parent / name, 0o700)  # mkdir's mode is filtered by the umask; this is not
        return (parent / name).resolve()
    raise RuntimeError(f"could not create a fresh run folder in {parent}")


def float_type(precision: int) -> np.dtype:
    """The little-endian float dtype of the run's binary files."""
    if precision not in _FLOAT_TYPES:
        raise ValueError(f"precision must be 32 or 64, got {precision!r}")
    return np.dtype(_FLOAT_TYPES[precision])


def _to_precision(values: np.ndarray, precision: int, label: str) -> np.ndarray:
    with np.errstate(over="ignore"):
        converted = values.astype(float_type(precision))
    if not np.isfinite(converted).all():
        raise ValueError(
            f"{label} has values too large for precision={precision}; rescale them or use "
            "precision=64"
        )
    return converted


def write_data_files(run_directory: str | os.PathLike, dataset: Dataset, precision: int) -> None:
    """Write X.bin (column-major), y.bin and, with weights, weights.bin into the run folder."""
    run_directory = Path(run_directory)
    # Column-major: all rows of feature 0, then feature 1, ... Written one column at a time so
    # that a large X is never copied whole (the frontend's share of memory stays small).
    with open(run_directory / "X.bin", "wb") as file:
        for column in range(dataset.X.shape[1]):
            _to_precision(dataset.X[:, column], precision, "X").tofile(file)
    _to_precision(dataset.y, precision, "y").tofile(run_directory / "y.bin")
    if dataset.weights is not None:
        _to_precision(dataset.weights, precision, "weights").tofile(run_directory / "weights.bin")


def read_data_files(
    run_directory: str | os.PathLike, n_rows: int, n_features: int, precision: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Read back X (n_rows, n_features), y and weights (None if absent) from a run folder."""
    run_directory = Path(run_directory)
    dtype = float_type(precision)
    X = np.fromfile(run_directory / "X.bin", dtype=dtype).reshape(n_features, n_rows).T
    y = np.fromfile(run_directory / "y.bin", dtype=dtype)
    weights_path = run_directory / "weights.bin"
    weights = np.fromfile(weights_path, dtype=dtype) if weights_path.exists() else None
    return X, y, weights


# ----------------------------------------------------------------------------------------------
# options.toml: a TOML subset that Python's tomllib and Julia 1.5's Pkg.TOML both read
# ----------------------------------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_EXPONENT_LEADING_ZEROS = re.compile(r"e([+-]?)0+(?=\d)")
_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(text: str) -> str:
    """A basic TOML string: every control character escaped, so no text can break a line."""
    escaped = []
    for character in text:
        if character in _STRING_ESCAPES:
            escaped.append(_STRING_ESCAPES[character])
        elif ord(character) < 0x20 or ord(character) == 0x7F or 0xD800 <= ord(character) <= 0xDFFF:
            if 0xD800 <= ord(character) <= 0xDFFF:
                raise ValueError(f"{text!r} holds a lone surrogate, which TOML cannot carry")
            escaped.append(f"\\u{ord(character):04x}")
        else:
            escaped.append(character)
    return '"' + "".join(escaped) + '"'


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        if not INT64_RANGE[0] <= int(value) <= INT64_RANGE[1]:
            raise ValueError(f"{where} = {value} does not fit a 64-bit integer")
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            # Julia 1.5's TOML reader has no inf/nan: "none" is written by leaving the key out.
            raise ValueError(f"{where} = {value} cannot be written to {OPTIONS_FILE} (not finite)")
        # Shortest round-trip text, always with '.' or 'e' (a TOML float); Julia 1.5's TOML reader
        # refuses an exponent with a leading zero ("2.5e-09"), so it is written "2.5e-9".
        return _EXPONENT_LEADING_ZEROS.sub(r"e\1", repr(float(value)))
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, (list, tuple)):
        items = list(value)
        # TOML arrays are homogeneous: integers beside floats are written as floats.
        if any(isinstance(item, (float, np.floating)) for item in items):
            items = [float(item) if isinstance(item, (int, np.integer)) and not isinstance(item, bool) else item
                     for item in items]
        return "[" + ", ".join(_toml_value(item, where) for item in items) + "]"
    raise TypeError(f"cannot write {where} = {value!r} to {OPTIONS_FILE}")


def format_toml(entries: Mapping[str, Any], *, header: str = "") -> str:
    """TOML text for ``entries``: scalars and arrays first, then one ``[table]`` per dict value
    (nested dicts become ``[table.key]``)."""
    lines = [f"# {header}"] if header else []
    tables: list[tuple[list[str], Mapping[str, Any]]] = []
    for key, value in entries.items():
        if isinstance(value, Mapping):
            tables.append(([key], value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value, key)}")
    while tables:
        path, table = tables.pop(0)
        lines.append("")
        lines.append("[" + ".".join(_toml_key(part) for part in path) + "]")
        for key, value in table.items():
            if isinstance(value, Mapping):
                tables.append(([*path, key], value))
            else:
                lines.append(f"{_toml_key(key)} = {_toml_value(value, '.'.join([*path, key]))}")
    return "\n".join(lines) + "\n"


def parse_toml(text: str) -> dict[str, Any]:
    """Python's TOML reader (``tomllib``, or ``tomli`` before Python 3.11)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11
        import tomli as tomllib
    return tomllib.loads(text)


# ----------------------------------------------------------------------------------------------
# user.jl
# ----------------------------------------------------------------------------------------------


def format_user_source(operators: OperatorTable, user_functions: Mapping[str, str]) -> str:
    """user.jl for a run: the custom operators at top level under their own names, then each
    other role's source bound to the role's name in its own ``let`` (so two sources that both
    define ``f`` cannot collide)."""
    parts = [
        "# user.jl: the Julia source given to pysr_lite for this run (docs/protocol.md). The engine",
        "# evaluates it in a fresh module; options.toml's [user_functions] names what it defines.",
    ]
    for operator in operators.custom:
        parts += ["", f"# {'unary' if operator.arity == 1 else 'binary'} operator {operator.name}", operator.julia_source]
    for role, source in user_functions.items():
        parts += ["", f"# {role}", f"const {role} = let", source.strip(), "end"]
    return "\n".join(parts) + "\n"


_SECTION_HEADER = re.compile(r"^# (?:(unary|binary) operator (\S+)|" + "|".join(USER_FUNCTION_ROLES) + ")$")


def read_operator_sources(user_source: str) -> dict[str, str]:
    """The Julia source of each custom operator in a user.jl that ``format_user_source`` wrote:
    the lines under its ``# unary operator NAME`` header, up to the blank line before the next
    header. Used to rebuild a run's operators when its results are loaded again."""
    sources: dict[str, list[str]] = {}
    current: list[str] | None = None
    lines = user_source.split("\n")
    for index, line in enumerate(lines):
        header = _SECTION_HEADER.match(line) if index > 0 and lines[index - 1] == "" else None
        if header:
            current = sources.setdefault(header.group(2), []) if header.group(2) else None
            if current is not None:
                current.clear()
        elif current is not None:
            current.append(line)
    return {name: "\n".join(body).strip() for name, body in sources.items()}


@dataclass(frozen=True)
class RunSpec:
    """What a run folder says about its run: the data's shape and names, and every setting."""

    n_rows: int
    n_features: int
    precision: int
    has_weights: bool
    variable_names: list[str]
    settings: dict[str, Any]  # every key of options.toml (tables included)
    custom_operators: dict[str, int]  # user operator name -> arity
    units: SearchUnits | None = None  # X_units / y_units as the user wrote them, read again


def units_table(units: SearchUnits) -> dict[str, Any]:
    """options.toml's ``[units]`` table: the unit text as given (for people and ``load_result``)
    and the exponents the engine uses, one list of 7 per feature (docs/protocol.md).

    >>> from pysr_lite.units import validate_units
    >>> units_table(validate_units(["km", "s"], "m/s", n_features=2))["X_dimensions"][0]
    [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    table: dict[str, Any] = {
        "X": [unit.text for unit in units.features],
        "X_dimensions": [[float(exponent) for exponent in unit.exponents] for unit in units.features],
    }
    if units.target is not None:
        table["y"] = units.target.text
        table["y_dimensions"] = [float(exponent) for exponent in units.target.exponents]
    return table


def write_run_folder(
    run_directory: str | os.PathLike,
    dataset: Dataset,
    entries: Mapping[str, Any],
    *,
    precision: int,
    operators: OperatorTable,
    user_functions: Mapping[str, str],
    resume_checkpoint: str | None = None,
    units: SearchUnits | None = None,
    deadline_unix_seconds: float | None = None,
) -> Path:
    """Write a run's data, options.toml and (when needed) user.jl; return the folder.

    ``entries`` are the option entries for options.toml (``options.toml_entries``);
    ``user_functions`` maps a role (``USER_FUNCTION_ROLES``) to its Julia source;
    ``resume_checkpoint`` is the text of a checkpoint to resume from (see ``read_checkpoint``);
    ``units`` (``units.validate_units``) become the ``[units]`` table.
    ``deadline_unix_seconds`` is the budget's end (``pysr_lite.budget``), None for no budget.
    """
    run_directory = Path(run_directory)
    write_data_files(run_directory, dataset, precision)
    document: dict[str, Any] = {
        "protocol_version": PROTOCOL_VERSION,
        "n_rows": dataset.n_rows,
        "n_features": dataset.n_features,
        "has_weights": dataset.weights is not None,
        "variable_names": list(dataset.variable_names),
        **entries,
    }
    if units is not None:
        document["units"] = units_table(units)
    if deadline_unix_seconds is not None:
        document["deadline_unix_seconds"] = float(deadline_unix_seconds)
    custom = operators.custom
    if custom or user_functions:
        document["user_functions"] = {
            **({"operators": [operator.name for operator in custom]} if custom else {}),
            **{role: role for role in user_functions},
        }
        (run_directory / USER_SOURCE_FILE).write_text(format_user_source(operators, user_functions), encoding="utf-8")
    if resume_checkpoint is not None:
        (run_directory / RESUME_FILE).write_text(resume_checkpoint, encoding="utf-8")
    text = format_toml(document, header=f"pysr_lite run options (protocol version {PROTOCOL_VERSION}); written by the frontend")
    (run_directory / OPTIONS_FILE).write_text(text, encoding="utf-8")
    return run_directory


# ----------------------------------------------------------------------------------------------
# Reading back
# ----------------------------------------------------------------------------------------------


def _field(settings: Mapping[str, Any], key: str, kind: type | tuple, path: Path) -> Any:
    if key not in settings:
        raise RunFolderError(f"{path} lacks the field {key!r}; is it a pysr_lite run folder?")
    value = settings[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise RunFolderError(f"{path}: field {key!r} has the wrong type ({type(value).__name__})")
    return value


def _name_list(settings: Mapping[str, Any], key: str, path: Path) -> list[str]:
    value = settings.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RunFolderError(f"{path}: field {key!r} must be a list of names")
    return value


def read_run_folder(run_directory: str | os.PathLike) -> RunSpec:
    """Read and check a run folder's options.toml (every field the frontend relies on).

    Raises FileNotFoundError when there is no options.toml and RunFolderError, naming the file
    and the field, for anything damaged.
    """
    path = Path(run_directory) / OPTIONS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{Path(run_directory)} is not a pysr_lite run folder: it has no {OPTIONS_FILE}")
    try:
        settings = parse_toml(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise RunFolderError(f"{path} is not UTF-8 text ({error.reason} at byte {error.start}); is it damaged?") from None
    except ValueError as error:  # tomllib.TOMLDecodeError is a ValueError
        raise RunFolderError(f"{path} is not valid TOML ({error}); is it truncated or damaged?") from None
    version = _field(settings, "protocol_version", int, path)
    if version != PROTOCOL_VERSION:
        raise RunFolderError(
            f"{path} has protocol version {version}; this pysr_lite reads version {PROTOCOL_VERSION}"
        )
    n_rows = _field(settings, "n_rows", int, path)
    n_features = _field(settings, "n_features", int, path)
    precision = _field(settings, "precision", int, path)
    has_weights = _field(settings, "has_weights", bool, path)
    if n_rows < 1 or n_features < 1 or precision not in _FLOAT_TYPES:
        raise RunFolderError(f"{path}: n_rows, n_features must be positive and precision 32 or 64")
    user_functions = settings.get("user_functions", {})
    if not isinstance(user_functions, dict):
        raise RunFolderError(f"{path}: [user_functions] must be a table")
    custom_names = set(_name_list(user_functions, "operators", path))
    try:
        names = validate_variable_names(_field(settings, "variable_names", list, path), n_features)
    except ValueError as error:
        raise RunFolderError(f"{path}: {error}") from None
    custom_operators: dict[str, int] = {}
    for key, arity in (("binary_operators", 2), ("unary_operators", 1)):
        for name in _name_list(settings, key, path):
            if name in custom_names:
                _check_custom_operator_name(name, custom_operators, names, path)
                custom_operators[name] = arity
    return RunSpec(n_rows, n_features, precision, has_weights, names, settings, custom_operators,
                   _read_units(settings, n_features, path))


def _read_units(settings: Mapping[str, Any], n_features: int, path: Path) -> SearchUnits | None:
    """The units of a run, read again from their text in ``[units]`` (None without the table)."""
    table = settings.get("units")
    if table is None:
        return None
    if not isinstance(table, dict) or "X" not in table:
        raise RunFolderError(f"{path}: [units] must be a table with the units of X")
    try:
        return validate_units(table["X"], table.get("y"), n_features)
    except UnitError as error:
        raise RunFolderError(f"{path}: [units]: {error}") from None


# ----------------------------------------------------------------------------------------------
# Checkpoints
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A search's state as the engine saved it: equation text per population and the front."""

    path: Path
    text: str  # the file as written, handed to the engine unchanged
    iterations: int
    populations: list[list[str]]
    hall_of_fame: list[str]


def read_checkpoint(location: str | os.PathLike) -> Checkpoint:
    """The checkpoint of a run folder (or a checkpoint file), checked before any search uses it.

    Raises CheckpointError, naming the file, for a missing, damaged or other-version checkpoint.
    """
    path = Path(location)
    if path.is_dir():
        path = path / CHECKPOINT_FILE
    if not path.is_file():
        raise CheckpointError(
            f"{path} does not exist: the run wrote no checkpoint yet (the engine writes one after every "
            "iteration, after the front), or this is not a pysr_lite run folder"
        )
    try:
        text = path.read_bytes().decode("utf-8")
        document = parse_toml(text)
    except UnicodeDecodeError as error:
        raise CheckpointError(f"{path} is not UTF-8 text ({error.reason}); is it damaged?") from None
    except ValueError as error:
        raise CheckpointError(f"{path} is not valid TOML ({error}); is it truncated or damaged?") from None
    version = document.get("checkpoint_version")
    if version != CHECKPOINT_VERSION:
        raise CheckpointError(
            f"{path} is a checkpoint of version {version!r}; this pysr_lite resumes version {CHECKPOINT_VERSION}"
        )

    def equations(value: Any, what: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise CheckpointError(f"{path}: {what} must be a list of equations")
        return value

    populations = document.get("populations", [])
    if not isinstance(populations, list) or not all(isinstance(table, dict) for table in populations):
        raise CheckpointError(f"{path}: [[populations]] must be tables")
    iterations = document.get("iterations", 0)
    if not isinstance(iterations, int) or isinstance(iterations, bool):
        raise CheckpointError(f"{path}: iterations must be an integer")
    return Checkpoint(
        path,
        text,
        iterations,
        [equations(table.get("members", []), "populations.members") for table in populations],
        equations(document.get("hall_of_fame", []), "hall_of_fame"),
    )


def _check_custom_operator_name(name: str, seen: Mapping[str, int], variable_names: list[str], path: Path) -> None:
    """A user operator's name must be one the frontend could have written: a Julia identifier that
    is neither a built-in operator nor a variable, of one arity."""
    problem = None
    if not _OPERATOR_NAME.match(name):
        problem = "is not an identifier"
    elif name in BUILTIN_OPERATORS.names():
        problem = "is the name of a built-in operator"
    elif name in variable_names:
        problem = "is also a variable name"
    elif name in seen:
        problem = "is listed as both a binary and a unary operator"
    if problem is not None:
        raise RunFolderError(f"{path}: user operator {name!r} (in [user_functions] operators) {problem}")
