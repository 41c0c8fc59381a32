# The vectorised column kernels of sqrt, exp, log, sin and cos (evaluation/vectorized_math.jl)
# against Base's scalar functions: within an ulp over wide ranges, the same special values, and
# loops that really run several rows at once.

using InteractiveUtils: code_llvm

kernel_operators = ("sqrt" => P.safe_sqrt, "exp" => exp, "log" => P.safe_log, "sin" => P.safe_sin, "cos" => P.safe_cos)

column_of(f, x::Vector{T}) where {T} = P.map_unary!(f, similar(x), x, length(x))

@testset "vectorised kernels are within an ulp of Base over wide ranges" begin
    rng = MersenneTwister(11)
    ranges = (randn(rng, 20_000), 30 .* randn(rng, 20_000), 700 .* (2 .* rand(rng, 20_000) .- 1),
              exp.(1400 .* (rand(rng, 20_000) .- 0.5)), 1e5 .* (2 .* rand(rng, 20_000) .- 1))
    for (name, f) in kernel_operators, x in ranges
        @test (name, within_ulps(column_of(f, x), f.(x), 1)) == (name, true)
        x32 = Float32.(x)
        @test (name, within_ulps(column_of(f, x32), f.(x32), 1)) == (name, true)
    end
end

@testset "vectorised kernels agree with Base on special values" begin
    special = [0.0, -0.0, 5e-324, -5e-324, 1e-310, floatmin(Float64), floatmax(Float64), -floatmax(Float64),
               Inf, -Inf, NaN, 1e-20, 1.0, -1.0, pi / 2, pi, 2pi, 3pi / 2, -pi, 1e5, 1.00001e5, 1e6 * pi, 1e300,
               709.78, 709.79, -745.0, -745.2, -708.5, -720.0, 88.7, -103.0]
    for (name, f) in kernel_operators
        @test (name, within_ulps(column_of(f, special), f.(special), 1)) == (name, true)
        special32 = Float32.(special)
        @test (name, within_ulps(column_of(f, special32), f.(special32), 1)) == (name, true)
    end
    # sin(pi) is not 0 in floating point, and the reduction keeps its digits.
    @test column_of(P.safe_sin, [Float64(pi)])[1] == sin(Float64(pi))
end

@testset "vectorised kernels run several rows per instruction" begin
    # A scalar fallback would show as a plain `double` loop: the vector loop handles <4 x double>
    # (AVX2) or at least <2 x double> (SSE2).
    for (name, f) in kernel_operators
        io = IOBuffer()
        code_llvm(io, P.map_unary!, (typeof(f), Vector{Float64}, Vector{Float64}, Int); debuginfo=:none)
        @test (name, occursin(r"<[248] x double>", String(take!(io)))) == (name, true)
    end
end

@testset "column kernels run vectorised when they write over their input" begin
    # A unary node's result goes into the buffer its child was evaluated in (and a binary node's
    # into its left child's): `out === input`. Without `ivdep` the compiler guards the vector loop
    # with a run-time overlap check (`vector.memcheck`) that sends exactly this case to the one-row
    # loop, which made real trees (sin of a sum, exp of a product) 3-4x slower to evaluate.
    kernels = Any[(P.map_unary!, (typeof(f), Vector{Float64}, Vector{Float64}, Int)) for (_, f) in kernel_operators]
    push!(kernels, (P.map_unary!, (typeof(P.square), Vector{Float64}, Vector{Float64}, Int)),
          (P.map_binary!, (typeof(+), Vector{Float64}, Vector{Float64}, Vector{Float64}, Int)),
          (P.map_binary_constant_left!, (typeof(/), Vector{Float64}, Float64, Vector{Float64}, Int)),
          (P.map_binary_constant_right!, (typeof(*), Vector{Float64}, Vector{Float64}, Float64, Int)))
    for (kernel, types) in kernels
        io = IOBuffer()
        code_llvm(io, kernel, types; debuginfo=:none)
        ir = String(take!(io))
        @test (types[1], occursin(r"<[248] x double>", ir), occursin("memcheck", ir)) == (types[1], true, false)
    end
    # And writing over the input gives what writing elsewhere does, also for the rows that the
    # scalar definition computes (huge angles, subnormal logarithms).
    x = [collect(range(-20.0, 20.0; length=1001)); 1e7; -3e12; 1e300; 1e-310; 5e-324; Inf; NaN]
    for (name, f) in kernel_operators, column in (x, Float32.(x))
        in_place = copy(column)
        P.map_unary!(f, in_place, in_place, length(column))
        @test (name, isequal(in_place, column_of(f, column))) == (name, true)
        @test (name, within_ulps(in_place, f.(column), 1)) == (name, true)
    end
end
