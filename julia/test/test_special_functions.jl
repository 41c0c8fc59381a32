# erf, erfc and gamma (julia/config/special_functions.jl) against reference values.
#
# The tables were produced with CPython 3's math module (math.erf, math.erfc, math.gamma, which
# are accurate to a few ulps) by
#     for x in xs: print(f"({x!r}, {math.erf(x)!r}, {math.erfc(x)!r}),")
#     for x in xs: print(f"({x!r}, {math.gamma(x)!r}),")
# over the points below, chosen to cover every interval of the approximations and their edges
# (0.46875 and 4 for erf/erfc, 12 and 143 for gamma, the reflection for x < 0), tiny and huge
# arguments, and results down to the subnormal range (erfc(27) = 5.2e-319).

const ERF_TABLE = [  # (x, math.erf(x), math.erfc(x))
    (0.0, 0.0, 1.0), (1e-300, 1.1283791670955126e-300, 1.0),
    (-1e-300, -1.1283791670955126e-300, 1.0), (1e-20, 1.1283791670955125e-20, 1.0),
    (1e-08, 1.1283791670955126e-08, 0.9999999887162083), (-1e-08, -1.1283791670955126e-08, 1.0000000112837917),
    (0.001, 0.0011283787909692365, 0.9988716212090307), (0.1, 0.1124629160182849, 0.8875370839817152),
    (-0.25, -0.2763263901682369, 1.276326390168237), (0.46875, 0.49261347321793797, 0.507386526782062),
    (-0.46875, -0.49261347321793797, 1.492613473217938), (0.46876, 0.4926225311068465, 0.5073774688931535),
    (0.5, 0.5204998778130465, 0.4795001221869535), (-0.75, -0.7111556336535151, 1.7111556336535152),
    (1.0, 0.8427007929497149, 0.15729920705028513), (1.5, 0.9661051464753108, 0.033894853524689274),
    (-2.0, -0.9953222650189527, 1.9953222650189528), (2.5, 0.999593047982555, 0.0004069520174449589),
    (3.0, 0.9999779095030014, 2.2090496998585438e-05), (-3.5, -0.9999992569016276, 1.9999992569016276),
    (3.999, 0.9999999844552505, 1.554474949099499e-08), (4.0, 0.9999999845827421, 1.541725790028002e-08),
    (4.001, 0.9999999847092178, 1.5290782173248732e-08), (-4.5, -0.9999999998033839, 1.999999999803384),
    (5.0, 0.9999999999984626, 1.5374597944280351e-12), (6.0, 1.0, 2.1519736712498916e-17),
    (8.0, 1.0, 1.1224297172982928e-29), (10.0, 1.0, 2.088487583762545e-45),
    (15.0, 1.0, 7.212994172451206e-100), (20.0, 1.0, 5.3958656116079005e-176),
    (26.0, 1.0, 5.663192408856143e-296), (27.0, 1.0, 5.23705e-319),
    (-27.0, -1.0, 2.0), (30.0, 1.0, 0.0),
]
const GAMMA_TABLE = [  # (x, math.gamma(x))
    (1e-300, 9.999999999999999e+299), (1e-10, 9999999999.422785), (1e-05, 99999.42279422554),
    (0.001, 999.4237724845954), (0.1, 9.513507698668732), (0.5, 1.7724538509055159),
    (0.9, 1.068628702119319), (1.0, 1.0), (1.5, 0.886226925452758),
    (2.0, 1.0), (2.5, 1.3293403881791372), (3.0, 2.0),
    (4.2, 7.756689535793181), (5.0, 24.0), (7.5, 1871.2543057977882),
    (10.0, 362880.0), (11.999, 39819417.47930385), (12.0, 39916800.0),
    (12.5, 136843365.46556583), (20.0, 1.21645100408832e+17), (23.0, 1.1240007277776077e+21),
    (24.0, 2.585201673888497e+22), (30.5, 4.8226969334909095e+31), (50.25, 1.614476471241244e+63),
    (100.0, 9.332621544394415e+155), (143.5, 3.2203704817308093e+246), (150.3, 1.7112969992195767e+261),
    (170.5, 5.56209241456e+305), (171.6, 1.5858969096672563e+308), (-1e-10, -10000000000.577215),
    (-0.5, -3.544907701811032), (-0.999, -1000.4241966812759), (-1.001, 999.5786270024663),
    (-1.5, 2.3632718012073544), (-2.5, -0.9453087204829417), (-3.75, 0.2678661288614166),
    (-10.1, -2.213416583085618e-06), (-20.5, -2.8346565743913346e-19), (-50.5, -1.449954393907748e-65),
    (-100.5, -3.353690819807678e-159), (-150.25, -2.219713930949431e-263), (-170.5, -3.312739521538607e-308),
]

