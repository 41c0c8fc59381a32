# Members and populations, and tournament selection.

"""
    PopMember{T}

One equation of a population: its tree, its loss, its cost (normalised loss plus parsimony
penalty, what selection compares), its complexity and its birth order (for "replace the oldest").
"""
mutable struct PopMember{T<:AbstractFloat}
    tree::Node{T}
    loss::Float64
    cost::Float64
    complexity::Int
    birth::Int
end

member_cost(loss::Float64, complexity::Int, options::Options, normalization::Float64) =
    loss / normalization + options.parsimony * complexity

function set_loss!(member::PopMember, loss::Float64, options::Options, normalization::Float64)
    member.loss = loss
    member.complexity = node_count(member.tree)
    member.cost = member_cost(loss, member.complexity, options, normalization)
    return member
end

function PopMember(tree::Node{T}, loss::Float64, birth::Int, options::Options, normalization::Float64) where {T}
    complexity = node_count(tree)
    return PopMember{T}(tree, loss, member_cost(loss, complexity, options, normalization), complexity, birth)
end

copy_member(member::PopMember) =
    typeof(member)(copy_tree(member.tree), member.loss, member.cost, member.complexity, member.birth)

"""
    Population{T}

The members evolved together, with the random stream and birth counter that belong to this
population alone (so results do not depend on which thread runs it).
"""
mutable struct Population{T<:AbstractFloat}
    members::Vector{PopMember{T}}
    rng::MersenneTwister
    births::Int
end

next_birth!(population::Population) = (population.births += 1)

"""
    tournament_winner(population, frequencies, options) -> PopMember

Pick `tournament_selection_n` members at random and take the k-th best with probability
p(1-p)^k. With `use_frequency_in_tournament`, costs are inflated for complexities that are
already common in the search (adaptive parsimony).
"""
function tournament_winner(population::Population, frequencies, options::Options)
    rng = population.rng
    n = length(population.members)
    contestants = sample_without_replacement(rng, n, options.tournament_selection_n)
    adjusted(i) = begin
        member = population.members[i]
        options.use_frequency_in_tournament || return member.cost
        return member.cost * exp(options.adaptive_parsimony_scaling * frequency_of(frequencies, member.complexity))
    end
    sort!(contestants, by=adjusted)
    p = options.tournament_selection_p
    for index in contestants
        rand(rng) < p && return population.members[index]
    end
    return population.members[contestants[end]]
end

function sample_without_replacement(rng::AbstractRNG, n::Int, k::Int)
    indices = collect(1:n)
    for i in 1:k  # partial Fisher-Yates
        j = rand(rng, i:n)
        indices[i], indices[j] = indices[j], indices[i]
    end
    return indices[1:k]
end

oldest_index(population::Population) = argmin([member.birth for member in population.members])

best_member(population::Population) = population.members[argmin([m.cost for m in population.members])]
