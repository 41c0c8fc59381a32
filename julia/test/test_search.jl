small_search(; options...) = (binary_operators=["+", "-", "*", "/"], populations=6, population_size=30,
                              ncycles_per_iteration=100, niterations=15, random_state=7, options...)

@testset "search recovers 2.5*x0*x1 - 1" begin
    X = randn(MersenneTwister(3), 200, 2)
    y = 2.5 .* X[:, 1] .* X[:, 2] .- 1
    front = equation_search(X, y; small_search()...)
    @test front[end].loss < 1e-10
    @test front[1].complexity == 1
    @test issorted([row.complexity for row in front]) && issorted([row.loss for row in front], rev=true)
end

@testset "a seed gives the same front (deterministic mode)" begin
    X = randn(MersenneTwister(4), 100, 1)
    y = X[:, 1] .^ 3 .- X[:, 1]
    run() = [(row.complexity, row.loss, row.equation) for row in
             equation_search(X, y; small_search(niterations=5, deterministic=true)...)]
    @test run() == run()
end

@testset "stopping: max_evals, early stop, timeout" begin
    X = randn(MersenneTwister(5), 100, 1)
    y = 2 .* X[:, 1]
    data = P.Dataset(X, y)
    state = P.equation_search(data, P.Options(; small_search(niterations=1000, max_evals=20_000)...))
    @test state.stop_reason === :max_evals && state.iterations < 1000
    state = P.equation_search(data, P.Options(; small_search(niterations=1000, early_stop_loss=1e-12)...))
    @test state.stop_reason === :early_stop && P.best_loss(state.hall_of_fame) <= 1e-12
    state = P.equation_search(data, P.Options(; small_search(niterations=10^6, timeout_in_seconds=1.0)...))
    @test state.stop_reason === :timeout && state.seconds < 5
    # A caller's deadline (the frontend's, counted from the user's call) ends the search first.
    state = P.equation_search(data, P.Options(; small_search(niterations=10^6, timeout_in_seconds=60.0)...);
                              deadline=time() + 1.0)
    @test state.stop_reason === :timeout && state.seconds < 5
    # Past the deadline already: one iteration without cycles or constant fitting, still a front.
    started = time()
    state = P.equation_search(data, P.Options(; small_search(niterations=10^6, ncycles_per_iteration=10^6)...);
                              deadline=time() - 1.0)
    @test state.stop_reason === :timeout && state.iterations == 1 && time() - started < 5
    @test !isempty(P.pareto_front(state.hall_of_fame))
end

@testset "the initial populations' front is reported before the first iteration" begin
    X = randn(MersenneTwister(8), 100, 1)
    data = P.Dataset(X, 2 .* X[:, 1])
    reported = Tuple{Int,Int}[]   # (iteration, equations on the front) at each report
    P.equation_search(data, P.Options(; small_search(niterations=2)...);
                      on_iteration=state -> push!(reported, (state.iterations, length(P.pareto_front(state.hall_of_fame)))))
    @test first.(reported) == [0, 1, 2]
    @test all(size -> size >= 1, last.(reported))
end

@testset "Float32 search" begin
    X = randn(MersenneTwister(6), 100, 1)
    front = equation_search(X, 3 .* X[:, 1] .+ 1; small_search(precision=32)...)
    @test front[end].loss < 1e-8
    @test front[end].tree isa P.Node{Float32}
end

@testset "batching: evolution on mini-batches, hall of fame on full data" begin
    X = randn(MersenneTwister(7), 5000, 2)
    y = X[:, 1] .* X[:, 2] .+ 2
    data = P.Dataset(X, y)
    state = P.equation_search(data, P.Options(; small_search(batching=true, batch_size=64)...))
    front = P.pareto_front(state.hall_of_fame)
    workspace = P.Workspace(data)
    for member in front   # hall-of-fame losses are full-data losses
        @test member.loss ≈ P.evaluate_loss!(workspace, member.tree, data, P.Options(; small_search()...))
    end
    @test front[end].loss < 1e-10
    @test state.evaluations < 15 * 6 * 30 * 100   # batch evaluations count as a fraction of one
end

@testset "recycled nodes: no node belongs to two equations" begin
    # Replaced members' nodes are reused for new trees; any sharing would corrupt equations.
    X = randn(MersenneTwister(8), 100, 2)
    data = P.Dataset(X, X[:, 1] .* cos.(X[:, 2]))
    state = P.equation_search(data, P.Options(; small_search(niterations=5, unary_operators=["cos"])...))
    trees = [member.tree for population in state.populations for member in population.members]
    append!(trees, [member.tree for member in state.hall_of_fame.members[state.hall_of_fame.exists]])
    seen, shared = Base.IdSet{Any}(), 0
    for tree in trees
        P.foreach_node(node -> node in seen ? (shared += 1) : push!(seen, node), tree)
    end
    @test shared == 0
    @test length(seen) == sum(P.node_count, trees)
end
