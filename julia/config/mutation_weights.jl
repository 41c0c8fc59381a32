# Relative frequencies of the mutations, PySR's names and defaults.

const MUTATION_KINDS = (:mutate_constant, :mutate_operator, :swap_operands, :rotate_tree, :add_node,
                        :insert_node, :delete_node, :simplify, :randomize, :do_nothing, :optimize)
const N_MUTATION_KINDS = length(MUTATION_KINDS)

"""
    MutationWeights(values)

One weight per entry of `MUTATION_KINDS` (same order). Weights need not sum to one.
"""
struct MutationWeights
    values::NTuple{N_MUTATION_KINDS,Float64}
end
