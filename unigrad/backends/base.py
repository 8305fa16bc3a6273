"""The interface every unigrad backend implements.

A backend is one small class per framework (as in einops): it imports its
framework when it is constructed, which unigrad does on the backend's first
use. It carries the whole tensor namespace as plain functions, gathered from
the ``__all__`` of the modules it names in ``namespace_modules``; unigrad's
public functions look them up on the active backend and call them, so an op
costs one attribute load over the native call.

A third-party backend subclasses :class:`Backend`, provides the names in
:data:`NAMESPACE` and :data:`CORE`, and registers under the entry-point group
``unigrad.backends``::

    [project.entry-points."unigrad.backends"]
    mlx = "unigrad_mlx:MLXBackend"
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any, ClassVar

from unigrad import linalg as _linalg_extension
from unigrad.errors import UnigradError
from unigrad.ops import binary as _binary
from unigrad.ops import creation as _creation
from unigrad.ops import linalg as _linalg
from unigrad.ops import manipulation as _manipulation
from unigrad.ops import searching as _searching
from unigrad.ops import statistical as _statistical
from unigrad.ops import unary as _unary

__all__ = [
    "Backend",
    "BackendNotImplementedError",
    "NAMESPACE",
    "LINALG",
    "CORE",
    "AUTOGRAD",
    "MODULES",
    "modules_of",
]


class BackendNotImplementedError(UnigradError, NotImplementedError, AttributeError):
    """The active backend has no implementation of the requested function."""


# The Array API 2024.12 functions (and unigrad's few additions) that every
# backend carries under these names, with the standard's signatures: exactly
# the public functions of unigrad.ops, which call them.
NAMESPACE: tuple[str, ...] = tuple(
    name
    for module in (_creation, _unary, _binary, _manipulation, _statistical, _searching, _linalg)
    for name in module.__all__
)

# The Array API linalg extension, reached as ``ug.linalg.<name>`` and carried
# by backends as ``linalg_<name>``.
LINALG: tuple[str, ...] = tuple(name for name in _linalg_extension.EXTENSION)

# What unigrad's core needs besides the namespace.
CORE: tuple[str, ...] = (
    "is_tensor",  # (x) -> bool: a tensor of this framework
    "promote",  # (x1, x2) -> (x1, x2) cast to unigrad's promoted dtype
    "dtype_of",  # (x) -> unigrad DType
    "native_dtype",  # (dtype spec) -> framework dtype
    "to_numpy",  # (x) -> numpy.ndarray (a copy the caller may write to)
    "from_numpy",  # (numpy array, device) -> tensor
    "export_dlpack",  # (x) -> object with __dlpack__, safe for any consumer
    "import_dlpack",  # (object with __dlpack__) -> tensor, copying when unsafe
    "devices",  # () -> list of unigrad device names ("cpu:0", "gpu:0", ...)
    "device_of",  # (x) -> unigrad device name
    "to_device",  # (x, device name) -> tensor
    "default_device",  # () -> unigrad device name used for new tensors
    "compile_function",  # (fn, jit_compile, options) -> the function compiled to the framework's graph
    "in_graph",  # () -> whether the code is being traced into a graph right now
    "from_host",  # (draw, shape, dtype, device) -> tensor of draw()'s values, drawn when the graph runs
    "graph_checked",  # (value, condition, message) -> value, used only after the check passed
)


# Gradients (backends/<name>/autograd.py).
AUTOGRAD: tuple[str, ...] = (
    "parameter",  # (tensor, trainable) -> native variable with assign/assign_add/assign_sub
    "is_parameter",  # (x) -> bool
    "rebind_parameter",  # (parameter, new value) -> parameter holding it (the same object if possible)
    "is_trainable",  # (parameter) -> bool
    "make_buffer",  # (tensor) -> what a module buffer holds (a variable where tensors are immutable)
    "Tape",  # class: Tape(persistent); watch, gradient, stop_recording, release
    "watchable",  # (x) -> x or a fresh leaf that can be differentiated against
    "stop_gradient",  # (x) -> x without gradient
    "no_grad",  # (native tapes recording) -> context manager
    "custom_gradient",  # (f returning (y, grad_fn)) -> differentiable function
    "function_apply",  # (ug.autograd.Function subclass, args) -> outputs
)


# The file names every built-in backend has (same names side by side, as Keras 3
# keeps them), each contributing its ``__all__`` to the backend's namespace.
MODULES: tuple[str, ...] = (
    "core",
    "device",
    "creation",
    "elementwise",
    "manipulation",
    "statistical",
    "searching",
    "linalg",
    "autograd",
    "nn",
    "nn_layers",
    "optim",
    "export",
    "data",
)


def modules_of(package: str) -> tuple[str, ...]:
    """The namespace modules of a backend package laid out as the built-in ones."""
    return tuple(f"{package}.{module}" for module in MODULES)


class Backend:
    """Base class of the backends: a namespace of plain functions over native tensors."""

    name: ClassVar[str]
    """Canonical name, e.g. ``"torch"``."""
    aliases: ClassVar[tuple[str, ...]] = ()
    framework: ClassVar[str]
    """Module that must be importable for the backend to work."""
    namespace_modules: ClassVar[tuple[str, ...]] = ()
    """Modules whose ``__all__`` functions become the backend's namespace."""
    tensor_types: tuple[type, ...] = ()
    version: str = ""

    def __init__(self) -> None:
        for module_name in self.namespace_modules:
            module = importlib.import_module(module_name)
            for function_name in module.__all__:
                self.__dict__[function_name] = getattr(module, function_name)
        # Optional fast paths: a backend may carry a one-argument whole-tensor
        # reduction that skips the keyword handling of the general one.
        self.__dict__.setdefault("sum_all", self.__dict__.get("sum"))
        # The neural-network functions: a backend's fused kernels where it has
        # them (nn_<name>), the generic definitions over the namespace elsewhere.
        from unigrad.nn import _generic, _generic_layers

        for generic in (_generic, _generic_layers):
            for function_name in generic.__all__:
                self.__dict__.setdefault(f"nn_{function_name}", getattr(generic, function_name))
        # Names the backend lacks get a stub that says so when called. (A
        # __getattr__ would do the same, but it would also slow down every
        # attribute lookup on the backend, and ops do one per call.)
        for function_name in (*NAMESPACE, *(f"linalg_{n}" for n in LINALG), *CORE, *AUTOGRAD):
            if function_name not in self.__dict__ and not hasattr(type(self), function_name):
                self.__dict__[function_name] = _missing(self.name, function_name)

    @classmethod
    def is_available(cls) -> bool:
        """Whether the framework can be imported, found without importing it."""
        return importlib.util.find_spec(cls.framework) is not None

    def missing(self) -> list[str]:
        """Names of :data:`NAMESPACE`, :data:`LINALG` and :data:`CORE` this backend lacks."""
        return sorted(n for n, f in self.__dict__.items() if getattr(f, "_unigrad_missing", False))

    def __repr__(self) -> str:
        return f"<unigrad backend {self.name!r} ({self.framework} {self.version})>"


def _missing(backend: str, function_name: str) -> Callable[..., Any]:
    def missing(*args: Any, **kwargs: Any) -> Any:
        raise BackendNotImplementedError(
            f"the {backend!r} backend does not implement {function_name!r}; "
            "run this under another backend with ug.use_backend(...), or report it as missing"
        )

    missing._unigrad_missing = True  # type: ignore[attr-defined]
    missing.__name__ = function_name
    return missing
