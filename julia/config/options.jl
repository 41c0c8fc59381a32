# Every search option, with PySR's names and (PySR 1.x) defaults, in one NamedTuple.
# The Python frontend writes all of them into options.toml; a Julia user passes any of them as
# keywords to `equation_search` or `Options`.

const DEFAULT_OPTIONS = (
    binary_operators = ["+", "-", "*", "/"],
    unary_operators = String[],
    niterations = 100,
    populations = 31,
    population_size = 27,
    ncycles_per_iteration = 380,
    maxsize = 30,
    maxdepth = 0,                # 0: no limit beyond maxsize
    parsimony = 0.0,
    timeout_in_seconds = 0.0,    # 0: none
    max_evals = 0,               # 0: none
    early_stop_loss = -Inf,      # stop when an equation reaches this loss
    early_stop_condition = "",   # or Julia source of a function (loss, complexity) -> Bool
    random_state = 0,
    deterministic = false,
    tournament_selection_n = 15,
    tournament_selection_p = 0.982,
    annealing = false,
    alpha = 3.17,
    adaptive_parsimony_scaling = 1040.0,
    use_frequency = true,
    use_frequency_in_tournament = true,
    migration = true,
    hof_migration = true,
    fraction_replaced = 0.00036,
    fraction_replaced_hof = 0.0614,
    topn = 12,
    crossover_probability = 0.0259,
    weight_mutate_constant = 0.0346,
    weight_mutate_operator = 0.293,
    weight_swap_operands = 0.198,
    weight_rotate_tree = 4.26,
    weight_add_node = 2.47,
    weight_insert_node = 0.0112,
    weight_delete_node = 0.870,
    weight_simplify = 0.00209,
    weight_randomize = 0.000502,
    weight_do_nothing = 0.273,
    weight_optimize = 0.0,
    optimizer_algorithm = "BFGS",
    optimizer_nrestarts = 2,
    optimize_probability = 0.14,
    optimizer_iterations = 8,
    perturbation_factor = 0.129,
    should_simplify = true,
    should_optimize_constants = true,
    warmup_maxsize_by = 0.0,
    batching = false,
    batch_size = 50,
    precision = 64,
    threads = 0,                 # informational: threads are set by `julia -t`
    verbosity = 1,
)

"""
    Options(; kwargs...)

The immutable settings of one search, built once and passed down. Keywords are PySR's option
names (see `DEFAULT_OPTIONS`); unknown names and out-of-range values raise an `ArgumentError`
that names the option.

```julia
options = Options(binary_operators=["+", "*"], unary_operators=["cos"], maxsize=20)
```
"""
struct Options{B<:Tuple,U<:Tuple}
    operators::OperatorSet{B,U}
    niterations::Int
    populations::Int
    population_size::Int
    ncycles_per_iteration::Int
    maxsize::Int
    maxdepth::Int
    parsimony::Float64
    timeout_in_seconds::Float64
    max_evals::Int
    early_stop_loss::Float64
    early_stop_condition::String
    random_state::Int
    deterministic::Bool
    tournament_selection_n::Int
    tournament_selection_p::Float64
    annealing::Bool
    alpha::Float64
    adaptive_parsimony_scaling::Float64
    use_frequency::Bool
    use_frequency_in_tournament::Bool
    migration::Bool
    hof_migration::Bool
    fraction_replaced::Float64
    fraction_replaced_hof::Float64
    topn::Int
    crossover_probability::Float64
    mutation_weights::MutationWeights
    optimizer_algorithm::Symbol
    optimizer_nrestarts::Int
    optimize_probability::Float64
    optimizer_iterations::Int
    perturbation_factor::Float64
    should_simplify::Bool
    should_optimize_constants::Bool
    warmup_maxsize_by::Float64
    batching::Bool
    batch_size::Int
    precision::Int
    verbosity::Int
end

# early_stop_condition: Julia source compiled into a (loss, complexity) -> Bool function.
never_stop(loss, complexity) = false

"""
    compile_stop_condition(source) -> Function

Julia source of a function of (loss, complexity), as PySR takes it:
`"f(loss, complexity) = loss < 1e-6 && complexity < 10"`. Evaluated in a fresh module.
"""
function compile_stop_condition(source::AbstractString)
    isempty(strip(source)) && return never_stop
    condition = try
        Core.eval(Module(:EarlyStopCondition), Meta.parse(source))
    catch error
        throw(ArgumentError("early_stop_condition is not valid Julia: $(sprint(showerror, error))"))
    end
    # The method was defined after this code was compiled: ask in the newest world.
    condition isa Function && Base.invokelatest(applicable, condition, 1.0, 1) || throw(ArgumentError(
        "early_stop_condition must define a function of (loss, complexity), e.g. " *
        "\"f(loss, complexity) = loss < 1e-6 && complexity < 10\""))
    return condition
