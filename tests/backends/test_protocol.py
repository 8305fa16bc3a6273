"""The protocols of unigrad.backends.protocol say what the core calls, and cannot drift from it.

Every name the base class installs (base.py's NAMESPACE, LINALG, FFT, CORE, AUTOGRAD)
is a member of exactly one protocol; every namespace member has the signature
of the public function that calls it; every nn member has its reference
definition's. (That the built-in backends match the protocols is checked by
the conformance kit, in test_conformance.py.)
"""

from __future__ import annotations

import inspect
from collections import Counter

import pytest

import unigrad
from unigrad.backends import base, protocol
from unigrad.nn import reference

ALL = (*protocol.REQUIRED, *protocol.OPTIONAL)


def _owners() -> Counter[str]:
    return Counter(name for proto in ALL for name in protocol.members(proto))


def _shape(function: object, *, drop_self: bool) -> list[tuple[str, object, object]]:
    parameters = list(inspect.signature(function).parameters.values())  # type: ignore[arg-type]
    if drop_self:
        parameters = parameters[1:]
    return [(p.name, p.kind, p.default) for p in parameters]


def _extensions() -> list[str]:
    return [*(f"linalg_{n}" for n in base.LINALG), *(f"fft_{n}" for n in base.FFT)]


def _base_names() -> list[str]:
    return [*base.NAMESPACE, *_extensions(), *base.CORE, *base.AUTOGRAD]


@pytest.mark.parametrize("name", _base_names())
def test_every_name_of_the_base_class_is_in_exactly_one_protocol(name: str) -> None:
    assert _owners()[name] == 1, f"{name!r} is in {_owners()[name]} protocols"


def test_no_protocol_member_is_declared_twice() -> None:
    assert [name for name, count in _owners().items() if count > 1] == []


def test_the_namespace_protocols_hold_exactly_the_public_ops() -> None:
    namespace = {n for p in (protocol.Namespace, *protocol.Namespace.__mro__) for n in protocol.members(p)}
    # sum_all and split_sizes: kernels of public ops (sum over every axis, split), not public themselves
    expected = {*base.NAMESPACE, *_extensions(), "sum_all", "split_sizes"}
    assert namespace == expected


def _public(name: str) -> object:
    if name.startswith("linalg_"):
        return getattr(unigrad.linalg, name.removeprefix("linalg_"))
    if name.startswith("fft_"):
        return getattr(unigrad.fft, name.removeprefix("fft_"))
    return getattr(unigrad, name)


@pytest.mark.parametrize("name", [*base.NAMESPACE, *_extensions()])
def test_a_namespace_member_has_the_signature_of_its_public_function(name: str) -> None:
    proto = next(p for p in ALL if name in protocol.members(p))
    assert _shape(protocol.members(proto)[name], drop_self=True) == _shape(_public(name), drop_self=False)


def test_the_nn_protocol_holds_a_member_per_reference_kernel() -> None:
    kernels = {name for name in protocol.members(protocol.NN) if name.startswith("nn_")}
    assert kernels == {f"nn_{name}" for name in reference.__all__}


@pytest.mark.parametrize("name", reference.__all__)
def test_an_nn_member_has_the_signature_of_its_reference_definition(name: str) -> None:
    member = protocol.members(protocol.NN)[f"nn_{name}"]
    assert _shape(member, drop_self=True) == _shape(getattr(reference, name), drop_self=False)


@pytest.mark.parametrize("proto", ALL, ids=lambda p: p.__name__)
def test_every_protocol_and_member_says_what_it_must_do(proto: type) -> None:
    assert proto.__doc__
    assert [name for name, member in protocol.members(proto).items() if not member.__doc__] == []


def test_each_protocol_names_the_backend_file_that_holds_it() -> None:
    assert set(protocol.MODULE_OF) == set(ALL)
    assert set(protocol.MODULE_OF.values()) <= {*base.MODULES, "distribute"}


def _capability_members() -> list[tuple[type, str]]:
    return [
        (proto, name)
        for proto in ALL
        for name in protocol.members(proto)
        if inspect.getattr_static(base.Backend, name, None) is not None
    ]


@pytest.mark.parametrize(("proto", "name"), _capability_members(), ids=lambda v: getattr(v, "__name__", v))
def test_a_capability_has_the_signature_of_its_default_in_the_base_class(proto: type, name: str) -> None:
    default = inspect.getattr_static(base.Backend, name)
    function = getattr(default, "__func__", default)  # a classmethod's function takes cls first
    assert _shape(protocol.members(proto)[name], drop_self=True) == _shape(function, drop_self=True)


def test_every_capability_of_the_base_class_is_in_a_protocol() -> None:
    helpers = {"capability", "capability_module", "is_available", "missing"}  # the base class's own
    public = {
        name
        for name, value in vars(base.Backend).items()
        if not name.startswith("_") and callable(getattr(value, "__func__", value)) and name not in helpers
    }
    assert public - set(_owners()) == set()


@pytest.mark.parametrize("backend", ["torch", "tensorflow"])
def test_a_kernel_a_built_in_backend_defines_is_one_it_exports(backend: str) -> None:
    # a protocol member defined in a backend's files but left out of their __all__ is silently
    # replaced by the base class's fallback (the reference definition, for nn kernels)
    import importlib
    import pkgutil

    package = importlib.import_module(f"unigrad.backends.{backend}")
    members = {name for proto in ALL for name in protocol.members(proto)}
    unexported = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        exported = set(getattr(module, "__all__", ()))
        for name, value in vars(module).items():
            defined_here = inspect.isfunction(value) and value.__module__ == module.__name__
            if name in members and defined_here and name not in exported:
                unexported.append(f"{info.name}.{name}")
    assert unexported == []
