# Starting the worker processes of `parallelism="multiprocessing"` with Julia's own Distributed:
# `addprocs` on this machine, over SSH for `cluster_hosts` (Julia's machine specs), or with
# `srun` inside a SLURM allocation (`cluster_manager="slurm"`, a ClusterManager of our own,
# since ClusterManagers.jl is not a standard library). Each worker then loads the engine
# (`using PySRLite`). A persistent engine keeps its workers for the next search with the same plan.

"""
How a run spreads over processes: PySR's `parallelism`, `procs` and cluster options, as the
frontend resolved them into options.toml (docs/protocol.md).
"""
struct ParallelismPlan
    parallelism::String             # "serial", "multithreading" or "multiprocessing"
    procs::Int                      # worker processes (multiprocessing only; else 0)
    threads::Int                    # Julia threads of each worker process
    cluster_manager::String         # "slurm", or "" (this machine, or cluster_hosts over SSH)
    cluster_hosts::Vector{String}   # Julia machine specs ("node1", "4*node2", "user@node3:2222"); empty: this machine
    shared_filesystem::Bool         # workers read the run folder themselves; false: its files are shipped once
end

const PARALLELISM_CHOICES = ("serial", "multithreading", "multiprocessing")
# options.toml keys that describe processes, not the search (not `Options` fields).
const PARALLELISM_KEYS = ("parallelism", "procs", "cluster_manager", "cluster_hosts", "cluster_shared_filesystem")

"""
    parallelism_plan(settings) -> ParallelismPlan

The plan from options.toml's settings (defaults: multithreading, as PySR); an `InvalidRunError`
for values the frontend would never write.
"""
function parallelism_plan(settings::Dict{String,Any})
    parallelism = get(settings, "parallelism", "multithreading")
    parallelism in PARALLELISM_CHOICES || throw(InvalidRunError(
        "options.toml: parallelism must be one of $(join(repr.(PARALLELISM_CHOICES), ", ")), got $(repr(parallelism))"))
    procs = get(settings, "procs", 0)
    threads = max(1, get(settings, "threads", 1))
    manager = get(settings, "cluster_manager", "")
    manager in ("", "slurm") || throw(InvalidRunError("options.toml: cluster_manager must be \"slurm\", got $(repr(manager))"))
    hosts = string_list(get(settings, "cluster_hosts", String[]), "cluster_hosts")
    shared = get(settings, "cluster_shared_filesystem", true)
    procs isa Integer && threads isa Integer && shared isa Bool || throw(InvalidRunError(
        "options.toml: procs and threads must be integers, cluster_shared_filesystem a boolean"))
    if parallelism == "multiprocessing"
        procs >= 1 || throw(InvalidRunError("options.toml: parallelism = \"multiprocessing\" needs procs >= 1, got $procs"))
        isempty(hosts) || procs == machine_count(hosts) || throw(InvalidRunError(
            "options.toml: procs = $procs, but cluster_hosts start $(machine_count(hosts)) workers"))
    end
    return ParallelismPlan(parallelism, procs, threads, manager, hosts, shared)
end

"""
    machine_spec(text) -> spec for `addprocs`

One line of Julia's `--machine-file` format, `[count*][user@]host[:port] [bind_addr[:port]]`,
as `Distributed.addprocs` takes it: `"node1"`, or `("node2", 4)` for `"4*node2"`.
"""
function machine_spec(text::AbstractString)
    parts = split(strip(text), '*'; limit=2)
    length(parts) == 2 || return String(strip(text))
    all(isdigit, strip(parts[1])) && !isempty(strip(parts[1])) || throw(InvalidRunError(
        "cluster_hosts: $(repr(text)) is not a machine spec such as \"node1\" or \"4*node1\""))
    return (String(strip(parts[2])), parse(Int, strip(parts[1])))
end

"""Workers that `hosts` (machine specs) start: 1 per plain host, `count` for `count*host`."""
machine_count(hosts::Vector{String}) = sum(Int[(spec = machine_spec(h); spec isa Tuple ? spec[2] : 1) for h in hosts])

