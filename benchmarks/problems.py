"""The public problem set of the recovery benchmark, and how its data are drawn.

Each ``Problem`` carries its ground truth (a formula read into sympy), its variables with the
sampling ranges of its publication, its noise level, its *group* and its *split*:

- **operators**: by default every problem of a group gets the group's generic operator set
  (``GENERIC_OPERATORS``: what a user who does not know the law would offer, ``+ - * /`` with
  ``exp log sin cos sqrt``); ``Problem.operators`` keeps the *tailored* set (the unary functions
  the formula's family needs), used only when asked for (``operator_set("tailored")``);
- **split**: ``training`` problems may be looked at to choose defaults, ``reporting`` problems
  may not (``split_of`` gives the rule, ``TRAINING_PROBLEMS`` / ``REPORTING_PROBLEMS`` freeze
  its outcome).

``make_dataset(problem, seed)`` draws the three point sets every tool is judged on:

- **train**: the published sampling (``U[a, b]`` uniform draws or an ``E[a, b, step]`` grid),
  with at most ``MAX_TRAIN_ROWS`` rows, plus Gaussian noise of std ``noise * std(y)`` when the
  problem is noisy (SRBench's definition of noise);
- **test**: ``TEST_ROWS`` uniform draws from the same ranges (noiseless targets);
- **extrapolation**: ``TEST_ROWS`` draws where *every* variable lies outside its training range,
  up to 25 % of the range's width beyond it on either side (noiseless targets, see
  ``extrapolation_pieces`` for how domains such as positivity are respected).

Everything is drawn from ``numpy.random.default_rng([seed, crc32(problem name)])``, so a problem
gets the same data whichever subset of problems is run.

>>> problem = PROBLEMS_BY_NAME["I.12.1"]
>>> str(problem.expression), problem.group, problem.split
('Nn*mu', 'physics', 'training')
>>> problem.operator_set("generic")
('+', '-', '*', '/', 'exp', 'log', 'sin', 'cos', 'sqrt')
>>> problem.operator_set("tailored")
('+', '-', '*', '/')
>>> data = make_dataset(problem, seed=0)
>>> data.X_train.shape, data.X_test.shape, data.X_extrapolation.shape
((1000, 2), (1000, 2), (1000, 2))
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np
import sympy
from sympy.parsing.sympy_parser import parse_expr

# Korns' problems publish 10,000 rows and the AI Feynman tables are larger still; 1,000 rows
# keep a 30-second budget meaningful on a small machine (SRBench trains on at most 10,000).
MAX_TRAIN_ROWS = 1000
TEST_ROWS = 1000
# Extrapolation reaches this fraction of a variable's training width beyond each end...
EXTRAPOLATION_FRACTION = 0.25
# ...and stays this fraction of the width away from a finite domain boundary (0 for a
# positive quantity, -1 for log(x + 1)), so no point sits on a pole or a branch point.
DOMAIN_MARGIN_FRACTION = 0.05

BASIC_OPERATORS = ("+", "-", "*", "/")
BINARY_OPERATOR_NAMES = frozenset(BASIC_OPERATORS)
UNARY_OPERATOR_NAMES = frozenset({"sqrt", "exp", "log", "sin", "cos"})
NGUYEN_FUNCTIONS = ("sin", "cos", "exp", "log")  # Uy et al.'s function set

# The generic operator set of each group: what a user who does not know the law would offer. It
# is the same for every problem of the group, so it says nothing about any one formula. The
# classic GP suites publish sin cos exp log (Nguyen, Koza); sqrt is added so that both groups
# offer the same five functions.
GENERIC_UNARY = ("exp", "log", "sin", "cos", "sqrt")
GENERIC_OPERATORS: dict[str, tuple[str, ...]] = {
    "physics": BASIC_OPERATORS + GENERIC_UNARY,
    "classic GP": BASIC_OPERATORS + GENERIC_UNARY,
}
OPERATOR_MODES = ("generic", "tailored")
# Families whose problems form the physics group; every other family is a classic GP problem.
PHYSICS_FAMILIES = frozenset({"AI Feynman"})

POSITIVE = (0.0, math.inf)
REAL = (-math.inf, math.inf)


@dataclass(frozen=True)
class Variable:
    """One input: its training range ``[low, high]`` and where the formula is defined.

    ``step`` makes the training range a grid ``E[low, high, step]`` (otherwise uniform draws);
    ``domain`` bounds the extrapolation set (open interval; default: any real number).
    """

    name: str
    low: float
    high: float
    step: float | None = None
    domain: tuple[float, float] = REAL

    @property
    def width(self) -> float:
        return self.high - self.low

    def symbol(self) -> sympy.Symbol:
        """The sympy symbol, with the sign its training range guarantees (helps simplify)."""
        if self.low > 0:
            return sympy.Symbol(self.name, positive=True)
        if self.low >= 0:
            return sympy.Symbol(self.name, nonnegative=True)
        if self.high < 0:
            return sympy.Symbol(self.name, negative=True)
        return sympy.Symbol(self.name, real=True)


@dataclass(frozen=True)
class Problem:
    """A benchmark equation: truth, variables, published sampling, operators and noise.

    >>> PROBLEMS_BY_NAME["Nguyen-8"].unary_operators
    ('sin', 'cos', 'exp', 'log', 'sqrt')
    """

    name: str
    family: str
    source: str
    formula: str
    variables: tuple[Variable, ...]
    published_sampling: str
    operators: tuple[str, ...]
    train_rows: int | None = None  # uniform problems: rows drawn (capped); grids: None
    noise: float = 0.0
    symbols: tuple[sympy.Symbol, ...] = field(init=False, repr=False, compare=False)
    expression: sympy.Expr = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        symbols = tuple(variable.symbol() for variable in self.variables)
        names = [variable.name for variable in self.variables]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.name}: duplicate variable names {names}")
        expression = parse_expr(self.formula, local_dict=dict(zip(names, symbols)))
        unknown = expression.free_symbols - set(symbols)
        if unknown:
            raise ValueError(f"{self.name}: formula uses undeclared variables {sorted(map(str, unknown))}")
        for operator in self.operators:
            if operator not in BINARY_OPERATOR_NAMES | UNARY_OPERATOR_NAMES:
                raise ValueError(f"{self.name}: unknown operator {operator!r}")
        has_grid = [variable.step is not None for variable in self.variables]
        if any(has_grid) != all(has_grid) or (self.train_rows is None) != all(has_grid):
            raise ValueError(f"{self.name}: give every variable a step (a grid) or give train_rows (uniform draws)")
        object.__setattr__(self, "symbols", symbols)
        object.__setattr__(self, "expression", expression)

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(variable.name for variable in self.variables)

    @property
    def group(self) -> str:
        """"physics" (AI Feynman) or "classic GP": the problems that share a generic operator set."""
        return "physics" if self.family in PHYSICS_FAMILIES else "classic GP"

    @property
    def split(self) -> str:
        """"training" (may be used to choose defaults) or "reporting" (never): see ``split_of``."""
        return split_of(self.name)

    def operator_set(self, mode: str = "generic") -> tuple[str, ...]:
        """The operators every tool gets: the group's generic set, or this problem's tailored one."""
        if mode == "generic":
            return GENERIC_OPERATORS[self.group]
        if mode == "tailored":
            return self.operators
        raise ValueError(f"unknown operator mode {mode!r}; choose from {', '.join(OPERATOR_MODES)}")

    @property
    def binary_operators(self) -> tuple[str, ...]:
        """The binary operators of the tailored set (see ``split_operators`` for any set)."""
        return split_operators(self.operators)[0]

    @property
    def unary_operators(self) -> tuple[str, ...]:
        """The unary operators of the tailored set (see ``split_operators`` for any set)."""
        return split_operators(self.operators)[1]

    def truth(self) -> Callable[[np.ndarray], np.ndarray]:
        """The formula as a numpy function of X (rows = points, columns = variables)."""
        function = sympy.lambdify(self.symbols, self.expression, modules="numpy")

        def evaluate(X: np.ndarray) -> np.ndarray:
            X = np.asarray(X, dtype=np.float64)
            with np.errstate(all="ignore"):
                values = function(*X.T)
            return np.broadcast_to(np.asarray(values, dtype=np.float64), (X.shape[0],)).copy()

        return evaluate


def split_operators(operators: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(binary, unary) operators of an operator set, each in the set's order."""
    return (tuple(o for o in operators if o in BINARY_OPERATOR_NAMES),
            tuple(o for o in operators if o in UNARY_OPERATOR_NAMES))


