"""From a graph network to a force law: the workflow of Cranmer et al. (2020).

"Discovering Symbolic Models from Deep Learning with Inductive Biases" (NeurIPS 2020) trains a
graph network on simulated particles, with an L1 penalty that makes its edge messages sparse,
and then distils the messages into equations with symbolic regression. This script does the
same, small enough for a laptop CPU:

1. simulate particles in 2D joined pairwise by springs (rest length 1, stiffness 1, unit masses);
2. train a graph network (PyTorch) to predict each particle's acceleration: an edge model turns
   each pair's relative position into a 100-number message, the messages into a particle are
   summed, and a node model turns the sum into an acceleration;
3. keep the message components that vary most across edges: the L1 penalty leaves about two,
   one per dimension of space, each a linear mix of the true force's x and y components;
4. distil the strongest into an equation of dx, dy and r with pysr_lite, under the mean
   absolute error as in the paper.

The spring force on particle i from particle j is (1 - 1/r) (dx, dy), with (dx, dy) = x_j - x_i
and r its length, so the equation found should be (a dx + b dy)(1 - 1/r) + c for some a, b, c.

    python examples/graph_network_forces.py                 # the full workflow, a few minutes
    python examples/graph_network_forces.py --quick         # fewer particles and epochs (the tests)
    python examples/graph_network_forces.py --plot fit.png  # also draw the message-force plot

PYSR_LITE_EXAMPLES_QUICK=1 has the same effect as --quick. Needs torch (CPU is enough) and, for
--plot, matplotlib: pip install 'pysr-lite[examples]'.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

import pysr_lite

SEED = 0
MESSAGE_SIZE = 100  # as in the paper: the L1 penalty, not the size, makes the messages sparse
L1_WEIGHT = 1e-2  # the paper's weight of the L1 norm of each message (summed over components)


@dataclass(frozen=True)
class Budget:
    """How big each step is: the full workflow or the quick check the tests run."""

    particles: int
    simulations: int
    hidden: int
    epochs: int
    batch_size: int
    search_iterations: int
    search_populations: int


FULL = Budget(particles=4, simulations=400, hidden=128, epochs=40, batch_size=64, search_iterations=40,
              search_populations=31)
QUICK = Budget(particles=3, simulations=150, hidden=64, epochs=8, batch_size=32, search_iterations=20,
               search_populations=16)


# ------------------------------------------------------------------------------------------------
# 1. Simulation
# ------------------------------------------------------------------------------------------------


def spring_accelerations(positions: np.ndarray) -> np.ndarray:
    """Accelerations (unit masses) of particles joined pairwise by springs of rest length 1.

    ``positions`` has shape (..., particles, 2); so has the result.
    """
    separation = positions[..., None, :, :] - positions[..., :, None, :]  # [i, j] = x_j - x_i
    distance = np.linalg.norm(separation, axis=-1, keepdims=True)
    distance = np.where(distance == 0, 1.0, distance)  # a particle exerts no force on itself
    return np.sum((1 - 1 / distance) * separation, axis=-2)


def simulate(particles: int, simulations: int, steps: int = 300, saved: int = 30, dt: float = 0.01,
             seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Positions and accelerations of ``saved`` states from each of ``simulations`` runs.

    Each run starts from random positions and velocities and is integrated with velocity Verlet.
    Returns two arrays of shape (simulations * saved, particles, 2).
    """
    rng = np.random.default_rng(seed)
    position = rng.uniform(-1.5, 1.5, (simulations, particles, 2))
    velocity = rng.normal(0.0, 0.5, (simulations, particles, 2))
    velocity -= velocity.mean(axis=1, keepdims=True)  # no drift of the whole system
    acceleration = spring_accelerations(position)
    every = steps // saved
    positions, accelerations = [], []
    for step in range(steps):
        position = position + velocity * dt + 0.5 * acceleration * dt**2
        new_acceleration = spring_accelerations(position)
        velocity = velocity + 0.5 * (acceleration + new_acceleration) * dt
        acceleration = new_acceleration
        if step % every == 0:
            positions.append(position)
            accelerations.append(acceleration)
    return (np.concatenate(positions).astype(np.float32), np.concatenate(accelerations).astype(np.float32))


# ------------------------------------------------------------------------------------------------
# 2. The graph network
# ------------------------------------------------------------------------------------------------


def all_pairs(particles: int) -> tuple[np.ndarray, np.ndarray]:
    """Receiver and sender of every directed edge of the complete graph (no self-loops)."""
    receiver, sender = np.nonzero(~np.eye(particles, dtype=bool))
    return receiver, sender


