"""A Module of your own: the cubic fit of sin(x) as a ug.nn.Module with four Parameters.

PyTorch's "custom nn Modules" example, on either backend: ``__init__``
assigns parameters, ``forward`` computes the output, and ``parameters()``
finds them for the optimizer.

Run:  python examples/module.py --backend tf
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from _cli import arguments

import unigrad as ug


class Polynomial3(ug.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = ug.nn.Parameter(ug.random.normal(()))
        self.b = ug.nn.Parameter(ug.random.normal(()))
        self.c = ug.nn.Parameter(ug.random.normal(()))
        self.d = ug.nn.Parameter(ug.random.normal(()))

    def forward(self, x: Any) -> Any:
        return self.a + self.b * x + self.c * x**2 + self.d * x**3

    def string(self) -> str:
        a, b, c, d = (float(ug.to_numpy(p)) for p in (self.a, self.b, self.c, self.d))
        return f"y = {a:.4f} + {b:.4f} x + {c:.4f} x^2 + {d:.4f} x^3"


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = arguments(__doc__.splitlines()[0], argv, steps=2000)
    x = ug.linspace(-math.pi, math.pi, 2000)
    y = ug.sin(x)
    ug.random.seed(0)
    model = Polynomial3()
    optimizer = ug.optim.SGD(model.parameters(), lr=1e-6)
    for step in range(args.steps):
        with ug.GradientTape() as tape:
            loss = ug.nn.functional.mse_loss(model(x), y, reduction="sum")
        if step % 500 == 499:
            print(f"{step + 1:5d}  loss {float(ug.to_numpy(loss)):.4f}")
        optimizer.step(tape.gradient(loss, model.parameters()))
    print(f"{args.backend}: {model.string()}")
    values = {name: float(ug.to_numpy(p)) for name, p in model.named_parameters()}
    return {"loss": float(ug.to_numpy(loss)), **values}


if __name__ == "__main__":
    main()
