# Symbolic regression from plain Julia, as docs/julia.md shows it: read a CSV file of numbers
# (a header line, one row per sample, the target in the last column), search, print the front.
#
#     julia --project=/path/to/pysr_lite -t 2 search_from_julia.jl data.csv
#
# tests/test_julia_api.py runs it and checks that this front is the one Python's search() finds
# on the same file with the same options and seed (SEARCH_OPTIONS there).
using PySRLite

"""The columns of a CSV file of numbers: (X, y, feature names), the target being the last column."""
function read_table(path::AbstractString)
    lines = filter(line -> !isempty(strip(line)), readlines(path))
    names = String.(strip.(split(lines[1], ",")))
    rows = [parse.(Float64, split(line, ",")) for line in lines[2:end]]
    table = permutedims(reduce(hcat, rows))          # one row per sample
    return table[:, 1:end-1], table[:, end], names[1:end-1]
end

X, y, names = read_table(ARGS[1])
front = equation_search(X, y; variable_names=names,
                        binary_operators=["+", "-", "*"], unary_operators=["cos"],
                        populations=8, population_size=30, niterations=12, maxsize=15,
                        random_state=0, deterministic=true, verbosity=0)

# One line per equation of the Pareto front, simplest first; repr prints a loss exactly.
for row in front
    println(row.complexity, "\t", repr(row.loss), "\t", row.equation)
end
