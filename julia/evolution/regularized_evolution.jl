# One population's work for one iteration: cycles of regularized evolution (the offspring of a
# tournament winner replaces the oldest member), then simplification and constant optimization.

"""
What one population reports back after an iteration (merged at the iteration barrier). With
batching, the losses in `best_seen` are mini-batch estimates.
"""
struct PopulationReport{T<:AbstractFloat}
    best_seen::HallOfFame{T}
    complexity_counts::Vector{Float64}
    evaluations::Float64
end

"""
Everything a population step reads and nobody writes during an iteration: passed as plain
data so the same named function can run on a thread or a Distributed worker.
"""
struct EvolutionContext{T<:AbstractFloat,O<:Options}
    options::O
    data::Dataset{T}
    normalization::Float64
    frequencies::ComplexityFrequencies
    current_maxsize::Int
    deadline::Float64          # time() after which to stop early; Inf when none
    stop_requested::Threads.Atomic{Bool}
end

"""Rows of the mini-batch, or 0 when the loss is taken on all rows."""
batch_rows(options::Options, data::Dataset) = options.batching && options.batch_size < data.n_rows ? options.batch_size : 0

"""Data to score candidates on during one cycle: a fresh mini-batch when batching."""
function cycle_data(context::EvolutionContext{T}, workspace::Workspace{T}, rng::AbstractRNG) where {T}
    workspace.batch.n_rows == 0 && return context.data
    return draw_batch!(workspace.batch, context.data, rng)
end

"""An evaluation on `data` counted in full-data equivalents (a batch costs its share of rows)."""
evaluation_cost(data::Dataset, context::EvolutionContext) = data.n_rows / context.data.n_rows

"""Whether a candidate may enter the population: size, depth and operator constraints (see `check_constraints`)."""
satisfies_limits(tree::Node, context::EvolutionContext) = check_constraints(tree, context.options, context.current_maxsize)

# Mutation weights for one parent: a mutation that cannot apply to it gets weight 0.
function mutation_weights_for(member::PopMember, context::EvolutionContext)::NTuple{N_MUTATION_KINDS,Float64}
    weights = context.options.mutation_weights.values
    tree = member.tree
    has_constants = count_constants(tree) > 0
    is_leaf = tree.degree == 0
    at_size_limit = member.complexity >= context.current_maxsize
    has_binary = count_nodes(node -> node.degree == 2, tree) > 0
    can_rotate = count_nodes(is_rotation_root, tree) > 0
    can_optimize = context.options.should_optimize_constants && has_constants
    return ntuple(Val(N_MUTATION_KINDS)) do i   # Val: unrolled, so no allocation (plain ntuple unrolls only up to 10)
        kind = MUTATION_KINDS[i]
        excluded = (kind === :mutate_constant && !has_constants) ||
                   ((kind === :add_node || kind === :insert_node) && at_size_limit) ||
                   ((kind === :mutate_operator || kind === :delete_node || kind === :simplify) && is_leaf) ||
                   (kind === :swap_operands && !has_binary) ||
                   (kind === :rotate_tree && !can_rotate) ||
                   (kind === :optimize && !can_optimize)
        excluded ? 0.0 : weights[i]
    end
end

function sample_weighted(rng::AbstractRNG, weights::NTuple{N,Float64}) where {N}
    total = sum(weights)
    total > 0 || return 0
    threshold = rand(rng) * total
    cumulative = 0.0
    for i in 1:N
        cumulative += weights[i]
        threshold < cumulative && return i
    end
    return findlast(>(0), weights)
end

function apply_mutation!(rng, kind::Symbol, tree::Node, temperature::Float64, context::EvolutionContext)
    options, n_features = context.options, context.data.n_features
    kind === :mutate_constant && return mutate_constant!(rng, tree, temperature, options)
    kind === :mutate_operator && return mutate_operator!(rng, tree, options)
    kind === :swap_operands && return swap_operands!(rng, tree, options)
    kind === :rotate_tree && return rotate_tree!(rng, tree)
    kind === :add_node && return add_node!(rng, tree, n_features, options)
    kind === :insert_node && return insert_node!(rng, tree, n_features, options)
    kind === :delete_node && return delete_node!(rng, tree, options)
    kind === :randomize &&
        return random_tree(rng, typeof(tree.value), rand(rng, 0:max(0, context.current_maxsize ÷ 2 - 1)),
                           options.operators, n_features)
    return tree
