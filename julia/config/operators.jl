# The operators the engine knows, by their canonical names (docs/protocol.md).
#
# Each function is total on the reals: outside its domain it returns NaN instead of throwing,
# so a bad equation simply gets a NaN loss and is rejected, and the evaluation loops stay
# branch-light and exception-free.

safe_log(x::T) where {T<:AbstractFloat} = x > zero(T) ? log(x) : T(NaN)
safe_log2(x::T) where {T<:AbstractFloat} = x > zero(T) ? log2(x) : T(NaN)
safe_log10(x::T) where {T<:AbstractFloat} = x > zero(T) ? log10(x) : T(NaN)
safe_log1p(x::T) where {T<:AbstractFloat} = x > -one(T) ? log1p(x) : T(NaN)
safe_sqrt(x::T) where {T<:AbstractFloat} = x >= zero(T) ? sqrt(x) : T(NaN)
safe_asin(x::T) where {T<:AbstractFloat} = abs(x) <= one(T) ? asin(x) : T(NaN)
safe_acos(x::T) where {T<:AbstractFloat} = abs(x) <= one(T) ? acos(x) : T(NaN)
safe_acosh(x::T) where {T<:AbstractFloat} = x >= one(T) ? acosh(x) : T(NaN)
safe_atanh(x::T) where {T<:AbstractFloat} = abs(x) < one(T) ? atanh(x) : T(NaN)
# Base's sin/cos/tan throw on Inf; an infinite argument means the equation is already lost.
safe_sin(x::T) where {T<:AbstractFloat} = isfinite(x) ? sin(x) : T(NaN)
safe_cos(x::T) where {T<:AbstractFloat} = isfinite(x) ? cos(x) : T(NaN)
safe_tan(x::T) where {T<:AbstractFloat} = isfinite(x) ? tan(x) : T(NaN)

function safe_pow(x::T, y::T) where {T<:AbstractFloat}
    if x < zero(T) && !isinteger(y)
        return T(NaN)  # complex result
    elseif x == zero(T) && y < zero(T)
        return T(NaN)  # division by zero
    end
    return x^y
end

neg(x) = -x
square(x) = x * x
cube(x) = x * x * x
inverse(x::T) where {T<:AbstractFloat} = one(T) / x
relu(x::T) where {T<:AbstractFloat} = x > zero(T) ? x : zero(T)

# PySR's comparison and logic operators (SymbolicRegression.jl defines them as `(x > y) * one(x)`
# and so on): 1 where the condition holds, else 0. A comparison with NaN is false, so they map NaN
# to 0, and `cond` gives 0 where x <= 0 even if y is NaN or infinite.
greater(x::T, y::T) where {T<:AbstractFloat} = x > y ? one(T) : zero(T)
less(x::T, y::T) where {T<:AbstractFloat} = x < y ? one(T) : zero(T)
greater_equal(x::T, y::T) where {T<:AbstractFloat} = x >= y ? one(T) : zero(T)
less_equal(x::T, y::T) where {T<:AbstractFloat} = x <= y ? one(T) : zero(T)
cond(x::T, y::T) where {T<:AbstractFloat} = x > zero(T) ? y : zero(T)
logical_or(x::T, y::T) where {T<:AbstractFloat} = (x > zero(T)) | (y > zero(T)) ? one(T) : zero(T)
logical_and(x::T, y::T) where {T<:AbstractFloat} = (x > zero(T)) & (y > zero(T)) ? one(T) : zero(T)
# Julia's floored modulo (the result has the sign of y), NaN for y = 0 or an infinite x.
safe_mod(x::T, y::T) where {T<:AbstractFloat} = mod(x, y)
# The angle of the point (x, y) in (-pi, pi]: Julia's two-argument atan, C's atan2(y, x).
atan2(y::T, x::T) where {T<:AbstractFloat} = atan(y, x)

# Every built-in operator, in a fixed order. A search's OperatorSet always carries all of them
# (nodes store indices into these tuples) and lists which ones the search may use: the engine
# then has one type whatever the operators, and compiles once per process instead of once per
# operator set (seconds each time, in a persistent engine).
const BINARY_NAMES = ("+", "-", "*", "/", "^", "max", "min", "mod", "atan2", "greater", "less", "greater_equal",
                      "less_equal", "cond", "logical_or", "logical_and")
const BINARY_FUNCTIONS = (+, -, *, /, safe_pow, max, min, safe_mod, atan2, greater, less, greater_equal,
                          less_equal, cond, logical_or, logical_and)
const INFIX_OPERATORS = ("+", "-", "*", "/", "^")
const UNARY_NAMES = ("neg", "square", "cube", "inv", "abs", "sign", "relu", "sqrt", "exp", "log", "log2",
                     "log10", "log1p", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan",
                     "asinh", "acosh", "atanh", "erf", "erfc", "gamma", "round", "floor", "ceil")
