function write_run_folder(folder, X, y; extra="")
    write(joinpath(folder, "X.bin"), htol.(vec(X)))   # column-major, little-endian
    write(joinpath(folder, "y.bin"), htol.(y))
    write(joinpath(folder, "options.toml"), """
    protocol_version = 2
    n_rows = $(size(X, 1))
    n_features = $(size(X, 2))
    precision = 64
    has_weights = false
    variable_names = ["a", "b"]
    binary_operators = ["+", "-", "*"]
    unary_operators = []
    populations = 4
    niterations = 3
    random_state = 1
    $extra
    """)
end

@testset "protocol: run folder in, hall_of_fame.csv and pysr_lite: lines out" begin
    folder = mktempdir()
    X = randn(MersenneTwister(8), 50, 2)
    write_run_folder(folder, X, X[:, 1] .* X[:, 2])
    output = IOBuffer()
    code = redirect_stdout_to(output) do
        P.main([folder])
    end
    text = String(take!(output))
    @test code == 0
    @test occursin("pysr_lite:start n_rows=50 n_features=2", text)
    @test count("pysr_lite:progress iteration=", text) == 3
    @test occursin("pysr_lite:done reason=niterations iterations=3", text)
    lines = readlines(joinpath(folder, "hall_of_fame.csv"))
    @test lines[1] == "complexity,loss,equation,dimensionally_consistent"
    @test all(line -> occursin(r"^\d+,[^,]+,\".*\",true$", line), lines[2:end])   # no units: all consistent
    @test any(line -> occursin("(a * b)", line) || occursin("(b * a)", line), lines)
    @test !isfile(joinpath(folder, "hall_of_fame.csv.tmp"))
end

