"""A module's state: what ``Module.state_dict``, ``load_state_dict``, ``to`` and ``to_backend`` do.

:class:`unigrad.nn.Module`'s methods of those names call these functions;
``module.py`` keeps what every forward pass uses (registration, calling,
traversal).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import config
from ..errors import StateDictError
from ..ops.conversion import backend_of, convert, device_of
from ..ops.conversion import to_device as tensor_to_device
from ..ops.creation import asarray

if TYPE_CHECKING:
    from .module import Module

__all__ = ["IncompatibleKeys", "state_dict", "load_state_dict", "replace_state", "to_device", "to_backend"]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def state_dict(module: Module, prefix: str = "") -> OrderedDict[str, Any]:
    """What :meth:`Module.state_dict` returns."""
    state: OrderedDict[str, Any] = OrderedDict()
    for module_prefix, submodule in module.named_modules(prefix, remove_duplicate=False):
        dot = f"{module_prefix}." if module_prefix else ""
        for name, value in submodule._parameters.items():
            if value is not None:
                state[dot + name] = backend_of(value).stop_gradient(value)
        for name, value in submodule._buffers.items():
            if value is not None and name not in submodule._non_persistent:
                state[dot + name] = backend_of(value).stop_gradient(value)
    return state


def _slots(module: Module) -> dict[str, tuple[Module, str, str]]:
    """Every state_dict key: (owning module, attribute, "parameter" | "buffer")."""
    slots: dict[str, tuple[Module, str, str]] = {}
    for module_prefix, submodule in module.named_modules(remove_duplicate=False):
        dot = f"{module_prefix}." if module_prefix else ""
        for name, value in submodule._parameters.items():
            if value is not None:
                slots[dot + name] = (submodule, name, "parameter")
        for name, value in submodule._buffers.items():
            if value is not None and name not in submodule._non_persistent:
                slots[dot + name] = (submodule, name, "buffer")
    return slots


def load_state_dict(module: Module, state_dict: Any, strict: bool = True) -> IncompatibleKeys:
    """What :meth:`Module.load_state_dict` does: check every key and shape, then copy."""
    slots = _slots(module)
    missing = [key for key in slots if key not in state_dict]
    unexpected = [key for key in state_dict if key not in slots]
    misshaped = []
    for key, (owner, name, _) in slots.items():
        if key in state_dict:
            want, got = tuple(getattr(owner, name).shape), tuple(getattr(state_dict[key], "shape", ()))
            if want != got:
                misshaped.append(f"{key}: expected shape {want}, got {got}")
    problems = []
    if strict and missing:
        problems.append(f"missing keys: {', '.join(missing)}")
    if strict and unexpected:
        problems.append(f"unexpected keys: {', '.join(unexpected)}")
    if misshaped:
        problems.append(f"shape mismatches: {'; '.join(misshaped)}")
    if problems:
        raise StateDictError(
            f"cannot load the state dict into {type(module).__name__}: " + " | ".join(problems)
        )
    # a parameter is loaded in place, so its ties hold by themselves; a buffer may be
    # replaced (a new tensor on PyTorch), so every slot that shared it gets the new one
    sharing: dict[int, list[tuple[Module, str]]] = {}
    for owner, name, kind in slots.values():
        if kind == "buffer":
            sharing.setdefault(id(getattr(owner, name)), []).append((owner, name))
    aliases = {
        (id(owner), name): group for group in sharing.values() if len(group) > 1 for owner, name in group
    }
    for key, (owner, name, kind) in slots.items():
        if key not in state_dict:
            continue
        current = getattr(owner, name)
        backend = backend_of(current)
        value = _as_tensor_like(state_dict[key], current, backend.name)
        if kind == "parameter":
            current.assign(value)
            continue
        setattr(owner, name, value)
        loaded = getattr(owner, name)
        for other, other_name in aliases.get((id(owner), name), ()):
            if getattr(other, other_name) is not loaded:
                setattr(other, other_name, loaded)
    return IncompatibleKeys(missing, unexpected)


def replace_state(module: Module, parameter: Callable[[Any], Any], buffer: Callable[[Any], Any]) -> None:
    """Put ``parameter(p)`` for every parameter and ``buffer(b)`` for every buffer in place.

    Each object is converted once, and every slot that held it gets the one
    result: TensorFlow variables cannot move, so converting per slot would
    turn tied weights into independent copies.
    """
    done: dict[int, Any] = {}
    originals = []  # alive until the end, so that no new object takes an id in ``done``
    for submodule in module.modules():
        for registry, convert_one in (("_parameters", parameter), ("_buffers", buffer)):
            for name, value in list(getattr(submodule, registry).items()):
                if value is None:
                    continue
                if id(value) in done:
                    setattr(submodule, name, done[id(value)])
                    continue
                originals.append(value)
                setattr(submodule, name, convert_one(value))
                done[id(value)] = getattr(submodule, registry)[name]


def to_device(module: Module, device: Any) -> None:
    """What :meth:`Module.to` does: every parameter and buffer onto ``device``, ties kept."""
    module._replace_state(
        lambda p: backend_of(p).rebind_parameter(p, tensor_to_device(p, device)),
        lambda b: tensor_to_device(b, device),
    )


def to_backend(module: Module, name: str) -> None:
    """What :meth:`Module.to_backend` does: parameters and buffers become tensors of ``name``."""
    target = config.backend_instance(name)
    with config.use_backend(target.name):
        module._replace_state(
            lambda p: target.parameter(convert(p, target.name), backend_of(p).is_trainable(p)),
            lambda b: convert(b, target.name),
        )
        for submodule in module.modules():
            object.__setattr__(submodule, "_backend", target.name)


def _as_tensor_like(value: Any, like: Any, backend: str) -> Any:
    """``value`` as a tensor of ``like``'s backend, dtype and device."""
    if _backend_name_or_none(value) != backend:
        value = convert(value, backend) if _backend_name_or_none(value) else value
    with config.use_backend(backend):
        return asarray(value, dtype=like.dtype, device=device_of(like))


def _backend_name_or_none(x: Any) -> str | None:
    try:
        return str(backend_of(x).name)
    except Exception:  # a NumPy array or a Python value
        return None
