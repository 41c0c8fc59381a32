# Snapping fitted constants to the round values they stand for: 1.0000000002 -> 1, 9e-13 -> 0.
# Fitting leaves such constants wherever the truth has a round number (or no term at all). Once
# snapped, simplification removes `1.0 * x` and `x + 0.0`, so the exact equation shows at its own,
# lower complexity instead of as a longer twin with a spurious constant.

"""Only constants this close to an integer (relative to their size) are worth trying."""
const SNAP_DISTANCE = 1e-3

"""
    snap_constants!(member, data, workspace, options, normalization, loss_floor) -> evaluations

Replace each constant close to an integer by that integer when the loss rises by at most the
front's tie tolerances (`FRONT_RELATIVE_IMPROVEMENT` relative, plus `loss_floor`); then simplify.
Returns the number of loss evaluations spent.
"""
function snap_constants!(member::PopMember{T}, data::Dataset{T}, workspace::Workspace{T}, options::Options,
                         normalization::Float64, loss_floor::Float64) where {T}
    original_loss = member.loss
    isfinite(original_loss) || return 0
    tolerated_loss = original_loss * (1 + FRONT_RELATIVE_IMPROVEMENT) + loss_floor
    evaluations, snapped, loss = 0, false, original_loss
    for node in constant_nodes(member.tree)
        value = node.value
        target = round(value)
        isfinite(value) && target != value && abs(target - value) <= SNAP_DISTANCE * max(one(T), abs(value)) || continue
        node.value = target
        trial_loss = evaluate_loss!(workspace, member.tree, data, options)
        evaluations += 1
        if trial_loss <= tolerated_loss
            snapped, loss = true, trial_loss
        else
            node.value = value
        end
    end
    snapped || return evaluations
    member.tree = simplify_within_constraints(member.tree, options, options.maxsize)
    set_loss!(member, evaluate_loss!(workspace, member.tree, data, options), options, normalization)
    return evaluations + 1
end
