"""A bfloat16 autocast training step: unigrad on PyTorch against native ``torch.autocast``.

Two small models, each one SGD step under bfloat16 autocast on the CPU, float32
master weights, interleaved in one process:

* MLP: ``Linear(512, 256) -> ReLU -> Linear(256, 10)``, cross entropy, N=64;
* CNN: ``Conv2d(3, 16, 3) -> ReLU -> MaxPool2d(2) -> Conv2d(16, 32, 3) -> ReLU ->
  Flatten -> Linear(32 * 11 * 11, 10)``, cross entropy, N=16 images of 3x28x28.

unigrad: ``with ug.autocast(dtype=ug.bfloat16):`` around the forward pass and the
loss, ``ug.GradientTape``, ``ug.optim.SGD``; native: ``torch.autocast("cpu",
dtype=torch.bfloat16)``, ``backward()``, ``torch.optim.SGD``. The target: a
ratio within 1.10x.

Run:  python benchmarks/amp.py [--rounds 20]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import header, interleaved, row

MODELS = {"mlp": (64, (512,)), "cnn": (16, (3, 28, 28))}
LR = 1e-3


def data(model: str) -> tuple[np.ndarray, np.ndarray]:
    n, shape = MODELS[model]
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, *shape), dtype=np.float32), rng.integers(0, 10, n)


def _layers(nn: Any, model: str) -> Any:
    if model == "mlp":
        return nn.Sequential(nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    return nn.Sequential(
        nn.Conv2d(3, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.Flatten(), nn.Linear(32 * 11 * 11, 10),
    )  # fmt: skip


def unigrad_step(model: str) -> Callable[[], Any]:
    import unigrad as ug
    from unigrad.amp import autocast

    x_np, y_np = data(model)
    ug.set_backend("torch")
    x, y = ug.asarray(x_np), ug.asarray(y_np)
    network = _layers(ug.nn, model)
    parameters = network.parameters()
    opt = ug.optim.SGD(parameters, lr=LR)
    cross_entropy = ug.nn.functional.cross_entropy

    def step() -> None:
        with ug.GradientTape() as tape, autocast(dtype=ug.bfloat16):
            loss = cross_entropy(network(x), y)
        opt.step(tape.gradient(loss, parameters))

    return step


def torch_step(model: str) -> Callable[[], Any]:
    import torch

    x_np, y_np = data(model)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    network = _layers(torch.nn, model)
    opt = torch.optim.SGD(network.parameters(), lr=LR)
    cross_entropy = torch.nn.functional.cross_entropy

    def step() -> None:
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = cross_entropy(network(x), y)
        loss.backward()
        opt.step()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args()
    print(header("bfloat16 autocast training step on the CPU: unigrad vs torch.autocast"))
    for model in MODELS:
        timing = interleaved(
            torch_step(model), unigrad_step(model), rounds=arguments.rounds, target_seconds=0.05
        )
        print(row("torch", f"{model}: ug.autocast vs torch.autocast", *timing), flush=True)


if __name__ == "__main__":
    main()
