"""The option table: defaults, validation messages, and options.toml as docs/protocol.md writes it."""

import inspect
import math

import pytest

import pysr_lite
from pysr_lite import options as options_module
from pysr_lite.options import (
    OPTION_SPECS,
    OPTIONS,
    parse_option_text,
    resolve_options,
    toml_entries,
)

# The option keys of options.toml (the run keys protocol_version, n_rows, ... are run_folder.py's).
PROTOCOL_KEYS = {
    "precision", "binary_operators", "unary_operators", "niterations", "populations", "population_size",
    "ncycles_per_iteration", "maxsize", "maxdepth", "parsimony", "timeout_in_seconds", "max_evals",
    "random_state", "deterministic", "threads", "parallelism", "procs", "cluster_shared_filesystem",
}
FURTHER_SEARCH_KEYS = {
    "tournament_selection_n", "tournament_selection_p", "annealing", "alpha",
    "adaptive_parsimony_scaling", "use_frequency", "use_frequency_in_tournament", "migration",
    "hof_migration", "fraction_replaced", "fraction_replaced_hof", "topn", "crossover_probability",
    "optimizer_algorithm", "optimizer_nrestarts", "optimize_probability", "optimizer_iterations",
    "perturbation_factor", "should_simplify", "should_optimize_constants", "snap_constants", "warmup_maxsize_by",
    "batching", "batch_size", "complexity_of_constants", "complexity_of_variables",
    "dimensional_analysis", "dimensional_constraint_penalty", "dimensionless_constants_only",
}


def entries_for(**given):
    return toml_entries(resolve_options(**given))


def test_pysr_defaults():
    defaults = {spec.name: spec.default for spec in OPTIONS}
    assert defaults["niterations"] == 100
    assert defaults["populations"] == 31
    assert defaults["population_size"] == 27
    assert defaults["ncycles_per_iteration"] == 380
    assert defaults["maxsize"] == 30
    assert defaults["tournament_selection_p"] == 0.982
    assert defaults["weight_add_node"] == 2.47
    assert defaults["optimizer_algorithm"] == "BFGS"
    assert list(defaults["binary_operators"]) == ["+", "-", "*", "/"]


def test_resolution_fills_in_seed_threads_and_output_directory():
    options = resolve_options()
    assert isinstance(options["random_state"], int)
    assert options["threads"] >= 1
    assert options["output_directory"] == "outputs"
    assert options["timeout_in_seconds"] is None


def test_operator_aliases_become_canonical_names():
    options = resolve_options(binary_operators=["plus", "mult", "pow"], unary_operators=["cos"])
    assert options["binary_operators"] == ["+", "*", "^"]
    assert options["unary_operators"] == ["cos"]


@pytest.mark.parametrize(
    "given, message",
    [
        (dict(populations=-3), "populations must be a positive integer up to 10000, got -3"),
        (dict(populations=2.5), "populations must be a positive integer up to 10000, got 2.5"),
        (dict(niterations=True), "niterations must be a positive integer up to 1000000000000, got True"),
        (dict(tournament_selection_p=1.5), "tournament_selection_p must be a number between 0 and 1, got 1.5"),
        (dict(parsimony=math.nan), "parsimony must be a finite"),
        (dict(timeout_in_seconds=0), "timeout_in_seconds must be a positive number"),
        (dict(precision=16), "precision must be one of 32, 64, got 16"),
        (dict(annealing="yes"), "annealing must be True or False"),
        (dict(maxsize=6), "maxsize must be an integer between 7 and 1000, got 6"),
        (dict(maxsize=10**7), "maxsize must be an integer between 7 and 1000, got 10000000"),
        (dict(niterations=10**400), "niterations must be a positive integer up to 1000000000000"),
        (dict(max_evals=2**64), "max_evals must be a positive integer up to"),
        (dict(parsimony=10**400), "parsimony must be a finite non-negative number"),
        (dict(populations=10_000, population_size=10_000), "would not fit in memory"),
        (dict(unary_operators=["coss"]), "unknown unary operator 'coss'"),
        (dict(binary_operators=["cos"]), "'cos' is a unary operator"),
        (dict(binary_operators=[], unary_operators=[]), "give at least one operator"),
        (dict(deterministic=True), "deterministic=True needs a fixed seed"),
        (dict(population_size=10), "tournament_selection_n (15) must not exceed population_size (10)"),
        (dict(random_state=-1), "random_state must be a non-negative integer up to"),
        (dict(threads=10**6), "threads must be a positive integer up to 1024, got 1000000"),
    ],
)
def test_invalid_values_say_what_is_expected(given, message):
    with pytest.raises(ValueError) as error:
        resolve_options(**given)
    assert message in str(error.value)


