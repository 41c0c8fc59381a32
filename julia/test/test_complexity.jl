# Complexity weights and operator constraints (PySR's complexity_of_*, constraints, nested_constraints).

const COMPLEXITY_OPERATORS = (binary_operators=["+", "-", "*", "/", "^"], unary_operators=["sin", "cos", "exp"])

complexity_options(; kwargs...) = P.Options(; COMPLEXITY_OPERATORS..., kwargs...)
cx_variable(j) = P.variable_node(Float64, j)
cx_constant(v) = P.constant_node(Float64, v)
error_message(f) = try f(); "" catch error; sprint(showerror, error) end

@testset "complexity: node count by default, weighted sums rounded as SymbolicRegression.jl" begin
    options = complexity_options()
    ops = options.operators
    tree = binary(ops, "*", unary(ops, "sin", cx_variable(1)), cx_constant(2.5))   # sin(x0) * 2.5
    @test !options.complexity.weighted
    @test P.compute_complexity(tree, options) == P.node_count(tree) == 4
    weighted = complexity_options(complexity_of_operators=Dict("sin" => 2, "*" => 3), complexity_of_constants=2,
                                  complexity_of_variables=[2, 3])
    @test weighted.complexity.weighted
    @test P.compute_complexity(tree, weighted) == 3 + 2 + 2 + 2
    @test P.compute_complexity(binary(ops, "+", cx_variable(1), cx_variable(2)), weighted) == 2 + 1 + 3
    # Fractional weights: the total is rounded to the nearest integer, ties to even (round(Int, x)).
    halves = complexity_options(complexity_of_constants=0.5, complexity_of_variables=1.5)
    @test P.compute_complexity(binary(ops, "+", cx_variable(1), cx_constant(1.0)), halves) == 3  # 3.0
    @test P.compute_complexity(binary(ops, "+", cx_constant(1.0), cx_constant(1.0)), halves) == 2  # 2.0
    @test P.compute_complexity(cx_variable(1), halves) == 2                                      # 1.5 -> 2
    @test P.compute_complexity(unary(ops, "cos", cx_constant(1.0)), halves) == 2                  # 1.5 -> 2
    @test P.compute_complexity(binary(ops, "+", cx_variable(1), cx_variable(1)), halves) == 4     # 4.0
    @test P.compute_complexity(binary(ops, "+", cx_constant(1.0), cx_variable(1)), complexity_options(
        complexity_of_constants=0.5, complexity_of_variables=1.0)) == 2                           # 2.5 -> 2
    # Every Julia form of complexity_of_operators: Dict, pairs, functions as keys.
    for form in (Dict("sin" => 2), ["sin" => 2], (sin => 2,), Dict{String,Any}("sin" => 2.0), (sin = 2,))
        @test P.compute_complexity(tree, complexity_options(complexity_of_operators=form)) == 5
    end
    allocations(t, o) = @allocated P.compute_complexity(t, o)
    allocations(tree, weighted)
    @test allocations(tree, weighted) == 0
end

@testset "complexity options: clear errors" begin
    for (kwargs, message) in [
        ((complexity_of_operators=Dict("tan" => 2),), "complexity_of_operators: \"tan\" is not an operator of this search"),
        ((complexity_of_operators=Dict("sin" => 0),), "complexity_of_operators[\"sin\"] must be a positive number, got 0"),
        ((complexity_of_operators=Dict("sin" => "2"),), "must be a positive number"),
        ((complexity_of_operators=Dict("+" => Inf),), "must be a positive number, got Inf"),
        ((complexity_of_operators=3,), "expected a Dict of operator => value"),
        ((complexity_of_constants=-1,), "complexity_of_constants must be a positive number, got -1"),
        ((complexity_of_constants=true,), "complexity_of_constants must be a positive number"),
        ((complexity_of_variables=[1, 0],), "complexity_of_variables[2] must be a positive number, got 0"),
        ((complexity_of_variables=Int[],), "one number per feature"),
    ]
        @test occursin(message, error_message(() -> complexity_options(; kwargs...)))
        @test_throws ArgumentError complexity_options(; kwargs...)
    end
    # One weight per feature must match the data.
    X = randn(MersenneTwister(2), 20, 2)
    message = error_message(() -> P.equation_search(X, X[:, 1]; complexity_of_variables=[1, 2, 3], niterations=1))
    @test occursin("complexity_of_variables has 3 values but the data has 2 features", message)
end

