"""The ``pysr-lite`` command line (click): ``search`` a CSV file, run the ``demo``, ``install-julia``,
``compile-engine``.

    pysr-lite search data.csv --target y --unary-operators cos --niterations 40
    pysr-lite search fall.csv --target h --X-units "t=s,g=m/s^2" --y-units m -O dimensional_analysis=hard
    pysr-lite demo
    pysr-lite install-julia
    pysr-lite compile-engine
    python -m pysr_lite search data.csv --target y -O deterministic=true -O random_state=0

Every option of ``pysr_lite.options`` is reachable with ``-O/--option name=value``; the common
ones also have their own flags. Errors are reported as one clean message on stderr, not a
traceback. Exit codes: 0 done, 2 a usage error (arguments, the CSV, options or data: what the
user gave, as click's own usage errors), 1 anything else (no Julia, an engine crash, a full disk).
"""

from __future__ import annotations

import csv
import importlib.resources
from pathlib import Path
from typing import Any

import click
import pandas as pd

from . import __version__
from .api import SearchResult, search
from .engine import EngineError, EngineNotFoundError, JuliaNotFoundError, locate_engine
from .julia_install import install_julia
from .options import parse_option_text
from .plots import require_matplotlib, save_plots
from .system_image import SWITCH_VARIABLE, SystemImageError, build_system_image, images_switched_off
from .output_paths import check_output_file
from .units import UnitError, parse_unit

# The demo: 200 rows, x0 and x1 uniform on [-3, 3] (numpy default_rng(2024)), y = x0**2 + cos(x1).
DEMO_DATASET = "demo.csv"
DEMO_TARGET = "y"
DEMO_EQUATION = "x0**2 + cos(x1)"
DEMO_OPTIONS = dict(
    binary_operators=["+", "-", "*"],
    unary_operators=["cos"],
    niterations=20,
    populations=8,
    population_size=30,
    maxsize=12,
    random_state=0,
    deterministic=True,
    # No early stop: the first exact fit can be a longer form of the law (x0**2 - cos(x1 - pi) on
    # some CPUs, whose vector widths change the deterministic search's rounding); the 20
    # iterations (well under a second) let the front reach the simplest one.
)
# What the user gave is wrong (exit 2): every bad option or data is a ValueError (EngineInputError,
# RunFolderError, ... included); PySR's NotImplementedError for an unsupported optimizer likewise.
INPUT_ERRORS = (ValueError, NotImplementedError)
# Anything else that can go wrong outside the user's input (exit 1).
ENVIRONMENT_ERRORS = (OSError, JuliaNotFoundError, EngineNotFoundError, EngineError)


class InputError(click.ClickException):
    """A problem with what the user gave: shown as ``Error: ...`` on stderr, exit code 2 like
    click's own usage errors (but without the usage text: the arguments were fine)."""

    exit_code = 2


def _comma_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _feature_units(texts: tuple[str, ...], feature_names: list[str], target: str) -> list[str] | None:
    """``--X-units`` as ``search``'s ``X_units``: one unit per feature, in the features' order.

    Each occurrence of the flag is a comma-separated list, and the occurrences are joined. Units
    are given either in the features' order (``"m,s"``) or by column (``"t=s,x=m"``, any order),
    never both; every feature needs one (``1`` for dimensionless: an empty item is refused, as it
    is usually a stray comma). Unit texts never contain ``,`` or ``=``.

    >>> _feature_units(("x=m", "t=s"), ["t", "x"], "y")
    ['s', 'm']
    """
    if not texts:
        return None
    items = [item.strip() for text in texts for item in text.split(",")]
    if any(not item for item in items):
        raise click.BadParameter(f"an empty unit in {', '.join(map(repr, texts))}; write 1 for a dimensionless "
                                 "feature", param_hint="--X-units")
    named = ["=" in item for item in items]
    if any(named) and not all(named):
        raise click.BadParameter("give every unit as COLUMN=UNIT, or all of them in the order of the features, "
                                 f"not a mix: {', '.join(map(repr, texts))}", param_hint="--X-units")
    if all(named):
        units = _units_by_column(items, feature_names, target)
    elif len(items) != len(feature_names):
        raise click.BadParameter(f"{len(items)} unit(s) for {len(feature_names)} feature(s) "
                                 f"({', '.join(feature_names)}); give one per feature, in that order, or name "
                                 "the columns (COLUMN=UNIT)", param_hint="--X-units")
    else:
        units = items
    for name, unit in zip(feature_names, units):
        _check_unit(unit, f"the unit of {name!r}", "--X-units")
    return units


def _units_by_column(items: list[str], feature_names: list[str], target: str) -> list[str]:
    by_column: dict[str, str] = {}
    for item in items:
        column, _, unit = (part.strip() for part in item.partition("="))
        if column == target:
            raise click.BadParameter(f"{column!r} is the target; give its unit with --y-units", param_hint="--X-units")
        if column not in feature_names:
            raise click.BadParameter(f"{column!r} is not a feature; the features are {', '.join(feature_names)}",
                                     param_hint="--X-units")
        if column in by_column:
            raise click.BadParameter(f"{column!r} is given a unit twice", param_hint="--X-units")
        by_column[column] = unit
    missing = [name for name in feature_names if name not in by_column]
    if missing:
        raise click.BadParameter(f"no unit for {', '.join(missing)}: every feature needs one (1 for dimensionless)",
                                 param_hint="--X-units")
    return [by_column[name] for name in feature_names]


