# PySR's constraints on operators, checked once per candidate tree (never per row):
# - `constraints`: the largest complexity of each argument of an operator, `"^" => (-1, 1)`
#   (any base, an exponent of complexity at most 1), `"sin" => 5`; -1 = no limit.
# - `nested_constraints`: how deeply an operator may occur inside another,
#   `"sin" => Dict("sin" => 0, "cos" => 0)` (no sin or cos anywhere inside a sin); -1 = no limit.
# A candidate that breaks one is rejected where size limits reject it (`check_constraints`).

"""At most `limit` occurrences of the operator (`nested_degree`, `nested_operator`) along any path
inside the arguments of an operator (`degree`, `operator`)."""
struct NestingLimit
    degree::Int
    operator::Int
    nested_degree::Int
    nested_operator::Int
    limit::Int
end

"""
    OperatorConstraints

The constraints of a search by operator index. `binary[i]` limits the complexity of the left and
right argument of binary operator `i`, `unary[i]` the argument of unary operator `i` (-1: no
limit); `nested` lists the nesting limits (those of -1 are dropped).
"""
struct OperatorConstraints
    binary::Vector{NTuple{2,Int}}
    unary::Vector{Int}
    nested::Vector{NestingLimit}
    has_size_limits::Bool          # some entry of `binary` or `unary` is not -1
end

has_constraints(constraints::OperatorConstraints) = constraints.has_size_limits || !isempty(constraints.nested)

"""An integer of at least -1 (the limits' "none"); an `ArgumentError` naming `what` otherwise."""
function limit_value(what::AbstractString, value)
    value isa Integer && !(value isa Bool) && value >= -1 || throw(ArgumentError(
        "$what must be -1 (no limit) or a non-negative integer, got $(repr(value))"))
    return Int(value)
end

"""
The argument limits of one binary operator, with PySR's rules: `+` and `-` need equal limits on
both sides (simplification may swap their arguments), and the limits of `*` are reordered so that
the looser one is on the left (where the complex factor goes).
"""
function binary_limits(name::AbstractString, value)
    what = "constraints[\"$name\"]"
    value isa Union{Tuple,AbstractVector} && length(value) == 2 || throw(ArgumentError(
        "$what must be a pair (left limit, right limit) for a binary operator, e.g. (-1, 1), got $(repr(value))"))
    left, right = limit_value("$what[1]", value[1]), limit_value("$what[2]", value[2])
    if name in ("+", "-")
        left == right || throw(ArgumentError(
            "$what must have equal limits on both sides (PySR's rule for + and -, which simplification may reorder), got $(repr(value))"))
    elseif name == "*" && left != -1 && (right == -1 || left < right)
        left, right = right, left
    end
    return (left, right)
end

function unary_limit(name::AbstractString, value)
    value isa Integer || throw(ArgumentError(
        "constraints[\"$name\"] must be one integer for a unary operator (the limit of its argument), got $(repr(value))"))
    return limit_value("constraints[\"$name\"]", value)
end

"""
    OperatorConstraints(operators, constraints, nested_constraints)

From PySR's options, as a Dict (or pairs) keyed by operator name or function:
`constraints=Dict("^" => (-1, 1), "sin" => 5)`,
`nested_constraints=Dict("sin" => Dict("sin" => 0, "cos" => 0))`; `nothing` for none.
"""
function OperatorConstraints(operators::OperatorSet, constraints, nested_constraints)
    binary = fill((-1, -1), length(operators.binary))
    unary = fill(-1, length(operators.unary))
    if constraints !== nothing
        for (key, value) in option_pairs(constraints)
            degree, index = operator_of_option(operators, :constraints, key)
            name = option_operator_name(key)
            degree == 2 ? (binary[index] = binary_limits(name, value)) : (unary[index] = unary_limit(name, value))
        end
    end
    nested = NestingLimit[]
    if nested_constraints !== nothing
        for (key, inner) in option_pairs(nested_constraints)
            degree, index = operator_of_option(operators, :nested_constraints, key)
            inner isa Union{AbstractDict,NamedTuple,AbstractVector,Tuple,Pair} || throw(ArgumentError(
                "nested_constraints[\"$(option_operator_name(key))\"] must map operators to their most nested occurrences, e.g. Dict(\"cos\" => 0), got $(repr(inner))"))
            for (nested_key, value) in option_pairs(inner)
                nested_degree, nested_index = operator_of_option(operators, :nested_constraints, nested_key)
                limit = limit_value("nested_constraints[\"$(option_operator_name(key))\"][\"$(option_operator_name(nested_key))\"]", value)
                limit == -1 || push!(nested, NestingLimit(degree, index, nested_degree, nested_index, limit))
            end
        end
    end
    has_size_limits = any(!=((-1, -1)), binary) || any(!=(-1), unary)
    return OperatorConstraints(binary, unary, nested, has_size_limits)
