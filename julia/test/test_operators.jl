@testset "operators are total: NaN outside the domain, never an exception" begin
    @test isnan(P.safe_log(-1.0)) && P.safe_log(1.0) == 0.0
    @test isnan(P.safe_sqrt(-4.0)) && P.safe_sqrt(4.0) == 2.0
    @test isnan(P.safe_pow(-2.0, 0.5)) && P.safe_pow(-2.0, 2.0) == 4.0
    @test isnan(P.safe_pow(0.0, -1.0))
    @test isnan(P.safe_sin(Inf)) && isnan(P.safe_cos(-Inf)) && isnan(P.safe_tan(Inf))
    @test isnan(P.safe_acosh(0.5)) && isnan(P.safe_atanh(1.0)) && isnan(P.safe_asin(1.5))
    @test P.safe_log(2.0f0) isa Float32
end

@testset "OperatorSet names operators and rejects unknown ones" begin
    ops = P.OperatorSet(["+", "*"], ["cos"])
    @test ops.binary_names[P.binary_index(ops, "*")] == "*"
    @test P.binary_index(ops, "/") == 0                                 # known, but not in this search
    @test typeof(ops) == typeof(P.OperatorSet(["-"], ["exp", "log"]))   # one type: the engine compiles once
    @test_throws ArgumentError P.OperatorSet(["+", "plus_typo"], String[])
    @test_throws ArgumentError P.OperatorSet(["+", "+"], String[])
end

@testset "PySR's comparison, logic, mod and atan2 operators" begin
    ops = P.OperatorSet(["greater", "less", "greater_equal", "less_equal", "cond", "logical_or", "logical_and",
                         "mod", "atan2"], String[])
    f(name) = ops.binary[P.binary_index(ops, name)]
    pairs = [(1.0, 2.0), (2.0, 1.0), (1.5, 1.5), (-1.0, 3.0), (0.0, -2.0), (NaN, 1.0), (1.0, NaN)]
    expected = Dict(   # the value for each pair above, as SymbolicRegression.jl defines the operator
        "greater" => [0, 1, 0, 0, 1, 0, 0], "less" => [1, 0, 0, 1, 0, 0, 0],
        "greater_equal" => [0, 1, 1, 0, 1, 0, 0], "less_equal" => [1, 0, 1, 1, 0, 0, 0],
        "cond" => [2.0, 1.0, 1.5, 0.0, 0.0, 0.0, NaN],            # x > 0 ? y : 0
        "logical_or" => [1, 1, 1, 1, 0, 1, 1], "logical_and" => [1, 1, 1, 0, 0, 0, 0])
    for (name, values) in expected, ((x, y), value) in zip(pairs, values)
        @test isequal((name, x, y, f(name)(x, y)), (name, x, y, Float64(value)))
        @test f(name)(Float32(x), Float32(y)) isa Float32
    end
    @test P.cond(-1.0, Inf) == 0.0 && P.cond(-1.0, NaN) == 0.0         # the condition wins over y
    # mod is floored: the result takes the sign of the divisor, as numpy.mod and sympy.Mod.
    @test P.safe_mod(7.5, 2.0) == 1.5 && P.safe_mod(-7.5, 2.0) == 0.5 && P.safe_mod(7.5, -2.0) == -0.5
    @test isnan(P.safe_mod(1.0, 0.0)) && isnan(P.safe_mod(Inf, 2.0)) && P.safe_mod(-1.0, Inf) == Inf
    @test P.atan2(1.0, 1.0) ≈ pi / 4 && P.atan2(1.0, -1.0) ≈ 3pi / 4 && P.atan2(-1.0, -1.0) ≈ -3pi / 4
    @test P.atan2(0.0, -1.0) == Float64(pi) && P.atan2(0.0, 0.0) == 0.0 && P.atan2(2.0f0, 0.0f0) isa Float32
end

@testset "round, floor and ceil: Julia's, round half to even as numpy.round" begin
    ops = P.OperatorSet(["+"], ["round", "floor", "ceil", "erf", "erfc", "gamma"])
    f(name) = ops.unary[P.unary_index(ops, name)]
    @test f("round").([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6]) == [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 3.0]
    @test f("floor")(-2.5) == -3.0 && f("ceil")(-2.5) == -2.0 && f("floor")(2.0f0) === 2.0f0
    @test all(isnan, [f(name)(NaN) for name in ("round", "floor", "ceil", "erf", "erfc", "gamma")])
    @test f("round")(Inf) == Inf && f("floor")(-Inf) == -Inf
    @test f("gamma")(5.0) == 24.0 && f("erf")(0.0) == 0.0 && f("erfc")(0.0) == 1.0
end

@testset "every operator evaluates over columns as its scalar function, and prints as PySR writes it" begin
    ops = P.OperatorSet(collect(P.BINARY_NAMES), collect(P.UNARY_NAMES))
    for T in (Float64, Float32)
        # Values around the domain edges: poles, 0, +-1, halves for round, overflow (data is finite).
        a = T[-3.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 7.25, 200.0, -40.0, 0.25]
        b = T[2.0, -1.0, -1.0, 3.0, 0.0, 0.5, -2.0, 1.5, 0.0, 2.0, 1.0, 1.0, 2.0]
        data = P.Dataset(hcat(Float64.(a), Float64.(b)), zeros(length(a)); precision=T == Float32 ? 32 : 64)
        workspace = P.Workspace(data)
        x0, x1 = P.variable_node(T, 1), P.variable_node(T, 2)
        for (index, name) in enumerate(P.BINARY_NAMES)
            f = ops.binary[index]
            @test isequal((name, P.evaluate!(workspace, P.binary_node(index, x0, x1), data, ops)[1:length(a)]),
                          (name, f.(a, b)))
            @test isequal((name, P.evaluate!(workspace, P.binary_node(index, P.constant_node(T, 0.5), x1), data, ops)[1:length(a)]),
                          (name, f.(T(0.5), b)))
            @test isequal((name, P.evaluate!(workspace, P.binary_node(index, x0, P.constant_node(T, -1.5)), data, ops)[1:length(a)]),
                          (name, f.(a, T(-1.5))))
        end
        for (index, name) in enumerate(P.UNARY_NAMES)
            f = ops.unary[index]
            column = P.evaluate!(workspace, P.unary_node(index, x0), data, ops)[1:length(a)]
            if name in ("sqrt", "exp", "log", "sin", "cos")   # vectorised kernels: within an ulp of Base's
                @test (name, within_ulps(column, f.(a), 1)) == (name, true)
            else
                @test isequal((name, column), (name, f.(a)))
            end
        end
    end
    text(name, args...) = P.equation_string(length(args) == 2 ? P.binary_node(P.binary_index(ops, name), args...) :
                                            P.unary_node(P.unary_index(ops, name), args...), ops, ["x0", "x1"])
    x0, x1 = P.variable_node(Float64, 1), P.variable_node(Float64, 2)
    # SymbolicRegression.jl saves these as calls (its infix `>` etc. are only for pretty printing).
    @test text("greater", x0, x1) == "greater(x0, x1)" && text("less_equal", x0, x1) == "less_equal(x0, x1)"
    @test text("mod", x0, P.constant_node(Float64, 2.0)) == "mod(x0, 2.0)" && text("atan2", x1, x0) == "atan2(x1, x0)"
    @test text("cond", x0, x1) == "cond(x0, x1)" && text("logical_and", x0, x1) == "logical_and(x0, x1)"
    @test text("gamma", x0) == "gamma(x0)" && text("ceil", x1) == "ceil(x1)"
end