end

function check_option(condition::Bool, name::Symbol, value, requirement::AbstractString)
    condition || throw(ArgumentError("option $name must be $requirement, got $(repr(value))"))
    return nothing
end

function reject_unknown_options(names)
    known = keys(DEFAULT_OPTIONS)
    for name in names
        name in known && continue
        close_names = [k for k in known if occursin(string(name)[1:min(end, 4)], string(k))]
        hint = isempty(close_names) ? "" : " (did you mean $(join(close_names, ", "))?)"
        throw(ArgumentError("unknown option $name$hint"))
    end
end

function Options(; kwargs...)
    reject_unknown_options(keys(kwargs))
    s = merge(DEFAULT_OPTIONS, values(kwargs))
    for name in (:niterations, :populations, :population_size, :ncycles_per_iteration,
                 :tournament_selection_n, :topn, :batch_size)
        check_option(getfield(s, name) >= 1, name, getfield(s, name), "a positive integer")
    end
    for name in (:maxdepth, :max_evals, :optimizer_nrestarts, :optimizer_iterations, :threads)
        check_option(getfield(s, name) >= 0, name, getfield(s, name), "a non-negative integer")
    end
    check_option(s.maxsize >= 1, :maxsize, s.maxsize, "a positive integer")
    check_option(s.population_size >= 2, :population_size, s.population_size, "at least 2")
    check_option(s.tournament_selection_n <= s.population_size, :tournament_selection_n,
                 s.tournament_selection_n, "at most population_size ($(s.population_size))")
    for name in (:tournament_selection_p, :fraction_replaced, :fraction_replaced_hof,
                 :crossover_probability, :optimize_probability)
        value = getfield(s, name)
        check_option(0 <= value <= 1, name, value, "between 0 and 1")
    end
    for name in (:parsimony, :alpha, :adaptive_parsimony_scaling, :perturbation_factor,
                 :timeout_in_seconds, :warmup_maxsize_by)
        value = getfield(s, name)
        check_option(value >= 0 && !isnan(value), name, value, "non-negative")
    end
    check_option(s.warmup_maxsize_by <= 1, :warmup_maxsize_by, s.warmup_maxsize_by, "between 0 and 1")
    check_option(s.precision in (32, 64), :precision, s.precision, "32 or 64")
    check_option(s.optimizer_algorithm in ("BFGS", "NelderMead"), :optimizer_algorithm,
                 s.optimizer_algorithm, "\"BFGS\" or \"NelderMead\"")
    weights = MutationWeights(Tuple(Float64(getfield(s, Symbol(:weight_, kind))) for kind in MUTATION_KINDS))
    for (kind, value) in zip(MUTATION_KINDS, weights.values)
        check_option(value >= 0, Symbol(:weight_, kind), value, "non-negative")
    end
    check_option(sum(weights.values) > 0, :weight_add_node, weights.values, "such that some mutation weight is positive")
    compile_stop_condition(s.early_stop_condition)  # fail here, with the other invalid options
    operators = OperatorSet(collect(s.binary_operators), collect(s.unary_operators))
    # Explicit parameters make the constructor convert (e.g. an integer timeout to Float64).
    return Options{typeof(operators.binary),typeof(operators.unary)}(operators, s.niterations, s.populations, s.population_size,
        s.ncycles_per_iteration, s.maxsize, s.maxdepth == 0 ? s.maxsize : s.maxdepth,
        s.parsimony, s.timeout_in_seconds, s.max_evals, s.early_stop_loss, s.early_stop_condition, s.random_state,
        s.deterministic, s.tournament_selection_n, s.tournament_selection_p, s.annealing,
        s.alpha, s.adaptive_parsimony_scaling, s.use_frequency, s.use_frequency_in_tournament,
        s.migration, s.hof_migration, s.fraction_replaced, s.fraction_replaced_hof, s.topn,
        s.crossover_probability, weights, Symbol(s.optimizer_algorithm), s.optimizer_nrestarts,
        s.optimize_probability, s.optimizer_iterations, s.perturbation_factor, s.should_simplify,
        s.should_optimize_constants, s.warmup_maxsize_by, s.batching, s.batch_size, s.precision,
        s.verbosity)
end