def edge_inputs(positions: torch.Tensor, receiver: np.ndarray, sender: np.ndarray) -> torch.Tensor:
    """(dx, dy, r) of every edge: the sender's position relative to the receiver's, and its length.

    Relative positions are the inductive bias that forces depend on where particles are from
    each other, not where they are.
    """
    separation = positions[:, sender, :] - positions[:, receiver, :]
    distance = separation.norm(dim=-1, keepdim=True)
    return torch.cat([separation, distance], dim=-1)


def mlp(inputs: int, hidden: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, outputs))


class GraphNetwork(nn.Module):
    """Edge model: (dx, dy, r) -> message; node model: sum of incoming messages -> acceleration."""

    def __init__(self, particles: int, hidden: int):
        super().__init__()
        self.receiver, self.sender = all_pairs(particles)
        self.edge_model = mlp(3, hidden, MESSAGE_SIZE)
        self.node_model = mlp(MESSAGE_SIZE, hidden, 2)
        self.particles = particles

    def messages(self, positions: torch.Tensor) -> torch.Tensor:
        """Messages of shape (graphs, edges, MESSAGE_SIZE)."""
        return self.edge_model(edge_inputs(positions, self.receiver, self.sender))

    def forward(self, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        messages = self.messages(positions)
        incoming = torch.zeros(positions.shape[0], self.particles, MESSAGE_SIZE)
        incoming.index_add_(1, torch.as_tensor(self.receiver), messages)
        return self.node_model(incoming), messages


def train(network: GraphNetwork, positions: np.ndarray, accelerations: np.ndarray, epochs: int,
          batch_size: int = 32) -> list[float]:
    """Fit the accelerations under the mean absolute error plus the L1 penalty on messages.

    Returns the mean loss of each epoch.
    """
    positions_t, accelerations_t = torch.as_tensor(positions), torch.as_tensor(accelerations)
    steps_per_epoch = len(positions) // batch_size
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=epochs * steps_per_epoch)
    generator = torch.Generator().manual_seed(SEED)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(positions), generator=generator)
        total = 0.0
        for step in range(steps_per_epoch):
            batch = order[step * batch_size:(step + 1) * batch_size]
            predicted, messages = network(positions_t[batch])
            penalty = messages.abs().sum(dim=-1).mean()  # L1 norm of a message, averaged over edges
            loss = (predicted - accelerations_t[batch]).abs().mean() + L1_WEIGHT * penalty
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item()
        history.append(total / steps_per_epoch)
    return history


# ------------------------------------------------------------------------------------------------
# 3. The strongest messages, and how well they match the true force
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edges:
    """Held-out edges: their inputs, true forces and the trained network's messages."""

    inputs: pd.DataFrame  # dx, dy, r
    force: np.ndarray  # (edges, 2): the spring force on the receiver from the sender
    messages: np.ndarray  # (edges, MESSAGE_SIZE)


def held_out_edges(network: GraphNetwork, positions: np.ndarray) -> Edges:
    with torch.no_grad():
        inputs = edge_inputs(torch.as_tensor(positions), network.receiver, network.sender).reshape(-1, 3).numpy()
        messages = network.messages(torch.as_tensor(positions)).reshape(-1, MESSAGE_SIZE).numpy()
    dx, dy, r = inputs.T.astype(np.float64)
    force = np.column_stack([(1 - 1 / r) * dx, (1 - 1 / r) * dy])
    return Edges(pd.DataFrame({"dx": dx, "dy": dy, "r": r}), force, messages.astype(np.float64))


def components_by_spread(messages: np.ndarray) -> np.ndarray:
    """Message components, largest standard deviation across edges first."""
    return np.argsort(messages.std(axis=0))[::-1]


def r_squared(prediction: np.ndarray, target: np.ndarray) -> float:
    return float(1 - np.sum((target - prediction) ** 2) / np.sum((target - target.mean()) ** 2))