end

"""
    mutated_offspring(population, parent, temperature, context, workspace, data) -> (member, evaluations)

A mutated copy of `parent`, or an unchanged copy when the mutation fails the size limits,
gives a non-finite loss, or is refused by annealing / the frequency rule.
"""
function mutated_offspring(population::Population{T}, parent::PopMember{T}, temperature::Float64,
                           context::EvolutionContext, workspace::Workspace{T}, data::Dataset{T}) where {T}
    rng, options, spare = population.rng, context.options, workspace.spare_nodes
    cost = evaluation_cost(data, context)
    weights = mutation_weights_for(parent, context)
    choice = sample_weighted(rng, weights)
    kind = choice == 0 ? :do_nothing : MUTATION_KINDS[choice]
    birth = next_birth!(population)
    kind === :do_nothing && return unchanged_copy(parent, birth, spare), 0.0
    if kind === :simplify
        offspring = unchanged_copy(parent, birth, spare)
        offspring.tree = simplify_within_constraints(offspring.tree, options, context.current_maxsize)
        set_loss!(offspring, evaluate_loss!(workspace, offspring.tree, data, options),
                  options, context.normalization)
        return offspring, cost
    elseif kind === :optimize
        offspring = unchanged_copy(parent, birth, spare)
        evaluations = optimize_constants!(offspring, data, workspace, options, rng, context.normalization)
        return offspring, evaluations * cost
    end
    tree = nothing
    for _ in 1:10
        draft = copy_tree(spare, parent.tree)
        candidate = apply_mutation!(rng, kind, draft, temperature, context)
        kind === :randomize && recycle_tree!(spare, draft)  # a new tree replaced the draft
        if satisfies_limits(candidate, context)
            tree = candidate
            break
        end
        recycle_tree!(spare, candidate)
    end
    tree === nothing && return unchanged_copy(parent, birth, spare), 0.0
    loss = evaluate_loss!(workspace, tree, data, options)
    if !isfinite(loss)
        recycle_tree!(spare, tree)
        return unchanged_copy(parent, birth, spare), cost
    end
    candidate = PopMember(tree, loss, birth, options, context.normalization)
    accept_probability = 1.0
    if options.annealing
        delta = candidate.cost - parent.cost
        accept_probability = exp(-delta / (max(temperature, 1e-12) * options.alpha))
    end
    if options.use_frequency
        old_frequency = frequency_of(context.frequencies, parent.complexity)
        new_frequency = frequency_of(context.frequencies, candidate.complexity)
        accept_probability *= old_frequency / new_frequency
    end
    if accept_probability < rand(rng)
        recycle_tree!(spare, tree)
        return unchanged_copy(parent, birth, spare), cost
    end
    return candidate, cost
end

# A refused mutation still yields an offspring (a copy of the parent, newly born): it replaces
# the oldest member all the same. Copied only when needed, as most mutations are accepted.
function unchanged_copy(parent::PopMember{T}, birth::Int, spare::SpareNodes{T}) where {T}
    return PopMember{T}(copy_tree(spare, parent.tree), parent.loss, parent.cost, parent.complexity, birth)
end

"""Two offspring by crossover of two tournament winners (copies of the parents when too big)."""
function crossover_offspring(population::Population{T}, mother::PopMember{T}, father::PopMember{T},
                             context::EvolutionContext, workspace::Workspace{T}, data::Dataset{T}) where {T}
    rng, options, spare = population.rng, context.options, workspace.spare_nodes
    for _ in 1:10
        a, b = crossover_trees!(rng, copy_tree(spare, mother.tree), copy_tree(spare, father.tree))
        if !(satisfies_limits(a, context) && satisfies_limits(b, context))
            recycle_tree!(spare, a); recycle_tree!(spare, b)
            continue
        end
        loss_a = evaluate_loss!(workspace, a, data, options)
        loss_b = evaluate_loss!(workspace, b, data, options)
        children = (PopMember(a, loss_a, next_birth!(population), options, context.normalization),
                    PopMember(b, loss_b, next_birth!(population), options, context.normalization))
        return children, 2 * evaluation_cost(data, context)
    end
    fallback = (unchanged_copy(mother, next_birth!(population), spare),
                unchanged_copy(father, next_birth!(population), spare))
    return fallback, 0.0
