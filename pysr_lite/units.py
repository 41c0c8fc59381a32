"""Units of measurement, read from text into exponents of the 7 SI base units.

A unit is written as PySR users write them for DynamicQuantities: symbols joined by ``*`` and
``/``, powers with ``^`` (or ``**``), parentheses, and numbers::

    "m/s^2"   "kg*m^2/s^2"   "J/(kg*K)"   "m^(1/2)"   "1/s"   "N"   "1"   ""

``""`` and ``"1"`` are dimensionless. The symbols are the SI base units ``m kg s A K mol cd``
(``g`` for grams), the coherent derived units ``Hz N Pa J W C V F Ohm (Ω) S Wb T H lm lx Bq Gy Sv
kat rad sr``, and ``L min h day yr eV bar``. An SI prefix (``Y Z E P T G M k h da d c m u µ μ n
p f a z y``) may stand right before a symbol, as in SI itself: ``km``, ``ms`` (millisecond: a
prefix binds to the symbol it touches; metre times second is ``m*s``), ``kHz``, ``MeV``, ``mmol``.
A whole symbol wins over a prefix reading (``min`` is the minute, ``Pa`` the pascal, ``cd`` the
candela); ``min``, ``h`` and ``day`` take no prefix. Every other text is an error that names it.

Only the exponents matter to the search (a constant absorbs any scale: ``km`` and ``m`` are the
same dimension); the scale is kept to attach units to equations (``Equation.sympy(units=True)``).

>>> parse_unit("kg*m^2/s^2").exponents == parse_unit("J").exponents
True
>>> parse_unit("km/ms").dimensions_text(), parse_unit("km/ms").scale
('m/s', Fraction(1000000, 1))
>>> parse_unit("").dimensionless, parse_unit("1").dimensionless
(True, True)
>>> parse_unit("m^(1/2)").exponents[0]
Fraction(1, 2)
>>> for text in ("kg m", "m/furlong"):
...     try:
...         parse_unit(text)
...     except UnitError as error:
...         print(error)
cannot read the unit 'kg m': expected '*' or '/' before 'm' (character 4)
cannot read the unit 'm/furlong': unknown unit 'furlong' (character 3); known units: m, g, s, A, K, mol, cd, Hz, N, Pa, J, W, C, V, F, Ohm, Ω, S, Wb, T, H, lm, lx, Bq, Gy, Sv, kat, rad, sr, L, min, h, day, yr, eV, bar, with SI prefixes such as km, ms, kHz
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

# The SI base units, in the order of the exponents everywhere (frontend, options.toml, engine).
BASE_UNITS = ("m", "kg", "s", "A", "K", "mol", "cd")
BASE_QUANTITIES = ("length", "mass", "time", "electric current", "temperature", "amount of substance",
                   "luminous intensity")
# Exponents beyond this are surely a typo, and would overflow a scale.
LARGEST_EXPONENT = 100

Exponents = tuple  # of len(BASE_UNITS) Fractions


class UnitError(ValueError):
    """A unit text that cannot be read (or units that do not fit the data): names the text."""


def _exponents(**powers: int) -> Exponents:
    return tuple(Fraction(powers.get(name, 0)) for name in ("m", "kg", "s", "A", "K", "mol", "cd"))


@dataclass(frozen=True)
class _Symbol:
    scale: Fraction
    exponents: Exponents
    takes_prefix: bool = True


# Grams rather than kilograms carry the prefixes (kg is k + g), as in SI.
_SYMBOLS: dict[str, _Symbol] = {
    "m": _Symbol(Fraction(1), _exponents(m=1)),
    "g": _Symbol(Fraction(1, 1000), _exponents(kg=1)),
    "s": _Symbol(Fraction(1), _exponents(s=1)),
    "A": _Symbol(Fraction(1), _exponents(A=1)),
    "K": _Symbol(Fraction(1), _exponents(K=1)),
    "mol": _Symbol(Fraction(1), _exponents(mol=1)),
    "cd": _Symbol(Fraction(1), _exponents(cd=1)),
    "Hz": _Symbol(Fraction(1), _exponents(s=-1)),
    "N": _Symbol(Fraction(1), _exponents(kg=1, m=1, s=-2)),
    "Pa": _Symbol(Fraction(1), _exponents(kg=1, m=-1, s=-2)),
    "J": _Symbol(Fraction(1), _exponents(kg=1, m=2, s=-2)),
    "W": _Symbol(Fraction(1), _exponents(kg=1, m=2, s=-3)),
    "C": _Symbol(Fraction(1), _exponents(A=1, s=1)),
    "V": _Symbol(Fraction(1), _exponents(kg=1, m=2, s=-3, A=-1)),
    "F": _Symbol(Fraction(1), _exponents(kg=-1, m=-2, s=4, A=2)),
    "Ohm": _Symbol(Fraction(1), _exponents(kg=1, m=2, s=-3, A=-2)),
    "Ω": _Symbol(Fraction(1), _exponents(kg=1, m=2, s=-3, A=-2)),
    "S": _Symbol(Fraction(1), _exponents(kg=-1, m=-2, s=3, A=2)),
    "Wb": _Symbol(Fraction(1), _exponents(kg=1, m=2, s=-2, A=-1)),
    "T": _Symbol(Fraction(1), _exponents(kg=1, s=-2, A=-1)),
    "H": _Symbol(Fraction(1), _exponents(kg=1, m=2, s=-2, A=-2)),
    "lm": _Symbol(Fraction(1), _exponents(cd=1)),          # cd*sr, and the steradian is dimensionless
    "lx": _Symbol(Fraction(1), _exponents(cd=1, m=-2)),
    "Bq": _Symbol(Fraction(1), _exponents(s=-1)),
    "Gy": _Symbol(Fraction(1), _exponents(m=2, s=-2)),
    "Sv": _Symbol(Fraction(1), _exponents(m=2, s=-2)),
    "kat": _Symbol(Fraction(1), _exponents(mol=1, s=-1)),
    "rad": _Symbol(Fraction(1), _exponents()),
    "sr": _Symbol(Fraction(1), _exponents()),
    "L": _Symbol(Fraction(1, 1000), _exponents(m=3)),
    "min": _Symbol(Fraction(60), _exponents(s=1), takes_prefix=False),
    "h": _Symbol(Fraction(3600), _exponents(s=1), takes_prefix=False),
    "day": _Symbol(Fraction(86400), _exponents(s=1), takes_prefix=False),
    "yr": _Symbol(Fraction(31557600), _exponents(s=1)),       # the Julian year, 365.25 days
    "eV": _Symbol(Fraction("1.602176634e-19"), _exponents(kg=1, m=2, s=-2)),
    "bar": _Symbol(Fraction(100000), _exponents(kg=1, m=-1, s=-2)),
}
_PREFIXES: dict[str, Fraction] = {
    "Y": Fraction(10) ** 24, "Z": Fraction(10) ** 21, "E": Fraction(10) ** 18, "P": Fraction(10) ** 15,
    "T": Fraction(10) ** 12, "G": Fraction(10) ** 9, "M": Fraction(10) ** 6, "k": Fraction(10) ** 3,
    "h": Fraction(10) ** 2, "da": Fraction(10), "d": Fraction(1, 10), "c": Fraction(1, 100),
    "m": Fraction(1, 1000), "u": Fraction(1, 10**6), "µ": Fraction(1, 10**6), "μ": Fraction(1, 10**6),
    "n": Fraction(1, 10**9), "p": Fraction(1, 10**12), "f": Fraction(1, 10**15), "a": Fraction(1, 10**18),
    "z": Fraction(1, 10**21), "y": Fraction(1, 10**24),
}
KNOWN_UNITS_TEXT = ", ".join(_SYMBOLS) + ", with SI prefixes such as km, ms, kHz"

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<symbol>[A-Za-zΩµμ]+)"
    r"|(?P<operator>\*\*|[*·⋅/^()+-])"
    r")"
)


@dataclass(frozen=True)
class Unit:
    """A unit read from ``text``: its ``exponents`` of the SI base units (``BASE_UNITS``, as
    Fractions) and its ``scale`` (how many of those base units one of it is: 1000 for ``km``)."""

    text: str
    scale: Fraction | float
    exponents: Exponents

    @property
    def dimensionless(self) -> bool:
        return not any(self.exponents)

    def dimensions_text(self) -> str:
        """The dimensions in base units, e.g. ``kg*m^2/s^2`` (``1`` when dimensionless)."""

        def power(name: str, exponent: Fraction) -> str:
            if exponent == 1:
                return name
            shown = str(exponent) if exponent.denominator == 1 else f"({exponent})"
            return f"{name}^{shown}"

        order = (1, 0, 2, 3, 4, 5, 6)  # kg*m^2/s^2 reads better than m^2*kg/s^2
        above = [power(BASE_UNITS[i], self.exponents[i]) for i in order if self.exponents[i] > 0]
        below = [power(BASE_UNITS[i], -self.exponents[i]) for i in order if self.exponents[i] < 0]
        text = "*".join(above) or "1"
        if below:
            text += "/" + (below[0] if len(below) == 1 else "(" + "*".join(below) + ")")
        return text

    def to_sympy(self):
        """The unit as a ``sympy.physics.units`` expression in SI base units (``km`` is
        ``1000*meter``)."""
        import sympy
        from sympy.physics import units

        bases = (units.meter, units.kilogram, units.second, units.ampere, units.kelvin, units.mole, units.candela)
        scale = sympy.Rational(self.scale.numerator, self.scale.denominator) if isinstance(self.scale, Fraction) \
            else sympy.Float(self.scale)
        expression = scale
        for base, exponent in zip(bases, self.exponents):
            if exponent:
                expression *= base ** sympy.Rational(exponent.numerator, exponent.denominator)
        return expression


DIMENSIONLESS = Unit("", Fraction(1), _exponents())


class _Reader:
    """A recursive-descent reader of one unit text (grammar in the module docstring)."""

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []  # (kind, text, column)
        position = 0
        stripped_end = len(text.rstrip())
        while position < stripped_end:
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                column = len(text) - len(text[position:].lstrip())
                self.fail(f"unexpected character {text[column]!r}", column)
            kind = match.lastgroup
            self.tokens.append((kind, match.group(kind), match.start(kind)))
            position = match.end()
        self.index = 0

    def fail(self, problem: str, column: int | None = None, hint: str = ""):
        where = f" (character {column + 1})" if column is not None else ""
        raise UnitError(f"cannot read the unit {self.text!r}: {problem}{where}{hint}")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            self.fail("it ends too early")
        self.index += 1
        return token

    def read(self) -> tuple[Fraction | float, Exponents]:
        if not self.tokens:
            return Fraction(1), _exponents()
        scale, exponents = self.product()
        token = self.peek()
        if token is not None:
            kind, text, column = token
            if kind == "operator" and text == ")":
                self.fail("')' without a matching '('", column)
            if kind == "number" and self.tokens[self.index - 1][0] == "symbol":
                self.fail(f"write powers with '^', e.g. {self.tokens[self.index - 1][1] + '^' + text!r}", column)
            self.fail(f"expected '*' or '/' before {text!r}", column)
        return scale, exponents

    def product(self) -> tuple[Fraction | float, Exponents]:
        scale, exponents = self.power()
        while True:
            token = self.peek()
            if token is None or token[0] != "operator" or token[1] not in ("*", "·", "⋅", "/"):
                return scale, exponents
            self.take()
            other_scale, other = self.power()
            if token[1] == "/":
                scale, exponents = scale / other_scale, tuple(a - b for a, b in zip(exponents, other))
            else:
                scale, exponents = scale * other_scale, tuple(a + b for a, b in zip(exponents, other))

    def power(self) -> tuple[Fraction | float, Exponents]:
        scale, exponents = self.factor()
        token = self.peek()
        if token is not None and token[0] == "operator" and token[1] in ("^", "**"):
            self.take()
            exponent = self.exponent()
            exponents = tuple(e * exponent for e in exponents)
            scale = scale ** exponent if exponent.denominator == 1 else float(scale) ** float(exponent)
        return scale, exponents

    def factor(self) -> tuple[Fraction | float, Exponents]:
        kind, text, column = self.take()
        if kind == "number":
            value = Fraction(text)
            if value <= 0:
                self.fail(f"a number in a unit must be positive, got {text!r}", column)
            return value, _exponents()
        if kind == "symbol":
            return self.symbol(text, column)
        if text == "(":
            scale, exponents = self.product()
            closing = self.peek()
            if closing is None or closing[1] != ")":
                self.fail("'(' is never closed", column)
            self.take()
            return scale, exponents
        self.fail(f"expected a unit before {text!r}", column)

    def symbol(self, text: str, column: int) -> tuple[Fraction, Exponents]:
        if text in _SYMBOLS:
            return _SYMBOLS[text].scale, _SYMBOLS[text].exponents
        for prefix in sorted(_PREFIXES, key=len, reverse=True):  # "da" before "d"
            rest = text[len(prefix):]
            if text.startswith(prefix) and rest in _SYMBOLS and _SYMBOLS[rest].takes_prefix:
                return _PREFIXES[prefix] * _SYMBOLS[rest].scale, _SYMBOLS[rest].exponents
        self.fail(f"unknown unit {text!r}", column, f"; known units: {KNOWN_UNITS_TEXT}")

    def exponent(self) -> Fraction:
        token = self.take()
        if token[1] == "(":
            value = self.signed_number()
            following = self.closing_of(token)
            if following[1] == "/":
                denominator = self.signed_number()
                if denominator == 0:
                    self.fail("an exponent divides by zero", following[2])
                value /= denominator
                following = self.closing_of(token)
            if following[1] != ")":
                self.fail(f"expected ')' to close the exponent, got {following[1]!r}", following[2])
        else:
            self.index -= 1
            value = self.signed_number()
        if abs(value) > LARGEST_EXPONENT:
            self.fail(f"the exponent {value} is beyond +-{LARGEST_EXPONENT}", token[2])
        return value

    def closing_of(self, opening: tuple[str, str, int]) -> tuple[str, str, int]:
        """The token after an exponent's number: '/' or ')' (an error naming the '(' at the end)."""
        if self.peek() is None:
            self.fail("'(' is never closed", opening[2])
        return self.take()

    def signed_number(self) -> Fraction:
        kind, text, column = self.take()
        sign = 1
        if kind == "operator" and text in "+-":
            sign = -1 if text == "-" else 1
            kind, text, column = self.take()
        if kind != "number":
            self.fail(f"expected a number as the exponent, got {text!r}", column)
        return sign * Fraction(text)


def parse_unit(text: str, where: str | None = None) -> Unit:
    """Read one unit (see the module docstring); ``where`` (e.g. ``"X_units[2]"``) starts the
    message of a ``UnitError``."""
    if not isinstance(text, str):
        raise UnitError(f"{where or 'a unit'} must be a unit string such as 'm/s^2' ('' or '1' for "
                        f"dimensionless), got {text!r}")
    try:
        scale, exponents = _Reader(text).read()
    except UnitError as error:
        raise UnitError(f"{where}: {error}" if where else str(error)) from None
    return Unit(text, scale, exponents)


# ----------------------------------------------------------------------------------------------
# The units of a search: PySR's validation rules (pysr/sr.py, _check_assertions)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchUnits:
    """The units of one search: one per feature (all dimensionless when only ``y_units`` was
    given, as in PySR) and, when given, one per output (``None``: the output is unconstrained)."""

    features: tuple[Unit, ...]
    targets: tuple[Unit, ...] | None

    @property
    def target(self) -> Unit | None:
        """The unit of the (single) output, or None."""
        return None if self.targets is None else self.targets[0]


def _unit_list(value: Any, name: str) -> list[Any]:
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays, pandas Series
        value = value.tolist()
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise UnitError(f"{name} must be a list of unit strings such as ['m', 's^-1'], got {value!r}")
    return list(value)


def validate_units(X_units: Any, y_units: Any, n_features: int, n_outputs: int = 1) -> SearchUnits | None:
    """Check ``X_units`` / ``y_units`` against the data's shape with PySR's rules and read them;
    None when neither is given (no dimensional analysis).

    ``X_units`` is a list of one unit per feature (a bare string is refused even for one feature:
    PySR would read ``"m/s"`` as four units); ``y_units`` is a string, or a list with one unit per
    output.

    >>> units = validate_units(["m", "s"], "m/s", n_features=2)
    >>> [unit.dimensions_text() for unit in units.features], units.target.dimensions_text()
    (['m', 's'], 'm/s')
    >>> validate_units(["m"], None, n_features=2)   # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    UnitError: The number of units in `X_units` (1) must equal the number of features in `X` (2)
    """
    if X_units is None and y_units is None:
        return None
    if X_units is None:
        features = (DIMENSIONLESS,) * n_features  # PySR: y_units alone makes every feature dimensionless
    else:
        if isinstance(X_units, str):
            raise UnitError(
                f"X_units must be a list with one unit per feature, not the single string {X_units!r}; "
                f"for one feature write [{X_units!r}]"
            )
        items = _unit_list(X_units, "X_units")
        if len(items) != n_features:
            raise UnitError(
                f"The number of units in `X_units` ({len(items)}) must equal the number of features in `X` ({n_features})"
            )
        features = tuple(parse_unit(item, f"X_units[{index}]") for index, item in enumerate(items))
    if y_units is None:
        return SearchUnits(features, None)
    if isinstance(y_units, str):
        if n_outputs != 1:
            raise UnitError(
                f"The number of units in `y_units` must equal the number of output features in `y`: y has "
                f"{n_outputs} outputs, so give a list of {n_outputs} units, not the single string {y_units!r}"
            )
        return SearchUnits(features, (parse_unit(y_units, "y_units"),))
    items = _unit_list(y_units, "y_units")
    if len(items) != n_outputs:
        raise UnitError(
            f"The number of units in `y_units` ({len(items)}) must equal the number of output features in `y` ({n_outputs})"
        )
    targets = tuple(parse_unit(item, "y_units" if n_outputs == 1 else f"y_units[{index}]")
                    for index, item in enumerate(items))
    return SearchUnits(features, targets)
