"""A custom autograd Function: y = a + b P3(c + d x), P3 the Legendre polynomial of degree 3.

PyTorch's "defining new autograd functions" example, on either backend:
``forward`` computes P3 and saves its input, ``backward`` gives the gradient
from the saved input — PyTorch's ``autograd.Function`` form, which unigrad
maps onto ``tf.custom_gradient`` on TensorFlow.

Run:  python examples/custom_function.py --backend tf
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from _cli import arguments

import unigrad as ug


class LegendrePolynomial3(ug.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return 0.5 * (5 * x**3 - 3 * x)

    @staticmethod
    def backward(ctx: Any, grad_output: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * x**2 - 1)


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = arguments(__doc__.splitlines()[0], argv, steps=2000)
    x = ug.linspace(-math.pi, math.pi, 2000)
    y = ug.sin(x)
    a, b, c, d = (ug.nn.Parameter(ug.full((), value)) for value in (0.0, -1.0, 0.0, 0.3))
    learning_rate = 5e-6
    for step in range(args.steps):
        with ug.GradientTape() as tape:
            y_pred = a + b * LegendrePolynomial3.apply(c + d * x)
            loss = ug.sum(ug.square(y_pred - y))
        if step % 500 == 499:
            print(f"{step + 1:5d}  loss {float(ug.to_numpy(loss)):.4f}")
        for weight, grad in zip((a, b, c, d), tape.gradient(loss, [a, b, c, d]), strict=True):
            weight.assign_sub(learning_rate * grad)
    values = [float(ug.to_numpy(w)) for w in (a, b, c, d)]
    print(f"{args.backend}: y = {values[0]:.4f} + {values[1]:.4f} P3({values[2]:.4f} + {values[3]:.4f} x)")
    return {"loss": float(ug.to_numpy(loss)), **dict(zip("abcd", values, strict=True))}


if __name__ == "__main__":
    main()
