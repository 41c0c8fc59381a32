# The engine's side of a run folder (docs/protocol.md): options.toml and user.jl in, the data
# memory-mapped, the Pareto front out (rewritten atomically).

const PROTOCOL_VERSION = 2
const HALL_OF_FAME_FILE = "hall_of_fame.csv"
const CHECKPOINT_FILE = "checkpoint.toml"   # written by the engine after every iteration
const RESUME_FILE = "resume.toml"           # a checkpoint the frontend copied in: the search resumes from it
# Keys of options.toml that describe the run folder rather than the search.
const RUN_KEYS = ("protocol_version", "n_rows", "n_features", "has_weights", "variable_names", "user_functions", "units",
                  "deadline_unix_seconds")
# The roles of user.jl functions that options.toml may name in its [user_functions] table.
const USER_FUNCTION_ROLES = ("early_stop_condition", "elementwise_loss", "loss_function")

"""Raised for a run folder whose options or data break the protocol (exit code 2)."""
struct InvalidRunError <: Exception
    message::String
end
Base.showerror(io::IO, e::InvalidRunError) = print(io, e.message)

"""
    read_options_file(path) -> Dict{String,Any}

The TOML of a run folder's options.toml; an `InvalidRunError` that names the file when it is not
readable TOML.

```julia
read_options_file("run/options.toml")["niterations"]  # 40
```
"""
function read_options_file(path::AbstractString)
    isfile(path) || throw(InvalidRunError("$path does not exist"))
    text = read(path, String)
    isvalid(text) || throw(InvalidRunError("$path is not UTF-8 text"))
    try
        return Pkg.TOML.parse(text)
    catch error
        error isa InterruptException && rethrow()
        throw(InvalidRunError("$path is not valid TOML: $(one_line_message(error))"))
    end
end

function required(settings::Dict{String,Any}, key::String, ::Type{V}) where {V}
    haskey(settings, key) || throw(InvalidRunError("options.toml lacks \"$key\""))
    value = settings[key]
    value isa V || throw(InvalidRunError("options.toml: \"$key\" must be a $V, got $(repr(value))"))
    return value
end

# Pkg.TOML gives an empty array as Any[]; names are strings either way.
string_list(value, key) = value isa AbstractVector && all(item -> item isa AbstractString, value) ?
    String[item for item in value] : throw(InvalidRunError("options.toml: \"$key\" must be a list of strings"))

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
    user_settings(run_folder, settings, T) -> Dict{Symbol,Any}

The options that come from user.jl: each operator that is not built in, probed, and the
functions named in options.toml's `[user_functions]` table. Empty without that table.
"""
function user_settings(run_folder::AbstractString, settings::Dict{String,Any}, ::Type{T}) where {T}
    haskey(settings, "user_functions") || return Dict{Symbol,Any}()
    roles = settings["user_functions"]
    roles isa Dict || throw(InvalidRunError("options.toml: [user_functions] must be a table"))
    for role in keys(roles)
        role in (USER_FUNCTION_ROLES..., "operators") || throw(InvalidRunError(
            "options.toml: unknown entry \"$role\" in [user_functions]; known: operators, $(join(USER_FUNCTION_ROLES, ", "))"))
    end
    path = joinpath(run_folder, "user.jl")
    isfile(path) || throw(InvalidRunError("options.toml names user functions but $path does not exist"))
    user_module = load_user_module(read(path, String), "user.jl")
    user_operators = string_list(get(roles, "operators", String[]), "user_functions.operators")
    resolved = Dict{Symbol,Any}()
    for (key, arity, builtins) in (("binary_operators", 2, BINARY_NAMES), ("unary_operators", 1, UNARY_NAMES))
        names = string_list(get(settings, key, String[]), key)
        resolved[Symbol(key)] = Any[name in user_operators && !(name in builtins) ?
            probe_user_operator(user_binding(user_module, name, "$(arity == 1 ? "unary" : "binary") operator"), name, arity, T) :
            name for name in names]
    end
    for role in USER_FUNCTION_ROLES
        haskey(roles, role) || continue
        name = roles[role]
        name isa AbstractString || throw(InvalidRunError("options.toml: user_functions.$role must be a name"))
        resolved[Symbol(role)] = user_binding(user_module, name, role)
    end
    return resolved
end

"""
    unit_settings(settings) -> Dict{Symbol,Any}