@dataclass(frozen=True)
class Dataset:
    """The points one problem is run and judged on (targets of test sets are noiseless)."""

    X_train: np.ndarray
    y_train: np.ndarray
    y_train_noiseless: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    X_extrapolation: np.ndarray
    y_extrapolation: np.ndarray


# ----------------------------------------------------------------------------------------------
# Sampling
# ----------------------------------------------------------------------------------------------


def problem_rng(problem: Problem, seed: int) -> np.random.Generator:
    """The problem's own random stream: depends on the seed and the name only."""
    return np.random.default_rng([int(seed), zlib.crc32(problem.name.encode())])


def grid_values(variable: Variable) -> np.ndarray:
    """``E[low, high, step]``: low, low + step, ... up to high inclusive (free of float drift)."""
    count = int(math.floor((variable.high - variable.low) / variable.step + 1e-9)) + 1
    return np.round(variable.low + variable.step * np.arange(count), 12)


def _draw_valid(
    problem: Problem, rows: int, draw: Callable[[int], np.ndarray], what: str
) -> np.ndarray:
    """``rows`` points from ``draw`` where the truth is finite (others are redrawn)."""
    truth = problem.truth()
    kept: list[np.ndarray] = []
    count = 0
    for _attempt in range(100):
        X = draw(max(rows - count, 16) * 2)
        X = X[np.isfinite(truth(X))]
        kept.append(X)
        count += len(X)
        if count >= rows:
            return np.concatenate(kept)[:rows]
    raise RuntimeError(f"{problem.name}: could not draw {rows} {what} points where the formula is finite")


def sample_training_inputs(problem: Problem, rng: np.random.Generator) -> np.ndarray:
    """The published training sampling (grids whole; uniform draws capped at MAX_TRAIN_ROWS)."""
    if problem.train_rows is None:
        X = np.array(list(itertools.product(*(grid_values(v) for v in problem.variables))), dtype=np.float64)
        X = X[np.isfinite(problem.truth()(X))]
        if len(X) > MAX_TRAIN_ROWS:
            X = X[np.sort(rng.choice(len(X), MAX_TRAIN_ROWS, replace=False))]
        return X
    lows = np.array([v.low for v in problem.variables])
    highs = np.array([v.high for v in problem.variables])
    rows = min(problem.train_rows, MAX_TRAIN_ROWS)
    return _draw_valid(problem, rows, lambda n: rng.uniform(lows, highs, size=(n, len(lows))), "training")