"""The directory of the engine's Project.toml: every worker is started on it."""
engine_directory() = dirname(dirname(pathof(PySRLite)))

"""The Julia flags of a worker: the engine's project and `threads` threads."""
worker_flags(threads::Int) = `--project=$(engine_directory()) --startup-file=no -t $threads`

"""
The `--cpu-target` this process was started with, for workers on the same machine (none when it
was Julia's own choice, `native`). The frontend chooses one where Julia's own would compile
slow generic code (pysr_lite/cpu_target.py); workers on other hosts keep their own choice.
"""
function cpu_target_flags()
    pointer = Base.JLOptions().cpu_target
    target = pointer == C_NULL ? "native" : unsafe_string(pointer)
    return target == "native" ? `` : `--cpu-target=$target`
end

"""A failure to start worker processes or to load the engine on them (the message says which)."""
struct WorkerStartError <: Exception
    message::String
end
Base.showerror(io::IO, e::WorkerStartError) = print(io, e.message)

# --- SLURM ------------------------------------------------------------------------------------------

"""
    SlurmManager(procs, threads)

A Distributed `ClusterManager` that starts `procs` workers as the tasks of one `srun` job step
inside the current SLURM allocation, `threads` CPUs each. The cluster cookie reaches the
workers on srun's standard input (`--input=all`), never on a command line others could read.
"""
struct SlurmManager <: Distributed.ClusterManager
    procs::Int
    threads::Int
end

"""
    slurm_worker_command(procs, threads, julia, flags) -> Cmd

The one `srun` command that starts every worker: one task per worker, `threads` CPUs per task,
the workers' output back on srun's stdout, one whole line at a time with its task's label
(`--label`: a worker writes its address in several pieces, which would otherwise interleave with
another's), and a task that dies does not end the others (`--kill-on-bad-exit=0`: the search goes
on without it).
"""
slurm_worker_command(procs::Int, threads::Int, julia::AbstractString, flags::Cmd) =
    `srun --ntasks=$procs --cpus-per-task=$threads --kill-on-bad-exit=0 --input=all --label --job-name=pysr_lite_workers $julia $flags --worker`

# How long the srun job step may take to start every worker (it may wait for resources).
const SLURM_START_SECONDS = 300.0

function Distributed.launch(manager::SlurmManager, params::Dict, launched::Array, started::Condition)
    command = slurm_worker_command(manager.procs, manager.threads, params[:exename], params[:exeflags])
    process = open(command, "r+")
    write(process, Distributed.cluster_cookie(), "\n")
    close(process.in)
    for (host, port) in read_worker_addresses(process, manager.procs)
        config = Distributed.WorkerConfig()
        config.host, config.port = host, port
        push!(launched, config)
    end
    notify(started)
    @async forward_output(process)   # the workers' later output, to our stderr (stdout is the protocol)
    return nothing
end

Distributed.manage(::SlurmManager, ::Integer, ::Distributed.WorkerConfig, ::Symbol) = nothing

"""The `julia_worker:PORT#HOST` lines of `count` workers on `io` (after srun's task label);
other lines go to stderr."""
function read_worker_addresses(io::IO, count::Int)
    addresses = Tuple{String,Int}[]
    timer = Timer(_ -> close(io), SLURM_START_SECONDS)
    try
        while length(addresses) < count
            eof(io) && throw(WorkerStartError(
                "srun ended after starting $(length(addresses)) of $count workers (its messages are in the engine's stderr)"))
            line = readline(io)
            m = match(r"julia_worker:(\d+)#(\S+)", line)
            m === nothing ? println(stderr, line) : push!(addresses, (String(m.captures[2]), parse(Int, m.captures[1])))
        end
    finally
        close(timer)
    end
    return addresses
end

function forward_output(io::IO)
    try
        for line in eachline(io)
            println(stderr, "worker: ", line)
        end
    catch
    end
end

# --- starting and keeping workers -------------------------------------------------------------------

