# Populations evolved on Distributed worker processes (`parallelism="multiprocessing"`).
#
# The head process (the engine the frontend talks to) owns the populations, as it does with
# threads: every iteration it sends each worker one message with the populations it is to evolve
# (their random streams included) and the iteration's plain values (`IterationStep`), and gets
# them back with their reports; merging, migration and the hall of fame stay on the head. The
# work done is exactly the threaded work, so a seed gives the same front on threads or processes.
#
# Each worker keeps what is its own for the whole search (`WorkerSearch`): the options (with the
# user's functions, loaded from user.jl on the worker), the data (memory-mapped from the run
# folder, or shipped once when the file system is not shared) and its buffers. Only named
# functions of this module are called remotely, with plain data: Julia 1.5 can crash a worker that
# receives an anonymous function.
#
# A worker that dies is dropped: its populations, as the head last had them, evolve on the
# remaining workers (no equation is lost, and a deterministic search even ends with the front it
# would have found without the fault). With no worker left, the search ends with its front.

# --- the worker's side ----------------------------------------------------------------------------

"""A run folder every worker can read at the same path (a shared file system)."""
struct SharedRunFolder
    path::String
end

"""The files of a run folder, shipped once to workers that cannot read it
(`cluster_shared_filesystem=False`); the worker writes them to a folder of its own."""
struct ShippedRunFolder
    files::Vector{Pair{String,Vector{UInt8}}}
end

"""The files a worker needs to load a run (never the engine's outputs)."""
const RUN_INPUT_FILES = ("options.toml", "user.jl", "X.bin", "y.bin", "weights.bin")

function ShippedRunFolder(run_folder::AbstractString)
    files = [name => read(joinpath(run_folder, name)) for name in RUN_INPUT_FILES if isfile(joinpath(run_folder, name))]
    return ShippedRunFolder(files)
end

"""What a worker keeps for one search between iterations: its own options, data and buffers."""
struct WorkerSearch{T<:AbstractFloat,O<:Options}
    options::O
    data::Dataset{T}
    normalization::Float64
    workspaces::Channel{Workspace{T}}
    stop_requested::Threads.Atomic{Bool}
    private_folder::String      # where shipped files were written ("" for a shared run folder)
end

# A worker serves one head process, which opens and closes its searches explicitly: this table
# is the worker's counterpart of the head's SearchSetup, by the head's search number.
const WORKER_SEARCHES = Dict{Int,WorkerSearch}()
const WORKER_SEARCHES_LOCK = ReentrantLock()

worker_folder(source::SharedRunFolder) = (source.path, "")

function worker_folder(source::ShippedRunFolder)
    folder = mktempdir(; prefix="pysr_lite_worker_", cleanup=false)
    for (name, bytes) in source.files
        write(joinpath(folder, name), bytes)
    end
    return folder, folder
end

"""
    open_worker_search(search_id, source) -> nothing

On a worker: load the run (options.toml, user.jl, the data memory-mapped) and keep it for the
search's iterations. Throws what `load_run` throws, e.g. when the run folder is not visible here.
"""
function open_worker_search(search_id::Int, source::Union{SharedRunFolder,ShippedRunFolder})
    folder, private_folder = worker_folder(source)
    options, data, _ = load_run(folder)
    Base.invokelatest(register_worker_search, search_id, options, data, private_folder)
    return nothing
end

function register_worker_search(search_id::Int, options::Options, data::Dataset{T}, private_folder::String) where {T}
    workspaces = Channel{Workspace{T}}(Threads.nthreads())
    for _ in 1:Threads.nthreads()
        put!(workspaces, Workspace(data, batch_rows(options, data)))
    end
    # The same function on the same data as the head: the same normalization, bit for bit.
    normalization = baseline_loss(data, options, fetch(workspaces))
    search = WorkerSearch(options, data, normalization, workspaces, Threads.Atomic{Bool}(false), private_folder)
    lock(() -> WORKER_SEARCHES[search_id] = search, WORKER_SEARCHES_LOCK)
    return nothing
end

worker_search(search_id::Int) = lock(() -> WORKER_SEARCHES[search_id], WORKER_SEARCHES_LOCK)

