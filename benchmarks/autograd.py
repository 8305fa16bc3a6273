"""A training step with ug.GradientTape against the native step.

The seed's raw-tensor two-layer network (N=64, 1000 -> 100 -> 10, ReLU, sum of
squares, plain gradient descent). Native PyTorch calls ``loss.backward()``
and updates under ``torch.no_grad()``; native TensorFlow uses
``tf.GradientTape`` and ``assign_sub``. The unigrad step is written once.

Run:  python benchmarks/autograd.py [--backends torch tensorflow] [--rounds 30]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import numpy as np
from _timing import header, interleaved, row

import unigrad as ug

N, D_IN, HIDDEN, D_OUT = 64, 1000, 100, 10
LEARNING_RATE = 1e-6


def data() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(0)
    return tuple(
        rng.standard_normal(shape, dtype=np.float32)
        for shape in ((N, D_IN), (N, D_OUT), (D_IN, HIDDEN), (HIDDEN, D_OUT))
    )


def unigrad_step(backend: str) -> Callable[[], Any]:
    x_np, y_np, w1_np, w2_np = data()
    with ug.use_backend(backend):
        x, y = ug.asarray(x_np), ug.asarray(y_np)
        w1, w2 = ug.nn.Parameter(w1_np), ug.nn.Parameter(w2_np)

    def step() -> None:
        with ug.GradientTape() as tape:
            y_pred = ug.matmul(ug.maximum(ug.matmul(x, w1), 0.0), w2)
            loss = ug.sum(ug.square(y_pred - y))
        grad_w1, grad_w2 = tape.gradient(loss, [w1, w2])
        w1.assign_sub(LEARNING_RATE * grad_w1)
        w2.assign_sub(LEARNING_RATE * grad_w2)

    return step


def native_step(backend: str) -> Callable[[], Any]:
    x_np, y_np, w1_np, w2_np = data()
    if backend == "torch":
        import torch

        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
        w1 = torch.from_numpy(w1_np).requires_grad_()
        w2 = torch.from_numpy(w2_np).requires_grad_()

        def torch_step() -> None:
            y_pred = x.mm(w1).clamp(min=0).mm(w2)
            loss = (y_pred - y).pow(2).sum()
            loss.backward()
            with torch.no_grad():
                w1.sub_(LEARNING_RATE * w1.grad)  # the seed's `w1 -= learning_rate * w1.grad`
                w2.sub_(LEARNING_RATE * w2.grad)
                w1.grad = None
                w2.grad = None

        return torch_step
    import tensorflow as tf

    x, y = tf.constant(x_np), tf.constant(y_np)
    v1, v2 = tf.Variable(w1_np), tf.Variable(w2_np)

    def tf_step() -> None:
        with tf.GradientTape() as tape:
            y_pred = tf.matmul(tf.maximum(tf.matmul(x, v1), 0.0), v2)
            loss = tf.reduce_sum(tf.square(y_pred - y))
        grad_w1, grad_w2 = tape.gradient(loss, [v1, v2])
        v1.assign_sub(LEARNING_RATE * grad_w1)
        v2.assign_sub(LEARNING_RATE * grad_w2)

    return tf_step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="*", default=ug.available_backends())
    parser.add_argument("--rounds", type=int, default=30)
    arguments = parser.parse_args()
    print(header("training step, two-layer net 64x1000->100->10"))
    for backend in arguments.backends:
        with ug.use_backend(backend):
            timing = interleaved(
                native_step(backend), unigrad_step(backend), rounds=arguments.rounds, target_seconds=0.05
            )
            print(row(backend, "GradientTape step", *timing), flush=True)


if __name__ == "__main__":
    main()
