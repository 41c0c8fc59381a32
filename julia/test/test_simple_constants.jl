# (Statistics is not among the package's dependencies.)
spread(y) = sqrt(sum((y .- sum(y) / length(y)) .^ 2) / length(y))

@testset "simple values near a constant, simplest first" begin
    @test P.simple_values_near(0.4987)[1] == 0.5
    @test P.simple_values_near(2.9991)[1] == 3.0
    @test 2π in P.simple_values_near(6.2795)
    @test 0.0 in P.simple_values_near(0.03) && !(0.0 in P.simple_values_near(0.3))
    @test all(v -> abs(v - 0.4123) <= 0.05, P.simple_values_near(0.4123))
    @test !(0.5 in P.simple_values_near(0.5)) && isempty(P.simple_values_near(NaN))
end

@testset "snapping constants to simple values the data cannot tell apart" begin
    options = P.Options(binary_operators=["+", "*"])
    ops, T = options.operators, Float64
    rng = MersenneTwister(11)
    X = 1 .+ 4 .* rand(rng, 1000, 2)
    x, c = i -> P.variable_node(T, i), v -> P.constant_node(T, v)
    with_noise(y, level) = y .+ level * spread(y) .* randn(rng, length(y))
    workspace = P.Workspace(P.Dataset(X, X[:, 1]))
    function fitted_and_snapped(tree, y; options=options)
        data = P.Dataset(X, y)
        member = P.PopMember(tree, P.evaluate_loss!(workspace, tree, data, options), 0, options, 1.0)
        P.optimize_constants!(member, data, workspace, options, MersenneTwister(1), 1.0)
        fitted = [node.value for node in P.constant_nodes(member.tree)]
        P.snap_to_simple_constants!(member, data, workspace, options, 1.0, 1e-13 * spread(y)^2)
        return fitted, [node.value for node in P.constant_nodes(member.tree)], member
    end
    # ½·x0²·x1 measured with 10 % noise: the fitted 0.49... is 1/2 within the noise.
    half_x0x0x1 = () -> binary(ops, "*", c(0.3), binary(ops, "*", binary(ops, "*", x(1), x(1)), x(2)))
    y = with_noise(0.5 .* X[:, 1] .^ 2 .* X[:, 2], 0.1)
    fitted, snapped, member = fitted_and_snapped(half_x0x0x1(), y)
    @test fitted[1] != 0.5 && abs(fitted[1] - 0.5) < 0.01
    @test snapped == [0.5]
    @test member.loss ≈ P.evaluate_loss!(workspace, member.tree, P.Dataset(X, y), options)
    # Two constants, the other refitted once the first is fixed: 3·x0 + 1/4 with noise.
    affine = () -> binary(ops, "+", binary(ops, "*", c(1.0), x(1)), c(1.0))
    fitted, snapped, _ = fitted_and_snapped(affine(), with_noise(3 .* X[:, 1] .+ 0.25, 0.02))
    @test fitted != [3.0, 0.25] && sort(snapped) == [0.25, 3.0]
    # The same law without noise but a constant that is not simple: the data pin it down.
    fitted, snapped, _ = fitted_and_snapped(half_x0x0x1(), 0.4987 .* X[:, 1] .^ 2 .* X[:, 2])
    @test snapped == fitted && abs(snapped[1] - 0.4987) < 1e-9
    # ... and with 1 % noise, 0.4987 is still told apart from 1/2 (0.26 % away, 30 standard errors).
    fitted, snapped, _ = fitted_and_snapped(half_x0x0x1(), with_noise(0.4987 .* X[:, 1] .^ 2 .* X[:, 2], 0.01))
    @test snapped == fitted
    # Akaike's criterion holds for squared errors only: other losses keep their constants.
    l1 = P.Options(binary_operators=["+", "*"], elementwise_loss="L1DistLoss()")
    fitted, snapped, _ = fitted_and_snapped(half_x0x0x1(), y; options=l1)
    @test snapped == fitted
end

@testset "snap_constants: the final front shows the simple constants" begin
    rng = MersenneTwister(12)
    X = 1 .+ 4 .* rand(rng, 500, 2)
    truth = 2.5 .* X[:, 1] .* X[:, 2]
    y = truth .+ 0.1 * spread(truth) .* randn(rng, 500)
    search(snap) = equation_search(X, y; binary_operators=["+", "-", "*", "/"], populations=4, population_size=30,
                                   ncycles_per_iteration=100, niterations=12, random_state=3, deterministic=true,
                                   snap_constants=snap)
    law(front) = first(row for row in front if row.complexity == 5)   # 2.5 * x0 * x1, or x0 / (0.4 / x1)
    constants(row) = [node.value for node in P.constant_nodes(row.tree)]
    plain, snapped = search(false), search(true)
    @test length(constants(law(plain))) == 1 && !(constants(law(plain))[1] in (2.5, 0.4))
    @test constants(law(snapped))[1] in (2.5, 0.4)
    @test law(plain).loss <= law(snapped).loss <= law(plain).loss * exp(2 / 500)
    @test issorted([row.complexity for row in snapped]) && issorted([row.loss for row in snapped], rev=true)
end
