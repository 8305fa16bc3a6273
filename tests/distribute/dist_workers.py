"""What the distribution tests run in their replicas (spawned processes import this module by name).

Every workload is seeded, so a replica, a one-process reference and the
parent test all build the same model and data. Functions return NumPy
values: ``launch`` carries them back through files.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np

import unigrad as ug

STEPS = 5
GLOBAL_BATCH = 8


def make_model() -> ug.nn.Module:
    ug.random.seed(0)
    return ug.nn.Sequential(ug.nn.Linear(6, 16), ug.nn.Tanh(), ug.nn.Linear(16, 3))


def make_deep_model() -> ug.nn.Sequential:
    ug.random.seed(1)
    return ug.nn.Sequential(
        ug.nn.Linear(6, 16), ug.nn.Tanh(), ug.nn.Linear(16, 8), ug.nn.Tanh(), ug.nn.Linear(8, 3)
    )


def batches() -> tuple[np.ndarray, np.ndarray]:
    """``STEPS`` global batches of ``GLOBAL_BATCH`` samples: inputs (6 features) and targets (3)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(STEPS, GLOBAL_BATCH, 6)).astype(np.float32)
    return x, rng.normal(size=(STEPS, GLOBAL_BATCH, 3)).astype(np.float32)


def weights(model: ug.nn.Module) -> dict[str, np.ndarray]:
    return {name: np.array(ug.to_numpy(value), copy=True) for name, value in model.state_dict().items()}


def train_steps(dp: ug.distribute.DataParallel | None, make: Callable[[], ug.nn.Module] = make_model) -> dict:
    """Five SGD-with-momentum steps written as a user would; under ``dp`` through ``dp.run``."""
    model = make()
    if dp is not None:
        model = dp.prepare(model)
    opt = ug.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    def step(x, y):
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(x), y)
        opt.step(tape.gradient(loss, model.parameters()))
        return loss

    losses = []
    for x, y in zip(*batches(), strict=True):
        loss = dp.run(step, x, y) if dp is not None else step(ug.asarray(x), ug.asarray(y))
        losses.append(float(ug.to_numpy(loss)))
    return {"weights": weights(model), "losses": losses}


def train_fit(dp: ug.distribute.DataParallel | None, checkpoint: str | None = None) -> dict:
    """``ug.fit`` (Adam, shuffled, 2 epochs); a prepared model trains under its strategy unchanged."""
    model = make_model()
    if dp is not None:
        model = dp.prepare(model)
    x, y = (a.reshape(-1, a.shape[-1]) for a in batches())
    callbacks = [ug.train.callbacks.ModelCheckpoint(checkpoint, monitor="loss")] if checkpoint else []
    history = ug.fit(
        model,
        x,
        y,
        loss="mse",
        optimizer=ug.optim.Adam(model.parameters(), lr=0.01),
        epochs=2,
        batch_size=GLOBAL_BATCH,
        seed=3,
        verbose=False,
        callbacks=callbacks,
    )
    return {"weights": weights(model), "losses": history.history["loss"]}


def sync_batchnorm_steps(dp: ug.distribute.DataParallel | None) -> dict:
    """``train_steps`` with a batch norm: SyncBatchNorm over the replicas, BatchNorm1d in one process."""

    def make() -> ug.nn.Module:
        ug.random.seed(2)
        norm = ug.nn.SyncBatchNorm(16) if dp is not None else ug.nn.BatchNorm1d(16)
        return ug.nn.Sequential(ug.nn.Linear(6, 16), norm, ug.nn.Tanh(), ug.nn.Linear(16, 3))

    return train_steps(dp, make)


def pipeline_gradients(devices: list[str] | None) -> dict:
    """Loss and gradients of a 2-stage, 2-micro-batch pipeline and of the unsplit model."""
    x, y = (ug.asarray(a[0]) for a in batches())
    mse = ug.nn.functional.mse_loss
    unsplit = make_deep_model()
    with ug.GradientTape() as tape:
        loss = mse(unsplit(x), y)
    names = [name for name, _ in unsplit.named_parameters()]
    reference = dict(zip(names, tape.gradient(loss, unsplit.parameters()), strict=True))
    pipe = ug.distribute.ModelParallel(make_deep_model(), devices=devices, microbatches=2)
    value, grads = pipe.value_and_grad(x, y, mse)
    stages = [pipe.local_stage] if pipe.local_stage is not None else pipe.stages
    names = [name for stage in stages for name, _ in stage.named_parameters()]
    return {
        "loss": float(ug.to_numpy(value)),
        "grads": {name: ug.to_numpy(g) for name, g in zip(names, grads, strict=True)},
        "reference_loss": float(ug.to_numpy(loss)),
        "reference_grads": {name: ug.to_numpy(reference[name]) for name in names},
        "placed": [sorted({ug.device_of(p) for p in stage.parameters()}) for stage in stages],
    }


# -- replicas -------------------------------------------------------------------------------


