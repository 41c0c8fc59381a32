@testset "operators are total: NaN outside the domain, never an exception" begin
    @test isnan(P.safe_log(-1.0)) && P.safe_log(1.0) == 0.0
    @test isnan(P.safe_sqrt(-4.0)) && P.safe_sqrt(4.0) == 2.0
    @test isnan(P.safe_pow(-2.0, 0.5)) && P.safe_pow(-2.0, 2.0) == 4.0
    @test isnan(P.safe_pow(0.0, -1.0))
    @test isnan(P.safe_sin(Inf)) && isnan(P.safe_cos(-Inf)) && isnan(P.safe_tan(Inf))
    @test isnan(P.safe_acosh(0.5)) && isnan(P.safe_atanh(1.0)) && isnan(P.safe_asin(1.5))
    @test P.safe_log(2.0f0) isa Float32
end

@testset "OperatorSet names operators and rejects unknown ones" begin
    ops = P.OperatorSet(["+", "*"], ["cos"])
    @test ops.binary_names[P.binary_index(ops, "*")] == "*"
    @test P.binary_index(ops, "/") == 0                                 # known, but not in this search
    @test typeof(ops) == typeof(P.OperatorSet(["-"], ["exp", "log"]))   # one type: the engine compiles once
    @test_throws ArgumentError P.OperatorSet(["+", "plus_typo"], String[])
    @test_throws ArgumentError P.OperatorSet(["+", "+"], String[])
end
