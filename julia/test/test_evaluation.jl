# x0 * x0 + cos(x1) over the operators + - * / and cos.
function example_tree(::Type{T}) where {T}
    ops = P.OperatorSet(["+", "-", "*", "/"], ["cos"])
    x0, x1 = P.variable_node(T, 1), P.variable_node(T, 2)
    return binary(ops, "+", binary(ops, "*", x0, P.copy_tree(x0)), unary(ops, "cos", x1))
end

@testset "evaluation matches plain Julia ($T)" for T in (Float64, Float32)
    ops = P.OperatorSet(["+", "-", "*", "/"], ["cos"])
    X = randn(MersenneTwister(1), 500, 2)
    data = P.Dataset(X, zeros(500); precision=T == Float32 ? 32 : 64)
    workspace = P.Workspace(data)
    values = P.evaluate!(workspace, example_tree(T), data, ops)
    expected = T.(X[:, 1]) .^ 2 .+ cos.(T.(X[:, 2]))
    @test eltype(values) == T
    @test values[1:500] ≈ expected rtol = 10 * eps(T)
    @test P.equation_string(example_tree(T), ops, ["x0", "x1"]) == "((x0 * x0) + cos(x1))"
end

@testset "constants on either side of a binary operator, and constant subtrees" begin
    ops = P.OperatorSet(["-", "/"], ["exp"])
    T = Float64
    data = P.Dataset(reshape([1.0, 2.0, 4.0], 3, 1), zeros(3))
    workspace = P.Workspace(data)
    x = P.variable_node(T, 1)
    two_minus_x = binary(ops, "-", P.constant_node(T, 2.0), x)
    @test P.evaluate!(workspace, two_minus_x, data, ops)[1:3] == [1.0, 0.0, -2.0]
    x_over_two = binary(ops, "/", P.copy_tree(x), P.constant_node(T, 2.0))
    @test P.evaluate!(workspace, x_over_two, data, ops)[1:3] == [0.5, 1.0, 2.0]
    exp_zero = unary(ops, "exp", P.constant_node(T, 0.0))
    @test P.evaluate!(workspace, exp_zero, data, ops)[1:3] == [1.0, 1.0, 1.0]
end

@testset "loss: weighted MSE, Inf for invalid predictions, no allocation" begin
    options = P.Options(binary_operators=["+", "-", "*", "/"], unary_operators=["cos"])
    ops = options.operators
    X = randn(MersenneTwister(2), 100, 2)
    y = X[:, 1] .^ 2 .+ cos.(X[:, 2])
    workspace = P.Workspace(P.Dataset(X, y))
    @test P.evaluate_loss!(workspace, example_tree(Float64), P.Dataset(X, y), options) < 1e-28
    shifted = P.Dataset(X, y .+ 1; weights=[i <= 50 ? 1.0 : 3.0 for i in 1:100])
    @test P.evaluate_loss!(workspace, example_tree(Float64), shifted, options) ≈ 1.0
    divide_by_zero = binary(ops, "/", P.variable_node(Float64, 1), P.constant_node(Float64, 0.0))
    @test P.evaluate_loss!(workspace, divide_by_zero, P.Dataset(X, y), options) == Inf
    data = P.Dataset(X, y)
    tree = example_tree(Float64)
    P.evaluate_loss!(workspace, tree, data, options)
    allocations(w, t, d, o) = @allocated P.evaluate_loss!(w, t, d, o)
    allocations(workspace, tree, data, options)
    @test allocations(workspace, tree, data, options) == 0
end

@testset "large data is evaluated chunk by chunk with the same loss" begin
    options = P.Options(binary_operators=["+", "-", "*", "/"], unary_operators=["cos"])
    X = randn(MersenneTwister(3), 10_000, 2)
    y = X[:, 1] .* 2 .+ 1
    data = P.Dataset(X, y; weights=rand(MersenneTwister(4), 10_000))
    @test length(data.chunks) == cld(10_000, P.CHUNK_ROWS) && sum(c -> c.n_rows, data.chunks) == 10_000
    workspace = P.Workspace(data)
    @test workspace.n_rows == P.CHUNK_ROWS
    tree = example_tree(Float64)
    predicted = X[:, 1] .^ 2 .+ cos.(X[:, 2])
    expected = sum(data.weights .* (predicted .- y) .^ 2) / sum(data.weights)
    @test P.evaluate_loss!(workspace, tree, data, options) ≈ expected rtol = 1e-12
end

@testset "mini-batches are rows of the data" begin
    X = reshape(collect(1.0:100.0), 100, 1)
    data = P.Dataset(X, 2 .* X[:, 1])
    workspace = P.Workspace(data, 10)
    batch = P.draw_batch!(workspace.batch, data, MersenneTwister(5))
    @test batch.n_rows == 10 && all(batch.y .== 2 .* batch.columns[1])
    @test all(in(X[:, 1]), batch.columns[1])
end
