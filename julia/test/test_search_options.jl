# Every search option must change what the search does. A small deterministic search is run
# with one option changed at a time and must end in a different state than the reference run.

const REFERENCE = (binary_operators=["+", "-", "*", "/"], unary_operators=["cos"], populations=3,
                   population_size=20, ncycles_per_iteration=30, niterations=4, maxsize=20, random_state=11,
                   deterministic=true, fraction_replaced=0.2, fraction_replaced_hof=0.2)

function search_fingerprint(; changes...)
    X = randn(MersenneTwister(12), 300, 2)
    y = X[:, 1] .^ 2 .- cos.(X[:, 2]) .+ 0.1 .* X[:, 2]
    options = P.Options(; merge(REFERENCE, values(changes))...)
    state = P.equation_search(P.Dataset(X, y), options)
    equations = [P.equation_string(m.tree, options.operators, ["x0", "x1"]) * "|$(m.loss)"
                 for population in state.populations for m in population.members]
    return hash((equations, state.evaluations))
end

@testset "each search option changes the search" begin
    reference = search_fingerprint()
    @test search_fingerprint() == reference   # deterministic, so differences below are the option's
    changes = [
        (tournament_selection_n=5,), (tournament_selection_p=0.5,), (annealing=true,),
        (adaptive_parsimony_scaling=10.0,), (use_frequency=false,), (use_frequency_in_tournament=false,),
        (migration=false,), (hof_migration=false,), (fraction_replaced=0.5,), (fraction_replaced_hof=0.5,),
        (topn=2,), (crossover_probability=0.3,), (weight_mutate_constant=2.0,), (weight_mutate_operator=2.0,),
        (weight_swap_operands=2.0,), (weight_rotate_tree=0.5,), (weight_add_node=0.5,), (weight_insert_node=1.0,), (weight_delete_node=2.0,),
        (weight_simplify=1.0,), (weight_randomize=1.0,), (weight_do_nothing=2.0,), (weight_optimize=0.5,),
        (optimizer_algorithm="NelderMead",), (optimizer_nrestarts=0,), (optimize_probability=0.9,),
        (optimizer_iterations=2,), (perturbation_factor=1.0,), (should_simplify=false,),
        (should_optimize_constants=false,), (snap_constants=true,), (ncycles_per_iteration=10,), (populations=2,),
        (population_size=25,), (maxsize=7,), (maxdepth=3,), (warmup_maxsize_by=0.5,), (parsimony=0.05,),
        (batching=true, batch_size=50), (niterations=3,), (random_state=12,),
        (complexity_of_operators=Dict("cos" => 3),), (complexity_of_constants=2,), (complexity_of_variables=[1, 2],),
        (constraints=Dict("/" => (-1, 1)),), (nested_constraints=Dict("cos" => Dict("cos" => 0)),),
    ]
    for change in changes
        @test (change, search_fingerprint(; change...) != reference) == (change, true)
    end
    with_annealing = search_fingerprint(annealing=true)
    @test search_fingerprint(annealing=true, alpha=0.1) != with_annealing
end

@testset "early_stop_condition as Julia source of (loss, complexity)" begin
    X = randn(MersenneTwister(13), 100, 1)
    data = P.Dataset(X, 3 .* X[:, 1])
    options = P.Options(; REFERENCE..., niterations=100, early_stop_condition="f(loss, complexity) = loss < 1e-8 && complexity <= 5")
    state = P.equation_search(data, options)
    @test state.stop_reason === :early_stop && state.iterations < 100
    @test_throws ArgumentError P.Options(; REFERENCE..., early_stop_condition="f(x) = ")
    @test_throws ArgumentError P.Options(; REFERENCE..., early_stop_condition="1 + 1")
end
