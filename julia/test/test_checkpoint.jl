@testset "equation text reads back into the same tree, and checkpoints resume a search" begin
    options = P.Options(binary_operators=["+", "-", "*", "/", "^", "max"], unary_operators=["cos", "exp"],
                        populations=3, niterations=2, random_state=4, deterministic=true)
    ops, names = options.operators, ["x0", "x1"]
    for text in ("((x0 * x0) + cos(x1))", "max(x0, -2.5)", "((x0 - 1.0e-5) / -3.2e10)", "(-2.5 ^ exp(x1))", "x1", "0.5")
        @test P.equation_string(P.parse_equation(Float64, text, ops, names), ops, names) == text
    end
    for (bad, problem) in (("sin(x0)", "unary operator \"sin\""), ("(x0 % x1)", "expected an infix operator"),
                           ("x2", "unknown variable \"x2\""), ("(x0 + x1", "expected ')'"), ("x0 x1", "unexpected text"))
        message = try P.parse_equation(Float64, bad, ops, names); "" catch error; sprint(showerror, error) end
        @test occursin(problem, message)
    end

    X = randn(MersenneTwister(21), 100, 2)
    data = P.Dataset(X, X[:, 1] .* X[:, 2] .+ 1)
    state = P.equation_search(data, options)
    path = tempname()
    P.write_checkpoint(path, state, options, names)
    checkpoint = P.read_checkpoint(path)
    @test checkpoint.iterations == 2 && length(checkpoint.populations) == 3
    @test checkpoint.hall_of_fame == [P.equation_string(m.tree, ops, names) for m in P.pareto_front(state.hall_of_fame)]
    resumed = P.equation_search(data, P.Options(binary_operators=["+", "-", "*", "/", "^", "max"], unary_operators=["cos", "exp"],
                                                populations=5, niterations=1, random_state=5); checkpoint=checkpoint)
    @test P.best_loss(resumed.hall_of_fame) <= P.best_loss(state.hall_of_fame)
    write(path, "checkpoint_version = 7\n")
    @test_throws P.CheckpointError P.read_checkpoint(path)
    without_cos = P.Options(binary_operators=["+", "-", "*", "/", "^", "max"], unary_operators=["exp"])
    write(path, "checkpoint_version = 1\nhall_of_fame = [\"cos(x0)\"]\n")
    @test_throws P.CheckpointError P.check_checkpoint(P.read_checkpoint(path), without_cos, data, path)
end
