"""Data parallelism: the same training step on N replicas, each taking a slice of every batch.

``ug.distribute.DataParallel`` is DistributedDataParallel (gloo on CPU, NCCL on
GPU) on PyTorch and a MultiWorkerMirroredStrategy on TensorFlow; ``launch``
starts the N processes here, as ``torchrun`` or ``TF_CONFIG`` would on a
cluster. The step is the one-device step, unchanged. Every replica ends with
the same parameters — the ones one process gets on the whole batches.

Run:  python examples/data_parallel.py --backend tf --nprocs 2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from _cli import arguments

import unigrad as ug

BATCH = 64


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((512, 20)).astype(np.float32)
    y = np.sin(x[:, :1]) + 0.5 * x[:, 1:2] ** 2
    return x, y.astype(np.float32)


def train(steps: int, parallel: bool = True) -> dict[str, Any]:
    """Train for ``steps`` global batches; the loss and the flattened parameters."""
    dp = ug.distribute.DataParallel() if parallel else None  # first: it joins the run
    ug.random.seed(0)  # the same initial weights on every replica
    model = ug.nn.Sequential(ug.nn.Linear(20, 64), ug.nn.Tanh(), ug.nn.Linear(64, 1))
    if dp is not None:
        model = dp.prepare(model)
    optimizer = ug.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    def step(x: Any, y: Any) -> Any:  # the one-device step
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(x), y)
        optimizer.step(tape.gradient(loss, model.parameters()))
        return loss

    x, y = data()
    for i in range(steps):
        start = (i * BATCH) % len(x)
        batch = x[start : start + BATCH], y[start : start + BATCH]
        loss = dp.run(step, *batch) if dp is not None else step(*map(ug.asarray, batch))
    flat = np.concatenate([np.ravel(ug.to_numpy(p)) for p in model.parameters()])
    return {"loss": float(ug.to_numpy(loss)), "parameters": flat, "replicas": dp.num_replicas if dp else 1}


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = arguments(__doc__.splitlines()[0], argv, steps=40, nprocs=2)
    results = ug.distribute.launch(train, nprocs=args.nprocs, args=(args.steps,), timeout=600)
    alone = train(args.steps, parallel=False)
    spread = max(float(np.max(np.abs(r["parameters"] - results[0]["parameters"]))) for r in results)
    difference = float(np.max(np.abs(results[0]["parameters"] - alone["parameters"])))
    print(
        f"{args.backend}: {args.nprocs} replicas, loss {results[0]['loss']:.5f} "
        f"(one process on the whole batches: {alone['loss']:.5f})"
    )
    print(
        f"{args.backend}: parameters differ across replicas by {spread:.1e}, "
        f"from the one-process run by {difference:.1e}"
    )
    return {"loss": results[0]["loss"], "alone": alone["loss"], "spread": spread, "difference": difference}


if __name__ == "__main__":
    main()
