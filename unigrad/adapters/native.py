"""``module.to_native()``: a unigrad model as a ``torch.nn.Module`` or a ``keras.Model``.

Nothing is copied. On PyTorch the native module's registries *are* the
unigrad modules' (the same dicts), so ``torch.optim``, DDP, ``state_dict``,
``load_state_dict``, ``torch.compile`` and ``torch.export`` all act on the
unigrad parameters and buffers. On TensorFlow the Keras model holds
``keras.Variable`` views of the unigrad ``tf.Variable`` objects (Keras keeps
the given variable, it does not copy it), so Keras ``fit``, ``tf.function``
and ``tf.saved_model.save`` see and update them.
"""

from __future__ import annotations

import functools
from typing import Any

from ..errors import UnigradError
from ..nn.module import Module
from ..ops.conversion import backend_of

__all__ = ["to_native", "unigrad_module_of"]


def to_native(module: Module) -> Any:
    """``module`` as its framework's own model, sharing every parameter and buffer.

    A ``torch.nn.Module`` for a module on PyTorch (parameters are
    ``torch.nn.Parameter``; works with ``torch.optim``, DDP,
    ``torch.compile``, ``torch.export``), a ``keras.Model`` for one on
    TensorFlow (works with ``tf.function``, ``tf.saved_model.save``, Keras
    ``compile``/``fit``). A wrapped model (``from_torch``, ``from_keras``)
    gives back the model it wraps. ``ug.nn.from_torch`` / ``ug.nn.from_keras``
    of the result give back ``module``.

    Examples:
        >>> import torch
        >>> import unigrad as ug
        >>> model = ug.nn.Sequential(ug.nn.Linear(3, 2))
        >>> native = model.to_native()
        >>> isinstance(native, torch.nn.Module), native.state_dict()["0.weight"] is not None
        (True, True)
        >>> ug.nn.from_torch(native) is model
        True
    """
    from .wrapped import WrappedModule

    if isinstance(module, WrappedModule):
        return module.to_native()
    from ..config import get_backend

    backend = module._backend or get_backend()
    for name, value in [*module.named_parameters(), *module.named_buffers()]:
        if backend_of(value).name != backend:
            raise UnigradError(
                f"to_native makes one {backend} model, but {name!r} is a {backend_of(value).name} tensor "
                "(a wrapped model of the other framework inside?); hand each framework's part over "
                "on its own: part.to_native()"
            )
    if backend == "torch":
        return _torch_native(module, {})
    if backend == "tensorflow":
        return _keras_class()(module)
    raise UnigradError(f"to_native knows PyTorch and TensorFlow models, not {backend!r} ones")


def unigrad_module_of(native: Any) -> Module | None:
    """The unigrad module that ``to_native`` made ``native`` from, or None."""
    found = getattr(type(native), "_unigrad_native", False) and native.__dict__.get("_unigrad_module")
    return found or None


# -- PyTorch ------------------------------------------------------------------------------


def _torch_native(module: Module, memo: dict[int, Any]) -> Any:
    from .wrapped import WrappedModule

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


# -- TensorFlow / Keras -------------------------------------------------------------------


@functools.cache
def _keras_class() -> type:
    import keras

    class UnigradModel(keras.Model):
        """A ``keras.Model`` whose variables are views of a unigrad module's ``tf.Variable`` objects."""

        _unigrad_native = True

        def __init__(self, module: Module) -> None:
            super().__init__(name=_keras_name(type(module).__name__))
            object.__setattr__(self, "_unigrad_module", module)  # (not a Keras layer: keep it untracked)
            trainable = [
                keras.Variable(value, trainable=bool(getattr(value, "trainable", True)), name=name)
                for name, value in module.named_parameters()
            ]
            buffers = [
                keras.Variable(value, trainable=False, name=name) for name, value in module.named_buffers()
            ]
            self.unigrad_variables = trainable + buffers
            self.built = True

        def call(self, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
            module = self._unigrad_module
            if training is None:
                return module(*args, **kwargs)
            modes = [(m, m.training) for m in module.modules()]
            module.train(bool(training))
            try:
                return module(*args, **kwargs)
            finally:
                for m, mode in modes:
                    object.__setattr__(m, "training", mode)

    return UnigradModel


def _keras_name(name: str) -> str:
    """A Keras model name from a class name (``"ResNet"`` -> ``"res_net"``)."""
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
