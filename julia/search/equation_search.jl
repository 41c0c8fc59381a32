# The search loop: every iteration evolves all populations in parallel (see scheduling.jl), then,
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
    gc_seconds::Float64      # garbage-collection time of the process during the search
    stop_reason::Symbol
    refinement_rngs::Vector{MersenneTwister}  # one per complexity: fitting hall-of-fame challengers
    # When the search first ran at full speed (loaded, compiled, first populations scored; see
    # `mark_ready!`): rates count from here, so that compiling does not pass for a slow search.
    ready::Bool
    ready_seconds::Float64
    ready_evaluations::Float64
    ready_iterations::Int
end

"""Evaluations per second since the search was ready (its overall rate until an iteration has
run since then)."""
function evaluations_per_second(state::SearchState)
    seconds = state.seconds - state.ready_seconds
    if state.ready && state.iterations > state.ready_iterations && seconds > 0
        return (state.evaluations - state.ready_evaluations) / seconds
    end
    return state.seconds > 0 ? state.evaluations / state.seconds : 0.0
end

# Julia compiles a search's code for each number type and options type (operator set, loss) the
# first time it meets them, mostly during the first iteration. The kinds this process has run
# tell whether a search will compile, so that the time spent compiling is reported as such.
const SEARCH_KINDS_RUN = Set{Any}()
const SEARCH_KINDS_LOCK = ReentrantLock()

search_kind(data::Dataset{T}, options::Options) where {T} = (T, typeof(options))

"""Whether this process has run a search of this kind before (its code is compiled)."""
function search_kind_compiled(data::Dataset, options::Options)
    lock(() -> search_kind(data, options) in SEARCH_KINDS_RUN, SEARCH_KINDS_LOCK)
end

remember_search_kind!(data::Dataset, options::Options) =
    lock(() -> push!(SEARCH_KINDS_RUN, search_kind(data, options)), SEARCH_KINDS_LOCK)

"""Record that the search now runs at full speed (rates count from here) and tell `on_ready`."""
function mark_ready!(state::SearchState, setup, on_ready)
    state.seconds = time() - setup.start
    state.ready, state.ready_seconds = true, state.seconds
    state.ready_evaluations, state.ready_iterations = state.evaluations, state.iterations
    on_ready(state)
    return state
end

function initial_population(rng::MersenneTwister, data::Dataset{T}, options::Options,
                            workspace::Workspace{T}, normalization::Float64) where {T}
    members = PopMember{T}[]
    scoring_data = workspace.batch.n_rows > 0 ? draw_batch!(workspace.batch, data, rng) : data
    for birth in 1:options.population_size
        tree = random_member_tree(rng, T, options, data.n_features)
        loss = evaluate_loss!(workspace, tree, scoring_data, options)
        push!(members, PopMember(tree, loss, birth, options, normalization))
    end
    return Population(members, rng, options.population_size)
end

"""Attempts at a random initial tree within the limits before settling for a single leaf."""
const RANDOM_TREE_ATTEMPTS = 20

"""A random tree of 1 to 3 operators (fewer for a small maxsize) within the size, depth and
operator constraints (and consistent units in hard mode); a random leaf when none of a few
attempts fits (a constant, a wildcard, when a variable's units are rejected)."""
function random_member_tree(rng::AbstractRNG, ::Type{T}, options::Options, n_features::Int) where {T}
    for _ in 1:RANDOM_TREE_ATTEMPTS
        tree = random_tree(rng, T, rand(rng, 1:min(3, max(1, options.maxsize ÷ 2))), options.operators, n_features)
        check_constraints(tree, options, options.maxsize) && return tree
    end
    leaf = random_leaf(rng, T, n_features)
    return rejected_for_dimensions(leaf, options) ? constant_node(T, randn(rng)) : leaf
end

function population_seed(random_state::Int, index::Int)
    return hash((random_state, index)) % UInt32  # an independent stream per population
end

function current_maxsize(options::Options, iteration::Int)
    options.warmup_maxsize_by > 0 || return options.maxsize
    fraction = (iteration - 1) / (options.niterations * options.warmup_maxsize_by)
    return clamp(3 + floor(Int, (options.maxsize - 3) * fraction), min(3, options.maxsize), options.maxsize)
