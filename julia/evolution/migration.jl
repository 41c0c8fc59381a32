# Migration: good equations spread between populations, and from the hall of fame back into
# them, at the end of each iteration.

"""Random rounding of an expected count: floor(x), plus one with probability frac(x)."""
random_count(rng::AbstractRNG, expected::Float64) = floor(Int, expected) + (rand(rng) < expected - floor(expected) ? 1 : 0)

"""
    migrate!(population, candidates, fraction, birth_offset)

Replace about `fraction` of the members of `population` by copies of random `candidates`.
"""
function migrate!(population::Population{T}, candidates::Vector{PopMember{T}}, fraction::Float64) where {T}
    isempty(candidates) && return population
    rng = population.rng
    n = length(population.members)
    count = min(n, random_count(rng, fraction * n))
    for index in sample_without_replacement(rng, n, count)
        migrant = copy_member(rand(rng, candidates))
        migrant.birth = next_birth!(population)
        population.members[index] = migrant
    end
    return population
end

"""The `topn` lowest-cost members of each population: the pool that migrates between them."""
function migration_pool(populations::Vector{Population{T}}, topn::Int) where {T}
    pool = PopMember{T}[]
    for population in populations
        order = sortperm([m.cost for m in population.members])
        append!(pool, population.members[order[1:min(topn, end)]])
    end
    return pool
end
