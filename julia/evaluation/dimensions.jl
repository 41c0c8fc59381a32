# Dimensional analysis (PySR's X_units / y_units): whether an equation's physical dimensions are
# consistent, decided by one walk over the tree per candidate, never per row.
#
# Dimensions are exponents of the 7 SI base units (m, kg, s, A, K, mol, cd); the frontend reads
# unit text and sends numbers, so the engine has no unit parser. The rules follow
# SymbolicRegression.jl's DimensionalAnalysis.jl (wildcard constants, violations propagating up):
# - a free constant is a wildcard: it can take whatever dimension makes the equation consistent
#   (unless `dimensionless_constants_only`), and so is any product containing one;
# - `+ - max min mod` and comparisons need equal dimensions (a wildcard side adopts the other's);
# - `* /` add and subtract exponents; `square cube inv sqrt abs neg relu` scale them;
# - transcendental operators (and `round floor ceil`, whose result depends on the unit's scale)
#   need dimensionless (or wildcard) arguments and give dimensionless results;
# - `^` needs a dimensionless exponent; a dimensional base needs a constant exponent p and gets
#   its exponents times p (SymbolicRegression.jl requires a dimensionless base: x^2 of a length
#   is an area here, as the issue asks);
# - user operators need dimensionless arguments unless `operator_dimensions` declares a rule.
# An equation is consistent when nothing inside violates a rule and, when y_units were given, its
# result has y's dimensions or is a wildcard.

const BASE_UNIT_NAMES = ("m", "kg", "s", "A", "K", "mol", "cd")
const DimensionExponents = NTuple{7,Float64}
const NO_DIMENSIONS = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
# Exponents closer than this are equal: a fitted exponent 1.9999999 of a length is an area.
const DIMENSION_TOLERANCE = 1e-6

"""
    Dimensions

What the walk knows about a subtree: its `exponents`, whether it is a `wildcard` (holds a free
constant that can take any dimension) and whether something inside `violates` a rule. An isbits
value: the walk allocates nothing.
"""
struct Dimensions
    exponents::DimensionExponents
    wildcard::Bool
    violates::Bool
end

const VIOLATION = Dimensions(NO_DIMENSIONS, false, true)
const DIMENSIONLESS = Dimensions(NO_DIMENSIONS, false, false)

# How an operator treats dimensions (`DimensionRule.kind`).
const NEEDS_DIMENSIONLESS = 1    # arguments dimensionless (or wildcards), result dimensionless: sin, exp, log, ...
const SCALES_EXPONENTS = 2       # unary: the argument's exponents times `power`: square 2, sqrt 0.5, inv -1, abs 1
const GIVES_DIMENSIONLESS = 3    # any arguments, dimensionless result: sign, logical_or, logical_and
const NEEDS_EQUAL = 4            # binary: equal dimensions, result the same: + - max min mod
const COMPARES = 5               # binary: equal dimensions, dimensionless result: greater, ..., atan2
const MULTIPLIES = 6             # *
const DIVIDES = 7                # /
const RAISES = 8                 # ^
const SELECTS_SECOND = 9         # cond(a, b): b where a > 0 (0 has every dimension), a anything

struct DimensionRule
    kind::Int
    power::Float64               # for SCALES_EXPONENTS
end

DimensionRule(kind::Int) = DimensionRule(kind, 1.0)

const BUILTIN_BINARY_RULES = Dict(
    "+" => DimensionRule(NEEDS_EQUAL), "-" => DimensionRule(NEEDS_EQUAL), "*" => DimensionRule(MULTIPLIES),
    "/" => DimensionRule(DIVIDES), "^" => DimensionRule(RAISES), "max" => DimensionRule(NEEDS_EQUAL),
    "min" => DimensionRule(NEEDS_EQUAL), "mod" => DimensionRule(NEEDS_EQUAL), "atan2" => DimensionRule(COMPARES),
    "greater" => DimensionRule(COMPARES), "less" => DimensionRule(COMPARES),
    "greater_equal" => DimensionRule(COMPARES), "less_equal" => DimensionRule(COMPARES),
    "cond" => DimensionRule(SELECTS_SECOND), "logical_or" => DimensionRule(GIVES_DIMENSIONLESS),
    "logical_and" => DimensionRule(GIVES_DIMENSIONLESS))