end

"""The offspring replaces the oldest member, whose nodes are recycled (nothing else holds them)."""
function replace_oldest!(population::Population, offspring::PopMember, report_counts::Vector{Float64},
                         best_seen::HallOfFame, spare::SpareNodes)
    oldest = oldest_index(population)
    recycle_tree!(spare, population.members[oldest].tree)
    population.members[oldest] = offspring
    c = offspring.complexity
    1 <= c <= length(report_counts) && (report_counts[c] += 1)
    offer!(best_seen, offspring)
    return nothing
end

out_of_time(context::EvolutionContext) =
    context.stop_requested[] || (!context.options.deterministic && time() > context.deadline)

# The scheduler gets a turn every this many cycles: the engine's stdin reader shares thread 1 with
# the populations, and must hear a `stop` within a few cycles, not only after the iteration (a
# long one on big data or with many cycles). A yield costs ~0.2 us, a cycle some microseconds.
const YIELD_EVERY_CYCLES = 8

"""
    evolve_population!(population, context, workspace) -> PopulationReport

`ncycles_per_iteration` cycles of regularized evolution with a temperature falling from 1 to 0,
then simplification and constant optimization of the members.
"""
function evolve_population!(population::Population{T}, context::EvolutionContext{T},
                            workspace::Workspace{T}) where {T}
    options = context.options
    best_seen = HallOfFame{T}(options.maxsize)
    counts = zeros(options.maxsize)
    evaluations = 0.0
    rounds_per_cycle = cld(options.population_size, options.tournament_selection_n)
    n_cycles = options.ncycles_per_iteration
    for cycle in 1:n_cycles
        cycle % YIELD_EVERY_CYCLES == 1 && yield()
        out_of_time(context) && break
        temperature = n_cycles == 1 ? 1.0 : 1.0 - (cycle - 1) / (n_cycles - 1)
        data = cycle_data(context, workspace, population.rng)
        for _ in 1:rounds_per_cycle
            if rand(population.rng) < options.crossover_probability
                mother = tournament_winner(population, context.frequencies, options)
                father = tournament_winner(population, context.frequencies, options)
                children, spent = crossover_offspring(population, mother, father, context, workspace, data)
                evaluations += spent
                for child in children
                    replace_oldest!(population, child, counts, best_seen, workspace.spare_nodes)
                end
            else
                parent = tournament_winner(population, context.frequencies, options)
                child, spent = mutated_offspring(population, parent, temperature, context, workspace, data)
                evaluations += spent
                replace_oldest!(population, child, counts, best_seen, workspace.spare_nodes)
            end
        end
    end
    evaluations += simplify_and_optimize!(population, context, workspace, best_seen,
                                          cycle_data(context, workspace, population.rng))
    return PopulationReport{T}(best_seen, counts, evaluations)
end

function simplify_and_optimize!(population::Population{T}, context::EvolutionContext{T},
                                workspace::Workspace{T}, best_seen::HallOfFame{T}, data::Dataset{T}) where {T}
    options = context.options
    cost = evaluation_cost(data, context)
    evaluations = 0.0
    best = best_member(population)  # its constants are always fitted: it is the likeliest winner
    for member in population.members
        if options.should_simplify
            simplified = simplify_within_constraints(member.tree, options, context.current_maxsize)
            if simplified !== member.tree || compute_complexity(simplified, options) != member.complexity
                member.tree = simplified
                set_loss!(member, evaluate_loss!(workspace, member.tree, data, options),
                          options, context.normalization)
                evaluations += cost
            end
        end
        if options.should_optimize_constants && !out_of_time(context) &&
           (member === best || rand(population.rng) < options.optimize_probability)
            evaluations += cost * optimize_constants!(member, data, workspace, options,
                                                      population.rng, context.normalization)
        end
        offer!(best_seen, member)
    end
    return evaluations
end
