# Relative frequencies of the mutations, PySR's names and defaults.

const MUTATION_KINDS = (:mutate_constant, :mutate_operator, :swap_operands, :add_node,
                        :insert_node, :delete_node, :simplify, :randomize, :do_nothing, :optimize)

"""
    MutationWeights(values)

One weight per entry of `MUTATION_KINDS` (same order). Weights need not sum to one.
"""
struct MutationWeights
    values::NTuple{10,Float64}
end
