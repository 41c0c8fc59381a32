# The body of module PySRLite (declared in src/PySRLite.jl): imports, the files by stage, exports.

using Printf: @sprintf
using Random: AbstractRNG, MersenneTwister, randn
import Distributed
import Mmap
import Pkg

include("config/special_functions.jl")
include("config/operators.jl")
include("config/mutation_weights.jl")
include("core/node.jl")                # trees come first: the complexity and constraint options judge them
include("core/node_serialization.jl")  # compact trees for worker processes
include("evaluation/complexity.jl")
include("evaluation/constraints.jl")
include("evaluation/dimensions.jl")    # the units of the features and the target (PySR's X_units / y_units)
include("config/options.jl")

include("core/dataset.jl")
include("core/printing.jl")
include("core/parsing.jl")

include("evaluation/evaluate.jl")
include("evaluation/vectorized_math.jl")    # vectorised column kernels for sqrt, exp, log, sin, cos
include("evaluation/loss.jl")

include("evolution/random_trees.jl")
include("evolution/population.jl")
include("evolution/adaptive_parsimony.jl")
include("evolution/hall_of_fame.jl")
include("evolution/mutations.jl")
include("evolution/simplification.jl")
include("evolution/constant_optimization.jl")
include("evolution/constant_snapping.jl")
include("evolution/simple_constants.jl")     # after the search: 0.4987 -> 1/2 when the data allow
include("evolution/regularized_evolution.jl")
include("evolution/migration.jl")

include("search/checkpoint.jl")
include("search/scheduling.jl")
include("search/equation_search.jl")
include("search/user_source.jl")
include("search/run_folder.jl")
include("search/worker_processes.jl")
include("search/process_scheduler.jl")
include("search/protocol.jl")
include("search/julia_api.jl")
include("search/precompile_workload.jl")   # last: it runs the search the files above define

export Options, Dataset, equation_search, equation_string, node_count, compute_complexity, eval_tree_array, ElementwiseLoss,
       dimensionally_consistent
