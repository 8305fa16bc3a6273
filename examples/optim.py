"""ug.optim: the cubic fit of sin(x), the updates made by RMSprop.

PyTorch's "optim" example, on either backend: an optimizer holds the
parameters and takes the tape's gradients in their order —
``optimizer.step(grads)`` in place of ``zero_grad``/``backward``/``step``.

Run:  python examples/optim.py --backend tf
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
    xx = ug.expand_dims(x, axis=-1) ** ug.asarray([1.0, 2.0, 3.0])
    ug.random.seed(0)
    model = ug.nn.Sequential(ug.nn.Linear(3, 1), ug.nn.Flatten(0, 1))
    parameters = model.parameters()
    optimizer = ug.optim.RMSprop(parameters, lr=1e-3)
    for step in range(args.steps):
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(xx), y, reduction="sum")
        if step % 500 == 499:
            print(f"{step + 1:5d}  loss {float(ug.to_numpy(loss)):.4f}")
        optimizer.step(tape.gradient(loss, parameters))
    linear = model[0]
    bias, (b, c, d) = float(ug.to_numpy(linear.bias)[0]), ug.to_numpy(linear.weight)[0].tolist()
    print(f"{args.backend}: y = {bias:.4f} + {b:.4f} x + {c:.4f} x^2 + {d:.4f} x^3")
    return {"loss": float(ug.to_numpy(loss)), "a": bias, "b": b, "c": c, "d": d}


if __name__ == "__main__":
    main()
