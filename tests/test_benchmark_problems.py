"""The recovery benchmark's problem set and recovery rule (benchmarks/problems.py, recovery.py).

Fast and engine-free: the data every problem draws, where its extrapolation points lie, and the
rule that decides whether a tool found the exact equation. Only numpy and sympy are needed
(the benchmark imports pyoperon and gplearn inside their runners only).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import problems  # noqa: E402
import recovery  # noqa: E402
from problems import PROBLEMS, PROBLEMS_BY_NAME, extrapolation_pieces, make_dataset  # noqa: E402

NAMES = [problem.name for problem in PROBLEMS]


@pytest.fixture(scope="module")
def datasets():
    return {problem.name: make_dataset(problem, seed=0) for problem in PROBLEMS}


def bounds(problem):
    return (np.array([v.low for v in problem.variables]), np.array([v.high for v in problem.variables]))


def test_the_set_is_large_and_varied():
    assert len(PROBLEMS) >= 40 and len(set(NAMES)) == len(NAMES)
    families = {problem.family for problem in PROBLEMS}
    assert {"AI Feynman", "Nguyen", "Korns", "Vladislavleva", "Pagie", "Keijzer", "Koza"} <= families
    assert sum(problem.noise == 0.01 for problem in PROBLEMS) >= 5
    assert sum(problem.noise == 0.1 for problem in PROBLEMS) >= 3
    assert {problem.noise for problem in PROBLEMS} == {0.0, 0.01, 0.1}
    for problem in PROBLEMS:
        assert problem.source and problem.published_sampling
        assert problem.binary_operators, problem.name


@pytest.mark.parametrize("name", NAMES)
def test_every_formula_evaluates_on_its_data(name, datasets):
    """The truth, evaluated by the benchmark's own evaluator (the one that judges models), gives the
    targets on every point set; noiseless training targets too."""
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    for X, y in [(data.X_train, data.y_train_noiseless), (data.X_test, data.y_test),
                 (data.X_extrapolation, data.y_extrapolation)]:
        values = recovery.evaluate_expression(problem.expression, problem.symbols, X)
        assert np.all(np.isfinite(values))
        np.testing.assert_allclose(values, y, rtol=1e-9, atol=1e-12 * (1 + np.max(np.abs(y))))
    if problem.noise == 0:
        np.testing.assert_array_equal(data.y_train, data.y_train_noiseless)
    else:
        noise = data.y_train - data.y_train_noiseless
        assert np.std(noise) == pytest.approx(problem.noise * np.std(data.y_train_noiseless), rel=0.5)


FUNCTIONS_IN_SYMPY = {sympy.exp: "exp", sympy.log: "log", sympy.sin: "sin", sympy.cos: "cos"}


@pytest.mark.parametrize("name", NAMES)
def test_generic_operators_can_express_every_law(name):
    """Generic mode gives each group one set; every formula's functions are in its group's set (and
    in its tailored set), so no law is out of reach and no set hints at a particular law."""
    problem = PROBLEMS_BY_NAME[name]
    generic = problem.operator_set("generic")
    assert generic == problems.GENERIC_OPERATORS[problem.group]
    assert set(problems.BASIC_OPERATORS) <= set(generic)
    used = {FUNCTIONS_IN_SYMPY[f.func] for f in problem.expression.atoms(sympy.Function)}
    if any(abs(power.exp) == sympy.Rational(1, 2) and power.base.free_symbols  # sqrt(2) is a constant
           for power in problem.expression.atoms(sympy.Pow)):
        used.add("sqrt")
    assert used <= set(generic), (name, used)
    assert used <= set(problem.operator_set("tailored")), (name, used)


def test_generic_operators_are_one_set_per_group():
    by_group = {}
    for problem in PROBLEMS:
        by_group.setdefault(problem.group, set()).add(problem.operator_set("generic"))
    assert set(by_group) == {"physics", "classic GP"}
    assert all(len(sets) == 1 for sets in by_group.values())
    assert by_group["physics"] == {("+", "-", "*", "/", "exp", "log", "sin", "cos", "sqrt")}
    with pytest.raises(ValueError):
        PROBLEMS[0].operator_set("clever")


# ---------------------------------------------------------------------------------------------
# Training and reporting splits, shards
# ---------------------------------------------------------------------------------------------


def test_the_split_is_the_recorded_rule_and_is_stable():
    training = {p.name for p in PROBLEMS if p.split == "training"}
    reporting = {p.name for p in PROBLEMS if p.split == "reporting"}
    # The rule gives exactly the frozen lists: a change to the rule, the seed or a name shows here.
    assert training == problems.TRAINING_PROBLEMS
    assert reporting == problems.REPORTING_PROBLEMS
    assert training | reporting == set(NAMES) and not training & reporting
    # Problems looked at while the defaults were chosen never report.
    assert problems.DEVELOPMENT_PROBLEMS <= training
    # A problem's split depends on its name only (adding problems moves none).
    for name in NAMES:
        assert problems.split_of(name) == PROBLEMS_BY_NAME[name].split
    assert problems.split_of("a problem added later") in problems.SPLITS
    # Enough reporting problems of both groups, with noise, to report on.
    chosen = [PROBLEMS_BY_NAME[name] for name in reporting]
    assert len(chosen) >= 20
    assert {p.group for p in chosen} == {"physics", "classic GP"}
    assert {p.noise for p in chosen} == {0.0, 0.01, 0.1}
    assert [p.name for p in problems.select_problems("all", split="reporting")] == [
        p.name for p in PROBLEMS if p.name in reporting]


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7, len(PROBLEMS), len(PROBLEMS) + 3])
def test_shards_partition_the_problems(count):
    for chosen in (list(PROBLEMS), problems.select_problems("all", split="reporting")):
        parts = [problems.shard_problems(chosen, index, count) for index in range(1, count + 1)]
        names = [p.name for part in parts for p in part]
        assert sorted(names) == sorted(p.name for p in chosen), "every problem in exactly one part"
        assert max(map(len, parts)) - min(map(len, parts)) <= 1, "balanced"
        # The command line gives the same parts.
        for index, part in enumerate(parts, start=1):
            arguments = recovery.parse_arguments(["--shard", f"{index}/{count}", "--split",
                                                  "reporting" if len(chosen) < len(PROBLEMS) else "all"])
            assert [p.name for p in arguments.problem_list] == [p.name for p in part]
            assert arguments.output == "none" and arguments.json.endswith(f"recovery-shard-{index}-of-{count}.json")


def test_noise_option_gives_every_problem_one_noise_level(tmp_path):
    arguments = recovery.parse_arguments(["--split", "training", "--noise", "0.1"])
    assert {p.noise for p in arguments.problem_list} == {0.1}
    assert [p.name for p in arguments.problem_list] == [p.name for p in problems.select_problems("all", split="training")]
    data = problems.make_dataset(arguments.problem_list[0], 0)
    assert not np.allclose(data.y_train, data.y_train_noiseless)
    # Parts run with and without it do not merge: their data differ.
    records, meta = fake_part("1/1", ["I.9.18"], [0], set())
    recovery.save_json(tmp_path / "own.json", records, meta)
    meta.noise = 0.1
    recovery.save_json(tmp_path / "noisy.json", records, meta)
    with pytest.raises(ValueError, match="noise"):
        recovery.merge_results([tmp_path / "own.json", tmp_path / "noisy.json"])
    with pytest.raises(SystemExit):
        recovery.parse_arguments(["--noise", "1.5"])


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0"])
def test_bad_shards_are_refused(text):
    with pytest.raises(ValueError):
        problems.parse_shard(text)


@pytest.mark.parametrize("name", NAMES)
def test_training_and_test_points_lie_in_the_published_ranges_with_finite_targets(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    low, high = bounds(problem)
    for X, y in [(data.X_train, data.y_train), (data.X_test, data.y_test)]:
        assert X.shape[1] == len(problem.variables) and len(X) == len(y) > 0
        assert np.all(X >= low) and np.all(X <= high)
        assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    assert len(data.X_train) <= problems.MAX_TRAIN_ROWS
    assert len(data.X_test) == problems.TEST_ROWS


@pytest.mark.parametrize("name", NAMES)
def test_extrapolation_points_lie_outside_the_training_range_in_every_variable(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    low, high = bounds(problem)
    X = data.X_extrapolation
    assert len(X) == problems.TEST_ROWS and np.all(np.isfinite(data.y_extrapolation))
    outside = (X < low) | (X > high)
    assert outside.all(), "every variable of every point is beyond its training range"
    width = high - low
    assert np.all(X >= low - 0.25 * width - 1e-12) and np.all(X <= high + 0.25 * width + 1e-12)
    domain_low = np.array([v.domain[0] for v in problem.variables])
    assert np.all(X > domain_low), "positive quantities stay positive"


def test_extrapolation_respects_domains():
    # sqrt(x) trained on [0, 4]: nothing below 0, so it extrapolates upwards only.
    assert extrapolation_pieces(PROBLEMS_BY_NAME["Nguyen-8"].variables[0]) == [(4.0, 5.0)]
    # log(x + 1) trained on [0, 2]: down to -0.5, still inside x > -1.
    assert extrapolation_pieces(PROBLEMS_BY_NAME["Nguyen-7"].variables[0]) == [(-0.5, 0.0), (2.0, 2.5)]
    # A positive quantity on [1, 5] keeps 5 % of the width (0.2) away from 0.
    mass = PROBLEMS_BY_NAME["I.14.3"].variables[0]
    assert extrapolation_pieces(mass) == [(pytest.approx(0.2), 1.0), (5.0, 6.0)]


def test_data_depend_only_on_the_seed_and_noise_is_as_declared():
    ten = make_dataset(PROBLEMS_BY_NAME["I.14.4"], 0)
    assert np.std(ten.y_train - ten.y_train_noiseless) == pytest.approx(0.1 * np.std(ten.y_train_noiseless), rel=0.1)
    problem = PROBLEMS_BY_NAME["I.12.1"]
    first, again, other = make_dataset(problem, 0), make_dataset(problem, 0), make_dataset(problem, 1)
    np.testing.assert_array_equal(first.X_train, again.X_train)
    np.testing.assert_array_equal(first.y_train, again.y_train)
    assert not np.array_equal(first.X_train, other.X_train)
    noise = first.y_train - first.y_train_noiseless
    assert np.std(noise) == pytest.approx(0.01 * np.std(first.y_train_noiseless), rel=0.1)
    noiseless = make_dataset(PROBLEMS_BY_NAME["I.14.3"], 0)
    np.testing.assert_array_equal(noiseless.y_train, noiseless.y_train_noiseless)


def test_grid_problems_use_the_published_grid():
    data = make_dataset(PROBLEMS_BY_NAME["Pagie-1"], 0)
    assert len(data.X_train) == 26 * 26
    assert sorted(set(np.round(data.X_train[:, 0], 6)))[:3] == [-5.0, -4.6, -4.2]


# ---------------------------------------------------------------------------------------------
# The recovery rule
# ---------------------------------------------------------------------------------------------


def as_tool_output(problem, expression):
    """A model as a tool would return it: constants as floats, variables named x0, x1, ..."""
    columns = {symbol: sympy.Symbol(f"x{index}") for index, symbol in enumerate(problem.symbols)}
    return expression.evalf().xreplace(columns)


def judge(problem, data, tool_expression):
    return recovery.judge(recovery.in_problem_symbols(tool_expression, problem), problem, data)


@pytest.mark.parametrize("name", NAMES)
def test_the_rule_accepts_the_truth_with_slightly_perturbed_constants(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    model = as_tool_output(problem, problem.expression)
    perturbed = model.xreplace({c: sympy.Float(float(c) * (1 + 4e-8)) for c in model.atoms(sympy.Float)})
    verdict = judge(problem, data, sympy.Float(1.0000001) * perturbed)
    assert verdict.recovered, (name, verdict)


@pytest.mark.parametrize("name", NAMES)
def test_the_rule_rejects_wrong_constants_and_wrong_forms(name, datasets):
    problem, data = PROBLEMS_BY_NAME[name], datasets[name]
    model = as_tool_output(problem, problem.expression)
    assert not judge(problem, data, sympy.Float(1.01) * model).recovered
    assert not judge(problem, data, model + sympy.Symbol("x0") ** 2 / 10).recovered


def test_the_rule_on_examples():
    problem, data = PROBLEMS_BY_NAME["I.39.1"], make_dataset(PROBLEMS_BY_NAME["I.39.1"], 0)
    x0, x1 = sympy.symbols("x0 x1")
    assert judge(problem, data, 1.5000001 * x0 * x1).how == "symbolic"
    # The same law written differently, with constants a tool might produce.
    assert judge(problem, data, x0 / (0.6666667 / x1)).recovered
    # A negligible extra term: not equal symbolically, equal numerically.
    assert judge(problem, data, 1.5 * x0 * x1 + 1e-7).how == "numeric"
    assert not judge(problem, data, 1.5 * x0 * x1 + 0.5).recovered
    assert not judge(problem, data, 1.5 * x0 * x1**1.1).recovered
    # 1/sqrt(2 pi) to three significant digits.
    gaussian = PROBLEMS_BY_NAME["I.6.2a"]
    assert judge(gaussian, make_dataset(gaussian, 0), 0.398942 * sympy.exp(-0.5 * x0**2)).recovered
    assert not recovery.judge(None, problem, data).recovered


def test_round_constants_makes_exact_rationals():
    x = sympy.Symbol("x")
    assert recovery.round_constants(2.5000001 * x) == sympy.Rational(5, 2) * x
    assert recovery.round_constants(x**2.0000004) == x**2
    assert recovery.round_constants(0.99951 * x) == x


def test_r2_score():
    y = np.array([1.0, 2.0, 3.0])
    assert recovery.r2_score(y, y) == 1.0
    assert recovery.r2_score(y, np.full(3, 2.0)) == 0.0
    assert recovery.r2_score(y, np.array([1.0, np.nan, 3.0])) == -math.inf


# ---------------------------------------------------------------------------------------------
# Reading other tools' models (without importing the tools)
# ---------------------------------------------------------------------------------------------


def test_pyoperon_model_strings_are_read():
    x0, x1 = sympy.symbols("x0 x1")
    text = "((-0.000007) + (6.96533 * ((((-0.619388) * x1) * (1.033447 * x1)) * ((-0.560721) * x0))))"
    expression = recovery.pyoperon_to_sympy(text, 2)
    assert expression.free_symbols == {x0, x1}
    assert float(expression.subs({x0: 2.0, x1: 3.0})) == pytest.approx(2.5 * 2 * 9, rel=1e-4)
    assert recovery.pyoperon_to_sympy("sqrt(exp(x0))", 1) == sympy.sqrt(sympy.exp(x0))


class FakeGplearnFunction:
    def __init__(self, name, arity):
        self.name, self.arity = name, arity


def test_gplearn_programs_are_read_with_full_precision_constants():
    add, mul, sqrt = FakeGplearnFunction("add", 2), FakeGplearnFunction("mul", 2), FakeGplearnFunction("sqrt", 1)
    program = [add, mul, 0, 0.123456789, sqrt, 1]  # add(mul(X0, 0.123456789), sqrt(X1))
    x0, x1 = sympy.symbols("x0 x1")
    expression = recovery.gplearn_to_sympy(program, 2)
    assert expression == 0.123456789 * x0 + sympy.sqrt(sympy.Abs(x1))


# ---------------------------------------------------------------------------------------------
# Seeds, results files and --merge (no tool is run)
# ---------------------------------------------------------------------------------------------


def fake_part(shard, names, seeds, recovered):
    """The results of one shard as recovery.py writes them, with made-up runs."""
    records = [recovery.RunRecord(problem=name, tool=tool, status="ok", seed=seed, seconds=10.0 + seed,
                                  expression="x", recovered=(name, tool, seed) in recovered,
                                  deviation=0.0 if (name, tool, seed) in recovered else 1.0,
                                  r2_test=1.0, r2_extrapolation=0.5)
               for name in names for seed in seeds for tool in ("pysr_lite", "pyoperon")]
    meta = recovery.RunMetadata(command=f"python benchmarks/recovery.py --shard {shard}", tools=["pysr_lite", "pyoperon"],
                                seconds=30.0, threads=2, seed=seeds[0], started="2026-01-01T10:00:00",
                                finished="2026-01-01T10:50:00", machine={"nproc": "2", "cpu": "x", "memory": "1 GiB",
                                                                          "os": "linux", "load": "1.0"},
                                versions={"python": "3"}, load_after="1.0", seeds=list(seeds), operator_mode="generic",
                                pyoperon_config="srbench", shard=shard, problems=list(names))
    return records, meta


def test_seeds_give_mean_and_spread_of_recoveries():
    chosen = [PROBLEMS_BY_NAME["I.9.18"], PROBLEMS_BY_NAME["I.12.2"], PROBLEMS_BY_NAME["I.14.4"]]
    recovered = {("I.9.18", "pysr_lite", 0), ("I.12.2", "pysr_lite", 0), ("I.14.4", "pysr_lite", 0),
                 ("I.9.18", "pysr_lite", 1), ("I.9.18", "pysr_lite", 2), ("I.12.2", "pyoperon", 1)}
    records, _meta = fake_part("1/1", [p.name for p in chosen], [0, 1, 2], recovered)
    mine = recovery.summarize(records, chosen, "pysr_lite", [0, 1, 2])
    assert mine.recovered.values == (3, 1, 1)
    assert mine.recovered.mean == pytest.approx(5 / 3) and mine.recovered.std == pytest.approx(np.std([3, 1, 1], ddof=1))
    assert mine.recovered.text(of=3) == "1.7 ± 1.2 (1–3) of 3"
    assert mine.recovered_noisy.values == (1, 0, 0)  # I.14.4 has 10 % noise
    assert mine.median_seconds_to_solution == 10.0  # 10, 10, 10, 11, 12 s
    other = recovery.summarize(records, chosen, "pyoperon", [0, 1, 2])
    assert other.recovered.values == (0, 1, 0)
    assert recovery.Spread((4,)).text(of=5) == "4 of 5"


def test_shards_merge_into_one_report(tmp_path):
    chosen = problems.select_problems("all", split="reporting")[:4]
    names = [p.name for p in chosen]
    paths = []
    for index in (1, 2):
        part = [p.name for p in problems.shard_problems(chosen, index, 2)]
        records, meta = fake_part(f"{index}/2", part, [0, 1], {(part[0], "pysr_lite", 0)})
        paths.append(tmp_path / f"part{index}.json")
        recovery.save_json(paths[-1], records, meta)
    records, metas = recovery.merge_results(paths)
    assert sorted({r.problem for r in records}) == sorted(names) and len(records) == 4 * 2 * 2
    assert recovery.missing_runs(records, metas) == []
    output = tmp_path / "benchmarks.md"
    assert recovery.main(["--merge", *map(str, paths), "--output", str(output)]) == 0
    text = output.read_text()
    assert "Reporting split" in text and "2 parts" in text and "--shard 1/2" in text and "--shard 2/2" in text
    assert "1.0 ± 1.4 (0–2) of 4" in text  # pysr_lite: one recovery per shard at seed 0, none at seed 1: 2, 0
    # The same runs twice, or parts run under other conditions, are refused.
    with pytest.raises(ValueError, match="also in"):
        recovery.merge_results([paths[0], paths[0]])
    records, meta = fake_part("3/3", ["I.48.2"], [0, 1], set())
    meta.seconds = 10.0
    recovery.save_json(tmp_path / "other.json", records, meta)
    with pytest.raises(ValueError, match="seconds"):
        recovery.merge_results([paths[0], tmp_path / "other.json"])


def fake_units_part(shard, names, seeds, recovered):
    """The results of one shard of ``--units`` as recovery.py writes them, with made-up runs."""
    records, meta = fake_part(shard, names, seeds, set())
    records = [recovery.RunRecord(problem=name, tool=mode, status="ok", seed=seed, seconds=10.0 + seed,
                                  expression="x", recovered=(name, mode, seed) in recovered)
               for name in names for seed in seeds for mode in recovery.UNIT_MODES]
    meta.tools, meta.comparison, meta.command = list(recovery.UNIT_MODES), "units", f"{meta.command} --units"
    return records, meta


def test_units_shards_merge_into_the_units_section(tmp_path):
    arguments = recovery.parse_arguments(["--units", "--seeds", "2", "--shard", "1/6"])
    assert arguments.json.endswith("benchmarks/results/units-shard-1-of-6.json") and arguments.output == "none"
    parts = [[p.name for p in recovery.parse_arguments(["--units", "--shard", f"{i}/6"]).problem_list] for i in range(1, 7)]
    assert sorted(sum(parts, [])) == sorted(problems.FEYNMAN_UNITS) and max(map(len, parts)) == 7   # Feynman only, even
    names = ["I.12.1", "I.14.3", "I.48.2"]
    recovered = {("I.12.1", "hard", 0), ("I.12.1", "hard", 1), ("I.14.3", "hard", 0), ("I.12.1", "no units", 1)}
    paths = []
    for index, part in ((1, names[:2]), (2, names[2:])):
        records, meta = fake_units_part(f"{index}/2", part, [0, 1], recovered)
        paths.append(tmp_path / f"units{index}.json")
        recovery.save_json(paths[-1], records, meta)
    output = tmp_path / "benchmarks.md"
    output.write_text("# Report\n\nthe main report stays\n")
    assert recovery.main(["--merge", *map(str, paths), "--output", str(output)]) == 0
    text = output.read_text()
    assert text.startswith("# Report\n\nthe main report stays\n") and text.count(recovery.UNITS_SECTION[0]) == 1
    assert "2 parts" in text and "--shard 1/2 --units" in text and "--shard 2/2 --units" in text
    # Per seed: hard recovers 2 then 1 of the 3 problems, no units 0 then 1, soft none.
    assert "| all problems with units (3) | 0.5 ± 0.7 (0–1) of 3 | 0.0 ± 0.0 (0–0) of 3 | 1.5 ± 0.7 (1–2) of 3 |" in text
    assert "| I.12.1 | training | `mu*Nn` | 1, N; N | 1 of 2, 11.0 s | 0 of 2 | 2 of 2, 10.5 s |" in text
    # A second merge replaces the section instead of adding one.
    assert recovery.main(["--merge", *map(str, paths), "--output", str(output)]) == 0
    assert output.read_text().count(recovery.UNITS_SECTION[0]) == 1
    # A new main report keeps the units section, once.
    section = recovery.units_section_of(output)
    tools_records, tools_meta = fake_part("1/1", names, [0], set())
    recovery.save_json(tmp_path / "tools.json", tools_records, tools_meta)
    assert recovery.main(["--merge", str(tmp_path / "tools.json"), "--output", str(output)]) == 0
    text = output.read_text()
    assert "the main report stays" not in text and "## Summary" in text and text.endswith(section)
    assert text.count(recovery.UNITS_SECTION[0]) == 1 and section.startswith(recovery.UNITS_SECTION[0])


def test_units_and_tools_results_do_not_merge(tmp_path, capsys):
    units_records, units_meta = fake_units_part("1/2", ["I.12.1"], [0], set())
    tools_records, tools_meta = fake_part("2/2", ["I.14.3"], [0], set())
    recovery.save_json(tmp_path / "units.json", units_records, units_meta)
    recovery.save_json(tmp_path / "tools.json", tools_records, tools_meta)
    with pytest.raises(ValueError, match="comparison is 'tools', but 'units'"):
        recovery.merge_results([tmp_path / "units.json", tmp_path / "tools.json"])
    assert recovery.main(["--units", "--merge", str(tmp_path / "tools.json"), "--output", "none"]) == 2
    assert "these files hold the comparison of tools" in capsys.readouterr().err


FEYNMAN_PROBLEMS = sorted(problem.name for problem in PROBLEMS if problem.family == "AI Feynman")

# The AI Feynman database's units.csv (Udrescu & Tegmark) for the variables of our problems: the
# exponents of m, s, kg, T (kelvin) and V (volt), as published. A second transcription, kept apart
# from problems.FEYNMAN_UNITS (SI text) so that a slip in either shows.
PUBLISHED_UNITS = {  # name: (m, s, kg, T, V)
    "A": (2, 0, 0, 0, 0), "alpha": (0, 0, 0, 0, 0), "B": (-2, 1, 0, 0, 1), "beta": (0, 0, 0, 0, 0),
    "c": (1, -1, 0, 0, 0), "C": (2, -2, 1, 0, -2), "d": (1, 0, 0, 0, 0), "d1": (1, 0, 0, 0, 0),
    "d2": (1, 0, 0, 0, 0), "delta": (0, 0, 0, 0, 0), "Ef": (-1, 0, 0, 0, 1), "epsilon": (1, -2, 1, 0, -2),
    "F": (1, -2, 1, 0, 0), "G": (3, -2, -1, 0, 0), "g": (1, -2, 0, 0, 0), "gamma": (0, 0, 0, 0, 0),
    "h": (2, -1, 1, 0, 0), "I1": (0, -3, 1, 0, 0), "I2": (0, -3, 1, 0, 0), "k": (-1, 0, 0, 0, 0),
    "k_spring": (0, -2, 1, 0, 0), "kb": (2, -2, 1, -1, 0), "m": (0, 0, 1, 0, 0), "m_0": (0, 0, 1, 0, 0),
    "m1": (0, 0, 1, 0, 0), "m2": (0, 0, 1, 0, 0), "mob": (0, 1, -1, 0, 0), "mom": (4, -3, 1, 0, -1),
    "mu": (0, 0, 0, 0, 0), "Nn": (1, -2, 1, 0, 0), "n": (0, 0, 0, 0, 0), "n_0": (0, 0, 0, 0, 0),
    "omega": (0, -1, 0, 0, 0), "omega_0": (0, -1, 0, 0, 0), "p": (1, -1, 1, 0, 0), "Pwr": (2, -3, 1, 0, 0),
    "pr": (-1, -2, 1, 0, 0), "q": (2, -2, 1, 0, -1), "q1": (2, -2, 1, 0, -1), "q2": (2, -2, 1, 0, -1),
    "r": (1, 0, 0, 0, 0), "r1": (1, 0, 0, 0, 0), "r2": (1, 0, 0, 0, 0), "rho": (-3, 0, 1, 0, 0),
    "sigma": (0, 0, 0, 0, 0), "t": (0, 1, 0, 0, 0), "T": (0, 0, 0, 1, 0), "theta": (0, 0, 0, 0, 0),
    "theta1": (0, 0, 0, 0, 0), "theta2": (0, 0, 0, 0, 0), "U": (2, -2, 1, 0, 0), "u": (1, -1, 0, 0, 0),
    "v": (1, -1, 0, 0, 0), "V": (3, 0, 0, 0, 0), "V1": (3, 0, 0, 0, 0), "V2": (3, 0, 0, 0, 0),
    "w": (1, -1, 0, 0, 0), "x": (1, 0, 0, 0, 0), "x1": (1, 0, 0, 0, 0), "x2": (1, 0, 0, 0, 0),
    "x3": (1, 0, 0, 0, 0), "Y": (-1, -2, 1, 0, 0), "y1": (1, 0, 0, 0, 0), "y2": (1, 0, 0, 0, 0),
    "y3": (1, 0, 0, 0, 0), "z": (1, 0, 0, 0, 0), "z1": (1, 0, 0, 0, 0), "z2": (1, 0, 0, 0, 0),
}
# Our names that differ from the database's (sympy reads "gamma" as the gamma function).
DATABASE_NAMES = {"Gamma": "gamma"}


def published_si_exponents(name: str) -> tuple:
    """The published (m, s, kg, T, V) exponents in SI's (m, kg, s, A, K, mol, cd): V = kg*m^2/(s^3*A)."""
    from fractions import Fraction

    m, s, kg, kelvin, volt = PUBLISHED_UNITS[DATABASE_NAMES.get(name, name)]
    return tuple(Fraction(e) for e in (m + 2 * volt, kg + volt, s - 3 * volt, -volt, kelvin, 0, 0))