The `X_units` / `y_units` options from options.toml's `[units]` table: its `X_dimensions` (one
list of 7 exponents per feature) and `y_dimensions`; its `X` and `y` (the user's unit text) are
for people and the frontend. Empty without the table.
"""
function unit_settings(settings::Dict{String,Any})
    haskey(settings, "units") || return Dict{Symbol,Any}()
    table = settings["units"]
    table isa Dict || throw(InvalidRunError("options.toml: [units] must be a table"))
    for key in keys(table)
        key in ("X", "y", "X_dimensions", "y_dimensions") || throw(InvalidRunError(
            "options.toml: unknown entry \"$key\" in [units]; known: X, y, X_dimensions, y_dimensions"))
    end
    haskey(table, "X_dimensions") || throw(InvalidRunError("options.toml: [units] lacks X_dimensions"))
    return Dict{Symbol,Any}(:X_units => table["X_dimensions"], :y_units => get(table, "y_dimensions", nothing))
end

"""
    load_run(run_folder) -> (options, data, checkpoint)

Read `options.toml` (and `user.jl`) and memory-map `X.bin`, `y.bin` (and `weights.bin`) of a run
folder; `checkpoint` is its `resume.toml` (the search resumes from it) or `nothing`. Throws
`InvalidRunError`, `UserCodeError` or `CheckpointError` for a folder the search cannot run on.
"""
function load_run(run_folder::AbstractString)
    settings = read_options_file(joinpath(run_folder, "options.toml"))
    version = required(settings, "protocol_version", Int)
    version == PROTOCOL_VERSION || throw(InvalidRunError(
        "options.toml has protocol version $version; this engine reads version $PROTOCOL_VERSION (frontend and engine must come from the same pysr_lite)"))
    n_rows = required(settings, "n_rows", Int)
    n_features = required(settings, "n_features", Int)
    has_weights = required(settings, "has_weights", Bool)
    names = string_list(required(settings, "variable_names", Vector), "variable_names")
    n_rows >= 1 && n_features >= 1 || throw(InvalidRunError("n_rows and n_features must be positive"))
    length(names) == n_features || throw(InvalidRunError("$(length(names)) variable names for $n_features features"))
    search_settings = Dict{Symbol,Any}(Symbol(key) => value for (key, value) in settings
                                       if !(key in RUN_KEYS) && !(key in PARALLELISM_KEYS))
    T = get(settings, "precision", 64) == 32 ? Float32 : Float64
    merge!(search_settings, user_settings(run_folder, settings, T))
    merge!(search_settings, unit_settings(settings))
    options = try
        Options(search_settings)
    catch error
        error isa Union{ArgumentError,InexactError,MethodError} || rethrow()
        throw(InvalidRunError(one_line_message(error)))
    end
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
        check_variable_weights(options.complexity, n_features)
        check_feature_units(options.dimensions, n_features)
    catch error
        error isa ArgumentError || rethrow()
        throw(InvalidRunError(error.msg))
    end
    probe_user_losses(options, data)
    resume_path = joinpath(run_folder, RESUME_FILE)
    isfile(resume_path) || return options, data, nothing
    return options, data, check_checkpoint(read_checkpoint(resume_path), options, data, resume_path)
end

"""
    parallelism_plan(run_folder) -> ParallelismPlan

How the run spreads over processes (see `ParallelismPlan`), from its options.toml.
"""
parallelism_plan(run_folder::AbstractString) = parallelism_plan(read_options_file(joinpath(run_folder, "options.toml")))

"""Unmap a run's data files now rather than at some later GC: a persistent engine runs search
after search, and two large datasets must not stay mapped at once."""
release_data!(data::Dataset) = foreach(finalize, data.storage)

"""Write the Pareto front as CSV to `path` atomically (write a temporary file, then rename).
The last column says whether each equation is dimensionally consistent (always true without units)."""
function write_hall_of_fame(path::AbstractString, state::SearchState, options::Options, names::Vector{String})
    return write_file_atomically(path) do io
        println(io, "complexity,loss,equation,dimensionally_consistent")
        for member in pareto_front(state.hall_of_fame)
            println(io, member.complexity, ",", member.loss, ",\"",
                    equation_string(member.tree, options.operators, names), "\",",
                    dimensionally_consistent(member.tree, options))
        end
    end
end

"""
    frontend_deadline(run_folder) -> Float64

The `deadline_unix_seconds` of a run folder's options.toml: the `time()` (Unix seconds) by which
the frontend wants the search over, counted from the user's call; Inf when it sets none.
"""
function frontend_deadline(run_folder::AbstractString)
    settings = read_options_file(joinpath(run_folder, "options.toml"))
    deadline = get(settings, "deadline_unix_seconds", Inf)
    deadline isa Real && !isnan(deadline) || throw(InvalidRunError(
        "options.toml: \"deadline_unix_seconds\" must be a number of seconds, got $(repr(deadline))"))
    return Float64(deadline)
end