def linear_in_force(message: np.ndarray, force: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    """The least-squares a Fx + b Fy + c closest to ``message``: its values, R² and (a, b, c).

    The paper's test that a message "is" the force: a linear transformation of it.
    """
    design = np.column_stack([force, np.ones(len(force))])
    coefficients, *_ = np.linalg.lstsq(design, message, rcond=None)
    fitted = design @ coefficients
    return fitted, r_squared(fitted, message), coefficients


# ------------------------------------------------------------------------------------------------
# 4. Distilling the strongest message into an equation
# ------------------------------------------------------------------------------------------------


def distil(edges: Edges, component: int, budget: Budget, rows: int = 1000,
           output_directory: str | None = None, verbosity: int = 0) -> pysr_lite.SearchResult:
    """Search for message[component] = f(dx, dy, r) under the mean absolute error."""
    sample = np.random.default_rng(SEED).choice(len(edges.inputs), size=min(rows, len(edges.inputs)), replace=False)
    return pysr_lite.search(
        edges.inputs.iloc[sample], edges.messages[sample, component],
        binary_operators=["+", "-", "*", "/"],
        elementwise_loss="L1DistLoss()",
        maxsize=20,
        niterations=budget.search_iterations,
        populations=budget.search_populations,
        random_state=SEED, deterministic=True,
        verbosity=verbosity,
        output_directory=output_directory,
    )


@dataclass(frozen=True)
class Outcome:
    """What the workflow found, and how long each part took."""

    losses: list[float]  # training loss per epoch
    spread: np.ndarray  # standard deviation of each message component, largest first
    message_force_r2: float  # the strongest message against its best linear mix of the force
    force_coefficients: np.ndarray  # (a, b, c) of that mix, a Fx + b Fy + c
    equation: pysr_lite.Equation  # the distilled law (best() of the front)
    equation_force_r2: float  # the distilled law against that linear mix of the true force
    seconds: dict[str, float]
    edges: Edges
    component: int


def run(budget: Budget, output_directory: str | None = None, verbosity: int = 0) -> Outcome:
    """The whole workflow on ``budget``: simulate, train, pick the strongest message, distil it."""
    torch.manual_seed(SEED)
    clock = time.perf_counter()
    seconds = {}
    positions, accelerations = simulate(budget.particles, budget.simulations)
    training = np.arange(len(positions)) % 10 != 0  # every tenth state is held out
    seconds["simulate"] = time.perf_counter() - clock

    clock = time.perf_counter()
    network = GraphNetwork(budget.particles, budget.hidden)
    losses = train(network, positions[training], accelerations[training], budget.epochs, budget.batch_size)
    seconds["train"] = time.perf_counter() - clock

    edges = held_out_edges(network, positions[~training])
    order = components_by_spread(edges.messages)
    strongest = int(order[0])
    force_mix, message_force_r2, force_coefficients = linear_in_force(edges.messages[:, strongest], edges.force)

    clock = time.perf_counter()
    result = distil(edges, strongest, budget, output_directory=output_directory, verbosity=verbosity)
    seconds["distil"] = time.perf_counter() - clock
    equation = result.best()
    return Outcome(
        losses=losses,
        spread=edges.messages.std(axis=0)[order],
        message_force_r2=message_force_r2,
        force_coefficients=force_coefficients,
        equation=equation,
        equation_force_r2=r_squared(equation.predict(edges.inputs), force_mix),
        seconds=seconds,
        edges=edges,
        component=strongest,
    )


def plot(outcome: Outcome, path: str) -> None:
    """The strongest message against its linear fit in the true force, and the distilled law
    against the message, side by side, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    message = outcome.edges.messages[:, outcome.component]
    force_mix, r2, _ = linear_in_force(message, outcome.edges.force)
    law = outcome.equation.predict(outcome.edges.inputs)
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4.4))
    for axis, x, title, label in (
        (left, force_mix, f"message vs true force (R² = {r2:.3f})", "a·Fx + b·Fy + c (least squares)"),
        (right, law, f"message vs distilled law (R² = {r_squared(law, message):.3f})", "distilled equation of dx, dy, r"),
    ):
        axis.scatter(x, message, s=3, alpha=0.4)
        low, high = np.percentile(np.concatenate([x, message]), [0.5, 99.5])
        axis.plot([low, high], [low, high], color="black", linewidth=1)
        axis.set(xlim=(low, high), ylim=(low, high), title=title, xlabel=label,
                 ylabel=f"message component {outcome.component}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer particles and epochs, for a quick check")
    parser.add_argument("--plot", metavar="PNG", help="write the message-force plot there")
    arguments = parser.parse_args(argv)
    quick = arguments.quick or os.environ.get("PYSR_LITE_EXAMPLES_QUICK") == "1"
    budget = QUICK if quick else FULL
    torch.set_num_threads(1)  # small tensors: a second thread only adds waiting on a busy machine
    started = time.perf_counter()
    outcome = run(budget, verbosity=0 if quick else 1)
    print(f"training loss per epoch: {' '.join(f'{loss:.3f}' for loss in outcome.losses)}")
    print(f"message spread (largest five): {' '.join(f'{s:.3f}' for s in outcome.spread[:5])}")
    a, b, c = outcome.force_coefficients
    print(f"strongest message (component {outcome.component}) = {a:.4f} Fx + {b:.4f} Fy + {c:.4f}, "
          f"R² = {outcome.message_force_r2:.4f}")
    print(f"distilled law: message = {outcome.equation.sympy()}")
    print(f"distilled law vs that mix of the true force: R² = {outcome.equation_force_r2:.4f}")
    if arguments.plot:
        plot(outcome, arguments.plot)
        print(f"plot: {arguments.plot}")
    parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in outcome.seconds.items())
    print(f"time: {time.perf_counter() - started:.0f} s ({parts})")


if __name__ == "__main__":
    main()
