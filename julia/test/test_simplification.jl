@testset "simplification removes bloat and keeps values" begin
    ops = P.OperatorSet(["+", "-", "*", "/"], ["cos"])
    T = Float64
    x, c = (j -> P.variable_node(T, j)), (v -> P.constant_node(T, v))
    show_simplified(tree) = P.equation_string(P.simplify_tree(tree, ops), ops, ["x0", "x1"])
    @test show_simplified(binary(ops, "+", c(1.0), c(2.0))) == "3.0"                      # folding
    @test show_simplified(binary(ops, "+", x(1), c(0.0))) == "x0"                         # x + 0
    @test show_simplified(binary(ops, "*", c(1.0), x(2))) == "x1"                         # 1 * x
    @test show_simplified(binary(ops, "-", x(1), x(1))) == "0.0"                          # x - x
    @test show_simplified(binary(ops, "/", unary(ops, "cos", x(2)), unary(ops, "cos", x(2)))) == "1.0"
    @test show_simplified(binary(ops, "+", x(2), c(1.5))) == "(1.5 + x1)"                 # canonical order
    nested = binary(ops, "*", c(2.0), binary(ops, "*", c(3.0), x(1)))
    @test show_simplified(nested) == "(6.0 * x0)"                                         # merged constants
    @test show_simplified(binary(ops, "-", x(1), x(2))) == "(x0 - x1)"                    # nothing to do
    x0_squared = () -> binary(ops, "*", x(1), x(1))
    @test show_simplified(binary(ops, "-", x(1), binary(ops, "-", x(1), x0_squared()))) == "(x0 * x0)"  # a - (a - b)
    @test show_simplified(binary(ops, "+", unary(ops, "cos", x(2)), binary(ops, "-", x(1), unary(ops, "cos", x(2))))) == "x0"
    @test show_simplified(binary(ops, "+", binary(ops, "-", x(2), x(1)), x(1))) == "x1"                # (b - a) + a
end

@testset "simplification of PySR's comparison, logic and rounding operators" begin
    ops = P.OperatorSet(["+", "-", "greater", "less", "cond", "logical_or", "mod", "atan2"], ["floor", "gamma", "erf"])
    T = Float64
    x, c = (j -> P.variable_node(T, j)), (v -> P.constant_node(T, v))
    show_simplified(tree) = P.equation_string(P.simplify_tree(tree, ops), ops, ["x0", "x1"])
    @test show_simplified(binary(ops, "greater", c(2.0), c(1.0))) == "1.0"                 # folding
    @test show_simplified(unary(ops, "floor", c(-2.5))) == "-3.0"
    @test show_simplified(unary(ops, "gamma", c(5.0))) == "24.0"
    @test show_simplified(unary(ops, "gamma", c(-1.0))) == "gamma(-1.0)"                     # NaN: not folded
    @test show_simplified(binary(ops, "logical_or", x(2), x(1))) == "logical_or(x0, x1)"     # commutative
    # Order matters for the others: never swapped, never cancelled like x - x.
    @test show_simplified(binary(ops, "greater", x(2), x(1))) == "greater(x1, x0)"
    @test show_simplified(binary(ops, "less", x(1), x(1))) == "less(x0, x0)"
    @test show_simplified(binary(ops, "mod", x(2), c(2.0))) == "mod(x1, 2.0)"
    @test show_simplified(binary(ops, "atan2", x(2), x(1))) == "atan2(x1, x0)"
    @test show_simplified(binary(ops, "cond", x(2), binary(ops, "+", x(1), c(0.0)))) == "cond(x1, x0)"
end
