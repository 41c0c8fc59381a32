"""
    PySRLite

Symbolic regression engine of pysr_lite: a multithreaded evolutionary search for closed-form
equations, standard library only. Julia users call `equation_search`; the Python frontend runs
`main` on a run folder (docs/protocol.md).
"""
module PySRLite
# Julia's loader wants the module declared in src/PySRLite.jl (an included file that declares it
# does not precompile on Julia 1.5); the engine's body lives in julia/, folders by stage.
include(joinpath(@__DIR__, "..", "julia", "PySRLite.jl"))
end # module
