"""The overhead benchmark suite: unigrad against native code and Keras 3, one table.

For each backend, in its own process (Keras reads ``KERAS_BACKEND`` at
import), each case times unigrad and the other code interleaved and prints
the ratio of medians (unigrad / other):

* the seed's network (N=64, 1000-100-10, SGD), eager and compiled
  (``ug.function`` against ``tf.function`` / ``torch.compile`` of the native step);
* a compute-bound MLP (N=256, 4096-4096-4096), eager;
* a small convnet (32x3x32x32, two conv+pool blocks, a linear head), eager;
  on TensorFlow in NHWC for both (its CPU kernels' layout) and in unigrad's
  default NCHW, which the backend transposes;
* ``ug.fit`` (4 epochs a call, from NumPy arrays) per batch against a
  hand-written native loop (PyTorch eager; a ``tf.function`` step on
  TensorFlow, as TensorFlow users write it) that, like ``fit``, keeps each
  batch's loss and reports the epoch's mean, and
  against Keras 3 ``fit`` on the same backend.

Run:  python benchmarks/suite.py [--backends torch tensorflow] [--rounds 15] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import add_heap_option, header, interleaved, row, worker_env

Step = Callable[[], Any]


def _arrays(*shapes: tuple[int, ...], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape, dtype=np.float32) for shape in shapes]


# -- unigrad ---------------------------------------------------------------------------


def ug_mlp_step(sizes: tuple[int, ...], batch: int, compiled: bool = False) -> Step:
    import unigrad as ug

    x_np, y_np = _arrays((batch, sizes[0]), (batch, sizes[-1]))
    x, y = ug.asarray(x_np), ug.asarray(y_np)
    layers: list[Any] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(ug.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(ug.nn.ReLU())
    model = ug.nn.Sequential(*layers)
    params = model.parameters()
    optimizer = ug.optim.SGD(params, lr=1e-6)

    def step() -> Any:
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(x), y, reduction="sum")
        optimizer.step(tape.gradient(loss, params))
        return loss

    return ug.function(step) if compiled else step


def ug_convnet(data_format: str) -> Any:
    import unigrad as ug

    kwargs = {"data_format": data_format}
    return ug.nn.Sequential(
        ug.nn.Conv2d(3, 16, 3, padding=1, **kwargs),
        ug.nn.ReLU(),
        ug.nn.MaxPool2d(2, **kwargs),
        ug.nn.Conv2d(16, 32, 3, padding=1, **kwargs),
        ug.nn.ReLU(),
        ug.nn.MaxPool2d(2, **kwargs),
        ug.nn.Flatten(),
        ug.nn.Linear(32 * 8 * 8, 10),
    )


def ug_convnet_step(data_format: str) -> Step:
    import unigrad as ug

    shape = (32, 3, 32, 32) if data_format == "channels_first" else (32, 32, 32, 3)
    (x_np,) = _arrays(shape)
    x, labels = ug.asarray(x_np), ug.asarray(np.arange(32) % 10)
    model = ug_convnet(data_format)
    params = model.parameters()
    optimizer = ug.optim.SGD(params, lr=1e-3)

    def step() -> None:
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.cross_entropy(model(x), labels)
        optimizer.step(tape.gradient(loss, params))

    return step


# -- native ----------------------------------------------------------------------------


def torch_mlp_step(sizes: tuple[int, ...], batch: int, compiled: bool = False) -> Step:
    import torch

    x_np, y_np = _arrays((batch, sizes[0]), (batch, sizes[-1]))
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    layers: list[torch.nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)

    def step() -> Any:
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y, reduction="sum")
        loss.backward()
        optimizer.step()
        return loss

    return torch.compile(step) if compiled else step


def torch_convnet_step() -> Step:
    import torch

    (x_np,) = _arrays((32, 3, 32, 32))
    x, labels = torch.from_numpy(x_np), torch.from_numpy(np.arange(32) % 10)
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 8 * 8, 10),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def step() -> None:
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), labels).backward()
        optimizer.step()

    return step


def tf_mlp_step(sizes: tuple[int, ...], batch: int, compiled: bool = False) -> Step:
    import tensorflow as tf

    x_np, y_np = _arrays((batch, sizes[0]), (batch, sizes[-1]))
    x, y = tf.constant(x_np), tf.constant(y_np)
    rng = np.random.default_rng(1)
    variables = []
    for a, b in itertools.pairwise(sizes):
        bound = 1 / np.sqrt(a)
        variables += [
            tf.Variable(rng.uniform(-bound, bound, (a, b)).astype(np.float32)),
            tf.Variable(rng.uniform(-bound, bound, (b,)).astype(np.float32)),
        ]
    lr = tf.constant(1e-6)

    def step() -> Any:
        with tf.GradientTape() as tape:
            h = x
            for i in range(0, len(variables), 2):
                h = tf.matmul(h, variables[i]) + variables[i + 1]
                if i < len(variables) - 2:
                    h = tf.nn.relu(h)
            loss = tf.reduce_sum(tf.square(h - y))
        for v, g in zip(variables, tape.gradient(loss, variables), strict=True):
            tf.raw_ops.ResourceApplyGradientDescent(var=v.handle, alpha=lr, delta=g)
        return loss

    return tf.function(step) if compiled else step


def tf_convnet_step() -> Step:
    import tensorflow as tf

    (x_np,) = _arrays((32, 32, 32, 3))
    x, labels = tf.constant(x_np), tf.constant(np.arange(32) % 10)
    rng = np.random.default_rng(1)
    shapes = [(3, 3, 3, 16), (16,), (3, 3, 16, 32), (32,), (32 * 8 * 8, 10), (10,)]
    variables = [tf.Variable(rng.uniform(-0.1, 0.1, s).astype(np.float32)) for s in shapes]
    lr = tf.constant(1e-3)

    def step() -> None:
        w1, b1, w2, b2, w3, b3 = variables
        with tf.GradientTape() as tape:
            h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(x, w1, 1, "SAME") + b1), 2, 2, "VALID")
            h = tf.nn.max_pool2d(tf.nn.relu(tf.nn.conv2d(h, w2, 1, "SAME") + b2), 2, 2, "VALID")
            logits = tf.matmul(tf.reshape(h, (32, -1)), w3) + b3
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        for v, g in zip(variables, tape.gradient(loss, variables), strict=True):
            tf.raw_ops.ResourceApplyGradientDescent(var=v.handle, alpha=lr, delta=g)

    return step


# -- fit ---------------------------------------------------------------------------------

FIT_SAMPLES, FIT_BATCH, FIT_EPOCHS = 2048, 64, 4


def fit_runs(backend: str) -> tuple[Step, Step, Step]:
    """One epoch each of ug.fit, the native loop and Keras 3 fit, over the same data."""
    import keras

    import unigrad as ug

    x_np, y_np = _arrays((FIT_SAMPLES, 1000), (FIT_SAMPLES, 10))
    model = ug.nn.Sequential(ug.nn.Linear(1000, 100), ug.nn.ReLU(), ug.nn.Linear(100, 10))
    optimizer = ug.optim.SGD(model.parameters(), lr=1e-4)

    def ug_epoch() -> None:
        ug.fit(
            model,
            x_np,
            y_np,
            loss="mse",
            optimizer=optimizer,
            epochs=FIT_EPOCHS,
            batch_size=FIT_BATCH,
            shuffle=False,
            verbose=0,
        )

    native_step = _native_fit_step(backend)
    batches = [(x_np[i : i + FIT_BATCH], y_np[i : i + FIT_BATCH]) for i in range(0, FIT_SAMPLES, FIT_BATCH)]
    converted = [tuple(_to_native(backend, a) for a in batch) for batch in batches]

    def native_epoch() -> None:
        # as a hand-written loop reports its training: each epoch's mean loss (fit's History),
        # the batches' losses kept on the device and read once at the epoch's end
        for _ in range(FIT_EPOCHS):
            losses = [native_step(x, y) for x, y in converted]
            _epoch_mean(backend, losses)

    keras_model = keras.Sequential(
        [keras.Input((1000,)), keras.layers.Dense(100, activation="relu"), keras.layers.Dense(10)]
    )
    keras_model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-4), loss="mse")

    def keras_epoch() -> None:
        keras_model.fit(x_np, y_np, batch_size=FIT_BATCH, epochs=FIT_EPOCHS, shuffle=False, verbose=0)

    return ug_epoch, native_epoch, keras_epoch


def _to_native(backend: str, array: np.ndarray) -> Any:
    if backend == "torch":
        import torch

        return torch.from_numpy(array)
    import tensorflow as tf

    return tf.constant(array)


def _epoch_mean(backend: str, losses: list[Any]) -> float:
    if backend == "torch":
        import torch

        return float(torch.stack(losses).mean())
    import tensorflow as tf

    return float(tf.reduce_mean(tf.stack(losses)))


def _native_fit_step(backend: str) -> Callable[[Any, Any], Any]:
    if backend == "torch":
        import torch

        model = torch.nn.Sequential(torch.nn.Linear(1000, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)

        def torch_step(x: Any, y: Any) -> Any:
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            return loss.detach()

        return torch_step
    import tensorflow as tf

    rng = np.random.default_rng(1)
    variables = [
        tf.Variable(rng.uniform(-0.03, 0.03, s).astype(np.float32))
        for s in ((1000, 100), (100,), (100, 10), (10,))
    ]
    lr = tf.constant(1e-4)

    @tf.function
    def tf_step(x: Any, y: Any) -> Any:
        w1, b1, w2, b2 = variables
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2 - y))
        for v, g in zip(variables, tape.gradient(loss, variables), strict=True):
            v.assign_sub(lr * g)
        return loss

    return tf_step


# -- the table ---------------------------------------------------------------------------


def worker(backend: str, rounds: int, quick: bool) -> None:
    import unigrad as ug

    ug.set_backend(backend)
    native_mlp = torch_mlp_step if backend == "torch" else tf_mlp_step
    seed, big = (1000, 100, 10), (4096, 4096, 4096)

    def report(case: str, native: Step, ours: Step, seconds: float = 0.05, reps: int = rounds) -> None:
        print(row(backend, case, *interleaved(native, ours, rounds=reps, target_seconds=seconds)), flush=True)

    report("seed net, eager", native_mlp(seed, 64), ug_mlp_step(seed, 64))
    if backend == "tensorflow" or not quick:
        report(
            "seed net, compiled", native_mlp(seed, 64, compiled=True), ug_mlp_step(seed, 64, compiled=True)
        )
    report(
        "MLP 256x4096x4096x4096, eager",
        native_mlp(big, 256),
        ug_mlp_step(big, 256),
        seconds=0.5,
        reps=max(3, rounds // 3),
    )
    if backend == "torch":
        report("convnet 32x3x32x32, eager (NCHW)", torch_convnet_step(), ug_convnet_step("channels_first"))
    else:
        report("convnet 32x32x32x3, eager (NHWC)", tf_convnet_step(), ug_convnet_step("channels_last"))
        report(
            "convnet, eager, unigrad NCHW vs native NHWC",
            tf_convnet_step(),
            ug_convnet_step("channels_first"),
        )
    ug_epoch, native_epoch, keras_epoch = fit_runs(backend)
    per_batch = FIT_EPOCHS * FIT_SAMPLES // FIT_BATCH
    for label, other in (("fit vs native loop", native_epoch), ("fit vs Keras 3 fit", keras_epoch)):
        native_s, our_s = interleaved(other, ug_epoch, rounds=max(5, rounds // 2), target_seconds=0.2)
        print(row(backend, f"{label} (per batch)", native_s / per_batch, our_s / per_batch), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="*", default=["torch", "tensorflow"])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="skip torch.compile (slow to compile on CPU)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    add_heap_option(parser)
    arguments = parser.parse_args()
    if arguments.worker:
        worker(arguments.worker, arguments.rounds, arguments.quick)
        return
    print(header("unigrad overhead suite"))
    for backend in arguments.backends:
        env = worker_env(arguments.default_malloc, KERAS_BACKEND=backend)
        command = [sys.executable, __file__, "--worker", backend, "--rounds", str(arguments.rounds)]
        subprocess.run(
            command + (["--quick"] if arguments.quick else []), env=env, check=True, stderr=subprocess.DEVNULL
        )


if __name__ == "__main__":
    main()