end


"""What stays fixed during one search: the data, the options, and the shared resources."""
struct SearchSetup{T<:AbstractFloat,O<:Options}
    data::Dataset{T}
    options::O
    normalization::Float64                 # loss of the constant model: makes parsimony scale-free
    loss_floor::Float64                    # losses closer than this are rounding noise (see loss_floor)
    workspaces::Channel{Workspace{T}}      # one per thread, lent to whichever population runs
    start::Float64
    deadline::Float64                      # time() at which the search must end (see SearchSetup); Inf when none
    stop_requested::Threads.Atomic{Bool}
    fitting_data::Dataset{T}               # where hall-of-fame constants are fitted (a subsample of big data)
end

"""Rows on which hall-of-fame constants are fitted when batching: enough for stable constants,
few enough that fitting does not grow with the data."""
const FITTING_ROWS = 10_000

"""A fixed random subsample of `n_rows` rows (without replacement), or `data` itself when smaller."""
function subsample(data::Dataset{T}, n_rows::Int, rng::AbstractRNG) where {T}
    data.n_rows <= n_rows && return data
    rows = sort!(sample_without_replacement(rng, data.n_rows, n_rows))
    weights = data.has_weights ? data.weights[rows] : data.weights
    return assemble_dataset([column[rows] for column in data.columns], data.y[rows], weights,
                            data.has_weights, data.variable_names)
end


# The deadline is the earlier of `timeout_in_seconds` after `start` and the caller's own `deadline`
# (the frontend's, counted from the user's call, so Julia's start and compilation are inside it).
function SearchSetup(data::Dataset{T}, options::Options, stop_requested::Threads.Atomic{Bool}, start::Float64,
                     deadline::Float64=Inf) where {T}
    check_variable_weights(options.complexity, data.n_features)
    check_feature_units(options.dimensions, data.n_features)
    workspaces = Channel{Workspace{T}}(Threads.nthreads())
    for _ in 1:Threads.nthreads()
        put!(workspaces, Workspace(data, batch_rows(options, data)))
    end
    options.timeout_in_seconds > 0 && (deadline = min(deadline, start + options.timeout_in_seconds))
    fitting_data = options.batching ? subsample(data, FITTING_ROWS, MersenneTwister(population_seed(options.random_state, -1))) : data
    normalization = baseline_loss(data, options, fetch(workspaces))
    return SearchSetup(data, options, normalization, loss_floor(data, options, normalization), workspaces, start,
                       deadline, stop_requested, fitting_data)
end

# Reaching the goal is reported before running out of budget when both happen in one iteration.
function stop_reason(state::SearchState, setup::SearchSetup)
    options = setup.options
    best_loss(state.hall_of_fame) <= options.early_stop_loss && return :early_stop
    for member in pareto_front(state.hall_of_fame)
        Base.invokelatest(options.early_stop_condition, member.loss, member.complexity) === true && return :early_stop
    end
    state.iterations >= options.niterations && return :niterations
    time() >= setup.deadline && return :timeout
    options.max_evals > 0 && state.evaluations >= options.max_evals && return :max_evals
    return :none
end

"""
    initial_state(setup, checkpoint=nothing) -> SearchState

Random populations, or those of a checkpoint (resuming): its equations, scored on the data,
topped up with random ones or cut to `population_size`, its populations reused in turn when
the search has more; its hall of fame enters the new one with full-data losses.
"""
function initial_state(setup::SearchSetup{T}, checkpoint::Union{Nothing,Checkpoint}=nothing,
                       checkpoint_path::AbstractString="") where {T}
    options = setup.options
    workspace = take!(setup.workspaces)
    populations = [initial_population(MersenneTwister(population_seed(options.random_state, i)), setup.data,
                                      options, workspace, setup.normalization) for i in 1:options.populations]
    hall_of_fame = HallOfFame{T}(options.maxsize, setup.loss_floor)
    if checkpoint !== nothing
        resume_from_checkpoint!(populations, hall_of_fame, checkpoint, setup, workspace, checkpoint_path)
    end
    put!(setup.workspaces, workspace)
    refinement_rngs = [MersenneTwister(population_seed(options.random_state, -1 - c)) for c in 1:options.maxsize]
    state = SearchState{T}(populations, hall_of_fame, ComplexityFrequencies(options.maxsize),
                           options.populations * options.population_size * evaluation_share(setup), 0, 0.0, 0.0,
                           :none, refinement_rngs, false, 0.0, 0.0, 0)
    improve_hall_of_fame!(state, setup, [member for population in populations for member in population.members])
    return state
