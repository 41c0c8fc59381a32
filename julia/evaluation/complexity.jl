# The complexity of an equation under the search's options: what maxsize limits, parsimony
# charges, the hall of fame bins by and the front reports. By default every operator, constant
# and variable counts 1 (the node count); PySR's complexity_of_operators, complexity_of_constants
# and complexity_of_variables weigh them, and the total is rounded to the nearest integer (ties
# to even), as SymbolicRegression.jl's compute_complexity does.

"""
    ComplexityWeights

What each node adds to the complexity of a tree, by operator index into `OperatorSet.binary` /
`.unary` (the hot path does no name lookup). `weighted` is false when every weight is 1: the
complexity is then the node count, computed without floating point.
"""
struct ComplexityWeights
    weighted::Bool
    binary::Vector{Float64}         # by binary operator index
    unary::Vector{Float64}          # by unary operator index
    constant::Float64
    variable::Float64               # every variable's weight, unless `per_variable` is given
    per_variable::Vector{Float64}   # by feature (complexity_of_variables as a list); empty: `variable`
end

# An operator of an option's key: a name, or the function / user operator itself (`sin => 2`).
option_operator_name(key::AbstractString) = String(strip(key))
option_operator_name(key::Symbol) = String(key)
option_operator_name(key::UserOperator) = key.name
option_operator_name(key::Function) = string(nameof(key))
option_operator_name(key) = throw(ArgumentError("operators are given by name, got $(repr(key))"))

"""Key => value pairs of a per-operator option: a Dict, a NamedTuple, or pairs (`[sin => 2, "^" => 3]`)."""
option_pairs(value::AbstractDict) = collect(value)
option_pairs(value::NamedTuple) = collect(pairs(value))
option_pairs(value::Pair) = [value]
option_pairs(value::Union{AbstractVector,Tuple}) = all(item -> item isa Pair, value) ? collect(value) :
    throw(ArgumentError("expected operator => value pairs, got $(repr(value))"))
option_pairs(value) = throw(ArgumentError("expected a Dict of operator => value, got $(repr(value))"))

"""
    operator_of_option(operators, option, key) -> (degree, index)

The operator the search uses under the name `key` of `option` (a Dict key, or a function):
degree 2 for binary, 1 for unary. An `ArgumentError` names the option when the search has no such
operator, or has it as both a binary and a unary operator (the name would be ambiguous).
"""
function operator_of_option(operators::OperatorSet, option::Symbol, key)
    name = option_operator_name(key)
    binary, unary = binary_index(operators, name), unary_index(operators, name)
    binary > 0 && unary > 0 && throw(ArgumentError(
        "$option: \"$name\" is both a binary and a unary operator of this search; give them different names"))
    binary > 0 && return 2, binary
    unary > 0 && return 1, unary
    used = [operators.binary_names[operators.binary_choices]; operators.unary_names[operators.unary_choices]]
    throw(ArgumentError("$option: \"$name\" is not an operator of this search (its operators: $(join(used, ", ")))"))
end

"""A positive finite complexity weight, as a Float64; an `ArgumentError` naming the option otherwise."""
function complexity_weight(option::AbstractString, value)
    value isa Real && !(value isa Bool) && isfinite(value) && value > 0 || throw(ArgumentError(
        "option $option must be a positive number, got $(repr(value))"))
    return Float64(value)
end

"""
    ComplexityWeights(operators, complexity_of_operators, complexity_of_constants, complexity_of_variables)

The weights from PySR's options: `complexity_of_operators` maps operator names (or functions) to
weights, default 1 each (`Dict("sin" => 2, "/" => 3)`, `["^" => 3]`, or `nothing`);
`complexity_of_constants` is a number; `complexity_of_variables` a number or one per feature.
Weights are positive numbers; fractional ones are allowed, the total is rounded.
"""
function ComplexityWeights(operators::OperatorSet, complexity_of_operators, complexity_of_constants,
                           complexity_of_variables)
    binary, unary = ones(length(operators.binary)), ones(length(operators.unary))
    if complexity_of_operators !== nothing
        for (key, value) in option_pairs(complexity_of_operators)
            degree, index = operator_of_option(operators, :complexity_of_operators, key)
            weight = complexity_weight("complexity_of_operators[\"$(option_operator_name(key))\"]", value)
            (degree == 2 ? binary : unary)[index] = weight
        end
    end
    constant = complexity_weight("complexity_of_constants", something(complexity_of_constants, 1))
    variables = something(complexity_of_variables, 1)
    if variables isa AbstractVector
        isempty(variables) && throw(ArgumentError("option complexity_of_variables must be a number or one number per feature, got []"))
        per_variable = Float64[complexity_weight("complexity_of_variables[$i]", value) for (i, value) in enumerate(variables)]
        variable = 1.0
    else
        per_variable, variable = Float64[], complexity_weight("complexity_of_variables", variables)
    end
    weighted = any(!=(1.0), binary) || any(!=(1.0), unary) || constant != 1.0 || variable != 1.0 ||
               any(!=(1.0), per_variable)
    return ComplexityWeights(weighted, binary, unary, constant, variable, per_variable)
end

"""An `ArgumentError` unless `complexity_of_variables` (when one per feature) fits `n_features`."""
check_variable_weights(weights::ComplexityWeights, n_features::Int) =
    check_one_per_feature(:complexity_of_variables, length(weights.per_variable), "values", n_features)

leaf_weight(weights::ComplexityWeights, node::Node) =
    node.is_constant ? weights.constant :
    isempty(weights.per_variable) ? weights.variable : weights.per_variable[node.feature]

"""The unrounded sum of the weights of the nodes of `node` (allocates nothing)."""
function raw_complexity(node::Node, weights::ComplexityWeights)::Float64
    node.degree == 0 && return leaf_weight(weights, node)
    node.degree == 1 && return weights.unary[node.operator] + raw_complexity(node.left, weights)
    return weights.binary[node.operator] + raw_complexity(node.left, weights) + raw_complexity(node.right, weights)
end

"""The rounded complexity of a raw sum of weights (`round(Int, x)`, as SymbolicRegression.jl)."""
rounded_complexity(raw::Float64) = round(Int, raw)

"""
    compute_complexity(tree, options) -> Int

The complexity of an equation under `options` (an `Options`): the node count, or with complexity
weights the rounded sum of its nodes' weights. Used wherever a size matters: maxsize, parsimony,
the hall of fame's bins, adaptive parsimony, warm-up. Allocates nothing.
"""
function compute_complexity(tree::Node, options)::Int
    weights = options.complexity
    weights.weighted || return node_count(tree)
    return rounded_complexity(raw_complexity(tree, weights))
end
