@testset "Options: PySR names and defaults, clear errors" begin
    options = P.Options(binary_operators=["+", "*"], maxsize=20, timeout_in_seconds=5)
    @test options.maxsize == 20 && options.maxdepth == 20
    @test options.timeout_in_seconds === 5.0
    @test options.populations == 31 && options.population_size == 27
    @test_throws ArgumentError P.Options(populations=0)
    @test_throws ArgumentError P.Options(tournament_selection_p=1.5)
    @test_throws ArgumentError P.Options(not_an_option=1)
    message = try P.Options(populatoins=3); "" catch error; sprint(showerror, error) end
    @test occursin("unknown option populatoins", message) && occursin("populations", message)
end

@testset "options.toml reader: TOML, and errors that name the file" begin
    path = tempname()
    write(path, """
    # a comment
    niterations = 40
    parsimony = 1e-3
    early_stop_loss = -1.5e-300
    deterministic = true
    binary_operators = ["+", "-", "*"]
    unary_operators = []
    optimizer_algorithm = "BFGS"
    [user_functions]
    operators = ["my\\nop"]
    """)
    settings = P.read_options_file(path)
    @test settings["niterations"] === 40 && settings["parsimony"] === 1e-3
    @test settings["early_stop_loss"] == -1.5e-300 && settings["deterministic"] === true
    @test settings["binary_operators"] == ["+", "-", "*"] && isempty(settings["unary_operators"])
    @test settings["optimizer_algorithm"] == "BFGS"
    @test settings["user_functions"]["operators"] == ["my\nop"]
    for damaged in ("niterations 40\n", "name = \"unterminated\n", "a = 1\na = 2\n")
        write(path, damaged)
        message = try P.read_options_file(path); "" catch error; sprint(showerror, error) end
        @test occursin(path, message) && occursin("not valid TOML", message)
    end
    write(path, UInt8[0xff, 0xfe, 0x00])
    @test_throws P.InvalidRunError P.read_options_file(path)
end