def sample_test_inputs(problem: Problem, rng: np.random.Generator, rows: int = TEST_ROWS) -> np.ndarray:
    """Uniform draws from the training ranges (also for grid problems: the grid's box)."""
    lows = np.array([v.low for v in problem.variables])
    highs = np.array([v.high for v in problem.variables])
    return _draw_valid(problem, rows, lambda n: rng.uniform(lows, highs, size=(n, len(lows))), "test")


def extrapolation_pieces(variable: Variable) -> list[tuple[float, float]]:
    """The intervals a variable's extrapolation values come from.

    For a training range [a, b] of width w: [a - w/4, a) and (b, b + w/4], each cut to stay
    ``DOMAIN_MARGIN_FRACTION * w`` inside the variable's domain; a piece cut to nothing is
    dropped (e.g. sqrt(x) on [0, 4] extrapolates only to (4, 5]).

    >>> extrapolation_pieces(Variable("m", 1, 5, domain=POSITIVE))
    [(0.2, 1.0), (5.0, 6.0)]
    """
    reach = EXTRAPOLATION_FRACTION * variable.width
    margin = DOMAIN_MARGIN_FRACTION * variable.width
    domain_low, domain_high = variable.domain
    lower = (max(variable.low - reach, domain_low + margin), float(variable.low))
    upper = (float(variable.high), min(variable.high + reach, domain_high - margin))
    return [piece for piece in (lower, upper) if piece[1] - piece[0] > 1e-12 * max(1.0, variable.width)]


def _uniform_outside(variable: Variable, pieces: Sequence[tuple[float, float]], rng: np.random.Generator, n: int) -> np.ndarray:
    """Uniform draws over ``pieces``; each value starts from the piece's outer end and moves
    towards the training range by a fraction in [0, 1), so the range's own ends are never drawn."""
    lengths = np.array([high - low for low, high in pieces])
    which = rng.choice(len(pieces), size=n, p=lengths / lengths.sum())
    outer = np.array([low if high <= variable.low else high for low, high in pieces])
    inward = np.array([1.0 if high <= variable.low else -1.0 for low, high in pieces])
    return outer[which] + inward[which] * rng.uniform(0.0, 1.0, size=n) * lengths[which]


def sample_extrapolation_inputs(problem: Problem, rng: np.random.Generator, rows: int = TEST_ROWS) -> np.ndarray:
    """Points with every variable outside its training range (see ``extrapolation_pieces``).

    Points where the formula is undefined (e.g. v > c in a relativistic factor) are redrawn.
    """
    pieces = [extrapolation_pieces(variable) for variable in problem.variables]
    for variable, variable_pieces in zip(problem.variables, pieces):
        if not variable_pieces:
            raise ValueError(f"{problem.name}: variable {variable.name} has no room to extrapolate in its domain")

    def draw(n: int) -> np.ndarray:
        return np.column_stack([_uniform_outside(v, p, rng, n) for v, p in zip(problem.variables, pieces)])

    return _draw_valid(problem, rows, draw, "extrapolation")


def make_dataset(problem: Problem, seed: int = 0) -> Dataset:
    """Train (noisy if the problem is), test and extrapolation sets for one problem and seed."""
    rng = problem_rng(problem, seed)
    truth = problem.truth()
    X_train = sample_training_inputs(problem, rng)
    y_clean = truth(X_train)
    y_train = y_clean
    if problem.noise > 0:
        y_train = y_clean + rng.normal(0.0, problem.noise * np.std(y_clean), size=len(y_clean))
    X_test = sample_test_inputs(problem, rng)
    X_extrapolation = sample_extrapolation_inputs(problem, rng)
    return Dataset(
        X_train=X_train,
        y_train=y_train,
        y_train_noiseless=y_clean,
        X_test=X_test,
        y_test=truth(X_test),
        X_extrapolation=X_extrapolation,
        y_extrapolation=truth(X_extrapolation),
    )


# ----------------------------------------------------------------------------------------------
# The problem set
# ----------------------------------------------------------------------------------------------

AI_FEYNMAN = (
    "Udrescu & Tegmark, AI Feynman: a physics-inspired method for symbolic regression, "
    "Science Advances 6 (2020); ranges from the database's FeynmanEquations.csv"
)
AI_FEYNMAN_SAMPLING = "U over the listed ranges (the database tables hold far more rows; SRBench trains on 10,000)"
NGUYEN = "Uy, Hoai, O'Neill, McKay & Galván-López, Semantically-based crossover in GP, GPEM 12 (2011)"
KEIJZER = "Keijzer, Improving symbolic regression with interval arithmetic and linear scaling, EuroGP 2003"
KORNS = "Korns, Accuracy in symbolic regression, GPTP IX (2011)"
VLADISLAVLEVA = (
    "Vladislavleva, Smits & den Hertog, Order of nonlinearity as a complexity measure for models "
    "generated by symbolic regression via Pareto GP, IEEE TEC 13 (2009)"
)
PAGIE = "Pagie & Hogeweg, Evolutionary consequences of coevolving targets, Evolutionary Computation 5 (1997)"
KOZA = "Koza, Genetic programming: on the programming of computers by means of natural selection, MIT Press (1992)"
SUITE_TABLE = "as tabulated by McDermott et al., Genetic programming needs better benchmarks, GECCO 2012"


def physical(name: str, low: float, high: float) -> Variable:
    """An AI Feynman quantity: positive (masses, charges, lengths...), so it extrapolates above 0."""
    return Variable(name, low, high, domain=POSITIVE)


def signed(name: str, low: float, high: float) -> Variable:
    """An AI Feynman quantity of any sign (angles, coordinates): extrapolates below 0 too."""
    return Variable(name, low, high)


