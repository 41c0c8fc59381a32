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
    complexity_of_operators = nothing,  # Dict operator => complexity, e.g. Dict("sin" => 2, "/" => 3); 1 each otherwise
    complexity_of_constants = 1,        # complexity of a constant
    complexity_of_variables = 1,        # complexity of a variable, or a vector of one per feature
    constraints = nothing,       # Dict operator => largest complexity of its argument(s), e.g. Dict("^" => (-1, 1), "sin" => 5); -1: none
    nested_constraints = nothing,  # Dict operator => Dict(operator => most nested occurrences), e.g. Dict("sin" => Dict("cos" => 0))
    X_units = nothing,           # per feature, exponents of (m, kg, s, A, K, mol, cd): [[1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0]] for m, s
    y_units = nothing,           # the target's exponents; nothing: the output's dimensions are free
    dimensional_analysis = "soft",         # "soft": penalise inconsistent equations; "hard": reject them
    dimensional_constraint_penalty = 1000.0,  # added to the loss of an inconsistent equation (soft mode)
    dimensionless_constants_only = false,  # constants are dimensionless instead of wildcards
    operator_dimensions = nothing,  # Dict user operator => its rule: a built-in's name ("+", "cos"), "dimensionless", or a power (unary)
    timeout_in_seconds = 0.0,    # 0: none
    max_evals = 0,               # 0: none
    early_stop_loss = -Inf,      # stop when an equation reaches this loss
    early_stop_condition = "",   # or a function (loss, complexity) -> Bool, or Julia source of one
    elementwise_loss = nothing,  # L2DistLoss(); a built-in loss ("L1DistLoss()"), or a function (prediction, target[, weight])
    loss_function = nothing,     # or a function (tree, dataset, options) -> loss
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
    snap_constants = false,
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
that names the option. Operators are names of built-ins or Julia functions (user operators);
`elementwise_loss` is a built-in loss (`"L1DistLoss()"`, `ElementwiseLoss("HuberLoss", 1.0)`) or a
function of (prediction, target[, weight]); `loss_function` a function of (tree, dataset,
options); `early_stop_condition` a loss threshold (`early_stop_loss`), a function of (loss,
complexity) or Julia source of one. `complexity_of_operators`, `constraints` and
`nested_constraints` are keyed by operator name (or the operator's function), as a Dict or pairs;
see `ComplexityWeights` and `OperatorConstraints`. `X_units` / `y_units` are exponents of the SI
base units (see `DimensionalAnalysis`).

```julia
options = Options(binary_operators=["+", "*"], unary_operators=["cos"], maxsize=20)
options = Options(binary_operators=["+", "*"], elementwise_loss="L1DistLoss()")
options = Options(binary_operators=["+", "*", "^"], unary_operators=["sin"], complexity_of_operators=Dict("sin" => 2),
                  constraints=Dict("^" => (-1, 1)), nested_constraints=Dict("sin" => Dict("sin" => 0)))
options = Options(binary_operators=["+", "*"], X_units=[[1, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0]],
                  y_units=[1, 0, 1, 0, 0, 0, 0], dimensional_analysis="hard")   # x0 in m, x1 in s, y in m*s
```
"""
struct Options{B<:Tuple,U<:Tuple,L}
    operators::OperatorSet{B,U}       # built-in and user operators, and which ones the search uses
    loss::L                           # ElementwiseLoss, UserElementwiseLoss or UserObjective
    niterations::Int                  # iterations: every population evolves, then they migrate
    populations::Int                  # populations evolved in parallel
    population_size::Int              # equations per population
    ncycles_per_iteration::Int        # evolution cycles of a population per iteration
    maxsize::Int                      # largest complexity of an equation
    maxdepth::Int                     # largest depth of an equation
    parsimony::Float64                # cost per unit of complexity in selection
    complexity::ComplexityWeights     # what each operator, constant and variable adds to the complexity
    constraints::OperatorConstraints  # limits on operators' argument sizes and on nesting
    dimensions::DimensionalAnalysis   # units of the features and the target, and what inconsistency costs
    timeout_in_seconds::Float64       # wall-clock budget from the start of the run; 0: none
    max_evals::Int                    # budget of equation evaluations; 0: none
    early_stop_loss::Float64          # stop once an equation's loss is at most this
    early_stop_condition::Function    # stop once this is true for an equation: (loss, complexity) -> Bool
    random_state::Int                 # seed of every random stream
    deterministic::Bool               # no wall-clock checks inside iterations: same seed, same front
    tournament_selection_n::Int       # contestants per tournament
    tournament_selection_p::Float64   # probability that the best contestant wins
    annealing::Bool                   # accept worse offspring with a temperature-dependent probability
    alpha::Float64                    # temperature scale of annealing
    adaptive_parsimony_scaling::Float64  # how strongly frequent complexities are penalised
    use_frequency::Bool               # penalise frequent complexities when accepting offspring
    use_frequency_in_tournament::Bool # ... and in tournaments
    migration::Bool                   # migrate the best equations between populations
    hof_migration::Bool               # migrate hall-of-fame equations into populations
    fraction_replaced::Float64        # share of a population replaced by migrants
    fraction_replaced_hof::Float64    # share replaced by hall-of-fame migrants
    topn::Int                         # best equations of each population offered for migration
    crossover_probability::Float64    # crossover instead of mutation
    mutation_weights::MutationWeights # relative frequency of each mutation kind
    optimizer_algorithm::Symbol       # :BFGS or :NelderMead for constant fitting
    optimizer_nrestarts::Int          # extra starts of the constant optimizer
    optimize_probability::Float64     # chance that a member's constants are fitted after an iteration
    optimizer_iterations::Int         # iterations of the constant optimizer
    perturbation_factor::Float64      # scale of constant mutations
    should_simplify::Bool             # simplify equations algebraically
    should_optimize_constants::Bool   # fit constants with the optimizer
    snap_constants::Bool              # after the search: constants the data cannot tell from 1/2, 3, 2π become those
    warmup_maxsize_by::Float64        # share of the search over which maxsize grows to its value
    batching::Bool                    # evolve on mini-batches
    batch_size::Int                   # rows per mini-batch
    precision::Int                    # 32 or 64: float type of the data and the search
    verbosity::Int                    # 0: quiet
end

# early_stop_condition: none by default.
never_stop(loss, complexity) = false

"""
    compile_stop_condition(source) -> Function

Julia source of a function of (loss, complexity), as PySR takes it:
`"f(loss, complexity) = loss < 1e-6 && complexity < 10"`. Evaluated in a fresh module.
"""
function compile_stop_condition(source::AbstractString)
    isempty(strip(source)) && return never_stop
    condition = try
        load_user_function(source, "early_stop_condition")
    catch error
        error isa UserCodeError || rethrow()
        throw(ArgumentError("early_stop_condition is not valid Julia: $(error.message)"))
    end
    return check_stop_condition(condition)
end

function check_stop_condition(condition)
    # The method may have been defined after this code was compiled: ask in the newest world.
    condition isa Function && Base.invokelatest(applicable, condition, 1.0, 1) || throw(ArgumentError(
        "early_stop_condition must define a function of (loss, complexity), e.g. " *
        "\"f(loss, complexity) = loss < 1e-6 && complexity < 10\""))
    return condition
end

stop_condition(condition::AbstractString) = compile_stop_condition(condition)
stop_condition(condition::Function) = check_stop_condition(condition)
stop_condition(::Nothing) = never_stop

"""The search's loss from the `elementwise_loss` and `loss_function` options (giving both is an error)."""
function search_loss(elementwise_loss, loss_function)
    if loss_function !== nothing
        elementwise_loss === nothing || elementwise_loss == "" || throw(ArgumentError(
            "give elementwise_loss or loss_function, not both: loss_function computes the whole loss"))
        loss_function isa Function || throw(ArgumentError("loss_function must be a function of (tree, dataset, options)"))
        return UserObjective(loss_function)
    end
    elementwise_loss === nothing && return L2_LOSS
    elementwise_loss isa ElementwiseLoss && return elementwise_loss
    elementwise_loss isa AbstractString && return isempty(strip(elementwise_loss)) ? L2_LOSS : parse_elementwise_loss(elementwise_loss)
    elementwise_loss isa Function || throw(ArgumentError(
        "elementwise_loss must be a built-in loss such as \"L1DistLoss()\" or a function of (prediction, target)"))
    takes_weight = Base.invokelatest(applicable, elementwise_loss, 1.0, 1.0, 1.0)
    takes_weight || Base.invokelatest(applicable, elementwise_loss, 1.0, 1.0) || throw(ArgumentError(
        "elementwise_loss must be a function of (prediction, target) or (prediction, target, weight)"))
    return UserElementwiseLoss(elementwise_loss, takes_weight)
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

# The given options over the defaults, read as `s.maxsize` or `s[:maxsize]`.
struct OptionValues
    values::Dict{Symbol,Any}
end
Base.getindex(s::OptionValues, name::Symbol) = getfield(s, :values)[name]
Base.getproperty(s::OptionValues, name::Symbol) = s[name]

Options(; kwargs...) = Options(Dict{Symbol,Any}(kwargs))

# From a Dict rather than keywords: keywords splatted from a Dict make a NamedTuple type per set
# of names, and compiling `merge` for a 65-name NamedTuple cost every cold engine seconds.
function Options(given::AbstractDict{Symbol})
    reject_unknown_options(keys(given))
    s = OptionValues(merge!(Dict{Symbol,Any}(pairs(DEFAULT_OPTIONS)), given))
    for name in (:niterations, :populations, :population_size, :ncycles_per_iteration,
                 :tournament_selection_n, :topn, :batch_size)
        check_option(s[name] >= 1, name, s[name], "a positive integer")
    end
    for name in (:maxdepth, :max_evals, :optimizer_nrestarts, :optimizer_iterations, :threads)
        check_option(s[name] >= 0, name, s[name], "a non-negative integer")
    end
    check_option(s.maxsize >= 1, :maxsize, s.maxsize, "a positive integer")
    check_option(s.population_size >= 2, :population_size, s.population_size, "at least 2")
    check_option(s.tournament_selection_n <= s.population_size, :tournament_selection_n,
                 s.tournament_selection_n, "at most population_size ($(s.population_size))")
    for name in (:tournament_selection_p, :fraction_replaced, :fraction_replaced_hof,
                 :crossover_probability, :optimize_probability)
        value = s[name]
        check_option(0 <= value <= 1, name, value, "between 0 and 1")
    end
    for name in (:parsimony, :alpha, :adaptive_parsimony_scaling, :perturbation_factor,
                 :timeout_in_seconds, :warmup_maxsize_by)
        value = s[name]
        check_option(value >= 0 && !isnan(value), name, value, "non-negative")
    end
    check_option(s.warmup_maxsize_by <= 1, :warmup_maxsize_by, s.warmup_maxsize_by, "between 0 and 1")
    check_option(s.precision in (32, 64), :precision, s.precision, "32 or 64")
    check_option(s.optimizer_algorithm in ("BFGS", "NelderMead"), :optimizer_algorithm,
                 s.optimizer_algorithm, "\"BFGS\" or \"NelderMead\"")
    weights = MutationWeights(Tuple(Float64(s[Symbol(:weight_, kind)]) for kind in MUTATION_KINDS))
    for (kind, value) in zip(MUTATION_KINDS, weights.values)
        check_option(value >= 0, Symbol(:weight_, kind), value, "non-negative")
    end
    check_option(sum(weights.values) > 0, :weight_add_node, weights.values, "such that some mutation weight is positive")
    operators = OperatorSet(collect(s.binary_operators), collect(s.unary_operators))
    loss = search_loss(s.elementwise_loss, s.loss_function)
    complexity = ComplexityWeights(operators, s.complexity_of_operators, s.complexity_of_constants,
                                   s.complexity_of_variables)
    constraints = OperatorConstraints(operators, s.constraints, s.nested_constraints)
    dimensions = DimensionalAnalysis(operators; X_units=s.X_units, y_units=s.y_units,
                                     dimensional_analysis=s.dimensional_analysis,
                                     dimensional_constraint_penalty=s.dimensional_constraint_penalty,
                                     dimensionless_constants_only=s.dimensionless_constants_only,
                                     operator_dimensions=s.operator_dimensions)
    # Fields by name, never by position: a misplaced value cannot silently swap two options.
    fields = (operators = operators, loss = loss, complexity = complexity, constraints = constraints, dimensions = dimensions,
              maxdepth = s.maxdepth == 0 ? s.maxsize : s.maxdepth,
              early_stop_condition = stop_condition(s.early_stop_condition),
              mutation_weights = weights, optimizer_algorithm = Symbol(s.optimizer_algorithm))
    O = Options{typeof(operators.binary),typeof(operators.unary),typeof(loss)}
    # Explicit parameters make the constructor convert (e.g. an integer timeout to Float64).
    return O((haskey(fields, name) ? getfield(fields, name) : s[name] for name in fieldnames(O))...)
end
