"""The run folder as docs/protocol.md writes it: options.toml (a TOML subset both sides read),
user.jl, private permissions, and careful reading back."""

import os
import stat

import numpy as np
import pytest

from conftest import uniform_data, write_prepared_run_folder
from pysr_lite.run_folder import (
    PROTOCOL_VERSION,
    RunFolderError,
    create_run_directory,
    format_toml,
    parse_toml,
    read_run_folder,
)


def test_options_toml_reads_back_with_every_run_key(tmp_path):
    resolved = write_prepared_run_folder(tmp_path, uniform_data(n_rows=3), np.ones(3), random_state=2, precision=32,
                                         binary_operators=["+", "^", "max"], unary_operators=["cos", "exp"])
    spec = read_run_folder(tmp_path)
    assert (spec.n_rows, spec.n_features, spec.precision, spec.has_weights) == (3, 2, 32, False)
    assert spec.variable_names == ["x0", "x1"]
    assert spec.settings["protocol_version"] == PROTOCOL_VERSION
    assert spec.settings["binary_operators"] == ["+", "^", "max"] == resolved["binary_operators"]
    assert spec.settings["random_state"] == 2
    assert "user_functions" not in spec.settings and not (tmp_path / "user.jl").exists()


def test_built_in_only_runs_write_no_user_source(tmp_path):
    write_prepared_run_folder(tmp_path, uniform_data(n_rows=3), np.ones(3), elementwise_loss="HuberLoss(2)")
    assert read_run_folder(tmp_path).settings["elementwise_loss"] == "HuberLoss(2.0)"
    assert not (tmp_path / "user.jl").exists()


def test_user_code_goes_to_user_jl_and_options_toml_names_it(tmp_path):
    write_prepared_run_folder(
        tmp_path, uniform_data(n_rows=3), np.ones(3),
        binary_operators=["+", "myop(x, y) = x^2 / (1 + y)"], unary_operators=["inv2(x) = 1/x^2"],
        extra_sympy_mappings={"myop": lambda x, y: x**2 / (1 + y), "inv2": lambda x: 1 / x**2},
        elementwise_loss="f(prediction, target) = abs(prediction - target)",
        early_stop_condition="f(loss, complexity) = loss < 1e-6",
    )
    spec = read_run_folder(tmp_path)
    assert spec.settings["binary_operators"] == ["+", "myop"]
    assert spec.settings["user_functions"] == {
        "operators": ["myop", "inv2"], "early_stop_condition": "early_stop_condition", "elementwise_loss": "elementwise_loss",
    }
    assert spec.custom_operators == {"myop": 2, "inv2": 1}
    source = (tmp_path / "user.jl").read_text()
    assert "myop(x, y) = x^2 / (1 + y)" in source and "inv2(x) = 1/x^2" in source
    # Each role in its own `let`: both sources define `f` and must not collide.
    assert "const elementwise_loss = let\nf(prediction, target) = abs(prediction - target)\nend" in source
    assert "const early_stop_condition = let\nf(loss, complexity) = loss < 1e-6\nend" in source


def test_strings_with_control_characters_survive_the_round_trip():
    text = format_toml({"name": 'a"b\\c\n\td\x00e\x7f', "table": {"key with space": ["é", "\r"]}})
    assert "\n" not in text.split(" = ", 1)[1].split("\n", 1)[0][:-1]  # one line per key
    assert parse_toml(text) == {"name": 'a"b\\c\n\td\x00e\x7f', "table": {"key with space": ["é", "\r"]}}


def test_values_toml_cannot_carry_are_refused_before_writing():
    with pytest.raises(ValueError, match="not finite"):
        format_toml({"parsimony": float("inf")})
    with pytest.raises(ValueError, match="64-bit integer"):
        format_toml({"n": 2**64})
    assert parse_toml(format_toml({"mixed": [1, 2.5]})) == {"mixed": [1.0, 2.5]}


def test_floats_have_exponents_without_leading_zeros():
    """Julia 1.5's TOML reader refuses "2.5e-09" (the recovery benchmark's early-stop loss was one)."""
    values = [2.6571236630080706e-09, 1e-5, 1.5e-300, 6.02e23, 1e16, 0.1, -3.0e-07, 1e100, 5e-324]
    text = format_toml({"values": values})
    assert "e-0" not in text and "e+0" not in text and "e0" not in text
    assert "2.6571236630080706e-9" in text and "1e-05" not in text
    assert parse_toml(text) == {"values": values}


def test_small_floats_are_written_without_exponent_zeros_julia_1_5_refuses():
    text = format_toml({"early_stop_loss": 1e-08, "tiny": -3e-05, "huge": 1e100})
    assert text == "early_stop_loss = 1e-8\ntiny = -3e-5\nhuge = 1e+100\n"
    assert parse_toml(text) == {"early_stop_loss": 1e-8, "tiny": -3e-5, "huge": 1e100}


