# Reader for options.toml: the restricted TOML subset of docs/protocol.md (no TOML stdlib on
# Julia 1.5). Values: integers, floats (inf/nan), booleans, double-quoted strings, flat
# arrays of strings.

struct OptionsFileError <: Exception
    message::String
end
Base.showerror(io::IO, e::OptionsFileError) = print(io, e.message)

"""
    read_options_file(path) -> Dict{String,Any}

```julia
read_options_file("run/options.toml")["niterations"]  # 40
```
"""
function read_options_file(path::AbstractString)
    settings = Dict{String,Any}()
    for (number, raw_line) in enumerate(eachline(path))
        line = strip(raw_line)
        (isempty(line) || startswith(line, "#")) && continue
        parts = split(line, "="; limit=2)
        length(parts) == 2 || throw(OptionsFileError("$path:$number: expected `key = value`, got: $line"))
        key = strip(parts[1])
        occursin(r"^[A-Za-z_][A-Za-z0-9_]*$", key) || throw(OptionsFileError("$path:$number: bad key \"$key\""))
        haskey(settings, key) && throw(OptionsFileError("$path:$number: \"$key\" is given twice"))
        settings[key] = parse_value(strip(parts[2]), "$path:$number")
    end
    return settings
end

function parse_value(text::AbstractString, where_::AbstractString)
    text == "true" && return true
    text == "false" && return false
    if startswith(text, "[")
        endswith(text, "]") || throw(OptionsFileError("$where_: unterminated array: $text"))
        return parse_string_array(text[2:end-1], where_)
    end
    if startswith(text, "\"")
        value, rest = parse_string(text, where_)
        isempty(rest) || throw(OptionsFileError("$where_: unexpected text after string: $rest"))
        return value
    end
    occursin(r"^[+-]?[0-9]+$", text) && return parse(Int, text)
    lowered = lowercase(text)
    lowered in ("inf", "+inf") && return Inf
    lowered == "-inf" && return -Inf
    lowered in ("nan", "+nan", "-nan") && return NaN
    value = tryparse(Float64, text)
    value === nothing && throw(OptionsFileError("$where_: cannot read value: $text"))
    return value
end

"""Parse a double-quoted string at the start of `text`; returns (string, rest)."""
function parse_string(text::AbstractString, where_::AbstractString)
    io = IOBuffer()
    i = nextind(text, firstindex(text))
    while i <= lastindex(text)
        c = text[i]
        if c == '\\'
            i = nextind(text, i)
            i <= lastindex(text) || break
            escaped = text[i]
            escaped in ('"', '\\') || throw(OptionsFileError("$where_: unsupported escape \\$escaped"))
            print(io, escaped)
        elseif c == '"'
            return String(take!(io)), strip(text[nextind(text, i):end])
        else
            print(io, c)
        end
        i = nextind(text, i)
    end
    throw(OptionsFileError("$where_: unterminated string: $text"))
end

function parse_string_array(inner::AbstractString, where_::AbstractString)
    values = String[]
    rest = strip(inner)
    while !isempty(rest)
        startswith(rest, "\"") || throw(OptionsFileError("$where_: arrays hold double-quoted strings only"))
        value, rest = parse_string(rest, where_)
        push!(values, value)
        if startswith(rest, ",")
            rest = strip(rest[2:end])
        elseif !isempty(rest)
            throw(OptionsFileError("$where_: expected `,` in array, got: $rest"))
        end
    end
    return values
end
