# The expression tree: a mutable binary tree whose nodes are constants, variables, or
# operators (by index into the search's OperatorSet).

"""
    Node{T}

One node of an equation. `degree` is 0 for a leaf (a constant when `is_constant`, else the
variable `feature`), 1 for a unary operator applied to `left`, 2 for a binary operator applied to
`left` and `right`. `operator` indexes `OperatorSet.unary` or `.binary` by degree.
"""
mutable struct Node{T<:AbstractFloat}
    degree::Int8
    is_constant::Bool
    value::T
    feature::Int
    operator::Int
    left::Node{T}
    right::Node{T}
    Node{T}() where {T} = new{T}()
end

function constant_node(::Type{T}, value) where {T}
    node = Node{T}()
    node.degree = 0; node.is_constant = true; node.value = T(value); node.feature = 0; node.operator = 0
    return node
end

function variable_node(::Type{T}, feature::Integer) where {T}
    node = Node{T}()
    node.degree = 0; node.is_constant = false; node.value = zero(T); node.feature = feature; node.operator = 0
    return node
end

function unary_node(operator::Integer, child::Node{T}) where {T}
    node = Node{T}()
    node.degree = 1; node.is_constant = false; node.value = zero(T); node.feature = 0
    node.operator = operator; node.left = child
    return node
end

function binary_node(operator::Integer, left::Node{T}, right::Node{T}) where {T}
    node = Node{T}()
    node.degree = 2; node.is_constant = false; node.value = zero(T); node.feature = 0
    node.operator = operator; node.left = left; node.right = right
    return node
end

is_constant_leaf(node::Node) = node.degree == 0 && node.is_constant

"""Overwrite `target` in place with the contents of `source` (used to splice subtrees)."""
function set_node!(target::Node{T}, source::Node{T}) where {T}
    target.degree = source.degree; target.is_constant = source.is_constant
    target.value = source.value; target.feature = source.feature; target.operator = source.operator
    source.degree >= 1 && (target.left = source.left)
    source.degree == 2 && (target.right = source.right)
    return target
end

function copy_tree(node::Node{T}) where {T}
    if node.degree == 0
        return node.is_constant ? constant_node(T, node.value) : variable_node(T, node.feature)
    elseif node.degree == 1
        return unary_node(node.operator, copy_tree(node.left))
    else
        return binary_node(node.operator, copy_tree(node.left), copy_tree(node.right))
    end
end

"""Number of nodes: the complexity of an equation (every operator, variable and constant counts 1)."""
function node_count(node::Node)::Int
    node.degree == 0 && return 1
    node.degree == 1 && return 1 + node_count(node.left)
    return 1 + node_count(node.left) + node_count(node.right)
end

function tree_depth(node::Node)::Int
    node.degree == 0 && return 1
    node.degree == 1 && return 1 + tree_depth(node.left)
    return 1 + max(tree_depth(node.left), tree_depth(node.right))
end

"""Visit every node in pre-order, calling `visit(node)`."""
function foreach_node(visit::F, node::Node) where {F}
    visit(node)
    node.degree >= 1 && foreach_node(visit, node.left)
    node.degree == 2 && foreach_node(visit, node.right)
    return nothing
end

function collect_nodes(node::Node{T}) where {T}
    nodes = Node{T}[]
    foreach_node(n -> push!(nodes, n), node)
    return nodes
end

constant_nodes(node::Node{T}) where {T} = filter(is_constant_leaf, collect_nodes(node))

# The mutation path counts and picks nodes without building lists: it runs for every offspring.

"""Number of nodes for which `predicate(node)` holds."""
function count_nodes(predicate::F, node::Node)::Int where {F}
    count = predicate(node) ? 1 : 0
    node.degree >= 1 && (count += count_nodes(predicate, node.left))
    node.degree == 2 && (count += count_nodes(predicate, node.right))
    return count
end

"""The `k`-th node in pre-order for which `predicate` holds, with the count still to skip."""
function find_nth_node(predicate::F, node::Node{T}, k::Int)::Tuple{Union{Nothing,Node{T}},Int} where {F,T}
    if predicate(node)
        k == 1 && return node, 0
        k -= 1
    end
    for child in (node.degree >= 1 ? node.left : nothing, node.degree == 2 ? node.right : nothing)
        child === nothing && continue
        found, k = find_nth_node(predicate, child, k)
        found === nothing || return found, 0
    end
    return nothing, k
end

count_constants(node::Node) = count_nodes(is_constant_leaf, node)

"""Structural equality (same shape, operators, variables and constant values)."""
function trees_equal(a::Node, b::Node)::Bool
    a.degree == b.degree || return false
    if a.degree == 0
        a.is_constant == b.is_constant || return false
        return a.is_constant ? a.value == b.value : a.feature == b.feature
    end
    a.operator == b.operator || return false
    trees_equal(a.left, b.left) || return false
    return a.degree == 1 || trees_equal(a.right, b.right)
end

"""True when every constant of the tree is finite (so it prints as a valid equation)."""
has_finite_constants(node::Node) = count_nodes(n -> is_constant_leaf(n) && !isfinite(n.value), node) == 0
