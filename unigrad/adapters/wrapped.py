"""What the wrappers of PyTorch modules and Keras models share.

A wrapper is a ``ug.nn.Module`` whose registries are *live views* of the
wrapped model's own parameters and buffers, under the model's own names:
nothing is copied, so an update through either side is seen by the other,
and a layer the model builds later appears too. Calling the wrapper with
tensors of the model's framework runs the model directly; with tensors of the
other framework, the call goes through :mod:`.bridge`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from .. import config, tree
from ..backends import builtin_for_framework
from ..errors import InvalidKeyError, MissingAttributeError, NotSupportedError, UnigradError
from ..nn.module import Module
from ..ops._dispatch import framework_of

__all__ = ["WrappedModule", "LiveRegistry", "LiveNames"]

Named = Callable[[], Iterable[tuple[str, Any]]]


class LiveRegistry(Mapping[str, Any]):
    """A name -> tensor registry read from the wrapped model at each use."""

    def __init__(self, named: Named) -> None:
        self._named = named

    def __getitem__(self, key: str) -> Any:
        for name, value in self._named():
            if name == key:
                return value
        raise InvalidKeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._named())

    def __len__(self) -> int:
        return sum(1 for _ in self._named())

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        # one pass over the model (Mapping's ItemsView would look each name up again)
        return list(self._named())

    def pop(self, key: str, default: Any = None) -> Any:
        # (Module.__setattr__ drops a name from the registries before registering it anew;
        # the wrapped model owns these names, so there is nothing to drop)
        return default


class LiveNames:
    """A set of names read from the wrapped model at each use (non-persistent buffers)."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self._names = names

    def __contains__(self, name: object) -> bool:
        return name in set(self._names())

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names()))

    def add(self, name: str) -> None:
        raise UnigradError("the wrapped model decides which of its buffers are persistent")


class WrappedModule(Module):
    """Base class of :class:`~.torch_module.TorchModule` and :class:`~.keras_model.KerasModule`.

    Subclasses name the native parameters and buffers (``_named_parameters``,
    ``_named_buffers``), run the model (``_run``), write a registry entry
    (``_set_state``) and hand back accumulated gradients (``take_gradients``).
    """

    framework: str  # the ug backend whose tensors the wrapped model takes

    def __init__(self, native: Any, framework: str) -> None:
        super().__init__()
        object.__setattr__(self, "_native", native)
        object.__setattr__(self, "framework", framework)
        object.__setattr__(self, "_backend", framework)
        object.__setattr__(self, "_parameters", LiveRegistry(self._named_parameters))
        object.__setattr__(self, "_buffers", LiveRegistry(self._named_buffers))
        object.__setattr__(self, "_non_persistent", LiveNames(self._non_persistent_names))

    # -- what a subclass provides ---------------------------------------------------------

    def _named_parameters(self) -> Iterable[tuple[str, Any]]:
        raise NotSupportedError

    def _named_buffers(self) -> Iterable[tuple[str, Any]]:
        raise NotSupportedError

    def _non_persistent_names(self) -> Iterable[str]:
        return ()

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError

    def _set_state(self, name: str, value: Any) -> None:
        raise NotSupportedError

    def take_gradients(self) -> list[Any]:
        """The gradients accumulated on :meth:`parameters` by backward passes, in order; then zero.

        Each backward pass that crosses into the wrapped model from the other
        framework adds its parameters' gradients here (as ``loss.backward()``
        adds to ``.grad`` in PyTorch), because the other framework's tape cannot
        hold them. ``None`` for a parameter that got none. Hand them to an
        optimizer of the model's own framework: ``opt.step(part.take_gradients())``.
        """
        raise NotSupportedError

    # -- the Module interface -------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        registries = self.__dict__.get("_parameters")
        if registries is not None and (name in registries or name in self._buffers):
            self._set_state(name, value)
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # only reached for names that are not plain attributes: the model's dotted
        # weight names, which generic Module code reads with getattr
        registries = self.__dict__.get("_parameters")
        if registries is not None and not name.startswith("_"):
            for registry in (registries, self.__dict__["_buffers"]):
                for key, value in registry.items():
                    if key == name:
                        return self._attribute(value)
        raise MissingAttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def _attribute(self, value: Any) -> Any:
        return value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        caller = _caller(args, kwargs)
        if caller == self.framework:
            with config.use_backend(self.framework):
                return self._run(
                    *_as_framework(args, self.framework), **_as_framework(kwargs, self.framework)
                )
        from .bridge import call_across

        return call_across(self, caller, args, kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        return self._run(*args, **kwargs)

    def to_backend(self, name: str) -> Module:
        if config.backend_instance(name).name == self.framework:
            return self
        raise UnigradError(
            f"a wrapped {self.framework} model runs {self.framework} code, so its weights cannot move "
            f"to {name!r}; call it as it is under the {name!r} backend (inputs, outputs and gradients "
            "cross over: see docs/adapters.md), or rebuild it with ug.nn layers"
        )

    def to_native(self) -> Any:
        """The wrapped model itself."""
        return self._native

    def extra_repr(self) -> str:
        return repr(self._native).replace("\n", "\n  ")


def _caller(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The framework of the first tensor among the arguments, else that of the active backend."""
    for leaf in tree.flatten((args, kwargs))[0]:
        backend = builtin_for_framework(framework_of(leaf))
        if backend is not None:
            return backend
    return config.get_backend()


def _as_framework(structure: Any, framework: str) -> Any:
    """NumPy arrays in ``structure`` as tensors of ``framework`` (native models refuse them)."""
    leaves, spec = tree.flatten(structure)
    if not any(framework_of(leaf) == "numpy" for leaf in leaves):
        return structure
    from ..ops.conversion import convert

    return tree.unflatten(spec, [convert(x, framework) if framework_of(x) == "numpy" else x for x in leaves])
