# The engine's side of docs/protocol.md: read a run folder, run the search, rewrite
# hall_of_fame.csv atomically after every iteration and print `pysr_lite:` lines on stdout.

const PROTOCOL_VERSION = 1
const DATA_KEYS = ("protocol_version", "n_rows", "n_features", "has_weights", "variable_names")

"""Raised for a run folder whose options or data break the protocol (exit code 2)."""
struct InvalidRunError <: Exception
    message::String
end
Base.showerror(io::IO, e::InvalidRunError) = print(io, e.message)

function required(settings::Dict{String,Any}, key::String, ::Type{V}) where {V}
    haskey(settings, key) || throw(InvalidRunError("options.toml lacks \"$key\""))
    value = settings[key]
    value isa V || throw(InvalidRunError("options.toml: \"$key\" must be a $V, got $(repr(value))"))
    return value
end

"""Memory-map a little-endian column-major `n_rows × n_columns` file of `T`."""
function map_binary_matrix(path::AbstractString, ::Type{T}, n_rows::Int, n_columns::Int) where {T}
    isfile(path) || throw(InvalidRunError("missing data file $path"))
    expected = n_rows * n_columns * sizeof(T)
    actual = filesize(path)
    actual == expected || throw(InvalidRunError(
        "$path has $actual bytes; $n_rows x $n_columns values of Float$(8 * sizeof(T)) need $expected"))
    matrix = open(io -> Mmap.mmap(io, Matrix{T}, (n_rows, n_columns)), path, "r")
    ENDIAN_BOM == 0x04030201 || (matrix = ltoh.(matrix))  # big-endian host: convert once
    return matrix
end

# Columns that alias the mapped matrix: no copy of the data is made.
column_views(matrix::Matrix{T}) where {T} =
    [unsafe_wrap(Array, pointer(matrix, (j - 1) * size(matrix, 1) + 1), size(matrix, 1)) for j in 1:size(matrix, 2)]

"""
    load_run(run_folder) -> (options, data)

Read `options.toml` and memory-map `X.bin`, `y.bin` (and `weights.bin`) of a run folder.
"""
function load_run(run_folder::AbstractString)
    settings = read_options_file(joinpath(run_folder, "options.toml"))
    version = required(settings, "protocol_version", Int)
    version == PROTOCOL_VERSION || throw(InvalidRunError("protocol version $version, engine speaks $PROTOCOL_VERSION"))
    n_rows = required(settings, "n_rows", Int)
    n_features = required(settings, "n_features", Int)
    has_weights = required(settings, "has_weights", Bool)
    names = required(settings, "variable_names", Vector{String})
    n_rows >= 1 && n_features >= 1 || throw(InvalidRunError("n_rows and n_features must be positive"))
    length(names) == n_features || throw(InvalidRunError("$(length(names)) variable names for $n_features features"))
    search_settings = Dict(Symbol(key) => value for (key, value) in settings if !(key in DATA_KEYS))
    options = try
        Options(; search_settings...)
    catch error
        error isa Union{ArgumentError,InexactError} || rethrow()
        throw(InvalidRunError(sprint(showerror, error)))
    end
    T = options.precision == 32 ? Float32 : Float64
    X = map_binary_matrix(joinpath(run_folder, "X.bin"), T, n_rows, n_features)
    y = map_binary_matrix(joinpath(run_folder, "y.bin"), T, n_rows, 1)
    storage = Any[X, y]
    weights = T[]   # without weights: no column of ones (see Dataset)
    if has_weights
        weights_matrix = map_binary_matrix(joinpath(run_folder, "weights.bin"), T, n_rows, 1)
        push!(storage, weights_matrix)
        weights = column_views(weights_matrix)[1]
    end
    data = assemble_dataset(column_views(X), column_views(y)[1], weights, has_weights, names, storage)
    try
        validate_dataset(data)
    catch error
        error isa ArgumentError || rethrow()
        throw(InvalidRunError(error.msg))
    end
    return options, data
end

"""Unmap a run's data files now rather than at some later GC: a persistent engine runs search
after search, and two large datasets must not stay mapped at once."""
release_data!(data::Dataset) = foreach(finalize, data.storage)

