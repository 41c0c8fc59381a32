# The compile step of a pysr_lite system image (pysr_lite/system_image.py runs it):
#
#     julia --project=ENGINE --cpu-target=native --sysimage=BASE --output-o=engine.o \
#           julia/build_system_image.jl TRACE_FILE
#
# Julia run with --output-o writes everything it holds when the script ends (Base, the stdlibs,
# PySRLite and the native code of every method compiled by then) as the object file of a system
# image. TRACE_FILE lists `precompile(...)` statements from --trace-compile: the methods a real
# search compiled that the engine's entry points do not reach by inference alone (calls through
# a dynamic dispatch, tasks, the stdlibs' own). PackageCompiler.jl builds images the same way.

# A process generating output starts with no stdio, load path or depot: set them up as a normal start would.
Base.reinit_stdio()
Base.init_load_path()
Base.init_depot_path()

using PySRLite

"""
    compile_traced_methods(trace_file) -> (compiled, failed)

Runs each `precompile(...)` line of `trace_file` in a module that can name every loaded package
(trace lines name types by their modules, e.g. `PySRLite.Node{Float64}`). A line that no longer
parses or names something gone is skipped: the image is then only a little less complete.
"""
function compile_traced_methods(trace_file::AbstractString)
    staging = Module()
    for (id, mod) in Base.loaded_modules
        id.name in ("Main", "Core", "Base") && continue
        Core.eval(staging, :(const $(Symbol(id.name)) = $mod))
    end
    compiled = failed = 0
    for line in eachline(trace_file)
        try
            Core.eval(staging, Meta.parse(line))
            compiled += 1
        catch
            failed += 1
        end
    end
    return compiled, failed
end

compiled, failed = compile_traced_methods(ARGS[1])
println("pysr_lite system image: $compiled traced methods compiled, $failed skipped")

# Started with this image, Julia fills these in again from its own environment.
empty!(LOAD_PATH)
empty!(DEPOT_PATH)
