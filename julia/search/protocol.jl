# The engine's side of docs/protocol.md: the `pysr_lite:` lines on stdout, the commands on stdin,
# and the entry points `main` (one search) and `serve` (a persistent engine).

format_number(x::Real) = @sprintf("%.6g", x)
format_count(x::Real) = string(round(Int, x))

function protocol_line(kind::AbstractString, pairs::Pair...)
    println(stdout, "pysr_lite:", kind, isempty(pairs) ? "" : " ", join(("$key=$value" for (key, value) in pairs), " "))
    flush(stdout)
end

"""A `pysr_lite:KIND free text` line (errors and crashes carry a message, not pairs)."""
function protocol_line(kind::AbstractString, message::AbstractString)
    println(stdout, "pysr_lite:", kind, " ", message)
    flush(stdout)
end

function progress_line(state::SearchState, options::Options, facts::Pair...)
    protocol_line("progress", "iteration" => state.iterations, "niterations" => options.niterations,
                  "evals" => format_count(state.evaluations),
                  "evals_per_second" => format_number(evaluations_per_second(state)),
                  "seconds" => format_number(state.seconds),
                  "best_loss" => format_number(best_loss(state.hall_of_fame)),
                  "front_size" => length(pareto_front(state.hall_of_fame)), facts...)
end

"""A worker process died: the user hears of it (its populations go on elsewhere, see process_scheduler.jl)."""
report_lost_worker(pid::Int, populations::Int, remaining::Int) =
    protocol_line("worker_lost", "worker" => pid, "populations" => populations, "remaining" => remaining)

"""
    run_search_in_folder(run_folder) -> exit code

Run the search described by a run folder: 0 when it ran (also after a timeout or Ctrl-C),
2 for an invalid run folder or worker processes that cannot start (a `pysr_lite:error` line
says why).
"""
function run_search_in_folder(run_folder::AbstractString,
                              stop_requested::Threads.Atomic{Bool}=Threads.Atomic{Bool}(false))::Int
    started_at = time()  # the timeout covers loading and compiling too: the caller waits for all of it
    options, data, checkpoint, deadline, plan = try
        (load_run(run_folder)..., frontend_deadline(run_folder), parallelism_plan(run_folder))
    catch error
        error isa Union{InvalidRunError,UserCodeError,CheckpointError,SystemError} || rethrow()
        protocol_line("error", one_line_message(error))
        return 2
    end
    # Worker processes are reached through invokelatest, an inference barrier: compiling the
    # engine's entry points must not compile Distributed's worker start-up (seconds, on Julia 1.5)
    # for the searches that never use it.
    scheduler = try
        Base.invokelatest(population_scheduler, plan, run_folder)
    catch error
        error isa Union{InvalidRunError,WorkerStartError} || rethrow()
        protocol_line("error", one_line_message(error))
        release_data!(data)
        return 2
    end
    protocol_line("start", "n_rows" => data.n_rows, "n_features" => data.n_features,
                  "threads" => Threads.nthreads(), "populations" => options.populations,
                  "precision" => options.precision, "compiles" => !search_kind_compiled(data, options),
                  "parallelism" => plan.parallelism)
    scheduler isa ProcessScheduler && Base.invokelatest(workers_line, scheduler, plan)
    # User code was defined after this function was compiled: enter the search in the newest
    # world, once, so that everything below it sees the user's functions.
    try
        return Base.invokelatest(search_in_folder, run_folder, options, data, checkpoint, stop_requested, started_at,
                                 deadline, scheduler)
    finally
        scheduler isa ProcessScheduler && Base.invokelatest(close_search!, scheduler)
    end
end

"""The scheduler of a run's `parallelism`: worker processes are started (or reused) and the run
is opened on them."""
function population_scheduler(plan::ParallelismPlan, run_folder::AbstractString)
    plan.parallelism == "serial" && return SerialScheduler()
    plan.parallelism == "multithreading" && return ThreadScheduler()
    return ProcessScheduler(engine_workers(plan), run_folder; shared_filesystem=plan.shared_filesystem,
                            on_worker_lost=report_lost_worker)
end

"""`pysr_lite:workers count=2 threads=1 pids=4242,4243 hosts=node1,node1`: the worker processes
(operating-system process ids and host names), for people watching them."""
function workers_line(scheduler::ProcessScheduler, plan::ParallelismPlan)
    pids = asyncmap(pid -> remote_outcome(getpid, pid), scheduler.workers)
    hosts = asyncmap(pid -> remote_outcome(gethostname, pid), scheduler.workers)
    shown(values) = join((value isa Union{WorkerLost,RemoteFailure} ? "?" : string(value) for value in values), ",")
    protocol_line("workers", "count" => length(scheduler.workers), "threads" => plan.threads,
                  "pids" => shown(pids), "hosts" => shown(hosts))
end

