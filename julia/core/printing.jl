# Equation text, in the grammar of docs/protocol.md: infix operators fully parenthesised,
# others as calls, constants in shortest round-trip form.

"""Shortest text that reads back to the same float, in plain `e` notation (no Float32 `f`)."""
function constant_text(value::AbstractFloat)
    text = string(value)
    if value isa Float32
        text = replace(text, "f" => "e")
        endswith(text, "e0") && (text = text[1:end-2])
    end
    return text
end

"""
    equation_string(node, operators, variable_names)

```julia
equation_string(tree, options.operators, ["x0", "x1"])  # "((x0 * x0) + cos(x1))"
```
"""
function equation_string(node::Node, operators::OperatorSet, variable_names::AbstractVector{<:AbstractString})
    io = IOBuffer()
    print_equation(io, node, operators, variable_names)
    return String(take!(io))
end

function print_equation(io::IO, node::Node, operators::OperatorSet, variable_names)
    if node.degree == 0
        print(io, node.is_constant ? constant_text(node.value) : variable_names[node.feature])
    elseif node.degree == 1
        print(io, operators.unary_names[node.operator], "(")
        print_equation(io, node.left, operators, variable_names)
        print(io, ")")
    else
        name = operators.binary_names[node.operator]
        infix = name in INFIX_OPERATORS
        print(io, infix ? "(" : "$name(")
        print_equation(io, node.left, operators, variable_names)
        print(io, infix ? " $name " : ", ")
        print_equation(io, node.right, operators, variable_names)
        print(io, ")")
    end
end
