"""Every option of a search, in one table: name, default, validation, documentation, TOML key.

The table drives everything else: ``search()``'s and ``SymbolicRegressor``'s signatures, the
validation of user input, the CLI's ``--option name=value`` and the ``options.toml`` written for
the engine (docs/protocol.md). Adding an option is one line in ``OPTIONS``.

>>> options = resolve_options(niterations=5, binary_operators=["plus", "mult"])
>>> options["binary_operators"], options["populations"]
(['+', '*'], 31)
>>> resolve_options(populatons=3)
Traceback (most recent call last):
...
ValueError: unknown option 'populatons'; did you mean 'populations'?
"""

from __future__ import annotations

import ast
import difflib
import inspect
import math
import numbers
import os
import re
import secrets
import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from .cluster import (PARALLELISM_CHOICES, check_cluster_hosts, check_cluster_manager, parse_cluster_hosts,
                      resolve_parallelism)
from .equations import MAX_DEPTH
from .operators import BUILTIN_OPERATORS, OperatorTable, custom_operator, julia_definition
from .operators import ALIASES

# ----------------------------------------------------------------------------------------------
# Kinds of values. Each checks (and normalizes) a Python value and parses CLI text.
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How one option's values are checked, normalized and read from text.

    ``check(name, value)`` returns the normalized value or raises ValueError with a message that
    names the option, what it expects and what it got. ``describe`` is that expectation in words.
    """

    describe: str
    check: Callable[[str, Any], Any]
    parse_text: Callable[[str], Any]


def _fail(name: str, expected: str, value: Any) -> None:
    raise ValueError(f"{name} must be {expected}, got {value!r}")


def _is_integer(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


# What an options.toml integer (signed 64-bit) holds with room to spare.
LARGEST_INTEGER = 2**62


def integer(minimum: int | None = None, maximum: int | None = None) -> Kind:
    """Integers in [minimum, maximum] (minimum optional; maximum at most ``LARGEST_INTEGER``)."""
    if minimum in (0, 1):
        expected = "a positive integer" if minimum == 1 else "a non-negative integer"
        if maximum is not None:
            expected += f" up to {maximum}"
    elif maximum is None:
        expected = f"an integer >= {minimum}"
    else:
        expected = f"an integer between {minimum} and {maximum}"

    def check(name: str, value: Any) -> int:
        if not _is_integer(value):
            _fail(name, expected, value)
        value = int(value)
        if (minimum is not None and value < minimum) or value > (LARGEST_INTEGER if maximum is None else maximum):
            _fail(name, expected if value <= LARGEST_INTEGER else f"{expected} up to {LARGEST_INTEGER}", value)
        return value

    return Kind(expected, check, int)


def real(
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    exclusive_minimum: bool = False,
    allow_infinite: bool = False,
) -> Kind:
    """Real numbers (ints accepted, returned as float) in a range."""
    if minimum == 0 and maximum is None:
        expected = "a positive number" if exclusive_minimum else "a non-negative number"
    elif minimum is not None and maximum is not None:
        expected = f"a number between {minimum} and {maximum}"
    else:
        expected = "a number"

    def check(name: str, given: Any) -> float:
        if not _is_real(given):
            _fail(name, expected, given)
        try:
            value = float(given)
        except OverflowError:  # an integer beyond any float, e.g. 10**400
            _fail(name, "a finite " + expected.replace("a ", "", 1), given)
        if math.isnan(value) or (math.isinf(value) and not allow_infinite):
            _fail(name, "a finite " + expected.replace("a ", "", 1), given)
        too_small = minimum is not None and (
            value <= minimum if exclusive_minimum else value < minimum
        )
        too_large = maximum is not None and value > maximum
        if too_small or too_large:
            _fail(name, expected, given)
        return value

    return Kind(expected, check, float)


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _check_bool(name: str, value: Any) -> bool:
    # numpy booleans are accepted; 0/1 are not, so a misplaced number is caught.
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    _fail(name, "True or False", value)


BOOLEAN = Kind("True or False", _check_bool, _parse_bool)


def choice(*allowed: Any) -> Kind:
    """One value out of ``allowed`` (all strings or all integers)."""
    expected = "one of " + ", ".join(repr(a) for a in allowed)

    def check(name: str, value: Any) -> Any:
        if isinstance(value, bool) or value not in allowed:
            _fail(name, expected, value)
        return type(allowed[0])(value)

    def parse_text(text: str) -> Any:
        return int(text) if _is_integer(allowed[0]) else text.strip()

    return Kind(expected, check, parse_text)


def _text(name: str, value: Any) -> str:
    if not isinstance(value, (str, os.PathLike)):
        _fail(name, "a path", value)
    return os.fspath(value)


PATH = Kind("a path", _text, str.strip)

_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def _check_run_id(name: str, value: Any) -> str:
    # One folder name, never a path: a run_id cannot reach outside output_directory.
    if not isinstance(value, str) or not _RUN_ID.match(value) or len(value) > 200:
        _fail(name, "a folder name of letters, digits, '.', '_' and '-' (not starting with '.' or '-')", value)
    return value


RUN_ID = Kind("a folder name", _check_run_id, str.strip)

OPTIMIZER_ALGORITHMS = ("BFGS", "NelderMead")


def _check_optimizer_algorithm(name: str, value: Any) -> str:
    # PySR raises NotImplementedError here: an algorithm that may be supported later.
    if value not in OPTIMIZER_ALGORITHMS:
        raise NotImplementedError(
            f"{name} {value!r} is not available; pysr_lite supports {', '.join(OPTIMIZER_ALGORITHMS)}"
        )
    return value


OPTIMIZER_ALGORITHM = Kind("'BFGS' or 'NelderMead'", _check_optimizer_algorithm, str.strip)


def operator_list(arity: int) -> Kind:
    """A list of operators of one arity: built-in names (rewritten to the protocol's canonical
    names) or Julia definitions of user operators (``"inv2(x) = 1/x^2"``, kept as given)."""
    expected = f"a list of {'binary' if arity == 2 else 'unary'} operator names"

    def check(name: str, value: Any) -> list[str]:
        if isinstance(value, str):
            # A single string is a common slip for a one-element list; "+,-" too, from shells.
            value = [part for part in value.split(",") if part.strip()]
        if not isinstance(value, Sequence) or isinstance(value, (bytes, bytearray)):
            _fail(name, expected, value)
        canonical: list[str] = []
        for item in value:
            if not isinstance(item, str):
                _fail(name, expected, value)
            try:
                operator = BUILTIN_OPERATORS.canonical_name(item, arity)
            except ValueError as error:
                if julia_definition(item) is None:
                    raise ValueError(f"{name}: {error} (or a Julia definition such as "
                                     f"{'inv2(x) = 1/x^2' if arity == 1 else 'myop(x, y) = x^2 / (1 + y)'!r})") from None
                operator = item.strip()
            if operator not in canonical:  # duplicates are harmless; keep the first
                canonical.append(operator)
        return canonical

    def parse_text(text: str) -> list[str]:
        return [part.strip() for part in text.split(",") if part.strip()]

    return Kind(expected, check, parse_text)


def _check_mappings(name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        _fail(name, "a dict from operator name to a function", value)
    return dict(value)


MAPPINGS = Kind("a dict from operator name to a function", _check_mappings, lambda text: _fail("mapping", "given in Python", text))


def _check_julia_source(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(name, "Julia source (a non-empty string)", value)
    if "\x00" in value:
        _fail(name, "Julia source without NUL characters", value)
    return value.strip()


JULIA_SOURCE = Kind("Julia source", _check_julia_source, str)

# PySR's built-in elementwise losses (LossFunctions.jl names) and what their parameter must be.
BUILTIN_LOSSES = {"L2DistLoss": None, "L1DistLoss": None, "LogCoshLoss": None, "HuberLoss": "positive",
                  "LPDistLoss": "positive", "L1EpsilonInsLoss": "non-negative", "QuantileLoss": "between 0 and 1"}
_BUILTIN_LOSS = re.compile(r"\s*([A-Za-z0-9]+)\s*(?:\(\s*([^()]*?)\s*\))?\s*\Z")


def builtin_loss(text: str) -> str | None:
    """PySR's spelling of a built-in loss, normalised (``"HuberLoss(1.0)"``), or None when
    ``text`` is Julia source instead. A built-in with a bad parameter is a ValueError.

    >>> builtin_loss("L1DistLoss"), builtin_loss("HuberLoss( 2 )"), builtin_loss("f(x, y) = abs(x - y)")
    ('L1DistLoss()', 'HuberLoss(2.0)', None)
    """
    match = _BUILTIN_LOSS.match(text)
    if match is None or match.group(1) not in BUILTIN_LOSSES:
        return None
    name, parameter_text = match.group(1), match.group(2) or ""
    requirement = BUILTIN_LOSSES[name]
    if requirement is None:
        if parameter_text:
            raise ValueError(f"elementwise_loss {name}() takes no parameter, got {text!r}")
        return f"{name}()"
    try:
        parameter = float(parameter_text)
    except ValueError:
        raise ValueError(f"elementwise_loss {name} needs a {requirement} number, e.g. {name}(1.0); got {text!r}") from None
    valid = {"positive": parameter > 0, "non-negative": parameter >= 0, "between 0 and 1": 0 < parameter < 1}[requirement]
    if not valid or not math.isfinite(parameter):
        raise ValueError(f"elementwise_loss {name} needs a {requirement} number, e.g. {name}(1.0); got {text!r}")
    return f"{name}({parameter!r})"


def _check_elementwise_loss(name: str, value: Any) -> str:
    source = _check_julia_source(name, value)
    return builtin_loss(source) or source


ELEMENTWISE_LOSS = Kind("a built-in loss such as 'L1DistLoss()' or Julia source of f(prediction, target)",
                        _check_elementwise_loss, str)


def optional(kind: Kind) -> Kind:
    """``kind`` or None (what None means in options.toml is up to the option's ``to_toml``)."""

    def check(name: str, value: Any) -> Any:
        return None if value is None else kind.check(name, value)

    def parse_text(text: str) -> Any:
        return None if text.strip().lower() in ("none", "null", "") else kind.parse_text(text)

    return Kind(kind.describe + " or None", check, parse_text)


def _check_early_stop(name: str, value: Any) -> Any:
    expected = "a loss threshold (a number) or Julia source of a function of (loss, complexity)"
    if isinstance(value, str):
        return _check_julia_source(name, value)
    if not _is_real(value) or not math.isfinite(float(value)):
        _fail(name, expected, value)
    return float(value)


def _parse_early_stop(text: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return text


EARLY_STOP = Kind(
    "a loss threshold or Julia source of a function of (loss, complexity)", _check_early_stop, _parse_early_stop
)


# --- complexity weights and operator constraints (checked against the operators in
# --- resolve_operator_options, once the search's operators are known)


def _positive_number(name: str, value: Any) -> int | float:
    """A positive finite number: an int stays an int (options.toml then shows ``3``, not ``3.0``)."""
    if not _is_real(value) or not math.isfinite(float(value)) or value <= 0:
        _fail(name, "a positive number", value)
    return int(value) if _is_integer(value) else float(value)


def _limit(name: str, value: Any) -> int:
    if not _is_integer(value) or value < -1:
        _fail(name, "-1 (no limit) or a non-negative integer", value)
    return int(value)


def _operator_mapping(name: str, value: Any, expected: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        _fail(name, expected, value)
    return value


def _literal(text: str) -> Any:
    """A Python literal from the command line (``{'^': (-1, 1)}``, ``[2, 3]``); never executed."""
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        raise ValueError(f"expected a Python literal such as {{'sin': 2}} or [1, 2], got {text!r}") from None


def _check_operator_complexities(name: str, value: Any) -> dict[str, int | float]:
    mapping = _operator_mapping(name, value, "a dict from operator name to a positive number, e.g. {'sin': 2, '/': 3}")
    return {key: _positive_number(f"{name}[{key!r}]", weight) for key, weight in mapping.items()}


OPERATOR_COMPLEXITIES = Kind("a dict from operator name to a positive number", _check_operator_complexities, _literal)


def _check_variable_complexities(name: str, value: Any) -> int | float | list[int | float]:
    if _is_real(value):
        return _positive_number(name, value)
    if hasattr(value, "tolist") and not isinstance(value, Mapping):  # a numpy array
        value = value.tolist()
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)) or not value:
        _fail(name, "a positive number, or a list of one positive number per feature", value)
    return [_positive_number(f"{name}[{index}]", item) for index, item in enumerate(value)]


VARIABLE_COMPLEXITIES = Kind("a positive number or one per feature", _check_variable_complexities, _literal)
POSITIVE_NUMBER = Kind("a positive number", _positive_number, float)


def _check_constraints(name: str, value: Any) -> dict[str, int | tuple[int, int]]:
    expected = "a dict from operator name to a limit: an integer (unary) or a pair (binary), e.g. {'^': (-1, 1), 'sin': 5}"
    checked: dict[str, int | tuple[int, int]] = {}
    for key, limit in _operator_mapping(name, value, expected).items():
        where = f"{name}[{key!r}]"
        if _is_integer(limit):
            checked[key] = _limit(where, limit)
        elif isinstance(limit, (tuple, list)) and len(limit) == 2:
            checked[key] = (_limit(f"{where}[0]", limit[0]), _limit(f"{where}[1]", limit[1]))
        else:
            _fail(where, "an integer (for a unary operator) or a pair of integers (for a binary one); -1 means no limit", limit)
    return checked


CONSTRAINTS = Kind("a dict from operator name to an argument limit or a pair of them", _check_constraints, _literal)


def _check_nested_constraints(name: str, value: Any) -> dict[str, dict[str, int]]:
    expected = "a dict from operator name to a dict of nested operator -> most occurrences, e.g. {'sin': {'cos': 0}}"
    checked = {}
    for outer, inner in _operator_mapping(name, value, expected).items():
        inner = _operator_mapping(f"{name}[{outer!r}]", inner, "a dict from nested operator name to its most occurrences, e.g. {'cos': 0}")
        checked[outer] = {key: _limit(f"{name}[{outer!r}][{key!r}]", limit) for key, limit in inner.items()}
    return checked


NESTED_CONSTRAINTS = Kind("a dict from operator name to a dict of nested operator limits", _check_nested_constraints, _literal)


# --- dimensional analysis (units are arguments of search() and fit(); these say what to do with them)

# What a custom operator may declare about dimensions besides copying a built-in operator's rule.
DIMENSIONLESS_RULE = "dimensionless"


def _check_operator_dimensions(name: str, value: Any) -> dict[str, str | float]:
    expected = "a dict from custom operator name to a built-in operator's name, 'dimensionless' or a power, e.g. {'inv2': -2}"
    checked: dict[str, str | float] = {}
    for operator, rule in _operator_mapping(name, value, expected).items():
        where = f"{name}[{operator!r}]"
        if isinstance(rule, str):
            checked[operator] = rule.strip()
        elif _is_real(rule) and math.isfinite(float(rule)):
            checked[operator] = float(rule)
        else:
            _fail(where, "a built-in operator's name (its rule is copied), 'dimensionless', or a power for a unary operator", rule)
    return checked


OPERATOR_DIMENSIONS = Kind("a dict from custom operator name to its dimensional rule", _check_operator_dimensions, _literal)


CLUSTER_MANAGER = Kind("'slurm'", check_cluster_manager, str.strip)
CLUSTER_HOSTS = Kind("a list of hosts or the path of a Julia machine file", check_cluster_hosts, parse_cluster_hosts)


# ----------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------


def as_is(name: str, value: Any) -> dict[str, Any]:
    """Written to options.toml under the option's own name, unchanged."""
    return {name: value}


def none_as(replacement: Any) -> Callable[[str, Any], dict[str, Any]]:
    """Written under the option's name, with None replaced (e.g. timeout None -> 0 = none)."""
    return lambda name, value: {name: replacement if value is None else value}


def _early_stop(name: str, value: Any) -> dict[str, Any]:
    # PySR's early_stop_condition is a loss threshold or Julia source: a threshold is written as
    # early_stop_loss; source goes to user.jl (see user_functions); none writes nothing.
    return {"early_stop_loss": value} if isinstance(value, float) else {}


def _unless_empty(name: str, value: Any) -> dict[str, Any]:
    """Written (as a TOML table) only when given and not empty: the engine's default is none."""
    return {name: value} if value else {}


def _elementwise_loss(name: str, value: Any) -> dict[str, Any]:
    # A built-in loss is written here; Julia source goes to user.jl (see user_functions).
    return {name: value} if value is not None and builtin_loss(value) == value else {}


@dataclass(frozen=True)
class OptionSpec:
    """One option: its name (as in PySR), default, kind and one-line documentation.

    ``to_toml(name, resolved_value)`` gives the options.toml entries of the option (usually
    ``{name: value}``); None keeps the option in Python (like ``verbosity``). ``group`` is the
    key of its topic in ``OPTION_GROUPS``, under which the option reference lists it.
    """

    name: str
    default: Any
    kind: Kind
    doc: str
    to_toml: Callable[[str, Any], dict[str, Any]] | None = as_is
    group: str = ""


@dataclass(frozen=True)
class OptionGroup:
    """A topic of the option reference: its heading and a sentence on when to reach for it."""

    title: str
    intro: str


# The topics of docs/options.md, in the order a user meets them. Every option names one.
OPTION_GROUPS: dict[str, OptionGroup] = {
    "operators": OptionGroup(
        "Operators", "What the equations are built from: built-in operators ([operators](operators.md)) "
        "and your own Julia ones ([custom operators](custom.md))."),
    "search_size": OptionGroup(
        "How long and how wide the search is", "More iterations, populations or cycles find harder "
        "equations and take longer; see [tuning](tuning.md)."),
    "stopping": OptionGroup(
        "Stopping early", "End a search before `niterations` with the front found so far."),
    "loss": OptionGroup(
        "The loss", "How an equation's fit is measured (default: the mean squared error); see "
        "[custom losses](custom.md) and the [robust-loss example](examples/robust_loss.md)."),
    "complexity": OptionGroup(
        "Complexity and constraints", "How large equations may grow, how complexity is counted "
        "and which operator nestings are allowed."),
    "units": OptionGroup(
        "Units", "What to do with the `X_units` / `y_units` given to `search()` or `fit()`; see "
        "[units](units.md)."),
    "reproducibility": OptionGroup(
        "Reproducibility", "The same seed with `deterministic=True` gives the same front, whatever the "
        "thread count."),
    "resources": OptionGroup(
        "Speed, memory and large data", "Threads, float precision, mini-batches and the reused "
        "engine process; see [performance](performance.md)."),
    "processes": OptionGroup(
        "Processes and clusters", "Worker processes on this machine, over SSH or under SLURM "
        "(Julia's Distributed); see [running on a cluster](cluster.md)."),
    "selection": OptionGroup(
        "Selection and migration (advanced)", "The evolutionary algorithm's own settings; PySR's "
        "defaults, rarely worth changing."),
    "mutations": OptionGroup(
        "Mutations (advanced)", "How often each kind of change to an equation is tried; PySR's defaults."),
    "constants": OptionGroup(
        "Constants and simplification (advanced)", "How the numbers in equations are fitted, and "
        "whether equations are simplified algebraically."),
    "output": OptionGroup(
        "Output and run folders", "What is printed, and where each search's files go "
        "([saving](saving.md))."),
}


SEED_LIMIT = 2**63 - 1  # options.toml integers are signed 64-bit

OPTIONS: tuple[OptionSpec, ...] = (
    # --- operators and search size
    OptionSpec("binary_operators", ("+", "-", "*", "/"), operator_list(2), "binary operators the equations may use (PySR aliases such as 'mult' accepted)", group="operators"),
    OptionSpec("unary_operators", (), operator_list(1), "unary operators the equations may use, e.g. ['cos', 'exp']", group="operators"),
    OptionSpec("niterations", 100, integer(1, 10**12), "number of iterations of the search (each runs every population for ncycles_per_iteration cycles)", group="search_size"),
    OptionSpec("populations", 31, integer(1, 10_000), "number of populations evolved in parallel", group="search_size"),
    OptionSpec("population_size", 27, integer(2, 100_000), "number of equations in each population", group="search_size"),
    OptionSpec("ncycles_per_iteration", 380, integer(1, 10**9), "evolution cycles per population between migrations", group="search_size"),
    # --- limits on the equations
    OptionSpec("maxsize", 30, integer(7, 1000), "largest complexity (node count) of an equation (PySR: at least 7; above 40 the search slows down exponentially)", group="complexity"),
    OptionSpec("maxdepth", 0, integer(0, MAX_DEPTH), f"largest depth of an equation; 0 means as deep as maxsize allows, up to {MAX_DEPTH} (the deepest equation every export can handle)", group="complexity"),
    OptionSpec("parsimony", 0.0, real(0), "loss penalty per unit of complexity during selection", group="complexity"),
    # --- stopping
    OptionSpec("timeout_in_seconds", None, optional(real(0, exclusive_minimum=True)), "stop this many seconds after the search() call, Julia's start and compilation included, returning the last front (None: no limit)", to_toml=none_as(0.0), group="stopping"),
    OptionSpec("max_evals", None, optional(integer(1)), "stop after this many equation evaluations (None: no limit)", to_toml=none_as(0), group="stopping"),
    OptionSpec("early_stop_condition", None, optional(EARLY_STOP), "stop once an equation reaches this loss, or when this Julia function of (loss, complexity) is true, e.g. 'f(loss, complexity) = loss < 1e-6 && complexity < 10' (None: never)", to_toml=_early_stop, group="stopping"),
    # --- the loss
    OptionSpec("elementwise_loss", None, optional(ELEMENTWISE_LOSS), "loss of each (prediction, target) pair, averaged over the rows (weighted with weights): a built-in ('L2DistLoss()', 'L1DistLoss()', 'HuberLoss(delta)', 'LogCoshLoss()', 'LPDistLoss(p)', 'L1EpsilonInsLoss(epsilon)', 'QuantileLoss(tau)') or Julia source such as 'myloss(x, y) = abs(x - y)' (None: L2DistLoss(), the mean squared error)", to_toml=_elementwise_loss, group="loss"),
    OptionSpec("loss_function", None, optional(JULIA_SOURCE), "Julia source of the whole objective, a function of (tree, dataset, options) returning the loss (see docs/custom.md); not with elementwise_loss", to_toml=None, group="loss"),
    # --- the user's operators in Python (PySR's extra_*_mappings)
    OptionSpec("extra_sympy_mappings", None, optional(MAPPINGS), "sympy form of each custom operator, e.g. {'inv2': lambda x: 1 / x**2} (required for every custom operator)", to_toml=None, group="operators"),
    OptionSpec("extra_torch_mappings", None, optional(MAPPINGS), "torch form of custom operators, for the PyTorch export", to_toml=None, group="operators"),
    OptionSpec("extra_jax_mappings", None, optional(MAPPINGS), "jax form of custom operators, for the JAX export", to_toml=None, group="operators"),
    # --- reproducibility and resources
    OptionSpec("random_state", None, optional(integer(0, SEED_LIMIT)), "seed of every random stream (None: a random seed, recorded in options.toml)", group="reproducibility"),
    OptionSpec("deterministic", False, BOOLEAN, "identical results for identical inputs, whatever the thread count (needs random_state)", group="reproducibility"),
    # Bounded: every engine thread gets its own workspace (buffers the size of the data), and
    # newer Julia starts as many threads as asked.
    OptionSpec("threads", None, optional(integer(1, 1024)), "Julia threads for the engine, and for each worker process with parallelism='multiprocessing' (None: os.cpu_count(); 1 per worker process, or SLURM_CPUS_PER_TASK under SLURM)", group="resources"),
    OptionSpec("precision", 64, choice(32, 64), "float precision of the data and the search: 32 or 64", group="resources"),
    # --- processes and clusters (PySR's names; see docs/cluster.md)
    OptionSpec("parallelism", "multithreading", choice(*PARALLELISM_CHOICES), "'serial': one thread; 'multithreading': the engine's threads; 'multiprocessing': procs Julia worker processes (Distributed), threads each, on this machine or a cluster", group="processes"),
    OptionSpec("procs", None, optional(integer(1, 100_000)), "worker processes with parallelism='multiprocessing' (None: os.cpu_count(), the SLURM allocation's task count, or as many as cluster_hosts start); ignored otherwise", to_toml=none_as(0), group="processes"),
    OptionSpec("cluster_manager", None, optional(CLUSTER_MANAGER), "'slurm': start the workers with srun inside the current SLURM allocation (procs at most its SLURM_NTASKS); needs parallelism='multiprocessing'", to_toml=_unless_empty, group="processes"),
    OptionSpec("cluster_hosts", None, optional(CLUSTER_HOSTS), "hosts for the workers, started over SSH as Julia does: a list in Julia's machine-file format (['node1', '4*node2']) or the path of a machine file; needs parallelism='multiprocessing'", to_toml=_unless_empty, group="processes"),
    OptionSpec("cluster_shared_filesystem", True, BOOLEAN, "whether every worker sees the run folder at the same path (then each memory-maps the data itself); False ships the data to each worker once", group="processes"),
    # --- selection
    OptionSpec("tournament_selection_n", 15, integer(1, 100_000), "number of equations in each tournament", group="selection"),
    OptionSpec("tournament_selection_p", 0.982, real(0, 1), "probability of choosing the best equation of a tournament", group="selection"),
    OptionSpec("annealing", False, BOOLEAN, "use simulated annealing when accepting mutations", group="selection"),
    OptionSpec("alpha", 3.17, real(0), "temperature scale of simulated annealing", group="selection"),
    OptionSpec("adaptive_parsimony_scaling", 1040.0, real(0), "how strongly frequent complexities are penalized", group="selection"),
    OptionSpec("use_frequency", True, BOOLEAN, "penalize complexities that are frequent in the populations", group="selection"),
    OptionSpec("use_frequency_in_tournament", True, BOOLEAN, "use that penalty inside tournaments too", group="selection"),
    # --- migration
    OptionSpec("migration", True, BOOLEAN, "migrate equations between populations", group="selection"),
    OptionSpec("hof_migration", True, BOOLEAN, "migrate hall-of-fame equations into populations", group="selection"),
    OptionSpec("fraction_replaced", 0.00036, real(0, 1), "fraction of a population replaced by migrants", group="selection"),
    OptionSpec("fraction_replaced_hof", 0.0614, real(0, 1), "fraction of a population replaced by hall-of-fame migrants", group="selection"),
    OptionSpec("topn", 12, integer(1, 100_000), "number of best equations of each population offered for migration", group="selection"),
    # --- mutation
    OptionSpec("crossover_probability", 0.0259, real(0, 1), "probability of crossover instead of mutation", group="mutations"),
    OptionSpec("weight_add_node", 2.47, real(0), "relative weight of the mutation that appends a node", group="mutations"),
    OptionSpec("weight_insert_node", 0.0112, real(0), "relative weight of inserting a node inside the tree", group="mutations"),
    OptionSpec("weight_delete_node", 0.870, real(0), "relative weight of deleting a node", group="mutations"),
    OptionSpec("weight_do_nothing", 0.273, real(0), "relative weight of leaving the equation unchanged", group="mutations"),
    OptionSpec("weight_mutate_constant", 0.0346, real(0), "relative weight of perturbing a constant", group="mutations"),
    OptionSpec("weight_mutate_operator", 0.293, real(0), "relative weight of replacing an operator", group="mutations"),
    OptionSpec("weight_swap_operands", 0.198, real(0), "relative weight of swapping the operands of a binary operator", group="mutations"),
    OptionSpec("weight_rotate_tree", 4.26, real(0), "relative weight of a tree rotation ((a*b)+c -> a*(b+c)): regroups without changing operators", group="mutations"),
    OptionSpec("weight_randomize", 0.000502, real(0), "relative weight of replacing the equation by a random one", group="mutations"),
    OptionSpec("weight_simplify", 0.00209, real(0), "relative weight of simplifying the equation", group="mutations"),
    OptionSpec("weight_optimize", 0.0, real(0), "relative weight of optimizing the constants as a mutation", group="mutations"),
    OptionSpec("perturbation_factor", 0.129, real(0), "scale of constant perturbations", group="mutations"),
    OptionSpec("warmup_maxsize_by", 0.0, real(0, 1), "fraction of the search over which maxsize grows to its final value (0: no warm-up)", group="complexity"),
    # --- constant optimization and simplification
    OptionSpec("should_optimize_constants", True, BOOLEAN, "optimize the constants of equations with a local optimizer", group="constants"),
    OptionSpec("optimizer_algorithm", "BFGS", OPTIMIZER_ALGORITHM, "local optimizer for constants", group="constants"),
    OptionSpec("optimizer_nrestarts", 2, integer(0, 1000), "restarts of the constant optimizer from perturbed starting points", group="constants"),
    OptionSpec("optimize_probability", 0.14, real(0, 1), "probability of optimizing the constants of an equation after an iteration", group="constants"),
    OptionSpec("optimizer_iterations", 8, integer(1, 10**6), "iterations of the constant optimizer", group="constants"),
    OptionSpec("should_simplify", True, BOOLEAN, "simplify equations algebraically during the search", group="constants"),
    OptionSpec("snap_constants", False, BOOLEAN, "after the search, replace each constant of the front that the data cannot tell from a simple value (an integer, p/q with q <= 12, p/q*pi with q <= 4) by that value, refitting the others (Akaike's criterion; squared-error loss only): 0.4987*m*v**2 -> m*v**2/2 when the noise allows", group="constants"),
    # --- complexity and operator constraints (PySR's names and rules)
    OptionSpec("complexity_of_operators", None, optional(OPERATOR_COMPLEXITIES), "complexity of each use of an operator, e.g. {'sin': 2, '/': 3} (others: 1); fractions allowed, an equation's total complexity is rounded to an integer", to_toml=_unless_empty, group="complexity"),
    OptionSpec("complexity_of_constants", 1, POSITIVE_NUMBER, "complexity of each constant", group="complexity"),
    OptionSpec("complexity_of_variables", None, optional(VARIABLE_COMPLEXITIES), "complexity of each variable: one number, or a list of one per feature (or pass it to SymbolicRegressor.fit, not both) (None: 1)", to_toml=none_as(1), group="complexity"),
    OptionSpec("constraints", None, optional(CONSTRAINTS), "largest complexity of each argument of an operator: {'^': (-1, 1), 'sin': 5} allows any base but only an exponent of complexity 1, and sin of at most 5; -1: no limit. + and - need equal limits; the looser limit of * is put on the left (PySR's rules)", to_toml=_unless_empty, group="complexity"),
    OptionSpec("nested_constraints", None, optional(NESTED_CONSTRAINTS), "most occurrences of an operator nested inside another: {'sin': {'sin': 0, 'cos': 1}} allows no sin and at most one cos along any path inside a sin; -1: no limit", to_toml=_unless_empty, group="complexity"),
    # --- dimensional analysis, when X_units / y_units are given to search() or fit() (see docs/units.md)
    OptionSpec("dimensional_analysis", "soft", choice("soft", "hard"), "what happens to an equation whose units are inconsistent: 'soft' adds dimensional_constraint_penalty to its loss (PySR's behaviour); 'hard' rejects it, so no population or front ever holds one", group="units"),
    OptionSpec("dimensional_constraint_penalty", None, optional(real(0)), "soft mode: added to the loss of a dimensionally inconsistent equation, in the loss's own units (None: 1000.0, PySR's default); not added to a loss_function's value", to_toml=none_as(1000.0), group="units"),
    OptionSpec("dimensionless_constants_only", False, BOOLEAN, "constants are pure numbers instead of wildcards that take whatever units make an equation consistent", group="units"),
    OptionSpec("operator_dimensions", None, optional(OPERATOR_DIMENSIONS), "how each custom operator treats units: the name of a built-in operator of the same arity whose rule it shares ({'myplus': '+', 'mycos': 'cos'}), 'dimensionless', or for a unary operator a power ({'inv2': -2}); undeclared custom operators need dimensionless arguments", to_toml=_unless_empty, group="units"),
    # --- mini-batches
    OptionSpec("batching", False, BOOLEAN, "evaluate the loss on random mini-batches during evolution", group="resources"),
    OptionSpec("batch_size", 50, integer(1, 10**9), "rows per mini-batch when batching", group="resources"),
    # --- frontend only (not written to options.toml)
    OptionSpec("verbosity", 1, integer(0), "0: silent; 1: progress and engine messages", to_toml=None, group="output"),
    OptionSpec("output_directory", None, optional(PATH), "where run folders are created (None: ./outputs)", to_toml=None, group="output"),
    OptionSpec("run_id", None, optional(RUN_ID), "name of the run folder inside output_directory, which must not exist yet (None: <date>_<time>_<random hex>)", to_toml=None, group="output"),
    OptionSpec("persistent_engine", True, BOOLEAN, "reuse one engine process across searches (Julia starts and compiles once; pysr_lite.close_engine() stops it); False: a fresh process per search", to_toml=None, group="resources"),
)

OPTION_SPECS: dict[str, OptionSpec] = {spec.name: spec for spec in OPTIONS}
DEFAULT_OUTPUT_DIRECTORY = "outputs"


def unknown_option_message(name: str) -> str:
    """'unknown option ...' with the closest known name, for every place that takes options."""
    close = difflib.get_close_matches(name, OPTION_SPECS, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "; see pysr_lite.options.OPTIONS for the list"
    return f"unknown option {name!r}{hint}"


def default_options() -> dict[str, Any]:
    """Every option at its default (as given by the user, before resolution)."""
    return {spec.name: spec.default for spec in OPTIONS}


def parse_option_text(name: str, text: str) -> Any:
    """Read one option's value from text (CLI ``--option name=value``), then validate it."""
    if name not in OPTION_SPECS:
        raise ValueError(unknown_option_message(name))
    spec = OPTION_SPECS[name]
    try:
        value = spec.kind.parse_text(text)
    except ValueError:
        raise ValueError(f"{name} must be {spec.kind.describe}, got {text!r}") from None
    return spec.kind.check(name, value)


def resolve_options(**given: Any) -> dict[str, Any]:
    """Validate ``given`` options, fill in defaults and resolve the "None means ..." ones.

    Returns a dict with every option of ``OPTIONS``: operator names canonical, ``random_state``
    an actual seed, ``threads`` an actual count, ``output_directory`` an actual path. ``None``
    stays None for ``timeout_in_seconds``, ``max_evals`` and ``early_stop_condition`` (no limit).
    Two derived entries follow: ``operator_table`` (built-ins plus the custom operators, see
    ``operator_table``) and ``user_functions`` (role -> Julia source, for user.jl).

    >>> resolve_options(random_state=3, threads=2)["random_state"]
    3
    """
    for name in given:
        if name not in OPTION_SPECS:
            raise ValueError(unknown_option_message(name))
    options = {
        spec.name: spec.kind.check(spec.name, given.get(spec.name, spec.default))
        for spec in OPTIONS
    }
    _check_together(options)
    resolve_parallelism(options, given, _warn_user)
    options["operator_table"] = operator_table(options)
    resolve_operator_options(options)
    options["user_functions"] = user_functions(options)
    if options["random_state"] is None:
        options["random_state"] = secrets.randbelow(2**31)
    if options["threads"] is None:
        options["threads"] = os.cpu_count() or 1
    if options["output_directory"] is None:
        options["output_directory"] = DEFAULT_OUTPUT_DIRECTORY
    return options


def _check_together(options: Mapping[str, Any]) -> None:
    """Rules that involve several options."""
    if not options["binary_operators"] and not options["unary_operators"]:
        raise ValueError(
            "binary_operators and unary_operators are both empty; give at least one operator, "
            "e.g. binary_operators=['+', '*']"
        )
    if options["maxsize"] > 40:
        warnings.warn(
            f"maxsize={options['maxsize']}: a search for equations this large is exponentially slower and "
            "uses much memory; consider use_frequency=False and warmup_maxsize_by",
            UserWarning,
            stacklevel=3,
        )
    if options["populations"] * options["population_size"] > 10**7:
        raise ValueError(
            f"populations * population_size = {options['populations'] * options['population_size']} equations "
            "would not fit in memory; keep it under 10,000,000"
        )
    if options["tournament_selection_n"] > options["population_size"]:
        raise ValueError(
            f"tournament_selection_n ({options['tournament_selection_n']}) must not exceed "
            f"population_size ({options['population_size']}); lower tournament_selection_n or "
            "raise population_size"
        )
    if options["elementwise_loss"] is not None and options["loss_function"] is not None:
        raise ValueError(
            "elementwise_loss and loss_function are both given; give one: loss_function computes the "
            "whole loss, elementwise_loss the loss of each row"
        )
    if options["deterministic"] and options["random_state"] is None:
        raise ValueError(
            "deterministic=True needs a fixed seed: pass random_state as well, e.g. random_state=0"
        )
    mutation_weights = [options[spec.name] for spec in OPTIONS if spec.name.startswith("weight_")]
    if sum(mutation_weights) <= 0:
        raise ValueError("the weight_* options are all 0; at least one mutation needs a positive weight")


def operator_table(options: Mapping[str, Any]) -> OperatorTable:
    """The search's ``OperatorTable``: the built-ins plus every custom operator of the
    ``binary_operators`` / ``unary_operators`` lists, with the forms of the extra_*_mappings.

    Their names are replaced by the custom operators' names in ``options`` (in place).
    """
    custom = []
    for key, arity in (("binary_operators", 2), ("unary_operators", 1)):
        names = []
        for item in options[key]:
            if item in BUILTIN_OPERATORS.of_arity(arity):
                names.append(item)
                continue
            try:
                operator = custom_operator(
                    item, arity,
                    sympy_mappings=options["extra_sympy_mappings"] or {},
                    torch_mappings=options["extra_torch_mappings"],
                    jax_mappings=options["extra_jax_mappings"],
                )
            except ValueError as error:
                raise ValueError(f"{key}: {error}") from None
            if operator.name in {o.name for o in custom} | {"early_stop_condition", "elementwise_loss", "loss_function"}:
                raise ValueError(f"{key}: the custom operator name {operator.name!r} is used twice or is reserved")
            custom.append(operator)
            names.append(operator.name)
        options[key] = names
    try:
        return BUILTIN_OPERATORS.with_custom(custom)
    except ValueError as error:
        raise ValueError(f"binary_operators/unary_operators: {error}") from None


class UnsupportedOptionError(ValueError, NotImplementedError):
    """An option value PySR rejects with NotImplementedError (unequal limits for + or -): both a
    ValueError, like every bad option here, and the NotImplementedError PySR's users catch."""


# PySR's warning (pysr/sr.py, _process_constraints) when "^" is used without a constraint on it.
POWER_WITHOUT_CONSTRAINT_WARNING = (
    "You are using the `^` operator, but have not set up `constraints` for it. "
    "This may lead to overly complex expressions. "
    "One typical constraint is to use `constraints={..., '^': (-1, 1)}`, which "
    "will allow arbitrary-complexity base (-1) but only powers such as "
    "a constant or variable (1). "
    "For more tips, please see https://ai.damtp.cam.ac.uk/pysr/tuning/"
)


def _warn_user(message: str) -> None:
    """A UserWarning attributed to the first caller outside pysr_lite (the user's line)."""
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(0), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, UserWarning, stacklevel=level)


def resolve_operator_options(options: dict[str, Any]) -> None:
    """Check ``complexity_of_operators``, ``constraints`` and ``nested_constraints`` against the
    search's operators and apply PySR's rules (pysr/sr.py ``_process_constraints``), in place.

    Names become canonical (PySR's aliases such as ``"pow"`` resolved) and must be operators of
    this search, of the arity their value is for; ``+`` and ``-`` need equal limits on both sides
    (``UnsupportedOptionError``); a ``*`` constraint is reordered so that the looser limit is on
    the left. Warns, as PySR does, when ``^`` is used without a constraint.

    >>> options = resolve_options(binary_operators=["+", "mult"], constraints={"mult": (1, 3)})
    >>> options["constraints"]
    {'*': (3, 1)}
    """
    arity = {**{name: 2 for name in options["binary_operators"]}, **{name: 1 for name in options["unary_operators"]}}

    def operator(option: str, name: str) -> str:
        canonical = ALIASES.get(name.strip(), name.strip())
        if canonical in arity:
            return canonical
        candidates = [*arity, *(alias for alias, target in ALIASES.items() if target in arity)]
        close = difflib.get_close_matches(canonical, candidates, n=1, cutoff=0.5)
        if close:
            hint = f"; did you mean {close[0]!r}?"
        elif canonical in BUILTIN_OPERATORS.names():
            kind = "binary_operators" if canonical in BUILTIN_OPERATORS.of_arity(2) else "unary_operators"
            hint = f"; add it to {kind} or leave it out of {option}"
        else:
            hint = ""
        raise ValueError(f"{option}: {name!r} is not an operator of this search (its operators: {', '.join(arity)}){hint}")

    def by_operator(option: str, mapping: Mapping[str, Any]) -> dict[str, Any]:
        canonical: dict[str, Any] = {}
        for name, value in mapping.items():
            key = operator(option, name)
            if key in canonical:
                raise ValueError(f"{option}: {name!r} names the operator {key!r} a second time")
            canonical[key] = value
        return canonical

    if options["complexity_of_operators"] is not None:
        options["complexity_of_operators"] = by_operator("complexity_of_operators", options["complexity_of_operators"])
    if options["nested_constraints"] is not None:
        options["nested_constraints"] = {
            outer: by_operator(f"nested_constraints[{outer!r}]", inner)
            for outer, inner in by_operator("nested_constraints", options["nested_constraints"]).items()
        }
    constraints = by_operator("constraints", options["constraints"] or {})
    for name, limit in constraints.items():
        where = f"constraints[{name!r}]"
        if arity[name] == 1:
            if not isinstance(limit, int):
                raise ValueError(f"{where} must be one integer for the unary operator {name!r} (the largest "
                                 f"complexity of its argument; -1: no limit), got {limit!r}")
            continue
        if isinstance(limit, int):
            raise ValueError(f"{where} must be a pair (left, right) for the binary operator {name!r}, e.g. (-1, 1); "
                             f"got {limit!r}")
        left, right = limit
        if name in ("+", "-") and left != right:
            raise UnsupportedOptionError(
                f"{where} = {limit!r}: you need equal constraints on both sides for - and +, due to "
                "simplification strategies (PySR's rule)"
            )
        if name == "*" and left != -1 and (right == -1 or left < right):
            constraints[name] = (right, left)  # PySR: the complex factor goes on the left
    if options["constraints"] is not None:
        options["constraints"] = constraints
    if options["operator_dimensions"] is not None:
        options["operator_dimensions"] = _dimension_rules(options["operator_dimensions"], arity, options["operator_table"])
    if "^" in arity and arity["^"] == 2 and "^" not in constraints:
        _warn_user(POWER_WITHOUT_CONSTRAINT_WARNING)


def _dimension_rules(declared: Mapping[str, str | float], arity: Mapping[str, int],
                     operators: OperatorTable) -> dict[str, str | float]:
    """``operator_dimensions`` checked against the search's operators: only custom operators
    declare a rule (built-ins have fixed ones), and a rule copied from a built-in operator names
    one of the same arity (PySR's aliases resolved)."""
    custom = {operator.name for operator in operators.custom}
    rules: dict[str, str | float] = {}
    for name, rule in declared.items():
        where = f"operator_dimensions[{name!r}]"
        if name not in custom:
            why = "a built-in operator, whose dimensional rule is fixed" if name in BUILTIN_OPERATORS.names() \
                else f"not a custom operator of this search (its custom operators: {', '.join(sorted(custom)) or 'none'})"
            raise ValueError(f"{where}: {name!r} is {why}; declare only custom operators")
        if isinstance(rule, float):
            if arity[name] != 1:
                raise ValueError(f"{where} = {rule!r}: a power is for unary operators; give a binary operator "
                                 "a built-in operator's name such as '+' or '*'")
        elif rule != DIMENSIONLESS_RULE:
            try:
                rule = BUILTIN_OPERATORS.canonical_name(rule, arity[name])
            except ValueError as error:
                raise ValueError(f"{where}: {error}, or 'dimensionless'") from None
        rules[name] = rule
    return rules


def check_complexity_of_variables(options: Mapping[str, Any], n_features: int) -> None:
    """One complexity per feature, when ``complexity_of_variables`` is a list (PySR's check)."""
    value = options["complexity_of_variables"]
    if isinstance(value, list) and len(value) != n_features:
        raise ValueError(
            f"The number of elements in `complexity_of_variables` ({len(value)}) must equal the number "
            f"of features in `X` ({n_features}); give one per feature, or a single number for all"
        )


def user_functions(options: Mapping[str, Any]) -> dict[str, str]:
    """Role -> Julia source of the user's functions other than operators (for user.jl)."""
    functions = {}
    if isinstance(options["early_stop_condition"], str):
        functions["early_stop_condition"] = options["early_stop_condition"]
    loss = options["elementwise_loss"]
    if loss is not None and builtin_loss(loss) != loss:
        functions["elementwise_loss"] = loss
    if options["loss_function"] is not None:
        functions["loss_function"] = options["loss_function"]
    return functions


# ----------------------------------------------------------------------------------------------
# Signatures built from the table (search() and SymbolicRegressor.__init__ use them)
# ----------------------------------------------------------------------------------------------


def option_parameters() -> list[inspect.Parameter]:
    """One keyword-only ``inspect.Parameter`` per option, with its default."""
    return [
        inspect.Parameter(spec.name, inspect.Parameter.KEYWORD_ONLY, default=spec.default)
        for spec in OPTIONS
    ]


def options_markdown() -> str:
    """The option reference (docs/options.md), generated from the table so it cannot go stale.

    Regenerate with ``python -m pysr_lite.options > docs/options.md``.
    """
    lines = [
        "# Options",
        "",
        "Every option of `pysr_lite.search`, `SymbolicRegressor` and the command line",
        "(`pysr-lite search -O name=value`), grouped by topic. The names, meanings and defaults are",
        "PySR's wherever PySR has the same concept ([coming from PySR](from_pysr.md)); why the",
        "defaults are what they are is in [defaults](defaults.md).",
        "",
        "```python",
        "pysr_lite.search(X, y, binary_operators=[\"+\", \"*\"], niterations=40, timeout_in_seconds=60)",
        "```",
        "",
        "<!-- Generated from pysr_lite/options.py by `python -m pysr_lite.options > docs/options.md`. -->",
        "",
    ]
    for key, group in OPTION_GROUPS.items():
        lines += [f"## {group.title}", "", group.intro, "", "| option | default | meaning |", "|---|---|---|"]
        for spec in OPTIONS:
            if spec.group == key:
                default = "`None`" if spec.default is None else f"`{spec.default!r}`"
                lines.append(f"| `{spec.name}` | {default} | {spec.doc.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def options_help() -> str:
    """The option table as text, for docstrings."""
    return "\n".join(f"    {spec.name} = {spec.default!r}: {spec.doc}" for spec in OPTIONS)


# ----------------------------------------------------------------------------------------------
# options.toml entries (the file itself is run_folder.py's)
# ----------------------------------------------------------------------------------------------


def toml_entries(options: Mapping[str, Any]) -> dict[str, Any]:
    """The option entries of options.toml, in table order (``options`` from ``resolve_options``)."""
    entries: dict[str, Any] = {}
    for spec in OPTIONS:
        if spec.to_toml is not None:
            entries.update(spec.to_toml(spec.name, options[spec.name]))
    # 0 means "as deep as maxsize allows": the engine always receives an actual limit, and never
    # one deeper than the frontend's parser reads back.
    if entries["maxdepth"] == 0:
        entries["maxdepth"] = min(options["maxsize"], MAX_DEPTH)
    return entries


if __name__ == "__main__":  # python -m pysr_lite.options > docs/options.md
    print(options_markdown(), end="")
