# Adaptive parsimony: how often each complexity has recently appeared in the whole search.
# Selection and acceptance penalise crowded complexities so that the search keeps exploring
# every size instead of piling onto one.

"""
    ComplexityFrequencies(maxsize)

Running counts of the complexities of new members, decayed to a window of recent births.
"""
mutable struct ComplexityFrequencies
    counts::Vector{Float64}
    normalized::Vector{Float64}
end

const FREQUENCY_WINDOW = 100_000.0

function ComplexityFrequencies(maxsize::Int)
    counts = ones(maxsize)
    return ComplexityFrequencies(counts, counts ./ sum(counts))
end

frequency_of(frequencies::ComplexityFrequencies, complexity::Int) =
    frequencies.normalized[clamp(complexity, 1, length(frequencies.normalized))]

"""Add the per-complexity birth counts of one iteration and renormalise."""
function add_counts!(frequencies::ComplexityFrequencies, new_counts::Vector{Float64})
    frequencies.counts .+= new_counts
    total = sum(frequencies.counts)
    if total > FREQUENCY_WINDOW
        frequencies.counts .*= FREQUENCY_WINDOW / total
    end
    frequencies.normalized .= frequencies.counts ./ sum(frequencies.counts)
    return frequencies
end
