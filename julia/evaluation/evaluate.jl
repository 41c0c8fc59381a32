# Evaluating a tree over all rows, one operator at a time over whole columns.
#
# Why columns: dispatching on the operator once per node (not once per row) leaves inner loops
# that are a single specialised function applied over contiguous memory, which the compiler
# vectorises. Buffers come from a Workspace and are reused, so evaluation allocates nothing
# after warm-up.

"""
    Workspace(data, batch_rows=0)

Reusable column buffers for evaluating trees over `data` (or its chunks), the mini-batch of
`batch_rows` rows when batching, and the spare nodes that the evolution running on this thread
recycles. One workspace is used by one task at a time.
"""
mutable struct Workspace{T<:AbstractFloat}
    buffers::Vector{Vector{T}}
    n_rows::Int
    batch::Dataset{T}
    spare_nodes::SpareNodes{T}
end

function Workspace(data::Dataset{T}, batch_rows::Int=0) where {T}
    rows = isempty(data.chunks) ? data.n_rows : CHUNK_ROWS
    return Workspace{T}(Vector{T}[], max(rows, batch_rows), batch_dataset(data, batch_rows), Node{T}[])
end

@inline function buffer!(workspace::Workspace{T}, slot::Int) where {T}
    while length(workspace.buffers) < slot
        push!(workspace.buffers, Vector{T}(undef, workspace.n_rows))
    end
    return @inbounds workspace.buffers[slot]
end

# --- kernels: one specialised loop per operator function -----------------------------------
#
# `ivdep`: a kernel usually writes over one of its inputs (a node's result goes into the buffer
# its child was evaluated in). Row i reads and writes only row i, so that is safe, but without
# the promise the compiler checks for overlap at run time and runs overlapping columns, i.e.
# nearly every node of a real tree, one row at a time (3-4x slower for sin, exp, ...).

function map_unary!(op::F, out::Vector{T}, input::Vector{T}, n::Int) where {F,T}
    @inbounds @simd ivdep for i in 1:n
        out[i] = op(input[i])
    end
    return out
end

function map_binary!(op::F, out::Vector{T}, left::Vector{T}, right::Vector{T}, n::Int) where {F,T}
    @inbounds @simd ivdep for i in 1:n
        out[i] = op(left[i], right[i])
    end
    return out
end

function map_binary_constant_left!(op::F, out::Vector{T}, left::T, right::Vector{T}, n::Int) where {F,T}
    @inbounds @simd ivdep for i in 1:n
        out[i] = op(left, right[i])
    end
    return out
end

function map_binary_constant_right!(op::F, out::Vector{T}, left::Vector{T}, right::T, n::Int) where {F,T}
    @inbounds @simd ivdep for i in 1:n
        out[i] = op(left[i], right)
    end
    return out
end

function fill_rows!(out::Vector{T}, value::T, n::Int) where {T}
    @inbounds @simd ivdep for i in 1:n
        out[i] = value
    end
    return out
end

apply_scalar(op::F, args...) where {F} = op(args...)

# User operators may throw (a domain error, a method they lack): the whole column is then NaN,
# which rejects the equation. The fast loop has no per-row exception handling.
apply_scalar(op::UserOperator, x::T) where {T} = call_user_operator(T, op, x)
apply_scalar(op::UserOperator, x::T, y::T) where {T} = call_user_operator(T, op, x, y)

function user_map!(compute::F, out::Vector{T}, n::Int) where {F,T}
    try
        @inbounds for i in 1:n
            out[i] = T(compute(i))
        end
    catch error
        error isa InterruptException && rethrow()
        fill_rows!(out, T(NaN), n)
    end
    return out
end

map_unary!(op::UserOperator, out::Vector{T}, input::Vector{T}, n::Int) where {T} =
    user_map!(i -> op.f(@inbounds input[i]), out, n)
map_binary!(op::UserOperator, out::Vector{T}, left::Vector{T}, right::Vector{T}, n::Int) where {T} =
    user_map!(i -> op.f(@inbounds(left[i]), @inbounds(right[i])), out, n)
