"""Property-based tests (hypothesis): whatever text, file or option value comes in, pysr_lite
either accepts it or raises one of its documented errors, quickly, and never runs it.

Four doors are tried: the equation parser with every export (sympy, numpy, LaTeX), ``load_result``
on a run folder whose ``hall_of_fame.csv`` or ``options.toml`` was replaced by hostile bytes or
text, and ``resolve_options`` with values of every kind (huge, negative, NaN, infinite, control
characters, non-ASCII, wrong types). Documented errors are ValueError and its subclasses
(``EquationSyntaxError``, ``HallOfFameError``, ``RunFolderError``), FileNotFoundError for a folder
that is not a run folder, and NotImplementedError for an unknown ``optimizer_algorithm`` (as PySR).
Planted payloads would leave a marker file if anything evaluated them as Python or shell.

Runs derandomized (the same examples every time, for CI) and counts its examples:
``EXAMPLES`` below adds up to 3,900, in well under a minute (about 16 s).
"""

import math
import resource
import shutil
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pysr_lite import load_result
from pysr_lite.equations import EquationSyntaxError, node_count, parse_equation, to_numpy, to_sympy
from pysr_lite.export.latex import to_latex
from pysr_lite.operators import BUILTIN_OPERATORS
from pysr_lite.options import OPTIONS, parse_option_text, resolve_options, toml_entries
from pysr_lite.run_folder import format_toml, parse_toml

from conftest import uniform_data, write_prepared_run_folder

EXAMPLES = {
    "engine_equations": 400,
    "any_text": 800,
    "mutated_equations": 400,
    "payloads": 150,
    "hall_of_fame_bytes": 200,
    "hall_of_fame_rows": 300,
    "options_toml_bytes": 150,
    "options_toml_edits": 300,
    "one_option": 700,
    "several_options": 200,
    "option_text": 300,
}
SECONDS_PER_EXAMPLE = 2.0
# Peak memory this module may add to the process (a result file once took gigabytes).
MEGABYTES_FOR_THE_MODULE = 512


