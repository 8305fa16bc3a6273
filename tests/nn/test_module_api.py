"""ug.nn.Module's API as torch.nn.Module's: names, lookups, registration, apply, hooks, freezing."""

from __future__ import annotations

import numpy as np
import pytest
from test_module import Net

import unigrad as ug


def _both(build):
    """``build(nn, zeros)`` with torch's and with unigrad's."""
    torch = pytest.importorskip("torch")
    return build(torch.nn, torch.zeros), build(ug.nn, ug.zeros)


def _tree(nn, zeros):
    class Leaf(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.register_buffer("mean", None)
            self.register_buffer("count", zeros(()))
            self.register_buffer("cache", zeros(2), persistent=False)
            self.register_parameter("gain", None)

        def extra_repr(self):
            return "leaf=True"

        def forward(self, x):
            return self.fc(x)

    class Tree(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Sequential(Leaf(), nn.ReLU())
            self.register_module("b", nn.ModuleList([Leaf()]))
            self.add_module("c", None)

        def forward(self, x):
            return self.b[0](self.a(x))

    return Tree()


def test_names_keys_repr_and_lookups_as_torch(ug_backend):
    native, ours = _both(_tree)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in native.named_modules()]
    assert [n for n, _ in ours.named_modules(None, "top")] == [
        n for n, _ in native.named_modules(None, "top")
    ]
    memo = {ours.a}
    assert [n for n, _ in ours.named_modules(memo)] == ["", "b", "b.0", "b.0.fc"]
    assert list(ours.state_dict()) == list(native.state_dict())  # "cache" is not persistent: not there
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in native.named_buffers()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in native.named_children()] == ["a", "b"]
    assert list(ours.children()) == [ours.a, ours.b]
    assert repr(ours) == repr(native)
    assert ours.get_submodule("a.0.fc") is ours.a[0].fc and ours.get_submodule("") is ours
    assert ours.get_parameter("b.0.fc.weight") is ours.b[0].fc.weight
    assert ours.get_buffer("a.0.cache") is ours.a[0].cache
    for target, method in [
        ("a.9", "get_submodule"),
        ("a.0.fc.weight", "get_submodule"),
        ("a.0.fc.missing", "get_parameter"),
        ("a.0.count", "get_parameter"),
        ("a.0.fc.weight", "get_buffer"),
    ]:
        with pytest.raises(AttributeError) as expected:
            getattr(native, method)(target)
        with pytest.raises(AttributeError) as got:
            getattr(ours, method)(target)
        assert str(got.value) == str(expected.value), (method, target)


def test_register_refuses_what_torch_refuses(ug_backend):
    native, ours = _both(lambda nn, zeros: nn.Linear(2, 2))
    calls = [
        lambda m, nn: m.register_buffer("weight", None),
        lambda m, nn: m.register_buffer("a.b", None),
        lambda m, nn: m.register_buffer("", None),
        lambda m, nn: m.register_parameter("forward", None),
        lambda m, nn: m.register_parameter("x", 3),
        lambda m, nn: m.add_module("in_features", nn.ReLU()),
        lambda m, nn: m.add_module("y", 3),
        lambda m, nn: m.add_module("a.b", nn.ReLU()),
    ]
    torch = pytest.importorskip("torch")
    for call in calls:
        with pytest.raises(Exception) as expected:
            call(native, torch.nn)
        with pytest.raises(type(expected.value)):
            call(ours, ug.nn)


def test_register_parameter_none_keeps_the_slot(ug_backend):
    torch = pytest.importorskip("torch")
    for nn, ones in ((torch.nn, torch.ones), (ug.nn, ug.ones)):
        module = nn.Module()
        module.register_parameter("first", None)
        module.second = nn.Parameter(ones(1))
        assert module.first is None and list(module.state_dict()) == ["second"]
        module.first = nn.Parameter(ones(1))
        assert list(module.state_dict()) == ["first", "second"]  # the slot kept its place


def test_apply_visits_children_first_as_torch():
    native, ours = _both(_tree)
    seen_native, seen_ours = [], []
    native.apply(lambda m: seen_native.append(type(m).__name__))
    assert ours.apply(lambda m: seen_ours.append(type(m).__name__)) is ours
    assert seen_ours == seen_native


