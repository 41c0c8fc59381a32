# The loss of an equation: an elementwise loss averaged over the rows (weighted when the data
# has weights), or the user's own objective over the whole tree. Accumulated in Float64.
#
# Built-in elementwise losses are one type (`ElementwiseLoss`, a kind and a parameter) so that
# every built-in loss runs in the same compiled engine; the kind is dispatched once per
# evaluation (`with_loss_kernel`), never per row.

const BUILTIN_LOSS_NAMES = ("L2DistLoss", "L1DistLoss", "HuberLoss", "LogCoshLoss", "LPDistLoss",
                            "L1EpsilonInsLoss", "QuantileLoss")
# Which built-in losses take a parameter, and its meaning (PySR / LossFunctions.jl spelling).
const LOSS_PARAMETERS = Dict("HuberLoss" => "δ > 0", "LPDistLoss" => "p > 0",
                             "L1EpsilonInsLoss" => "ε >= 0", "QuantileLoss" => "τ in (0, 1)")

"""
    ElementwiseLoss(name, parameter=NaN)

A built-in loss of (prediction, target), as LossFunctions.jl defines it: `L2DistLoss()` is
(p - t)^2, `L1DistLoss()` |p - t|, `HuberLoss(δ)`, `LogCoshLoss()`, `LPDistLoss(p)` |p - t|^p,
`L1EpsilonInsLoss(ε)` max(0, |p - t| - ε), `QuantileLoss(τ)` (the pinball loss).

```julia
loss = parse_elementwise_loss("HuberLoss(1.5)")
```
"""
struct ElementwiseLoss
    kind::Int            # index into BUILTIN_LOSS_NAMES
    parameter::Float64   # δ, p, ε or τ (NaN for losses without one)
end

function ElementwiseLoss(name::AbstractString, parameter::Real=NaN)
    kind = findfirst(==(name), BUILTIN_LOSS_NAMES)
    kind === nothing && throw(ArgumentError(
        "unknown elementwise_loss $name; built-in losses: $(join(BUILTIN_LOSS_NAMES, ", ")) (or give Julia source of f(prediction, target))"))
    requirement = get(LOSS_PARAMETERS, name, "")
    if isempty(requirement)
        isnan(parameter) || throw(ArgumentError("elementwise_loss $name() takes no parameter"))
    else
        valid = name == "QuantileLoss" ? 0 < parameter < 1 :
                name == "L1EpsilonInsLoss" ? parameter >= 0 : parameter > 0
        valid && isfinite(parameter) || throw(ArgumentError(
            "elementwise_loss $name needs a parameter $requirement, e.g. $name(1.0); got $parameter"))
    end
    return ElementwiseLoss(kind, Float64(parameter))
end

loss_name(loss::ElementwiseLoss) = BUILTIN_LOSS_NAMES[loss.kind]
Base.show(io::IO, loss::ElementwiseLoss) =
    print(io, loss_name(loss), "(", isnan(loss.parameter) ? "" : string(loss.parameter), ")")

"""
    parse_elementwise_loss(text) -> ElementwiseLoss

PySR's spelling of a built-in loss: `"L1DistLoss()"`, `"HuberLoss(1.0)"` (the parentheses may
be left out when there is no parameter).
"""
function parse_elementwise_loss(text::AbstractString)
    m = match(r"^\s*([A-Za-z0-9]+)\s*(?:\(\s*([^()]*?)\s*\))?\s*$", text)
    m === nothing && throw(ArgumentError("elementwise_loss \"$text\" is not a built-in loss such as \"L1DistLoss()\" or \"HuberLoss(1.0)\""))
    parameter_text = something(m.captures[2], "")
    parameter = isempty(parameter_text) ? NaN : tryparse(Float64, parameter_text)
    parameter === nothing && throw(ArgumentError("elementwise_loss \"$text\": the parameter must be a number"))
    return ElementwiseLoss(m.captures[1], parameter)
end

const L2_LOSS = ElementwiseLoss(1, NaN)

