# Constants the data cannot tell from a simple value: 0.4987 -> 1/2, 6.2795 -> 2π.
#
# Fitted to noisy data, the constants of a law scatter around their true values by about
# σ/√N: ½mv² comes out as 0.4987*m*v², and a reader (or a benchmark's rule) sees a different
# law. After the search, each constant of the final front is tried at the simplest values near it
# (0, integers, fractions p/q with q ≤ 12, p/q·π with q ≤ 4), the equation's other constants
# refitted. A value is admissible when the data do not prefer the free constant by Akaike's
# criterion: for a squared error (a Gaussian likelihood with unknown variance), N rows and k
# constants fixed so far, N·ln(L_fixed / L_free) ≤ 2k. So a constant moves only as far as the
# noise allows: with noiseless data by rounding error only, with 10 % noise by about its standard
# error. Among admissible values, the shortest description wins (the value's bits plus the bits
# the data lose), as in AI Feynman, which snaps constants to integers, rationals and multiples of
# π by description length.

"""Largest denominator of the fractions tried, and of the fractions of π."""
const SIMPLE_DENOMINATOR = 12
const SIMPLE_PI_DENOMINATOR = 4
"""Only values this close to the constant (relative to max(1, |c|)) are tried."""
const SIMPLE_VALUE_DISTANCE = 0.05

"""Bits to write p/q (two more for a factor π, so that 16 is simpler than 5π)."""
description_bits(p::Integer, q::Integer, with_pi::Bool) = log2(1 + abs(p)) + log2(q) + 2 * with_pi

"""
    simple_values_with_bits(value) -> Vector{Tuple{Float64,Float64}}

(bits, value) of 0, the integer, fractions p/q (q ≤ 12) and multiples p/q·π (q ≤ 4) within
`SIMPLE_VALUE_DISTANCE` of `value`, simplest first (ties: nearest first). Excludes `value` itself.
"""
function simple_values_with_bits(value::Real)
    isfinite(value) || return Tuple{Float64,Float64}[]
    radius = SIMPLE_VALUE_DISTANCE * max(1.0, abs(value))
    candidates = Tuple{Float64,Float64,Float64}[]   # (bits, distance, value)
    function consider(p::Integer, q::Integer, with_pi::Bool)
        (p == 0 && (q != 1 || with_pi)) && return
        gcd(p, q) == 1 || return
        candidate = with_pi ? p * π / q : p / q
        distance = abs(candidate - value)
        distance <= radius && candidate != value &&
            push!(candidates, (description_bits(p, q, with_pi), distance, candidate))
    end
    for q in 1:SIMPLE_DENOMINATOR
        consider(round(Int, value * q), q, false)
    end
    for q in 1:SIMPLE_PI_DENOMINATOR
        consider(round(Int, value * q / π), q, true)
    end
    sort!(candidates)
    return Tuple{Float64,Float64}[(bits, candidate) for (bits, _, candidate) in candidates]
end

simple_values_near(value::Real) = Float64[candidate for (_, candidate) in simple_values_with_bits(value)]

"""Whether losses are mean squared errors, which Akaike's criterion below assumes."""
squared_error_loss(options::Options) =
    options.loss isa ElementwiseLoss && loss_name(options.loss) == "L2DistLoss"

"""
    refit_free_constants!(tree, free, data, workspace, options) -> (loss, evaluations)

Fit the constants in `free` (the others stay as they are) from their current values.
"""
function refit_free_constants!(tree::Node{T}, free::Vector{Node{T}}, data::Dataset{T}, workspace::Workspace{T},
                               options::Options) where {T}
    evaluations = Ref(0)
    loss_at = loss_of_constants(tree, free, data, workspace, options, evaluations)
    isempty(free) && return loss_at(Float64[]), 1
    start = Float64[node.value for node in free]
    values, loss = bfgs(loss_at, start, options.optimizer_iterations)
    if !(loss <= loss_at(start))   # BFGS leaves the last point it tried: keep the better one
        values = start
    end
    loss = loss_at(values)
    return loss, evaluations[]
end

"""Simple values tried per constant (the simplest ones near it): each costs a refit."""
const SIMPLE_VALUES_TRIED = 6

"""
    snap_to_simple_constants!(member, data, workspace, options, normalization, loss_floor) -> evaluations

Replace constants of `member` by simple values near them that the data cannot tell from them,
refitting the constants not yet fixed; then simplify and give the member its new loss. A value
is admissible when Akaike's criterion against the member's own loss holds (see the top of this
file) for all the constants fixed so far; among admissible values the one with the shortest
description wins: its bits plus the bits the data lose, (N/2)·log2(L_fixed / L_free). Constants
are visited in turn until a pass fixes none (fixing one can make another's simple value
admissible). Only for squared-error losses (others leave the member as it is). `loss_floor` is
the loss that counts as an exact fit.
"""
function snap_to_simple_constants!(member::PopMember{T}, data::Dataset{T}, workspace::Workspace{T}, options::Options,
                                   normalization::Float64, loss_floor::Float64) where {T}
    squared_error_loss(options) && isfinite(member.loss) || return 0
    options.dimensions.active && !dimensionally_consistent(member.tree, options) && return 0
    nodes = constant_nodes(member.tree)
    isempty(nodes) && return 0
    free_loss = max(member.loss, loss_floor)
    lost_bits(loss) = data.n_rows / 2 * log2(max(loss, loss_floor) / free_loss)
    fixed = falses(length(nodes))
    evaluations = 0
    while true
        fixed_in_pass = false
        for (i, node) in enumerate(nodes)
            fixed[i] && continue
            fitted = Float64[other.value for other in nodes]
            free = Node{T}[nodes[j] for j in eachindex(nodes) if j != i && !fixed[j]]
            admissible_bits = 2 * (count(fixed) + 1) / (2 * log(2))   # Akaike: N·ln(ratio) <= 2k
            best_bits, best_values = Inf, fitted
            for (bits, candidate) in Iterators.take(simple_values_with_bits(fitted[i]), SIMPLE_VALUES_TRIED)
                node.value = T(candidate)
                loss, spent = refit_free_constants!(member.tree, free, data, workspace, options)
                evaluations += spent
                if isfinite(loss) && lost_bits(loss) <= admissible_bits && bits + lost_bits(loss) < best_bits
                    best_bits, best_values = bits + lost_bits(loss), Float64[other.value for other in nodes]
                end
                foreach((other, value) -> other.value = T(value), nodes, fitted)
            end
            if isfinite(best_bits)
                foreach((other, value) -> other.value = T(value), nodes, best_values)
                fixed[i] = fixed_in_pass = true
            end
        end
        fixed_in_pass && !all(fixed) || break
    end
    any(fixed) || return evaluations
    options.should_simplify && (member.tree = simplify_within_constraints(member.tree, options, options.maxsize))
    set_loss!(member, evaluate_loss!(workspace, member.tree, data, options), options, normalization)
    return evaluations + 1
end