"""The workers this process started, and the plan they were started for (a persistent engine
reuses them); `nothing` before the first multiprocessing search."""
const STARTED_WORKERS = Ref{Union{Nothing,Tuple{ParallelismPlan,Vector{Int}}}}(nothing)

same_workers(a::ParallelismPlan, b::ParallelismPlan) =
    (a.procs, a.threads, a.cluster_manager, a.cluster_hosts) == (b.procs, b.threads, b.cluster_manager, b.cluster_hosts)

"""
    engine_workers(plan) -> Vector{Int}

Worker process ids for a multiprocessing run: those started for an earlier run with the same plan
when all are alive, else new ones (the old ones are removed). Throws `WorkerStartError`.
"""
function engine_workers(plan::ParallelismPlan)
    cached = STARTED_WORKERS[]
    if cached !== nothing
        cached_plan, pids = cached
        same_workers(cached_plan, plan) && all(pid -> pid in Distributed.workers(), pids) && return pids
        STARTED_WORKERS[] = nothing
        remove_workers(pids)
    end
    pids = start_workers(plan)
    STARTED_WORKERS[] = (plan, pids)
    return pids
end

function remove_workers(pids::Vector{Int})
    alive = filter(pid -> pid in Distributed.workers() && pid != 1, pids)
    isempty(alive) || try Distributed.rmprocs(alive; waitfor=10) catch end
    return nothing
end

where_workers_run(plan::ParallelismPlan) =
    plan.cluster_manager == "slurm" ? "with srun" : isempty(plan.cluster_hosts) ? "on this machine" : "on $(join(plan.cluster_hosts, ", "))"

"""The variables that decide how a worker's Julia loads: its libraries (a private libunwind, see
scripts/install_julia.sh) and where its packages and compiled caches are."""
const FORWARDED_VARIABLES = ("LD_LIBRARY_PATH", "JULIA_DEPOT_PATH", "JULIA_LOAD_PATH")

"""
    remote_julia_command(environment=ENV) -> Cmd

How workers started over SSH run Julia: this process's Julia binary, with the head's values of
`FORWARDED_VARIABLES`. A login shell over SSH does not inherit them (local workers and `srun`'s
do), and Julia 1.5's `addprocs` has no `env` keyword; without them Debian's Julia 1.5 crashed on
its first exception and a worker looked for the engine's compiled cache in another depot.
"""
function remote_julia_command(environment=ENV)
    julia = joinpath(Sys.BINDIR, Base.julia_exename())
    settings = [name * "=" * environment[name] for name in FORWARDED_VARIABLES if haskey(environment, name)]
    return isempty(settings) ? `$julia` : `env $settings $julia`
end

# Workers talk to the head only (master_worker): at a thousand workers, all-to-all would be half a
# million connections that the search never uses.
function start_workers(plan::ParallelismPlan)
    flags = worker_flags(plan.threads)
    pids = try
        if plan.cluster_manager == "slurm"
            Distributed.addprocs(SlurmManager(plan.procs, plan.threads); exeflags=flags, topology=:master_worker)
        elseif !isempty(plan.cluster_hosts)
            Distributed.addprocs(Any[machine_spec(host) for host in plan.cluster_hosts]; exeflags=flags,
                                 topology=:master_worker, dir=engine_directory(), exename=remote_julia_command())
        else   # on this machine, so with the head's CPU target (see pysr_lite/cpu_target.py)
            Distributed.addprocs(plan.procs; exeflags=`$flags $(cpu_target_flags())`, topology=:master_worker)
        end
    catch error
        error isa InterruptException && rethrow()
        throw(WorkerStartError("could not start $(plan.procs) worker processes $(where_workers_run(plan)): $(one_line_message(error))"))
    end
    try
        Distributed.remotecall_eval(Main, pids, :(using PySRLite))
    catch error
        remove_workers(pids)
        error isa InterruptException && rethrow()
        throw(WorkerStartError("the worker processes $(where_workers_run(plan)) could not load the engine " *
                               "(`using PySRLite` with --project=$(engine_directory())): $(one_line_message(error))"))
    end
    return pids
end
