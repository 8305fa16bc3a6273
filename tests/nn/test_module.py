"""ug.nn.Module: registration, traversal, modes, state dicts, devices and backends."""

from __future__ import annotations

import numpy as np
import pytest

import unigrad as ug

INSTALLED = ug.available_backends()
both = pytest.mark.skipif(len(INSTALLED) < 2, reason="needs two backends")


class Block(ug.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = ug.nn.Linear(3, 2)
        self.scale = ug.nn.Parameter(ug.ones(2))
        self.register_buffer("count", ug.zeros((), dtype=ug.int64))
        self.register_buffer("scratch", ug.zeros(2), persistent=False)
        self.note = "not registered"

    def forward(self, x):
        return self.linear(x) * self.scale


class Net(ug.nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = ug.nn.Sequential(ug.nn.ReLU(), ug.nn.Linear(2, 1))

    def forward(self, x):
        return self.head(self.block(x))


def test_registration_and_names(ug_backend):
    net = Net()
    assert [n for n, _ in net.named_parameters()] == [
        "block.scale",
        "block.linear.weight",
        "block.linear.bias",
        "head.1.weight",
        "head.1.bias",
    ]
    assert [n for n, _ in net.named_buffers()] == ["block.count", "block.scratch"]
    assert list(net.state_dict()) == [
        "block.scale",
        "block.count",
        "block.linear.weight",
        "block.linear.bias",
        "head.1.weight",
        "head.1.bias",
    ]
    assert [name for name, _ in net.named_modules()] == [
        "",
        "block",
        "block.linear",
        "head",
        "head.0",
        "head.1",
    ]
    assert len(net.parameters()) == 5 and all(isinstance(p, ug.nn.Parameter) for p in net.parameters())
    assert net.block.note == "not registered"
    del net.block.scale
    assert "block.scale" not in net.state_dict()


def test_shared_parameters_are_listed_once(ug_backend):
    shared = ug.nn.Linear(2, 2)
    model = ug.nn.Sequential(shared, shared)
    assert len(model.parameters()) == 2


def test_train_and_eval_reach_every_module(ug_backend):
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_init_must_run_first():
    class Forgetful(ug.nn.Module):
        def __init__(self):
            self.weight = 1

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) first"):
        Forgetful()


def test_state_dict_round_trip(ug_backend):
    ug.random.seed(1)
    source = Net()
    ug.random.seed(2)
    target = Net()
    assert not np.allclose(ug.to_numpy(source.block.linear.weight), ug.to_numpy(target.block.linear.weight))
    target.load_state_dict(source.state_dict())
    for (name, a), (_, b) in zip(source.state_dict().items(), target.state_dict().items(), strict=True):
        np.testing.assert_array_equal(ug.to_numpy(a), ug.to_numpy(b), err_msg=name)
    x = ug.random.normal((4, 3))
    np.testing.assert_array_equal(ug.to_numpy(source(x)), ug.to_numpy(target(x)))


def test_load_state_dict_names_every_problem(ug_backend):
    net = Net()
    state = dict(net.state_dict())
    del state["head.1.bias"]
    state["head.2.weight"] = ug.ones(1)
    state["block.scale"] = ug.ones(3)
    before = ug.to_numpy(net.block.linear.weight).copy()
    with pytest.raises(ug.StateDictError) as info:
        net.load_state_dict(state)
    message = str(info.value)
    assert "missing keys: head.1.bias" in message
    assert "unexpected keys: head.2.weight" in message
    assert "block.scale: expected shape (2,), got (3,)" in message
    assert isinstance(info.value, KeyError)
    np.testing.assert_array_equal(ug.to_numpy(net.block.linear.weight), before)  # nothing half-loaded


def test_load_state_dict_not_strict(ug_backend):
    net = Net()
    state = {k: v for k, v in net.state_dict().items() if k.startswith("block.")}
    state["extra"] = ug.ones(1)
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["head.1.weight", "head.1.bias"]
    assert result.unexpected_keys == ["extra"]


def test_load_state_dict_takes_numpy_and_keeps_parameters(ug_backend):
    net = Net()
    weight = net.block.linear.weight
    state = {k: np.array(ug.to_numpy(v)) + 1 for k, v in net.state_dict().items()}
    net.load_state_dict(state)
    assert net.block.linear.weight is weight  # loaded in place: optimizers keep working
    np.testing.assert_allclose(ug.to_numpy(net.block.linear.weight), state["block.linear.weight"])
    assert ug.as_dtype(net.block.count.dtype) is ug.int64


def test_to_device(ug_backend):
    net = Net()
    weight = net.block.linear.weight
    net.to("cpu:0")
    assert ug.device_of(net.block.linear.weight) == "cpu:0"
    if ug_backend == "torch":
        assert net.block.linear.weight is weight
    with pytest.raises(ug.DeviceError, match="the devices are: cpu:0"):
        net.to("gpu:5")


@both
def test_to_backend_round_trip_keeps_bits_and_works():
    with ug.use_backend("torch"):
        ug.random.seed(3)
        net = Net()
        x = ug.random.normal((5, 3))
        expected = ug.to_numpy(net(x)).copy()
        before = {k: ug.to_numpy(v).copy() for k, v in net.state_dict().items()}
    net.to_backend("tf")
    assert all(type(v).__module__.startswith("tensorflow") for v in net.state_dict().values())
    for key, value in net.state_dict().items():
        assert ug.to_numpy(value).tobytes() == before[key].tobytes(), key
    out = net(ug.convert(x, "tf"))  # runs on TensorFlow, whatever backend is active
    assert type(out).__module__.startswith("tensorflow")
    np.testing.assert_allclose(ug.to_numpy(out), expected, rtol=1e-6)
    with ug.use_backend("tf"):
        with ug.GradientTape() as tape:
            loss = ug.sum(net(ug.convert(x, "tf")))
        grads = tape.gradient(loss, net.parameters())
        assert all(g is not None for g in grads)
    net.to_backend("torch")
    for key, value in net.state_dict().items():
        assert ug.to_numpy(value).tobytes() == before[key].tobytes(), key
    np.testing.assert_allclose(ug.to_numpy(net(x)), expected, rtol=1e-6)


@both
def test_same_seed_same_parameters_on_every_backend():
    states = []
    for backend in INSTALLED:
        with ug.use_backend(backend):
            ug.random.seed(42)
            net = Net()
            states.append({k: ug.to_numpy(v).tobytes() for k, v in net.state_dict().items()})
    assert all(state == states[0] for state in states[1:])


def test_repr(ug_backend):
    text = repr(Net())
    assert "(block): Block(" in text and "(linear): Linear(in_features=3, out_features=2, bias=True)" in text
    assert "(0): ReLU()" in text


def test_containers(ug_backend):
    layers = ug.nn.ModuleList([ug.nn.Linear(2, 2) for _ in range(3)])
    assert len(layers) == 3 and len(layers.parameters()) == 6
    layers.append(ug.nn.ReLU())
    assert isinstance(layers[-1], ug.nn.ReLU)
    sequential = ug.nn.Sequential(ug.nn.Linear(2, 3), ug.nn.ReLU(), ug.nn.Linear(3, 1))
    assert len(sequential) == 3 and isinstance(sequential[1], ug.nn.ReLU)
    assert len(sequential[1:]) == 2
    with pytest.raises(TypeError, match="Sequential takes modules, got int at position 0"):
        ug.nn.Sequential(3)


# -- tied weights (issue 17) ------------------------------------------------------------


class Tied(ug.nn.Module):
    """An autoencoder whose decoder reuses the encoder's weight, and a buffer shared by two modules."""

    def __init__(self):
        super().__init__()
        self.encoder = ug.nn.Linear(3, 3)
        self.decoder = ug.nn.Linear(3, 3)
        self.decoder.weight = self.encoder.weight
        self.register_buffer("offset", ug.zeros(3))
        self.decoder.register_buffer("offset", self.offset)

    def forward(self, x):
        return self.decoder(ug.tanh(self.encoder(x))) + self.offset


def _assert_tied(model):
    assert model.decoder.weight is model.encoder.weight
    assert model.decoder.offset is model.offset
    assert len(model.parameters()) == 3 and len(model.buffers()) == 1


def test_tied_weights_are_one_parameter(ug_backend):
    model = Tied()
    _assert_tied(model)
    # the names torch gives the same model
    assert [n for n, _ in model.named_parameters()] == ["encoder.weight", "encoder.bias", "decoder.bias"]
    assert [n for n, _ in model.named_parameters(remove_duplicate=False)] == [
        "encoder.weight",
        "encoder.bias",
        "decoder.weight",
        "decoder.bias",
    ]
    assert [n for n, _ in model.named_buffers()] == ["offset"]
    assert [n for n, _ in model.named_buffers(remove_duplicate=False)] == ["offset", "decoder.offset"]
    assert list(model.state_dict()) == [
        "offset",
        "encoder.weight",
        "encoder.bias",
        "decoder.weight",
        "decoder.bias",
        "decoder.offset",
    ]


def test_loading_a_state_dict_keeps_ties(ug_backend):
    model = Tied()
    state = {k: np.array(ug.to_numpy(v)) for k, v in model.state_dict().items()}
    state["encoder.weight"] = np.full((3, 3), 1.0, np.float32)
    state["decoder.weight"] = np.full((3, 3), 2.0, np.float32)  # the last key wins, as in torch
    state["offset"] = np.full(3, 3.0, np.float32)
    state["decoder.offset"] = np.full(3, 4.0, np.float32)
    model.load_state_dict(state)
    _assert_tied(model)
    assert ug.to_numpy(model.encoder.weight).tolist() == [[2.0] * 3] * 3
    assert ug.to_numpy(model.offset).tolist() == [4.0] * 3


def test_moving_a_tied_model_keeps_ties(ug_backend):
    model = Tied()
    model.to("cpu:0")
    _assert_tied(model)


def test_a_module_used_twice_is_in_the_state_dict_under_both_names(ug_backend):
    shared = ug.nn.Linear(2, 2)
    model = ug.nn.Sequential(shared, ug.nn.ReLU(), shared)
    assert [n for n, _ in model.named_modules()] == ["", "0", "1"]
    assert [n for n, _ in model.named_modules(remove_duplicate=False)] == ["", "0", "1", "2"]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]  # as torch lists it
    model.load_state_dict({k: np.zeros(tuple(v.shape), np.float32) for k, v in model.state_dict().items()})
    assert not ug.to_numpy(shared.weight).any()


