# Column kernels for sqrt, exp, log, sin and cos that the compiler can vectorise.
#
# Why: these five operators are most of a search's time with a generic operator set (a profile of
# a 10,000-row search: 75 % of it in `map_unary!`, a third of it in `sin` alone). Base's scalar
# functions branch on the argument's range (and `sqrt` throws), so a loop over them runs one row at
# a time. The kernels here are the same fdlibm polynomials Base uses, with the range reduction
# written without branches (`ifelse`, integer tricks on the bits), so `@simd` runs 4 rows at once
# with AVX2. Each kernel is exact to about 1 ulp on the arguments it accepts; rows outside that
# range (huge angles, subnormals, Inf, NaN, negative logs) are recomputed afterwards by the
# operator's scalar definition, so a column always equals the scalar operator to within an ulp.

# --- small helpers on the bits ------------------------------------------------------------------

# Adding 1.5 * 2^52 rounds a double to an integer in its low mantissa bits (|x| < 2^51): the float
# and the integer come out of one addition, with no float-to-int conversion (AVX2 has none for
# 64-bit integers).
const ROUNDING_SHIFT = 6755399441055744.0   # 1.5 * 2^52

@inline shifted_round(x::Float64) = x + ROUNDING_SHIFT
@inline unshifted(t::Float64) = t - ROUNDING_SHIFT
@inline shifted_integer(t::Float64) = reinterpret(Int64, t) - reinterpret(Int64, ROUNDING_SHIFT)

"""2.0^k for -1022 <= k <= 1023, by writing the exponent bits."""
@inline exp2_integer(k::Int64) = reinterpret(Float64, (k + 1023) << 52)

# --- sqrt ----------------------------------------------------------------------------------------

# LLVM's square root is one instruction and vectorises; Base's `sqrt` checks the sign and throws.
@inline vector_sqrt(x::Float64) = ifelse(x >= 0.0, Core.Intrinsics.sqrt_llvm(abs(x)), NaN)
@inline vector_sqrt(x::Float32) = ifelse(x >= 0.0f0, Core.Intrinsics.sqrt_llvm(abs(x)), NaN32)

# --- exp -----------------------------------------------------------------------------------------

const EXP_OVERFLOW = 709.782712893383973096      # exp(x) = Inf above
const EXP_UNDERFLOW = -745.13321910194110842     # exp(x) = 0 below
const INV_LN2 = 1.44269504088896338700
const LN2_HI = 6.93147180369123816490e-01        # ln 2 in two parts: k * LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10

"""exp(x) for every Float64 (fdlibm's e_exp.c; the result scaled in two steps so subnormals and
the top of the range need no branch)."""
@inline function vector_exp(x::Float64)
    clamped = ifelse(x > 710.0, 710.0, ifelse(x < -746.0, -746.0, x))
    t = shifted_round(clamped * INV_LN2)
    k = unshifted(t)
    hi = clamped - k * LN2_HI
    lo = k * LN2_LO
    r = hi - lo
    z = r * r
    c = r - z * evalpoly(z, (1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05,
                             -1.65339022054652515390e-06, 4.13813679705723846039e-08))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    n = shifted_integer(t)
    half = n >> 1
    value = y * exp2_integer(half) * exp2_integer(n - half)
    return ifelse(x > EXP_OVERFLOW, Inf, ifelse(x < EXP_UNDERFLOW, 0.0, value))
end

# --- log -----------------------------------------------------------------------------------------

const SQRT2 = 1.41421356237309504880

"""log(x) (fdlibm's e_log.c), NaN for x <= 0 as `safe_log`; subnormal x go to the scalar definition."""
@inline function vector_log(x::Float64)
    bits = reinterpret(UInt64, x)
    exponent = reinterpret(Int64, bits >> 52) - 1023     # a logical shift (x > 0): AVX2 has no 64-bit arithmetic one
    mantissa = reinterpret(Float64, (bits & 0x000fffffffffffff) | 0x3ff0000000000000)   # in [1, 2)
    large = mantissa > SQRT2
    mantissa = ifelse(large, 0.5 * mantissa, mantissa)                                    # in [0.71, 1.41]
    exponent = ifelse(large, exponent + 1, exponent)
    e = unshifted(reinterpret(Float64, exponent + reinterpret(Int64, ROUNDING_SHIFT)))
    f = mantissa - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * evalpoly(w, (3.999999999940941908e-01, 2.222219843214978396e-01, 1.531383769920937332e-01))
    t2 = z * evalpoly(w, (6.666666666666735130e-01, 2.857142874366239149e-01, 1.818357216161805012e-01,
                          1.479819860511658591e-01))
    R = t2 + t1
    hfsq = 0.5 * f * f
    value = e * LN2_HI - ((hfsq - (s * (hfsq + R) + e * LN2_LO)) - f)
    return ifelse(x > 0.0, ifelse(x == Inf, Inf, value), NaN)
end

@inline vector_log_accepts(x::Float64) = !((x > 0.0) & (x < 2.2250738585072014e-308))

# --- sin and cos ---------------------------------------------------------------------------------

# pi/2 as two 33-bit parts and a tail (fdlibm's pio2_1, pio2_2, pio2_2t): k times each part is
# exact for |k| < 2^20, so the reduced angle keeps its digits even next to a multiple of pi/2
# (sin(pi) is Base's 1.2246467991473532e-16, not 0).
const PIO2_1 = 1.57079632673412561417e+00
const PIO2_2 = 6.07710050630396597660e-11
const PIO2_2T = 2.02226624879595063154e-21
const TWO_OVER_PI = 6.36619772367581382433e-01
const TRIG_LIMIT = 1.0e5      # larger finite angles go to the scalar definition (Inf and NaN give NaN)