# One function per kind, so each kernel below compiles to a tight loop.
l2_distance(r, _) = r * r
l1_distance(r, _) = abs(r)
function huber(r, delta)
    a = abs(r)
    return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta)
end
# log(cosh(r)) without overflow for large |r|: |r| + log1p(exp(-2|r|)) - log(2).
log_cosh(r, _) = (a = abs(r); a + log1p(exp(-2a)) - 0.6931471805599453)
lp_distance(r, p) = abs(r)^p
epsilon_insensitive(r, epsilon) = max(0.0, abs(r) - epsilon)
# LossFunctions.jl's QuantileLoss takes the residual as prediction - target.
quantile_loss(r, tau) = r >= 0 ? (1 - tau) * r : -tau * r

const LOSS_KERNELS = (l2_distance, l1_distance, huber, log_cosh, lp_distance, epsilon_insensitive, quantile_loss)

"""
    UserElementwiseLoss(f)

The user's elementwise loss: `f(prediction, target)` or `f(prediction, target, weight)` (then
weights are the function's own business, as in PySR).
"""
struct UserElementwiseLoss{F}
    f::F
    takes_weight::Bool
end

"""
    UserObjective(f)

PySR's `loss_function`: `f(tree, dataset, options)` returns the loss of a whole equation.
`eval_tree_array(tree, dataset, options)` gives its predictions (and whether they are finite).
"""
struct UserObjective{F}
    f::F
end

"""Sum of (weighted) elementwise losses over the rows of `data` (NaN/Inf pass through)."""
function loss_sum(loss::ElementwiseLoss, prediction::Vector{T}, data::Dataset{T})::Float64 where {T}
    return call_operator(elementwise_sum, LOSS_KERNELS, loss.kind, prediction, data, loss.parameter)
end

function elementwise_sum(kernel::F, prediction::Vector{T}, data::Dataset{T}, parameter::Float64)::Float64 where {F,T}
    n, y = data.n_rows, data.y
    total = 0.0
    if data.has_weights
        w = data.weights
        @inbounds @simd for i in 1:n
            total += Float64(w[i]) * kernel(Float64(prediction[i]) - Float64(y[i]), parameter)
        end
    else
        @inbounds @simd for i in 1:n
            total += kernel(Float64(prediction[i]) - Float64(y[i]), parameter)
        end
    end
    return total
end

# A user's loss may throw (a domain error) or return something that is not a non-negative
# number: the candidate then gets an infinite loss and is discarded, the search goes on.
function loss_sum(loss::UserElementwiseLoss, prediction::Vector{T}, data::Dataset{T})::Float64 where {T}
    n, y, f = data.n_rows, data.y, loss.f
    total = 0.0
    try
        for i in 1:n
            value = loss.takes_weight ? f(prediction[i], y[i], row_weight(data, i)) : f(prediction[i], y[i])
            value isa Real && value >= 0 || return Inf   # losses are non-negative (see docs/custom.md)
            total += loss.takes_weight ? Float64(value) : row_weight(data, i) * Float64(value)
        end
    catch
        return Inf
    end
    return total
end

loss_denominator(data::Dataset) = data.has_weights ? data.weight_sum : Float64(data.n_rows)

finite_or_inf(loss::Float64) = isfinite(loss) ? loss : Inf

"""
    evaluate_loss!(workspace, tree, data, options) -> Float64

Loss of `tree` on `data` with the search's loss: evaluate (chunk by chunk for large data), then
compare with the target. `Inf` when the prediction or the loss is not finite anywhere, so that
invalid equations lose every comparison. With units, a dimensionally inconsistent tree gets
`dimensional_constraint_penalty` added (soft mode, as PySR), or `Inf` without being evaluated
(hard mode: no population, optimizer or hall of fame keeps an infinite loss).
"""
function evaluate_loss!(workspace::Workspace{T}, tree::Node{T}, data::Dataset{T}, options::Options) where {T}
    options.dimensions.active || return tree_loss(options.loss, workspace, tree, data, options)
    consistent = dimensionally_consistent(tree, options)
    !consistent && options.dimensions.hard && return Inf
    loss = tree_loss(options.loss, workspace, tree, data, options)
    return consistent ? loss : loss + dimensional_penalty(options.loss, options.dimensions)