def test_units_go_to_a_units_table_and_read_back(tmp_path):
    from pysr_lite.data import prepare_dataset
    from pysr_lite.options import resolve_options, toml_entries
    from pysr_lite.run_folder import write_run_folder
    from pysr_lite.units import validate_units

    resolved = resolve_options(random_state=0)
    dataset = prepare_dataset(uniform_data(n_rows=3), np.ones(3))
    write_run_folder(tmp_path, dataset, toml_entries(resolved), precision=64, operators=resolved["operator_table"],
                     user_functions={}, units=validate_units(["km", "s^-1"], "m/s", n_features=2))
    spec = read_run_folder(tmp_path)
    assert spec.settings["units"] == {
        "X": ["km", "s^-1"], "y": "m/s",
        "X_dimensions": [[1.0, 0, 0, 0, 0, 0, 0], [0, 0, -1.0, 0, 0, 0, 0]], "y_dimensions": [1.0, 0, -1.0, 0, 0, 0, 0],
    }
    assert [unit.text for unit in spec.units.features] == ["km", "s^-1"] and spec.units.target.text == "m/s"
    path = tmp_path / "options.toml"
    path.write_text(path.read_text().replace('y = "m/s"', 'y = "m/furlong"'))
    with pytest.raises(RunFolderError, match="\\[units\\]: y_units: cannot read the unit 'm/furlong'"):
        read_run_folder(tmp_path)


def test_run_folders_are_private_whatever_the_umask(tmp_path):
    previous = os.umask(0o002)
    try:
        folder = create_run_directory(tmp_path / "outputs")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda text: b"\xff\xfe" + text, "is not UTF-8 text"),
        (lambda text: text[: len(text) // 2] + b'\nname = "cut', "is not valid TOML"),
        (lambda text: text.replace(b"protocol_version = 2", b"protocol_version = 99"), "protocol version 99"),
        (lambda text: text.replace(b"n_rows = 3", b""), "lacks the field 'n_rows'"),
        (lambda text: text.replace(b"n_rows = 3", b'n_rows = "3"'), "field 'n_rows' has the wrong type"),
        (lambda text: text.replace(b'variable_names = ["x0", "x1"]', b'variable_names = ["x0", "x 1"]'), "not an identifier"),
        (lambda text: text.replace(b'binary_operators = ["+", "-", "*", "/"]', b"binary_operators = 3"), "must be a list of names"),
    ],
)
def test_damaged_options_toml_gives_an_error_that_names_the_file(tmp_path, damage, message):
    write_prepared_run_folder(tmp_path, uniform_data(n_rows=3), np.ones(3), random_state=0)
    path = tmp_path / "options.toml"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(RunFolderError, match=message) as error:
        read_run_folder(tmp_path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    "name, list_key, problem",
    [
        ("cos", "unary_operators", "is the name of a built-in operator"),
        ("pow", "binary_operators", "is the name of a built-in operator"),
        ("x0", "unary_operators", "is also a variable name"),
        ("my op", "binary_operators", "is not an identifier"),
        ("", "unary_operators", "is not an identifier"),
    ],
)
def test_user_operators_of_a_damaged_options_toml_name_the_file(tmp_path, name, list_key, problem):
    """Found by tests/test_properties.py: a built-in's name gave a ValueError that named no file."""
    write_prepared_run_folder(tmp_path, uniform_data(n_rows=3), np.ones(3), random_state=0)
    path = tmp_path / "options.toml"
    text = "\n".join(f"{list_key} = {format_toml({'n': [name]}).split(' = ', 1)[1].strip()}"
                     if line.startswith(f"{list_key} = ") else line for line in path.read_text().splitlines())
    path.write_text(text + "\n\n[user_functions]\noperators = " + format_toml({"n": [name]}).split(" = ", 1)[1])
    with pytest.raises(RunFolderError, match=problem) as error:
        read_run_folder(tmp_path)
    assert str(path) in str(error.value)


def test_a_folder_without_options_toml_is_not_a_run_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a pysr_lite run folder"):
        read_run_folder(tmp_path)


def test_the_custom_operators_sources_are_read_back_from_user_jl():
    """load_result rebuilds a run's operators from user.jl: each definition exactly as given,
    blank lines and comments inside it included."""
    from pysr_lite.operators import BUILTIN_OPERATORS, custom_operator
    from pysr_lite.run_folder import format_user_source, read_operator_sources

    inv2 = "inv2(x) = 1 / x^2"
    smooth = "function smooth(x, y)\n    # a comment inside\n\n    return x / (1 + abs(y))\nend"
    operators = BUILTIN_OPERATORS.with_custom([
        custom_operator(inv2, 1, sympy_mappings={"inv2": lambda x: 1 / x**2}),
        custom_operator(smooth, 2, sympy_mappings={"smooth": lambda x, y: x / (1 + abs(y))}),
    ])
    text = format_user_source(operators, {"elementwise_loss": "loss(p, t) = abs(p - t)"})
    assert read_operator_sources(text) == {"inv2": inv2, "smooth": smooth}
