# The loss of an equation: (weighted) mean squared error, accumulated in Float64.

"""
    mean_squared_error(prediction, data) -> Float64

Weighted when the dataset has weights; `Inf` when the prediction has NaN or Inf anywhere, so
that invalid equations lose every comparison.
"""
function mean_squared_error(prediction::Vector{T}, data::Dataset{T})::Float64 where {T}
    n = data.n_rows
    y = data.y
    total = 0.0
    if data.has_weights
        w = data.weights
        @inbounds @simd for i in 1:n
            residual = Float64(prediction[i]) - Float64(y[i])
            total += Float64(w[i]) * residual * residual
        end
        total /= data.weight_sum
    else
        @inbounds @simd for i in 1:n
            residual = Float64(prediction[i]) - Float64(y[i])
            total += residual * residual
        end
        total /= n
    end
    return isfinite(total) ? total : Inf
end

"""Loss of `tree` on `data`: evaluate, then compare with the target."""
function evaluate_loss!(workspace::Workspace{T}, tree::Node{T}, data::Dataset{T}, operators::OperatorSet)::Float64 where {T}
    return mean_squared_error(evaluate!(workspace, tree, data, operators), data)
end
