# The hall of fame: the best equation found at every complexity, and its Pareto front.

"""
    HallOfFame{T}(maxsize)

`members[c]` is the lowest-loss equation of complexity `c` seen so far (when `exists[c]`).
Losses here are always on the full data.
"""
mutable struct HallOfFame{T<:AbstractFloat}
    members::Vector{PopMember{T}}
    exists::Vector{Bool}
    loss_floor::Float64   # losses closer than this are rounding noise (see pareto_front)
end

HallOfFame{T}(maxsize::Int, loss_floor::Float64=0.0) where {T} =
    HallOfFame{T}(Vector{PopMember{T}}(undef, maxsize), fill(false, maxsize), loss_floor)

"""Offer a member; it is kept (as a copy) when it beats the current one of its complexity."""
function offer!(hall_of_fame::HallOfFame, member::PopMember)
    c = member.complexity
    (1 <= c <= length(hall_of_fame.exists)) || return false
    isfinite(member.loss) && has_finite_constants(member.tree) || return false
    if !hall_of_fame.exists[c] || member.loss < hall_of_fame.members[c].loss
        hall_of_fame.members[c] = copy_member(member)
        hall_of_fame.exists[c] = true
        return true
    end
    return false
end

# A more complex equation must beat the simpler ones by more than rounding noise to be shown:
# otherwise x0*x1 - 1 reappears with "+ x0 - x0" at a loss lower by 1e-26.
const FRONT_RELATIVE_IMPROVEMENT = 1e-9
# Rounding error of the data relative to the spread of y: about Float32's eps (1.2e-7), so that
# a squared loss's floor is 1e-13 of the variance of y (see `loss_floor`).
const ROUNDING_RELATIVE_TO_SPREAD = sqrt(1e-13)

"""Members on the Pareto front: each with clearly lower loss than every simpler one."""
function pareto_front(hall_of_fame::HallOfFame{T}) where {T}
    front = PopMember{T}[]
    for c in eachindex(hall_of_fame.exists)
        hall_of_fame.exists[c] || continue
        member = hall_of_fame.members[c]
        threshold = isempty(front) ? Inf :
            min(front[end].loss * (1 - FRONT_RELATIVE_IMPROVEMENT), front[end].loss - hall_of_fame.loss_floor)
        if member.loss < threshold
            push!(front, member)
        end
    end
    return front
end

function best_loss(hall_of_fame::HallOfFame)
    front = pareto_front(hall_of_fame)  # (`minimum(...; init)` needs Julia 1.6)
    return isempty(front) ? Inf : front[end].loss
end