def _hooked(nn, events):
    """A two-layer model whose hooks log what they see and replace inputs and outputs."""
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
    first = model[0]

    def pre(module, args):
        events.append(("pre", type(module).__name__, len(args)))
        return args[0] * 0 + 1  # a non-tuple replaces the one argument

    def pre_kwargs(module, args, kwargs):
        events.append(("pre_kwargs", sorted(kwargs)))

    def post(module, args, output):
        events.append(("post", type(module).__name__))
        return output * 0 + 3  # replaces the output

    def post_kwargs(module, args, kwargs, output):
        events.append(("post_kwargs", tuple(output.shape), sorted(kwargs)))

    handles = [
        first.register_forward_pre_hook(pre),
        first.register_forward_pre_hook(pre_kwargs, with_kwargs=True),
        model.register_forward_hook(post),
        model.register_forward_hook(post_kwargs, with_kwargs=True),
        model.register_forward_pre_hook(lambda m, a: events.append(("first", len(a))), prepend=True),
    ]
    return model, handles


def test_forward_hooks_run_and_replace_as_torch(ug_backend):
    torch = pytest.importorskip("torch")
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    events_native, events_ours = [], []
    native, native_handles = _hooked(torch.nn, events_native)
    ours, handles = _hooked(ug.nn, events_ours)
    with torch.no_grad():
        out_native = native(torch.from_numpy(x)).numpy()
    out_ours = ug.to_numpy(ours(ug.asarray(x)))
    assert events_ours == events_native
    np.testing.assert_array_equal(out_ours, out_native)
    assert (out_ours == 3).all()
    for handle in handles:
        handle.remove()
    for handle in native_handles:
        handle.remove()
    events_ours.clear()
    assert not ours._hooked and not ours[0]._hooked
    assert ug.to_numpy(ours(ug.asarray(x))).shape == (3, 2) and events_ours == []
    with ours.register_forward_hook(lambda m, a, out: out * 0) as handle:
        assert (ug.to_numpy(ours(ug.asarray(x))) == 0).all()
    assert handle.id >= 0 and ours._hooked is False


def test_pre_hook_with_kwargs_replaces_args_and_kwargs(ug_backend):
    class Scale(ug.nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    module = Scale()
    module.register_forward_pre_hook(
        lambda m, args, kwargs: ((args[0] + 1,), {"factor": 10.0}), with_kwargs=True
    )
    assert ug.to_numpy(module(ug.ones(2), factor=2.0)).tolist() == [20.0, 20.0]
    module.register_forward_pre_hook(lambda m, args, kwargs: args, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"must return None or a tuple of \(new_args, new_kwargs\)"):
        module(ug.ones(2))


def test_always_call_hooks_run_when_forward_raises_as_torch():
    torch = pytest.importorskip("torch")

    def build(nn, events):
        class Broken(nn.Module):
            def forward(self, x):
                raise ValueError("broken")

        module = Broken()
        module.register_forward_hook(lambda m, a, out: events.append(("plain", out)))
        module.register_forward_hook(lambda m, a, out: events.append(("always", out)), always_call=True)
        return module

    for nn, x in ((torch.nn, torch.ones(1)), (ug.nn, ug.ones(1))):
        events = []
        with pytest.raises(ValueError, match="broken"):
            build(nn, events)(x)
        assert events == [("always", None)]


def test_freezing_stops_gradients_and_updates(ug_backend):
    ug.random.seed(5)
    net = Net()
    net.block.requires_grad_(False)
    frozen = {n: ug.to_numpy(p).copy() for n, p in net.named_parameters() if n.startswith("block.")}
    assert [n for n, _ in net.named_parameters()][:3] == [
        "block.scale",
        "block.linear.weight",
        "block.linear.bias",
    ]
    optimizer = ug.optim.SGD(net.parameters(), lr=0.5)
    x = ug.random.normal((4, 3))
    with ug.GradientTape() as tape:
        loss = ug.sum(net(x) ** 2)
    grads = tape.gradient(loss, net.parameters())
    assert [g is None for g in grads] == [True, True, True, False, False]
    optimizer.step(grads)
    for name, value in net.named_parameters():
        if name in frozen:
            np.testing.assert_array_equal(ug.to_numpy(value), frozen[name], err_msg=name)
    assert net.requires_grad_() is net
    with ug.GradientTape() as tape:
        loss = ug.sum(net(x) ** 2)
    assert all(g is not None for g in tape.gradient(loss, net.parameters()))


@pytest.mark.backends("torch")
def test_zero_grad_clears_what_backward_left(ug_backend):
    net = Net()
    loss = ug.sum(net(ug.ones((2, 3))))
    loss.backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(not ug.to_numpy(p.grad).any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