@both
def test_to_backend_keeps_ties():
    with ug.use_backend("torch"):
        model = Tied()
    model.to_backend("tf")
    _assert_tied(model)
    assert type(model.encoder.weight).__module__.startswith("tensorflow")
    model.to_backend("torch")
    _assert_tied(model)


def test_an_sgd_step_updates_a_tied_weight_once_as_torch_does(ug_backend):
    torch = pytest.importorskip("torch")
    ug.random.seed(4)
    model = Tied().to("cpu:0")  # (moving untied the weight on TensorFlow, which then got two updates)
    native = torch.nn.ModuleDict({"encoder": torch.nn.Linear(3, 3), "decoder": torch.nn.Linear(3, 3)})
    native.decoder.weight = native.encoder.weight
    with torch.no_grad():
        for name, value in model.named_parameters():
            native.get_parameter(name).copy_(torch.from_numpy(np.array(ug.to_numpy(value))))
    x = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    reference = torch.optim.SGD(native.parameters(), lr=0.1, momentum=0.9)
    optimizer = ug.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    assert len(list(native.parameters())) == len(model.parameters()) == 3
    for _ in range(3):
        reference.zero_grad()
        loss = native.decoder(torch.tanh(native.encoder(torch.from_numpy(x)))).square().sum()
        loss.backward()
        reference.step()
        with ug.GradientTape() as tape:
            out = model.decoder(ug.tanh(model.encoder(ug.asarray(x))))
            ug_loss = ug.sum(out * out)
        optimizer.step(tape.gradient(ug_loss, model.parameters()))
    for name, value in model.named_parameters():
        np.testing.assert_allclose(
            ug.to_numpy(value),
            native.get_parameter(name).detach().numpy(),
            rtol=1e-5,
            atol=1e-6,
            err_msg=name,
        )
    _assert_tied(model)


