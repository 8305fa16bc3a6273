"""A static graph: the whole training step compiled with ``ug.function`` (tf.function / torch.compile).

The same step — forward, tape, Adam update — runs eagerly and compiled from
the same initial weights; the two end with the same parameters (to float32
rounding), and the compiled one drops Python's cost per op.

Run:  python examples/static_graph.py --backend tf
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from _cli import arguments
from fit import spirals

import unigrad as ug


def train(x: Any, y: Any, steps: int, compiled: bool) -> tuple[ug.nn.Module, float, float]:
    """Train from seed 0; the model, the last loss, and seconds per step after the first."""
    ug.random.seed(0)
    model = ug.nn.Sequential(ug.nn.Linear(2, 64), ug.nn.Tanh(), ug.nn.Linear(64, 2))
    parameters = model.parameters()
    optimizer = ug.optim.Adam(parameters, lr=1e-2)

    def step(inputs: Any, targets: Any) -> Any:
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.cross_entropy(model(inputs), targets)
        optimizer.step(tape.gradient(loss, parameters))
        return loss

    run = ug.function(step) if compiled else step
    loss = run(x, y)  # the first call traces / compiles
    start = time.perf_counter()
    for _ in range(steps - 1):
        loss = run(x, y)
    seconds = (time.perf_counter() - start) / max(steps - 1, 1)
    return model, float(ug.to_numpy(loss)), seconds


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = arguments(__doc__.splitlines()[0], argv, steps=200)
    points, labels = spirals(256)
    x, y = ug.asarray(points), ug.asarray(labels)
    eager, eager_loss, eager_time = train(x, y, args.steps, compiled=False)
    graph, graph_loss, graph_time = train(x, y, args.steps, compiled=True)
    difference = max(
        float(np.max(np.abs(ug.to_numpy(a) - ug.to_numpy(b))))
        for a, b in zip(eager.parameters(), graph.parameters(), strict=True)
    )
    print(
        f"{args.backend}: loss eager {eager_loss:.5f}, compiled {graph_loss:.5f}; "
        f"largest parameter difference {difference:.2e}"
    )
    print(f"{args.backend}: {eager_time * 1e6:.0f} us per eager step, {graph_time * 1e6:.0f} us compiled")
    return {"loss": graph_loss, "eager_loss": eager_loss, "difference": difference}


if __name__ == "__main__":
    main()
