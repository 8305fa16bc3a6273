"""Tiny models and data shared by the ``ug.fit`` tests."""

from __future__ import annotations

import numpy as np

import unigrad as ug

INSTALLED = ug.available_backends()
BOTH = {"torch", "tensorflow"} <= set(INSTALLED)


def blobs(n: int = 96, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two separable classes in 4 dimensions: float32 features, int64 labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    x = rng.standard_normal((n, 4)).astype(np.float32) + np.where(labels[:, None] == 1, 1.5, -1.5).astype(
        np.float32
    )
    return x, labels.astype(np.int64)


def regression(n: int = 50, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``y = x @ w`` plus a little noise: float32, 4 features, 2 targets."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    w = rng.standard_normal((4, 2)).astype(np.float32)
    return x, (x @ w + 0.01 * rng.standard_normal((n, 2))).astype(np.float32)


def mlp(backend: str, n_in: int = 4, n_out: int = 2, seed: int = 0, extra=None) -> ug.nn.Module:
    """``Linear(n_in, 8) -> ReLU -> [*extra()] -> Linear(8, n_out)`` with weights from ``seed``."""
    with ug.use_backend(backend):
        ug.random.seed(seed)
        middle = extra() if extra is not None else ()
        return ug.nn.Sequential(ug.nn.Linear(n_in, 8), ug.nn.ReLU(), *middle, ug.nn.Linear(8, n_out))


def weights(model: ug.nn.Module) -> dict[str, np.ndarray]:
    return {name: np.array(ug.to_numpy(value), copy=True) for name, value in model.state_dict().items()}


def assert_weights_close(
    a: dict[str, np.ndarray], b: dict[str, np.ndarray], rtol: float = 1e-5, atol: float = 1e-6
) -> None:
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=rtol, atol=atol, err_msg=name)


def assert_history_close(a: dict, b: dict, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=rtol, atol=atol, err_msg=key)


def sgd(model: ug.nn.Module, lr: float = 0.1, **options: float) -> ug.optim.SGD:
    return ug.optim.SGD(model.parameters(), lr=lr, **options)


class Recorder(ug.nn.Module):
    """A linear model that records, per call, the sample ids (column 0 of x) and the mode it ran in."""

    def __init__(self, n_in: int = 2) -> None:
        super().__init__()
        self.linear = ug.nn.Linear(n_in, 1)
        self.calls: list[tuple[bool, list[int]]] = []

    def forward(self, x):
        self.calls.append((self.training, ug.to_numpy(x[:, 0]).astype(int).tolist()))
        return self.linear(x)

    def ids(self, training: bool) -> list[list[int]]:
        return [ids for mode, ids in self.calls if mode is training]


def id_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    """x = (sample id, 0), y = 0: for following samples through the loop."""
    x = np.stack([np.arange(n), np.zeros(n)], axis=1).astype(np.float32)
    return x, np.zeros((n, 1), np.float32)


def quiet_fit(model: ug.nn.Module, x, y=None, **options) -> ug.train.History:
    """``ug.fit`` with the tests' defaults: mse, SGD(lr=0.1), eager, silent."""
    options = {"loss": "mse", "verbose": False, "compile": False, **options}
    if "optimizer" not in options:
        options["optimizer"] = sgd(model)
    return ug.fit(model, x, y, **options)
