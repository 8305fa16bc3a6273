"""``unigrad demo``: the seed's two-layer network, trained on every installed backend.

One definition of the model and of the training step; the same seed, so the
same initial weights and data, bit for bit, on each backend. The loss curves
are printed side by side with their largest relative difference (float32
kernels differ in the last digits, and training carries that along), and the
time per step of each backend.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import config

__all__ = ["Run", "train", "run_demo"]

N, D_IN, HIDDEN, D_OUT = 64, 1000, 100, 10


@dataclass
class Run:
    backend: str
    losses: list[float] = field(default_factory=list)
    seconds_per_step: float = 0.0


def train(backend: str, steps: int = 500, seed: int = 0, learning_rate: float = 1e-4) -> Run:
    """Train the seed's network on ``backend``: ``Sequential(Linear, ReLU, Linear)``,
    sum-of-squares loss, SGD."""
    import unigrad as ug

    run = Run(backend)
    with ug.use_backend(backend):
        ug.random.seed(seed)
        x = ug.random.normal((N, D_IN))
        y = ug.random.normal((N, D_OUT))
        model = ug.nn.Sequential(ug.nn.Linear(D_IN, HIDDEN), ug.nn.ReLU(), ug.nn.Linear(HIDDEN, D_OUT))
        optimizer = ug.optim.SGD(model.parameters(), lr=learning_rate)
        parameters = model.parameters()

        def step() -> Any:
            with ug.GradientTape() as tape:
                loss = ug.nn.functional.mse_loss(model(x), y, reduction="sum")
            optimizer.step(tape.gradient(loss, parameters))
            return loss

        # One untimed step first (kernel selection, caches), then back to the
        # initial weights, so the curve and the timing both start clean.
        initial = {name: ug.to_numpy(value, copy=True) for name, value in model.state_dict().items()}
        step()
        model.load_state_dict(initial)
        optimizer = ug.optim.SGD(model.parameters(), lr=learning_rate)
        start = time.perf_counter()
        for _ in range(steps):
            run.losses.append(float(ug.to_numpy(step())))
        run.seconds_per_step = (time.perf_counter() - start) / steps
    return run


def _table(runs: Sequence[Run], every: int) -> list[str]:
    names = [run.backend for run in runs]
    lines = ["step  " + "".join(f"{name:>16}" for name in names)]
    steps = len(runs[0].losses)
    for t in [*range(0, steps, every), steps - 1] if steps else []:
        lines.append(f"{t:>4}  " + "".join(f"{run.losses[t]:>16.6g}" for run in runs))
    return lines


def largest_relative_difference(runs: Sequence[Run]) -> float:
    worst = 0.0
    for other in runs[1:]:
        for a, b in zip(runs[0].losses, other.losses, strict=True):
            worst = max(worst, abs(a - b) / max(abs(a), abs(b), 1e-12))
    return worst


def plot(runs: Sequence[Run], path: str) -> bool:
    """Write the curves to a PNG if matplotlib is installed; say whether it did."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axis = plt.subplots(figsize=(7, 4))
    for run, style in zip(runs, ("-", "--", ":", "-."), strict=False):
        axis.plot(run.losses, style, label=f"{run.backend} ({run.seconds_per_step * 1e3:.2f} ms/step)")
    axis.set_yscale("log")
    axis.set_xlabel("step")
    axis.set_ylabel("loss (sum of squared errors)")
    axis.set_title("unigrad: one model, every backend")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True


def run_demo(
    backends: Sequence[str] | None = None,
    steps: int = 500,
    every: int = 50,
    plot_path: str | None = "unigrad-demo.png",
) -> list[str]:
    """Train on each backend and return the report's lines."""
    names = list(backends) if backends else config.available_backends()
    runs = [train(name, steps) for name in names]
    lines = [
        f"The seed's two-layer network (N={N}, {D_IN} -> {HIDDEN} -> {D_OUT}, ReLU, SGD lr=1e-4), "
        f"same seed, {steps} steps, on: {', '.join(names)}",
        "",
        *_table(runs, every),
        "",
    ]
    if len(runs) > 1:
        lines.append(
            f"largest relative difference between the curves: {largest_relative_difference(runs):.2e}"
        )
    lines += [f"{run.backend:<12} {run.seconds_per_step * 1e3:8.3f} ms per step" for run in runs]
    if plot_path:
        if plot(runs, plot_path):
            lines.append(f"plot written to {plot_path}")
        else:
            lines.append("(install matplotlib for a plot of the curves)")
    return lines