def examples(kind: str):
    return settings(
        max_examples=EXAMPLES[kind],
        deadline=timedelta(seconds=SECONDS_PER_EXAMPLE),
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.fixture(scope="module", autouse=True)
def bounded_memory():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    yield
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown < MEGABYTES_FOR_THE_MODULE, f"the properties raised the peak memory by {grown:.0f} MB"


# ----------------------------------------------------------------------------------------------
# Strategies
# ----------------------------------------------------------------------------------------------

NAMES = ["x0", "x1", "alpha"]
X = uniform_data(n_rows=5, n_features=3, seed=60)
INFIX = ["+", "-", "*", "/", "^"]
BINARY_CALLS = sorted(name for name in BUILTIN_OPERATORS.of_arity(2) if name not in INFIX)
UNARY = sorted(BUILTIN_OPERATORS.of_arity(1))

# Numbers as the engine writes them (Julia's shortest round trip) and as Python does.
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
number_texts = st.one_of(
    finite_floats.map(repr),
    finite_floats.map(lambda value: repr(value).replace("e+", "e")),
    st.sampled_from(["1.0e10", "2.0", "-0.0", "1.0e-320", "1.7976931348623157e308", "0.5", "-3"]),
)
leaves = st.one_of(st.sampled_from(NAMES), number_texts).map(lambda text: (text, 1))


def _calls(children):
    return st.one_of(
        st.tuples(st.sampled_from(UNARY), children).map(lambda t: (f"{t[0]}({t[1][0]})", 1 + t[1][1])),
        st.tuples(st.sampled_from(INFIX), children, children).map(
            lambda t: (f"({t[1][0]} {t[0]} {t[2][0]})", 1 + t[1][1] + t[2][1])),
        st.tuples(st.sampled_from(BINARY_CALLS), children, children).map(
            lambda t: (f"{t[0]}({t[1][0]}, {t[2][0]})", 1 + t[1][1] + t[2][1])),
    )


# Equation text in the protocol's grammar (docs/protocol.md, "Equation text") with its node
# count, up to 40 leaves; ``engine_equations`` is the text alone.
counted_equations = st.recursive(leaves, _calls, max_leaves=40)
engine_equations = counted_equations.map(lambda pair: pair[0])

# Characters a hostile or damaged file may hold: the grammar's own, letters, digits, quotes,
# brackets, control characters and non-ASCII (including digits of other scripts).
hostile_characters = st.one_of(
    st.sampled_from(list("()+-*/^,.<>=eE0123456789 xalphcosinmq_\"'`[]{};:#$|&!\\\t\n\r\x00\x0b")),
    st.characters(),
)
any_text = st.text(hostile_characters, max_size=200)


# ----------------------------------------------------------------------------------------------
# The equation parser and every export
# ----------------------------------------------------------------------------------------------


def every_export(text: str) -> None:
    """Parse and build every form of the equation; only EquationSyntaxError may escape (a text
    that reads as an equation must export)."""
    tree = parse_equation(text, NAMES)
    expression = to_sympy(tree, NAMES)
    assert isinstance(expression, sympy.Basic)
    assert isinstance(to_latex(expression), str)
    values = to_numpy(tree, NAMES)(X)
    assert values.shape == (len(X),) and values.dtype == np.float64


@examples("engine_equations")
@given(counted_equations)
def test_every_equation_the_engine_can_write_reads_and_exports(equation):
    text, nodes = equation
    every_export(text)
    assert node_count(parse_equation(text, NAMES)) == nodes


@examples("any_text")
@given(any_text)
def test_any_text_is_an_equation_or_a_syntax_error(text):
    try:
        every_export(text)
    except EquationSyntaxError as error:
        assert str(error)  # says what is wrong


@examples("mutated_equations")
@given(engine_equations, st.data())
def test_damaged_equations_are_equations_or_syntax_errors(text, data):
    position = data.draw(st.integers(0, len(text)))
    damage = data.draw(st.sampled_from(["cut", "insert", "delete"]))
    if damage == "cut":
        text = text[:position]
    elif damage == "insert":
        text = text[:position] + data.draw(st.text(hostile_characters, min_size=1, max_size=5)) + text[position:]
    else:
        text = text[:position] + text[position + 1:]
    try:
        every_export(text)
    except EquationSyntaxError:
        pass


# Text that does something if evaluated: Python (eval/exec/sympify), or a shell.
PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "open('{marker}', 'w').write('x')",
    "exec(\"open('{marker}','w')\")",
    "$(touch {marker})",
    "`touch {marker}`",
    "; touch {marker} #",
    "x0; import os; os.system('touch {marker}')",
    "lambda: open('{marker}', 'w')",
    "Symbol('x').__class__.__init__.__globals__",
    "x0.__class__.__mro__[1].__subclasses__()",
    "touch(\"{marker}\")",
    "run(`touch {marker}`)",
]