"""
    evolve_on_worker(search_id, populations, step) -> (populations, reports)

On a worker: one iteration of the given populations on this process's threads. Entered in the
newest world, as the head enters its search: the user's functions were defined after this code.
"""
evolve_on_worker(search_id::Int, populations::Vector{<:Population}, step::IterationStep) =
    Base.invokelatest(evolve_worker_populations, worker_search(search_id), populations, step)

function evolve_worker_populations(search::WorkerSearch{T}, populations::Vector{Population{T}}, step::IterationStep) where {T}
    context = evolution_context(search.options, search.data, search.normalization, step, search.stop_requested)
    return populations, run_populations(populations, context, search.workspaces)
end

"""On a worker: make the running iteration's populations stop within a few cycles (a `stop`)."""
function stop_worker_search(search_id::Int)
    search = lock(() -> get(WORKER_SEARCHES, search_id, nothing), WORKER_SEARCHES_LOCK)
    search === nothing || (search.stop_requested[] = true)
    return nothing
end

"""On a worker: forget a search, unmap its data and remove the files shipped for it."""
function close_worker_search(search_id::Int)
    search = lock(() -> pop!(WORKER_SEARCHES, search_id, nothing), WORKER_SEARCHES_LOCK)
    search === nothing && return nothing
    release_data!(search.data)
    isempty(search.private_folder) || rm(search.private_folder; recursive=true, force=true)
    return nothing
end

# --- the head's side ------------------------------------------------------------------------------

"""
    ProcessScheduler(workers, run_folder; shared_filesystem=true, on_worker_lost=(pid, populations, remaining) -> nothing)

Evolve populations on Distributed `workers` (their process ids; each has loaded PySRLite). The
run is opened on every worker first (`open_worker_search`): a worker that cannot read the run
folder is an `InvalidRunError` that says how to fix it. `close_search!` ends it on the workers.
"""
mutable struct ProcessScheduler <: PopulationScheduler
    workers::Vector{Int}        # live workers holding this search, in a fixed order
    search_id::Int
    started_with::Int           # workers at the start of the search
    lost_workers::Int
    on_worker_lost::Function    # (pid, populations, remaining) -> nothing: tells the user
end

const SEARCH_NUMBERS = Threads.Atomic{Int}(0)   # numbers the head's searches on its workers

function ProcessScheduler(workers::Vector{Int}, run_folder::AbstractString; shared_filesystem::Bool=true,
                          on_worker_lost::Function=(pid, populations, remaining) -> nothing)
    isempty(workers) && throw(ArgumentError("a process scheduler needs at least one worker process"))
    search_id = Threads.atomic_add!(SEARCH_NUMBERS, 1) + 1
    source = shared_filesystem ? SharedRunFolder(abspath(run_folder)) : ShippedRunFolder(run_folder)
    scheduler = ProcessScheduler(copy(workers), search_id, length(workers), 0, on_worker_lost)
    outcomes = asyncmap(pid -> remote_outcome(open_worker_search, pid, search_id, source), workers)
    for (pid, outcome) in zip(workers, outcomes)
        outcome isa WorkerLost && (drop_worker!(scheduler, pid, 0); continue)
        outcome isa RemoteFailure || continue
        close_search!(scheduler)
        throw(InvalidRunError(cannot_open_message(pid, run_folder, shared_filesystem, outcome.message)))
    end
    isempty(scheduler.workers) && throw(InvalidRunError("every worker process died while loading the run"))
    return scheduler
end

function cannot_open_message(pid::Int, run_folder::AbstractString, shared_filesystem::Bool, message::AbstractString)
    host = try Distributed.remotecall_fetch(gethostname, pid) catch; "?" end
    hint = shared_filesystem ?
        " Every worker reads the run folder at the same path: put output_directory on a file system all nodes share, or set cluster_shared_filesystem=False to ship the data to the workers once." : ""
    return "worker process $pid on $host cannot load the run folder $run_folder: $message.$hint"
end

"""A worker process that died (or whose connection broke) while it held work."""
struct WorkerLost
    message::String
end

"""An error raised by the worker's own code (the worker itself is alive)."""
struct RemoteFailure
    message::String
end

