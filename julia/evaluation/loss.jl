# The loss of an equation: (weighted) mean squared error, accumulated in Float64.

"""Sum of (weighted) squared residuals over the rows of `data` (NaN/Inf pass through)."""
function squared_error_sum(prediction::Vector{T}, data::Dataset{T})::Float64 where {T}
    n = data.n_rows
    y = data.y
    total = 0.0
    if data.has_weights
        w = data.weights
        @inbounds @simd for i in 1:n
            residual = Float64(prediction[i]) - Float64(y[i])
            total += Float64(w[i]) * residual * residual
        end
    else
        @inbounds @simd for i in 1:n
            residual = Float64(prediction[i]) - Float64(y[i])
            total += residual * residual
        end
    end
    return total
end

loss_denominator(data::Dataset) = data.has_weights ? data.weight_sum : Float64(data.n_rows)

"""
    mean_squared_error(prediction, data) -> Float64

Weighted when the dataset has weights; `Inf` when the prediction has NaN or Inf anywhere, so
that invalid equations lose every comparison.
"""
function mean_squared_error(prediction::Vector{T}, data::Dataset{T})::Float64 where {T}
    loss = squared_error_sum(prediction, data) / loss_denominator(data)
    return isfinite(loss) ? loss : Inf
end

"""Loss of `tree` on `data`: evaluate (chunk by chunk for large data), then compare with the target."""
function evaluate_loss!(workspace::Workspace{T}, tree::Node{T}, data::Dataset{T}, operators::OperatorSet) where {T}
    if isempty(data.chunks)
        return mean_squared_error(evaluate!(workspace, tree, data, operators), data)
    end
    return chunked_loss!(workspace, tree, data, operators)
end

function chunked_loss!(workspace::Workspace{T}, tree::Node{T}, data::Dataset{T}, operators::OperatorSet) where {T}
    total = 0.0
    for chunk in data.chunks
        total += squared_error_sum(evaluate!(workspace, tree, chunk, operators), chunk)
        isfinite(total) || return Inf  # no need to look at the other chunks
    end
    loss = total / loss_denominator(data)
    return isfinite(loss) ? loss : Inf
end
