# Reading equation text back into a tree: the inverse of `equation_string` (docs/protocol.md,
# "Equation text"), used to resume a search from a text checkpoint. Only the engine's own
# grammar is read: fully parenthesised infix operators, calls, variables and numbers.

"""Equation text that does not follow the protocol's grammar, or names an unknown operator or variable."""
struct EquationParseError <: Exception
    message::String
end
Base.showerror(io::IO, e::EquationParseError) = print(io, e.message)

mutable struct EquationReader
    text::String
    position::Int
    operators::OperatorSet
    variables::Dict{String,Int}
end

"""
    parse_equation(T, text, operators, variable_names) -> Node{T}

```julia
tree = parse_equation(Float64, "((x0 * x0) + cos(x1))", options.operators, ["x0", "x1"])
```
"""
function parse_equation(::Type{T}, text::AbstractString, operators::OperatorSet,
                        variable_names::AbstractVector{<:AbstractString}) where {T}
    reader = EquationReader(String(text), 1, operators, Dict(String(name) => j for (j, name) in enumerate(variable_names)))
    tree = read_expression(T, reader, 0)
    skip_spaces!(reader)
    at_end(reader) || parse_failure(reader, "unexpected text")
    return tree
end

# Deeper than any equation the engine writes (maxdepth), shallow enough for the recursion.
const MAX_PARSE_DEPTH = 1000

at_end(reader::EquationReader) = reader.position > ncodeunits(reader.text)
peek_char(reader::EquationReader) = at_end(reader) ? '\0' : reader.text[reader.position]

function skip_spaces!(reader::EquationReader)
    while !at_end(reader) && peek_char(reader) == ' '
        reader.position += 1
    end
end

parse_failure(reader::EquationReader, problem::AbstractString) =
    throw(EquationParseError("$problem at character $(reader.position) of equation \"$(first(reader.text, 200))\""))

function expect!(reader::EquationReader, expected::Char)
    skip_spaces!(reader)
    peek_char(reader) == expected || parse_failure(reader, "expected '$expected'")
    reader.position += 1
end

function read_expression(::Type{T}, reader::EquationReader, depth::Int) where {T}
    depth > MAX_PARSE_DEPTH && parse_failure(reader, "equation nested too deeply")
    skip_spaces!(reader)
    c = peek_char(reader)
    if c == '('
        reader.position += 1
        left = read_expression(T, reader, depth + 1)
        skip_spaces!(reader)
        symbol = read_while!(ch -> ch in ('+', '-', '*', '/', '^'), reader)
        isempty(symbol) && parse_failure(reader, "expected an infix operator (+ - * / ^)")
        index = binary_index(reader.operators, symbol)
        index > 0 || parse_failure(reader, "operator \"$symbol\" is not one of this search's")
        right = read_expression(T, reader, depth + 1)
        expect!(reader, ')')
        return binary_node(index, left, right)
    elseif isdigit(c) || c == '-' || c == '.'
        text = read_while!(ch -> isdigit(ch) || ch in ('-', '+', '.', 'e', 'E'), reader)
        value = tryparse(Float64, text)
        value === nothing && parse_failure(reader, "\"$text\" is not a number")
        return constant_node(T, value)
    end
    name = read_while!(ch -> isletter(ch) || isdigit(ch) || ch == '_', reader)
    isempty(name) && parse_failure(reader, "expected a number, a variable or an operator")
    if peek_char(reader) != '('
        haskey(reader.variables, name) || parse_failure(reader, "unknown variable \"$name\"")
        return variable_node(T, reader.variables[name])
    end
    reader.position += 1
    first_argument = read_expression(T, reader, depth + 1)
    skip_spaces!(reader)
    if peek_char(reader) == ','
        reader.position += 1
        second_argument = read_expression(T, reader, depth + 1)
        expect!(reader, ')')
        index = binary_index(reader.operators, name)
        index > 0 || parse_failure(reader, "binary operator \"$name\" is not one of this search's")
        return binary_node(index, first_argument, second_argument)
    end
    expect!(reader, ')')
    index = unary_index(reader.operators, name)
    index > 0 || parse_failure(reader, "unary operator \"$name\" is not one of this search's")
    return unary_node(index, first_argument)
end

function read_while!(predicate::F, reader::EquationReader) where {F}
    start = reader.position
    while !at_end(reader) && predicate(peek_char(reader))
        reader.position = nextind(reader.text, reader.position)
    end
    return reader.text[start:prevind(reader.text, reader.position)]
end
