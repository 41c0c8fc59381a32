@testset "hall of fame keeps the best per complexity; the front drops dominated and noise-level entries" begin
    options = P.Options(binary_operators=["+", "*"])
    T = Float64
    member(tree, loss) = P.PopMember(tree, loss, 0, options, 1.0)
    x, ops = P.variable_node(T, 1), options.operators
    hall_of_fame = P.HallOfFame{T}(10, 1e-12)
    @test P.offer!(hall_of_fame, member(P.constant_node(T, 1.0), 4.0))
    @test P.offer!(hall_of_fame, member(binary(ops, "*", P.constant_node(T, 2.0), x), 1.0))
    @test !P.offer!(hall_of_fame, member(binary(ops, "*", P.constant_node(T, 3.0), x), 2.0))   # worse, same size
    @test P.offer!(hall_of_fame, member(binary(ops, "+", binary(ops, "*", P.constant_node(T, 2.0), x),
                                                      P.constant_node(T, 1.0)), 1.0 - 1e-15)) # noise-level gain
    @test !P.offer!(hall_of_fame, member(P.constant_node(T, NaN), 0.5))                       # not printable
    front = P.pareto_front(hall_of_fame)
    @test [m.complexity for m in front] == [1, 3]
    @test P.best_loss(hall_of_fame) == 1.0
end