# Unary operators not listed need a dimensionless argument.
const BUILTIN_UNARY_RULES = Dict(
    "neg" => DimensionRule(SCALES_EXPONENTS, 1.0), "abs" => DimensionRule(SCALES_EXPONENTS, 1.0),
    "relu" => DimensionRule(SCALES_EXPONENTS, 1.0), "square" => DimensionRule(SCALES_EXPONENTS, 2.0),
    "cube" => DimensionRule(SCALES_EXPONENTS, 3.0), "inv" => DimensionRule(SCALES_EXPONENTS, -1.0),
    "sqrt" => DimensionRule(SCALES_EXPONENTS, 0.5), "sign" => DimensionRule(GIVES_DIMENSIONLESS))

"""
    DimensionalAnalysis

The units of a search and what to do with inconsistent equations. `active` is false without
units (every equation is then consistent and nothing is checked). `features[j]` are the exponents
of feature j (empty: every feature is dimensionless, PySR's reading of y_units alone); `output`
those of y when `constrains_output`. `hard`: inconsistent candidates are
rejected (and get an infinite loss); otherwise `penalty` is added to their loss. Rules by
operator index, as the evaluator indexes operators.
"""
struct DimensionalAnalysis
    active::Bool
    hard::Bool
    penalty::Float64
    constants_are_wildcards::Bool
    features::Vector{DimensionExponents}
    constrains_output::Bool
    output::DimensionExponents
    binary::Vector{DimensionRule}
    unary::Vector{DimensionRule}
end

"""Seven finite exponents (m, kg, s, A, K, mol, cd) from a vector of reals; an `ArgumentError` naming `what` otherwise."""
function dimension_exponents(what::AbstractString, value)
    valid = value isa Union{AbstractVector,Tuple} && length(value) == 7 &&
            all(e -> e isa Real && !(e isa Bool) && isfinite(e), value)
    valid || throw(ArgumentError(
        "$what must be 7 exponents of ($(join(BASE_UNIT_NAMES, ", "))), e.g. [1, 0, -2, 0, 0, 0, 0] for m/s^2; got $(repr(value))"))
    return ntuple(i -> Float64(value[i]), Val(7))
end

"""
The rule a user operator declares in `operator_dimensions`: the name of a built-in operator of
the same arity (its rule is copied: `"+"`, `"*"`, `"cos"`, `"abs"`), `"dimensionless"`, or, for
a unary operator, a number p (the result's exponents are the argument's times p: -2 for 1/x^2).
"""
function declared_rule(name::AbstractString, arity::Int, value)
    what = "operator_dimensions[\"$name\"]"
    if value isa Real && !(value isa Bool)
        arity == 1 || throw(ArgumentError(
            "$what: a number (a power) is for unary operators; give a binary operator a built-in's name such as \"+\" or \"*\""))
        isfinite(value) || throw(ArgumentError("$what must be a finite power, got $value"))
        return DimensionRule(SCALES_EXPONENTS, Float64(value))
    end
    value isa AbstractString || throw(ArgumentError(
        "$what must be a built-in operator's name (its rule is copied), \"dimensionless\" or, for a unary operator, a power; got $(repr(value))"))
    value == "dimensionless" && return DimensionRule(NEEDS_DIMENSIONLESS)
    names, rules = arity == 2 ? (BINARY_NAMES, BUILTIN_BINARY_RULES) : (UNARY_NAMES, BUILTIN_UNARY_RULES)
    value in names || throw(ArgumentError(
        "$what: \"$value\" is not a built-in $(arity == 2 ? "binary" : "unary") operator; give one of $(join(names, ", ")), or \"dimensionless\""))
    return get(rules, value, DimensionRule(NEEDS_DIMENSIONLESS))
