"""Units through the real engine: PySR's acceptance searches, hard mode, the front's column, and
every bad input refused before a search starts."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from sympy.physics import units as si

from pysr_lite import SymbolicRegressor, load_result, search
from pysr_lite.units import UnitError

from conftest import run_folders, uniform_data, write_prepared_run_folder


def test_cosine_of_a_length_is_not_accepted_as_a_length(fast_search):
    """PySR's test_dimensional_constraints: y = cos(x0), every feature and y in metres."""
    X = uniform_data(n_rows=100, n_features=3, seed=1)
    y = np.cos(X[:, 0])
    # Every step from cos(x0) to c1*cos(c2*x0) is inconsistent, so the search takes longer: twice
    # the iterations, as PySR's test doubles its own.
    result = search(X, y, binary_operators=["+", "-", "*"], unary_operators=["cos"], X_units=["m", "m", "m"],
                    y_units="m", early_stop_condition=1e-8, **dict(fast_search, niterations=40))
    front = result.equations
    simple = front[front["complexity"] <= 2]
    assert (simple["loss"] > 1e-6).all(), result     # cos(x0) costs the penalty
    exact = front[front["loss"] < 1e-6]
    assert len(exact) and exact["dimensionally_consistent"].all(), result   # e.g. 1.0*cos(1.0*x0)
    assert result.best().complexity > 2


@pytest.mark.parametrize("mode", ["soft", "hard"])
def test_a_product_law_is_found_through_the_units(fast_search, mode):
    """PySR's test_unit_propagation: on all-ones data only the units tell x0*x2 (m*A) from x0*x1."""
    X = np.ones((100, 3))
    y = np.ones(100)
    result = search(X, y, binary_operators=["+", "*"], X_units=["m", "s", "A"], y_units=["m*A"],
                    complexity_of_constants=10, weight_mutate_constant=0.0, should_optimize_constants=False,
                    early_stop_condition="f(loss, complexity) = loss < 1e-6 && complexity == 3",
                    dimensional_analysis=mode, **fast_search)
    best = result.best()
    assert best.complexity == 3 and "x0" in best.equation and "x2" in best.equation and "x1" not in best.equation
    first = result.equation(0)
    assert first.complexity > 1 or first.loss > 1e-6   # x0 alone fits the numbers, not the units


def test_hard_mode_never_reports_an_inconsistent_equation(fast_search):
    X = uniform_data(n_rows=100, n_features=2, low=1, high=5, seed=2)
    y = X[:, 0] + X[:, 1]                           # metres plus seconds: the best fit is not physics
    units = dict(X_units=["m", "s"], y_units="m", dimensionless_constants_only=True)
    soft = search(X, y, dimensional_constraint_penalty=0.0, **units, **fast_search)
    assert not soft.equations["dimensionally_consistent"].all(), soft   # the test can see a violation
    hard = search(X, y, dimensional_analysis="hard", **units, **fast_search)
    assert hard.equations["dimensionally_consistent"].all(), hard
    assert "(units inconsistent)" in repr(soft) and "(units inconsistent)" not in repr(hard)


def test_custom_operators_declare_how_they_treat_units(fast_search):
    X = uniform_data(n_rows=50, n_features=1, low=1, high=5, seed=4)
    custom = dict(unary_operators=["inv2(x) = 1/x^2"], extra_sympy_mappings={"inv2": lambda x: 1 / x**2},
                  binary_operators=["+", "*"], X_units=["m"], y_units="1/m^2", early_stop_condition=1e-10)
    declared = search(X, 1 / X[:, 0] ** 2, operator_dimensions={"inv2": -2}, **custom, **fast_search)
    assert declared.best().equation == "inv2(x0)" and declared.best().dimensionally_consistent
    undeclared = search(X, 1 / X[:, 0] ** 2, dimensional_constraint_penalty=0.0, **custom, **fast_search)
    assert undeclared.best().equation == "inv2(x0)" and not undeclared.best().dimensionally_consistent


def test_equations_carry_their_units_to_sympy(fast_search):
    X = uniform_data(n_rows=50, n_features=2, low=1, high=5, seed=3)
    result = search(X, X[:, 0] * X[:, 1], binary_operators=["*"], X_units=["km", "s"], y_units="m*s",
                    early_stop_condition=1e-10, **fast_search)
    best = result.best()
    assert sympy.simplify(best.sympy() - sympy.Symbol("x0") * sympy.Symbol("x1")) == 0
    x0, x1 = sympy.symbols("x0 x1")
    assert sympy.simplify(best.sympy(units=True) - 1000 * x0 * x1 * si.meter * si.second) == 0
    reloaded = load_result(result.run_directory)      # the units come back from options.toml
    assert [unit.text for unit in reloaded.units.features] == ["km", "s"] and reloaded.units.target.text == "m*s"
    assert reloaded.best().sympy(units=True) == best.sympy(units=True)
    with pytest.raises(ValueError, match="no X_units or y_units"):
        search(X, X[:, 0], binary_operators=["*"], **fast_search).best().sympy(units=True)


