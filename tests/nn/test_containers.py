"""Containers as torch.nn's: the same structure built in torch.nn and in ug.nn has the same
names, state-dict keys, repr and list/dict behaviour."""

from __future__ import annotations

import inspect
from collections import OrderedDict

import numpy as np
import pytest

import unigrad as ug

torch = pytest.importorskip("torch")


def layout(module):
    """``(name, class name)`` of every module, as ``named_modules`` lists them."""
    return [(name, type(m).__name__) for name, m in module.named_modules(remove_duplicate=False)]


def both(build):
    """``build(nn)`` with torch.nn and with ug.nn."""
    return build(torch.nn), build(ug.nn)


def assert_same_structure(native, ours):
    assert layout(ours) == layout(native)
    assert list(ours.state_dict()) == list(native.state_dict())
    assert repr(ours) == repr(native)


# -- Sequential ---------------------------------------------------------------------------


def test_sequential_from_an_ordered_dict_keeps_the_names(ug_backend):
    native, ours = both(
        lambda nn: nn.Sequential(
            OrderedDict([("conv", nn.Linear(4, 3)), ("act", nn.ReLU()), ("head", nn.Linear(3, 2))])
        )
    )
    assert_same_structure(native, ours)
    assert isinstance(ours.act, ug.nn.ReLU) and ours[-1] is ours.head


SEQUENCE_STEPS = [
    ("append", lambda nn, s: s.append(nn.Tanh())),
    ("insert", lambda nn, s: s.insert(1, nn.Identity())),
    ("insert at the end", lambda nn, s: s.insert(len(s), nn.Sigmoid())),
    ("insert negative", lambda nn, s: s.insert(-1, nn.Flatten())),
    ("extend", lambda nn, s: s.extend([nn.ReLU(), nn.Linear(2, 2)])),
    ("del", lambda nn, s: s.__delitem__(0)),
    ("del slice", lambda nn, s: s.__delitem__(slice(1, 3))),
    ("pop", lambda nn, s: s.pop(1)),
    ("setitem", lambda nn, s: s.__setitem__(-1, nn.GELU())),
]


def test_sequential_edits_as_torch(ug_backend):
    native, ours = both(lambda nn: nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2)))
    for what, step in SEQUENCE_STEPS:
        returned = (step(torch.nn, native), step(ug.nn, ours))
        assert layout(ours) == layout(native), what
        assert list(ours.state_dict()) == list(native.state_dict()), what
        assert type(returned[1]).__name__ == type(returned[0]).__name__, what
    assert repr(ours) == repr(native)


def test_sequential_indexing_slicing_and_arithmetic(ug_backend):
    def build(nn):
        return nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.Tanh())

    native, ours = both(build)
    assert len(ours) == len(native) == 4
    for index in (0, 2, -1, -4):
        assert type(ours[index]).__name__ == type(native[index]).__name__
    for index in (4, -5):
        with pytest.raises(IndexError):
            ours[index]
    for part in (slice(1, 3), slice(None, None, 2), slice(-2, None)):
        assert type(ours[part]) is ug.nn.Sequential
        assert_same_structure(native[part], ours[part])
    assert ours[1:3][0] is ours[1]  # the same modules, not copies
    assert_same_structure(native + native[:2], ours + ours[:2])
    assert_same_structure(native * 2, ours * 2)
    assert_same_structure(2 * native, 2 * ours)
    with pytest.raises(ValueError, match="only objects of Sequential class"):
        ours + ug.nn.ModuleList([ug.nn.ReLU()])
    before = ours
    ours += ours[:1]
    native += native[:1]
    assert ours is before
    assert_same_structure(native, ours)
    assert [type(m).__name__ for m in ours] == [type(m).__name__ for m in native]


def test_sequential_runs_its_modules_in_order(ug_backend):
    ug.random.seed(0)
    model = ug.nn.Sequential(ug.nn.Linear(3, 4), ug.nn.ReLU())
    model.insert(0, ug.nn.Flatten())
    model.append(ug.nn.Linear(4, 2))
    x = ug.random.normal((5, 1, 3))
    expected = model[3](model[2](model[1](model[0](x))))
    np.testing.assert_allclose(ug.to_numpy(model(x)), ug.to_numpy(expected), rtol=1e-6)


# -- ModuleList ---------------------------------------------------------------------------


def test_module_list_edits_as_torch(ug_backend):
    native, ours = both(lambda nn: nn.ModuleList([nn.Linear(2, 2), nn.ReLU()]))
    steps = [
        s for s in SEQUENCE_STEPS if s[0] != "insert negative"
    ]  # torch's ModuleList.insert takes no negative index
    for what, step in steps:
        step(torch.nn, native), step(ug.nn, ours)
        assert layout(ours) == layout(native), what
        assert list(ours.state_dict()) == list(native.state_dict()), what
    native += [torch.nn.Linear(2, 2)]
    ours += [ug.nn.Linear(2, 2)]
    assert_same_structure(native, ours)
    assert type(ours[1:]) is ug.nn.ModuleList
    assert_same_structure(native[1:], ours[1:])
    assert_same_structure(native + native[:1], ours + ours[:1])
    assert ours[-1] is list(ours)[-1]
    with pytest.raises(TypeError, match="is not a Module subclass"):
        ours.append(3)