@testset "protocol: units arrive as exponents in a [units] table" begin
    folder = mktempdir()
    X = 1 .+ rand(MersenneTwister(15), 50, 2)
    units = """
    [units]
    X = ["m", "s"]
    y = "m*s"
    X_dimensions = [[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]]
    y_dimensions = [1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """
    write_run_folder(folder, X, X[:, 1] .+ X[:, 2]; extra="dimensional_constraint_penalty = 0.0\n" * units)
    options, data, _ = P.load_run(folder)
    @test options.dimensions.active && options.dimensions.features[2] == (0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    @test redirect_stdout_to(() -> P.main([folder]), IOBuffer()) == 0
    rows = readlines(joinpath(folder, "hall_of_fame.csv"))[2:end]
    # a + b (m + s) fits best but is inconsistent; without a penalty it stays on the front, flagged
    @test any(row -> endswith(row, "\",false") && (occursin("(a + b)", row) || occursin("(b + a)", row)), rows)
    write_run_folder(folder, X, X[:, 1]; extra=replace(units, "y = " => "why = "))
    output = IOBuffer()
    @test redirect_stdout_to(() -> P.main([folder]), output) == 2
    @test occursin("unknown entry \"why\" in [units]", String(take!(output)))
    write_run_folder(folder, X, X[:, 1]; extra=replace(units, "[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], " => ""))
    @test redirect_stdout_to(() -> P.main([folder]), output) == 2
    @test occursin("X_units has 1 entries but the data has 2 features", String(take!(output)))
end

@testset "protocol: the frontend's deadline_unix_seconds ends the search" begin
    folder = mktempdir()
    X = randn(MersenneTwister(10), 50, 2)
    write_run_folder(folder, X, X[:, 1] .* X[:, 2] .+ sin.(X[:, 1]);
                     extra="ncycles_per_iteration = 100000000\ndeadline_unix_seconds = $(time() + 2.0)")
    output = IOBuffer()
    started = time()
    @test redirect_stdout_to(() -> P.main([folder]), output) == 0
    @test occursin("pysr_lite:done reason=timeout", String(take!(output)))
    @test time() - started < 10
    @test isfile(joinpath(folder, "hall_of_fame.csv"))
end

@testset "protocol: invalid run folders exit with code 2 and say why" begin
    folder = mktempdir()
    X = randn(MersenneTwister(9), 20, 2)
    write_run_folder(folder, X, X[:, 1]; extra="populatoins = 3")
    output = IOBuffer()
    @test redirect_stdout_to(() -> P.main([folder]), output) == 2
    @test occursin("pysr_lite:error", String(take!(output)))
    write_run_folder(folder, X, X[:, 1]; extra="deadline_unix_seconds = \"soon\"")
    @test redirect_stdout_to(() -> P.main([folder]), output) == 2
    @test occursin("deadline_unix_seconds\" must be a number of seconds", String(take!(output)))
    write_run_folder(folder, X, X[:, 1])
    write(joinpath(folder, "y.bin"), zeros(5))   # wrong size
    @test redirect_stdout_to(() -> P.main([folder]), output) == 2
    @test occursin("y.bin has 40 bytes", String(take!(output)))
end

@testset "protocol: a persistent engine serves several runs" begin
    folders = [mktempdir() for _ in 1:2]
    X = randn(MersenneTwister(10), 30, 2)
    write_run_folder(folders[1], X, X[:, 1] .+ X[:, 2])
    write_run_folder(folders[2], X, X[:, 1]; extra="populatoins = 3")
    commands = IOBuffer("run 1 $(bytes2hex(codeunits(folders[1])))\nrun 2 $(bytes2hex(codeunits(folders[2])))\nbogus\nquit\n")
    output = IOBuffer()
    @test redirect_stdout_to(() -> P.serve(commands), output) == 0
    lines = filter(line -> startswith(line, "pysr_lite:") && !startswith(line, "pysr_lite:progress"),
                   split(String(take!(output)), '\n'))
    kinds = [split(line, (' ', ':'))[2] for line in lines]
    @test kinds == ["ready", "start", "compiled", "done", "ready", "error", "ready", "error"]
    @test isfile(joinpath(folders[1], "hall_of_fame.csv"))
end

@testset "protocol: `stop` on the input ends the search with its front written" begin
    folder = mktempdir()
    X = randn(MersenneTwister(14), 40, 2)
    write_run_folder(folder, X, X[:, 1] .- X[:, 2]; extra="")
    stop_requested = Threads.Atomic{Bool}(false)
    P.watch_input(IOBuffer("stop\n"), stop_requested)
    @test stop_requested[]
    output = IOBuffer()
    @test redirect_stdout_to(() -> P.run_search_in_folder(folder, stop_requested), output) == 0
    text = String(take!(output))
    @test occursin("pysr_lite:done reason=interrupted iterations=1", text)
    @test isfile(joinpath(folder, "hall_of_fame.csv"))
end

@testset "protocol: `compiled` tells when the search runs at full speed (after compiling it, the first time)" begin
    X = randn(MersenneTwister(15), 30, 2)
    run_once() = begin
        folder = mktempdir()
        write_run_folder(folder, X, X[:, 1] .* X[:, 2])
        output = IOBuffer()
        @test redirect_stdout_to(() -> P.main([folder]), output) == 0
        filter(line -> startswith(line, "pysr_lite:"), split(String(take!(output)), '\n'))
    end
    empty!(P.SEARCH_KINDS_RUN)   # as in a fresh process: this kind of search was never compiled
    first_run, second_run = run_once(), run_once()
    kind_of(line) = split(line, (' ', ':'))[2]
    # The first search compiles during its first iteration, so it is at full speed only after it.
    @test occursin("compiles=true", first_run[1])
    @test map(kind_of, first_run[2:3]) == ["compiled", "progress"] && startswith(first_run[2], "pysr_lite:compiled iteration=1 ")
    # The next one of the same kind is compiled already: ready before its first iteration.
    @test occursin("compiles=false", second_run[1])
    @test map(kind_of, second_run[2:3]) == ["compiled", "progress"] && startswith(second_run[2], "pysr_lite:compiled iteration=0 ")
    @test occursin(r"pysr_lite:done .*setup_seconds=[0-9.e-]+ ", second_run[end])
end
