@testset "constant optimization fits a*x + b ($algorithm)" for algorithm in ("BFGS", "NelderMead")
    options = P.Options(binary_operators=["+", "*"], optimizer_algorithm=algorithm, optimizer_iterations=30,
                        optimizer_nrestarts=1)
    X = reshape(collect(range(-2, 2; length=50)), 50, 1)
    data = P.Dataset(X, 3.0 .* X[:, 1] .+ 0.5)
    T = Float64
    ops = options.operators
    tree = binary(ops, "+", binary(ops, "*", P.constant_node(T, 1.0), P.variable_node(T, 1)), P.constant_node(T, 0.0))
    workspace = P.Workspace(data)
    member = P.PopMember(tree, P.evaluate_loss!(workspace, tree, data, options), 0, options, 1.0)
    evaluations = P.optimize_constants!(member, data, workspace, options, MersenneTwister(0), 1.0)
    @test evaluations > 0
    @test member.loss < 1e-8
    @test [n.value for n in P.constant_nodes(member.tree)] ≈ [3.0, 0.5] atol = 1e-3
end

@testset "BFGS lands on exact constants, zero included" begin
    # A forward-difference gradient would stop at c = -h/2 (about -5e-8) in x0 * (x0 - c).
    options = P.Options(binary_operators=["-", "*"], optimizer_iterations=8, optimizer_nrestarts=0)
    X = reshape(collect(range(-3, 3; length=100)), 100, 1)
    data = P.Dataset(X, X[:, 1] .^ 2)
    ops, T = options.operators, Float64
    x0 = () -> P.variable_node(T, 1)
    tree = binary(ops, "*", x0(), binary(ops, "-", x0(), P.constant_node(T, 0.3)))
    workspace = P.Workspace(data)
    member = P.PopMember(tree, P.evaluate_loss!(workspace, tree, data, options), 0, options, 1.0)
    P.optimize_constants!(member, data, workspace, options, MersenneTwister(0), 1.0)
    @test abs(P.constant_nodes(member.tree)[1].value) < 1e-10
    @test member.loss < 1e-20
end
