"""``ug.nn.from_torch``: an existing ``torch.nn.Module`` as a ``ug.nn.Module``, weights shared."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from ..errors import ArgumentTypeError, StateDictError
from ..nn.module import IncompatibleKeys, Module
from ..ops.conversion import convert
from .wrapped import WrappedModule

__all__ = ["TorchModule", "from_torch", "native_module"]


class TorchModule(WrappedModule):
    """A ``torch.nn.Module`` seen as a ``ug.nn.Module``; made by :func:`from_torch`.

    ``parameters()`` are the module's own ``torch.nn.Parameter`` objects and
    ``state_dict()`` has its names; ``train()``/``eval()`` set the module's
    mode (and ``training`` reads it). ``module`` is the wrapped module.

    Reading a parameter as an attribute by its dotted name (``getattr(wrapper,
    "0.weight")``, which unigrad's generic ``load_state_dict`` does) gives a
    unigrad ``Parameter`` over the same memory, with ``assign``; the torch
    objects themselves are ``parameters()`` and ``module``'s attributes.
    """

    def __init__(self, module: Any) -> None:
        super().__init__(module, "torch")

    @property
    def module(self) -> Any:
        """The wrapped ``torch.nn.Module``."""
        return self._native

    # the mode is the torch module's own, so that neither side can go stale
    @property
    def training(self) -> bool:
        return bool(self._native.training)

    @training.setter
    def training(self, mode: bool) -> None:
        native = self.__dict__.get("_native")  # (Module.__init__ sets a mode before there is one)
        if native is not None and native.training != bool(mode):
            native.train(bool(mode))

    def _named_parameters(self) -> Iterable[tuple[str, Any]]:
        return self._native.named_parameters()

    def _named_buffers(self) -> Iterable[tuple[str, Any]]:
        return self._native.named_buffers()

    def _non_persistent_names(self) -> Iterable[str]:
        for prefix, owner in self._native.named_modules():
            for name in owner._non_persistent_buffers_set:
                yield f"{prefix}.{name}" if prefix else name

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        return self._native(*args, **kwargs)

    def _attribute(self, value: Any) -> Any:
        # Generic Module code (a parent's load_state_dict) reads a parameter with getattr
        # and writes it with assign(), which torch's Parameter lacks: give it unigrad's
        # Parameter over the same storage, so that the write lands in the module's own.
        import torch

        if isinstance(value, torch.nn.Parameter) and not hasattr(value, "assign"):
            from unigrad.backends.torch.autograd import Parameter

            return Parameter(value.detach(), requires_grad=value.requires_grad)
        return value

    def _set_state(self, name: str, value: Any) -> None:
        import torch

        owner_name, _, leaf = name.rpartition(".")
        owner = self._native.get_submodule(owner_name)
        value = _torch_tensor(value)
        if leaf in owner._parameters:
            current = owner._parameters[leaf]
            if value is not current:  # (Module.to rebinds in place and sets the same object)
                with torch.no_grad():
                    current.copy_(value)
            return
        current = owner._buffers[leaf]
        if current is not None and (current.shape, current.dtype, current.device) == (
            value.shape,
            value.dtype,
            value.device,
        ):
            with torch.no_grad():
                current.copy_(value)  # in place: whatever holds the buffer sees the new values
        else:
            owner._buffers[leaf] = value

    def state_dict(self, prefix: str = "") -> OrderedDict[str, Any]:
        """The module's own ``state_dict()`` (its names, its order), detached."""
        return OrderedDict(self._native.state_dict(prefix=prefix))

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> IncompatibleKeys:
        """The module's own ``load_state_dict``; values may be tensors of either backend or NumPy.

        Problems raise :class:`unigrad.StateDictError` (a ``KeyError``), as for any ug module.
        """
        converted = {key: _torch_tensor(value) for key, value in state_dict.items()}
        try:
            result = self._native.load_state_dict(converted, strict=strict)
        except RuntimeError as exc:
            raise StateDictError(
                f"cannot load the state dict into {type(self._native).__name__}: {exc}"
            ) from None
        return IncompatibleKeys(list(result.missing_keys), list(result.unexpected_keys))

    def take_gradients(self) -> list[Any]:
        grads = []
        for parameter in self.parameters():
            grads.append(parameter.grad)
            parameter.grad = None
        return grads


def _torch_tensor(value: Any) -> Any:
    import torch

    return value if isinstance(value, torch.Tensor) else convert(value, "torch")


def from_torch(module: Any) -> Module:
    """Wrap a ``torch.nn.Module`` as a ``ug.nn.Module`` that shares its parameters.

    The wrapper's ``parameters()`` are the module's own (not copies), its
    ``state_dict()`` keeps the module's names, ``train()``/``eval()`` reach the
    module, and calling it runs the module. It trains with ``ug.GradientTape``
    and ``ug.optim`` as the module trains with ``torch.optim``. Called with
    TensorFlow tensors (inside a model on the TensorFlow backend, say), it
    converts them, runs the module, converts the outputs back and carries the
    gradients across (see :meth:`WrappedModule.take_gradients`).

    ``from_torch(m.to_native())`` gives back the unigrad module ``m``; a Keras
    model on Keras' torch backend goes to :func:`~unigrad.adapters.from_keras`.

    Examples:
        >>> import torch
        >>> import unigrad as ug
        >>> linear = torch.nn.Linear(3, 2)
        >>> model = ug.nn.from_torch(linear)
        >>> model.parameters()[0] is linear.weight, list(model.state_dict())
        (True, ['weight', 'bias'])
        >>> tuple(model(torch.ones(4, 3)).shape)
        (4, 2)
    """
    from .native import unigrad_module_of

    found = unigrad_module_of(module)
    if found is not None:
        return found
    if any(c.__module__.startswith("keras") for c in type(module).__mro__):
        from .keras_model import from_keras

        return from_keras(module)
    import torch

    if not isinstance(module, torch.nn.Module):
        raise ArgumentTypeError(
            f"ug.nn.from_torch takes a torch.nn.Module, got {type(module).__name__}; "
            "for a Keras model use ug.nn.from_keras"
        )
    return TorchModule(module)


# -- module.to_native() on PyTorch (the torch backend's to_native_module) -------------------


def native_module(module: Module) -> Any:
    """``module`` as a ``torch.nn.Module`` tree whose registries are the unigrad modules' own dicts."""
    return _torch_native(module, {})


def _torch_native(module: Module, memo: dict[int, Any]) -> Any:
    native = memo.get(id(module))
    if native is None:
        if isinstance(module, WrappedModule):  # a wrapped torch module inside: the module itself
            native = memo[id(module)] = module.to_native()
            return native
        native = memo[id(module)] = _torch_class()(module)
        for name, child in module.named_children():
            native._modules[name] = _torch_native(child, memo)
    return native


@functools.cache
def _torch_class() -> type:
    import torch

    class UnigradModule(torch.nn.Module):
        """A ``torch.nn.Module`` over a unigrad module: its registries are the unigrad ones."""

        _unigrad_native = True

        def __init__(self, module: Module) -> None:
            super().__init__()
            self.__dict__["_unigrad_module"] = module
            # the same dict objects: a parameter or buffer set on either side is set on both
            self.__dict__["_parameters"] = module._parameters
            self.__dict__["_buffers"] = module._buffers
            self.__dict__["_non_persistent_buffers_set"] = module._non_persistent

        # the mode is the unigrad module's, so torch's train()/eval() and unigrad's agree
        @property
        def training(self) -> bool:
            module = self.__dict__.get("_unigrad_module")
            return True if module is None else bool(module.training)

        @training.setter
        def training(self, mode: bool) -> None:
            module = self.__dict__.get("_unigrad_module")
            if module is not None:
                object.__setattr__(module, "training", bool(mode))

        def forward(self, *args: Any, **kwargs: Any) -> Any:
            # Tracers (torch.export, torch.func.functional_call) swap the registries'
            # tensors for their own while they trace; unigrad's layers read their weights
            # as plain attributes, so point those at the swapped tensors for the call.
            swapped = []
            for native in self.modules():
                owner = native.__dict__.get("_unigrad_module")
                if owner is None:  # a wrapped torch module: it reads its own registries
                    continue
                attributes = owner.__dict__
                for registry in (owner._parameters, owner._buffers):
                    for name, value in registry.items():
                        current = attributes.get(name)
                        if current is not value:
                            swapped.append((owner, name, current))
                            object.__setattr__(owner, name, value)
            try:
                return self.__dict__["_unigrad_module"](*args, **kwargs)
            finally:
                for owner, name, value in swapped:
                    object.__setattr__(owner, name, value)

        def _apply(self, fn: Any, recurse: bool = True) -> Any:
            # .to(), .double(), ...: parameters change in place, buffers are replaced in the
            # (shared) registry; the unigrad attributes follow for good
            result = super()._apply(fn, recurse)
            for native in self.modules():
                if "_unigrad_module" in native.__dict__:
                    _refresh(native.__dict__["_unigrad_module"])
            return result

        def __setattr__(self, name: str, value: Any) -> None:
            super().__setattr__(name, value)
            module = self.__dict__.get("_unigrad_module")
            if module is not None and (name in module._parameters or name in module._buffers):
                _refresh(module)

        def __getitem__(self, index: Any) -> Any:
            # a Sequential or ModuleList indexes as it does in unigrad: the child's native module
            module = self.__dict__["_unigrad_module"]
            child = module[index]
            return self._modules[next(name for name, found in module._modules.items() if found is child)]

        def extra_repr(self) -> str:
            return type(self.__dict__["_unigrad_module"]).__name__

    return UnigradModule


def _refresh(module: Module) -> None:
    """Make a unigrad module's attributes the values its registries hold."""
    for registry in (module._parameters, module._buffers):
        for name, value in registry.items():
            object.__setattr__(module, name, value)
