# The one door for the user's Julia code: custom operators, losses and the early-stop condition.
#
# A run folder's user.jl is evaluated in a fresh module (never in PySRLite itself), the names
# options.toml refers to are looked up there, and each user operator is probed on a fixed grid
# before the search starts, so a broken definition is an input error that names it, not a crash
# in the middle of the search. A persistent engine keeps one module per distinct source: the
# same source gives the same functions, so their compiled code is reused by the next search.

"""User code that does not load, or does not define what options.toml says it does."""
struct UserCodeError <: Exception
    message::String
end
Base.showerror(io::IO, e::UserCodeError) = print(io, e.message)

const USER_MODULES = Dict{String,Module}()   # source text => its module (see above)
const USER_MODULES_LOCK = ReentrantLock()

"""Julia's message for an error, without the backtrace and on one line."""
one_line_message(error) = replace(sprint(showerror, error isa LoadError ? error.error : error), '\n' => ' ')

"""
    load_user_module(source, filename="user.jl") -> Module

Evaluate `source` in a fresh module that sees PySRLite's exports (for `loss_function`s); cached
by content.
"""
function load_user_module(source::AbstractString, filename::AbstractString="user.jl")
    lock(USER_MODULES_LOCK) do
        get!(USER_MODULES, String(source)) do
            user_module = Module(:UserCode)
            Core.eval(user_module, :(using PySRLite))
            try
                Base.include_string(user_module, String(source), String(filename))
            catch error
                error isa InterruptException && rethrow()
                where_ = error isa LoadError ? "$(basename(error.file)):$(error.line): " : "$filename: "
                throw(UserCodeError("$where_$(one_line_message(error))"))
            end
            user_module
        end
    end
end

"""
    load_user_function(source, role)

What `source` (e.g. `"f(loss, complexity) = loss < 1e-6"`) evaluates to, in its own fresh
module; `role` names it in errors. The caller checks that it is the function it needs.
"""
function load_user_function(source::AbstractString, role::AbstractString)
    user_module = load_user_module("const $role = begin $source\nend\n", role)
    return getfield(user_module, Symbol(role))
end

"""The value bound to `name` in the user's module (an error naming `role` when it is missing)."""
function user_binding(user_module::Module, name::AbstractString, role::AbstractString)
    symbol = Symbol(name)
    isdefined(user_module, symbol) || throw(UserCodeError("user.jl does not define $name (the $role)"))
    value = getfield(user_module, symbol)
    value isa Function || throw(UserCodeError(
        "the $role $name is a $(typeof(value)), not a function; define it like `$name(x) = ...`"))
    return value
end

# Probing: values that every reasonable operator meets during a search, including the edges
# where domains end. Each must give a number or a domain error, never another exception.
const PROBE_VALUES = (-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 10.0)
const DOMAIN_ERRORS = (DomainError, InexactError, OverflowError, DivideError)

"""
    probe_user_operator(f, name, arity, T) -> UserOperator

Check that `f` takes `arity` arguments of type `T` and, on every pair of grid values, returns a
real number or throws only a domain error; otherwise throw a `UserCodeError` that names the
operator, the arguments and Julia's message.
"""
function probe_user_operator(f, name::AbstractString, arity::Int, ::Type{T}) where {T}
    kind = arity == 1 ? "unary" : "binary"
    example = arity == 1 ? "$name(x) = ..." : "$name(x, y) = ..."
    Base.invokelatest(applicable, f, ntuple(_ -> one(T), arity)...) || throw(UserCodeError(
        "$kind operator $name is not a function of $arity argument$(arity == 1 ? "" : "s") of type $T; define it like `$example`"))
    grid = arity == 1 ? [(T(x),) for x in PROBE_VALUES] : [(T(x), T(y)) for x in PROBE_VALUES for y in PROBE_VALUES]
    # Some argument must give a value: a function that fails everywhere is no operator.
    succeeded = false
    for arguments in grid
        succeeded |= probe_call("$kind operator $name", f, arguments)
    end
    succeeded || throw(UserCodeError("$kind operator $name throws a domain error for every argument tried ($(join(PROBE_VALUES, ", ")))"))
    return UserOperator(String(name), f)
end

"""
    probe_user_losses(options, data)

Check the user's loss before the search, as operators are checked: an elementwise loss on the
grid of (prediction, target) pairs, a `loss_function` on the constant equation mean(y). Each must
give a real number or throw only a domain error; otherwise a `UserCodeError` names it and quotes
Julia's message. Built-in losses need no check.
"""
probe_user_losses(options::Options, data::Dataset) = probe_loss(options.loss, options, data)

probe_loss(::ElementwiseLoss, options, data) = nothing

function probe_loss(loss::UserElementwiseLoss, options, data::Dataset{T}) where {T}
    for prediction in PROBE_VALUES, target in PROBE_VALUES
        arguments = loss.takes_weight ? (T(prediction), T(target), T(1)) : (T(prediction), T(target))
        probe_call("elementwise_loss", loss.f, arguments)
    end
end

function probe_loss(objective::UserObjective, options::Options, data::Dataset{T}) where {T}
    constant = constant_node(T, weighted_mean(data))
    probe_call("loss_function", objective.f, (constant, data, options); shown="the constant equation $(constant.value)")
end

"""
    probe_call(role, f, arguments; shown) -> whether it gave a value

`f(arguments...)` must return a real number (true) or throw a domain error (false); anything
else is a `UserCodeError` naming the `role`, the arguments (or `shown`) and Julia's message.
"""
function probe_call(role::AbstractString, f, arguments::Tuple; shown=join(arguments, ", "))
    value = try
        Base.invokelatest(f, arguments...)
    catch error
        error isa InterruptException && rethrow()
        any(E -> error isa E, DOMAIN_ERRORS) && return false
        throw(UserCodeError("$role fails on $shown: $(one_line_message(error))"))
    end
    value isa Real || throw(UserCodeError("$role returns a $(typeof(value)) for $shown, not a real number"))
    return true
end