function search_in_folder(run_folder::AbstractString, options::Options, data::Dataset,
                          checkpoint::Union{Nothing,Checkpoint}, stop_requested::Threads.Atomic{Bool},
                          started_at::Float64, deadline::Float64, scheduler::PopulationScheduler)::Int
    csv_path = joinpath(run_folder, HALL_OF_FAME_FILE)
    checkpoint_path = joinpath(run_folder, CHECKPOINT_FILE)
    checkpoint_seconds = Ref(0.0)   # what writing checkpoints cost the search (reported in `done`)
    state = equation_search(data, options; stop_requested=stop_requested, started_at=started_at, deadline=deadline,
                            checkpoint=checkpoint, checkpoint_path=joinpath(run_folder, RESUME_FILE),
                            scheduler=scheduler,
                            on_ready = state -> protocol_line("compiled", "iteration" => state.iterations,
                                                              "seconds" => format_number(state.ready_seconds)),
                            on_iteration = state -> begin
        # The front first: it is what the user reads; the checkpoint follows within milliseconds.
        write_hall_of_fame(csv_path, state, options, data.variable_names)
        # The initial populations' front comes alone: random populations are not worth resuming
        # from, and progress lines count iterations.
        state.iterations > 0 || return
        checkpoint_seconds[] += @elapsed write_checkpoint(checkpoint_path, state, options, data.variable_names)
        progress_line(state, options, scheduler_facts(scheduler)...)
    end)
    # Snapping constants to simple values happens after the last iteration's front was written.
    options.snap_constants && write_hall_of_fame(csv_path, state, options, data.variable_names)
    protocol_line("done", "reason" => state.stop_reason, "iterations" => state.iterations,
                  "evals" => format_count(state.evaluations),
                  "evals_per_second" => format_number(evaluations_per_second(state)),
                  "seconds" => format_number(state.seconds),
                  "setup_seconds" => format_number(state.ready ? state.ready_seconds : state.seconds),
                  "gc_seconds" => format_number(state.gc_seconds),
                  "checkpoint_seconds" => format_number(checkpoint_seconds[]), scheduler_facts(scheduler)...)
    release_data!(data)
    return 0
end

# Ctrl-C in a terminal must reach the search as an InterruptException so it can write the last
# front. This is best effort: on Julia 1.5 with threads, SIGINT can land in the task scheduler
# and kill the process, so the frontend asks for a stop with a `stop` line on stdin instead.
keep_running_on_interrupt() = ccall(:jl_exit_on_sigint, Cvoid, (Cint,), 0)

"""
    watch_input(input, stop_requested, commands=nothing)

Read `input` line by line: `stop` raises `stop_requested` (the running search ends after its
populations notice, having written its front); any other line goes to `commands` (the
persistent engine's queue), which is closed at end of input. Paths never appear raw on this
channel (see `parse_command`), so no text can add a command.
"""
function watch_input(input::IO, stop_requested::Threads.Atomic{Bool}, commands=nothing)
    for line in eachline(input)
        command = String(strip(line))
        if command == "stop"
            stop_requested[] = true
        elseif commands !== nothing && !isempty(command)
            put!(commands, command)
        end
    end
    commands !== nothing && close(commands)
    return nothing
end

"""
    main(arguments) -> exit code

Entry point of a one-search engine process: `arguments == [run_folder]`. A `stop` line on stdin
ends the search early (its front is written, `done reason=interrupted`).
"""
function main(arguments::Vector{String})::Int
    keep_running_on_interrupt()
    if length(arguments) != 1
        protocol_line("error", "usage: julia -e 'using PySRLite; exit(PySRLite.main(ARGS))' RUN_FOLDER")
        return 2
    end
    stop_requested = Threads.Atomic{Bool}(false)
    @async watch_input(stdin, stop_requested)
    return run_search_in_folder(arguments[1], stop_requested)
end

"""
    parse_command(line) -> (verb, tag, run_folder)

The persistent engine's commands: `run TAG HEX`, where TAG is the frontend's number for the run
(echoed in the `ready` line that ends it, so the frontend can tell replies apart) and HEX the run
folder's path as hexadecimal UTF-8 (a path may hold any character, newlines included);
`quit`. Anything else is `("unknown", ...)`.
"""
function parse_command(line::AbstractString)
    line == "quit" && return ("quit", "", "")
    m = match(r"^run ([0-9]{1,18}) ((?:[0-9a-f]{2})+)$", line)
    m === nothing && return ("unknown", "", "")
    return ("run", String(m.captures[1]), String(hex2bytes(m.captures[2])))
end

"""
    serve(input=stdin) -> exit code

Entry point of a persistent engine process (the frontend reuses it across searches, so Julia
starts and compiles once). Prints `pysr_lite:ready`, then for each command `run TAG HEX` runs
that search exactly as `main` would and prints `pysr_lite:ready run=TAG`; `stop` ends the
running search early. A search that throws prints `pysr_lite:crash MESSAGE` and the process keeps
serving. `quit` or end of input ends it.
"""
function serve(input::IO=stdin)::Int
    keep_running_on_interrupt()
    commands = Channel{String}(Inf)
    stop_requested = Threads.Atomic{Bool}(false)
    @async watch_input(input, stop_requested, commands)
    protocol_line("ready")
    while true
        command = try
            take!(commands)
        catch error
            error isa InvalidStateException && return 0   # end of input
            error isa InterruptException && continue      # Ctrl-C while idle: nothing to stop
            rethrow()
        end
        verb, tag, run_folder = parse_command(command)
        verb == "quit" && return 0
        if verb == "run"
            stop_requested[] = false
            try
                run_search_in_folder(run_folder, stop_requested)
            catch error
                if !(error isa InterruptException)   # interrupted between iterations: front is written
                    protocol_line("crash", one_line_message(error))
                end
            end
            protocol_line("ready", "run" => tag)
        else
            protocol_line("error", "unknown command (expected `run TAG HEX_PATH`, `stop` or `quit`): " *
                                   escape_string(first(command, 200)))
        end
    end
end