def feynman(name: str, formula: str, variables: Iterable[Variable], unary: Sequence[str] = (), noise: float = 0.0) -> Problem:
    return Problem(
        name=name,
        family="AI Feynman",
        source=AI_FEYNMAN,
        formula=formula,
        variables=tuple(variables),
        published_sampling=AI_FEYNMAN_SAMPLING,
        operators=BASIC_OPERATORS + tuple(unary),
        train_rows=MAX_TRAIN_ROWS,
        noise=noise,
    )


def uniform(names: Sequence[str], low: float, high: float, domain=REAL) -> tuple[Variable, ...]:
    return tuple(Variable(name, low, high, domain=domain) for name in names)


def grid(names: Sequence[str], low: float, high: float, step: float) -> tuple[Variable, ...]:
    return tuple(Variable(name, low, high, step=step) for name in names)


def gp(name: str, family: str, source: str, formula: str, variables: Iterable[Variable], sampling: str,
       operators: Sequence[str], rows: int, noise: float = 0.0) -> Problem:
    """A classic GP benchmark problem with uniform draws (``U[a, b, rows]``)."""
    return Problem(name, family, f"{source}; {SUITE_TABLE}", formula, tuple(variables), sampling, tuple(operators),
                   train_rows=rows, noise=noise)


P = physical
S = signed
PROBLEMS: tuple[Problem, ...] = (
    # --- AI Feynman (ranges exactly as in FeynmanEquations.csv)
    feynman("I.6.2a", "exp(-theta**2/2)/sqrt(2*pi)", [signed("theta", 1, 3)], unary=["exp"]),
    feynman("I.8.14", "sqrt((x2-x1)**2+(y2-y1)**2)", [signed("x1", 1, 5), signed("x2", 1, 5), signed("y1", 1, 5), signed("y2", 1, 5)], unary=["sqrt"]),
    feynman("I.10.7", "m_0/sqrt(1-v**2/c**2)", [P("m_0", 1, 5), P("v", 1, 2), P("c", 3, 10)], unary=["sqrt"]),
    feynman("I.12.1", "mu*Nn", [P("mu", 1, 5), P("Nn", 1, 5)], noise=0.01),
    feynman("I.12.11", "q*(Ef+B*v*sin(theta))", [P("q", 1, 5), P("Ef", 1, 5), P("B", 1, 5), P("v", 1, 5), signed("theta", 1, 5)], unary=["sin"]),
    feynman("I.14.3", "m*g*z", [P("m", 1, 5), P("g", 1, 5), P("z", 1, 5)]),
    feynman("I.18.4", "(m1*r1+m2*r2)/(m1+m2)", [P("m1", 1, 5), P("m2", 1, 5), P("r1", 1, 5), P("r2", 1, 5)], noise=0.01),
    feynman("I.25.13", "q/C", [P("q", 1, 5), P("C", 1, 5)]),
    feynman("I.29.4", "omega/c", [P("omega", 1, 10), P("c", 1, 10)]),
    feynman("I.34.8", "q*v*B/p", [P("q", 1, 5), P("v", 1, 5), P("B", 1, 5), P("p", 1, 5)]),
    feynman("I.37.4", "I1+I2+2*sqrt(I1*I2)*cos(delta)", [P("I1", 1, 5), P("I2", 1, 5), signed("delta", 1, 5)], unary=["sqrt", "cos"], noise=0.01),
    feynman("I.39.1", "3/2*pr*V", [P("pr", 1, 5), P("V", 1, 5)]),
    feynman("I.43.31", "mob*kb*T", [P("mob", 1, 5), P("T", 1, 5), P("kb", 1, 5)]),
    feynman("II.3.24", "Pwr/(4*pi*r**2)", [P("Pwr", 1, 5), P("r", 1, 5)], noise=0.01),
    feynman("II.38.3", "Y*A*x/d", [P("Y", 1, 5), P("A", 1, 5), P("d", 1, 5), P("x", 1, 5)]),
    feynman("III.12.43", "n*(h/(2*pi))", [P("n", 1, 5), P("h", 1, 5)]),
    # --- Nguyen: U[-1, 1, 20] unless said; their published function set for every problem
    Problem("Nguyen-1", "Nguyen", f"{NGUYEN}; {SUITE_TABLE}", "x0**3+x0**2+x0", uniform(["x0"], -1, 1),
            "U[-1, 1, 20]", BASIC_OPERATORS + NGUYEN_FUNCTIONS, train_rows=20),
    Problem("Nguyen-5", "Nguyen", f"{NGUYEN}; {SUITE_TABLE}", "sin(x0**2)*cos(x0)-1", uniform(["x0"], -1, 1),
            "U[-1, 1, 20]", BASIC_OPERATORS + NGUYEN_FUNCTIONS, train_rows=20),
    Problem("Nguyen-7", "Nguyen", f"{NGUYEN}; {SUITE_TABLE}", "log(x0+1)+log(x0**2+1)", uniform(["x0"], 0, 2, domain=(-1.0, math.inf)),
            "U[0, 2, 20]", BASIC_OPERATORS + NGUYEN_FUNCTIONS, train_rows=20),
    Problem("Nguyen-8", "Nguyen", f"{NGUYEN}; {SUITE_TABLE}", "sqrt(x0)", uniform(["x0"], 0, 4, domain=(0.0, math.inf)),
            "U[0, 4, 20]", BASIC_OPERATORS + NGUYEN_FUNCTIONS + ("sqrt",), train_rows=20),
    Problem("Nguyen-10", "Nguyen", f"{NGUYEN}; {SUITE_TABLE}", "2*sin(x0)*cos(x1)", uniform(["x0", "x1"], -1, 1),
            "U[-1, 1, 100]", BASIC_OPERATORS + NGUYEN_FUNCTIONS, train_rows=100),
    # --- Keijzer: U[-3, 3, 20] training, E[-3, 3, 0.01] published test grid
    Problem("Keijzer-11", "Keijzer", f"{KEIJZER}; {SUITE_TABLE}", "x0*x1+sin((x0-1)*(x1-1))", uniform(["x0", "x1"], -3, 3),
            "U[-3, 3, 20] (test E[-3, 3, 0.01])", BASIC_OPERATORS + ("sin",), train_rows=20),
    Problem("Keijzer-14", "Keijzer", f"{KEIJZER}; {SUITE_TABLE}", "8/(2+x0**2+x1**2)", uniform(["x0", "x1"], -3, 3),
            "U[-3, 3, 20] (test E[-3, 3, 0.01])", BASIC_OPERATORS, train_rows=20),
    # --- Korns: five inputs, U[-50, 50, 10000] for training and test
    Problem("Korns-1", "Korns", f"{KORNS}; {SUITE_TABLE}", "1.57+24.3*x3", uniform(["x0", "x1", "x2", "x3", "x4"], -50, 50),
            "U[-50, 50, 10000]", BASIC_OPERATORS, train_rows=10000, noise=0.01),
    Problem("Korns-4", "Korns", f"{KORNS}; {SUITE_TABLE}", "-2.3+0.13*sin(x2)", uniform(["x0", "x1", "x2", "x3", "x4"], -50, 50),
            "U[-50, 50, 10000]", BASIC_OPERATORS + ("sin",), train_rows=10000),
    # --- Vladislavleva-4 (UBall5D)
    Problem("Vladislavleva-4", "Vladislavleva", f"{VLADISLAVLEVA}; {SUITE_TABLE}",
            "10/(5+(x0-3)**2+(x1-3)**2+(x2-3)**2+(x3-3)**2+(x4-3)**2)", uniform(["x0", "x1", "x2", "x3", "x4"], 0.05, 6.05),
            "U[0.05, 6.05, 1024] (test U[-0.25, 6.35, 5000])", BASIC_OPERATORS, train_rows=1024),
    # --- Pagie-1: 1/(1+x^-4) + 1/(1+y^-4), written without negative powers (same function, no 0^-4)
    Problem("Pagie-1", "Pagie", f"{PAGIE}; {SUITE_TABLE}", "x0**4/(1+x0**4)+x1**4/(1+x1**4)", grid(["x0", "x1"], -5, 5, 0.4),
            "E[-5, 5, 0.4] in each variable (676 points)", BASIC_OPERATORS),
    # ==========================================================================================
    # Added after the engine's defaults were chosen (issue 11): see split_of. Ranges exactly as in
    # FeynmanEquations.csv; some carry 1 % and some 10 % noise.
    feynman("I.6.2", "exp(-(theta/sigma)**2/2)/(sqrt(2*pi)*sigma)", [P("sigma", 1, 3), S("theta", 1, 3)], unary=["exp"]),
    feynman("I.9.18", "G*m1*m2/((x2-x1)**2+(y2-y1)**2+(z2-z1)**2)",
            [P("m1", 1, 2), P("m2", 1, 2), P("G", 1, 2), S("x1", 3, 4), S("x2", 1, 2), S("y1", 3, 4), S("y2", 1, 2),
             S("z1", 3, 4), S("z2", 1, 2)]),
    feynman("I.11.19", "x1*y1+x2*y2+x3*y3", [S(name, 1, 5) for name in ("x1", "x2", "x3", "y1", "y2", "y3")]),
    feynman("I.12.2", "q1*q2*r/(4*pi*epsilon*r**3)", [P("q1", 1, 5), P("q2", 1, 5), P("epsilon", 1, 5), P("r", 1, 5)]),
    feynman("I.13.4", "1/2*m*(v**2+u**2+w**2)", [P("m", 1, 5), S("v", 1, 5), S("u", 1, 5), S("w", 1, 5)], noise=0.01),
    feynman("I.14.4", "1/2*k_spring*x**2", [P("k_spring", 1, 5), S("x", 1, 5)], noise=0.1),
    feynman("I.15.3x", "(x-u*t)/sqrt(1-u**2/c**2)", [S("x", 5, 10), P("u", 1, 2), P("c", 3, 20), P("t", 1, 2)],
            unary=["sqrt"]),
    feynman("I.16.6", "(u+v)/(1+u*v/c**2)", [P("c", 1, 5), S("v", 1, 5), S("u", 1, 5)]),
    feynman("I.18.12", "r*F*sin(theta)", [P("r", 1, 5), P("F", 1, 5), S("theta", 0, 5)], unary=["sin"]),
    feynman("I.27.6", "1/(1/d1+n/d2)", [P("d1", 1, 5), P("d2", 1, 5), P("n", 1, 5)], noise=0.1),
    feynman("I.29.16", "sqrt(x1**2+x2**2-2*x1*x2*cos(theta1-theta2))",
            [P("x1", 1, 5), P("x2", 1, 5), S("theta1", 1, 5), S("theta2", 1, 5)], unary=["sqrt", "cos"]),
    feynman("I.34.1", "omega_0/(1-v/c)", [P("c", 3, 10), P("v", 1, 2), P("omega_0", 1, 5)], noise=0.1),
    feynman("I.40.1", "n_0*exp(-m*g*x/(kb*T))",
            [P("n_0", 1, 5), P("m", 1, 5), P("x", 1, 5), P("T", 1, 5), P("g", 1, 5), P("kb", 1, 5)], unary=["exp"]),
    feynman("I.44.4", "n*kb*T*log(V2/V1)", [P("n", 1, 5), P("kb", 1, 5), P("T", 1, 5), P("V1", 1, 5), P("V2", 1, 5)],
            unary=["log"]),
    feynman("I.47.23", "sqrt(Gamma*pr/rho)", [P("Gamma", 1, 5), P("pr", 1, 5), P("rho", 1, 5)], unary=["sqrt"],
            noise=0.01),
    feynman("I.48.2", "m*c**2/sqrt(1-v**2/c**2)", [P("m", 1, 5), P("v", 1, 2), P("c", 3, 10)], unary=["sqrt"]),
    feynman("II.11.3", "q*Ef/(m*(omega_0**2-omega**2))",
            [P("q", 1, 3), P("Ef", 1, 3), P("m", 1, 3), P("omega_0", 3, 5), P("omega", 1, 2)]),
    feynman("II.15.4", "-mom*B*cos(theta)", [P("mom", 1, 5), P("B", 1, 5), S("theta", 1, 5)], unary=["cos"], noise=0.1),
    feynman("II.24.17", "sqrt(omega**2/c**2-pi**2/d**2)", [P("omega", 4, 6), P("c", 1, 2), P("d", 2, 4)], unary=["sqrt"]),
    feynman("III.4.33", "(h/(2*pi))*omega/(exp((h/(2*pi))*omega/(kb*T))-1)",
            [P("h", 1, 5), P("omega", 1, 5), P("kb", 1, 5), P("T", 1, 5)], unary=["exp"]),
    feynman("III.15.12", "2*U*(1-cos(k*d))", [P("U", 1, 5), S("k", 1, 5), S("d", 1, 5)], unary=["cos"]),
    feynman("III.17.37", "beta*(1+alpha*cos(theta))", [P("beta", 1, 5), P("alpha", 1, 5), S("theta", 1, 5)],
            unary=["cos"], noise=0.01),
    # Classic GP problems (McDermott et al.'s table): published sampling and function sets.
    gp("Nguyen-2", "Nguyen", NGUYEN, "x0**4+x0**3+x0**2+x0", uniform(["x0"], -1, 1), "U[-1, 1, 20]",
       BASIC_OPERATORS + NGUYEN_FUNCTIONS, 20),
    gp("Nguyen-6", "Nguyen", NGUYEN, "sin(x0)+sin(x0+x0**2)", uniform(["x0"], -1, 1), "U[-1, 1, 20]",
       BASIC_OPERATORS + NGUYEN_FUNCTIONS, 20),
    gp("Nguyen-9", "Nguyen", NGUYEN, "sin(x0)+sin(x1**2)", uniform(["x0", "x1"], -1, 1), "U[-1, 1, 100]",
       BASIC_OPERATORS + NGUYEN_FUNCTIONS, 100),
    gp("Koza-2", "Koza", KOZA, "x0**5-2*x0**3+x0", uniform(["x0"], -1, 1), "U[-1, 1, 20]",
       BASIC_OPERATORS + NGUYEN_FUNCTIONS, 20),
    gp("Keijzer-13", "Keijzer", KEIJZER, "6*sin(x0)*cos(x1)", uniform(["x0", "x1"], -3, 3),
       "U[-3, 3, 20] (test E[-3, 3, 0.01])", BASIC_OPERATORS + ("sin", "cos"), 20),
    gp("Keijzer-15", "Keijzer", KEIJZER, "x0**3/5+x1**3/2-x1-x0", uniform(["x0", "x1"], -3, 3),
       "U[-3, 3, 20] (test E[-3, 3, 0.01])", BASIC_OPERATORS, 20, noise=0.01),
    gp("Vladislavleva-1", "Vladislavleva", VLADISLAVLEVA, "exp(-(x0-1)**2)/(1.2+(x1-2.5)**2)",
       uniform(["x0", "x1"], 0.3, 4), "U[0.3, 4, 100] (test E[-0.2, 4.2, 0.1])", BASIC_OPERATORS + ("exp",), 100),
    gp("Vladislavleva-7", "Vladislavleva", VLADISLAVLEVA, "(x0-3)*(x1-3)+2*sin((x0-4)*(x1-4))",
       uniform(["x0", "x1"], 0.05, 6.05), "U[0.05, 6.05, 300] (test U[-0.25, 6.35, 1000])",
       BASIC_OPERATORS + ("sin",), 300),
)
del P, S