def _check_unit(text: str, what: str, flag: str) -> None:
    """The unit's own errors (an unknown symbol, ``kg m``) named by the flag and column."""
    try:
        parse_unit(text)
    except UnitError as error:
        raise click.BadParameter(f"{what}: {error}", param_hint=flag) from None


def _extra_options(pairs: tuple[str, ...]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        if not equals:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--option")
        try:
            options[name.strip()] = parse_option_text(name.strip(), text)
        except INPUT_ERRORS as error:  # NotImplementedError too: -O optimizer_algorithm=Adam was a traceback
            raise click.BadParameter(str(error), param_hint="--option") from None
    return options


def _front_table(result: SearchResult) -> pd.DataFrame:
    """The front as plain text columns, for CSV files (with units, whether each equation obeys them)."""
    table = pd.DataFrame(
        {
            "complexity": result.equations["complexity"],
            "loss": result.equations["loss"],
            "score": result.equations["score"],
            "equation": result.equations["equation"],
            "sympy_format": [str(expression) for expression in result.equations["sympy_format"]],
        }
    )
    if result.units is not None:
        table["dimensionally_consistent"] = result.equations["dimensionally_consistent"]
    return table


def _run(X: pd.DataFrame, y: pd.Series, options: dict[str, Any]) -> SearchResult:
    """``search`` with expected failures turned into click errors (partial fronts still shown)."""
    try:
        return search(X, y, **options)
    except EngineError as error:
        if error.partial_result is not None:
            click.echo(repr(error.partial_result))
        raise click.ClickException(str(error)) from None
    except INPUT_ERRORS as error:
        raise InputError(str(error)) from None
    except ENVIRONMENT_ERRORS as error:
        raise click.ClickException(str(error)) from None


def _read_table(data: Path) -> pd.DataFrame:
    """The CSV file as a DataFrame. pandas renames a repeated column name ``a`` to ``a.1``, a name
    the user never wrote, so repeats are refused here, by the names in the file; everything else
    about the data (no rows, text in a column, NaN) is for ``search`` to say, as it says it to
    Python callers."""
    try:
        table = pd.read_csv(data)
        with open(data, newline="", encoding="utf-8-sig") as file:
            header = next(csv.reader(file), [])
    except (ValueError, csv.Error) as error:  # pandas' parser errors and UnicodeDecodeError are ValueErrors
        raise InputError(f"could not read {data} as CSV: {error}") from None
    except OSError as error:
        raise click.ClickException(f"could not read {data}: {error}") from None
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:  # worded as search() words repeated variable names
        raise InputError(f"the column names of {data} must be distinct; repeated: {', '.join(repeated)}")
    return table


def _report(result: SearchResult, target: str, output: str | None) -> None:
    click.echo(repr(result))
    best = result.best()
    click.echo(f"\nBest equation (complexity {best.complexity}, loss {best.loss:.4g}):")
    click.echo(f"    {target} = {best.sympy()}")
    path = Path(output) if output else result.run_directory / "equations.csv"
    try:
        _front_table(result).to_csv(path, index=False, float_format="%.17g")
    except OSError as error:
        raise click.ClickException(f"could not write the front to {path}: {error}") from None
    click.echo(f"Front written to {path}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pysr-lite")
def cli() -> None:
    """Symbolic regression: find simple equations that fit your data."""


@cli.command("search")
@click.argument("data", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", required=True, help="Column of DATA to explain.")
@click.option("--features", help="Comma-separated columns to use (default: all but the target).")
@click.option("--binary-operators", help='Comma-separated, e.g. "+,-,*,/" (the default).')
@click.option("--unary-operators", help='Comma-separated, e.g. "cos,exp" (default: none).')
@click.option("--niterations", type=int, help="Iterations of the search.")
@click.option("--populations", type=int, help="Number of populations.")
@click.option("--population-size", type=int, help="Equations per population.")
@click.option("--maxsize", type=int, help="Largest equation complexity.")
@click.option("--timeout", "timeout_in_seconds", type=float, help="Stop after this many seconds.")
@click.option("--threads", type=int, help="Julia threads (default: all cores).")
@click.option("--random-state", type=int, help="Seed (default: random, recorded in the run folder).")
@click.option("--output", type=click.Path(dir_okay=False), help="CSV file for the front (default: equations.csv in the run folder).")
@click.option("--output-directory", type=click.Path(file_okay=False), help="Where run folders go (default: ./outputs).")
@click.option("--verbosity", type=int, help="0: quiet, 1: progress (default).")
@click.option("--plots", "plots", type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write pareto.png (the front) and fit.png (the best equation against the data) into; needs matplotlib.")
@click.option("--X-units", "--x-units", "feature_units", multiple=True, metavar="UNITS",
              help='Units of the features, in their order ("m,s,kg"; 1 for dimensionless) or by column '
                   '("t=s,x=m"); repeatable. Turns on dimensional analysis (see -O dimensional_analysis=hard).')
@click.option("--y-units", "target_unit", metavar="UNIT", help='Unit of the target, e.g. "m/s^2".')
@click.option("-O", "--option", "extra", multiple=True, metavar="NAME=VALUE", help="Any other search option, e.g. -O deterministic=true; repeatable.")
def search_command(data: Path, target: str, features: str | None, output: str | None, plots: Path | None,
                   extra: tuple[str, ...], feature_units: tuple[str, ...], target_unit: str | None,
                   **flags: Any) -> None:
    """Search for equations TARGET = f(features) in the CSV file DATA."""
    table = _read_table(data)
    if target not in table.columns:
        raise click.BadParameter(f"{target!r} is not a column of {data}; columns: {', '.join(map(str, table.columns))}", param_hint="--target")
    feature_names = _comma_list(features) or [column for column in table.columns if column != target]
    missing = [name for name in feature_names if name not in table.columns]
    if missing:
        raise click.BadParameter(f"not columns of {data}: {', '.join(missing)}", param_hint="--features")

    if plots is not None:  # likewise: say that matplotlib is missing before the search, not after
        try:
            require_matplotlib()
        except ImportError as error:
            raise click.BadParameter(str(error), param_hint="--plots") from None
    X_units = _feature_units(feature_units, feature_names, target)
    if target_unit is not None:
        _check_unit(target_unit, f"the unit of {target!r}", "--y-units")

    if output:  # checked now: a search can take hours, its front must have somewhere to go
        try:
            check_output_file(output, "--output")
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--output") from None
    options = _extra_options(extra)
    flags["binary_operators"] = _comma_list(flags["binary_operators"])
    flags["unary_operators"] = _comma_list(flags["unary_operators"])
    options.update({name: value for name, value in flags.items() if value is not None})
    options.update({name: value for name, value in (("X_units", X_units), ("y_units", target_unit)) if value is not None})
    result = _run(table[feature_names], table[target], options)
    _report(result, target, output)
    if plots is not None:
        try:
            pareto, fit = save_plots(result, table[feature_names], table[target], plots)
        except OSError as error:
            raise click.ClickException(f"could not write the plots to {plots}: {error}") from None
        click.echo(f"Plots written to {pareto} and {fit}")


@cli.command("demo")
@click.option("--threads", type=int, help="Julia threads (default: all cores).")
@click.option("--output-directory", type=click.Path(file_okay=False), help="Where the run folder goes (default: ./outputs).")
@click.option("--verbosity", type=int, default=1, show_default=True, help="0: quiet, 1: progress.")
def demo_command(threads: int | None, output_directory: str | None, verbosity: int) -> None:
    """Rediscover y = x0**2 + cos(x1) from 200 rows shipped with pysr_lite (a few seconds)."""
    dataset = importlib.resources.files("pysr_lite") / "datasets" / DEMO_DATASET
    with importlib.resources.as_file(dataset) as path:
        table = pd.read_csv(path)
    click.echo(f"Demo: {len(table)} rows of x0, x1 (uniform on [-3, 3]); the hidden law is y = {DEMO_EQUATION}.")
    options = dict(DEMO_OPTIONS, threads=threads, output_directory=output_directory, verbosity=verbosity)
    result = _run(table[["x0", "x1"]], table[DEMO_TARGET], options)
    _report(result, DEMO_TARGET, None)


@cli.command("install-julia")
@click.pass_context
def install_julia_command(context: click.Context) -> None:
    """Make sure a Julia >= 1.5 is there: installs one on Debian (apt-get), prints the exact
    commands elsewhere, and says where Julia is and how pysr_lite finds it. Safe to run again.
    Exit code 0 when Julia is ready, 1 when it still is not."""
    context.exit(install_julia(echo=click.echo))


@cli.command("compile-engine")
@click.option("--force", is_flag=True, help="Build again even when an image for these sources exists.")
@click.pass_context
def compile_engine_command(context: click.Context, force: bool) -> None:
    """Build a system image of the engine, so that a new engine starts searching at once instead
    of compiling for its first seconds (about 3 minutes, once per version of the engine's
    sources; Linux, with a C compiler). Exit code 0 when the image is ready, 1 when it is not."""
    try:
        engine = locate_engine()
        if engine.system_image is not None and not force:
            click.echo(f"the engine's system image is up to date: {engine.system_image}")
            return
        if images_switched_off():
            click.echo(f"note: {SWITCH_VARIABLE} is off, so searches will not use the image built now", err=True)
        click.echo("building the engine's system image (about 3 minutes)")
        path = build_system_image(engine, echo=click.echo)
    except (SystemImageError, JuliaNotFoundError, EngineNotFoundError, OSError) as error:
        click.echo(f"Error: {error}", err=True)
        context.exit(1)
    click.echo(f"the engine's system image is ready: {path}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``pysr-lite`` script and of ``python -m pysr_lite``."""
    cli.main(args=argv, prog_name="pysr-lite")


if __name__ == "__main__":
    main()
