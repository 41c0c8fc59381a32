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

"""A new node with the contents of `node`, sharing its children (to move a node's contents away)."""
shallow_copy(node::Node{T}) where {T} = set_node!(Node{T}(), node)

# Recycling. A population replaces one member per offspring, and each offspring starts as a copy
# of its parent: without reuse, copying trees makes most of a search's garbage and GC pauses
# stop every thread. Trees are never shared (every tree is a copy), so a discarded tree's nodes
# can be handed out again.

"""Nodes of discarded trees, for `copy_tree(spare, node)` to reuse; one per thread."""
const SpareNodes{T} = Vector{Node{T}}

"""Most spare nodes kept: enough for a population's turnover, bounded so memory cannot creep."""
const MAX_SPARE_NODES = 1 << 16

"""Copy `node` into nodes taken from `spare` (new ones when it runs out)."""
function copy_tree(spare::SpareNodes{T}, node::Node{T}) where {T}
    copy = isempty(spare) ? Node{T}() : pop!(spare)
    copy.degree = node.degree; copy.is_constant = node.is_constant; copy.value = node.value
    copy.feature = node.feature; copy.operator = node.operator
    node.degree >= 1 && (copy.left = copy_tree(spare, node.left))
    node.degree == 2 && (copy.right = copy_tree(spare, node.right))
    return copy
end

"""Hand the nodes of `tree`, which nothing references any more, to `spare`."""
function recycle_tree!(spare::SpareNodes{T}, tree::Node{T}) where {T}
    length(spare) >= MAX_SPARE_NODES && return spare
    tree.degree >= 1 && recycle_tree!(spare, tree.left)
    tree.degree == 2 && recycle_tree!(spare, tree.right)
    push!(spare, tree)
    return spare
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

"""
The `k`-th node in pre-order for which `predicate` holds, as `(node, 0)`; when the subtree has
fewer, `(tree, k - matches)`. (A concrete return type: a `Union` in the tuple would allocate.)
"""
function find_nth_node(predicate::F, node::Node{T}, k::Int)::Tuple{Node{T},Int} where {F,T}
    if predicate(node)
        k == 1 && return node, 0
        k -= 1
    end
    if node.degree >= 1
        found, k = find_nth_node(predicate, node.left, k)
        k == 0 && return found, 0
    end
    if node.degree == 2
        found, k = find_nth_node(predicate, node.right, k)
        k == 0 && return found, 0
    end
    return node, k
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
