# Where the populations of one iteration evolve: one after another (serial), on the threads of
# this process, or on Distributed worker processes. The search loop calls `evolve_populations!`
# and never asks which. Each population carries its own random stream and the reports are merged
# in population order, so a seed gives the same front whichever scheduler runs it.

"""
The values of one iteration that every population step reads and nobody writes: plain data, sent
as is to worker processes (the data, options and buffers are each process's own).
"""
struct IterationStep
    frequencies::ComplexityFrequencies
    current_maxsize::Int
    deadline::Float64          # time() after which populations stop early; Inf when none
end

"""The step's `EvolutionContext` with this process's own options, data and stop flag."""
evolution_context(options::Options, data::Dataset, normalization::Float64, step::IterationStep,
                  stop_requested::Threads.Atomic{Bool}) =
    EvolutionContext(options, data, normalization, step.frequencies, step.current_maxsize, step.deadline, stop_requested)

"""How the populations of an iteration are evolved: see `evolve_populations!`."""
abstract type PopulationScheduler end

"""One population after another on the calling task (PySR's `parallelism="serial"`)."""
struct SerialScheduler <: PopulationScheduler end

"""One task per population, spread over this process's threads (`parallelism="multithreading"`)."""
struct ThreadScheduler <: PopulationScheduler end

"""
    evolve_populations!(scheduler, populations, setup, step) -> Vector{PopulationReport}

Evolve every population for one iteration and return their reports in population order. The
populations are updated in place (a process scheduler puts back the ones its workers return).
Reports of populations that could not finish (interrupted, or every worker lost) are missing.
"""
function evolve_populations!(::SerialScheduler, populations::Vector{Population{T}}, setup, step::IterationStep) where {T}
    context = evolution_context(setup.options, setup.data, setup.normalization, step, setup.stop_requested)
    return [with_pooled_workspace(evolve_population!, population, context, setup.workspaces) for population in populations]
end

function evolve_populations!(::ThreadScheduler, populations::Vector{Population{T}}, setup, step::IterationStep) where {T}
    context = evolution_context(setup.options, setup.data, setup.normalization, step, setup.stop_requested)
    return run_populations(populations, context, setup.workspaces)
end

"""Whether the scheduler can run another iteration (a process scheduler needs a live worker)."""
can_continue(::PopulationScheduler) = true

"""Extra `key => value` pairs for the progress and done lines (the process scheduler's workers)."""
scheduler_facts(::PopulationScheduler) = ()

"""
Evolve the populations on this process's threads and collect the reports in population order.

One worker task per thread takes populations from a shared queue, costliest first (their node
count estimates their cost), and starts the next only when it has finished one: greedy list
scheduling, so a population of large trees cannot be left to start last while the other threads
idle. (Spawning a task per population in that order would not do it: Julia's scheduler takes
queued tasks in no fixed order.) The order in which populations run changes no result: each has
its own random stream.

Ctrl-C may surface in the waiting task or inside a worker: either way the other populations are
asked to stop, and the reports of those that finished are kept.
"""
function run_populations(populations::Vector{Population{T}}, context::EvolutionContext{T},
                         workspaces::Channel{Workspace{T}}) where {T}
    queue = sortperm(map(total_nodes, populations); rev=true)
    taken = Threads.Atomic{Int}(0)
    reports = Vector{Union{Nothing,PopulationReport{T}}}(nothing, length(populations))
    workers = [Threads.@spawn evolve_from_queue!(reports, queue, taken, populations, context, workspaces)
               for _ in 1:min(Threads.nthreads(), length(populations))]
    fetch_each(workers, () -> context.stop_requested[] = true)
    return PopulationReport{T}[report for report in reports if report !== nothing]
end

"""A worker of `run_populations`: evolve `populations[queue[k]]` for the next untaken k until none is left."""
function evolve_from_queue!(reports::Vector, queue::Vector{Int}, taken::Threads.Atomic{Int},
                            populations::Vector, context::EvolutionContext, workspaces::Channel)
    while true
        k = Threads.atomic_add!(taken, 1) + 1   # atomic_add! returns the old value
        k > length(queue) && return nothing
        index = queue[k]
        reports[index] = with_pooled_workspace(evolve_population!, populations[index], context, workspaces)
    end
end

"""
    fetch_each(tasks, on_interrupt) -> results in task order

Wait for every task. Ctrl-C, whether it reaches the waiting task or one of `tasks`, calls
`on_interrupt()` (which asks the tasks to finish early) and the waiting goes on; a task that was
itself interrupted has no result: `nothing`.
"""
function fetch_each(tasks::Vector{Task}, on_interrupt)
    results = Vector{Any}(nothing, length(tasks))
    for (i, task) in enumerate(tasks)
        while true
            try
                results[i] = fetch(task)
                break
            catch error
                is_interrupt(error) || rethrow()
                on_interrupt()
                istaskdone(task) && break
            end
        end
    end
    return results
end

"""The nodes of all members of `population`: what evaluating it costs, roughly."""
total_nodes(population::Population) = foldl((total, member) -> total + node_count(member.tree), population.members; init=0)

"""`work(item, context, workspace)` with a workspace borrowed from `workspaces` for the call."""
function with_pooled_workspace(work::F, item, context, workspaces::Channel) where {F}
    workspace = take!(workspaces)
    try
        return work(item, context, workspace)
    finally
        put!(workspaces, workspace)
    end
end

is_interrupt(error) = error isa InterruptException ||
    (error isa TaskFailedException && error.task.exception isa InterruptException)
