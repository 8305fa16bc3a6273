"""``ug.nn.Module``: PyTorch's module model over native variables of either backend."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from .. import config
from ..errors import ArgumentTypeError, MissingAttributeError, NotSupportedError
from ..ops.conversion import backend_of
from . import module_hooks, module_state
from .module_hooks import RemovableHandle
from .module_state import IncompatibleKeys, buffer_value
from .parameter import Parameter

__all__ = ["Module", "IncompatibleKeys", "RemovableHandle"]


class Module:
    """Base class of layers and models, as ``torch.nn.Module``.

    Assigning a :class:`~unigrad.nn.Parameter`, a :class:`Module` or (through
    :meth:`register_buffer`) a buffer to an attribute registers it, so that
    :meth:`parameters`, :meth:`state_dict` and :meth:`to_backend` find it.
    Subclasses call ``super().__init__()`` first and define ``forward``.

    A module runs on the backend its parameters live on: calling it switches
    to that backend for the call if another one is active.

    Examples:
        >>> import unigrad as ug
        >>> class Affine(ug.nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.scale = ug.nn.Parameter(ug.full((2,), 2.0))
        ...     def forward(self, x):
        ...         return x * self.scale
        >>> model = Affine()
        >>> [name for name, _ in model.named_parameters()]
        ['scale']
        >>> ug.to_numpy(model(ug.ones(2))).tolist()
        [2.0, 2.0]
    """

    training: bool
    _backend: str | None
    _parameters: OrderedDict[str, Any]
    _buffers: OrderedDict[str, Any]
    _non_persistent: set[str]
    _modules: OrderedDict[str, Any]
    _hooked = False  # True while a forward hook is registered: __call__'s one test for hooks

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_backend", None)

    # -- registration ----------------------------------------------------------
    # Registered values also live in the instance __dict__, so that reading
    # self.weight in forward is a plain attribute lookup (torch goes through
    # __getattr__ for every parameter read).

    def __setattr__(self, name: str, value: Any) -> None:
        registries = self.__dict__.get("_parameters")
        if registries is None:
            raise MissingAttributeError(
                f"cannot assign {name!r} before Module.__init__() has run; call super().__init__() first"
            )
        if name in self._buffers:  # a registered buffer stays one (None included)
            value = buffer_value(self._buffers[name], value)
            self._buffers[name] = value
        elif name in registries and (value is None or isinstance(value, Parameter)):
            # re-assigned in its slot, as torch does, so that state_dict keeps its key order
            # (``decoder.weight = encoder.weight`` ties weights without moving the key)
            registries[name] = value
            if value is not None and self._backend is None:
                object.__setattr__(self, "_backend", backend_of(value).name)
        elif name in self._modules and (value is None or isinstance(value, Module)):
            self._modules[name] = value
            if value is not None and self._backend is None and value._backend is not None:
                object.__setattr__(self, "_backend", value._backend)
        else:
            registries.pop(name, None)
            self._modules.pop(name, None)
            if isinstance(value, Module):
                self._modules[name] = value
                if self._backend is None and value._backend is not None:
                    object.__setattr__(self, "_backend", value._backend)
            elif (
                value is not None
                and not isinstance(value, (bool, int, float, str))
                and isinstance(value, Parameter)
            ):
                registries[name] = value
                if self._backend is None:
                    object.__setattr__(self, "_backend", backend_of(value).name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        self._buffers.pop(name, None)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        """Register a tensor that is state but not a parameter (BatchNorm's running mean).

        ``persistent=False`` keeps it out of :meth:`state_dict`, as in torch.
        """
        module_state.check_name(self, "buffer", name, self._buffers)  # (a parameter's name too)
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)
        tensor = buffer_value(None, tensor)
        self._buffers[name] = tensor
        object.__setattr__(self, name, tensor)
        if tensor is not None and self._backend is None:
            object.__setattr__(self, "_backend", backend_of(tensor).name)

    def register_parameter(self, name: str, param: Any) -> None:
        """Register ``param`` (a :class:`Parameter`, or ``None`` to hold the slot) as ``name``."""
        module_state.check_name(self, "parameter", name, self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise ArgumentTypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(ug.nn.Parameter or None required)"
            )
        if param is None:
            self._parameters[name] = None  # the slot, which a later assignment fills in place
        setattr(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` (or ``None``, to hold the slot) as the child ``name``."""
        if module is not None and not isinstance(module, Module):
            raise ArgumentTypeError(f"{type(module).__name__} is not a Module subclass")
        module_state.check_name(self, "module", name, self._modules)
        self._modules[name] = module
        setattr(self, name, module)

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        """The submodule at dotted path ``target`` (``"encoder.layers.0"``); ``""`` is ``self``."""
        return module_state.get_submodule(self, target)

    def get_parameter(self, target: str) -> Any:
        """The parameter at dotted path ``target`` (``"encoder.layers.0.weight"``)."""
        return module_state.get_parameter(self, target)

    def get_buffer(self, target: str) -> Any:
        """The buffer at dotted path ``target`` (``"bn.running_mean"``)."""
        return module_state.get_buffer(self, target)

    # -- hooks (module_hooks) --------------------------------------------------

    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """``hook(module, args)`` before each ``forward``; a value it returns replaces ``args``.

        As torch's: ``with_kwargs=True`` calls ``hook(module, args, kwargs)``, which
        may return ``(args, kwargs)``; ``prepend=True`` runs it before the others.
        """
        return module_hooks.add_forward_pre_hook(self, hook, prepend, with_kwargs)

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """``hook(module, args, output)`` after each ``forward``; a value it returns replaces the output.

        As torch's: ``with_kwargs=True`` calls ``hook(module, args, kwargs, output)``;
        ``always_call=True`` runs it even when ``forward`` raised.
        """
        return module_hooks.add_forward_hook(self, hook, prepend, with_kwargs, always_call)

    # -- calling ---------------------------------------------------------------

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotSupportedError(f"{type(self).__name__} defines no forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        forward = self.forward if not self._hooked else module_hooks.hooked_forward(self)
        backend = self._backend
        # (the active backend read without the ContextVar while no use_backend
        # block is open: torch.compile traces through that, not through ContextVar.get)
        state = config._state
        active = state.default if not state.scopes else (config._scoped_get() or state.default)
        if backend is None or backend == active.name:
            return forward(*args, **kwargs)
        with config.use_backend(backend):
            return forward(*args, **kwargs)

    # -- traversal -------------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def named_modules(
        self, memo: set[Any] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module and every submodule, depth first.

        Args:
            memo: modules to skip (and to which the visited ones are added), as torch's.
            prefix: prepended to every name.
            remove_duplicate: yield a module reached by several paths (one layer
                used twice) once, under its first name; ``False`` yields it under
                every name, as ``state_dict`` lists it.
        """
        if not remove_duplicate:
            yield from module_state.every_path(self, prefix, set())
            return
        memo = set() if memo is None else memo
        if self in memo:
            return
        memo.add(self)
        yield prefix, self
        for name, module in self.named_children():
            yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def _named(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        seen: set[int] = set()
        if recurse:
            modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
        else:
            modules = iter([(prefix, self)])
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Any]]:
        """``(dotted name, parameter)`` pairs, in registration order.

        Args:
            prefix: prepended to every name.
            recurse: include the parameters of submodules.
            remove_duplicate: list a parameter shared by several modules (tied
                weights) once, under its first name, so that an optimizer
                updates it once; ``False`` lists it under every name.
        """
        return self._named("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> list[Any]:
        """The parameters, each once (tied ones too), in registration order (a list: reusable)."""
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Any]]:
        """``(dotted name, buffer)`` pairs; arguments as :meth:`named_parameters`."""
        return self._named("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> list[Any]:
        """The buffers, each once, in registration order."""
        return [b for _, b in self.named_buffers(recurse=recurse)]

    def apply(self, function: Callable[[Module], Any]) -> Module:
        """Call ``function`` on every submodule (children first) and on ``self``; returns ``self``."""
        for module in self.children():
            module.apply(function)
        function(self)
        return self

    # -- modes -----------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Set training mode (dropout active, batch statistics) here and in every submodule."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Make every parameter trainable, or frozen with ``False`` (tapes then give it no gradient).

        On TensorFlow a variable's trainability is fixed when it is made, so its
        parameters are replaced by new ones: freeze before making the optimizer.
        """
        module_state.requires_grad(self, bool(requires_grad))
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the ``.grad`` that a torch ``loss.backward()`` left on the parameters.

        unigrad's tapes return gradients rather than store them, so this matters
        only for PyTorch code that calls ``backward()``; on TensorFlow it does nothing.
        """
        module_state.zero_grad(self, set_to_none)

    # -- state (implemented in module_state) -----------------------------------

    def state_dict(self, prefix: str = "") -> OrderedDict[str, Any]:
        """Parameters and persistent buffers by PyTorch-style dotted name (``"0.weight"``).

        Values are tensors detached from the graph (sharing memory with the
        parameter where the framework allows). A parameter or module shared by
        several modules is listed under each of its names, as torch lists it.
        """
        return module_state.state_dict(self, prefix)

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> IncompatibleKeys:
        """Copy values into the parameters and buffers, by name.

        Values may be tensors of either backend or NumPy arrays. With
        ``strict=True`` (the default) a missing key, an unexpected key or a
        shape that does not match raises :class:`unigrad.StateDictError`
        (a ``KeyError``) naming every one of them, and nothing is changed.

        A parameter or buffer shared by several modules stays one object: each
        of its keys loads into it (the last one wins, as in torch).
        """
        return module_state.load_state_dict(self, state_dict, strict)

    def to(self, *args: Any, device: Any = None, dtype: Any = None) -> Module:
        """Move every parameter and buffer to ``device`` (``"cpu:0"``, ``"gpu:0"``, ...), and/or cast the
        floating-point ones to ``dtype``, as ``torch.nn.Module.to``: ``to("gpu:0")``, ``to(ug.float16)``,
        ``to("gpu:0", ug.bfloat16)``, ``to(dtype=...)``. Integer buffers (a BatchNorm's count) keep
        their dtype. A parameter or buffer shared by several modules stays shared.
        """
        device, dtype = module_state.device_and_dtype(args, device, dtype)
        if device is not None:
            module_state.to_device(self, device)
        if dtype is not None:
            module_state.to_dtype(self, dtype)
        return self

    def half(self) -> Module:
        """Floating-point parameters and buffers as float16, as torch's ``half()``."""
        return self.to(dtype="float16")

    def bfloat16(self) -> Module:
        """Floating-point parameters and buffers as bfloat16, as torch's ``bfloat16()``."""
        return self.to(dtype="bfloat16")

    def float(self) -> Module:
        """Floating-point parameters and buffers as float32, as torch's ``float()``."""
        return self.to(dtype="float32")

    def double(self) -> Module:
        """Floating-point parameters and buffers as float64, as torch's ``double()``."""
        return self.to(dtype="float64")

    def _replace_state(self, parameter: Callable[[Any], Any], buffer: Callable[[Any], Any]) -> None:
        """Put ``parameter(p)`` for every parameter and ``buffer(b)`` for every buffer in place.

        Each object is converted once, and every slot that held it gets the one result.
        """
        module_state.replace_state(self, parameter, buffer)

    def to_backend(self, name: str) -> Module:
        """Move the live model to another backend: parameters and buffers become its tensors.

        Values are carried bit for bit (through DLPack where it is safe), the
        module keeps working, now on ``name``; tied parameters stay tied.
        Optimizers made for the old parameters must be made again.
        """
        module_state.to_backend(self, name)
        return self

    # -- display ---------------------------------------------------------------

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        return module_state.module_repr(self)

    # -- Keras habits (unigrad.train.keras_habits, over unigrad.fit) -----------

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None, **kw: Any) -> None:
        """Keras' ``compile``, by Keras' names (``"adam"``, ``"mse"``, ...): see ``keras_habits``."""
        from ..train import keras_habits

        keras_habits.compile(self, optimizer, loss, metrics, **kw)

    def fit(self, x: Any = None, y: Any = None, *args: Any, **options: Any) -> Any:
        """Train this model, as Keras' ``fit`` (or :func:`unigrad.fit` given ``loss=`` and ``optimizer=``)."""
        from ..train import keras_habits

        return keras_habits.fit(self, x, y, *args, **options)

    def evaluate(self, x: Any = None, y: Any = None, *args: Any, **options: Any) -> Any:
        """The compiled loss and metrics over the data, as Keras' ``evaluate``; see ``keras_habits``."""
        from ..train import keras_habits

        return keras_habits.evaluate(self, x, y, *args, **options)

    def predict(self, x: Any, *args: Any, **options: Any) -> Any:
        """This model's outputs as NumPy arrays, batch by batch, as Keras' ``predict``."""
        from ..train import keras_habits

        return keras_habits.predict(self, x, *args, **options)

    # -- native models (unigrad.adapters) --------------------------------------

    def to_native(self) -> Any:
        """This model as a ``torch.nn.Module`` or ``keras.Model`` sharing its parameters.

        See :func:`unigrad.adapters.to_native`.
        """
        from ..adapters.native import to_native

        return to_native(self)
