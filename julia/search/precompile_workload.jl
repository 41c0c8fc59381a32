# Reading a small run folder while the package precompiles, so that the type inference of
# loading a run (parsing options.toml, building Options, mapping the data) is cached in the
# package's compiled file instead of being redone by every cold engine (on Julia 1.5: 2.7 M
# allocations instead of 8.1 M, the options read a few tenths of a second sooner; see
# docs/performance.md, "Cold start").
#
# Only the loading, not the search: Julia 1.5 compiles calls between cached methods with boxed
# arguments and results, so a search cached this way allocates on every evaluation (the
# allocation tests in julia/test catch it). The loading runs once per search.
#
# Runs only when Julia generates the package's cache file, never when the package is loaded.

const WORKLOAD_OPTIONS = """
    # pysr_lite run options (protocol version $PROTOCOL_VERSION); the precompile workload
    protocol_version = $PROTOCOL_VERSION
    n_rows = 32
    n_features = 2
    has_weights = false
    variable_names = ["x0", "x1"]
    unary_operators = ["cos", "exp"]
    niterations = 2
    maxsize = 12
    random_state = 1
    deterministic = true
    """

function write_workload_run(run_folder::AbstractString)
    write(joinpath(run_folder, "options.toml"), WORKLOAD_OPTIONS)
    x = [Float64(i) / 8 for i in 1:64]   # x0 = x[1:32], x1 = x[33:64], column-major
    write(joinpath(run_folder, "X.bin"), htol.(x))
    write(joinpath(run_folder, "y.bin"), htol.([2.5 * x[i] * x[i] + cos(x[32 + i]) for i in 1:32]))
    return run_folder
end

function run_precompile_workload()
    run_folder = mktempdir()
    try
        options, data, checkpoint = load_run(write_workload_run(run_folder))
        release_data!(data)
    finally
        rm(run_folder; recursive=true, force=true)
    end
    return nothing
end

ccall(:jl_generating_output, Cint, ()) == 1 && run_precompile_workload()
