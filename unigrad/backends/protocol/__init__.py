"""The interface a unigrad backend implements, as :class:`typing.Protocol` classes.

A backend is an object whose attributes are plain functions over its
framework's native tensors (see :class:`unigrad.backends.base.Backend`).
This package writes that interface down: one protocol per backend module,
named after the file that holds the functions in the built-in backends
(``core.py`` -> :class:`Core`, ``elementwise.py`` -> :class:`Elementwise`,
...), grouped in submodules that mirror those files (``core``, ``creation``,
..., ``nn``; ``capabilities`` holds the small capability protocols); import
them from here. Each member's signature is the one unigrad calls it with,
typed against unigrad's own types (:data:`~unigrad.types.Array` is the
backend's native tensor), and its docstring says what it must do.

Rules that hold for every namespace function:

- Inputs are the backend's own tensors; Python scalars appear only where the
  signature says ``ArrayLike``. unigrad's public binary functions have
  already cast both operands with :meth:`Core.promote` before they call the
  backend, so ``add(x1, x2)`` sees two tensors of one dtype, or a tensor and
  a Python scalar that may stay weak (``int8`` tensor + ``1`` stays ``int8``).
- Results follow the Python Array API standard (2024.12): dtypes, shapes,
  broadcasting, ``axis``/``keepdims`` and ``dtype=`` of reductions.
- ``dtype`` arguments arrive as unigrad dtypes, names or native dtypes
  (:data:`~unigrad.types.DTypeLike`); ``device`` arguments as unigrad device
  names such as ``"cpu:0"``, native devices or ``None`` for the default.
- Positional-only parameters (before ``/``) may have any name in the
  backend; the others are passed by keyword and must keep their names.

Which members are optional: :data:`REQUIRED` lists the protocols every
backend implements (a missing namespace name is installed by the base class
as a stub raising :class:`~unigrad.backends.base.BackendNotImplementedError`
when called, so a backend still loads, but the conformance kit reports it);
:data:`OPTIONAL` lists those that only some features need or that have a
default: the :class:`LinalgExtension` and :class:`FFTExtension`, :class:`Autograd`, the :class:`NN`
kernels (defaulting to :mod:`unigrad.nn.reference`), and the capabilities
:class:`Compile`, :class:`Optim`, :class:`Export`, :class:`Data`,
:class:`Native`, :class:`Runtime`, :class:`Distribute` and :class:`Amp` (defaults in the
base class). Run :func:`unigrad.testing.backend_conformance.run_conformance`
to see where a backend stands.

Tests keep these protocols equal to what calls them: every name of the base
class's tables is a member of exactly one protocol, every namespace member
has the signature of the public ``unigrad`` function that calls it, every
nn member that of its reference definition, and every capability that of
its default in the base class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .autograd import Autograd, NativeTape
from .capabilities import Amp, Data, Distribute, Export, Native, Optim, Runtime
from .core import Compile, Core, Device
from .creation import Creation
from .elementwise import Elementwise
from .fft import FFTExtension
from .linalg import Linalg, LinalgExtension
from .manipulation import Manipulation
from .nn import NN
from .nn import Pads as Pads
from .nn import Pair as Pair
from .searching import Searching
from .statistical import Statistical

__all__ = [
    "Core",
    "Device",
    "Creation",
    "Elementwise",
    "Manipulation",
    "Statistical",
    "Searching",
    "Linalg",
    "LinalgExtension",
    "FFTExtension",
    "NativeTape",
    "Autograd",
    "NN",
    "Compile",
    "Optim",
    "Export",
    "Data",
    "Native",
    "Runtime",
    "Amp",
    "Distribute",
    "Namespace",
    "BackendProtocol",
    "REQUIRED",
    "OPTIONAL",
    "MODULE_OF",
    "members",
    "is_optional_member",
]


class Namespace(
    Creation,
    Elementwise,
    Manipulation,
    Statistical,
    Searching,
    Linalg,
    LinalgExtension,
    FFTExtension,
    Protocol,
):
    """The whole Array API namespace a backend carries."""


class BackendProtocol(
    Core,
    Device,
    Namespace,
    Autograd,
    NN,
    Compile,
    Optim,
    Export,
    Data,
    Native,
    Runtime,
    Distribute,
    Amp,
    Protocol,
):
    """Everything a backend may provide; :data:`REQUIRED` says which part it must."""

    name: str
    """Canonical name, e.g. ``"torch"``; the entry-point name of a third-party backend."""
    framework: str
    """The module that must be importable for the backend to work."""


REQUIRED: tuple[type, ...] = (
    Core,
    Device,
    Creation,
    Elementwise,
    Manipulation,
    Statistical,
    Searching,
    Linalg,
)
"""The protocols every backend implements."""

OPTIONAL: tuple[type, ...] = (
    LinalgExtension,
    FFTExtension,
    Autograd,
    NN,
    Compile,
    Optim,
    Export,
    Data,
    Native,
    Runtime,
    Distribute,
    Amp,
)
"""The protocols a backend may leave out (a default, or features that then raise)."""

MODULE_OF: dict[type, str] = {
    Core: "core",
    Device: "device",
    Creation: "creation",
    Elementwise: "elementwise",
    Manipulation: "manipulation",
    Statistical: "statistical",
    Searching: "searching",
    Linalg: "linalg",
    LinalgExtension: "linalg",
    FFTExtension: "fft",
    Autograd: "autograd",
    NN: "nn",
    Compile: "core",
    Optim: "optim",
    Export: "export",
    Data: "data",
    Native: "native",
    Runtime: "runtime",
    Distribute: "distribute",
    Amp: "amp",
}
"""The file of a built-in backend that holds each protocol's members."""

# Members a protocol documents that the base class or the core does without:
# the kit reports their absence as "not provided", never as a failure.
_OPTIONAL_MEMBERS = frozenset({"native_device", "device_scope", "sum_all", "split_sizes"})


def members(protocol: type) -> dict[str, Callable[..., Any]]:
    """The functions ``protocol`` declares itself (not those it inherits), by name, in order.

    Examples:
        >>> from unigrad.backends import protocol
        >>> list(protocol.members(protocol.Device))[:2]
        ['devices', 'device_of']
    """
    return {
        name: value for name, value in vars(protocol).items() if callable(value) and not name.startswith("_")
    }


def is_optional_member(name: str) -> bool:
    """Whether a required protocol's member ``name`` may be absent (the base class or core has a default)."""
    return name in _OPTIONAL_MEMBERS
