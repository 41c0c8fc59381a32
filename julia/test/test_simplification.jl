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
