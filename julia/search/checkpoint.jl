# Text checkpoints: the state of a search as equation text (docs/protocol.md, "checkpoint.toml"),
# rewritten atomically after every iteration, so that a search killed at any moment can resume
# from its last iteration, with any Julia version. Losses are not stored: they are recomputed on
# the data when the search resumes.

const CHECKPOINT_VERSION = 1

"""A checkpoint the engine cannot resume from (damaged, another version, other operators)."""
struct CheckpointError <: Exception
    message::String
end
Base.showerror(io::IO, e::CheckpointError) = print(io, e.message)

"""What a checkpoint holds: the equations of each population and of the hall of fame."""
struct Checkpoint
    populations::Vector{Vector{String}}
    hall_of_fame::Vector{String}
    iterations::Int                     # iterations the checkpointed search had run
end

"""
    write_file_atomically(write_contents, path) -> path

Write `path` through a temporary file renamed over it in one step (rename(2)): a reader, or a
kill at any moment, finds the old file or the new one, never none and never a partial one.
(`mv(force=true)` deletes the target first.) A failed write (a full disk) leaves no partial
temporary file behind.
"""
function write_file_atomically(write_contents::F, path::AbstractString) where {F}
    temporary = path * ".tmp"
    try
        open(write_contents, temporary, "w")
    catch
        rm(temporary; force=true)
        rethrow()
    end
    Base.Filesystem.rename(temporary, path)
    return path
end

toml_string_array(texts) = "[" * join(("\"" * text * "\"" for text in texts), ", ") * "]"

"""
    write_checkpoint(path, state, options, variable_names) -> path

Write the populations and the hall of fame of `state` as equation text, atomically (a temporary
file renamed over `path`). Equations with non-finite constants are left out: they could not be
read back, and have no loss worth keeping.
"""
function write_checkpoint(path::AbstractString, state, options::Options, names::Vector{String})
    text(member) = equation_string(member.tree, options.operators, names)
    keep(member) = has_finite_constants(member.tree)
    return write_file_atomically(path) do io
        println(io, "# pysr_lite checkpoint: the search's state as equation text (docs/protocol.md)")
        println(io, "checkpoint_version = ", CHECKPOINT_VERSION)
        println(io, "iterations = ", state.iterations)
        println(io, "hall_of_fame = ", toml_string_array(text(m) for m in pareto_front(state.hall_of_fame)))
        for population in state.populations
            println(io, "\n[[populations]]")
            println(io, "members = ", toml_string_array(text(m) for m in population.members if keep(m)))
        end
    end
end

"""
    read_checkpoint(path) -> Checkpoint

A `CheckpointError` that names the file for anything that is not a checkpoint of this version.
"""
function read_checkpoint(path::AbstractString)
    document = try
        Pkg.TOML.parse(read(path, String))
    catch error
        error isa InterruptException && rethrow()
        throw(CheckpointError("$path is not a readable checkpoint: $(one_line_message(error))"))
    end
    version = get(document, "checkpoint_version", nothing)
    version == CHECKPOINT_VERSION || throw(CheckpointError(
        "$path is a checkpoint of version $(repr(version)); this engine resumes version $CHECKPOINT_VERSION"))
    strings(value, what) = value isa AbstractVector && all(item -> item isa AbstractString, value) ?
        String[item for item in value] : throw(CheckpointError("$path: $what must be a list of equations"))
    populations = get(document, "populations", Any[])
    populations isa AbstractVector && all(p -> p isa AbstractDict, populations) ||
        throw(CheckpointError("$path: [[populations]] must be tables"))
    iterations = get(document, "iterations", 0)
    iterations isa Integer || throw(CheckpointError("$path: iterations must be an integer"))
    return Checkpoint([strings(get(p, "members", Any[]), "populations.members") for p in populations],
                      strings(get(document, "hall_of_fame", Any[]), "hall_of_fame"), iterations)
end

"""The trees of `texts` under this search's operators and variables (a `CheckpointError` naming the
first equation that does not read), as members scored on `data`, those within the size limits."""
function checkpoint_members(texts::Vector{String}, data::Dataset{T}, options::Options,
                            workspace::Workspace{T}, normalization::Float64, path::AbstractString) where {T}
    members = PopMember{T}[]
    for (birth, text) in enumerate(texts)
        tree = try
            parse_equation(T, text, options.operators, data.variable_names)
        catch error
            error isa EquationParseError || rethrow()
            throw(CheckpointError("$path cannot be resumed by this search: $(error.message)"))
        end
        check_constraints(tree, options, options.maxsize) || continue   # the limits may have changed
        push!(members, PopMember(tree, evaluate_loss!(workspace, tree, data, options), birth, options, normalization))
    end
    return members
end

"""
    check_checkpoint(checkpoint, options, data, path)

A `CheckpointError` naming the first equation of the checkpoint that this search cannot read
(an operator it does not use, a variable the data lacks): the run is refused before it starts.
"""
function check_checkpoint(checkpoint::Checkpoint, options::Options, data::Dataset{T}, path::AbstractString) where {T}
    for text in Iterators.flatten((checkpoint.hall_of_fame, Iterators.flatten(checkpoint.populations)))
        try
            parse_equation(T, text, options.operators, data.variable_names)
        catch error
            error isa EquationParseError || rethrow()
            throw(CheckpointError("$path cannot be resumed by this search: $(error.message)"))
        end
    end
    return checkpoint
end
