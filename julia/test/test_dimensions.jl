# Dimensional analysis (X_units / y_units): the rules, soft and hard mode, option errors.

const METRE = [1, 0, 0, 0, 0, 0, 0]
const SECOND = [0, 0, 1, 0, 0, 0, 0]
const AMPERE = [0, 0, 0, 1, 0, 0, 0]
const METRE_AMPERE = [1, 0, 0, 1, 0, 0, 0]
const UNIT_OPERATORS = (binary_operators=["+", "-", "*", "/", "^", "max", "greater", "cond", "atan2"],
                        unary_operators=["cos", "sqrt", "square", "inv", "abs", "sign", "exp"])

# x0 in m, x1 in s, x2 in A; y in m*A (PySR's test_unit_propagation)
unit_options(; kwargs...) = P.Options(; UNIT_OPERATORS..., X_units=[METRE, SECOND, AMPERE], y_units=METRE_AMPERE, kwargs...)

"""A tree from Julia syntax over x0, x1, x2 and float constants: `:(x0 * cos(2.0 * x1))`."""
function tree_of(ops, expression)
    expression isa Symbol && return P.variable_node(Float64, parse(Int, string(expression)[2:end]) + 1)
    expression isa Real && return P.constant_node(Float64, expression)
    name = string(expression.args[1])
    arguments = [tree_of(ops, argument) for argument in expression.args[2:end]]
    length(arguments) == 1 && return unary(ops, name, arguments[1])
    return foldl((left, right) -> binary(ops, name, left, right), arguments)   # a * b * c is ((a * b) * c)
end

@testset "dimensions: the rules, constants as wildcards" begin
    options = unit_options()
    ops = options.operators
    consistent(expression, o=options) = P.dimensionally_consistent(tree_of(ops, expression), o)
    for (expression, expected) in [
        (:(x0 * x2), true),                    # m * A = m*A
        (:(x2 * x0), true),
        (:x0, false),                          # m is not m*A
        (:(x0 * x1), false),
        (:(x0 + x1), false),                   # m + s
        (:(2.5 * x0), true),                   # the constant takes the units A
        (:(2.5), true),                        # a constant alone can be anything
        (:(x0 * x2 + 2.5), true),              # the constant adopts m*A
        (:(x0 * x2 + x0), false),
        (:(cos(x0) * x0 * x2), false),         # cos of a length
        (:(cos(x0 / x0) * x0 * x2), true),
        (:(cos(2.0 * x0) * x0 * x2), true),    # 2.0 has the units 1/m
        (:(exp(x1) * x0 * x2), false),
        (:(square(x0) / x0 * x2), true),       # square scales exponents
        (:(sqrt(square(x0)) * x2), true),
        (:(inv(inv(x0)) * x2), true),
        (:(abs(x0) * x2), true),
        (:((x0 ^ 2.0) / x0 * x2), true),       # a constant power of a length
        (:((x0 ^ x1) * x2), false),            # a varying power needs a pure number
        (:((x0 ^ (x1 / x1)) * x2), false),
        (:(((x0 / x0) ^ (x1 / x1)) * x0 * x2), true),
        (:((x2 ^ x0) * x0), false),            # a power with units
        (:(max(x0, x0) * x2), true),
        (:(max(x0, x1) * x2), false),
        (:(greater(x0, x1) * x0 * x2), false), # comparisons need equal units...
        (:(greater(x0, x0) * x0 * x2), true),  # ...and give a pure number
        (:(cond(x1, x0 * x2)), true),          # cond(a, b) is b where a > 0
        (:(atan2(x0, x0) * x0 * x2), true),
        (:(sign(x1) * x0 * x2), true),
    ]
        @test consistent(expression) == expected
    end
    # Without y_units, the output is free: only the inside must be consistent.
    free_output = P.Options(; UNIT_OPERATORS..., X_units=[METRE, SECOND, AMPERE])
    @test consistent(:x0, free_output) && consistent(:(x0 * x1), free_output)
    @test !consistent(:(x0 + x1), free_output)
    # y_units alone: every feature is dimensionless (PySR).
    only_y = P.Options(; UNIT_OPERATORS..., y_units=METRE)
    @test !consistent(:x0, only_y) && consistent(:(2.0 * x0), only_y) && consistent(:(cos(x0) + x1), P.Options(; UNIT_OPERATORS..., y_units=zeros(7)))
    # dimensionless_constants_only: a constant is a pure number, never a wildcard.
    strict = unit_options(dimensionless_constants_only=true)
    @test !consistent(:(2.5 * x0), strict) && !consistent(:(2.5), strict)
    @test consistent(:(2.5 * x0 * x2), strict) && !consistent(:(cos(2.0 * x0) * x0 * x2), strict)
    # No units: everything is consistent.
    plain = P.Options(; UNIT_OPERATORS...)
    @test !plain.dimensions.active && consistent(:(cos(x0) + x1), plain)
    # One walk per tree, no allocation.
    tree = tree_of(ops, :(cos(2.0 * x0) * sqrt(square(x0)) * x2 + x0 * x2))
    allocations(t, o) = @allocated P.dimensionally_consistent(t, o)
    allocations(tree, options)
    @test allocations(tree, options) == 0
