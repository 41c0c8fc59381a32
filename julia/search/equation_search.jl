# The search loop: every iteration evolves all populations in parallel (one task each), then,
# at a barrier, merges their reports into the hall of fame, migrates, and reports progress.
# Populations own their random streams and results are merged in a fixed order, so a seed gives
# the same result whatever the thread count.

"""
    SearchState{T}

Everything a search has learned; kept whole so a later search can resume from it.
"""
mutable struct SearchState{T<:AbstractFloat}
    populations::Vector{Population{T}}
    hall_of_fame::HallOfFame{T}
    frequencies::ComplexityFrequencies
    evaluations::Float64
    iterations::Int
    seconds::Float64
    stop_reason::Symbol
end

evaluations_per_second(state::SearchState) = state.seconds > 0 ? state.evaluations / state.seconds : 0.0

function initial_population(rng::MersenneTwister, data::Dataset{T}, options::Options,
                            workspace::Workspace{T}, normalization::Float64) where {T}
    members = PopMember{T}[]
    for birth in 1:options.population_size
        tree = random_tree(rng, T, rand(rng, 1:min(3, max(1, options.maxsize ÷ 2))), options.operators, data.n_features)
        loss = evaluate_loss!(workspace, tree, data, options.operators)
        push!(members, PopMember(tree, loss, birth, options, normalization))
    end
    return Population{T}(members, rng, options.population_size)
end

function population_seed(random_state::Int, index::Int)
    return hash((random_state, index)) % UInt32  # an independent stream per population
end

function current_maxsize(options::Options, iteration::Int)
    options.warmup_maxsize_by > 0 || return options.maxsize
    fraction = (iteration - 1) / (options.niterations * options.warmup_maxsize_by)
    return clamp(3 + floor(Int, (options.maxsize - 3) * fraction), min(3, options.maxsize), options.maxsize)
end

function stop_reason(state::SearchState, options::Options, start::Float64)
    state.iterations >= options.niterations && return :niterations
    options.timeout_in_seconds > 0 && time() - start >= options.timeout_in_seconds && return :timeout
    options.max_evals > 0 && state.evaluations >= options.max_evals && return :max_evals
    best_loss(state.hall_of_fame) <= options.early_stop_loss && return :early_stop
    return :none
end

"""
    equation_search(data::Dataset, options::Options; on_iteration=state->nothing, stop_requested) -> SearchState

Run the evolutionary search. `on_iteration(state)` is called after every iteration (the
protocol writes the hall of fame there). Setting `stop_requested[] = true` (e.g. on Ctrl-C)
ends the search after the current iteration's populations notice it.
"""
function equation_search(data::Dataset{T}, options::Options; on_iteration=state -> nothing,
                         stop_requested::Threads.Atomic{Bool}=Threads.Atomic{Bool}(false)) where {T}
    start = time()
    normalization = max(baseline_loss(data), 1e-12)
    workspaces = Channel{Workspace{T}}(Threads.nthreads())
    for _ in 1:Threads.nthreads()
        put!(workspaces, Workspace{T}(data.n_rows))
    end
    first_workspace = take!(workspaces)
    populations = [initial_population(MersenneTwister(population_seed(options.random_state, i)), data,
                                      options, first_workspace, normalization) for i in 1:options.populations]
    put!(workspaces, first_workspace)
    state = SearchState{T}(populations, HallOfFame{T}(options.maxsize), ComplexityFrequencies(options.maxsize),
                           Float64(options.populations * options.population_size), 0, 0.0, :none)
    for population in populations, member in population.members
        offer!(state.hall_of_fame, member)
    end
    deadline = options.timeout_in_seconds > 0 ? start + options.timeout_in_seconds : Inf
    interrupted = false
    while true
        context = EvolutionContext(options, data, normalization, state.frequencies,
                                   current_maxsize(options, state.iterations + 1), deadline, stop_requested)
        reports = try
            run_populations(state.populations, context, workspaces)
        catch error
            error isa InterruptException || rethrow()
            interrupted = true
            stop_requested[] = true
            run_populations_after_interrupt()
        end
        reports === nothing && break
        merge_reports!(state, reports)
        state.iterations += 1
        migrate_all!(state, options)
        state.seconds = time() - start
        on_iteration(state)
        if stop_requested[]
            state.stop_reason = :interrupted
            break
        end
        reason = stop_reason(state, options, start)
        if reason !== :none
            state.stop_reason = reason
            break
        end
    end
    interrupted && (state.stop_reason = :interrupted)
    state.seconds = time() - start
    return state
end

run_populations_after_interrupt() = nothing

function run_populations(populations::Vector{Population{T}}, context::EvolutionContext{T},
                         workspaces::Channel{Workspace{T}}) where {T}
    tasks = [Threads.@spawn evolve_with_pooled_workspace!(population, context, workspaces)
             for population in populations]
    return [fetch(task) for task in tasks]
end

function evolve_with_pooled_workspace!(population::Population{T}, context::EvolutionContext{T},
                                       workspaces::Channel{Workspace{T}}) where {T}
    workspace = take!(workspaces)
    try
        return evolve_population!(population, context, workspace)
    finally
        put!(workspaces, workspace)
    end
end

function merge_reports!(state::SearchState, reports::Vector{<:PopulationReport})
    for report in reports
        state.evaluations += report.evaluations
        add_counts!(state.frequencies, report.complexity_counts)
        for c in eachindex(report.best_seen.exists)
            report.best_seen.exists[c] && offer!(state.hall_of_fame, report.best_seen.members[c])
        end
    end
    return state
end

function migrate_all!(state::SearchState, options::Options)
    if options.migration
        pool = migration_pool(state.populations, options.topn)
        for population in state.populations
            migrate!(population, pool, options.fraction_replaced)
        end
    end
    if options.hof_migration
        front = pareto_front(state.hall_of_fame)
        for population in state.populations
            migrate!(population, front, options.fraction_replaced_hof)
        end
    end
    return state
end