@testset "constraints: PySR's per-operator argument limits" begin
    options = complexity_options(constraints=Dict("^" => (-1, 1), "sin" => 2, "/" => [3, -1]))
    ops = options.operators
    x0, x1 = cx_variable(1), cx_variable(2)
    ok(tree, o=options) = P.satisfies_constraints(tree, o)
    @test ok(binary(ops, "^", binary(ops, "+", x0, x1), x1))                        # any base, exponent of complexity 1
    @test !ok(binary(ops, "^", x0, binary(ops, "+", x1, cx_constant(1.0))))          # exponent of complexity 3
    @test !ok(binary(ops, "+", x0, unary(ops, "cos", binary(ops, "^", x0, unary(ops, "exp", x1)))))  # deep inside
    @test ok(unary(ops, "sin", unary(ops, "cos", x0)))                              # argument of complexity 2
    @test !ok(unary(ops, "sin", binary(ops, "*", x0, x1)))                          # 3 > 2
    @test ok(binary(ops, "/", binary(ops, "*", x0, x1), binary(ops, "*", x0, binary(ops, "+", x1, x0))))
    @test !ok(binary(ops, "/", binary(ops, "*", x0, binary(ops, "+", x1, x0)), x1))  # left 5 > 3
    # Limits count the weighted complexity of the argument.
    heavy = complexity_options(constraints=Dict("^" => (-1, 1)), complexity_of_variables=2)
    @test !ok(binary(ops, "^", x0, x1), heavy) && ok(binary(ops, "^", x0, cx_constant(2.0)), heavy)
    # check_constraints adds maxsize and maxdepth.
    @test P.check_constraints(binary(ops, "^", x0, x1), options, 3)
    @test !P.check_constraints(binary(ops, "^", x0, x1), options, 2)
    @test !P.check_constraints(binary(ops, "^", x0, binary(ops, "+", x1, x1)), options, 30)
    # PySR's rules: + and - need equal limits; * puts the looser limit on the left.
    @test complexity_options(constraints=Dict("+" => (2, 2))).constraints.binary[P.binary_index(ops, "+")] == (2, 2)
    times(limits) = complexity_options(constraints=Dict("*" => limits)).constraints.binary[P.binary_index(ops, "*")]
    @test times((1, 3)) == (3, 1) && times((3, 1)) == (3, 1) && times((3, -1)) == (-1, 3) && times((-1, 2)) == (-1, 2)
    @test times([2, 2]) == (2, 2)
    tree = binary(ops, "^", x0, x1)
    satisfied(t, o) = @allocated P.satisfies_constraints(t, o)
    satisfied(tree, options)
    @test satisfied(tree, options) == 0
end

@testset "constraints: clear errors for malformed values" begin
    for (value, message) in [
        (Dict("+" => (3, 5)), "constraints[\"+\"] must have equal limits on both sides"),
        (Dict("-" => (1, -1)), "constraints[\"-\"] must have equal limits on both sides"),
        (Dict("^" => 1), "constraints[\"^\"] must be a pair (left limit, right limit) for a binary operator"),
        (Dict("^" => (1, 2, 3)), "must be a pair"),
        (Dict("sin" => (1, 2)), "constraints[\"sin\"] must be one integer for a unary operator"),
        (Dict("sin" => 1.5), "must be one integer"),
        (Dict("sin" => -2), "constraints[\"sin\"] must be -1 (no limit) or a non-negative integer, got -2"),
        (Dict("^" => (-1, 0.5)), "constraints[\"^\"][2] must be -1 (no limit) or a non-negative integer, got 0.5"),
        (Dict("tan" => 1), "constraints: \"tan\" is not an operator of this search (its operators: +, -, *, /, ^, sin, cos, exp)"),
        (Dict(1 => 1), "operators are given by name"),
    ]
        @test occursin(message, error_message(() -> complexity_options(constraints=value)))
        @test_throws ArgumentError complexity_options(constraints=value)
    end
    for (value, message) in [
        (Dict("sin" => Dict("tan" => 0)), "nested_constraints: \"tan\" is not an operator of this search"),
        (Dict("tan" => Dict("sin" => 0)), "nested_constraints: \"tan\" is not an operator of this search"),
        (Dict("sin" => Dict("cos" => -2)), "nested_constraints[\"sin\"][\"cos\"] must be -1 (no limit) or a non-negative integer"),
        (Dict("sin" => 0), "nested_constraints[\"sin\"] must map operators to their most nested occurrences"),
    ]
        @test occursin(message, error_message(() -> complexity_options(nested_constraints=value)))
        @test_throws ArgumentError complexity_options(nested_constraints=value)
    end
    # A name used by a binary and a unary user operator at once is ambiguous.
    twice(x) = x
    twice(x, y) = x + y
    message = error_message(() -> P.Options(binary_operators=["+", twice], unary_operators=[twice], constraints=Dict("twice" => 1)))
    @test occursin("\"twice\" is both a binary and a unary operator", message)