end

function resume_from_checkpoint!(populations::Vector{Population{T}}, hall_of_fame::HallOfFame{T}, checkpoint::Checkpoint,
                                 setup::SearchSetup{T}, workspace::Workspace{T}, path::AbstractString) where {T}
    options, data = setup.options, setup.data
    for member in checkpoint_members(checkpoint.hall_of_fame, data, options, workspace, setup.normalization, path)
        offer!(hall_of_fame, member)
    end
    isempty(checkpoint.populations) && return populations
    for (i, population) in enumerate(populations)
        texts = checkpoint.populations[mod1(i, length(checkpoint.populations))]
        saved = checkpoint_members(texts, data, options, workspace, setup.normalization, path)
        keep = min(length(saved), options.population_size)
        population.members[1:keep] = saved[1:keep]    # the rest stay the random ones
        for (birth, member) in enumerate(population.members)
            member.birth = birth
        end
    end
    return populations
end

"""Cost of one evaluation during evolution, in full-data evaluations (a batch is a fraction)."""
evaluation_share(setup::SearchSetup) = setup.options.batching && setup.options.batch_size < setup.data.n_rows ?
    setup.options.batch_size / setup.data.n_rows : 1.0

"""Whether the losses found during evolution are mini-batch estimates rather than exact."""
losses_are_estimates(setup::SearchSetup) = evaluation_share(setup) < 1.0

# --- the hall of fame at the iteration barrier --------------------------------------------------

"""
One challenger for the hall-of-fame entry of its complexity: the iteration's best equation of
that complexity (a copy, refined in place), the incumbent if any, and the complexity's own
random stream (so the outcome does not depend on which thread refines it).
"""
struct Challenge{T<:AbstractFloat}
    challenger::PopMember{T}
    incumbent::Union{Nothing,PopMember{T}}
    rng::MersenneTwister
end

"""
    improve_hall_of_fame!(state, setup, candidates) -> state

The best candidate of each complexity challenges the hall of fame. Without batching its loss
is exact, so only a challenger with a lower loss goes on; it gets its constants fitted on the
data and enters if still better. With batching its loss is a mini-batch estimate: it must first
beat the incumbent on the fixed subsample (`fitting_data`), gets its constants fitted there, and
only then is scored on the full data. Full-data evaluations become rare, so an iteration on a
million rows costs about what one on ten thousand does. Challengers are refined in parallel.
"""
function improve_hall_of_fame!(state::SearchState{T}, setup::SearchSetup{T}, candidates::Vector{PopMember{T}}) where {T}
    best = HallOfFame{T}(setup.options.maxsize)   # offer! copies: challengers can be changed in place
    foreach(candidate -> offer!(best, candidate), candidates)
    hall_of_fame, estimated = state.hall_of_fame, losses_are_estimates(setup)
    challenges = Challenge{T}[]
    for c in eachindex(best.exists)
        best.exists[c] || continue
        incumbent = hall_of_fame.exists[c] ? hall_of_fame.members[c] : nothing
        !estimated && incumbent !== nothing && best.members[c].loss >= incumbent.loss && continue
        push!(challenges, Challenge{T}(best.members[c], incumbent, state.refinement_rngs[c]))
    end
    outcomes = map_on_workspaces(refine_challenger, challenges, setup)
    for (challenge, (qualified, evaluations)) in zip(challenges, outcomes)
        state.evaluations += evaluations
        qualified && offer!(hall_of_fame, challenge.challenger)
    end
    return state
end