# Relative 1e-14, or an absolute 1e-300 for results in the subnormal range, where a value has
# only a few significant bits anyway.
close_to(value, reference) = isapprox(value, reference; rtol=1e-14, atol=1e-300)

@testset "erf and erfc match Python's math.erf and math.erfc to 1e-14" begin
    for (x, erf_x, erfc_x) in ERF_TABLE
        @test (x, close_to(P.erf(x), erf_x)) == (x, true)
        @test (x, close_to(P.erfc(x), erfc_x)) == (x, true)
    end
    @test P.erf(Inf) == 1.0 && P.erf(-Inf) == -1.0 && P.erfc(Inf) == 0.0 && P.erfc(-Inf) == 2.0
    @test isnan(P.erf(NaN)) && isnan(P.erfc(NaN))
    @test P.erf(-0.0) === -0.0                              # odd function, down to the sign of zero
    xs = range(-6.0, 6.0; length=1201)
    @test all(P.erf.(-xs) .== -P.erf.(xs))
    @test all(abs.(P.erf.(xs) .+ P.erfc.(xs) .- 1.0) .<= 2 * eps(1.0))
end

@testset "gamma matches Python's math.gamma to 1e-14; NaN at poles and on overflow" begin
    for (x, gamma_x) in GAMMA_TABLE
        @test (x, close_to(P.gamma(x), gamma_x)) == (x, true)
    end
    @test all(P.gamma(Float64(n)) == factorial(n - 1) for n in 1:20)        # exact factorials
    for x in (0.0, -0.0, -1.0, -2.0, -171.0, -1.0e6, 171.7, 1.0e6, 1.0e-310, Inf, -Inf, NaN)
        @test isequal((x, isnan(P.gamma(x))), (x, true))
    end
    xs = range(0.05, 10.0; length=400)
    @test all(isapprox.(P.gamma.(xs .+ 1), xs .* P.gamma.(xs); rtol=1e-14))   # gamma(x + 1) = x gamma(x)
end

@testset "erf, erfc and gamma in Float32: the Float64 value rounded, never an exception" begin
    for x in Float32[-30, -4.5, -1, -0.25, 0, 1.0f-30, 0.3, 0.46875, 2, 5, 9, 30]
        @test P.erf(x) isa Float32 && P.erf(x) == Float32(P.erf(Float64(x)))
        @test P.erfc(x) isa Float32 && P.erfc(x) == Float32(P.erfc(Float64(x)))
    end
    @test P.gamma(5.0f0) === 24.0f0 && P.gamma(0.5f0) == Float32(sqrt(pi))
    @test isnan(P.gamma(35.1f0)) && !isnan(P.gamma(35.0f0))          # Float32 overflows past 35.04
    @test isnan(P.gamma(-3.0f0)) && isnan(P.gamma(0.0f0)) && isnan(P.gamma(NaN32))
    # Total over the whole line: finite or NaN, no exception, for random and extreme arguments.
    values = vcat(Float32.(randn(MersenneTwister(3), 2000) .* 50), floatmax(Float32), -floatmax(Float32),
                  nextfloat(0.0f0), Inf32, -Inf32)
    for f in (P.erf, P.erfc, P.gamma)
        @test all(y -> y isa Float32, f.(values))
    end
end
