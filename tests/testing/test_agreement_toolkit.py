"""unigrad.testing: assert_backends_agree catches disagreements, the strategies fit modules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import unigrad as ug
from unigrad.testing import BackendsDisagreeError, assert_backends_agree, run_on_backend
from unigrad.testing import strategies as ugst

pytestmark = pytest.mark.skipif(len(ug.available_backends()) < 2, reason="needs two backends")
x = np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3)


class Skewed(ug.nn.Module):
    """A layer whose TensorFlow path is off by 1e-3: the planted disagreement."""

    def __init__(self):
        super().__init__()
        self.linear = ug.nn.Linear(3, 2)

    def forward(self, x):
        y = self.linear(x)
        return y + 1e-3 if ug.get_backend() == "tensorflow" else y


class SkewedGradient(ug.nn.Module):
    """Right forward, but on TensorFlow the weight's gradient is doubled."""

    def __init__(self):
        super().__init__()
        self.weight = ug.nn.Parameter(ug.ones((3,)))

    def forward(self, x):
        if ug.get_backend() != "tensorflow":
            return x * self.weight

        @ug.custom_gradient
        def scaled(w):
            return w * 1.0, lambda dy: dy * 2.0

        return x * scaled(self.weight)


def test_models_and_functions_that_agree_pass():
    assert_backends_agree(lambda: ug.nn.Sequential(ug.nn.Linear(3, 5), ug.nn.GELU(), ug.nn.Linear(5, 2)), x)
    assert_backends_agree(lambda: ug.nn.LayerNorm(3), x)
    assert_backends_agree(lambda t: ug.nn.functional.softmax(t, axis=1), x)
    assert_backends_agree(lambda a, b: ug.matmul(a, b), x, x.T, rtol=1e-5)
    assert_backends_agree(lambda: ug.nn.Conv2d(2, 3, 3, padding=1), np.ones((1, 2, 5, 5), np.float32))


def test_a_planted_output_difference_is_caught_and_located():
    with pytest.raises(BackendsDisagreeError) as caught:
        assert_backends_agree(Skewed, x)
    message = str(caught.value)
    assert "output: tensorflow vs torch: largest difference 0.001" in message
    assert "at index (0, 0)" in message
    assert "grad of parameter" not in message  # the gradients still agree: only the output is named
    assert_backends_agree(Skewed, x, atol=2e-3)  # within a looser tolerance it passes


def test_a_planted_gradient_difference_names_the_parameter():
    with pytest.raises(BackendsDisagreeError, match=r"grad of parameter 'weight': tensorflow vs torch"):
        assert_backends_agree(SkewedGradient, x)
    assert_backends_agree(SkewedGradient, x, grads=False)


def test_input_gradients_and_structured_outputs():
    results = run_on_backend(lambda a: (ug.sin(a), ug.sum(a, axis=0)), [x], "torch")
    assert set(results) == {"output[0]", "output[1]", "grad of input 0"}
    assert_backends_agree(lambda a: (ug.sin(a), ug.sum(a, axis=0)), x)


def test_instances_are_refused():
    with pytest.raises(TypeError, match="pass a factory"):
        assert_backends_agree(ug.nn.Linear(3, 2), x)


MODULES = [
    lambda: ug.nn.Linear(3, 2),
    lambda: ug.nn.Sequential(ug.nn.Conv2d(2, 4, 3, padding=1), ug.nn.ReLU()),
    lambda: ug.nn.Conv2d(2, 4, 3, data_format="channels_last"),
    lambda: ug.nn.Conv1d(3, 2, 2),
    lambda: ug.nn.Embedding(7, 3),
    lambda: ug.nn.LSTM(3, 4, batch_first=True),
    lambda: ug.nn.LayerNorm(5),
    lambda: ug.nn.BatchNorm1d(3),
]


@pytest.mark.parametrize("factory", MODULES)
@settings(max_examples=3)
@given(data=st.data())
def test_module_inputs_fit_the_module(factory, data):
    with ug.use_backend("torch"):
        module = factory()
        inputs = data.draw(ugst.module_inputs(module))
        output = module(ug.asarray(inputs))
    assert output is not None


def test_module_inputs_refuses_unknown_modules():
    class Custom(ug.nn.Module):
        def forward(self, x):
            return x

    with pytest.raises(TypeError, match="does not know what a Custom takes"):
        ugst.module_inputs(Custom())
