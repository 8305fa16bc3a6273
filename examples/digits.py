"""A small convnet on scikit-learn's handwritten digits, on either backend.

The data ships inside scikit-learn (8x8 grey images, 10 classes, no download).
The same seed gives the same initial weights and the same batches on every
backend, so the curves agree to float tolerance.

Run:  python examples/digits.py [--backend torch|tf] [--epochs 15]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import unigrad as ug
import unigrad.nn.functional as F


def load(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train and test splits (80/20), images scaled to [0, 1] as (N, 1, 8, 8) float32."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None, :, :]
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    cut = int(0.8 * len(labels))
    train, test = order[:cut], order[cut:]
    return images[train], labels[train], images[test], labels[test]


class ConvNet(ug.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = ug.nn.Sequential(
            ug.nn.Conv2d(1, 16, 3, padding=1),
            ug.nn.ReLU(),
            ug.nn.MaxPool2d(2),  # 16 x 4 x 4
            ug.nn.Conv2d(16, 32, 3, padding=1),
            ug.nn.ReLU(),
            ug.nn.MaxPool2d(2),  # 32 x 2 x 2
        )
        self.classifier = ug.nn.Sequential(
            ug.nn.Flatten(), ug.nn.Linear(32 * 2 * 2, 64), ug.nn.ReLU(), ug.nn.Linear(64, 10)
        )

    def forward(self, x: object) -> object:
        return self.classifier(self.features(x))


def accuracy(model: ConvNet, images: object, labels: np.ndarray) -> float:
    model.eval()
    with ug.no_grad():
        predicted = ug.to_numpy(ug.argmax(model(images), axis=1))
    model.train()
    return float((predicted == labels).mean())


def train(
    backend: str, epochs: int = 15, batch_size: int = 64, seed: int = 0, verbose: bool = True
) -> list[dict]:
    """Train on ``backend``; one record per epoch: mean training loss and test accuracy."""
    ug.set_backend(backend)
    x_train, y_train, x_test, y_test = load(seed)
    ug.random.seed(seed)
    model = ConvNet()
    optimizer = ug.optim.Adam(model.parameters(), lr=3e-3)
    parameters = model.parameters()
    images, labels = ug.asarray(x_train), ug.asarray(y_train)
    test_images = ug.asarray(x_test)
    history = []
    for epoch in range(epochs):
        start, losses = time.perf_counter(), []
        order = ug.random.permutation(len(y_train))
        for first in range(0, len(y_train), batch_size):
            batch = order[first : first + batch_size]
            with ug.GradientTape() as tape:
                loss = F.cross_entropy(model(ug.take(images, batch, axis=0)), ug.take(labels, batch, axis=0))
            optimizer.step(tape.gradient(loss, parameters))
            losses.append(float(ug.to_numpy(loss)))
        record = {
            "epoch": epoch + 1,
            "loss": float(np.mean(losses)),
            "test_accuracy": accuracy(model, test_images, y_test),
            "seconds": time.perf_counter() - start,
        }
        history.append(record)
        if verbose:
            print(
                f"{backend:<10} epoch {record['epoch']:>2}  loss {record['loss']:.4f}  "
                f"test accuracy {record['test_accuracy']:.4f}  ({record['seconds']:.2f} s)",
                flush=True,
            )
    return history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=None, help="torch or tf (default: unigrad's default)")
    parser.add_argument("--epochs", type=int, default=15)
    arguments = parser.parse_args()
    backend = arguments.backend or ug.get_backend()
    history = train(backend, arguments.epochs)
    print(f"final test accuracy on {ug.get_backend()}: {history[-1]['test_accuracy']:.4f}")


if __name__ == "__main__":
    main()
