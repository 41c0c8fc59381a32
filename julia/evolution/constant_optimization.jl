# Fitting the constants of one equation: BFGS with finite-difference gradients and a
# backtracking line search, or Nelder-Mead; both written here (standard library only).

"""
    loss_of_constants(tree, nodes, data, workspace, options, evaluations) -> loss_at

The loss of `tree` as a function of the values of its constant `nodes` (a `Vector{Float64}`,
in their order), for the optimizers; `loss_at` sets the nodes to the values it is given and
counts each call in `evaluations[]`.
"""
function loss_of_constants(tree::Node{T}, nodes::Vector{Node{T}}, data::Dataset{T}, workspace::Workspace{T},
                           options::Options, evaluations::Ref{Int}) where {T}
    return function loss_at(values::Vector{Float64})
        for (node, value) in zip(nodes, values)
            node.value = T(value)
        end
        evaluations[] += 1
        return evaluate_loss!(workspace, tree, data, options)
    end
end

"""
    optimize_constants!(member, data, workspace, options, rng, normalization) -> evaluations

Improve the constants of `member.tree` to lower its loss, with `optimizer_nrestarts` extra
starts from perturbed values. Keeps the result only when it is better. Returns the number of
loss evaluations spent.
"""
function optimize_constants!(member, data::Dataset{T}, workspace::Workspace{T}, options::Options,
                             rng::AbstractRNG, normalization::Float64) where {T}
    nodes = constant_nodes(member.tree)
    isempty(nodes) && return 0
    initial = Float64[node.value for node in nodes]
    evaluations = Ref(0)
    loss_at = loss_of_constants(member.tree, nodes, data, workspace, options, evaluations)
    minimize = options.optimizer_algorithm === :NelderMead ? nelder_mead : bfgs
    best_values, best_loss = initial, member.loss
    for restart in 0:options.optimizer_nrestarts
        start = restart == 0 ? copy(initial) : initial .* (1 .+ 0.5 .* randn(rng, length(initial)))
        values, loss = minimize(loss_at, start, options.optimizer_iterations)
        if loss < best_loss
            best_values, best_loss = values, loss
        end
    end
    for (node, value) in zip(nodes, best_values)
        node.value = T(value)
    end
    if best_loss < member.loss
        set_loss!(member, best_loss, options, normalization)
    end
    return evaluations[]
end

# Central differences: a forward difference is biased by half its step (for c^2 it vanishes at
# c = -h/2), which leaves constants like 5e-8 where the truth is 0 and an equation that is not
# exact. The step cbrt(eps) balances truncation against rounding for central differences.
function finite_difference_gradient!(gradient::Vector{Float64}, f::F, x::Vector{Float64}) where {F}
    for i in eachindex(x)
        step = 6e-6 * max(1.0, abs(x[i]))
        saved = x[i]
        x[i] = saved + step
        f_plus = f(x)
        x[i] = saved - step
        f_minus = f(x)
        gradient[i] = (f_plus - f_minus) / (2 * step)
        x[i] = saved
    end
    return gradient
end

dot_product(a::Vector{Float64}, b::Vector{Float64}) = foldl((total, i) -> total + a[i] * b[i], eachindex(a); init=0.0)

# direction = -H * gradient
function descent_direction!(direction::Vector{Float64}, H::Matrix{Float64}, gradient::Vector{Float64})
    for i in eachindex(direction)
        direction[i] = -foldl((total, j) -> total + H[i, j] * gradient[j], eachindex(gradient); init=0.0)
    end
    return direction
end

function reset_to_identity!(H::Matrix{Float64})
    for j in axes(H, 2), i in axes(H, 1)
        H[i, j] = i == j ? 1.0 : 0.0
    end
    return H
end