"""Write the Pareto front as CSV to `path` atomically (write a temporary file, then rename)."""
function write_hall_of_fame(path::AbstractString, state::SearchState, options::Options, names::Vector{String})
    temporary = path * ".tmp"
    open(temporary, "w") do io
        println(io, "complexity,loss,equation")
        for member in pareto_front(state.hall_of_fame)
            println(io, member.complexity, ",", member.loss, ",\"",
                    equation_string(member.tree, options.operators, names), "\"")
        end
    end
    mv(temporary, path; force=true)
    return path
end

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

function progress_line(state::SearchState, options::Options)
    protocol_line("progress", "iteration" => state.iterations, "niterations" => options.niterations,
                  "evals" => format_count(state.evaluations),
                  "evals_per_second" => format_number(evaluations_per_second(state)),
                  "seconds" => format_number(state.seconds),
                  "best_loss" => format_number(best_loss(state.hall_of_fame)),
                  "front_size" => length(pareto_front(state.hall_of_fame)))
end

"""
    run_search_in_folder(run_folder) -> exit code

Run the search described by a run folder: 0 when it ran (also after a timeout or Ctrl-C),
2 for an invalid run folder (a `pysr_lite:error` line says why).
"""
function run_search_in_folder(run_folder::AbstractString,
                              stop_requested::Threads.Atomic{Bool}=Threads.Atomic{Bool}(false))::Int
    started_at = time()  # the timeout covers loading and compiling too: the caller waits for all of it
    options, data = try
        load_run(run_folder)
    catch error
        error isa Union{InvalidRunError,OptionsFileError,SystemError} || rethrow()
        protocol_line("error", replace(sprint(showerror, error), '\n' => ' '))
        return 2
    end
    protocol_line("start", "n_rows" => data.n_rows, "n_features" => data.n_features,
                  "threads" => Threads.nthreads(), "populations" => options.populations,
                  "precision" => options.precision)
    csv_path = joinpath(run_folder, "hall_of_fame.csv")
    state = equation_search(data, options; stop_requested=stop_requested, started_at=started_at,
                            on_iteration = state -> begin
        write_hall_of_fame(csv_path, state, options, data.variable_names)
        progress_line(state, options)
    end)
    protocol_line("done", "reason" => state.stop_reason, "iterations" => state.iterations,
                  "evals" => format_count(state.evaluations),
                  "evals_per_second" => format_number(evaluations_per_second(state)),
                  "seconds" => format_number(state.seconds),
                  "gc_seconds" => format_number(state.gc_seconds))
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
persistent engine's queue), which is closed at end of input.
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
    serve(input=stdin) -> exit code

Entry point of a persistent engine process (the frontend reuses it across searches, so Julia
starts and compiles once). Prints `pysr_lite:ready`, then for each line `run RUN_FOLDER` runs
that search exactly as `main` would and prints `pysr_lite:ready` again; `stop` ends the running
search early. A search that throws prints `pysr_lite:crash MESSAGE` and the process keeps
serving. `quit` or end of input ends it.
"""
function serve(input::IO=stdin)::Int
    keep_running_on_interrupt()
    commands = Channel{String}(Inf)
    stop_requested = Threads.Atomic{Bool}(false)
    @async watch_input(input, stop_requested, commands)
    while true
        protocol_line("ready")
        command = try
            take!(commands)
        catch error
            error isa InvalidStateException && return 0   # end of input
            error isa InterruptException && continue      # Ctrl-C while idle: nothing to stop
            rethrow()
        end
        command == "quit" && return 0
        if startswith(command, "run ")
            stop_requested[] = false
            try
                run_search_in_folder(strip(command[5:end]), stop_requested)
            catch error
                error isa InterruptException && continue  # interrupted between iterations: front is written
                protocol_line("crash", replace(sprint(showerror, error), '\n' => ' '))
            end
        else
            protocol_line("error", "unknown command: $command (expected `run RUN_FOLDER`, `stop` or `quit`)")
        end
    end
end
