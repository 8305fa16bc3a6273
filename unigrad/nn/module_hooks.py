"""Forward hooks of :class:`unigrad.nn.Module`, as ``torch.nn.Module``'s.

``register_forward_pre_hook`` and ``register_forward_hook`` call these functions.
A module with no hook never reaches this file: ``Module.__call__`` tests one
attribute (``_hooked``) and calls ``forward`` directly while it is false.
"""

from __future__ import annotations

import itertools
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from .module import Module

__all__ = ["RemovableHandle", "add_forward_pre_hook", "add_forward_hook", "hooked_forward"]

_next_id = itertools.count()


class RemovableHandle:
    """What registering a hook returns: ``handle.remove()`` unregisters it (also as a context manager).

    Examples:
        >>> import unigrad as ug
        >>> layer = ug.nn.Identity()
        >>> handle = layer.register_forward_hook(lambda module, args, output: output * 2)
        >>> ug.to_numpy(layer(ug.ones(2))).tolist()
        [2.0, 2.0]
        >>> handle.remove()
        >>> ug.to_numpy(layer(ug.ones(2))).tolist()
        [1.0, 1.0]
    """

    def __init__(self, module: Module, registry: str) -> None:
        self.id = next(_next_id)
        self._module = module
        self._registry = registry

    def remove(self) -> None:
        hooks = self._module.__dict__.get("_hooks", {})
        registry = hooks.get(self._registry, {})
        registry.pop(self.id, None)
        for flags in hooks.get("_flags", {}).values():
            flags.discard(self.id)
        object.__setattr__(self._module, "_hooked", any(hooks.get(name) for name in ("pre", "post")))

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def _hooks(module: Module) -> dict[str, Any]:
    hooks = module.__dict__.get("_hooks")
    if hooks is None:
        hooks = {"pre": OrderedDict(), "post": OrderedDict(), "_flags": {"kwargs": set(), "always": set()}}
        object.__setattr__(module, "_hooks", hooks)
    return hooks


def _add(
    module: Module, registry: str, hook: Callable[..., Any], prepend: bool, flags: tuple[str, ...]
) -> Any:
    hooks = _hooks(module)
    handle = RemovableHandle(module, registry)
    hooks[registry][handle.id] = hook
    if prepend:
        hooks[registry].move_to_end(handle.id, last=False)
    for flag in flags:
        hooks["_flags"][flag].add(handle.id)
    object.__setattr__(module, "_hooked", True)
    return handle


def add_forward_pre_hook(
    module: Module, hook: Callable[..., Any], prepend: bool, with_kwargs: bool
) -> RemovableHandle:
    """What :meth:`Module.register_forward_pre_hook` does."""
    return _add(module, "pre", hook, prepend, ("kwargs",) if with_kwargs else ())


def add_forward_hook(
    module: Module, hook: Callable[..., Any], prepend: bool, with_kwargs: bool, always_call: bool
) -> RemovableHandle:
    """What :meth:`Module.register_forward_hook` does."""
    flags = (("kwargs",) if with_kwargs else ()) + (("always",) if always_call else ())
    return _add(module, "post", hook, prepend, flags)


def hooked_forward(module: Module) -> Callable[..., Any]:
    """``module.forward`` with its pre-hooks before it and its hooks after it, as torch runs them."""
    hooks = _hooks(module)
    with_kwargs, always = hooks["_flags"]["kwargs"], hooks["_flags"]["always"]

    def forward(*args: Any, **kwargs: Any) -> Any:
        for hook_id, hook in list(hooks["pre"].items()):
            if hook_id in with_kwargs:
                replaced = hook(module, args, kwargs)
                if replaced is not None:
                    if not (isinstance(replaced, tuple) and len(replaced) == 2):
                        raise UsageError(
                            "forward pre-hook must return None or a tuple of (new_args, new_kwargs), "
                            f"but got {replaced}."
                        )
                    args, kwargs = replaced
            else:
                replaced = hook(module, args)
                if replaced is not None:
                    args = replaced if isinstance(replaced, tuple) else (replaced,)
        called: set[int] = set()
        result = None
        try:
            result = module.forward(*args, **kwargs)
            for hook_id, hook in list(hooks["post"].items()):
                called.add(hook_id)
                replaced = _run_post(module, hook, hook_id in with_kwargs, args, kwargs, result)
                if replaced is not None:
                    result = replaced
        except Exception:
            # hooks registered with always_call=True run even when forward (or a hook) raised
            for hook_id, hook in list(hooks["post"].items()):
                if hook_id in always and hook_id not in called:
                    try:
                        replaced = _run_post(module, hook, hook_id in with_kwargs, args, kwargs, result)
                        if replaced is not None:
                            result = replaced
                    except Exception as error:
                        warnings.warn(
                            "forward hook with ``always_call=True`` raised an exception that was "
                            f"silenced as another error was raised in forward: {error}",
                            stacklevel=1,
                        )
            raise
        return result

    return forward


def _run_post(
    module: Module, hook: Callable[..., Any], with_kwargs: bool, args: Any, kwargs: Any, result: Any
) -> Any:
    return hook(module, args, kwargs, result) if with_kwargs else hook(module, args, result)
