# The mutation functions. Each takes a tree it may modify in place and returns the new tree.

"""Scale one random constant by a random factor (larger while the temperature is high)."""
function mutate_constant!(rng::AbstractRNG, tree::Node{T}, temperature::Float64, options::Options) where {T}
    node = random_matching_node(is_constant_leaf, rng, tree)
    node === nothing && return tree
    max_change = options.perturbation_factor * temperature + 1.1
    factor = max_change^rand(rng)
    rand(rng) < 0.5 && (factor = 1 / factor)
    value = node.value * T(factor)
    rand(rng) < 0.01 && (value = -value)  # occasionally flip the sign: scaling alone never can
    node.value = value
    return tree
end

"""Replace the operator of a random operator node by another of the same arity."""
function mutate_operator!(rng::AbstractRNG, tree::Node, options::Options)
    node = random_node_of_degree(rng, tree, (1, 2))
    node === nothing && return tree
    node.operator = random_operator(rng, options.operators, Int(node.degree))
    return tree
end

"""Swap the two arguments of a random binary operator (matters for - / ^)."""
function swap_operands!(rng::AbstractRNG, tree::Node, options::Options)
    node = random_node_of_degree(rng, tree, (2,))
    node === nothing && return tree
    node.left, node.right = node.right, node.left
    return tree
end

"""An operator node with an operator among its children: where a rotation can pivot."""
is_rotation_root(node::Node) = node.degree >= 1 && (node.left.degree >= 1 || (node.degree == 2 && node.right.degree >= 1))

"""
A tree rotation at a random node: one of its operator children (the pivot) moves up, and the
node moves down into one of the pivot's argument slots, taking that argument in the pivot's
place. `(a * b) + c` becomes `a * (b + c)` or `(a + c) * b`. Regroups an expression without
changing its operators, which add/delete mutations can only do through worse intermediates.
Done in place: the node and the pivot exchange contents, so no parent pointer is needed.
"""
function rotate_tree!(rng::AbstractRNG, tree::Node)
    root = random_matching_node(is_rotation_root, rng, tree)
    root === nothing && return tree
    pivot_slot = root.degree == 2 && root.right.degree >= 1 && (root.left.degree == 0 || rand(rng) < 0.5) ? 2 : 1
    pivot = pivot_slot == 1 ? root.left : root.right
    grandchild_slot = pivot.degree == 2 && rand(rng) < 0.5 ? 2 : 1
    grandchild = grandchild_slot == 1 ? pivot.left : pivot.right
    root_degree, root_operator, root_left = root.degree, root.operator, root.left
    pivot_degree, pivot_operator, pivot_left = pivot.degree, pivot.operator, pivot.left
    root_right = root.degree == 2 ? root.right : root.left      # (unused when unary)
    pivot_right = pivot.degree == 2 ? pivot.right : pivot.left
    # The pivot's node now holds the root's operator, with the grandchild in the pivot's slot...
    pivot.degree, pivot.operator = root_degree, root_operator
    pivot.left = pivot_slot == 1 ? grandchild : root_left
    root_degree == 2 && (pivot.right = pivot_slot == 2 ? grandchild : root_right)
    # ...and the root's node holds the pivot's operator, with that subtree in the grandchild's slot.
    root.degree, root.operator = pivot_degree, pivot_operator
    root.left = grandchild_slot == 1 ? pivot : pivot_left
    pivot_degree == 2 && (root.right = grandchild_slot == 2 ? pivot : pivot_right)
    return tree
end

"""Grow the tree: half the time at a leaf (append), half the time above the root (prepend)."""
function add_node!(rng::AbstractRNG, tree::Node, n_features::Int, options::Options)
    if rand(rng) < 0.5
        return append_random_operator!(rng, tree, options.operators, n_features)
    end
    return random_operator_over(rng, tree, options.operators, n_features)
end

"""Insert a random operator above a random node."""
function insert_node!(rng::AbstractRNG, tree::Node, n_features::Int, options::Options)
    node = random_node(rng, tree)
    moved = shallow_copy(node)   # the node's contents move down; `node` becomes the new operator
    set_node!(node, random_operator_over(rng, moved, options.operators, n_features))
    return tree
end

"""Remove a random operator, keeping one of its arguments in its place."""
function delete_node!(rng::AbstractRNG, tree::Node, options::Options)
    node = random_node_of_degree(rng, tree, (1, 2))
    node === nothing && return tree
    kept = node.degree == 2 && rand(rng) < 0.5 ? node.right : node.left
    set_node!(node, kept)
    return tree
end

"""Swap a random subtree of `a` with a random subtree of `b` (both are modified)."""
function crossover_trees!(rng::AbstractRNG, a::Node{T}, b::Node{T}) where {T}
    node_a, node_b = random_node(rng, a), random_node(rng, b)
    saved = shallow_copy(node_a)   # the subtrees change places; only the two nodes' contents move
    set_node!(node_a, node_b)
    set_node!(node_b, saved)
    return a, b
end