PROBLEMS_BY_NAME: dict[str, Problem] = {problem.name: problem for problem in PROBLEMS}


# ----------------------------------------------------------------------------------------------
# Training and reporting splits
# ----------------------------------------------------------------------------------------------

# The problems of the set while the engine's defaults and mechanisms (constant snapping,
# weight_rotate_tree, hall-of-fame refitting...) were chosen: they have been looked at, so they
# can only ever be training problems.
DEVELOPMENT_PROBLEMS = frozenset({
    "I.6.2a", "I.8.14", "I.10.7", "I.12.1", "I.12.11", "I.14.3", "I.18.4", "I.25.13", "I.29.4", "I.34.8",
    "I.37.4", "I.39.1", "I.43.31", "II.3.24", "II.38.3", "III.12.43", "Nguyen-1", "Nguyen-5", "Nguyen-7",
    "Nguyen-8", "Nguyen-10", "Keijzer-11", "Keijzer-14", "Korns-1", "Korns-4", "Vladislavleva-4", "Pagie-1",
})
# Every later problem goes to training when the CRC-32 of "<SPLIT_SEED>:<name>" is divisible by
# TRAINING_ONE_IN, else to reporting. A problem's split depends on its own name only, so adding
# problems never moves an existing one from one split to the other.
SPLIT_SEED = "pysr_lite-split-1"
TRAINING_ONE_IN = 4


