@testset "losses: built-ins by PySR's spelling, user losses that throw, scale-free floor" begin
    @test P.loss_name(P.parse_elementwise_loss("L1DistLoss()")) == "L1DistLoss"
    @test P.parse_elementwise_loss("HuberLoss(1.5)").parameter == 1.5
    @test P.parse_elementwise_loss("LogCoshLoss").parameter === NaN
    @test_throws ArgumentError P.parse_elementwise_loss("HuberLoss()")        # needs δ
    @test_throws ArgumentError P.parse_elementwise_loss("QuantileLoss(1.5)")  # τ in (0, 1)
    @test_throws ArgumentError P.parse_elementwise_loss("L2DistLoss(2)")      # takes none
    @test_throws ArgumentError P.parse_elementwise_loss("MyLoss()")
    @test_throws ArgumentError P.Options(elementwise_loss="L1DistLoss()", loss_function=(t, d, o) -> 0.0)

    X = reshape(collect(range(-1, 1; length=40)), 40, 1)
    data = P.Dataset(X, 2 .* X[:, 1])
    workspace = P.Workspace(data)
    tree = P.variable_node(Float64, 1)   # x0: residual -x0
    l1 = P.Options(binary_operators=["+"], elementwise_loss="L1DistLoss()")
    @test P.evaluate_loss!(workspace, tree, data, l1) ≈ sum(abs.(X[:, 1])) / 40
    # A user loss that throws, or gives a non-number, makes the equation lose (Inf), not the search.
    throwing = P.Options(binary_operators=["+"], elementwise_loss=(p, t) -> sqrt(p - t))
    @test P.evaluate_loss!(workspace, tree, data, throwing) == Inf
    weighted = P.Options(binary_operators=["+"], elementwise_loss=(p, t, w) -> w * abs(p - t))
    @test P.evaluate_loss!(workspace, tree, data, weighted) ≈ sum(abs.(X[:, 1])) / 40
    objective = P.Options(binary_operators=["+"], loss_function=(tree, dataset, options) -> begin
        prediction, complete = P.eval_tree_array(tree, dataset, options)
        complete ? maximum(abs.(prediction .- dataset.y)) : Inf
    end)
    @test P.evaluate_loss!(workspace, tree, data, objective) ≈ 1.0
    # The rounding floor follows the loss's own scale: 1e-13 of the variance for squared errors,
    # sqrt(1e-13) of the standard deviation for absolute ones.
    variance = sum((data.y .- sum(data.y) / 40) .^ 2) / 40
    @test P.loss_floor(data, P.Options(), variance) ≈ 1e-13 * variance rtol = 1e-6
    @test P.loss_floor(data, l1, 1.0) ≈ sqrt(1e-13) * sqrt(variance) rtol = 1e-6
end
