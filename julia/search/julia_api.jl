# The entry point for Julia users: matrices in, the Pareto front out.

"""
    equation_search(X, y; weights=nothing, variable_names=nothing, options...) -> Vector of NamedTuple

Search for equations `y ≈ f(X)`, `X` with one row per sample (as in Python). Keywords are the
options of [`Options`](@ref) (PySR's names), and `parallelism` (`"serial"`, or `"multithreading"`:
the threads Julia was started with). Returns the Pareto front, simplest first, as
`(complexity, loss, equation, tree, dimensionally_consistent)` named tuples.

```julia
using PySRLite
X = randn(200, 2); y = 2.5 .* X[:, 1] .* X[:, 2] .- 1
front = equation_search(X, y; binary_operators=["+", "-", "*"], niterations=20, random_state=1)
println(front[end].equation)
```
"""
function equation_search(X::AbstractMatrix, y::AbstractVector; weights=nothing, variable_names=nothing,
                         parallelism::AbstractString="multithreading", options...)
    scheduler = parallelism == "serial" ? SerialScheduler() : parallelism == "multithreading" ? ThreadScheduler() :
        throw(ArgumentError("parallelism must be \"serial\" or \"multithreading\" here, got $(repr(parallelism)); " *
                            "worker processes run searches of a run folder (the Python frontend's parallelism=\"multiprocessing\")"))
    settings = Options(; options...)
    data = Dataset(X, y; weights=weights, variable_names=variable_names, precision=settings.precision)
    probe_user_losses(settings, data)
    state = equation_search(data, settings; scheduler=scheduler)
    return [(complexity=member.complexity, loss=member.loss,
             equation=equation_string(member.tree, settings.operators, data.variable_names),
             tree=member.tree, dimensionally_consistent=dimensionally_consistent(member.tree, settings))
            for member in pareto_front(state.hall_of_fame)]
end
