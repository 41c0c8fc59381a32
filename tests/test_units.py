"""Reading units and checking X_units / y_units: every accepted form and every error, as tables."""

from __future__ import annotations

import doctest
from fractions import Fraction

import numpy as np
import pytest

import pysr_lite.units
from pysr_lite.units import UnitError, parse_unit, validate_units


def test_the_module_examples_hold():
    failures, _ = doctest.testmod(pysr_lite.units)
    assert failures == 0


# text -> its dimensions in base units, and its scale in them
READINGS = [
    ("", "1", 1),
    ("1", "1", 1),
    ("  ", "1", 1),
    ("m", "m", 1),
    ("m/s^2", "m/s^2", 1),
    ("m/s/s", "m/s^2", 1),
    ("kg*m^2/s^2", "kg*m^2/s^2", 1),
    ("kg * m**2 / s**2", "kg*m^2/s^2", 1),
    ("kg·m", "kg*m", 1),
    ("J", "kg*m^2/s^2", 1),
    ("N", "kg*m/s^2", 1),
    ("W", "kg*m^2/s^3", 1),
    ("Pa", "kg/(m*s^2)", 1),
    ("Hz", "1/s", 1),
    ("C", "s*A", 1),
    ("V", "kg*m^2/(s^3*A)", 1),
    ("T", "kg/(s^2*A)", 1),
    ("Ohm", "kg*m^2/(s^3*A^2)", 1),
    ("Ω", "kg*m^2/(s^3*A^2)", 1),
    ("J/(kg*K)", "m^2/(s^2*K)", 1),
    ("mol/L", "mol/m^3", 1000),
    ("cd", "cd", 1),
    ("rad", "1", 1),
    ("1/s", "1/s", 1),
    ("s^-1", "1/s", 1),
    ("m^(1/2)", "m^(1/2)", 1),
    ("m^0.5", "m^(1/2)", 1),
    ("m^(-3/2)", "1/m^(3/2)", 1),
    ("km", "m", 1000),
    ("ms", "s", Fraction(1, 1000)),          # millisecond: a prefix binds to the symbol it touches
    ("m*s", "m*s", 1),                       # metre times second
    ("mm", "m", Fraction(1, 1000)),
    ("um", "m", Fraction(1, 10**6)),
    ("µm", "m", Fraction(1, 10**6)),
    ("μm", "m", Fraction(1, 10**6)),
    ("g", "kg", Fraction(1, 1000)),
    ("kg", "kg", 1),
    ("dam", "m", 10),                        # deca: the two-letter prefix
    ("hPa", "kg/(m*s^2)", 100),
    ("kHz", "1/s", 1000),
    ("MeV", "kg*m^2/s^2", Fraction("1.602176634e-13")),
    ("min", "s", 60),                        # the minute, not milli-inch
    ("h", "s", 3600),
    ("km/h", "m/s", Fraction(1000, 3600)),
    ("1e3*m", "m", 1000),
    ("mmol", "mol", Fraction(1, 1000)),
]


@pytest.mark.parametrize("text, dimensions, scale", READINGS)
def test_units_read_into_base_dimensions(text, dimensions, scale):
    unit = parse_unit(text)
    assert unit.dimensions_text() == dimensions
    assert unit.scale == scale


def test_equal_units_have_equal_exponents():
    assert parse_unit("J").exponents == parse_unit("N*m").exponents == parse_unit("kg*m^2*s^-2").exponents
    assert parse_unit("W").exponents == parse_unit("J/s").exponents == parse_unit("V*A").exponents
    assert parse_unit("").exponents == parse_unit("1").exponents == parse_unit("m/m").exponents


# text -> a fragment of the error, which always quotes the text itself
BAD_UNITS = [
    ("kg m", "expected '*' or '/' before 'm'"),
    ("m2", "write powers with '^', e.g. 'm^2'"),
    ("furlong", "unknown unit 'furlong'"),
    ("kmin", "unknown unit 'kmin'"),            # min takes no prefix
    ("kWh", "unknown unit 'kWh'"),
    ("m^", "ends too early"),
    ("m*", "ends too early"),
    ("*m", "expected a unit before '*'"),
    ("m^x", "expected a number as the exponent, got 'x'"),
    ("m^(1/0)", "divides by zero"),
    ("m^(1/2", "'(' is never closed"),
    ("m^(1 2)", "expected ')' to close the exponent"),
    ("m^1000", "beyond +-100"),
    ("(m/s", "'(' is never closed"),
    ("m/s)", "')' without a matching '('"),
    ("m+s", "expected '*' or '/' before '+'"),
    ("0*m", "must be positive"),
    ("m%", "unexpected character '%'"),
]


