# Engine unit tests: `julia --project=. julia/test/runtests.jl` (scripts/dev.sh test runs them).
using Test
using PySRLite
using Random: MersenneTwister

const P = PySRLite

# Trees are built by operator name, as a reader would write them: binary(ops, "*", x, y).
binary(ops, name, left, right) = P.binary_node(P.binary_index(ops, name), left, right)
unary(ops, name, child) = P.unary_node(P.unary_index(ops, name), child)

"""Run `f()` with stdout captured into `buffer`, through a temporary file: the one way of
redirecting that behaves the same on Julia 1.5 and on 1.7+ (where `redirect_stdout()` changed)."""
function redirect_stdout_to(f, buffer::IOBuffer)
    path, io = mktemp()
    original = stdout
    redirect_stdout(io)
    try
        return f()
    finally
        flush(stdout)
        redirect_stdout(original)
        close(io)
        write(buffer, read(path))
        rm(path; force=true)
    end
end

"""Whether `a` and `b` agree to within `n` units in the last place, element by element (NaN with NaN)."""
within_ulps(a, b, n) = all(isequal(x, y) || abs(x - y) <= n * eps(abs(y)) for (x, y) in zip(a, b))

@testset "PySRLite" begin
    for file in ("test_special_functions.jl", "test_operators.jl", "test_vectorized_math.jl", "test_evaluation.jl", "test_losses.jl", "test_simplification.jl", "test_mutations.jl", "test_options.jl",
                 "test_complexity.jl", "test_dimensions.jl", "test_checkpoint.jl",
                 "test_hall_of_fame.jl", "test_constant_optimization.jl", "test_constant_snapping.jl", "test_simple_constants.jl", "test_search.jl", "test_search_options.jl", "test_scheduling.jl",
                 "test_protocol.jl")
        include(file)
    end
end