"""
    refine_challenger(challenge, setup, workspace) -> (qualified, evaluations)

Fit the challenger's constants, snap those that stand for integers (which may simplify it to a
lower complexity), and give it its full-data loss; `qualified` is false when it already lost
the duel on the subsample (batching). Evaluations are counted in full-data units.
"""
function refine_challenger(challenge::Challenge{T}, setup::SearchSetup{T}, workspace::Workspace{T}) where {T}
    options = setup.options
    member, fitting_data = challenge.challenger, setup.fitting_data
    share = fitting_data.n_rows / setup.data.n_rows
    evaluations = 0.0
    if losses_are_estimates(setup)
        set_loss!(member, evaluate_loss!(workspace, member.tree, fitting_data, options), options, setup.normalization)
        evaluations += share
        if challenge.incumbent !== nothing   # a cheap duel with the incumbent on the subsample first
            incumbent_loss = challenge.incumbent.loss
            if fitting_data !== setup.data
                incumbent_loss = evaluate_loss!(workspace, challenge.incumbent.tree, fitting_data, options)
                evaluations += share
            end
            member.loss < incumbent_loss || return false, evaluations
        end
    end
    if options.should_optimize_constants && time() < setup.deadline
        evaluations += share * optimize_constants!(member, fitting_data, workspace, options, challenge.rng,
                                                   setup.normalization)
    end
    if options.should_simplify   # 1.0000000002 -> 1, then 1 * x -> x: may lower the complexity
        evaluations += share * snap_constants!(member, fitting_data, workspace, options, setup.normalization,
                                               setup.loss_floor)
    end
    if fitting_data !== setup.data
        set_loss!(member, evaluate_loss!(workspace, member.tree, setup.data, options), options, setup.normalization)
        evaluations += 1
    end
    return true, evaluations
end

"""
    snap_final_front!(state, setup) -> state

The search's last step (with `snap_constants`): the constants of the final front that the data
cannot tell from simple values (1/2, 3, 2π) become those values (see simple_constants.jl), and
the hall of fame holds that front. Checkpoints, written during the search, keep the equations
as fitted: a resumed search goes on from those.
"""
function snap_final_front!(state::SearchState{T}, setup::SearchSetup{T}) where {T}
    options = setup.options
    options.snap_constants && squared_error_loss(options) || return state
    front = [copy_member(member) for member in pareto_front(state.hall_of_fame)]
    isempty(front) && return state
    state.evaluations += sum(map_on_workspaces(snap_front_member!, front, setup))
    snapped = HallOfFame{T}(options.maxsize, setup.loss_floor)
    foreach(member -> offer!(snapped, member), front)
    state.hall_of_fame = snapped
    return state
end

# Fitted on the hall of fame's fitting rows, like its challengers; scored on all the data.
function snap_front_member!(member::PopMember{T}, setup::SearchSetup{T}, workspace::Workspace{T}) where {T}
    fitting_data = setup.fitting_data
    share = fitting_data.n_rows / setup.data.n_rows
    spent = snap_to_simple_constants!(member, fitting_data, workspace, setup.options, setup.normalization,
                                      setup.loss_floor)
    (spent == 0 || fitting_data === setup.data) && return share * spent
    set_loss!(member, evaluate_loss!(workspace, member.tree, setup.data, setup.options), setup.options,
              setup.normalization)
    return share * spent + 1
end

"""
    map_on_workspaces(work, items, setup) -> results in item order

`work(item, setup, workspace)` for every item, one task each, spread over the threads; each
task borrows a workspace from the pool for its duration.
"""
function map_on_workspaces(work::F, items::Vector, setup::SearchSetup) where {F}
    tasks = [Threads.@spawn with_pooled_workspace(work, item, setup, setup.workspaces) for item in items]
    return [fetch(task) for task in tasks]
end

