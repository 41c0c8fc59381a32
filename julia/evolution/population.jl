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
    member.complexity = compute_complexity(member.tree, options)
    member.cost = member_cost(loss, member.complexity, options, normalization)
    return member
end

function PopMember(tree::Node{T}, loss::Float64, birth::Int, options::Options, normalization::Float64) where {T}
    complexity = compute_complexity(tree, options)
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
    tournament_indices::Vector{Int}     # scratch for tournaments: a permutation of 1:length(members)
    tournament_costs::Vector{Float64}   # scratch: the contestants' adjusted costs
end

Population(members::Vector{PopMember{T}}, rng::MersenneTwister, births::Int) where {T} =
    Population{T}(members, rng, births, collect(1:length(members)), zeros(length(members)))

next_birth!(population::Population) = (population.births += 1)

"""
    tournament_winner(population, frequencies, options) -> PopMember

Pick `tournament_selection_n` members at random and take the k-th best with probability
p(1-p)^(k-1). With `use_frequency_in_tournament`, costs are inflated for complexities that are
already common in the search (adaptive parsimony). Allocates nothing.
"""
function tournament_winner(population::Population, frequencies, options::Options)
    rng, members = population.rng, population.members
    indices, costs = population.tournament_indices, population.tournament_costs
    n, k = length(members), options.tournament_selection_n
    for i in 1:k  # the first k entries become a uniform random sample (partial Fisher-Yates)
        j = rand(rng, i:n)
        indices[i], indices[j] = indices[j], indices[i]
    end
    for i in 1:k
        member = members[indices[i]]
        costs[i] = options.use_frequency_in_tournament ?
            member.cost * exp(options.adaptive_parsimony_scaling * frequency_of(frequencies, member.complexity)) :
            member.cost
    end
    for i in 2:k  # insertion sort of the few contestants by adjusted cost
        j = i
        while j > 1 && costs[j] < costs[j - 1]
            costs[j], costs[j - 1] = costs[j - 1], costs[j]
            indices[j], indices[j - 1] = indices[j - 1], indices[j]
            j -= 1
        end
    end
    rank = 1
    while rank < k && rand(rng) >= options.tournament_selection_p
        rank += 1
    end
    return members[indices[rank]]
end

function sample_without_replacement(rng::AbstractRNG, n::Int, k::Int)
    indices = collect(1:n)
    for i in 1:k  # partial Fisher-Yates
        j = rand(rng, i:n)
        indices[i], indices[j] = indices[j], indices[i]
    end
    return indices[1:k]
end

function oldest_index(population::Population)
    oldest = 1
    for (i, member) in enumerate(population.members)
        member.birth < population.members[oldest].birth && (oldest = i)
    end
    return oldest
end

best_member(population::Population) = population.members[argmin([m.cost for m in population.members])]