end

"""
    DimensionalAnalysis(operators; X_units, y_units, dimensional_analysis, dimensional_constraint_penalty,
                        dimensionless_constants_only, operator_dimensions)

From the options of the same names. `X_units`: one vector of 7 exponents per feature (`nothing`:
every feature dimensionless when `y_units` is given, as in PySR); `y_units`: 7 exponents or
`nothing` (the output is then unconstrained). Without either, the analysis is inactive.
"""
function DimensionalAnalysis(operators::OperatorSet; X_units=nothing, y_units=nothing, dimensional_analysis="soft",
                             dimensional_constraint_penalty=1000.0, dimensionless_constants_only=false,
                             operator_dimensions=nothing)
    mode = string(dimensional_analysis)
    mode in ("soft", "hard") || throw(ArgumentError(
        "option dimensional_analysis must be \"soft\" (a penalty on the loss) or \"hard\" (rejection), got $(repr(dimensional_analysis))"))
    penalty = dimensional_constraint_penalty
    penalty isa Real && !(penalty isa Bool) && isfinite(penalty) && penalty >= 0 || throw(ArgumentError(
        "option dimensional_constraint_penalty must be a non-negative number, got $(repr(penalty))"))
    dimensionless_constants_only isa Bool || throw(ArgumentError(
        "option dimensionless_constants_only must be true or false, got $(repr(dimensionless_constants_only))"))
    binary = [get(BUILTIN_BINARY_RULES, name, DimensionRule(NEEDS_DIMENSIONLESS)) for name in operators.binary_names]
    unary = [get(BUILTIN_UNARY_RULES, name, DimensionRule(NEEDS_DIMENSIONLESS)) for name in operators.unary_names]
    if operator_dimensions !== nothing
        for (key, value) in option_pairs(operator_dimensions)
            degree, index = operator_of_option(operators, :operator_dimensions, key)
            name = option_operator_name(key)
            builtin = degree == 2 ? index <= length(BINARY_NAMES) : index <= length(UNARY_NAMES)
            builtin && throw(ArgumentError(
                "operator_dimensions: \"$name\" is a built-in operator, whose dimensional rule is fixed; declare only user operators"))
            (degree == 2 ? binary : unary)[index] = declared_rule(name, degree, value)
        end
    end
    features = X_units === nothing ? DimensionExponents[] :
        X_units isa AbstractVector ? DimensionExponents[dimension_exponents("option X_units[$j]", units) for (j, units) in enumerate(X_units)] :
        throw(ArgumentError("option X_units must be one vector of 7 exponents per feature, got $(repr(X_units))"))
    output = y_units === nothing ? NO_DIMENSIONS : dimension_exponents("option y_units", y_units)
    active = X_units !== nothing || y_units !== nothing
    return DimensionalAnalysis(active, mode == "hard", Float64(penalty), !dimensionless_constants_only, features,
                               y_units !== nothing, output, binary, unary)
end

"""An `ArgumentError` unless `X_units` (when given) has one entry per feature."""
check_feature_units(analysis::DimensionalAnalysis, n_features::Int) =
    check_one_per_feature(:X_units, length(analysis.features), "entries", n_features)

# --- the walk ---------------------------------------------------------------------------------

@inline scaled(e::DimensionExponents, p::Float64) = ntuple(i -> e[i] * p, Val(7))
@inline added(a::DimensionExponents, b::DimensionExponents) = ntuple(i -> a[i] + b[i], Val(7))
@inline subtracted(a::DimensionExponents, b::DimensionExponents) = ntuple(i -> a[i] - b[i], Val(7))

function same_exponents(a::DimensionExponents, b::DimensionExponents)::Bool
    for i in 1:7
        abs(a[i] - b[i]) > DIMENSION_TOLERANCE && return false
    end
    return true
end

is_dimensionless(d::Dimensions) = same_exponents(d.exponents, NO_DIMENSIONS)
# A wildcard can be given any dimension, so it can always be made dimensionless.
can_be_dimensionless(d::Dimensions) = d.wildcard || is_dimensionless(d)