@pytest.mark.parametrize("name", FEYNMAN_PROBLEMS)
def test_every_feynman_variable_has_the_published_units(name):
    from pysr_lite.units import parse_unit

    problem = PROBLEMS_BY_NAME[name]
    X_units, _ = problems.problem_units(problem)
    for variable, unit in zip(problem.variable_names, X_units):
        assert parse_unit(unit).exponents == published_si_exponents(variable), (variable, unit)


def units_left_over(problem, X_units, y_unit) -> set:
    """sympy's own unit system judges the formula: the truth, with every variable a number times
    its unit, divided by y's unit; the units that do not cancel (none when consistent)."""
    from sympy.physics import units as si

    from pysr_lite.units import parse_unit

    with_units = {symbol: sympy.Rational(3, 2) * parse_unit(unit).to_sympy() for symbol, unit in zip(problem.symbols, X_units)}
    ratio = problem.expression.xreplace(with_units) / parse_unit(y_unit).to_sympy()
    base = [si.meter, si.kilogram, si.second, si.ampere, si.kelvin, si.mole, si.candela]
    return si.convert_to(sympy.simplify(ratio), base).atoms(si.Quantity)


@pytest.mark.parametrize("name", FEYNMAN_PROBLEMS)
def test_every_feynman_formula_is_consistent_with_its_units(name):
    problem = PROBLEMS_BY_NAME[name]
    X_units, y_unit = problems.problem_units(problem)
    assert len(X_units) == len(problem.variables)
    assert units_left_over(problem, X_units, y_unit) == set()


def test_a_wrong_unit_is_caught_by_the_consistency_check():
    from sympy.physics import units as si

    coulomb = PROBLEMS_BY_NAME["I.12.2"]  # q1*q2*r/(4*pi*epsilon*r**3)
    assert units_left_over(coulomb, ["C", "C", "F/m", "m"], "N") == set()
    assert units_left_over(coulomb, ["C", "C", "F/m", "s"], "N") == {si.meter, si.second}


def test_every_feynman_problem_and_only_those_have_units():
    assert sorted(problems.FEYNMAN_UNITS) == FEYNMAN_PROBLEMS
    for name, (by_variable, _) in problems.FEYNMAN_UNITS.items():
        assert sorted(by_variable) == sorted(PROBLEMS_BY_NAME[name].variable_names), name
    assert problems.problem_units(PROBLEMS_BY_NAME["Nguyen-1"]) is None