const UNARY_FUNCTIONS = (neg, square, cube, inverse, abs, sign, relu, safe_sqrt, exp, safe_log, safe_log2,
                         safe_log10, safe_log1p, safe_sin, safe_cos, safe_tan, sinh, cosh, tanh, safe_asin,
                         safe_acos, atan, asinh, safe_acosh, safe_atanh, erf, erfc, gamma, round, floor, ceil)

"""
    UserOperator(name, f)

An operator the user defined (PySR's `"myop(x, y) = x^2 / (1 + y)"`). Its evaluation kernels
catch what it throws and give NaN (see `evaluate.jl`), so a domain error rejects the equation
instead of ending the search.
"""
struct UserOperator{F}
    name::String
    f::F
end

"""The value of a user operator as the float type `T`: NaN when it throws or is not a real number."""
@inline function call_user_operator(::Type{T}, op::UserOperator, arguments...) where {T}
    value = try
        op.f(arguments...)
    catch error
        error isa InterruptException && rethrow()
        return T(NaN)
    end
    return value isa Real ? T(value) : T(NaN)
end

"""
    OperatorSet(binary, unary)

The operators of one search. `binary` and `unary` hold the functions of every built-in operator
in tuples, so the evaluator dispatches on an operator index without dynamic calls (see
`call_operator`), followed by the search's own user operators; `binary_choices` /
`unary_choices` are the indices the search may use. Operators are given by name, or for user
operators as `UserOperator`s (or plain functions, named by `nameof`).

```julia
ops = OperatorSet(["+", "*"], ["cos"])
ops.binary_names[binary_index(ops, "*")] == "*"
square_plus(x, y) = x^2 + y
ops = OperatorSet(["+", square_plus], String[])   # a user operator
```
"""
struct OperatorSet{B<:Tuple,U<:Tuple}
    binary::B
    unary::U
    binary_names::Vector{String}     # name of every operator in `binary`, by index
    unary_names::Vector{String}
    binary_choices::Vector{Int}      # indices the search may use
    unary_choices::Vector{Int}
end

as_operator(operator::AbstractString) = String(strip(operator))
as_operator(operator::UserOperator) = operator
as_operator(operator::Function) = UserOperator(string(nameof(operator)), operator)
operator_name(operator) = operator isa UserOperator ? operator.name : operator

function OperatorSet(binary_operators::AbstractVector, unary_operators::AbstractVector)
    binary_operators = Any[as_operator(operator) for operator in binary_operators]
    unary_operators = Any[as_operator(operator) for operator in unary_operators]
    for (operators, known, kind) in ((binary_operators, BINARY_NAMES, "binary"), (unary_operators, UNARY_NAMES, "unary"))
        for operator in operators
            operator isa UserOperator && !(operator.name in known) && continue
            operator isa UserOperator && throw(ArgumentError(
                "user $kind operator $(operator.name) has the name of a built-in operator; rename it"))
            operator in known || throw(ArgumentError(
                "unknown $kind operator \"$operator\"; known: $(join(sort(collect(known)), ", ")) (or define it in Julia)"))
        end
        names = map(operator_name, operators)
        length(unique(names)) == length(names) || throw(ArgumentError("duplicate $kind operators in $names"))
    end
    isempty(binary_operators) && isempty(unary_operators) && throw(ArgumentError("at least one operator is needed"))
    user_binary = Tuple(operator for operator in binary_operators if operator isa UserOperator)
    user_unary = Tuple(operator for operator in unary_operators if operator isa UserOperator)
    binary_names = [collect(String, BINARY_NAMES); String[operator.name for operator in user_binary]]
    unary_names = [collect(String, UNARY_NAMES); String[operator.name for operator in user_unary]]
    return OperatorSet((BINARY_FUNCTIONS..., user_binary...), (UNARY_FUNCTIONS..., user_unary...),
                       binary_names, unary_names,
                       Int[findfirst(==(operator_name(operator)), binary_names) for operator in binary_operators],
                       Int[findfirst(==(operator_name(operator)), unary_names) for operator in unary_operators])
end

has_user_operators(ops::OperatorSet) = length(ops.binary) > length(BINARY_FUNCTIONS) || length(ops.unary) > length(UNARY_FUNCTIONS)

n_binary(ops::OperatorSet) = length(ops.binary_choices)
n_unary(ops::OperatorSet) = length(ops.unary_choices)

"""A random operator index the search may use, of the given arity (1 or 2)."""
random_operator(rng::AbstractRNG, ops::OperatorSet, arity::Int) =
    arity == 1 ? rand(rng, ops.unary_choices) : rand(rng, ops.binary_choices)

"""Index of a binary operator by name, or 0 when the search does not use it."""
function binary_index(ops::OperatorSet, name::AbstractString)
    index = something(findfirst(==(name), ops.binary_names), 0)
    return index in ops.binary_choices ? index : 0
end

function unary_index(ops::OperatorSet, name::AbstractString)
    index = something(findfirst(==(name), ops.unary_names), 0)
    return index in ops.unary_choices ? index : 0
end