@pytest.fixture(scope="module")
def marker_directory():
    directory = Path(tempfile.mkdtemp(prefix="pysr_lite_payload_"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def planted(payload: str, marker: Path) -> str:
    return payload.format(marker=marker)


@examples("payloads")
@given(st.sampled_from(PAYLOADS), engine_equations, st.sampled_from(["{e} + {p}", "{p}", "cos({p})", "({e} * {p})"]))
def test_planted_payloads_in_equations_never_run(marker_directory, payload, equation, template):
    marker = marker_directory / "equation_payload_ran"
    text = template.format(e=equation, p=planted(payload, marker))
    try:
        every_export(text)
    except EquationSyntaxError:
        pass
    assert not marker.exists()


# ----------------------------------------------------------------------------------------------
# load_result on hostile run folders
# ----------------------------------------------------------------------------------------------

LOAD_ERRORS = (ValueError, FileNotFoundError)  # HallOfFameError, EquationSyntaxError, RunFolderError


@pytest.fixture(scope="module")
def run_folder():
    """A valid run folder (x0, x1; a front of two equations), restored after each example."""
    directory = Path(tempfile.mkdtemp(prefix="pysr_lite_properties_"))
    X2 = uniform_data(n_rows=4, seed=61)
    write_prepared_run_folder(directory, X2, X2[:, 0], random_state=0)
    (directory / "hall_of_fame.csv").write_text('complexity,loss,equation\n1,0.5,"x0"\n3,0.25,"(x0 * 2.0)"\n')
    originals = {name: (directory / name).read_bytes() for name in ("options.toml", "hall_of_fame.csv")}
    assert len(load_result(directory)) == 2
    yield directory, originals
    shutil.rmtree(directory, ignore_errors=True)


def load_replaced(run_folder, name: str, content: bytes):
    """load_result after replacing one file; the result is used the way a user would."""
    directory, originals = run_folder
    for original, data in originals.items():
        (directory / original).write_bytes(data)
    (directory / name).write_bytes(content)
    try:
        result = load_result(directory)
    except LOAD_ERRORS as error:
        assert str(directory) in str(error), error  # the error names the file
        return None
    if len(result):
        repr(result)
        best = result.best()
        to_latex(best.sympy())
        try:
            assert best.predict(uniform_data(n_rows=3, seed=62)).shape == (3,)
        except ValueError as error:  # a user operator whose Python form this reader was not given
            assert "custom operator" in str(error)
    return result


@examples("hall_of_fame_bytes")
@given(st.binary(max_size=2000))
def test_load_result_survives_any_bytes_as_hall_of_fame(run_folder, content):
    load_replaced(run_folder, "hall_of_fame.csv", content)


# Each field of a row is as the engine writes it, or hostile; whole rows stay plausible often
# enough that the damage reaches every check behind the first.
hostile_numbers = st.one_of(
    st.sampled_from(["NaN", "Inf", "-Inf", "1e999", "-1", "0", "", " 3", "0x10", "١", "1_000", "3.0", "1e-320",
                     str(2**63), str(10**30), "-" + str(10**30), "9" * 5000]),
    st.integers().map(str),
    st.floats().map(repr),
    st.text(hostile_characters, max_size=8),
)
csv_complexities = st.one_of(st.integers(1, 60).map(str), hostile_numbers)
csv_losses = st.one_of(st.floats(0, 1e6).map(repr), hostile_numbers)
csv_equations = st.one_of(
    engine_equations.map(lambda text: text.replace("alpha", "x1")),
    any_text,
    st.sampled_from(PAYLOADS).map(lambda payload: payload.format(marker="/tmp/pysr_lite_csv_payload_ran")),
)


def csv_field(text: str, quoted: bool) -> str:
    return '"' + text.replace('"', '""') + '"' if quoted else text


@examples("hall_of_fame_rows")
@given(
    st.one_of(st.just("complexity,loss,equation"),
              st.sampled_from(["complexity,loss", "loss,complexity,equation", "", "complexity,loss,equation,x"])),
    st.lists(st.tuples(csv_complexities, csv_losses, csv_equations, st.booleans()), max_size=6),
    st.sampled_from(["\n", "\r\n"]),
)
def test_load_result_survives_hostile_rows(run_folder, header, rows, newline):
    lines = [header] + [f"{c},{l},{csv_field(e, quoted)}" for c, l, e, quoted in rows]
    load_replaced(run_folder, "hall_of_fame.csv", newline.join(lines).encode("utf-8", "surrogatepass"))
    assert not Path("/tmp/pysr_lite_csv_payload_ran").exists()


@examples("options_toml_bytes")
@given(st.binary(max_size=2000))
def test_load_result_survives_any_bytes_as_options_toml(run_folder, content):
    load_replaced(run_folder, "options.toml", content)


toml_values = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.sampled_from(["99999999999999999999", "inf", "nan", "-0", "1e400", "true", "[]", "[1, \"a\"]", "{}",
                     "{ a = 1 }", "\"\"", "'lit'", "[[1], [2]]", "1979-05-27", "[\"x0\", \"x0\"]", "[\"é\", \"x\"]"]),
    st.floats().map(repr),
    st.text(hostile_characters, max_size=20).map(lambda text: format_toml({"v": text}).split(" = ", 1)[1].strip()),
    st.text(hostile_characters, max_size=20),
)


@examples("options_toml_edits")
@given(st.data())
def test_load_result_survives_damaged_options_toml(run_folder, data):
    lines = run_folder[1]["options.toml"].decode().splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    edit = data.draw(st.sampled_from(["value", "delete", "cut", "duplicate", "insert", "user operator"]))
    if edit == "user operator":  # as written for a user operator: in an operator list and in [user_functions]
        name = data.draw(st.one_of(st.sampled_from(["myop", "cos", "x0", "+", "max", "my op", "", "é1", "2x", "pow"]),
                                   st.text(hostile_characters, max_size=6)))
        key = data.draw(st.sampled_from(["binary_operators", "unary_operators"]))
        quoted = format_toml({"name": name}).split(" = ", 1)[1].strip()
        lines = [f"{key} = [{quoted}]" if line.startswith(f"{key} = ") else line for line in lines]
        lines += ["", "[user_functions]", f"operators = [{quoted}]"]
    elif edit == "value" and " = " in lines[index]:
        key = lines[index].split(" = ", 1)[0]
        lines[index] = f"{key} = {data.draw(toml_values)}"
    elif edit == "delete":
        del lines[index]
    elif edit == "cut":
        lines = lines[:index] + [lines[index][: data.draw(st.integers(0, len(lines[index])))]]
    elif edit == "duplicate":
        lines.insert(index, lines[index])
    else:
        lines.insert(index, data.draw(st.text(hostile_characters, max_size=30)))
    text = "\n".join(lines)
    load_replaced(run_folder, "options.toml", text.encode("utf-8", "surrogatepass"))


# ----------------------------------------------------------------------------------------------
# Option values
# ----------------------------------------------------------------------------------------------

OPTION_NAMES = sorted(spec.name for spec in OPTIONS)
OPTION_PAYLOAD_MARKER = Path(tempfile.gettempdir()) / "pysr_lite_option_payload_ran"
option_values = st.one_of(
    st.sampled_from(PAYLOADS).map(lambda payload: payload.format(marker=OPTION_PAYLOAD_MARKER)),
    st.integers(),
    st.sampled_from([10**400, -(10**400), 10**5000, 2**63, 2**64, -1, 0, 1, 7, 40, 41, 1000, 1001, 10**7]),
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, 5e-324, -0.0, 0.5]),
    st.text(hostile_characters, max_size=30),
    st.sampled_from(["BFGS", "Adam", "L1DistLoss()", "HuberLoss(-1)", "f(x, y) = x", "f(loss, complexity) = false",
                     "cos", "+", "pow", "myop(x) = x^2", "inv(x) = 1/x", "1e-6", "none", "\x00", "é", "𝒙"]),
    st.binary(max_size=10),
    st.booleans(),
    st.none(),
    st.complex_numbers(),
    st.lists(st.one_of(st.integers(-3, 50), st.text(hostile_characters, max_size=6), st.floats()), max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(["+", "*", "^", "sin", "cos", "/"]), st.text(max_size=4)),
                    st.one_of(st.integers(-3, 20), st.floats(), st.tuples(st.integers(-2, 9), st.integers(-2, 9)),
                              st.text(max_size=3)), max_size=3),
)


