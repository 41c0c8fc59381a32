# Evaluation speed of the engine's tree evaluator against a hand-fused loop for the same
# 15-node expression (the practical limit), in node-evaluations per second on one core.
# Run by benchmarks/perf.py; prints one `evaluation ...` line per (precision, rows).
using PySRLite
using Random: MersenneTwister
const P = PySRLite

# ((x0 * x1) + cos(x2)) - exp((x0 / (x1 + 2.0)) * x2): 15 nodes.
function example_tree(::Type{T}, ops) where {T}
    x(j) = P.variable_node(T, j)
    b(name, l, r) = P.binary_node(P.binary_index(ops, name), l, r)
    u(name, a) = P.unary_node(P.unary_index(ops, name), a)
    return b("-", b("+", b("*", x(1), x(2)), u("cos", x(3))),
             u("exp", b("*", b("/", x(1), b("+", x(2), P.constant_node(T, 2.0))), x(3))))
end

# The same expression with the same (domain-safe) operator functions, fused into one loop.
function fused!(out::Vector{T}, x0::Vector{T}, x1::Vector{T}, x2::Vector{T}) where {T}
    two = T(2)
    @inbounds @simd for i in eachindex(out)
        out[i] = ((x0[i] * x1[i]) + P.safe_cos(x2[i])) - exp((x0[i] / (x1[i] + two)) * x2[i])
    end
    return out
end

function best_time(f, repetitions::Int)
    f()
    best = Inf
    for _ in 1:5
        best = min(best, @elapsed(for _ in 1:repetitions; f(); end) / repetitions)
    end
    return best
end

function measure(::Type{T}, n_rows::Int) where {T}
    ops = P.OperatorSet(["+", "-", "*", "/"], ["cos", "exp"])
    X = randn(MersenneTwister(0), n_rows, 3)
    data = P.Dataset(X, zeros(n_rows); precision=T == Float32 ? 32 : 64)
    tree = example_tree(T, ops)
    nodes = P.node_count(tree)
    workspace = P.Workspace(data)
    out = zeros(T, n_rows)
    x0, x1, x2 = data.columns
    evaluate_all() = isempty(data.chunks) ? P.evaluate!(workspace, tree, data, ops) :
                     foreach(chunk -> P.evaluate!(workspace, tree, chunk, ops), data.chunks)
    repetitions = max(1, 2_000_000 ÷ n_rows)
    engine = best_time(evaluate_all, repetitions)
    hand = best_time(() -> fused!(out, x0, x1, x2), repetitions)
    engine_rate, hand_rate = nodes * n_rows / engine, nodes * n_rows / hand
    println("evaluation precision=$(8 * sizeof(T)) rows=$n_rows nodes=$nodes engine_node_evals_per_second=",
            round(engine_rate, sigdigits=3), " fused_node_evals_per_second=", round(hand_rate, sigdigits=3),
            " ratio=", round(engine_rate / hand_rate, digits=3))
end

# Check the two agree before timing them.
let ops = P.OperatorSet(["+", "-", "*", "/"], ["cos", "exp"]), X = randn(MersenneTwister(1), 100, 3)
    data = P.Dataset(X, zeros(100))
    values = P.evaluate!(P.Workspace(data), example_tree(Float64, ops), data, ops)[1:100]
    @assert values ≈ fused!(zeros(100), data.columns...)
end

for T in (Float64, Float32), n_rows in (1_000, 10_000, 100_000)
    measure(T, n_rows)
end

# Bytes allocated by one evaluation + loss after warm-up (target: 0, per-thread buffers).
function allocation_per_loss(::Type{T}, n_rows::Int) where {T}
    options = P.Options(binary_operators=["+", "-", "*", "/"], unary_operators=["cos", "exp"])
    X = randn(MersenneTwister(2), n_rows, 3)
    data = P.Dataset(X, X[:, 1]; precision=T == Float32 ? 32 : 64)
    workspace, tree = P.Workspace(data), example_tree(T, options.operators)
    measure(w, t, d, o) = @allocated P.evaluate_loss!(w, t, d, o)
    measure(workspace, tree, data, options)
    return measure(workspace, tree, data, options)
end

for T in (Float64, Float32), n_rows in (1_000, 100_000)
    println("allocation precision=$(8 * sizeof(T)) rows=$n_rows bytes_per_loss_evaluation=", allocation_per_loss(T, n_rows))
end