map_binary_constant_left!(op::UserOperator, out::Vector{T}, left::T, right::Vector{T}, n::Int) where {T} =
    user_map!(i -> op.f(left, @inbounds right[i]), out, n)
map_binary_constant_right!(op::UserOperator, out::Vector{T}, left::Vector{T}, right::T, n::Int) where {T} =
    user_map!(i -> op.f(@inbounds(left[i]), right), out, n)

"""
    call_operator(kernel, operators, index, args...)

`kernel(operators[index], args...)`, compiled as a chain of comparisons against constant
indices so that every branch calls a concrete function: no dynamic dispatch in the hot path.
One method per argument count, each specialised on every argument's type: a `Vararg{Any}`
method is not, and code inferred for the package's cache file (the precompile workload) then
boxes the arguments of every call.
"""
function call_operator end

function operator_chain(operators::Type{<:Tuple}, arguments::Vector{Symbol})
    body = :(throw(ArgumentError("operator index $index out of range")))
    for k in length(operators.parameters):-1:1
        body = :(index == $k ? kernel(operators[$k], $(arguments...)) : $body)
    end
    return body
end

@generated call_operator(kernel::K, operators::O, index::Int, a::A) where {K,O<:Tuple,A} =
    operator_chain(O, [:a])
@generated call_operator(kernel::K, operators::O, index::Int, a::A, b::B) where {K,O<:Tuple,A,B} =
    operator_chain(O, [:a, :b])
@generated call_operator(kernel::K, operators::O, index::Int, a::A, b::B, c::C) where {K,O<:Tuple,A,B,C} =
    operator_chain(O, [:a, :b, :c])
@generated call_operator(kernel::K, operators::O, index::Int, a::A, b::B, c::C, d::D) where {K,O<:Tuple,A,B,C,D} =
    operator_chain(O, [:a, :b, :c, :d])

# --- the tree walk ---------------------------------------------------------------------------

"""
    evaluate!(workspace, tree, data, operators) -> Vector

Values of `tree` on the first `data.n_rows` entries of the returned vector, which is either a
workspace buffer or a data column: read it, never write it.
"""
function evaluate!(workspace::Workspace{T}, tree::Node{T}, data::Dataset{T}, operators::OperatorSet) where {T}
    return evaluate_node!(workspace, tree, data, operators, 1)
end

# Evaluating a node may use buffers `slot` and above; its result is in buffer `slot` (or a data
# column). A binary node evaluates its left child in its own slot and the right one in the next.
function evaluate_node!(workspace::Workspace{T}, node::Node{T}, data::Dataset{T},
                        operators::OperatorSet, slot::Int)::Vector{T} where {T}
    n = data.n_rows
    if node.degree == 0
        node.is_constant || return @inbounds data.columns[node.feature]
        return fill_rows!(buffer!(workspace, slot), node.value, n)
    elseif node.degree == 1
        out = buffer!(workspace, slot)
        child = node.left
        if is_constant_leaf(child)
            return fill_rows!(out, call_operator(apply_scalar, operators.unary, node.operator, child.value), n)
        end
        input = evaluate_node!(workspace, child, data, operators, slot)
        return call_operator(map_unary!, operators.unary, node.operator, out, input, n)
    else
        out = buffer!(workspace, slot)
        left, right = node.left, node.right
        if is_constant_leaf(left) && is_constant_leaf(right)
            value = call_operator(apply_scalar, operators.binary, node.operator, left.value, right.value)
            return fill_rows!(out, value, n)
        elseif is_constant_leaf(left)
            right_values = evaluate_node!(workspace, right, data, operators, slot)
            return call_operator(map_binary_constant_left!, operators.binary, node.operator,
                                 out, left.value, right_values, n)
        elseif is_constant_leaf(right)
            left_values = evaluate_node!(workspace, left, data, operators, slot)
            return call_operator(map_binary_constant_right!, operators.binary, node.operator,
                                 out, left_values, right.value, n)
        end
        left_values = evaluate_node!(workspace, left, data, operators, slot)
        right_values = evaluate_node!(workspace, right, data, operators, slot + 1)
        return call_operator(map_binary!, operators.binary, node.operator, out, left_values, right_values, n)
    end
end