end

# PySR adds the penalty inside its elementwise loss only: a loss_function computes the whole
# objective, and can call `dimensionally_consistent(tree, options)` itself.
dimensional_penalty(loss, dimensions::DimensionalAnalysis) = dimensions.penalty
dimensional_penalty(::UserObjective, ::DimensionalAnalysis) = 0.0

function tree_loss(loss, workspace::Workspace{T}, tree::Node{T}, data::Dataset{T}, options::Options) where {T}
    operators = options.operators
    if isempty(data.chunks)
        return finite_or_inf(loss_sum(loss, evaluate!(workspace, tree, data, operators), data) / loss_denominator(data))
    end
    total = 0.0
    for chunk in data.chunks
        total += loss_sum(loss, evaluate!(workspace, tree, chunk, operators), chunk)
        isfinite(total) || return Inf  # no need to look at the other chunks
    end
    return finite_or_inf(total / loss_denominator(data))
end

function tree_loss(objective::UserObjective, workspace::Workspace{T}, tree::Node{T}, data::Dataset{T},
                   options::Options) where {T}
    value = try
        objective.f(tree, data, options)
    catch error
        error isa InterruptException && rethrow()
        return Inf
    end
    # Losses are non-negative: the front's scores are ratios of losses (see docs/custom.md).
    return value isa Real && value >= 0 ? finite_or_inf(Float64(value)) : Inf
end

"""
    eval_tree_array(tree, dataset, options) -> (predictions, complete)

The equation's value on every row of `dataset` (a new vector) and whether all of them are
finite: what a `loss_function` uses, as in SymbolicRegression.jl.

```julia
function my_loss(tree, dataset, options)
    prediction, complete = eval_tree_array(tree, dataset, options)
    complete || return Inf
    return sum(abs.(prediction .- dataset.y)) / dataset.n_rows
end
```
"""
function eval_tree_array(tree::Node{T}, data::Dataset{T}, options) where {T}
    # Buffers of the full length: the whole dataset in one pass, whatever its chunks.
    workspace = Workspace{T}(Vector{T}[], data.n_rows, batch_dataset(data, 0), Node{T}[])
    prediction = evaluate!(workspace, tree, data, options.operators)[1:data.n_rows]  # a copy
    return prediction, all(isfinite, prediction)
end

"""
    baseline_loss(data, options, workspace) -> Float64

The loss of the constant model `mean(y)` under the search's loss: the scale that makes
parsimony and the front's rounding floor independent of the units of y (and of the loss).
"""
function baseline_loss(data::Dataset{T}, options::Options, workspace::Workspace{T}) where {T}
    # The data's scale, whatever the units: a dimensionless constant would be penalised.
    loss = tree_loss(options.loss, workspace, constant_node(T, weighted_mean(data)), data, options)
    return isfinite(loss) ? max(loss, 1e-12) : 1.0
end

"""
    loss_floor(data, options, normalization) -> Float64

Losses closer than this are rounding noise: the loss of predictions off by a rounding-sized
`ROUNDING_RELATIVE_TO_SPREAD` of the spread of y, under the search's own loss (for the squared
error, 1e-13 of the variance of y; for the absolute error, 3e-7 of its standard deviation), so
that the front's tie rule never assumes a squared scale. A `loss_function` gets 1e-13 of the
loss of the constant model.
"""
function loss_floor(data::Dataset{T}, options::Options, normalization::Float64) where {T}
    options.loss isa UserObjective && return 1e-13 * normalization
    mean = weighted_mean(data)
    spread = sqrt(sum(row_weight(data, i) * (data.y[i] - mean)^2 for i in 1:data.n_rows) / data.weight_sum)
    offset = T(ROUNDING_RELATIVE_TO_SPREAD * spread)
    floor = loss_sum(options.loss, data.y .+ offset, data) / loss_denominator(data)
    return isfinite(floor) && floor >= 0 ? floor : 1e-13 * normalization
end