def split_of(name: str) -> str:
    """The split rule: "training" or "reporting" (see DEVELOPMENT_PROBLEMS and SPLIT_SEED).

    >>> split_of("I.12.1"), split_of("I.48.2")
    ('training', 'reporting')
    """
    if name in DEVELOPMENT_PROBLEMS:
        return "training"
    return "training" if zlib.crc32(f"{SPLIT_SEED}:{name}".encode()) % TRAINING_ONE_IN == 0 else "reporting"


# The rule's outcome, frozen (tests/test_benchmark_problems.py checks that the rule still gives
# exactly these): defaults may be tuned on TRAINING_PROBLEMS only; results are reported on
# REPORTING_PROBLEMS.
TRAINING_PROBLEMS = frozenset(DEVELOPMENT_PROBLEMS | {
    "I.6.2", "I.11.19", "I.13.4", "I.40.1", "II.11.3", "II.24.17", "III.17.37", "Nguyen-6",
})
REPORTING_PROBLEMS = frozenset({
    "I.9.18", "I.12.2", "I.14.4", "I.15.3x", "I.16.6", "I.18.12", "I.27.6", "I.29.16", "I.34.1", "I.44.4",
    "I.47.23", "I.48.2", "II.15.4", "III.4.33", "III.15.12", "Nguyen-2", "Nguyen-9", "Koza-2", "Keijzer-13", "Keijzer-15",
    "Vladislavleva-1", "Vladislavleva-7",
})
SPLITS = ("training", "reporting")