@pytest.mark.parametrize("text, fragment", BAD_UNITS)
def test_unreadable_units_are_errors_naming_the_text(text, fragment):
    with pytest.raises(UnitError) as caught:
        parse_unit(text)
    assert repr(text) in str(caught.value)
    assert fragment in str(caught.value)


def test_a_unit_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_unit("furlong")


# (X_units, y_units, n_features, n_outputs) -> a fragment of the error (PySR's rules first)
BAD_UNIT_LISTS = [
    (["m/s", "s", "s^2"], None, 2, 1, "The number of units in `X_units` (3) must equal the number of features in `X` (2)"),
    (["m/s", "s", "s^2"], "km", 2, 1, "The number of units in `X_units` (3)"),
    (["m/s", "s"], ["m"], 2, 2, "The number of units in `y_units` (1) must equal the number of output features in `y` (2)"),
    ("m/s", ["m"], 1, 1, "X_units must be a list with one unit per feature, not the single string 'm/s'"),
    (["m"], ["m", "s"], 1, 1, "The number of units in `y_units` (2) must equal the number of output features in `y` (1)"),
    (["m"], "m", 1, 2, "y has 2 outputs, so give a list of 2 units"),
    ({"x0": "m"}, None, 1, 1, "X_units must be a list of unit strings"),
    (3, None, 1, 1, "X_units must be a list of unit strings"),
    (["m", 2], None, 2, 1, "X_units[1] must be a unit string such as 'm/s^2'"),
    (["m", None], None, 2, 1, "X_units[1] must be a unit string"),
    (None, 5, 1, 1, "y_units must be a list of unit strings"),
    (["m", "furlong"], None, 2, 1, "X_units[1]: cannot read the unit 'furlong': unknown unit 'furlong'"),
    (["m"], "m^", 1, 1, "y_units: cannot read the unit 'm^'"),
    (["m"], ["m", "kg^x"], 1, 2, "y_units[1]: cannot read the unit 'kg^x'"),
]


@pytest.mark.parametrize("X_units, y_units, n_features, n_outputs, fragment", BAD_UNIT_LISTS)
def test_unit_lists_that_do_not_fit_the_data_are_errors(X_units, y_units, n_features, n_outputs, fragment):
    with pytest.raises(UnitError) as caught:
        validate_units(X_units, y_units, n_features, n_outputs)
    assert fragment in str(caught.value)


# PySR's test_unit_checks, valid half: (n_features, n_outputs, X_units, y_units)
VALID_UNIT_LISTS = [
    (2, 1, ["m/s", "s"], "m"),
    (1, 1, ["m/s"], None),
    (1, 1, None, "km/s"),
    (1, 1, None, ["m/s"]),
    (1, 2, None, ["m/s", ""]),
    (2, 1, np.array(["m", "s"]), "m"),
]


@pytest.mark.parametrize("n_features, n_outputs, X_units, y_units", VALID_UNIT_LISTS)
def test_unit_lists_that_fit_the_data_are_read(n_features, n_outputs, X_units, y_units):
    units = validate_units(X_units, y_units, n_features, n_outputs)
    assert len(units.features) == n_features
    assert units.targets is None if y_units is None else len(units.targets) == n_outputs


def test_no_units_means_no_dimensional_analysis():
    assert validate_units(None, None, n_features=3) is None


def test_y_units_alone_make_every_feature_dimensionless_as_in_pysr():
    units = validate_units(None, "m", n_features=2)
    assert all(unit.dimensionless for unit in units.features)
    assert units.target.dimensions_text() == "m"


def test_units_convert_to_sympy_physics_units():
    from sympy.physics import units

    assert parse_unit("km/h").to_sympy() == units.meter * 1000 / (3600 * units.second)
    assert parse_unit("J").to_sympy() == units.kilogram * units.meter**2 / units.second**2
    assert parse_unit("").to_sympy() == 1
