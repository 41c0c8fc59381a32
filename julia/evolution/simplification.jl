# Algebraic simplification, so the hall of fame holds no bloated twins of an equation:
# constant folding, neutral elements (x + 0, x * 1, x / 1, x - 0), 0 * x, 0 / x, x - x, x / x,
# a - (a - b) and a + (b - a) (both b), a canonical
# order of commutative arguments (constants first) and merging of nested constants
# (c1 + (c2 + x) -> (c1 + c2) + x, likewise for *). Every rule preserves the values wherever
# the original is finite.

"""Indices of the operators that simplification rules refer to (0 when absent from the search)."""
struct SpecialOperators
    plus::Int
    minus::Int
    times::Int
    divide::Int
    commutative::Vector{Int}
end

function SpecialOperators(operators::OperatorSet)
    commutative = [binary_index(operators, name) for name in ("+", "*", "max", "min", "logical_or", "logical_and")
                   if binary_index(operators, name) > 0]
    return SpecialOperators(binary_index(operators, "+"), binary_index(operators, "-"),
                            binary_index(operators, "*"), binary_index(operators, "/"), commutative)
end

# Canonical order of the arguments of a commutative operator: constants, then variables by
# index, then unary, then binary subtrees.
function ordering_key(node::Node)
    node.degree == 0 && return node.is_constant ? (0, 0) : (1, node.feature)
    return (1 + node.degree, node.operator)
end

is_constant_value(node::Node, value) = is_constant_leaf(node) && node.value == value

"""
    simplify_tree(tree, operators) -> Node

A simplified copy-or-alias of `tree` (the argument may be reused).
"""
function simplify_tree(tree::Node{T}, operators::OperatorSet) where {T}
    return simplify_node(tree, operators, SpecialOperators(operators))
end

function simplify_node(node::Node{T}, operators::OperatorSet, special::SpecialOperators) where {T}
    node.degree == 0 && return node
    node.left = simplify_node(node.left, operators, special)
    if node.degree == 1
        if is_constant_leaf(node.left)
            value = call_operator(apply_scalar, operators.unary, node.operator, node.left.value)
            isfinite(value) && return constant_node(T, value)
        end
        return node
    end
    node.right = simplify_node(node.right, operators, special)
    left, right, op = node.left, node.right, node.operator
    if is_constant_leaf(left) && is_constant_leaf(right)
        value = call_operator(apply_scalar, operators.binary, op, left.value, right.value)
        isfinite(value) && return constant_node(T, value)
        return node
    end
    if op in special.commutative && ordering_key(right) < ordering_key(left)
        node.left, node.right = right, left
        left, right = right, left
    end
    if op == special.plus
        is_constant_value(left, 0) && return right
        cancelled = cancel_in_sum(left, right, special)   # a + (b - a) -> b
        cancelled === nothing || return cancelled
        cancelled = cancel_in_sum(right, left, special)
        cancelled === nothing || return cancelled
        return merge_nested_constants(node, operators, special.plus)
    elseif op == special.times
        is_constant_value(left, 1) && return right
        is_constant_value(left, 0) && return constant_node(T, 0)   # 0 * x = 0 wherever x is finite
        return merge_nested_constants(node, operators, special.times)
    elseif op == special.minus
        is_constant_value(right, 0) && return left
        trees_equal(left, right) && return constant_node(T, 0)
        # a - (a - b) -> b
        is_binary(right, special.minus) && trees_equal(left, right.left) && return right.right
    elseif op == special.divide
        is_constant_value(right, 1) && return left
        is_constant_value(left, 0) && return constant_node(T, 0)   # 0 / x = 0 wherever finite
        trees_equal(left, right) && !is_constant_leaf(left) && return constant_node(T, 1)
    end
    return node
end

is_binary(node::Node, op::Int) = node.degree == 2 && node.operator == op

# `a + (b - a)` is `b`: returns `b`, or `nothing` when `difference` is not `(b - a)`.
function cancel_in_sum(a::Node, difference::Node, special::SpecialOperators)
    is_binary(difference, special.minus) && trees_equal(a, difference.right) && return difference.left
    return nothing
end

# (c1 op (c2 op x)) -> ((c1 op c2) op x) for an associative, commutative op whose arguments are
# already in canonical order (constant first).
function merge_nested_constants(node::Node{T}, operators::OperatorSet, op::Int) where {T}
    left, right = node.left, node.right
    if is_constant_leaf(left) && is_binary(right, op) && is_constant_leaf(right.left)
        value = call_operator(apply_scalar, operators.binary, op, left.value, right.left.value)
        isfinite(value) || return node
        return binary_node(op, constant_node(T, value), right.right)
    end
    return node
end
