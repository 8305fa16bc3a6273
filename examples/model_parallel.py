"""Model parallelism: a network cut into pipeline stages, one per device, fed in micro-batches.

``ug.distribute.ModelParallel`` places stage i on device i and runs each batch
as micro-batches through the stages (GPipe order); its loss and gradients are
the unsplit model's. On TensorFlow the CPU is split into two logical devices
here, so that the stages really sit on different devices (on a GPU machine:
``gpu:0``, ``gpu:1``); PyTorch has one CPU device, so both stages share it
(``torch.distributed.pipelining`` runs stages in separate processes: see
docs/distribution.md).

Run:  python examples/model_parallel.py --backend tf
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from _cli import arguments

import unigrad as ug


def model() -> ug.nn.Sequential:
    ug.random.seed(0)
    return ug.nn.Sequential(
        ug.nn.Linear(20, 64), ug.nn.ReLU(), ug.nn.Linear(64, 64), ug.nn.ReLU(), ug.nn.Linear(64, 1)
    )


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = arguments(__doc__.splitlines()[0], argv, steps=30, microbatches=4)
    if args.backend == "tensorflow":
        ug.distribute.split_cpu(2)  # before TensorFlow's first op
    devices = ug.devices()
    stage_devices = [devices[0], devices[-1]]
    rng = np.random.default_rng(0)
    x = ug.asarray(rng.standard_normal((64, 20)).astype(np.float32))
    y = ug.asarray(rng.standard_normal((64, 1)).astype(np.float32))

    pipe = ug.distribute.ModelParallel(model(), devices=stage_devices, microbatches=args.microbatches)
    pipe_optimizer = ug.optim.SGD(pipe.parameters(), lr=0.05, momentum=0.9)
    whole = model()
    whole_optimizer = ug.optim.SGD(whole.parameters(), lr=0.05, momentum=0.9)
    loss: Any = None
    for _ in range(args.steps):
        loss, grads = pipe.value_and_grad(x, y, ug.nn.functional.mse_loss)
        pipe_optimizer.step(grads)
        with ug.GradientTape() as tape:
            whole_loss = ug.nn.functional.mse_loss(whole(x), y)
        whole_optimizer.step(tape.gradient(whole_loss, whole.parameters()))
    placement = [ug.device_of(next(iter(stage.parameters()))) for stage in pipe.stages]
    difference = max(
        float(np.max(np.abs(ug.to_numpy(a) - ug.to_numpy(b))))
        for a, b in zip(pipe.parameters(), whole.parameters(), strict=True)
    )
    print(f"{args.backend}: stages on {placement}, {args.microbatches} micro-batches per batch")
    print(
        f"{args.backend}: loss {float(ug.to_numpy(loss)):.5f} pipelined, "
        f"{float(ug.to_numpy(whole_loss)):.5f} unsplit; parameters differ by {difference:.1e}"
    )
    return {
        "loss": float(ug.to_numpy(loss)),
        "whole": float(ug.to_numpy(whole_loss)),
        "difference": difference,
    }


if __name__ == "__main__":
    main()