end

# --- checking a tree --------------------------------------------------------------------------

"""
The raw complexity of `node` (see `raw_complexity`) and whether every operator inside it has
arguments within its size limits; one pass, each argument's complexity computed once.
"""
function check_argument_sizes(node::Node, constraints::OperatorConstraints, weights::ComplexityWeights)::Tuple{Float64,Bool}
    node.degree == 0 && return leaf_weight(weights, node), true
    left, fits = check_argument_sizes(node.left, constraints, weights)
    fits || return left, false
    if node.degree == 1
        limit = constraints.unary[node.operator]
        limit != -1 && rounded_complexity(left) > limit && return left, false
        return weights.unary[node.operator] + left, true
    end
    right, fits = check_argument_sizes(node.right, constraints, weights)
    fits || return right, false
    left_limit, right_limit = constraints.binary[node.operator]
    (left_limit != -1 && rounded_complexity(left) > left_limit) && return left, false
    (right_limit != -1 && rounded_complexity(right) > right_limit) && return right, false
    return weights.binary[node.operator] + left + right, true
end

"""Most occurrences of operator (`degree`, `operator`) on a path from `node` down to a leaf."""
function max_nesting(node::Node, degree::Int, operator::Int)::Int
    node.degree == 0 && return 0
    own = node.degree == degree && node.operator == operator ? 1 : 0
    node.degree == 1 && return own + max_nesting(node.left, degree, operator)
    return own + max(max_nesting(node.left, degree, operator), max_nesting(node.right, degree, operator))
end

"""
Whether some outer operator of `rule` has more than `rule.limit` nested operators inside its
arguments. Only the outermost occurrences need a count: one inside another sees a subset of the
paths below it (PySR's count, which leaves out the outer node itself).
"""
function breaks_nesting(node::Node, rule::NestingLimit)::Bool
    node.degree == 0 && return false
    if node.degree == rule.degree && node.operator == rule.operator
        nested = max_nesting(node.left, rule.nested_degree, rule.nested_operator)
        node.degree == 2 && (nested = max(nested, max_nesting(node.right, rule.nested_degree, rule.nested_operator)))
        return nested > rule.limit
    end
    breaks_nesting(node.left, rule) && return true
    return node.degree == 2 && breaks_nesting(node.right, rule)
end

"""
    satisfies_constraints(tree, options) -> Bool

Whether `tree` obeys the argument-size limits (`constraints`) and nesting limits
(`nested_constraints`) of `options`. Allocates nothing.
"""
function satisfies_constraints(tree::Node, options)::Bool
    constraints = options.constraints
    if constraints.has_size_limits
        _, fits = check_argument_sizes(tree, constraints, options.complexity)
        fits || return false
    end
    for rule in constraints.nested
        breaks_nesting(tree, rule) && return false
    end
    return true
end

"""
    check_constraints(tree, options, maxsize) -> Bool

Whether a candidate may enter a population: complexity at most `maxsize`, depth at most
`maxdepth`, every operator constraint (SymbolicRegression.jl's `check_constraints`) and, in hard
dimensional mode, consistent dimensions.
"""
function check_constraints(tree::Node, options, maxsize::Int)::Bool
    return compute_complexity(tree, options) <= maxsize && tree_depth(tree) <= options.maxdepth &&
           satisfies_constraints(tree, options) && !rejected_for_dimensions(tree, options)
end

"""Whether the search has any rule beyond size and depth that simplification could break."""
constrains_shape(options) = options.complexity.weighted || has_constraints(options.constraints) ||
                            (options.dimensions.hard && options.dimensions.active)

"""
    simplify_within_constraints(tree, options, maxsize) -> Node

`simplify_tree(tree)`, unless the simplified tree breaks `check_constraints` (simplification
reorders commutative arguments, and with complexity weights a rewrite may cost more): then
`tree` itself, as it was. Like `simplify_tree`, it may reuse `tree`'s nodes.
"""
function simplify_within_constraints(tree::Node, options, maxsize::Int)
    constrains_shape(options) || return simplify_tree(tree, options.operators)
    original = copy_tree(tree)
    simplified = simplify_tree(tree, options.operators)
    check_constraints(simplified, options, maxsize) && return simplified
    return set_node!(tree, original)   # the root keeps its identity: callers see "unchanged"
end