def test_the_regressor_takes_units_at_fit(fast_search):
    X = np.ones((50, 3))
    model = SymbolicRegressor(binary_operators=["+", "*"], complexity_of_constants=10, should_optimize_constants=False,
                              weight_mutate_constant=0.0, **fast_search)
    model.fit(X, np.ones(50), X_units=["m", "s", "A"], y_units="m*A")
    assert model.X_units_ == ["m", "s", "A"] and model.y_units_ == "m*A"
    assert model.result_.units.target.dimensions_text() == "m*A"
    assert model.equations_["dimensionally_consistent"].dtype == bool


def test_fronts_written_before_units_still_read(tmp_path):
    run = tmp_path / "run"
    write_prepared_run_folder(run, uniform_data(n_rows=5), np.ones(5), random_state=0)
    (run / "hall_of_fame.csv").write_text('complexity,loss,equation\n1,0.5,"x0"\n3,0.25,"(x0 * x1)"\n')
    result = load_result(run)
    assert result.equations["dimensionally_consistent"].tolist() == [True, True]
    assert result.units is None
    (run / "hall_of_fame.csv").write_text(
        'complexity,loss,equation,dimensionally_consistent\n1,1000.5,"x0",false\n3,0.25,"(x0 * x1)",true\n')
    assert load_result(run).equations["dimensionally_consistent"].tolist() == [False, True]
    assert "dimensionally_consistent=False" in repr(load_result(run).equation(0))


# Every unit error of search()/fit(), raised before any run folder exists: (X, search arguments, fragment)
BAD_INPUTS = [
    (2, dict(X_units=["m"]), "The number of units in `X_units` (1) must equal the number of features in `X` (2)"),
    (2, dict(X_units=["m", "s", "A"], y_units="m"), "The number of units in `X_units` (3)"),
    (1, dict(X_units="m"), "X_units must be a list with one unit per feature, not the single string 'm'"),
    (1, dict(X_units=["m"], y_units=["m", "s"]), "The number of units in `y_units` (2) must equal the number of output features in `y` (1)"),
    (1, dict(X_units=[3]), "X_units[0] must be a unit string"),
    (2, dict(X_units=["m", "furlong"]), "X_units[1]: cannot read the unit 'furlong': unknown unit 'furlong'"),
    (1, dict(X_units=["m"], y_units="m/"), "y_units: cannot read the unit 'm/': it ends too early"),
    (1, dict(y_units=7), "y_units must be a list of unit strings"),
    (1, dict(X_units=["m"], dimensional_analysis="strict"), "dimensional_analysis must be one of 'soft', 'hard'"),
    (1, dict(X_units=["m"], dimensional_constraint_penalty=-1.0), "dimensional_constraint_penalty must be a non-negative number"),
    (1, dict(X_units=["m"], dimensionless_constants_only=1), "dimensionless_constants_only must be True or False"),
    (1, dict(X_units=["m"], operator_dimensions={"cos": "+"}), "'cos' is a built-in operator, whose dimensional rule is fixed"),
    (1, dict(X_units=["m"], operator_dimensions={"inv2": -2}), "'inv2' is not a custom operator of this search"),
    (1, dict(X_units=["m"], unary_operators=["inv2(x) = 1/x^2"], extra_sympy_mappings={"inv2": lambda x: 1 / x**2},
             operator_dimensions={"inv2": "+"}), "operator_dimensions['inv2']: unknown unary operator '+'"),
    (1, dict(X_units=["m"], binary_operators=["+", "hyp(x, y) = sqrt(x^2 + y^2)"],
             extra_sympy_mappings={"hyp": lambda x, y: sympy.sqrt(x**2 + y**2)}, operator_dimensions={"hyp": 2}),
     "a power is for unary operators"),
]


@pytest.mark.parametrize("n_features, arguments, fragment", BAD_INPUTS)
def test_bad_units_are_refused_before_the_search(tmp_path, n_features, arguments, fragment):
    X = uniform_data(n_rows=10, n_features=n_features)
    with pytest.raises(ValueError) as caught:
        search(X, X[:, 0], output_directory=tmp_path, **arguments)
    assert fragment in str(caught.value)
    assert run_folders(tmp_path) == []


def test_unit_errors_are_unit_errors_at_fit():
    with pytest.raises(UnitError, match="X_units"):
        SymbolicRegressor().fit(np.ones((5, 2)), np.ones(5), X_units=["m"])