def resolved_or_documented_error(given_options: dict):
    """resolve_options accepts the values, or refuses them with a documented error; what it
    accepts can be written to options.toml and read back."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            resolved = resolve_options(**given_options)
        except NotImplementedError as error:
            assert isinstance(error, ValueError) or "optimizer_algorithm" in given_options, error
            return
        except ValueError as error:
            assert str(error)
            return
    try:
        entries = toml_entries(resolved)
    except ValueError:
        return  # refused before any run folder exists (search() calls it first)
    assert parse_toml(format_toml(entries)) is not None
    assert not OPTION_PAYLOAD_MARKER.exists()


@examples("one_option")
@given(st.sampled_from(OPTION_NAMES), option_values)
def test_any_value_of_any_option_is_accepted_or_refused_clearly(name, value):
    resolved_or_documented_error({name: value})


@examples("several_options")
@given(st.dictionaries(st.sampled_from(OPTION_NAMES), option_values, max_size=4))
def test_combinations_of_options_are_accepted_or_refused_clearly(options):
    resolved_or_documented_error(options)


@examples("option_text")
@given(st.sampled_from(OPTION_NAMES), st.one_of(
    st.text(hostile_characters, max_size=40),
    st.sampled_from(["[" * 10_000, "{'sin': " * 500, "1" * 5000, "١٢", "nan", "-inf", "1e400", "True", "None",
                     "{'^': (-1, 1)}", "__import__('os')", "(lambda: 0)()"]),
))
def test_option_text_from_the_command_line_is_read_or_refused_clearly(name, text):
    try:
        parse_option_text(name, text)
    except ValueError as error:
        assert name in str(error) or "expected" in str(error)
    except NotImplementedError:
        assert name == "optimizer_algorithm"   # PySR's error for an optimizer it does not have