"""`f(args...)` on worker `pid`; a `WorkerLost` when the process dies, a `RemoteFailure` when `f` throws there."""
function remote_outcome(f, pid::Int, args...)
    try
        return Distributed.remotecall_fetch(f, pid, args...)
    catch error
        error isa InterruptException && rethrow()
        worker_is_gone(pid, error) && return WorkerLost(one_line_message(error))
        message = error isa Distributed.RemoteException ? one_line_message(error.captured.ex) : one_line_message(error)
        return RemoteFailure(message)
    end
end

# A dead worker shows as ProcessExitedException, or as a broken connection until Distributed has
# deregistered it (which takes a moment after the connection breaks).
function worker_is_gone(pid::Int, error)
    error isa Distributed.ProcessExitedException && return true
    error isa Distributed.RemoteException && return false
    for _ in 1:50
        pid in Distributed.procs() || return true
        sleep(0.1)
    end
    return false
end

can_continue(scheduler::ProcessScheduler) = !isempty(scheduler.workers)

scheduler_facts(scheduler::ProcessScheduler) = ("workers" => length(scheduler.workers), "lost_workers" => scheduler.lost_workers)

function drop_worker!(scheduler::ProcessScheduler, pid::Int, populations::Int)
    filter!(!=(pid), scheduler.workers)
    scheduler.lost_workers += 1
    scheduler.on_worker_lost(pid, populations, length(scheduler.workers))
    return scheduler
end

"""Populations `indices` dealt to `workers` in turn: one batch (one message) per worker."""
function deal_populations(indices::Vector{Int}, workers::Vector{Int})
    batches = [pid => Int[] for pid in workers]
    for (k, index) in enumerate(indices)
        push!(batches[mod1(k, length(workers))].second, index)
    end
    return filter(batch -> !isempty(batch.second), batches)
end

function evolve_populations!(scheduler::ProcessScheduler, populations::Vector{Population{T}}, setup, step::IterationStep) where {T}
    reports = Vector{Union{Nothing,PopulationReport{T}}}(nothing, length(populations))
    pending = collect(eachindex(populations))
    while !isempty(pending) && !isempty(scheduler.workers)
        batches = deal_populations(pending, scheduler.workers)
        outcomes = gather_batches(scheduler, batches, populations, setup, step)
        for ((pid, indices), outcome) in zip(batches, outcomes)
            if outcome === nothing    # its waiting task was interrupted: these populations report nothing
                setdiff!(pending, indices)
            elseif outcome isa WorkerLost   # its populations stay as the head last had them, and run again
                drop_worker!(scheduler, pid, length(indices))
            elseif outcome isa RemoteFailure
                error("worker process $pid failed: $(outcome.message)")
            else
                evolved, batch_reports = outcome
                populations[indices] = evolved
                reports[indices] = batch_reports
                setdiff!(pending, indices)
            end
        end
    end
    return PopulationReport{T}[report for report in reports if report !== nothing]
end

"""Send every batch, then wait for all of them; a `stop` (or Ctrl-C) on the head reaches the
workers while they run, so they end their iteration within a few cycles."""
function gather_batches(scheduler::ProcessScheduler, batches, populations::Vector{Population{T}}, setup,
                        step::IterationStep) where {T}
    tasks = [@async remote_outcome(evolve_on_worker, pid, scheduler.search_id, populations[indices], step)
             for (pid, indices) in batches]
    watching = Ref(true)
    watcher = @async forward_stop(scheduler, setup.stop_requested, watching)
    # Ctrl-C on the head: the workers are told (by the watcher), and we wait for them.
    outcomes = fetch_each(tasks, () -> setup.stop_requested[] = true)
    watching[] = false
    return outcomes
end

function forward_stop(scheduler::ProcessScheduler, stop_requested::Threads.Atomic{Bool}, watching::Ref{Bool})
    while watching[]
        if stop_requested[]
            for pid in scheduler.workers
                try Distributed.remote_do(stop_worker_search, pid, scheduler.search_id) catch end
            end
            return nothing
        end
        sleep(0.02)
    end
    return nothing
end

"""End the search on the workers still alive (their data is unmapped, shipped files removed)."""
function close_search!(scheduler::ProcessScheduler)
    asyncmap(pid -> remote_outcome(close_worker_search, pid, scheduler.search_id), scheduler.workers)
    return nothing
end