"""
    equation_search(data::Dataset, options::Options; on_iteration=state->nothing, stop_requested, started_at=time(), deadline=Inf,
                    scheduler=ThreadScheduler()) -> SearchState

Run the evolutionary search; the `scheduler` says where populations evolve (see scheduling.jl).
`on_iteration(state)` is called once the initial populations are scored (`state.iterations == 0`)
and after every iteration (the protocol writes the hall of fame there). With a `checkpoint` the search resumes from its
populations and hall of fame (see `initial_state`). Setting `stop_requested[] = true` ends the search once
the populations notice it; Ctrl-C does the same. `timeout_in_seconds` counts from `started_at`,
so a caller can include its own preparation (and the compilation it triggers) in the budget;
`deadline` (a `time()`) ends the search earlier when it falls first. Past it, no population starts
another cycle and no constants are fitted: the search hurries to its first front. With
`snap_constants`, the front's constants are then snapped to simple values (`snap_final_front!`).

`on_ready(state)` is called once, when the search runs at full speed: after its set-up, or,
for the first search of its kind in this process (see `search_kind_compiled`), after the first
iteration, which compiles it. `evaluations_per_second` counts from there.
"""
function equation_search(data::Dataset{T}, options::Options; on_iteration=state -> nothing,
                         on_ready=state -> nothing,
                         stop_requested::Threads.Atomic{Bool}=Threads.Atomic{Bool}(false),
                         started_at::Float64=time(), deadline::Float64=Inf,
                         checkpoint::Union{Nothing,Checkpoint}=nothing, checkpoint_path::AbstractString="",
                         scheduler::PopulationScheduler=ThreadScheduler()) where {T}
    setup = SearchSetup(data, options, stop_requested, started_at, deadline)
    compiles = !search_kind_compiled(data, options)
    gc_start = Base.gc_time_ns()
    state = initial_state(setup, checkpoint, checkpoint_path)
    # The initial populations' best equations are a front already: reported before the first
    # iteration, a cold engine whose budget ends during it still has one to show.
    state.seconds = time() - setup.start
    on_iteration(state)
    compiles || mark_ready!(state, setup, on_ready)
    try
        evolve_until_stopped!(state, setup, on_iteration, scheduler, compiles ? on_ready : nothing)
    catch error
        # Ctrl-C outside the population phase (e.g. while merging): keep what was merged.
        is_interrupt(error) || rethrow()
        state.stop_reason = :interrupted
        on_iteration(state)
    end
    snap_final_front!(state, setup)
    state.seconds = time() - setup.start
    state.gc_seconds = (Base.gc_time_ns() - gc_start) / 1e9
    return state
end

# `on_ready`, when given, is called after the first iteration (which compiled the search).
function evolve_until_stopped!(state::SearchState, setup::SearchSetup, on_iteration, scheduler::PopulationScheduler,
                               on_ready=nothing)
    options = setup.options
    while true
        step = IterationStep(state.frequencies, current_maxsize(options, state.iterations + 1), setup.deadline)
        reports = evolve_populations!(scheduler, state.populations, setup, step)
        merge_reports!(state, setup, reports)
        if !can_continue(scheduler)   # every worker process is lost: end with the front so far
            state.seconds = time() - setup.start
            state.stop_reason = :workers_lost
            on_iteration(state)
            return state
        end
        state.iterations += 1
        migrate_all!(state, options)
        state.seconds = time() - setup.start
        if on_ready !== nothing && state.iterations == 1
            remember_search_kind!(setup.data, options)
            mark_ready!(state, setup, on_ready)
        end
        on_iteration(state)
        reason = setup.stop_requested[] ? requested_stop_reason(setup) : stop_reason(state, setup)
        if reason !== :none
            state.stop_reason = reason
            return state
        end
    end
end

# A `stop` once the deadline has passed is the frontend keeping the budget (a deterministic search
# checks the clock only between iterations, `stop` within them): a timeout, not an interrupt.
requested_stop_reason(setup::SearchSetup) = time() >= setup.deadline ? :timeout : :interrupted

"""Merge the populations' reports in population order into the hall of fame."""
function merge_reports!(state::SearchState{T}, setup::SearchSetup{T}, reports::Vector{PopulationReport{T}}) where {T}
    candidates = PopMember{T}[]
    for report in reports
        state.evaluations += report.evaluations
        add_counts!(state.frequencies, report.complexity_counts)
        for c in eachindex(report.best_seen.exists)
            report.best_seen.exists[c] && push!(candidates, report.best_seen.members[c])
        end
    end
    return improve_hall_of_fame!(state, setup, candidates)
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
