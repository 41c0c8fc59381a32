"""The example gallery (examples/, docs/examples/) runs on its small budgets and finds its laws.

Each example is a plain script; here its ``discover(quick=True)`` runs the same search the
script's ``--quick`` flag does, and the test checks what the docs page claims it finds.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

from conftest import is_equivalent

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name: str):
    """The example script examples/<name>.py as a module (its main() does not run)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


def test_kepler_finds_the_three_halves_power_from_the_planets(tmp_path):
    kepler = load_example("kepler")
    best = kepler.discover(quick=True, output_directory=tmp_path).best()
    assert kepler.power_law_exponent(best) == pytest.approx(1.5, abs=0.005)
    assert best.complexity <= 5, best  # a power law, not a fit of the data's rounding


def test_piecewise_finds_the_slack_rope_with_a_comparison(tmp_path):
    piecewise = load_example("piecewise")
    best = piecewise.discover(quick=True, output_directory=tmp_path).best()
    assert piecewise.largest_error(best) < 0.01, best  # newtons, where tensions reach 60 N
    assert "greater" in best.equation, best  # the kink is written with the comparison


def test_robust_loss_recovers_the_pendulum_despite_outliers(tmp_path):
    robust = load_example("robust_loss")
    best = robust.discover("L1DistLoss()", quick=True, output_directory=tmp_path / "l1").best()
    assert robust.largest_relative_error(best) < 0.01, best
    squared = robust.discover(None, quick=True, output_directory=tmp_path / "l2").best()
    # The squared error is pulled away by the outliers: the contrast the docs page shows.
    assert robust.largest_relative_error(squared) > 0.05, squared


def test_multi_output_finds_both_cartesian_coordinates(tmp_path):
    multi_output = load_example("multi_output")
    model = multi_output.discover(quick=True, output_directory=tmp_path)
    r, theta = sympy.symbols("r theta")
    x_equation, y_equation = model.sympy()
    assert is_equivalent(x_equation, r * sympy.cos(theta)), x_equation
    assert is_equivalent(y_equation, r * sympy.sin(theta)), y_equation
    polar, cartesian = multi_output.points(rows=50, seed=1)
    np.testing.assert_allclose(model.predict(polar), cartesian, atol=1e-6)


def test_graph_network_messages_distil_into_the_spring_force(tmp_path):
    """The seed paper's workflow, small: a few epochs on three particles. The strongest message
    must be a linear mix of the true force, and the equation distilled from it too."""
    graph_network = load_example("graph_network_forces")
    outcome = graph_network.run(graph_network.QUICK, output_directory=tmp_path)
    assert outcome.message_force_r2 > 0.9
    assert outcome.equation_force_r2 > 0.9, outcome.equation
    assert {"dx", "dy", "r"} & {str(symbol) for symbol in outcome.equation.sympy().free_symbols}
    graph_network.plot(outcome, tmp_path / "fit.png")
    assert (tmp_path / "fit.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
