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
Evolve every population on its own task and collect the reports in population order.
Ctrl-C may surface in the waiting main task or inside any population's task: either way the
other populations are asked to stop, and the reports of those that finished are kept.

The costliest populations start first (their node count estimates their cost): a population of
large trees started last would leave the other threads idle at the end of the iteration. The
order in which populations run changes no result (each has its own random stream).
"""
function run_populations(populations::Vector{Population{T}}, context::EvolutionContext{T},
                         workspaces::Channel{Workspace{T}}) where {T}
    tasks = Vector{Task}(undef, length(populations))
    for index in sortperm(map(total_nodes, populations); rev=true)
        tasks[index] = Threads.@spawn with_pooled_workspace(evolve_population!, populations[index], context, workspaces)
    end
    reports = PopulationReport{T}[]
    for task in tasks
        while true
            try
                push!(reports, fetch(task))
                break
            catch error
                is_interrupt(error) || rethrow()
                context.stop_requested[] = true
                istaskdone(task) && break  # this population was interrupted: its report is lost
            end
        end
    end
    return reports
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
