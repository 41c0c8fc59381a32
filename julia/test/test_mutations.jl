@testset "rotate_tree! regroups without changing operators" begin
    ops = P.OperatorSet(["+", "-", "*", "/"], ["cos"])
    T = Float64
    x, c = (j -> P.variable_node(T, j)), (v -> P.constant_node(T, v))
    names = ["x0", "x1"]
    rotations(make_tree) = Set(P.equation_string(P.rotate_tree!(MersenneTwister(seed), make_tree()), ops, names)
                               for seed in 1:50)
    # (1.5 * x0) + x1: the product is the only pivot; either of its arguments can swap places.
    @test rotations(() -> binary(ops, "+", binary(ops, "*", c(1.5), x(1)), x(2))) ==
          Set(["(1.5 * (x0 + x1))", "((1.5 + x1) * x0)"])
    # A unary root: cos(x0 * x1) -> cos(x0) * x1 or x0 * cos(x1)
    @test rotations(() -> unary(ops, "cos", binary(ops, "*", x(1), x(2)))) ==
          Set(["(cos(x0) * x1)", "(x0 * cos(x1))"])
    # Nothing to rotate: a leaf, or an operator over leaves only.
    @test rotations(() -> x(1)) == Set(["x0"])
    @test rotations(() -> binary(ops, "+", x(1), x(2))) == Set(["(x0 + x1)"])
    # Every node survives: a rotation only rewires.
    tree = binary(ops, "/", unary(ops, "cos", binary(ops, "-", x(1), c(2.0))), binary(ops, "*", x(2), x(1)))
    before = Base.IdSet{Any}(P.collect_nodes(tree))
    rotated = P.rotate_tree!(MersenneTwister(3), tree)
    @test Base.IdSet{Any}(P.collect_nodes(rotated)) == before
end

@testset "choosing a mutation allocates nothing" begin
    # Runs once per offspring; `ntuple(f, n)` for n > 10 would allocate on every call.
    options = P.Options(binary_operators=["+", "*"], unary_operators=["cos"])
    X = randn(MersenneTwister(1), 50, 2)
    data = P.Dataset(X, X[:, 1])
    ops = options.operators
    tree = binary(ops, "+", unary(ops, "cos", P.variable_node(Float64, 1)), P.constant_node(Float64, 2.0))
    member = P.PopMember(tree, 1.0, 0, options, 1.0)
    context = P.EvolutionContext(options, data, 1.0, P.ComplexityFrequencies(options.maxsize), options.maxsize, Inf,
                                 Threads.Atomic{Bool}(false))
    weights_of(m, c) = @allocated P.mutation_weights_for(m, c)
    weights_of(member, context)
    @test weights_of(member, context) == 0
    @test length(P.mutation_weights_for(member, context)) == length(P.MUTATION_KINDS)
end