# The BFGS update of the inverse Hessian H for step s and gradient change y (s'y > 0):
# H += ((s'y + y'Hy) / (s'y)^2) s s' - (Hy s' + s (Hy)') / s'y, with H symmetric.
function update_inverse_hessian!(H::Matrix{Float64}, s::Vector{Float64}, y::Vector{Float64}, Hy::Vector{Float64})
    for i in eachindex(Hy)
        Hy[i] = foldl((total, j) -> total + H[i, j] * y[j], eachindex(y); init=0.0)
    end
    sy = dot_product(s, y)
    scale = (sy + dot_product(y, Hy)) / sy^2
    for j in eachindex(s), i in eachindex(s)
        H[i, j] += scale * s[i] * s[j] - (Hy[i] * s[j] + s[i] * Hy[j]) / sy
    end
    return H
end

"""Minimise `f` from `x` by BFGS for at most `iterations` steps; returns (x, f(x)). The work
vectors are allocated once per call: this runs thousands of times per iteration."""
function bfgs(f::F, start::Vector{Float64}, iterations::Int) where {F}
    n = length(start)
    x = copy(start)
    fx = f(x)
    isfinite(fx) || return x, fx
    H = reset_to_identity!(Matrix{Float64}(undef, n, n))
    gradient = finite_difference_gradient!(zeros(n), f, x)
    direction, x_new, gradient_new, s, y, Hy = (zeros(n) for _ in 1:6)
    for _ in 1:iterations
        all(isfinite, gradient) || break
        descent_direction!(direction, H, gradient)
        slope = dot_product(direction, gradient)
        if slope >= 0  # not a descent direction: fall back to steepest descent
            reset_to_identity!(H)
            direction .= .-gradient
            slope = -dot_product(gradient, gradient)
        end
        slope == 0 && break
        step, f_new = 1.0, fx
        for _ in 1:20  # backtracking (Armijo)
            x_new .= x .+ step .* direction
            f_new = f(x_new)
            f_new <= fx + 1e-4 * step * slope && break
            step *= 0.5
        end
        f_new < fx || break
        finite_difference_gradient!(gradient_new, f, x_new)
        s .= x_new .- x
        y .= gradient_new .- gradient
        dot_product(s, y) > 1e-12 && update_inverse_hessian!(H, s, y, Hy)
        x .= x_new
        gradient .= gradient_new
        fx = f_new
    end
    f(x)  # leave the tree holding x's values
    return x, fx
end

"""Minimise `f` from `x` by Nelder-Mead with about `iterations * (n + 1)` steps."""
function nelder_mead(f::F, x::Vector{Float64}, iterations::Int) where {F}
    n = length(x)
    simplex = [copy(x) for _ in 1:(n + 1)]
    for i in 1:n
        simplex[i + 1][i] += x[i] == 0 ? 0.1 : 0.1 * x[i]
    end
    values = [f(point) for point in simplex]
    for _ in 1:(iterations * (n + 1))
        order = sortperm(values)
        simplex, values = simplex[order], values[order]
        centroid = sum(simplex[1:n]) ./ n
        reflected = centroid .+ (centroid .- simplex[end])
        f_reflected = f(reflected)
        if f_reflected < values[1]
            expanded = centroid .+ 2 .* (centroid .- simplex[end])
            f_expanded = f(expanded)
            simplex[end], values[end] = f_expanded < f_reflected ? (expanded, f_expanded) : (reflected, f_reflected)
        elseif f_reflected < values[n]
            simplex[end], values[end] = reflected, f_reflected
        else
            contracted = centroid .+ 0.5 .* (simplex[end] .- centroid)
            f_contracted = f(contracted)
            if f_contracted < values[end]
                simplex[end], values[end] = contracted, f_contracted
            else  # shrink towards the best point
                for i in 2:(n + 1)
                    simplex[i] = simplex[1] .+ 0.5 .* (simplex[i] .- simplex[1])
                    values[i] = f(simplex[i])
                end
            end
        end
    end
    best = argmin(values)
    f(simplex[best])
    return simplex[best], values[best]
end
