# Random leaves, operators and trees: the raw material of mutations and of new populations.

"""A random leaf: half the time a constant drawn from N(0, 1), else a random variable."""
function random_leaf(rng::AbstractRNG, ::Type{T}, n_features::Int) where {T}
    return rand(rng) < 0.5 ? constant_node(T, randn(rng)) : variable_node(T, rand(rng, 1:n_features))
end

"""Operator node over `child` (and a random leaf on a random side, for a binary operator)."""
function random_operator_over(rng::AbstractRNG, child::Node{T}, operators::OperatorSet, n_features::Int) where {T}
    nb, nu = n_binary(operators), n_unary(operators)
    if rand(rng) * (nb + nu) < nb
        leaf = random_leaf(rng, T, n_features)
        operator = random_operator(rng, operators, 2)
        return rand(rng) < 0.5 ? binary_node(operator, child, leaf) : binary_node(operator, leaf, child)
    end
    return unary_node(random_operator(rng, operators, 1), child)
end

"""A node of `tree` drawn uniformly among those where `predicate` holds, or `nothing`."""
function random_matching_node(predicate::F, rng::AbstractRNG, tree::Node) where {F}
    count = count_nodes(predicate, tree)
    count == 0 && return nothing
    return find_nth_node(predicate, tree, rand(rng, 1:count))[1]
end

random_node(rng::AbstractRNG, tree::Node) = random_matching_node(node -> true, rng, tree)
random_node_of_degree(rng::AbstractRNG, tree::Node, degrees) = random_matching_node(node -> node.degree in degrees, rng, tree)

"""Replace a random leaf by a random operator over new random leaves (the tree grows at the bottom)."""
function append_random_operator!(rng::AbstractRNG, tree::Node{T}, operators::OperatorSet, n_features::Int) where {T}
    leaf = random_node_of_degree(rng, tree, (0,))
    set_node!(leaf, random_operator_over(rng, random_leaf(rng, T, n_features), operators, n_features))
    return tree
end

"""
    random_tree(rng, T, n_appends, operators, n_features)

A tree grown from one random leaf by `n_appends` random appends.
"""
function random_tree(rng::AbstractRNG, ::Type{T}, n_appends::Int, operators::OperatorSet, n_features::Int) where {T}
    tree = random_leaf(rng, T, n_features)
    for _ in 1:n_appends
        tree = append_random_operator!(rng, tree, operators, n_features)
    end
    return tree
end