@pytest.mark.parametrize("cast", ["half", "bfloat16", "double", "float"])
def test_dtype_casts_are_torchs(ug_backend, cast):
    """``half()``/``bfloat16()``/``double()``/``float()`` cast the floating-point parameters and buffers
    as torch's do (a BatchNorm's count stays int64), a parameter shared by two modules kept one."""
    import torch

    ug.random.seed(0)
    model = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.BatchNorm1d(4).eval(), ug.nn.Linear(4, 4))
    model[0].bias = model[1].bias  # a tie across modules
    twin = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4).eval(), torch.nn.Linear(4, 4))
    twin[0].bias = twin[1].bias
    twin.load_state_dict(
        {k: torch.from_numpy(np.array(ug.to_numpy(v))) for k, v in model.state_dict().items()}
    )
    assert getattr(model, cast)() is model
    getattr(twin, cast)()
    ours = {k: str(ug.as_dtype(v.dtype)) for k, v in model.state_dict().items()}
    theirs = {k: str(v.dtype).removeprefix("torch.") for k, v in twin.state_dict().items()}
    assert ours == theirs
    assert model[0].bias is model[1].bias and len(model.parameters()) == 5
    if cast == "double":  # the maths in float64, as torch's
        x = np.random.default_rng(0).standard_normal((5, 3))
        np.testing.assert_allclose(
            ug.to_numpy(model(ug.asarray(x))),
            twin(torch.from_numpy(x)).detach().numpy(),
            rtol=1e-12,
            atol=1e-12,
        )


def test_to_takes_a_device_and_a_dtype_in_any_order_and_refuses_integers(ug_backend):
    model = ug.nn.Linear(2, 2)
    assert model.to("cpu:0", ug.float64) is model and ug.as_dtype(model.weight.dtype) == ug.float64
    model.to(dtype="float32", device="cpu:0")
    assert ug.as_dtype(model.weight.dtype) == ug.float32 and ug.device_of(model.weight) == "cpu:0"
    with pytest.raises(ug.DTypeError, match=r"Module\.to casts to floating-point dtypes only, got int32"):
        model.to(ug.int32)
    with pytest.raises(ug.ArgumentTypeError, match=r"Module\.to takes one device and one dtype"):
        model.to(ug.float16, ug.float32)