def report(dp: ug.distribute.DataParallel, **found) -> dict:
    """What a replica sends back: who it is, on which engine, and what it found."""
    return {"rank": dp.rank, "engine": dp.engine, "replicas": dp.num_replicas, **found}


def ddp_replica(folder: str) -> dict:
    ug.set_backend("torch")
    dp = ug.distribute.DataParallel(timeout=60)
    steps = train_steps(dp)
    fitted = train_fit(dp, checkpoint=os.path.join(folder, f"rank{dp.rank}-epoch{{epoch}}.safetensors"))
    try:
        dp.run(lambda x: x, np.ones((7, 2), np.float32))
        uneven = ""
    except ug.ShapeError as error:
        uneven = str(error)
    return report(dp, steps=steps, fit=fitted, uneven_error=uneven, syncbn=sync_batchnorm_steps(dp))


def native_ddp_train(rank: int | None, world: int = 2) -> dict:
    """``model.to_native()`` trained by torch's own SGD, under DDP when ``rank`` is given.

    A replica takes its ``1 / world`` share of each global batch; the reference
    (``rank=None``) takes the whole batch in one process. Runs on the torch backend.
    """
    import torch

    model = make_model()
    native = model.to_native().train()
    if rank is not None:
        native = torch.nn.parallel.DistributedDataParallel(native)
    opt = torch.optim.SGD(native.parameters(), lr=0.1, momentum=0.9)
    share = (
        slice(None)
        if rank is None
        else slice(rank * GLOBAL_BATCH // world, (rank + 1) * GLOBAL_BATCH // world)
    )
    for x, y in zip(*batches(), strict=True):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(native(torch.from_numpy(x[share])), torch.from_numpy(y[share]))
        loss.backward()
        opt.step()
    return {"weights": weights(model)}


def native_ddp_replica() -> dict:
    """A unigrad model handed to torch as a native module, wrapped by torch's DDP (gloo, loopback)."""
    import datetime

    import torch.distributed as dist

    ug.set_backend("torch")
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
    try:
        return {"rank": dist.get_rank(), **native_ddp_train(dist.get_rank(), dist.get_world_size())}
    finally:
        dist.destroy_process_group()


def torch_pipeline_replica() -> dict:
    ug.set_backend("torch")
    return {"rank": ug.distribute.rank(), **pipeline_gradients(None)}


def mirrored_process() -> dict:
    """Everything that needs TensorFlow split into 2 logical CPUs, in one fresh process."""
    ug.set_backend("tensorflow")
    split = ug.distribute.split_cpu(2)  # first: before TensorFlow initialises
    with ug.device("cpu:1") as where:
        placed = [ug.device_of(ug.ones(3)), ug.device_of(ug.nn.Linear(2, 2).weight)]
    dp = ug.distribute.DataParallel()
    try:
        ug.distribute.split_cpu(3)
        late = ""
    except ug.DeviceError as error:
        late = str(error)
    return {
        "split": split,
        "devices": ug.devices(),
        "scope": where,
        "placed": placed,
        "late_split_error": late,
        "engine": dp.engine,
        "replicas": dp.num_replicas,
        # each replica sums its 2 of the 4 rows; "mean" averages those sums
        "per_replica": dp.run(lambda x: ug.sum(x), np.arange(8.0).reshape(4, 2), reduce=None),
        "averaged": dp.run(lambda x: ug.sum(x), np.arange(8.0).reshape(4, 2)),
        "steps": train_steps(dp),
        "steps_reference": train_steps(None),
        "fit": train_fit(dp),
        "fit_reference": train_fit(None),
        "pipeline": pipeline_gradients(["cpu:0", "cpu:1"]),
        "syncbn": sync_batchnorm_steps(dp),
        "syncbn_reference": sync_batchnorm_steps(None),
    }


def multi_worker_replica() -> dict:
    ug.set_backend("tensorflow")
    dp = ug.distribute.DataParallel(timeout=60)  # first: the strategy configures TensorFlow's collectives
    steps, fitted = train_steps(dp), train_fit(dp)
    return report(
        dp,
        steps=steps,
        fit=fitted,
        reference=train_steps(None) if dp.is_main else None,
        fit_reference=train_fit(None) if dp.is_main else None,
    )


def whoami() -> dict:
    keys = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "TF_CONFIG", "UNIGRAD_BACKEND")
    return {
        "rank": ug.distribute.rank(),
        "world_size": ug.distribute.world_size(),
        "is_main": ug.distribute.is_main(),
        **{key: os.environ.get(key) for key in keys},
    }


def failing_replica(delay: float) -> None:
    if ug.distribute.rank() == 1:
        raise ValueError("replica one is broken")
    time.sleep(delay)  # rank 0 would run on and on: launch must stop it


def failing_collective_replica() -> None:
    import torch
    import torch.distributed as dist

    ug.set_backend("torch")
    dp = ug.distribute.DataParallel(timeout=120)
    if dp.rank == 1:
        raise RuntimeError("broken before the all-reduce")
    dist.all_reduce(torch.ones(1))  # waits for a replica that will never come


def sleeping_replica(seconds: float) -> None:
    time.sleep(seconds)