# fdlibm's __kernel_sin and __kernel_cos: sin and cos of r + tail for |r| <= pi/4, the tail being
# what the reduction could not fit in r.
@inline function sin_kernel(r::Float64, tail::Float64, z::Float64)
    v = z * r
    polynomial = evalpoly(z, (8.33333333332248946124e-03, -1.98412698298579493134e-04, 2.75573137070700676789e-06,
                              -2.50507602534068634195e-08, 1.58969099521155010221e-10))
    return r - ((z * (0.5 * tail - v * polynomial) - tail) - v * -1.66666666666666324348e-01)
end

@inline function cos_kernel(r::Float64, tail::Float64, z::Float64)
    polynomial = z * evalpoly(z, (4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05,
                                  -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11))
    hz = 0.5 * z
    w = 1.0 - hz
    return w + (((1.0 - w) - hz) + (z * polynomial - r * tail))
end

"""The angle reduced to r + tail in [-pi/4, pi/4] and its quadrant (x = k pi/2 + r + tail, k mod 4):
fdlibm's second round of reduction, with the rounding error of each subtraction kept in the tail."""
@inline function reduce_angle(x::Float64)
    t = shifted_round(x * TWO_OVER_PI)
    k = unshifted(t)
    high = x - k * PIO2_1                  # exact
    middle = k * PIO2_2                    # exact
    r1 = high - middle
    error1 = (high - r1) - middle          # exact unless r1 is an exact difference (then 0 either way)
    low = k * PIO2_2T
    r = r1 - low
    return r, ((r1 - r) - low) + error1, reinterpret(Int64, t) & 3
end

@inline function vector_sin(x::Float64)
    r, tail, quadrant = reduce_angle(x)
    z = r * r
    value = ifelse(quadrant & 1 == 0, sin_kernel(r, tail, z), cos_kernel(r, tail, z))
    return ifelse(quadrant & 2 == 0, value, -value)
end

@inline function vector_cos(x::Float64)
    r, tail, quadrant = reduce_angle(x)
    z = r * r
    value = ifelse(quadrant & 1 == 0, cos_kernel(r, tail, z), sin_kernel(r, tail, z))
    return ifelse((quadrant + 1) & 2 == 0, value, -value)
end

@inline vector_trig_accepts(x::Float64) = !(TRIG_LIMIT < abs(x) < Inf)

# --- Float32: computed in double precision, rounded once -------------------------------------------

for name in (:vector_exp, :vector_log, :vector_sin, :vector_cos)
    @eval @inline $name(x::Float32) = Float32($name(Float64(x)))
end
@inline vector_log_accepts(x::Float32) = !((x > 0.0f0) & (x < floatmin(Float32)))
@inline vector_trig_accepts(x::Float32) = !(Float32(TRIG_LIMIT) < abs(x) < Inf32)

# --- the column kernels ----------------------------------------------------------------------------

"""
    map_with_fallback!(vector_function, accepts, scalar_function, out, input, n)

`out[i] = vector_function(input[i])` over all rows in one vectorised loop; the rows that
`accepts` refuses keep their input there and are computed afterwards by `scalar_function`. The
check is a second, cheap pass, so the first loop has no branch. `out` may be `input` (a node's
result overwrites its child's), so the second pass reads only `out`: it can tell the waiting
rows because no kernel's result is a value it refuses (sin and cos lie in [-1, 1] or are NaN, a
logarithm is never subnormal).
"""
@inline function map_with_fallback!(vector_function::V, accepts::A, scalar_function::S, out::Vector{T},
                                    input::Vector{T}, n::Int) where {V,A,S,T}
    all_accepted = true
    @inbounds @simd ivdep for i in 1:n
        x = input[i]
        accepted = accepts(x)
        out[i] = ifelse(accepted, vector_function(x), x)
        all_accepted &= accepted
    end
    all_accepted && return out
    @inbounds for i in 1:n
        x = out[i]
        accepts(x) || (out[i] = scalar_function(x))
    end
    return out
end

@inline every_row(x) = true

map_unary!(::typeof(safe_sqrt), out::Vector{T}, input::Vector{T}, n::Int) where {T<:Union{Float32,Float64}} =
    map_with_fallback!(vector_sqrt, every_row, safe_sqrt, out, input, n)
map_unary!(::typeof(exp), out::Vector{T}, input::Vector{T}, n::Int) where {T<:Union{Float32,Float64}} =
    map_with_fallback!(vector_exp, every_row, exp, out, input, n)
map_unary!(::typeof(safe_log), out::Vector{T}, input::Vector{T}, n::Int) where {T<:Union{Float32,Float64}} =
    map_with_fallback!(vector_log, vector_log_accepts, safe_log, out, input, n)
map_unary!(::typeof(safe_sin), out::Vector{T}, input::Vector{T}, n::Int) where {T<:Union{Float32,Float64}} =
    map_with_fallback!(vector_sin, vector_trig_accepts, safe_sin, out, input, n)
map_unary!(::typeof(safe_cos), out::Vector{T}, input::Vector{T}, n::Int) where {T<:Union{Float32,Float64}} =
    map_with_fallback!(vector_cos, vector_trig_accepts, safe_cos, out, input, n)
