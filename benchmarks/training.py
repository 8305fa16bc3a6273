"""A training step of the seed's network: unigrad against native code and Keras 3.

``nn.Sequential(Linear(1000, 100), ReLU(), Linear(100, 10))``, sum-of-squares
loss, N=64, with SGD and with Adam. For each backend, interleaved in one
process (Keras reads ``KERAS_BACKEND`` at import, so each backend gets its
own process):

* unigrad: ``ug.nn.Sequential`` + ``ug.GradientTape`` + ``ug.optim``;
* native: PyTorch's ``torch.nn`` + ``torch.optim`` loop; raw TensorFlow
  (variables, ``tf.GradientTape``, TensorFlow's own fused update ops);
* Keras 3 on the same backend: ``model.train_on_batch``, as Keras runs it by
  default and with ``run_eagerly=True``.

Run:  python benchmarks/training.py [--backends torch tensorflow] [--rounds 20]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import add_heap_option, header, interleaved, row, worker_env

N, D_IN, HIDDEN, D_OUT = 64, 1000, 100, 10
LR = {"sgd": 1e-4, "adam": 1e-4}


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, D_IN), dtype=np.float32), rng.standard_normal((N, D_OUT), dtype=np.float32)


def unigrad_step(backend: str, optimizer: str, compiled: bool = False) -> Callable[[], Any]:
    import unigrad as ug

    x_np, y_np = data()
    ug.set_backend(backend)  # as a script would: the step below runs on it
    x, y = ug.asarray(x_np), ug.asarray(y_np)
    model = ug.nn.Sequential(ug.nn.Linear(D_IN, HIDDEN), ug.nn.ReLU(), ug.nn.Linear(HIDDEN, D_OUT))
    parameters = model.parameters()
    make = ug.optim.SGD if optimizer == "sgd" else ug.optim.Adam
    opt = make(parameters, lr=LR[optimizer])

    def step() -> None:
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(x), y, reduction="sum")
        opt.step(tape.gradient(loss, parameters))

    return ug.function(step) if compiled else step


def torch_step(optimizer: str) -> Callable[[], Any]:
    import torch

    x_np, y_np = data()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    model = torch.nn.Sequential(
        torch.nn.Linear(D_IN, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, D_OUT)
    )
    loss_fn = torch.nn.MSELoss(reduction="sum")
    make = torch.optim.SGD if optimizer == "sgd" else torch.optim.Adam
    opt = make(model.parameters(), lr=LR[optimizer])

    def step() -> None:
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    return step


def tensorflow_step(optimizer: str) -> Callable[[], Any]:
    import tensorflow as tf

    x_np, y_np = data()
    x, y = tf.constant(x_np), tf.constant(y_np)
    rng = np.random.default_rng(1)
    shapes = [(D_IN, HIDDEN), (HIDDEN,), (HIDDEN, D_OUT), (D_OUT,)]
    variables = [tf.Variable(rng.uniform(-0.03, 0.03, s).astype(np.float32)) for s in shapes]
    slots = [(tf.Variable(tf.zeros_like(v)), tf.Variable(tf.zeros_like(v))) for v in variables]
    lr = tf.constant(LR[optimizer])
    counter = [0]

    def step() -> None:
        w1, b1, w2, b2 = variables
        with tf.GradientTape() as tape:
            hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
            loss = tf.reduce_sum(tf.square(tf.matmul(hidden, w2) + b2 - y))
        grads = tape.gradient(loss, variables)
        if optimizer == "sgd":
            for v, g in zip(variables, grads, strict=True):
                tf.raw_ops.ResourceApplyGradientDescent(var=v.handle, alpha=lr, delta=g)
            return
        counter[0] += 1
        b1_power, b2_power = tf.constant(0.9 ** counter[0]), tf.constant(0.999 ** counter[0])
        for v, (m, s), g in zip(variables, slots, grads, strict=True):
            tf.raw_ops.ResourceApplyAdam(
                var=v.handle,
                m=m.handle,
                v=s.handle,
                beta1_power=b1_power,
                beta2_power=b2_power,
                lr=lr,
                beta1=0.9,
                beta2=0.999,
                epsilon=1e-8,
                grad=g,
            )

    return step


def keras_step(optimizer: str, run_eagerly: bool) -> Callable[[], Any]:
    import keras

    x, y = data()
    model = keras.Sequential(
        [keras.Input((D_IN,)), keras.layers.Dense(HIDDEN, activation="relu"), keras.layers.Dense(D_OUT)]
    )
    make = keras.optimizers.SGD if optimizer == "sgd" else keras.optimizers.Adam
    model.compile(
        optimizer=make(learning_rate=LR[optimizer]),
        loss=keras.losses.MeanSquaredError(reduction="sum"),
        run_eagerly=run_eagerly,
    )

    def step() -> None:
        model.train_on_batch(x, y)

    return step


def worker(backend: str, rounds: int) -> None:
    for optimizer in ("sgd", "adam"):
        native = torch_step(optimizer) if backend == "torch" else tensorflow_step(optimizer)
        ours = unigrad_step(backend, optimizer)
        print(
            row(
                backend,
                f"{optimizer}: unigrad vs native",
                *interleaved(native, ours, rounds=rounds, target_seconds=0.05),
            ),
            flush=True,
        )
        for run_eagerly in (False, True):
            keras = keras_step(optimizer, run_eagerly)
            label = f"{optimizer}: unigrad vs Keras 3{' (run_eagerly)' if run_eagerly else ''}"
            print(
                row(backend, label, *interleaved(keras, ours, rounds=rounds, target_seconds=0.05)), flush=True
            )
        if backend == "tensorflow":  # Keras compiles its step into a graph there: so can unigrad
            compiled = unigrad_step(backend, optimizer, compiled=True)
            keras = keras_step(optimizer, False)
            label = f"{optimizer}: ug.function step vs Keras 3"
            timing = interleaved(keras, compiled, rounds=rounds, target_seconds=0.05)
            print(row(backend, label, *timing), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="*", default=["torch", "tensorflow"])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    add_heap_option(parser)
    arguments = parser.parse_args()
    if arguments.worker:
        worker(arguments.worker, arguments.rounds)
        return
    print(header("training step, the seed's network (Sequential 1000-100-10, N=64)"))
    for backend in arguments.backends:
        env = worker_env(arguments.default_malloc, KERAS_BACKEND=backend)
        subprocess.run(
            [sys.executable, __file__, "--worker", backend, "--rounds", str(arguments.rounds)],
            env=env,
            check=True,
            stderr=subprocess.DEVNULL,
        )


if __name__ == "__main__":
    main()