end

@testset "dimensions: user operators need pure numbers unless declared" begin
    inverse_square(x) = 1 / x^2
    product_of(x, y) = x * y
    operators = (binary_operators=["+", "*", product_of], unary_operators=[inverse_square])
    plain = P.Options(; operators..., X_units=[METRE, SECOND, AMPERE], y_units=[-2, 0, 0, 0, 0, 0, 0])
    ops = plain.operators
    square_inverse(o) = P.dimensionally_consistent(P.unary_node(P.unary_index(ops, "inverse_square"), P.variable_node(Float64, 1)), o)
    @test !square_inverse(plain)
    declared = P.Options(; operators..., X_units=[METRE, SECOND, AMPERE], y_units=[-2, 0, 0, 0, 0, 0, 0],
                         operator_dimensions=Dict("inverse_square" => -2, "product_of" => "*"))
    @test square_inverse(declared)
    product = P.binary_node(P.binary_index(ops, "product_of"), P.variable_node(Float64, 1), P.variable_node(Float64, 3))
    @test !P.dimensionally_consistent(product, P.Options(; operators..., X_units=[METRE, SECOND, AMPERE], y_units=METRE_AMPERE))
    @test P.dimensionally_consistent(product, P.Options(; operators..., X_units=[METRE, SECOND, AMPERE], y_units=METRE_AMPERE,
                                                        operator_dimensions=Dict("product_of" => "*")))
end

@testset "dimensions: soft mode adds the penalty, hard mode rejects" begin
    X = randn(MersenneTwister(21), 50, 3)
    data = P.Dataset(X, X[:, 1] .* X[:, 3])
    workspace = P.Workspace(data)
    soft = unit_options(dimensional_constraint_penalty=250.0)
    hard = unit_options(dimensional_analysis="hard")
    plain = P.Options(; UNIT_OPERATORS...)
    ops = soft.operators
    inconsistent = tree_of(ops, :(x0 + x0))
    right = tree_of(ops, :(x0 * x2))
    base = P.evaluate_loss!(workspace, inconsistent, data, plain)
    @test P.evaluate_loss!(workspace, inconsistent, data, soft) ≈ base + 250.0
    @test P.evaluate_loss!(workspace, right, data, soft) == P.evaluate_loss!(workspace, right, data, plain) < 1e-20
    @test P.evaluate_loss!(workspace, inconsistent, data, hard) == Inf
    @test P.check_constraints(right, hard, hard.maxsize) && !P.check_constraints(inconsistent, hard, hard.maxsize)
    @test P.check_constraints(inconsistent, soft, soft.maxsize)   # soft mode keeps it, with its penalty
    # A loss_function is the whole objective: no penalty is added to it (PySR).
    objective(tree, dataset, options) = 1.0
    @test P.evaluate_loss!(workspace, inconsistent, data, unit_options(loss_function=objective)) == 1.0
    # The data's scale (parsimony's normalisation) ignores units.
    strict = unit_options(dimensionless_constants_only=true, dimensional_analysis="hard")
    @test P.baseline_loss(data, strict, workspace) == P.baseline_loss(data, plain, workspace)
    allocations(w, t, d, o) = @allocated P.evaluate_loss!(w, t, d, o)
    allocations(workspace, right, data, soft)
    @test allocations(workspace, right, data, soft) == 0
    @test allocations(workspace, inconsistent, data, hard) == 0
