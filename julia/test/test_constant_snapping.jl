@testset "snapping constants that stand for integers" begin
    options = P.Options(binary_operators=["+", "*"])
    ops, T = options.operators, Float64
    X = reshape(collect(range(-2, 2; length=60)), 60, 1)
    x0, c = () -> P.variable_node(T, 1), v -> P.constant_node(T, v)
    workspace = P.Workspace(P.Dataset(X, X[:, 1]))
    function snapped(tree, y)
        data = P.Dataset(X, y)
        member = P.PopMember(tree, P.evaluate_loss!(workspace, tree, data, options), 0, options, 1.0)
        P.snap_constants!(member, data, workspace, options, 1.0, 1e-13)
        return P.equation_string(member.tree, ops, ["x0"]), member
    end
    # 1.0000000002 * x0 + 9e-13 is x0: both constants snap, and simplification removes them.
    text, member = snapped(binary(ops, "+", binary(ops, "*", c(1.0000000002), x0()), c(9e-13)), X[:, 1])
    @test text == "x0"
    @test member.complexity == 1 && member.loss < 1e-24
    # A constant that matters stays, even when close to an integer.
    @test snapped(binary(ops, "*", c(2.0004), x0()), 2.0004 .* X[:, 1])[1] == "(2.0004 * x0)"
    @test snapped(binary(ops, "*", c(24.3), x0()), 24.3 .* X[:, 1])[1] == "(24.3 * x0)"
end
