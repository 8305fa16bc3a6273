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
        >>> import unigrad as ug
        >>> from unigrad.adapters.native import unigrad_module_of
        >>> model = ug.nn.Sequential(ug.nn.Linear(3, 2))
        >>> native = model.to_native()  # a torch.nn.Module on PyTorch, a keras.Model on TensorFlow
        >>> unigrad_module_of(native) is model
        True
    """
    from .wrapped import WrappedModule

    if isinstance(module, WrappedModule):
        return module.to_native()
    from ..config import backend_instance, get_backend

    backend = module._backend or get_backend()
    for name, value in [*module.named_parameters(), *module.named_buffers()]:
        if backend_of(value).name != backend:
            raise UnigradError(
                f"to_native makes one {backend} model, but {name!r} is a {backend_of(value).name} tensor "
                "(a wrapped model of the other framework inside?); hand each framework's part over "
                "on its own: part.to_native()"
            )
    return backend_instance(backend).to_native_module(module)


def unigrad_module_of(native: Any) -> Module | None:
    """The unigrad module that ``to_native`` made ``native`` from, or None."""
    found = getattr(type(native), "_unigrad_native", False) and native.__dict__.get("_unigrad_module")
    return found or None