def select_problems(names: str | Sequence[str] | None, split: str = "all") -> list[Problem]:
    """Problems by name ("all", None, a comma-separated string or a list; unknown names raise),
    in the order of PROBLEMS for "all", keeping those of ``split`` ("all", "training", "reporting").

    >>> [p.name for p in select_problems("I.12.1,Nguyen-8")]
    ['I.12.1', 'Nguyen-8']
    >>> len(select_problems("all", split="reporting")) == len(REPORTING_PROBLEMS)
    True
    """
    if split not in ("all",) + SPLITS:
        raise ValueError(f"unknown split {split!r}; choose from all, {', '.join(SPLITS)}")
    if names is None or names == "all":
        chosen = list(PROBLEMS)
    else:
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",") if name.strip()]
        unknown = [name for name in names if name not in PROBLEMS_BY_NAME]
        if unknown:
            raise ValueError(f"unknown problem(s) {', '.join(unknown)}; known: {', '.join(PROBLEMS_BY_NAME)}")
        chosen = [PROBLEMS_BY_NAME[name] for name in names]
    return [problem for problem in chosen if split == "all" or problem.split == split]


def parse_shard(text: str) -> tuple[int, int]:
    """"i/n" (1 <= i <= n) as (i, n).

    >>> parse_shard("2/5")
    (2, 5)
    """
    index, separator, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        i = n = 0
    if not separator or n < 1 or not 1 <= i <= n:
        raise ValueError(f"--shard {text!r}: expected i/n with 1 <= i <= n, e.g. 1/4")
    return i, n


def shard_problems(problems: Sequence[Problem], index: int, count: int) -> list[Problem]:
    """Part ``index`` of ``count`` (1-based): every count-th problem from the index-th on, so the
    parts partition ``problems`` and each gets a mix of families and sizes.

    >>> [p.name for p in shard_problems(select_problems("I.12.1,I.14.3,Nguyen-8"), 2, 2)]
    ['I.14.3']
    """
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: expected 1 <= i <= n")
    return list(problems[index - 1::count])


# ----------------------------------------------------------------------------------------------
# Units of the AI Feynman problems (for `recovery.py --units`)
# ----------------------------------------------------------------------------------------------

