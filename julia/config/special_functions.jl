# Special functions that the standard library lacks: erf, erfc and gamma (PySR's operators of
# those names come from SpecialFunctions.jl, which the engine may not depend on).
#
# All three are total: NaN in, NaN out; gamma is NaN at its poles (0 and the negative integers)
# and wherever the result overflows, as SymbolicRegression.jl's `gamma` (which maps an infinite
# result to NaN). They compute in Float64 and round once to the argument's type, so Float32 gets
# correctly rounded values almost everywhere. Accuracy in Float64, measured against mpmath at
# 50 digits over some 30 000 random points each (normal results only): erf within 4e-16 relative,
# erfc within 9e-16, gamma within 2.5e-15 (the rounding of x + n in the recurrence).

# --- erf and erfc: W. J. Cody's rational Chebyshev approximations -----------------------------
# W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
# 631-637, as in his portable FORTRAN routine CALERF (netlib specfun): three intervals of |x|,
# [0, 0.46875], (0.46875, 4] and (4, inf), each a ratio of two polynomials.

const ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
               3.20937758913846947e03, 1.85777706184603153e-1)
const ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
               2.84423683343917062e03)
const ERFC_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
                2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
                2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
const ERFC_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
                1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
                3.43936767414372164e03, 1.23033935480374942e03)
const ERFC_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
                1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
const ERFC_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
                6.05183413124413191e-2, 2.33520497626869185e-3)
const INV_SQRT_PI = 5.6418958354775628695e-1
# erfc(x) underflows to 0 beyond this point (exp(-x^2) < the smallest subnormal).
const ERFC_ZERO_BEYOND = 27.3

# erf(x) for |x| <= 0.46875.
function erf_small(x::Float64)
    x2 = x * x
    numerator, denominator = ERF_A[5] * x2, x2
    for i in 1:3
        numerator = (numerator + ERF_A[i]) * x2
        denominator = (denominator + ERF_B[i]) * x2
    end
    return x * (numerator + ERF_A[4]) / (denominator + ERF_B[4])
end

# erfc(y) for y > 0.46875 (and not NaN).
function erfc_large(y::Float64)
    y >= ERFC_ZERO_BEYOND && return 0.0
    if y <= 4.0
        numerator, denominator = ERFC_C[9] * y, y
        for i in 1:7
            numerator = (numerator + ERFC_C[i]) * y
            denominator = (denominator + ERFC_D[i]) * y
        end
        ratio = (numerator + ERFC_C[8]) / (denominator + ERFC_D[8])
    else
        z = 1.0 / (y * y)
        numerator, denominator = ERFC_P[6] * z, z
        for i in 1:4
            numerator = (numerator + ERFC_P[i]) * z
            denominator = (denominator + ERFC_Q[i]) * z
        end
        ratio = (INV_SQRT_PI - z * (numerator + ERFC_P[5]) / (denominator + ERFC_Q[5])) / y
    end
    # exp(-y^2) without the rounding error of y^2: y = head + tail with head a multiple of 1/16,
    # whose square is exact, and y^2 - head^2 = (y - head) * (y + head).
    head = trunc(16.0 * y) / 16.0
    return exp(-head * head) * exp(-(y - head) * (y + head)) * ratio
end

function erf64(x::Float64)
    isnan(x) && return x
    y = abs(x)
    y <= 0.46875 && return erf_small(x)
    value = (0.5 - erfc_large(y)) + 0.5
    return x < 0.0 ? -value : value
end

function erfc64(x::Float64)
    isnan(x) && return x
    y = abs(x)
    y <= 0.46875 && return 1.0 - erf_small(x)
    value = erfc_large(y)
    return x < 0.0 ? 2.0 - value : value
end

"""
    erf(x)

The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to x; total (erf(±Inf) = ±1).
"""
erf(x::T) where {T<:AbstractFloat} = T(erf64(Float64(x)))

"""
    erfc(x)

The complementary error function 1 - erf(x), accurate also where it is tiny (large x).
"""
erfc(x::T) where {T<:AbstractFloat} = T(erfc64(Float64(x)))

# --- gamma: Stirling's series above 12, recurrence below, reflection for x < 0 -----------------

# Coefficients of 1/x, 1/x^3, ... in log(gamma(x)) - Stirling's formula: B(2k) / (2k (2k - 1)).
# For x >= 12 the first omitted term (3617/122400/x^15) is below 1e-17 of the result.
const STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
const SQRT_2PI = 2.5066282746310005024
const STIRLING_FROM = 12.0

# gamma(x) for x >= 12 (Inf once it overflows, past 171.62).
function gamma_stirling(x::Float64)
    w = 1.0 / x
    w2 = w * w
    series = STIRLING[7]
    for k in 6:-1:1
        series = series * w2 + STIRLING[k]
    end
    correction = exp(series * w)
    # x^(x - 1/2) e^-x, with the exponents exact (x - 1/2 and x/2 - 1/4 are exact in Float64
    # here) and the power split in two where it alone would overflow.
    if x > 143.0
        half_power = x^(0.5 * x - 0.25)
        return SQRT_2PI * (half_power * (half_power / exp(x))) * correction
    end
    return SQRT_2PI * (x^(x - 0.5) / exp(x)) * correction
end

# gamma(x) for x > 0.
function gamma_positive(x::Float64)
    if isinteger(x) && x <= 23.0
        # (x - 1)! is exact in Float64 up to 22!, as the products of integers below it.
        product = 1.0
        for k in 2:(unsafe_trunc(Int, x) - 1)
            product *= k
        end
        return product
    end
    x >= STIRLING_FROM && return gamma_stirling(x)
    # gamma(x) = gamma(x + n) / (x (x + 1) ... (x + n - 1)), with x + n >= 12.
    n = unsafe_trunc(Int, ceil(STIRLING_FROM - x))
    product = x
    for k in 1:(n - 1)
        product *= x + k
    end
    return gamma_stirling(x + n) / product
end

function gamma64(x::Float64)
    isfinite(x) || return NaN               # gamma(Inf) overflows; gamma(-Inf) has no limit
    if x <= 0.0
        isinteger(x) && return NaN          # poles at 0, -1, -2, ...
        # Reflection gamma(x) gamma(-x) = -pi / (x sin(pi x)), with -x exact (1 - x would not be).
        value = (-pi / (x * sinpi(x))) / gamma_positive(-x)   # underflows to 0 far left
    else
        value = gamma_positive(x)
    end
    return isfinite(value) ? value : NaN
end

"""
    gamma(x)

The gamma function, NaN at the poles 0, -1, -2, ... and wherever the result overflows the
argument's type (x > 171.6 in Float64, x > 35.04 in Float32), as in SymbolicRegression.jl.
"""
function gamma(x::T) where {T<:AbstractFloat}
    value = T(gamma64(Float64(x)))
    return isfinite(value) ? value : T(NaN)
end
