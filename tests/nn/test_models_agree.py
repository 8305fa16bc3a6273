"""Whole models give the same outputs and parameter gradients on every backend.

These use the toolkit users get (``unigrad.testing``): ``module_inputs`` draws
inputs that fit the model, ``assert_backends_agree`` builds it on each backend
from the same seed and compares every output and every parameter's gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import BACKENDS

import unigrad as ug
from unigrad.testing import assert_backends_agree
from unigrad.testing import strategies as ugst

pytestmark = pytest.mark.skipif(len(BACKENDS) < 2, reason="needs two backends to compare")


class TinyConvNet(ug.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = ug.nn.Sequential(
            ug.nn.Conv2d(2, 4, 3, padding=1),
            ug.nn.BatchNorm2d(4),
            ug.nn.ReLU(),
            ug.nn.MaxPool2d(2),
        )
        self.head = ug.nn.Linear(4, 3)

    def forward(self, x: Any) -> Any:
        return self.head(ug.mean(self.features(x), axis=(2, 3)))


class TinyTransformerBlock(ug.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attention = ug.nn.MultiheadAttention(8, 2, batch_first=True)
        self.norm = ug.nn.LayerNorm(8)
        self.mlp = ug.nn.Sequential(ug.nn.Linear(8, 16), ug.nn.GELU(), ug.nn.Linear(16, 8))

    def forward(self, x: Any) -> Any:
        attended, _ = self.attention(x, x, x)
        h = self.norm(x + attended)
        return h + self.mlp(h)


class TinyRecurrent(ug.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = ug.nn.LSTM(3, 5, batch_first=True)
        self.head = ug.nn.Linear(5, 2)

    def forward(self, x: Any) -> Any:
        out, (h, c) = self.lstm(x)
        return self.head(out), h, c


MODELS: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {
    "mlp": (
        lambda: ug.nn.Sequential(ug.nn.Linear(6, 8), ug.nn.Tanh(), ug.nn.Linear(8, 3), ug.nn.Softmax(-1)),
        lambda model: ugst.module_inputs(model),
    ),
    "convnet": (TinyConvNet, lambda model: ugst.module_inputs(model.features, batch=st.integers(2, 3))),
    "transformer block": (
        TinyTransformerBlock,
        lambda model: ugst.arrays("float32", st.tuples(st.integers(1, 3), st.integers(1, 4), st.just(8))),
    ),
    "lstm": (TinyRecurrent, lambda model: ugst.module_inputs(model.lstm)),
}


@pytest.mark.parametrize("name", list(MODELS))
@settings(max_examples=4)
@given(data=st.data())
def test_model_agrees_across_backends(name, data):
    factory, inputs = MODELS[name]
    with ug.use_backend(BACKENDS[0]):
        strategy = inputs(factory())
    x = data.draw(strategy, label="x")
    if x.dtype.kind == "f":  # break ties: max pooling's gradient at a tie is the frameworks' own choice
        x = x + np.linspace(0.0, 0.5, x.size, dtype=x.dtype).reshape(x.shape)
    assert_backends_agree(factory, x, rtol=2e-4, atol=2e-5, backends=BACKENDS)


def test_model_in_eval_mode_agrees():
    def evaluating() -> Any:
        return TinyConvNet().eval()  # BatchNorm uses its running statistics

    x = np.random.default_rng(0).standard_normal((2, 2, 6, 6)).astype(np.float32)
    assert_backends_agree(evaluating, x, rtol=2e-4, atol=2e-5, backends=BACKENDS)
