"""Keras-style training: ``model.fit`` on two interleaved spirals, with validation and early stopping.

The model is a ``ug.nn`` module; ``fit`` batches and shuffles the data (the
same batches on every backend for the same seed), shows progress, computes
metrics, holds out a validation split and runs callbacks — Keras'
``compile``/``fit`` on PyTorch or TensorFlow.

Run:  python examples/fit.py --backend torch --steps 40   (steps = epochs here)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from _cli import arguments

import unigrad as ug


def spirals(n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two spirals in the plane, with noise: points (n, 2) float32, labels (n,) int64."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    radius = rng.uniform(0.1, 1.0, n)
    angle = 3 * np.pi * radius + np.pi * labels
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points += rng.normal(0.0, 0.03, points.shape)
    return points.astype(np.float32), labels.astype(np.int64)


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    args = arguments(__doc__.splitlines()[0], argv, steps=60)
    x, y = spirals()
    ug.random.seed(0)
    model = ug.nn.Sequential(
        ug.nn.Linear(2, 64), ug.nn.ReLU(), ug.nn.Linear(64, 64), ug.nn.ReLU(), ug.nn.Linear(64, 2)
    )
    history = model.fit(
        x,
        y,
        loss="cross_entropy",
        optimizer=ug.optim.Adam(model.parameters(), lr=1e-2),
        metrics=["accuracy"],
        epochs=args.steps,
        batch_size=32,
        validation_split=0.2,
        callbacks=[
            ug.train.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)
        ],
        seed=0,
        verbose=2,
    )
    scores = model.evaluate(x[-200:], y[-200:], loss="cross_entropy", metrics=["accuracy"], verbose=0)
    epochs = len(history.history["loss"])
    print(f"{args.backend}: validation accuracy {scores['accuracy']:.3f} after {epochs} epochs")
    return {
        "loss": history.history["loss"][-1],
        "val_accuracy": scores["accuracy"],
        "epochs": float(epochs),
    }


if __name__ == "__main__":
    main()