function unary_dimensions(rule::DimensionRule, argument::Dimensions)::Dimensions
    kind = rule.kind
    kind == SCALES_EXPONENTS && return Dimensions(scaled(argument.exponents, rule.power), argument.wildcard, false)
    kind == GIVES_DIMENSIONLESS && return DIMENSIONLESS
    return can_be_dimensionless(argument) ? DIMENSIONLESS : VIOLATION
end

"""Two arguments that must have one dimension: it (or the non-wildcard side's), or a violation."""
function equal_dimensions(left::Dimensions, right::Dimensions)::Dimensions
    same_exponents(left.exponents, right.exponents) && return Dimensions(left.exponents, left.wildcard && right.wildcard, false)
    left.wildcard && right.wildcard && return Dimensions(left.exponents, true, false)
    left.wildcard && return Dimensions(right.exponents, false, false)
    right.wildcard && return Dimensions(left.exponents, false, false)
    return VIOLATION
end

function binary_dimensions(rule::DimensionRule, left::Dimensions, right::Dimensions, exponent::Node)::Dimensions
    kind = rule.kind
    kind == MULTIPLIES && return Dimensions(added(left.exponents, right.exponents), left.wildcard || right.wildcard, false)
    kind == DIVIDES && return Dimensions(subtracted(left.exponents, right.exponents), left.wildcard || right.wildcard, false)
    kind == NEEDS_EQUAL && return equal_dimensions(left, right)
    if kind == COMPARES
        return equal_dimensions(left, right).violates ? VIOLATION : DIMENSIONLESS
    end
    kind == SELECTS_SECOND && return right
    kind == GIVES_DIMENSIONLESS && return DIMENSIONLESS
    if kind == RAISES
        can_be_dimensionless(right) || return VIOLATION
        if is_constant_leaf(exponent)   # x^p: exponents times p (a length squared is an area)
            p = Float64(exponent.value)
            isfinite(p) || return VIOLATION
            return Dimensions(scaled(left.exponents, p), left.wildcard, false)
        end
        return can_be_dimensionless(left) ? DIMENSIONLESS : VIOLATION   # x^y: only a pure number has a varying power
    end
    return can_be_dimensionless(left) && can_be_dimensionless(right) ? DIMENSIONLESS : VIOLATION
end

"""The dimensions of `node` under `analysis` (one recursive walk; allocates nothing)."""
function tree_dimensions(node::Node, analysis::DimensionalAnalysis)::Dimensions
    if node.degree == 0
        node.is_constant && return Dimensions(NO_DIMENSIONS, analysis.constants_are_wildcards, false)
        features = analysis.features   # empty when only y_units were given: every feature is dimensionless
        return isempty(features) ? DIMENSIONLESS : Dimensions(@inbounds(features[node.feature]), false, false)
    end
    left = tree_dimensions(node.left, analysis)
    left.violates && return left
    node.degree == 1 && return unary_dimensions(@inbounds(analysis.unary[node.operator]), left)
    right = tree_dimensions(node.right, analysis)
    right.violates && return right
    return binary_dimensions(@inbounds(analysis.binary[node.operator]), left, right, node.right)
end

"""
    dimensionally_consistent(tree, options) -> Bool

Whether `tree` obeys every dimensional rule and, when `y_units` were given, has y's dimensions
(or is a wildcard). Always true without units. Allocates nothing.
"""
function dimensionally_consistent(tree::Node, options)::Bool
    analysis = options.dimensions
    analysis.active || return true
    result = tree_dimensions(tree, analysis)
    result.violates && return false
    analysis.constrains_output || return true
    return result.wildcard || same_exponents(result.exponents, analysis.output)
end

"""Whether the search rejects `tree` for its dimensions (hard mode only; soft mode penalises)."""
rejected_for_dimensions(tree::Node, options) =
    options.dimensions.hard && options.dimensions.active && !dimensionally_consistent(tree, options)
