"""Autograd: fit y = sin(x) with a cubic a + b x + c x^2 + d x^3, gradients from a tape.

PyTorch's "tensors and autograd" example, on either backend: the tape records
the forward pass and gives the gradient of the loss with respect to each
weight; the weights are updated in place outside the tape.

Run:  python examples/autograd.py --backend tf
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from _cli import arguments

import unigrad as ug


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = arguments(__doc__.splitlines()[0], argv, steps=2000)
    x = ug.linspace(-math.pi, math.pi, 2000)
    y = ug.sin(x)
    ug.random.seed(0)
    a, b, c, d = (ug.nn.Parameter(ug.random.normal(())) for _ in range(4))
    learning_rate = 1e-6
    for step in range(args.steps):
        with ug.GradientTape() as tape:
            y_pred = a + b * x + c * x**2 + d * x**3
            loss = ug.sum(ug.square(y_pred - y))
        if step % 500 == 499:
            print(f"{step + 1:5d}  loss {float(ug.to_numpy(loss)):.4f}")
        for weight, grad in zip((a, b, c, d), tape.gradient(loss, [a, b, c, d]), strict=True):
            weight.assign_sub(learning_rate * grad)
    coefficients = [float(ug.to_numpy(w)) for w in (a, b, c, d)]
    print(
        f"{args.backend}: y = {coefficients[0]:.4f} + {coefficients[1]:.4f} x "
        f"+ {coefficients[2]:.4f} x^2 + {coefficients[3]:.4f} x^3"
    )
    return {
        "loss": float(ug.to_numpy(loss)),
        "a": coefficients[0],
        "b": coefficients[1],
        "c": coefficients[2],
        "d": coefficients[3],
    }


if __name__ == "__main__":
    main()
