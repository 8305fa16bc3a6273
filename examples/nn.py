"""ug.nn: the cubic fit of sin(x) as a Linear layer on the features (x, x^2, x^3).

PyTorch's "nn" example, on either backend: the model is a ``Sequential`` of
layers, the loss comes from ``ug.nn.functional``, and the parameters are
updated by hand from the tape's gradients.

Run:  python examples/nn.py --backend tf
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
    powers = ug.asarray([1.0, 2.0, 3.0])
    xx = ug.expand_dims(x, axis=-1) ** powers  # (2000, 3)
    ug.random.seed(0)
    model = ug.nn.Sequential(ug.nn.Linear(3, 1), ug.nn.Flatten(0, 1))
    learning_rate = 1e-6
    for step in range(args.steps):
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(xx), y, reduction="sum")
        if step % 500 == 499:
            print(f"{step + 1:5d}  loss {float(ug.to_numpy(loss)):.4f}")
        parameters = model.parameters()
        for parameter, grad in zip(parameters, tape.gradient(loss, parameters), strict=True):
            parameter.assign_sub(learning_rate * grad)
    linear = model[0]
    bias, (b, c, d) = float(ug.to_numpy(linear.bias)[0]), ug.to_numpy(linear.weight)[0].tolist()
    print(f"{args.backend}: y = {bias:.4f} + {b:.4f} x + {c:.4f} x^2 + {d:.4f} x^3")
    return {"loss": float(ug.to_numpy(loss)), "a": bias, "b": b, "c": c, "d": d}


if __name__ == "__main__":
    main()