def test_pysr_checks_an_unknown_optimizer_and_a_large_maxsize():
    with pytest.raises(NotImplementedError, match="optimizer_algorithm 'Adam' is not available; pysr_lite supports BFGS, NelderMead"):
        resolve_options(optimizer_algorithm="Adam")
    with pytest.warns(UserWarning, match="maxsize=41: a search for equations this large is exponentially slower"):
        resolve_options(maxsize=41)


def test_unknown_option_suggests_the_closest_name():
    with pytest.raises(ValueError, match=r"unknown option 'populatons'; did you mean 'populations'\?"):
        resolve_options(populatons=3)
    with pytest.raises(ValueError, match="unknown option 'zzz'"):
        resolve_options(zzz=1)


def test_search_signature_lists_every_option_with_its_default():
    parameters = inspect.signature(pysr_lite.search).parameters
    for spec in OPTIONS:
        assert parameters[spec.name].default == spec.default
    assert "niterations = 100" in pysr_lite.search.__doc__


def test_options_toml_has_every_protocol_key_and_nothing_else():
    entries = entries_for(random_state=1)
    assert set(entries) == PROTOCOL_KEYS | FURTHER_SEARCH_KEYS | {
        spec.name for spec in OPTIONS if spec.name.startswith("weight_")
    }
    assert "verbosity" not in entries and "output_directory" not in entries


def test_options_toml_none_values_and_resolved_defaults():
    entries = entries_for(random_state=7, threads=3)
    assert entries["timeout_in_seconds"] == 0
    assert entries["max_evals"] == 0
    assert "early_stop_loss" not in entries  # no threshold: the engine's default, never
    assert "elementwise_loss" not in entries  # the engine's default, L2DistLoss()
    assert entries["random_state"] == 7
    assert entries["threads"] == 3
    assert entries["maxdepth"] == entries["maxsize"] == 30


def test_options_toml_written_values():
    entries = entries_for(timeout_in_seconds=12, max_evals=1000, early_stop_condition=1e-6, maxdepth=5, random_state=0)
    assert entries["timeout_in_seconds"] == 12.0 and isinstance(entries["timeout_in_seconds"], float)
    assert entries["max_evals"] == 1000
    assert entries["early_stop_loss"] == 1e-6
    assert entries["maxdepth"] == 5


def test_early_stop_condition_is_a_threshold_or_julia_source():
    threshold = resolve_options(early_stop_condition=1e-6, random_state=0)
    assert toml_entries(threshold)["early_stop_loss"] == 1e-6 and threshold["user_functions"] == {}
    source = "f(loss, complexity) =\n    loss < 1e-6 && complexity < 10"
    julia = resolve_options(early_stop_condition=source, random_state=0)
    assert "early_stop_loss" not in toml_entries(julia)
    assert julia["user_functions"] == {"early_stop_condition": source}
    for bad in ["", "  ", math.inf, [1.0]]:
        with pytest.raises(ValueError, match="early_stop_condition must be"):
            resolve_options(early_stop_condition=bad)
    assert parse_option_text("early_stop_condition", "1e-8") == 1e-8
    assert parse_option_text("early_stop_condition", source) == source


def test_option_text_as_on_the_command_line():
    assert parse_option_text("deterministic", "true") is True
    assert parse_option_text("timeout_in_seconds", "none") is None
    assert parse_option_text("unary_operators", "cos, exp") == ["cos", "exp"]
    assert parse_option_text("precision", "32") == 32
    with pytest.raises(ValueError, match="populations must be a positive integer"):
        parse_option_text("populations", "many")
    with pytest.raises(ValueError, match="did you mean 'niterations'"):
        parse_option_text("niteration", "3")


def test_every_option_has_documentation():
    for spec in OPTIONS:
        assert spec.doc, spec.name
    assert len(OPTION_SPECS) == len(OPTIONS)


def test_every_option_belongs_to_a_topic_of_the_reference():
    from pysr_lite.options import OPTION_GROUPS

    ungrouped = [spec.name for spec in OPTIONS if spec.group not in OPTION_GROUPS]
    assert ungrouped == [], f"give these options a group= from OPTION_GROUPS: {ungrouped}"
    empty = [key for key in OPTION_GROUPS if not any(spec.group == key for spec in OPTIONS)]
    assert empty == [], f"topics with no option: {empty}"


def test_the_options_reference_in_docs_is_generated_from_the_table():
    """docs/options.md must be regenerated when an option changes: python -m pysr_lite.options > docs/options.md"""
    from pathlib import Path

    from pysr_lite.options import options_markdown

    documented = (Path(__file__).resolve().parent.parent / "docs" / "options.md").read_text(encoding="utf-8")
    assert documented == options_markdown()
