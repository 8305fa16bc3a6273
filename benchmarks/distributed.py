"""A 2-replica data-parallel training step: unigrad's DataParallel against the same native code.

The seed's network ``Linear(1000, 100) -> ReLU -> Linear(100, 10)``, MSE,
SGD with momentum, global batch 128 (64 per replica). In the same processes,
in alternating blocks of steps (both run the same collectives in the same
order on every rank, so the blocks are counted, not timed):

* ``torch-ddp``: 2 processes, gloo. unigrad: ``dp.run(step, x, y)`` with the
  user's tape + ``ug.optim.SGD`` step. Native: ``DistributedDataParallel`` on
  a ``torch.nn.Sequential``, ``loss.backward()``, ``torch.optim.SGD``. With
  ``reduce=None`` against native as it is, and with the default
  ``reduce="mean"`` against native plus ``all_reduce`` of the loss for logging.
* ``tf-mirrored``: 1 process, ``MirroredStrategy`` over 2 logical CPUs;
  ``tf-multi-worker``: 2 processes, ``MultiWorkerMirroredStrategy``. unigrad:
  ``dp.run`` (``strategy.run`` in a ``tf.function``). Native: a Keras 3 model
  and ``keras.optimizers.SGD`` stepped in ``tf.function(strategy.run(...))``,
  its inputs distributed once beforehand (so native skips the slicing
  unigrad does in the graph).

Run:  python benchmarks/distributed.py [--cases torch-ddp tf-mirrored tf-multi-worker] [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import header, row

N, D_IN, HIDDEN, D_OUT = 128, 1000, 100, 10
LR, MOMENTUM = 1e-4, 0.9


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, D_IN), dtype=np.float32), rng.standard_normal((N, D_OUT), dtype=np.float32)


def blocks(cases: dict[str, Callable[[], Any]], rounds: int, calls: int) -> dict[str, list[float]]:
    """Seconds per call of each case per round, in alternating blocks of ``calls`` (order flipped)."""
    names = list(cases)
    for name in names:  # warm-up: traces, buckets, thread pools
        for _ in range(calls):
            cases[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            start = time.perf_counter()
            for _ in range(calls):
                cases[name]()
            times[name].append((time.perf_counter() - start) / calls)
    return times


def paired(native: list[float], ours: list[float]) -> tuple[float, float, float]:
    """Medians of each, and the median of the rounds' ratios (steadier than a ratio of medians
    when two processes share two cores and the machine's load drifts)."""
    ratios = [o / n for n, o in zip(native, ours, strict=True)]
    return statistics.median(native), statistics.median(ours), statistics.median(ratios)


def pin_to_core() -> None:
    """One core per replica process (as one GPU per replica): less noise from the two sharing cores."""
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    world, rank = int(os.environ.get("WORLD_SIZE", "1")), int(os.environ.get("RANK", "0"))
    if world > 1 and len(cores) >= world:
        os.sched_setaffinity(0, {cores[rank]})


def unigrad_step(dp: Any, reduce: str | None) -> Callable[[], Any]:
    import unigrad as ug

    x, y = (ug.asarray(a) for a in data())
    model = dp.prepare(
        ug.nn.Sequential(ug.nn.Linear(D_IN, HIDDEN), ug.nn.ReLU(), ug.nn.Linear(HIDDEN, D_OUT))
    )
    opt = ug.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)

    def step(x: Any, y: Any) -> Any:
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(x), y)
        opt.step(tape.gradient(loss, model.parameters()))
        return loss

    return lambda: dp.run(step, x, y, reduce=reduce)


def torch_replica(rounds: int, calls: int) -> dict[str, list[float]]:
    import torch
    import torch.distributed as dist

    import unigrad as ug

    pin_to_core()
    ug.set_backend("torch")
    dp = ug.distribute.DataParallel()
    rank, world = dist.get_rank(), dist.get_world_size()
    share = slice(rank * N // world, (rank + 1) * N // world)
    x, y = (torch.from_numpy(a[share]) for a in data())
    native = torch.nn.parallel.DistributedDataParallel(
        torch.nn.Sequential(torch.nn.Linear(D_IN, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, D_OUT))
    )
    opt = torch.optim.SGD(native.parameters(), lr=LR, momentum=MOMENTUM)

    def native_step(log: bool) -> Callable[[], Any]:
        def step() -> Any:
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.mse_loss(native(x), y)
            loss.backward()
            opt.step()
            if log:  # the mean loss over the replicas, as a training loop logs it
                total = loss.detach().clone()
                dist.all_reduce(total)
                return total / world
            return loss

        return step

    return blocks(
        {
            "native": native_step(False),
            "unigrad": unigrad_step(dp, None),
            "native+mean": native_step(True),
            "unigrad+mean": unigrad_step(dp, "mean"),
        },
        rounds,
        calls,
    )


def tf_replica(rounds: int, calls: int, split: bool) -> dict[str, list[float]]:
    os.environ["KERAS_BACKEND"] = "tensorflow"
    pin_to_core()
    import unigrad as ug

    ug.set_backend("tensorflow")
    if split:
        ug.distribute.split_cpu(2)
    dp = ug.distribute.DataParallel()  # first: a multi-worker strategy must precede every op
    import keras
    import tensorflow as tf

    ours = unigrad_step(dp, "mean")
    with dp.scope():
        strategy = tf.distribute.get_strategy()
        model = keras.Sequential(
            [keras.Input((D_IN,)), keras.layers.Dense(HIDDEN, activation="relu"), keras.layers.Dense(D_OUT)]
        )
        opt = keras.optimizers.SGD(learning_rate=LR, momentum=MOMENTUM)
        opt.build(model.trainable_variables)  # its slots, mirrored, before the step is traced
    x_all, y_all = data()
    replicas = strategy.num_replicas_in_sync

    def share(array: np.ndarray) -> Any:
        rows = N // replicas
        return strategy.experimental_distribute_values_from_function(
            lambda ctx: tf.constant(array[ctx.replica_id_in_sync_group * rows :][:rows])
        )

    x, y = share(x_all), share(y_all)

    def replica(x: Any, y: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    @tf.function
    def native_step(x: Any, y: Any) -> Any:
        return strategy.reduce(tf.distribute.ReduceOp.MEAN, strategy.run(replica, args=(x, y)), axis=None)

    with dp.scope():
        return blocks({"native+mean": lambda: native_step(x, y), "unigrad+mean": ours}, rounds, calls)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", nargs="+", default=["torch-ddp", "tf-mirrored", "tf-multi-worker"])
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--calls", type=int, default=20, help="steps per timed block")
    args = parser.parse_args()
    import unigrad as ug

    print(header("2-replica data-parallel step, N=128, Linear(1000,100)-ReLU-Linear(100,10), SGD momentum"))
    runs = {
        "torch-ddp": (torch_replica, 2, (args.rounds, args.calls)),
        "tf-mirrored": (tf_replica, 1, (args.rounds, args.calls, True)),
        "tf-multi-worker": (tf_replica, 2, (args.rounds, args.calls, False)),
    }
    for case in args.cases:
        function, nprocs, arguments = runs[case]
        found = ug.distribute.launch(function, nprocs=nprocs, args=arguments, timeout=600)[0]  # rank 0's
        pairs = [("step", "native", "unigrad"), ("step + mean loss", "native+mean", "unigrad+mean")]
        for label, native, ours in pairs:
            if native in found:
                native_s, our_s, ratio = paired(found[native], found[ours])
                print(row(case, label, native_s, our_s).rsplit("|", 2)[0] + f"| {ratio:.3f}x |")


if __name__ == "__main__":
    main()
