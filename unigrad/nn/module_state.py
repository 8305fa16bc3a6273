"""A module's state: what ``Module.state_dict``, ``load_state_dict``, ``to`` and ``to_backend`` do.

:class:`unigrad.nn.Module`'s methods of those names call these functions;
``module.py`` keeps what every forward pass uses (registration, calling,
traversal).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import config
from ..dtypes import as_dtype, isdtype
from ..errors import ArgumentTypeError, DTypeError, InvalidKeyError, MissingAttributeError, StateDictError
from ..ops.conversion import backend_of, convert, device_of
from ..ops.conversion import to_device as tensor_to_device
from ..ops.creation import asarray, astype, zeros_like

if TYPE_CHECKING:
    from .module import Module

__all__ = [
    "IncompatibleKeys",
    "state_dict",
    "load_state_dict",
    "replace_state",
    "to_device",
    "to_backend",
    "every_path",
    "check_name",
    "get_submodule",
    "get_parameter",
    "get_buffer",
    "requires_grad",
    "zero_grad",
    "module_repr",
    "add_indent",
    "buffer_value",
]


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


def state_dict(module: Module, prefix: str = "") -> OrderedDict[str, Any]:
    """What :meth:`Module.state_dict` returns."""
    state: OrderedDict[str, Any] = OrderedDict()
    for module_prefix, submodule in module.named_modules(prefix=prefix, remove_duplicate=False):
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


def device_and_dtype(args: tuple[Any, ...], device: Any, dtype: Any) -> tuple[Any, Any]:
    """``Module.to``'s positional arguments sorted into a device and a dtype, as torch reads them."""
    for arg in args:
        try:
            found = as_dtype(arg)
        except Exception:  # not a dtype: a device ("cpu:0", a framework's device object)
            found = None
        if found is not None and dtype is None:
            dtype = found
        elif found is None and device is None:
            device = arg
        else:
            raise ArgumentTypeError(f"Module.to takes one device and one dtype, got {args!r}")
    if dtype is not None and not isdtype(as_dtype(dtype), "real floating"):
        raise DTypeError(f"Module.to casts to floating-point dtypes only, got {as_dtype(dtype)}")
    return device, dtype


