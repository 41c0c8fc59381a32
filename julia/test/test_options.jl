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

@testset "options.toml reader" begin
    path = tempname()
    write(path, """
    # a comment
    niterations = 40
    parsimony = 1e-3
    early_stop_loss = -inf
    deterministic = true
    binary_operators = ["+", "-", "*"]
    unary_operators = []
    optimizer_algorithm = "BFGS"
    """)
    settings = P.read_options_file(path)
    @test settings["niterations"] === 40 && settings["parsimony"] === 1e-3
    @test settings["early_stop_loss"] == -Inf && settings["deterministic"] === true
    @test settings["binary_operators"] == ["+", "-", "*"] && settings["unary_operators"] == String[]
    @test settings["optimizer_algorithm"] == "BFGS"
    write(path, "niterations 40\n")
    @test_throws P.OptionsFileError P.read_options_file(path)
    write(path, "name = \"unterminated\n")
    @test_throws P.OptionsFileError P.read_options_file(path)
end
