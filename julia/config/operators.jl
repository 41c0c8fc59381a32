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

"""Binary operators by canonical name. Infix ones are printed `(a op b)`, the others `name(a, b)`."""
const BINARY_OPERATOR_TABLE = Dict{String,Function}(
    "+" => +, "-" => -, "*" => *, "/" => /, "^" => safe_pow, "max" => max, "min" => min,
)
const INFIX_OPERATORS = ("+", "-", "*", "/", "^")

"""Unary operators by canonical name, printed `name(a)`."""
const UNARY_OPERATOR_TABLE = Dict{String,Function}(
    "neg" => neg, "square" => square, "cube" => cube, "inv" => inverse, "abs" => abs,
    "sign" => sign, "relu" => relu, "sqrt" => safe_sqrt, "exp" => exp, "log" => safe_log,
    "log2" => safe_log2, "log10" => safe_log10, "log1p" => safe_log1p, "sin" => safe_sin,
    "cos" => safe_cos, "tan" => safe_tan, "sinh" => sinh, "cosh" => cosh, "tanh" => tanh,
    "asin" => safe_asin, "acos" => safe_acos, "atan" => atan, "asinh" => asinh,
    "acosh" => safe_acosh, "atanh" => safe_atanh,
)

"""
    OperatorSet(binary_names, unary_names)

The operators of one search. The functions are kept in tuples so that the evaluator can
dispatch on an operator index without dynamic calls (see `apply_binary!`).

```julia
ops = OperatorSet(["+", "*"], ["cos"])
ops.binary_names[2] == "*"
```
"""
struct OperatorSet{B<:Tuple,U<:Tuple}
    binary::B
    unary::U
    binary_names::Vector{String}
    unary_names::Vector{String}
end

function OperatorSet(binary_names::AbstractVector, unary_names::AbstractVector)
    binary_names = String[strip(name) for name in binary_names]
    unary_names = String[strip(name) for name in unary_names]
    for (names, table, kind) in ((binary_names, BINARY_OPERATOR_TABLE, "binary"),
                                 (unary_names, UNARY_OPERATOR_TABLE, "unary"))
        for name in names
            haskey(table, name) || throw(ArgumentError(
                "unknown $kind operator \"$name\"; known: $(join(sort(collect(keys(table))), ", "))"))
        end
        length(unique(names)) == length(names) || throw(ArgumentError("duplicate $kind operators in $names"))
    end
    isempty(binary_names) && isempty(unary_names) &&
        throw(ArgumentError("at least one operator is needed"))
    binary = Tuple(BINARY_OPERATOR_TABLE[name] for name in binary_names)
    unary = Tuple(UNARY_OPERATOR_TABLE[name] for name in unary_names)
    return OperatorSet(binary, unary, binary_names, unary_names)
end

n_binary(ops::OperatorSet) = length(ops.binary_names)
n_unary(ops::OperatorSet) = length(ops.unary_names)

"""Index of a binary operator by name, or 0 when the search does not use it."""
binary_index(ops::OperatorSet, name::AbstractString) = something(findfirst(==(name), ops.binary_names), 0)
unary_index(ops::OperatorSet, name::AbstractString) = something(findfirst(==(name), ops.unary_names), 0)
