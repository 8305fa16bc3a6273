"""ug.nn.from_torch: shared parameters, PyTorch's names and modes, and training identical to torch.optim."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import unigrad as ug

pytestmark = pytest.mark.backends("torch")


def make_net():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(4, 8),
        torch.nn.BatchNorm1d(8),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.0),
        torch.nn.Linear(8, 2),
    )


def test_parameters_names_and_modes_are_the_module_s(ug_backend):
    net = make_net()
    net.register_buffer("scratch", torch.zeros(2), persistent=False)
    wrapped = ug.nn.from_torch(net)
    assert all(a is b for a, b in zip(wrapped.parameters(), net.parameters()))
    assert [n for n, _ in wrapped.named_parameters()] == [n for n, _ in net.named_parameters()]
    assert list(wrapped.state_dict()) == list(net.state_dict())  # "scratch" is not persistent
    assert "scratch" in dict(wrapped.named_buffers())
    assert isinstance(wrapped.parameters()[0], ug.nn.Parameter)
    wrapped.eval()
    assert not net.training and not net[1].training and not wrapped.training
    net.train()  # the other way round too: the mode is the module's own
    assert wrapped.training
    assert wrapped.to_native() is net


@pytest.mark.parametrize(
    "make_opt, make_torch_opt",
    [
        (
            lambda p: ug.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
            lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        ),
        (lambda p: ug.optim.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
        (
            lambda p: ug.optim.SGD(p, lr=0.1, weight_decay=0.01, foreach=False),
            lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01),
        ),
    ],
    ids=["sgd-nesterov", "adam", "sgd-generic-path"],
)
def test_trains_as_the_native_module_trains(ug_backend, make_opt, make_torch_opt):
    net = make_net()
    native = copy.deepcopy(net)
    wrapped = ug.nn.from_torch(net)
    opt, torch_opt = make_opt(wrapped.parameters()), make_torch_opt(native.parameters())
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = torch.from_numpy(rng.standard_normal((16, 4)).astype(np.float32))
        y = torch.from_numpy(rng.standard_normal((16, 2)).astype(np.float32))
        with ug.GradientTape() as tape:
            loss = ug.mean((wrapped(x) - y) ** 2)
        opt.step(tape.gradient(loss, wrapped.parameters()))
        torch_opt.zero_grad()
        ((native(x) - y) ** 2).mean().backward()
        torch_opt.step()
    for (name, a), b in zip(net.state_dict().items(), native.state_dict().values()):
        np.testing.assert_allclose(
            a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7, err_msg=name
        )  # BatchNorm statistics too
    assert int(net[1].num_batches_tracked) == 5


def test_state_dicts_from_numpy_and_inside_a_unigrad_model(ug_backend):
    net = make_net()
    wrapped = ug.nn.from_torch(net)
    state = {k: v.numpy() + 1 for k, v in net.state_dict().items()}
    assert wrapped.load_state_dict(state) == ([], [])
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), state["0.weight"])
    with pytest.raises(ug.StateDictError, match="Missing key"):
        wrapped.load_state_dict({"0.weight": state["0.weight"]})

    parent = ug.nn.Sequential(ug.nn.Linear(3, 4), wrapped)  # a unigrad model around it
    keys = list(parent.state_dict())
    assert keys[:4] == ["0.weight", "0.bias", "1.0.weight", "1.0.bias"] and "1.1.running_mean" in keys
    saved = {k: ug.to_numpy(v) * 2 for k, v in parent.state_dict().items()}
    parent.load_state_dict(saved)
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), saved["1.0.weight"])
    np.testing.assert_array_equal(net[1].running_mean.numpy(), saved["1.1.running_mean"])
    assert net[0].weight is wrapped.parameters()[0]  # written in place
    assert tuple(parent(torch.ones(5, 3)).shape) == (5, 2)


def test_a_torch_transformer_layer_wraps_and_trains(ug_backend):
    torch.manual_seed(1)
    layer = torch.nn.TransformerEncoderLayer(
        d_model=16, nhead=4, dim_feedforward=32, dropout=0.0, batch_first=True
    )
    wrapped = ug.nn.from_torch(layer)
    opt = ug.optim.AdamW(wrapped.parameters(), lr=1e-2)
    x = torch.randn(2, 5, 16)
    before = [p.detach().clone() for p in layer.parameters()]
    losses = []
    for _ in range(3):
        with ug.GradientTape() as tape:
            loss = ug.mean(wrapped(x) ** 2)
        grads = tape.gradient(loss, wrapped.parameters())
        assert all(g is not None for g in grads)
        opt.step(grads)
        losses.append(float(ug.to_numpy(loss)))
    assert losses[-1] < losses[0]
    assert all(not torch.equal(a, b) for a, b in zip(before, layer.parameters()))


def test_refusals(ug_backend):
    with pytest.raises(TypeError, match="from_keras"):
        ug.nn.from_torch(object())
    wrapped = ug.nn.from_torch(torch.nn.Linear(2, 2))
    with pytest.raises(ug.UnigradError, match="cannot move"):
        wrapped.to_backend("tensorflow")
    assert wrapped.to_backend("torch") is wrapped
    assert wrapped.to("cpu:0") is wrapped and wrapped.parameters()[0] is wrapped.module.weight
