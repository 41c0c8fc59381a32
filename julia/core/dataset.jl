# The data of one search, one contiguous column per feature.

"""
    Dataset{T}

Features as columns (`columns[j][i]` is row `i` of feature `j`), the target `y` and the
weights. Without weights (`has_weights == false`, all ones) `weights` is empty: a column of ones
would cost memory for nothing on big data; read weights through `row_weight`. `storage` keeps
memory-mapped arrays alive while columns alias them. A large dataset is also cut into
`chunks`: datasets over consecutive rows that alias its memory, so a full-data loss is computed
chunk by chunk with small buffers that stay in cache. Mutable only so that a mini-batch can be
refilled in place.
"""
mutable struct Dataset{T<:AbstractFloat}
    columns::Vector{Vector{T}}
    y::Vector{T}
    weights::Vector{T}
    has_weights::Bool
    weight_sum::Float64
    n_rows::Int
    n_features::Int
    variable_names::Vector{String}
    storage::Vector{Any}
    chunks::Vector{Dataset{T}}
end

"""Rows per chunk: a tree is evaluated over 1024 rows at a time, so its buffers (8 KiB each in
Float64) and the columns' rows stay in the L1 and L2 caches; with 4096 rows, a 10,000-row search ran
30 % slower on one thread and scaled worse on two (measured on the throughput benchmark's data)."""
const CHUNK_ROWS = 1024

# The weight sum of `n_rows` rows: their count without weights. (`sum(f, x; init)` needs Julia 1.6.)
total_weight(weights::AbstractVector, has_weights::Bool, n_rows::Int) =
    has_weights ? foldl((total, w) -> total + Float64(w), weights; init=0.0) : Float64(n_rows)

"""Weight of row `i` (1 without weights)."""
@inline row_weight(data::Dataset, i::Int) = data.has_weights ? Float64(@inbounds data.weights[i]) : 1.0

# A vector aliasing `count` entries of `vector` from `first`; the parent must outlive it.
row_view(vector::Vector{T}, first::Int, count::Int) where {T} = unsafe_wrap(Array, pointer(vector, first), count)

"""
    assemble_dataset(columns, y, weights, has_weights, variable_names, storage) -> Dataset

The one constructor of datasets: fills in the weight sum and the chunks.
"""
function assemble_dataset(columns::Vector{Vector{T}}, y::Vector{T}, weights::Vector{T}, has_weights::Bool,
                          variable_names::Vector{String}, storage::Vector{Any}=Any[]) where {T}
    n_rows = length(y)
    has_weights || (weights = T[])
    data = Dataset{T}(columns, y, weights, has_weights, total_weight(weights, has_weights, n_rows), n_rows,
                      length(columns), variable_names, storage, Dataset{T}[])
    if n_rows > CHUNK_ROWS
        for first in 1:CHUNK_ROWS:n_rows
            count = min(CHUNK_ROWS, n_rows - first + 1)
            chunk_weights = has_weights ? row_view(weights, first, count) : T[]
            chunk = Dataset{T}([row_view(c, first, count) for c in columns], row_view(y, first, count),
                               chunk_weights, has_weights, total_weight(chunk_weights, has_weights, count), count,
                               length(columns), variable_names, Any[], Dataset{T}[])
            push!(data.chunks, chunk)
        end
    end
    return data
end

"""An empty dataset with room for `n_rows` rows: the mini-batch that `draw_batch!` refills."""
function batch_dataset(data::Dataset{T}, n_rows::Int) where {T}
    columns = [Vector{T}(undef, n_rows) for _ in 1:data.n_features]
    weights = data.has_weights ? ones(T, n_rows) : T[]
    return assemble_dataset(columns, zeros(T, n_rows), weights, data.has_weights, data.variable_names)
end

"""Refill `batch` with rows of `data` drawn uniformly at random (with replacement)."""
function draw_batch!(batch::Dataset{T}, data::Dataset{T}, rng::AbstractRNG) where {T}
    for i in 1:batch.n_rows
        row = rand(rng, 1:data.n_rows)
        for j in 1:data.n_features
            @inbounds batch.columns[j][i] = data.columns[j][row]
        end
        @inbounds batch.y[i] = data.y[row]
        if data.has_weights
            @inbounds batch.weights[i] = data.weights[row]
        end
    end
    batch.weight_sum = total_weight(batch.weights, batch.has_weights, batch.n_rows)
    return batch
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
    w = weights === nothing ? T[] : Vector{T}(weights)
    weights === nothing || length(w) == n_rows || throw(DimensionMismatch("weights has $(length(w)) values for $n_rows rows"))
    names = variable_names === nothing ? default_variable_names(n_features) : String.(collect(variable_names))
    length(names) == n_features || throw(ArgumentError("$(length(names)) variable names for $n_features features"))
    data = assemble_dataset(columns, Vector{T}(y), w, weights !== nothing, names)
    validate_dataset(data)
    return data
end

function validate_dataset(data::Dataset)
    data.n_rows >= 1 || throw(ArgumentError("the dataset has no rows"))
    for (j, column) in enumerate(data.columns)
        all(isfinite, column) || throw(ArgumentError("feature $(data.variable_names[j]) has NaN or Inf values"))
    end
    all(isfinite, data.y) || throw(ArgumentError("y has NaN or Inf values"))
    if data.has_weights
        all(w -> isfinite(w) && w >= 0, data.weights) || throw(ArgumentError("weights must be finite and non-negative"))
        sum(data.weights) > 0 || throw(ArgumentError("weights must not all be zero"))
    end
    return data
end

"""Weighted mean of the target: the best constant model under squared error."""
function weighted_mean(data::Dataset)
    return sum(row_weight(data, i) * data.y[i] for i in 1:data.n_rows) / data.weight_sum
end

"""An option given per feature (`n` values; none given is `n == 0`) must have one per feature."""
function check_one_per_feature(option::Symbol, n::Int, what::AbstractString, n_features::Int)
    n == 0 || n == n_features || throw(ArgumentError(
        "option $option has $n $what but the data has $n_features features; give one per feature"))
    return nothing
end
