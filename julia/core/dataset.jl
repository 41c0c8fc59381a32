# The data of one search, one contiguous column per feature.

"""
    Dataset{T}

Features as columns (`columns[j][i]` is row `i` of feature `j`), the target `y` and the
weights (`has_weights == false` means all ones). `storage` keeps memory-mapped arrays alive
while columns alias them.
"""
struct Dataset{T<:AbstractFloat}
    columns::Vector{Vector{T}}
    y::Vector{T}
    weights::Vector{T}
    has_weights::Bool
    weight_sum::Float64
    n_rows::Int
    n_features::Int
    variable_names::Vector{String}
    storage::Vector{Any}
end

default_variable_names(n_features::Integer) = ["x$(j - 1)" for j in 1:n_features]

"""
    Dataset(X, y; weights=nothing, variable_names=nothing, precision=64)

Build a dataset from a matrix with one row per sample (as in Python) and a target vector.

```julia
data = Dataset(randn(100, 2), randn(100))
```
"""
function Dataset(X::AbstractMatrix, y::AbstractVector; weights=nothing, variable_names=nothing,
                 precision::Integer=64)
    T = precision == 32 ? Float32 : Float64
    n_rows, n_features = size(X)
    length(y) == n_rows || throw(DimensionMismatch("X has $n_rows rows but y has $(length(y)) values"))
    columns = [Vector{T}(X[:, j]) for j in 1:n_features]
    w = weights === nothing ? ones(T, n_rows) : Vector{T}(weights)
    length(w) == n_rows || throw(DimensionMismatch("weights has $(length(w)) values for $n_rows rows"))
    names = variable_names === nothing ? default_variable_names(n_features) : String.(collect(variable_names))
    length(names) == n_features || throw(ArgumentError("$(length(names)) variable names for $n_features features"))
    data = Dataset{T}(columns, Vector{T}(y), w, weights !== nothing, sum(Float64, w), n_rows, n_features, names, Any[])
    validate_dataset(data)
    return data
end

function validate_dataset(data::Dataset)
    data.n_rows >= 1 || throw(ArgumentError("the dataset has no rows"))
    for (j, column) in enumerate(data.columns)
        all(isfinite, column) || throw(ArgumentError("feature $(data.variable_names[j]) has NaN or Inf values"))
    end
    all(isfinite, data.y) || throw(ArgumentError("y has NaN or Inf values"))
    all(w -> isfinite(w) && w >= 0, data.weights) || throw(ArgumentError("weights must be finite and non-negative"))
    sum(data.weights) > 0 || throw(ArgumentError("weights must not all be zero"))
    return data
end

"""Weighted mean of the target: the best constant model, whose loss normalises parsimony."""
function weighted_mean(data::Dataset)
    return sum(Float64(data.weights[i]) * data.y[i] for i in 1:data.n_rows) / data.weight_sum
end

function baseline_loss(data::Dataset)
    mean = weighted_mean(data)
    return sum(Float64(data.weights[i]) * (data.y[i] - mean)^2 for i in 1:data.n_rows) / data.weight_sum
end