def to_dtype(module: Module, dtype: Any) -> None:
    """What :meth:`Module.to` does with a dtype: floating-point parameters and buffers cast, ties kept."""
    target = as_dtype(dtype)

    def floating(x: Any) -> bool:
        return bool(isdtype(as_dtype(x.dtype), "real floating"))

    module._replace_state(
        lambda p: backend_of(p).rebind_parameter(p, astype(p, target)) if floating(p) else p,
        lambda b: astype(b, target) if floating(b) else b,
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


def every_path(module: Module, prefix: str, ancestors: set[int]) -> Iterator[tuple[str, Module]]:
    """Every path to every submodule (``named_modules(remove_duplicate=False)``).

    A module that contains itself is not entered again.
    """
    if id(module) in ancestors:
        return
    ancestors.add(id(module))
    yield prefix, module
    for name, child in module.named_children():
        yield from every_path(child, f"{prefix}.{name}" if prefix else name, ancestors)
    ancestors.discard(id(module))


# -- names and lookups (register_*, get_*) ------------------------------------------------


def check_name(module: Module, kind: str, name: Any, registry: dict[str, Any]) -> None:
    """Raise as torch does for a bad ``register_<kind>`` / ``add_module`` name."""
    if not isinstance(name, str):
        raise ArgumentTypeError(f"{kind} name should be a string, got {type(name).__name__}")
    if "." in name:
        raise InvalidKeyError(f'{kind} name can\'t contain ".", got: {name}')
    if not name:
        raise InvalidKeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(module, name) and name not in registry:
        raise InvalidKeyError(f"attribute '{name}' already exists")


def get_submodule(module: Module, target: str) -> Module:
    """What :meth:`Module.get_submodule` returns: the module at dotted path ``target``."""
    from .module import Module

    if target == "":
        return module
    current = module
    for item in target.split("."):
        if not hasattr(current, item):
            raise MissingAttributeError(f"{type(current).__name__} has no attribute `{item}`")
        current = getattr(current, item)
        if not isinstance(current, Module):
            raise MissingAttributeError(f"`{item}` is not an nn.Module")
    return current


def get_parameter(module: Module, target: str) -> Any:
    """What :meth:`Module.get_parameter` returns: the parameter at dotted path ``target``."""
    return _get_registered(module, target, "_parameters", "an nn.Parameter")


def get_buffer(module: Module, target: str) -> Any:
    """What :meth:`Module.get_buffer` returns: the buffer at dotted path ``target``."""
    return _get_registered(module, target, "_buffers", "a buffer")


def _get_registered(module: Module, target: str, registry: str, what: str) -> Any:
    """The value in ``registry`` at dotted path ``target``, or torch's AttributeError."""
    path, _, name = target.rpartition(".")
    owner = get_submodule(module, path)
    if not hasattr(owner, name):
        raise MissingAttributeError(f"{type(owner).__name__} has no attribute `{name}`")
    values = getattr(owner, registry)
    if name not in values:
        raise MissingAttributeError(f"`{name}` is not {what}")
    return values[name]


# -- freezing and gradients ----------------------------------------------------------------


def requires_grad(module: Module, flag: bool) -> None:
    """What :meth:`Module.requires_grad_` does: every parameter trainable or frozen.

    A PyTorch parameter changes in place (``requires_grad_``). A TensorFlow
    variable cannot change its ``trainable`` flag, so it is replaced by a new
    variable of the same value (tied ones stay tied): freeze before making the
    optimizer, as torch code usually does.
    """

    def switch(p: Any) -> Any:
        backend = backend_of(p)
        if bool(backend.is_trainable(p)) == flag:
            return p
        if hasattr(p, "requires_grad_"):  # a torch.nn.Parameter: in place, as torch does
            p.requires_grad_(flag)
            return p
        return backend.parameter(p, flag)

    module._replace_state(switch, lambda b: b)


def zero_grad(module: Module, set_to_none: bool = True) -> None:
    """What :meth:`Module.zero_grad` does: clear the ``.grad`` a ``loss.backward()`` left.

    Only PyTorch parameters carry a ``.grad`` (unigrad's tapes return gradients
    instead of storing them); on TensorFlow there is nothing to clear.
    """
    for p in module.parameters():
        grad = getattr(p, "grad", None)
        if grad is None:
            continue
        if set_to_none:
            p.grad = None
        else:
            with config.use_backend(backend_of(grad).name):
                p.grad = zeros_like(grad)


# -- display -------------------------------------------------------------------------------


def add_indent(text: str, spaces: int) -> str:
    """Every line of ``text`` but the first indented by ``spaces``, as torch's ``_addindent``."""
    first, *rest = text.split("\n")
    if not rest:
        return text
    return first + "\n" + "\n".join(" " * spaces + line for line in rest)


def module_repr(module: Module) -> str:
    """What ``repr(module)`` is: torch's layout, ``extra_repr`` then ``(name): child`` lines."""
    extra = module.extra_repr()
    extra_lines = extra.split("\n") if extra else []
    child_lines = [f"({name}): " + add_indent(repr(child), 2) for name, child in module._modules.items()]
    lines = extra_lines + child_lines
    text = type(module).__name__ + "("
    if lines:
        if len(extra_lines) == 1 and not child_lines:
            text += extra_lines[0]
        else:
            text += "\n  " + "\n  ".join(lines) + "\n"
    return text + ")"


def buffer_value(current: Any, value: Any) -> Any:
    """What a buffer attribute holds after ``module.<buffer> = value``.

    On TensorFlow a buffer lives in a non-trainable variable, updated in place
    (assigned), so that a step compiled by ``ug.function`` updates the running
    statistics instead of leaving new tensors inside the graph. On PyTorch the
    tensor itself, as ``torch.nn.Module`` keeps it.
    """
    if value is None:
        return None
    if (
        current is not None
        and hasattr(current, "assign")
        and not hasattr(value, "assign")
        and tuple(current.shape) == tuple(value.shape)
        and current.dtype == value.dtype
        and backend_of(current) is backend_of(value)
    ):
        current.assign(value)
        return current
    return backend_of(value).make_buffer(value)