def test_module_list_repr_folds_repeated_modules_as_torch():
    native, ours = both(
        lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU()])
    )
    assert repr(ours) == repr(native)
    assert "(0-2): 3 x Linear(in_features=2, out_features=2, bias=True)" in repr(ours)
    assert repr(ug.nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"


# -- ModuleDict ---------------------------------------------------------------------------


def test_module_dict_is_a_dict_of_modules_as_torch(ug_backend):
    def build(nn):
        return nn.ModuleDict({"b": nn.Linear(2, 3), "a": nn.ReLU()})

    native, ours = both(build)
    assert_same_structure(native, ours)
    assert list(ours) == list(native) == ["b", "a"]  # insertion order, not sorted
    for nn, d in ((torch.nn, native), (ug.nn, ours)):
        d.update([("c", nn.Tanh()), ("b", nn.Linear(2, 4))])
        d["d"] = nn.Identity()
    assert_same_structure(native, ours)
    assert list(ours.keys()) == ["b", "a", "c", "d"]
    assert [type(m).__name__ for m in ours.values()] == [type(m).__name__ for m in native.values()]
    assert [k for k, _ in ours.items()] == list(ours.keys())
    assert "c" in ours and "z" not in ours and len(ours) == 4
    assert isinstance(ours.pop("a"), ug.nn.ReLU) and "a" not in ours and not hasattr(ours, "a")
    native.pop("a")
    del ours["c"], native["c"]
    assert_same_structure(native, ours)
    ours.clear()
    assert len(ours) == 0 and list(ours.state_dict()) == [] and repr(ours) == "ModuleDict()"


def test_module_dict_refuses_what_torch_refuses():
    for nn in (torch.nn, ug.nn):
        d = nn.ModuleDict()
        with pytest.raises(KeyError, match="attribute 'keys' already exists"):
            d["keys"] = nn.ReLU()
        with pytest.raises(KeyError):
            d["a.b"] = nn.ReLU()
        with pytest.raises(TypeError):
            d["x"] = 3
        with pytest.raises(ValueError, match="has length 3; 2 is required"):
            d.update([("a", nn.ReLU(), 1)])
        with pytest.raises(KeyError):
            d.pop("missing")


# -- ParameterList and ParameterDict ------------------------------------------------------


def _native_repr(module):
    # unigrad names the dtype without the framework, in ParameterDict too (torch writes
    # "torch.FloatTensor" there and "torch.float32" in ParameterList)
    return repr(module).replace("torch.FloatTensor", "float32").replace("torch.", "")


def test_parameter_list_as_torch(ug_backend):
    values = [np.zeros((2, 3), np.float32), np.ones(4, np.float32)]
    native = torch.nn.ParameterList([torch.from_numpy(v) for v in values])
    ours = ug.nn.ParameterList([ug.asarray(v) for v in values])
    ours.append(ug.nn.Parameter(ug.ones(1)))
    native.append(torch.nn.Parameter(torch.ones(1)))
    ours += [ug.zeros(2)]
    native += [torch.zeros(2)]
    assert list(ours.state_dict()) == list(native.state_dict()) == ["0", "1", "2", "3"]
    assert all(isinstance(p, ug.nn.Parameter) for p in ours)
    assert [tuple(p.shape) for p in ours] == [tuple(p.shape) for p in native]
    assert len(ours.parameters()) == 4 and ours[-1] is ours[3]
    assert [tuple(p.shape) for p in ours[1:3]] == [(4,), (1,)]
    assert _repr_without_devices(ours) == _native_repr(native)
    ours[0] = ug.ones((2, 3))
    assert isinstance(ours[0], ug.nn.Parameter) and ug.to_numpy(ours[0]).sum() == 6
    with pytest.raises(IndexError):
        ours[4]
    model = ug.nn.Sequential(ug.nn.Linear(2, 2))
    model.scales = ours
    assert list(model.state_dict())[-4:] == ["scales.0", "scales.1", "scales.2", "scales.3"]


def _repr_without_devices(module):
    return repr(module).replace(" (gpu:0)", "")


def test_parameter_dict_as_torch(ug_backend):
    values = {"weight": np.ones((2, 2), np.float32), "bias": np.zeros(2, np.float32)}
    native = torch.nn.ParameterDict({k: torch.from_numpy(v) for k, v in values.items()})
    ours = ug.nn.ParameterDict({k: ug.asarray(v) for k, v in values.items()})
    assert list(ours.state_dict()) == list(native.state_dict()) == ["bias", "weight"]  # a dict is sorted
    ordered = OrderedDict([("z", ug.ones(1)), ("y", ug.ones(1))])
    ours.update(ordered)
    native.update(OrderedDict([("z", torch.ones(1)), ("y", torch.ones(1))]))
    assert list(ours.state_dict()) == list(native.state_dict()) == ["bias", "weight", "z", "y"]
    assert _repr_without_devices(ours) == _native_repr(native)
    assert isinstance(ours["z"], ug.nn.Parameter) and "z" in ours and len(ours) == 4
    assert ours.get("missing") is None and list(ours.keys()) == list(native.keys())
    assert ours.pop("z") is not None and "z" not in ours
    assert ours.popitem()[0] == native.popitem()[0] == "y"
    assert list((ours | ug.nn.ParameterDict({"extra": ug.ones(1)})).keys()) == ["bias", "weight", "extra"]
    with pytest.raises(KeyError, match="attribute 'keys' already exists"):
        ours["keys"] = ug.ones(1)
    with pytest.raises(TypeError, match="not a string"):
        ours[1] = ug.ones(1)
    ours.clear()
    assert len(ours) == 0 and list(ours.state_dict()) == []


def test_parameters_in_containers_get_gradients(ug_backend):
    scales = ug.nn.ParameterList([ug.ones(2), ug.full((2,), 2.0)])
    offsets = ug.nn.ParameterDict({"a": ug.ones(2)})
    with ug.GradientTape() as tape:
        loss = ug.sum(scales[0] * scales[1] + offsets["a"])
    grads = tape.gradient(loss, [*scales.parameters(), *offsets.parameters()])
    assert [ug.to_numpy(g).tolist() for g in grads] == [[2.0, 2.0], [1.0, 1.0], [1.0, 1.0]]


# -- Flatten and Unflatten ----------------------------------------------------------------


def test_flatten_and_unflatten_signatures_are_torchs():
    for name in ("Flatten", "Unflatten"):
        ours = inspect.signature(getattr(ug.nn, name))
        native = inspect.signature(getattr(torch.nn, name))
        assert list(ours.parameters) == list(native.parameters), name
        assert [p.default for p in ours.parameters.values()] == [
            p.default for p in native.parameters.values()
        ]


@pytest.mark.parametrize(
    ("dim", "size", "shape"),
    [(1, (2, 5), (3, 10, 4)), (-1, (2, -1), (3, 10)), (0, [3, 1], (3, 2)), (1, torch.Size([5, 2]), (2, 10))],
)
def test_unflatten_as_torch(ug_backend, dim, size, shape):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    native = torch.nn.Unflatten(dim, size)
    ours = ug.nn.Unflatten(dim, size)
    np.testing.assert_array_equal(ug.to_numpy(ours(ug.asarray(x))), native(torch.from_numpy(x)).numpy())
    assert repr(ours) == repr(native)
    flat = ug.nn.Flatten()
    assert repr(flat) == repr(torch.nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"


def test_unflatten_refuses_what_torch_refuses():
    for nn in (torch.nn, ug.nn):
        with pytest.raises(
            TypeError, match="must be tuple of ints, but found element of type float at pos 1"
        ):
            nn.Unflatten(1, (2, 2.0))
        with pytest.raises(TypeError, match="unflattened_size must be a tuple of ints, but found type int"):
            nn.Unflatten(1, 4)


# -- a nested model ---------------------------------------------------------------------


def test_a_nested_model_has_torchs_names_keys_and_repr(ug_backend):
    def build(nn):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.stem = nn.Sequential(OrderedDict([("flat", nn.Flatten()), ("fc", nn.Linear(6, 4))]))
                self.blocks = nn.ModuleList([nn.Sequential(nn.Linear(4, 4), nn.ReLU()) for _ in range(2)])
                self.heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Unflatten(1, (2, 2))})
                self.register_buffer("steps", None)

            def extra_repr(self):
                return "depth=2"

        return Net()

    native, ours = both(build)
    assert_same_structure(native, ours)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in native.named_parameters()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in native.named_children()]


def test_container_is_torchs_deprecated_holder_of_named_children():
    import torch

    with pytest.warns(FutureWarning, match="nn.Container` is deprecated") as ours:
        mine = ug.nn.Container(fc=ug.nn.Linear(2, 3), act=ug.nn.ReLU())
    with pytest.warns(FutureWarning) as theirs:
        twin = torch.nn.Container(fc=torch.nn.Linear(2, 3), act=torch.nn.ReLU())
    assert str(ours[0].message) == str(theirs[0].message)
    assert list(mine.state_dict()) == list(twin.state_dict()) == ["fc.weight", "fc.bias"]
    assert [name for name, _ in mine.named_children()] == ["fc", "act"]