# The units of every AI Feynman problem, in SI. Source: the AI Feynman database's units.csv
# (Udrescu & Tegmark), which gives each variable's units by name as exponents of m, s, kg, T
# (kelvin) and V (volt); here they are written as SI unit text (V = kg*m^2/(s^3*A), so a charge,
# m^2*kg/(s^2*V) there, is C here). tests/test_benchmark_problems.py checks every variable against
# that table and every formula against its units. Each y unit follows from its formula (the table
# gives the same unit to the database's output variable). Keyed by problem name: the unit of each
# variable by name, and the unit of y; "" is dimensionless.
#
# Conventions of the table, kept as they are:
# - angles (theta, delta), counts and coefficients (n, mu, alpha, beta, sigma, Gamma) are pure
#   numbers, n_0 in I.40.1 (a number of particles) included;
# - angular frequencies are written rad/s (the radian is dimensionless: 1/s to the search);
# - the physical constants of these formulas (G, kb, h, c, epsilon) are *variables*, sampled like
#   any other, with their units. The only numbers written into the formulas are pure ones (pi,
#   2, 1/2, 3/2, 4), so no formula hides a constant with units.
FEYNMAN_UNITS: dict[str, tuple[dict[str, str], str]] = {
    "I.6.2a": ({"theta": ""}, ""),                                           # a probability density of a pure number
    "I.8.14": ({"x1": "m", "x2": "m", "y1": "m", "y2": "m"}, "m"),           # distance between two points
    "I.10.7": ({"m_0": "kg", "v": "m/s", "c": "m/s"}, "kg"),                 # relativistic mass
    "I.12.1": ({"mu": "", "Nn": "N"}, "N"),                                  # friction: coefficient times normal force
    "I.12.11": ({"q": "C", "Ef": "V/m", "B": "T", "v": "m/s", "theta": ""}, "N"),   # Lorentz force
    "I.14.3": ({"m": "kg", "g": "m/s^2", "z": "m"}, "J"),                    # potential energy
    "I.18.4": ({"m1": "kg", "m2": "kg", "r1": "m", "r2": "m"}, "m"),         # centre of mass
    "I.25.13": ({"q": "C", "C": "F"}, "V"),                                  # voltage of a capacitor
    "I.29.4": ({"omega": "rad/s", "c": "m/s"}, "1/m"),                       # wave number
    "I.34.8": ({"q": "C", "v": "m/s", "B": "T", "p": "kg*m/s"}, "rad/s"),    # cyclotron frequency
    "I.37.4": ({"I1": "W/m^2", "I2": "W/m^2", "delta": ""}, "W/m^2"),        # interference of intensities
    "I.39.1": ({"pr": "Pa", "V": "m^3"}, "J"),                               # energy of an ideal gas
    "I.43.31": ({"mob": "s/kg", "T": "K", "kb": "J/K"}, "m^2/s"),            # Einstein relation: diffusion constant
    "II.3.24": ({"Pwr": "W", "r": "m"}, "W/m^2"),                            # flux of a point source
    "II.38.3": ({"Y": "Pa", "A": "m^2", "d": "m", "x": "m"}, "N"),           # Hooke's law from Young's modulus
    "III.12.43": ({"n": "", "h": "J*s"}, "J*s"),                             # angular momentum, n hbar
    "I.6.2": ({"sigma": "", "theta": ""}, ""),                               # Gaussian density of a pure number
    "I.9.18": ({"m1": "kg", "m2": "kg", "G": "m^3/(kg*s^2)", "x1": "m", "x2": "m", "y1": "m", "y2": "m",
                "z1": "m", "z2": "m"}, "N"),                                 # Newton's gravitation
    "I.11.19": ({"x1": "m", "x2": "m", "x3": "m", "y1": "m", "y2": "m", "y3": "m"}, "m^2"),  # dot product of two positions
    "I.12.2": ({"q1": "C", "q2": "C", "epsilon": "F/m", "r": "m"}, "N"),     # Coulomb's law
    "I.13.4": ({"m": "kg", "v": "m/s", "u": "m/s", "w": "m/s"}, "J"),        # kinetic energy
    "I.14.4": ({"k_spring": "N/m", "x": "m"}, "J"),                          # energy of a spring
    "I.15.3x": ({"x": "m", "u": "m/s", "c": "m/s", "t": "s"}, "m"),          # Lorentz transformation of x
    "I.16.6": ({"c": "m/s", "v": "m/s", "u": "m/s"}, "m/s"),                 # relativistic addition of velocities
    "I.18.12": ({"r": "m", "F": "N", "theta": ""}, "N*m"),                   # torque
    "I.27.6": ({"d1": "m", "d2": "m", "n": ""}, "m"),                        # focal length of a lens
    "I.29.16": ({"x1": "m", "x2": "m", "theta1": "", "theta2": ""}, "m"),    # law of cosines
    "I.34.1": ({"c": "m/s", "v": "m/s", "omega_0": "rad/s"}, "rad/s"),       # Doppler shift
    "I.40.1": ({"n_0": "", "m": "kg", "x": "m", "T": "K", "g": "m/s^2", "kb": "J/K"}, ""),  # barometric formula
    "I.44.4": ({"n": "", "kb": "J/K", "T": "K", "V1": "m^3", "V2": "m^3"}, "J"),  # isothermal work of a gas
    "I.47.23": ({"Gamma": "", "pr": "Pa", "rho": "kg/m^3"}, "m/s"),          # speed of sound
    "I.48.2": ({"m": "kg", "v": "m/s", "c": "m/s"}, "J"),                    # relativistic energy
    "II.11.3": ({"q": "C", "Ef": "V/m", "m": "kg", "omega_0": "rad/s", "omega": "rad/s"}, "m"),  # driven oscillator's amplitude
    "II.15.4": ({"mom": "A*m^2", "B": "T", "theta": ""}, "J"),               # energy of a magnetic moment
    "II.24.17": ({"omega": "rad/s", "c": "m/s", "d": "m"}, "1/m"),           # wave number in a waveguide
    "III.4.33": ({"h": "J*s", "omega": "rad/s", "kb": "J/K", "T": "K"}, "J"),  # Planck's mean energy of a mode
    "III.15.12": ({"U": "J", "k": "1/m", "d": "m"}, "J"),                    # energy band of a lattice
    "III.17.37": ({"beta": "", "alpha": "", "theta": ""}, ""),               # angular distribution
}


def problem_units(problem: Problem) -> tuple[list[str], str] | None:
    """(X_units in the problem's variable order, y_units), or None for a problem without units.

    >>> problem_units(PROBLEMS_BY_NAME["I.14.3"])
    (['kg', 'm/s^2', 'm'], 'J')
    """
    if problem.name not in FEYNMAN_UNITS:
        return None
    by_variable, y_unit = FEYNMAN_UNITS[problem.name]
    return [by_variable[name] for name in problem.variable_names], y_unit
