"""Where ug.nn.functional and the reference kernels live, and what a backend gets from them."""

from __future__ import annotations

import inspect

import pytest

import unigrad as ug
import unigrad.nn.functional as F
from unigrad.backends.base import Backend
from unigrad.nn import reference as nn_reference

# the names DESIGN.md lists for ug.nn.functional (the parity work adds more)
PUBLIC = [
    "relu",
    "gelu",
    "sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "linear",
    "layer_norm",
    "dropout",
    "embedding",
    "mse_loss",
    "l1_loss",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
]


def test_functional_exports_its_functions_from_topic_modules():
    assert set(PUBLIC) <= set(F.__all__)
    assert len(F.__all__) == len(set(F.__all__))
    for name in F.__all__:
        function = getattr(F, name)
        # linear and dropout are also topic modules' names: the package must bind the functions
        assert inspect.isfunction(function), name
        assert function.__module__.startswith("unigrad.nn.functional."), (name, function.__module__)


class _BareBackend(Backend):
    """A third-party backend that provides nothing of its own."""

    name = "bare"
    framework = "numpy"


def test_a_backend_without_kernels_gets_every_reference_definition():
    backend = _BareBackend()
    for name in nn_reference.__all__:
        assert getattr(backend, f"nn_{name}") is getattr(nn_reference, name)
    assert not hasattr(backend, "nn_labels_checked_by_kernel")
    # the capability's default keeps the host check of the labels
    assert backend.labels_checked_by_kernel(object()) is False


@pytest.mark.parametrize("name", ["torch", "tensorflow"])
def test_label_checks_by_kernel_is_a_capability_of_the_backend(name):
    if name not in ug.available_backends():
        pytest.skip(f"{name} is not installed")
    with ug.use_backend(name):
        backend = ug.config.active_backend()
        labels = ug.asarray([0, 1])
        assert not hasattr(backend, "nn_labels_checked_by_kernel")
        # PyTorch's CPU kernel raises for a label out of range; TensorFlow's check is the host one
        assert backend.labels_checked_by_kernel(labels) is (name == "torch")