end

@testset "dimensions: clear option errors" begin
    for (kwargs, message) in [
        ((X_units=[METRE, SECOND],), "option X_units has 2 entries but the data has 3 features"),
        ((X_units=[METRE, [1, 0], AMPERE],), "option X_units[2] must be 7 exponents of (m, kg, s, A, K, mol, cd)"),
        ((X_units=[METRE, SECOND, [NaN, 0, 0, 0, 0, 0, 0]],), "option X_units[3] must be 7 exponents"),
        ((X_units="m",), "option X_units must be one vector of 7 exponents per feature"),
        ((y_units=[1, 0, 0],), "option y_units must be 7 exponents"),
        ((y_units=METRE, dimensional_analysis="medium"), "option dimensional_analysis must be \"soft\""),
        ((y_units=METRE, dimensional_constraint_penalty=-1.0), "dimensional_constraint_penalty must be a non-negative number"),
        ((y_units=METRE, dimensionless_constants_only=1), "dimensionless_constants_only must be true or false"),
        ((y_units=METRE, operator_dimensions=Dict("cos" => "+")), "\"cos\" is a built-in operator"),
        ((y_units=METRE, operator_dimensions=Dict("tan" => -1)), "operator_dimensions: \"tan\" is not an operator of this search"),
    ]
        X = randn(MersenneTwister(22), 20, 3)
        message_seen = error_message(() -> P.equation_search(X, X[:, 1]; UNIT_OPERATORS..., niterations=1, kwargs...))
        @test occursin(message, message_seen)
    end
    twice(x) = 2x
    plus_like(x, y) = x + y
    for (rules, message) in [
        (Dict("plus_like" => 2.0), "a number (a power) is for unary operators"),
        (Dict("twice" => "+"), "\"+\" is not a built-in unary operator"),
        (Dict("twice" => Inf), "must be a finite power"),
        (Dict("twice" => :abs), "must be a built-in operator's name"),
    ]
        message_seen = error_message(() -> P.Options(binary_operators=["+", plus_like], unary_operators=[twice],
                                                     y_units=METRE, operator_dimensions=rules))
        @test occursin(message, message_seen)
    end
end

@testset "dimensions: a hard-mode search reports only consistent equations" begin
    X = 1 .+ 4 .* rand(MersenneTwister(23), 100, 3)
    y = X[:, 1] .* X[:, 3] .+ X[:, 2]        # m*A + s: x0*x2 + x1 fits, but only x0*x2 + c*x1 is consistent
    search(; options...) = equation_search(X, y; binary_operators=["+", "-", "*", "/"], unary_operators=["cos"],
                                           populations=4, population_size=30, ncycles_per_iteration=50, niterations=5,
                                           random_state=3, X_units=[METRE, SECOND, AMPERE], y_units=METRE_AMPERE, options...)
    front = search(dimensional_analysis="hard")
    @test !isempty(front) && all(row -> row.dimensionally_consistent, front)
    @test front[end].loss < 1e-20      # through a constant with the units m*A/s
    soft = search(dimensional_constraint_penalty=0.0)
    @test any(row -> !row.dimensionally_consistent, soft)   # no penalty: x0*x2 + x1 itself
end
