"""All that a backend imports from unigrad: the one public surface between the core and a backend.

A backend (built in or third party) imports unigrad's internals only from
here, so the core can reorganise its modules without breaking backends, and
a reader sees in one page what a backend may lean on. Public functions of
``unigrad`` itself (``unigrad.asarray``, ...) remain usable as for any user.

Examples:
    >>> from unigrad.backends import api
    >>> api.result_type(api.dtypes.int8, 1)
    unigrad.int8
    >>> issubclass(api.BackendMismatchError, TypeError)
    True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from unigrad import dtypes, tree
from unigrad._dlpack import buffer_address, is_compact
from unigrad.backends.base import Backend, BackendNotImplementedError, modules_of
from unigrad.config import use_backend
from unigrad.device import DeviceSpec, parse_device, unknown_device
from unigrad.dtypes import DType, as_dtype, numpy_dtype
from unigrad.errors import (
    ArgumentError,
    ArgumentTypeError,
    AxisError,
    BackendError,
    BackendMismatchError,
    BackendNotInstalledError,
    DeviceError,
    DTypeError,
    IndexOutOfRangeError,
    InvalidKeyError,
    LabelError,
    MissingAttributeError,
    NotSupportedError,
    ShapeError,
    UnigradError,
    UsageError,
)
from unigrad.ops._checks import check_indices
from unigrad.ops._dispatch import framework_of, mismatch_message
from unigrad.ops.promotion import common_dtype_finder, is_number, promoter, result_type
from unigrad.types import Array, ArrayLike, DeviceLike, DTypeLike

if TYPE_CHECKING:  # at run time these load on first use, through __getattr__ below
    from unigrad.distribute import _hooks as distribute_hooks
    from unigrad.distribute import env as distribute_env
    from unigrad.nn import reference
    from unigrad.ops.conversion import backend_of
    from unigrad.optim import OptimizerError

__all__ = [
    # the base class a backend subclasses, and its helpers
    "Backend",
    "BackendNotImplementedError",
    "modules_of",
    # the types of the interface (see unigrad.backends.protocol)
    "Array",
    "ArrayLike",
    "DTypeLike",
    "DeviceLike",
    # errors a backend raises, each a UnigradError and the matching builtin
    "UnigradError",
    "BackendError",
    "BackendMismatchError",
    "BackendNotInstalledError",
    "DTypeError",
    "ShapeError",
    "AxisError",
    "IndexOutOfRangeError",
    "DeviceError",
    "LabelError",
    "ArgumentError",
    "ArgumentTypeError",
    "NotSupportedError",
    "UsageError",
    "InvalidKeyError",
    "MissingAttributeError",
    # dtypes: unigrad's dtype objects and promotion table
    "dtypes",
    "DType",
    "as_dtype",
    "result_type",
    "numpy_dtype",
    # promotion of a binary op's operands, written once: a backend supplies the primitives
    "promoter",
    "common_dtype_finder",
    "is_number",
    # dispatch: naming tensors of other frameworks in error messages
    "framework_of",
    "mismatch_message",
    # checks shared with the core, so every backend words its errors alike
    "check_indices",
    # DLPack capsules: where a buffer lives and whether it is dense
    "buffer_address",
    "is_compact",
    # devices: unigrad's device names
    "DeviceSpec",
    "parse_device",
    "unknown_device",
    # nested structures of tensors (lists, tuples, dicts)
    "tree",
    # the registry: run code on a named backend
    "use_backend",
    # loaded on first use (see __getattr__): modules that import much of the core
    "reference",
    "distribute_env",
    "distribute_hooks",
    "backend_of",
    "OptimizerError",
]

# name -> (module, attribute or None for the module itself). These import the
# nn, ops or distribute packages, which may import backends in turn, so they
# load when a backend first touches them rather than when it is imported.
_LAZY: dict[str, tuple[str, str | None]] = {
    "reference": ("unigrad.nn.reference", None),
    "distribute_env": ("unigrad.distribute.env", None),
    "distribute_hooks": ("unigrad.distribute._hooks", None),
    "backend_of": ("unigrad.ops.conversion", "backend_of"),
    "OptimizerError": ("unigrad.optim", "OptimizerError"),
}


def __getattr__(name: str) -> Any:
    """The names of :data:`_LAZY`, imported on first access.

    ``reference`` is :mod:`unigrad.nn.reference`, the definitions a backend's
    fused nn kernels must agree with; ``distribute_env`` is
    :mod:`unigrad.distribute.env` (rank, world size, timeouts);
    ``distribute_hooks`` is :mod:`unigrad.distribute._hooks`, whose
    attributes a distribution engine sets; ``backend_of(x)`` is the backend
    whose framework made the tensor ``x``; ``OptimizerError`` is
    :class:`unigrad.optim.OptimizerError`, for an optimizer's fused step.
    """
    found = _LAZY.get(name)
    if found is None:
        raise MissingAttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = found
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later lookups skip __getattr__
    return value
