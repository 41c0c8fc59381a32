# Where populations evolve (serial, threads, worker processes) and how workers are placed.
# The end-to-end searches on worker processes are in tests/test_distributed.py.

using Serialization: serialize, deserialize

@testset "serial and threaded schedulers give the same front" begin
    X = randn(MersenneTwister(11), 100, 2)
    data = P.Dataset(X, X[:, 1] .* X[:, 2] .+ 1)
    options = P.Options(; binary_operators=["+", "*"], populations=4, population_size=20, ncycles_per_iteration=50,
                        niterations=4, random_state=3, deterministic=true)
    front(scheduler) = [(m.complexity, m.loss, P.equation_string(m.tree, options.operators, data.variable_names))
                        for m in P.pareto_front(P.equation_search(data, options; scheduler=scheduler).hall_of_fame)]
    @test front(P.SerialScheduler()) == front(P.ThreadScheduler())
    @test_throws ArgumentError equation_search(X, X[:, 1]; parallelism="multiprocessing")
end

@testset "the threads take the populations from one queue, and every population reports" begin
    X = randn(MersenneTwister(12), 200, 2)
    data = P.Dataset(X, X[:, 1] .* X[:, 2])
    options = P.Options(; binary_operators=["+", "*"], populations=7, population_size=20, ncycles_per_iteration=20,
                        random_state=5, deterministic=true)
    setup = P.SearchSetup(data, options, Threads.Atomic{Bool}(false), time(), Inf)
    state = P.initial_state(setup)
    step = P.IterationStep(state.frequencies, options.maxsize, Inf)
    reports = P.evolve_populations!(P.ThreadScheduler(), state.populations, setup, step)
    @test length(reports) == 7    # one per population, whichever thread ran it
    @test all(report -> report.evaluations > 0, reports)
end

@testset "waiting for tasks survives Ctrl-C: the interrupted task has no result, the others do" begin
    interrupted = Ref(0)
    tasks = [@async(1), @async(throw(InterruptException())), @async(3)]
    foreach(task -> try wait(task) catch end, tasks)
    @test P.fetch_each(tasks, () -> interrupted[] += 1) == [1, nothing, 3]
    @test interrupted[] == 1
    failing = [@async(error("a real failure"))]
    @test_throws TaskFailedException P.fetch_each(failing, () -> nothing)
end

@testset "populations are dealt to workers in turn, one batch each" begin
    @test P.deal_populations([1, 2, 3, 4, 5], [7, 9]) == [7 => [1, 3, 5], 9 => [2, 4]]
    @test P.deal_populations([2, 5], [7, 9, 11]) == [7 => [2], 9 => [5]]   # no empty batch
end

@testset "machine specs as Julia's --machine-file reads them" begin
    @test P.machine_spec("node1") == "node1"
    @test P.machine_spec("4*user@node2:2222") == ("user@node2:2222", 4)
    @test P.machine_count(["node1", "4*node2"]) == 5
    @test_throws P.InvalidRunError P.machine_spec("x*node1")
end

@testset "the srun command that starts SLURM workers" begin
    command = P.slurm_worker_command(8, 4, "/shared/julia/bin/julia", `--project=/shared/pysr_lite -t 4`)
    @test command.exec == ["srun", "--ntasks=8", "--cpus-per-task=4", "--kill-on-bad-exit=0", "--input=all",
                           "--label", "--job-name=pysr_lite_workers", "/shared/julia/bin/julia", "--project=/shared/pysr_lite",
                           "-t", "4", "--worker"]
end

@testset "workers started over SSH get the head's Julia and its loading environment" begin
    julia = joinpath(Sys.BINDIR, Base.julia_exename())
    command = P.remote_julia_command(Dict("LD_LIBRARY_PATH" => "/opt/lib", "JULIA_DEPOT_PATH" => "/shared/depot", "HOME" => "/root"))
    @test command.exec == ["env", "LD_LIBRARY_PATH=/opt/lib", "JULIA_DEPOT_PATH=/shared/depot", julia]
    @test P.remote_julia_command(Dict{String,String}()).exec == [julia]
end

@testset "the parallelism plan of options.toml" begin
    plan = P.parallelism_plan(Dict{String,Any}("parallelism" => "multiprocessing", "procs" => 5, "threads" => 2,
                                               "cluster_hosts" => ["node1", "4*node2"]))
    @test (plan.procs, plan.threads, plan.cluster_hosts, plan.shared_filesystem) == (5, 2, ["node1", "4*node2"], true)
    @test P.parallelism_plan(Dict{String,Any}()).parallelism == "multithreading"
    @test_throws P.InvalidRunError P.parallelism_plan(Dict{String,Any}("parallelism" => "threads"))
    @test_throws P.InvalidRunError P.parallelism_plan(Dict{String,Any}("parallelism" => "multiprocessing", "procs" => 0))
    @test_throws P.InvalidRunError P.parallelism_plan(Dict{String,Any}("parallelism" => "multiprocessing", "procs" => 2,
                                                                      "cluster_hosts" => ["4*node2"]))
end

@testset "trees cross to worker processes as compact records, unchanged" begin
    ops = P.OperatorSet(["+", "*", "/"], ["cos", "exp"])
    for T in (Float64, Float32)
        x0, x1 = P.variable_node(T, 1), P.variable_node(T, 12)
        tree = binary(ops, "/", unary(ops, "cos", binary(ops, "*", P.constant_node(T, 0.1 + 1e-9), x0)),
                      binary(ops, "+", unary(ops, "exp", x1), P.constant_node(T, -2.5e-300)))
        members = [P.PopMember{T}(tree, 0.25, 1.5, 9, 7), P.PopMember{T}(x1, 1.0, 2.0, 1, 8)]
        io = IOBuffer()
        serialize(io, members)   # as Distributed sends populations: trees inside other values
        seekstart(io)
        copies = deserialize(io)
        names = ["x$i" for i in 1:12]
        @test [P.equation_string(m.tree, ops, names) for m in copies] == [P.equation_string(m.tree, ops, names) for m in members]
        @test copies[1].tree.left.left.left.value === tree.left.left.left.value    # constants bit for bit
        @test copies[1].tree.right.right.value === tree.right.right.value
        @test (copies[1].loss, copies[1].birth, copies[2].tree.feature) == (0.25, 7, 12)
    end
end