end

@testset "nested_constraints: how deeply an operator may occur inside another" begin
    options = complexity_options(nested_constraints=Dict("sin" => Dict("sin" => 0, "cos" => 1), "*" => Dict("+" => 1),
                                                         "exp" => Dict("exp" => -1)))
    ops = options.operators
    x0, x1 = cx_variable(1), cx_variable(2)
    ok(tree) = P.satisfies_constraints(tree, options)
    sin_, cos_, exp_ = (t -> unary(ops, "sin", t)), (t -> unary(ops, "cos", t)), (t -> unary(ops, "exp", t))
    @test ok(binary(ops, "+", sin_(x0), sin_(x1)))                   # side by side, not nested
    @test !ok(sin_(sin_(x0)))
    @test !ok(binary(ops, "-", x1, sin_(binary(ops, "+", x0, cos_(sin_(x1))))))   # anywhere inside
    @test ok(sin_(binary(ops, "+", cos_(x0), cos_(x1))))             # one cos on each path
    @test !ok(sin_(cos_(cos_(x0))))                                  # two on one path
    @test ok(cos_(cos_(sin_(x0))))                                   # cos may hold sin
    @test ok(binary(ops, "*", binary(ops, "+", x0, x1), x1))
    @test !ok(binary(ops, "*", x0, binary(ops, "+", x0, binary(ops, "+", x1, x1))))  # binary outer, either side
    @test ok(exp_(exp_(exp_(x0))))                                   # -1: no limit
    @test length(options.constraints.nested) == 3
    # The forms of the Julia API and of options.toml (a table of tables, read by Pkg.TOML).
    toml = P.Pkg.TOML.parse("""
        [constraints]
        "^" = [-1, 1]
        sin = 5
        [complexity_of_operators]
        "/" = 3
        cos = 1.5
        [nested_constraints.sin]
        sin = 0
        cos = 0
        """)
    from_toml = P.Options(binary_operators=["+", "/", "^"], unary_operators=["sin", "cos"],
                          constraints=toml["constraints"], nested_constraints=toml["nested_constraints"],
                          complexity_of_operators=toml["complexity_of_operators"])
    tops = from_toml.operators
    @test from_toml.constraints.binary[P.binary_index(tops, "^")] == (-1, 1)
    @test from_toml.constraints.unary[P.unary_index(tops, "sin")] == 5
    @test from_toml.complexity.binary[P.binary_index(tops, "/")] == 3 && from_toml.complexity.unary[P.unary_index(tops, "cos")] == 1.5
    @test !P.satisfies_constraints(unary(tops, "sin", unary(tops, "cos", x0)), from_toml)
    pairs_form = P.Options(; COMPLEXITY_OPERATORS..., nested_constraints=[sin => [cos => 0]], constraints=[(^) => (-1, 1)])
    @test !P.satisfies_constraints(sin_(cos_(x0)), pairs_form)
    @test !P.satisfies_constraints(binary(ops, "^", x0, sin_(x0)), pairs_form)
end

@testset "a search with constraints keeps every member within them" begin
    X = randn(MersenneTwister(5), 200, 2)
    y = X[:, 1] .^ 2 .* sin.(X[:, 2]) .+ 1
    options = P.Options(binary_operators=["+", "*", "^"], unary_operators=["sin", "cos"], populations=4,
                        population_size=20, niterations=4, random_state=3, deterministic=true, maxsize=20,
                        crossover_probability=0.2, weight_randomize=0.5, weight_simplify=0.5,
                        complexity_of_operators=Dict("sin" => 2, "^" => 3), complexity_of_variables=[2, 1],
                        constraints=Dict("^" => (-1, 1), "*" => (3, 5)), nested_constraints=Dict("sin" => Dict("sin" => 0, "cos" => 0)))
    state = P.equation_search(P.Dataset(X, y), options)
    members = [member for population in state.populations for member in population.members]
    front = P.pareto_front(state.hall_of_fame)
    @test !isempty(front)
    @test all(member -> P.satisfies_constraints(member.tree, options), members)
    @test all(member -> P.check_constraints(member.tree, options, options.maxsize), front)
    @test all(member -> member.complexity == P.compute_complexity(member.tree, options), [members; front])
end
