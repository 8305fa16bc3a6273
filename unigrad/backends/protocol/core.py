"""The protocols of a backend's ``core.py`` and ``device.py``: :class:`Core`, :class:`Device`
and :class:`Compile`.

Part of :mod:`unigrad.backends.protocol`; import them from there.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from unigrad.dtypes import DType
from unigrad.types import Array, ArrayLike, DeviceLike, DTypeLike

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Core",
    "Device",
    "Compile",
]


class Core(Protocol):
    """dtypes, promotion, conversion and graph hooks (``core.py``).

    The members unigrad's core needs besides the namespace: how to recognise
    the framework's tensors, their dtypes, and how to move data in and out.
    All are required, but an eager-only framework implements the four graph
    hooks trivially (``compile_function`` returns ``fn``, ``in_graph``
    returns ``False``, ``from_host`` converts ``draw()`` now,
    ``graph_checked`` returns ``value``).
    """

    def is_tensor(self, x: object) -> bool:
        """Whether ``x`` is a tensor of this framework (a NumPy array or scalar is not)."""

    def promote(self, x1: ArrayLike, x2: ArrayLike) -> tuple[ArrayLike, ArrayLike]:
        """Both operands of a binary op cast to unigrad's result type (:func:`unigrad.result_type`).

        Called only when the dtypes differ or one side is not a tensor. A Python
        scalar may stay a scalar where the framework treats it as weak, as
        unigrad does (``int8`` tensor + ``1`` -> ``int8``, ``int32`` tensor *
        ``0.5`` -> the default float); a NumPy array is converted; a tensor of
        another framework raises ``TypeError``.
        """

    def dtype_of(self, x: Array) -> DType:
        """The unigrad dtype of tensor ``x`` (``ug.float32``, ...)."""

    def native_dtype(self, dtype: DTypeLike | None) -> Any:
        """The framework's dtype for any dtype spec; ``None`` stays ``None``."""

    def to_numpy(self, x: Array) -> np.ndarray[Any, Any]:
        """``x`` as a NumPy array of the same dtype and shape, moved to the host first."""

    def from_numpy(self, array: np.ndarray[Any, Any], device: DeviceLike | None = None) -> Array:
        """A tensor of ``array``'s dtype, shape and values on ``device`` (the default if None)."""

    def export_dlpack(self, x: Array) -> Any:
        """``x`` as an object with ``__dlpack__`` that any consumer can take safely."""

    def import_dlpack(self, obj: Any) -> Array:
        """A tensor from an object with ``__dlpack__``, copying where sharing is unsafe."""

    def compile_function(self, fn: Callable[..., Any], jit_compile: bool, options: dict[str, Any]) -> Any:
        """``fn`` compiled to the framework's graph (``ug.function``); ``fn`` itself if none."""

    def in_graph(self) -> bool:
        """Whether code is being traced into a graph right now; ``False`` for eager frameworks."""

    def from_host(
        self,
        draw: Callable[[], Any],
        shape: tuple[int, ...],
        dtype: DTypeLike,
        device: DeviceLike | None = None,
    ) -> Array:
        """A tensor of ``draw()``'s values, drawn when the graph runs (now, when eager)."""

    def graph_checked(self, value: Array, condition: Array, message: str) -> Array:
        """``value``, used only after ``condition`` held (in a graph: a dependency on an assert)."""


class Device(Protocol):
    """Device names and placement (``device.py``).

    unigrad names devices ``"cpu:0"``, ``"gpu:0"``, ...; a backend maps them to
    its own. ``native_device`` and ``device_scope`` are optional: without a
    ``device_scope``, ``with ug.device(...)`` only checks the name.
    """

    def devices(self) -> list[str]:
        """The unigrad names of the devices this backend can use, ``"cpu:0"`` first."""

    def device_of(self, x: Array) -> str:
        """The unigrad name of the device tensor ``x`` lives on."""

    def to_device(self, x: Array, device: DeviceLike) -> Array:
        """``x`` on ``device`` (``x`` itself if it is already there)."""

    def default_device(self) -> str:
        """The unigrad name of the device new tensors are created on."""

    def native_device(self, device: DeviceLike | None) -> Any:
        """Optional: the framework's device object for a unigrad name; ``None`` stays ``None``."""

    def device_scope(self, device: DeviceLike) -> AbstractContextManager[str]:
        """Optional: a context in which new tensors land on ``device``; yields its unigrad name."""


class Compile(Protocol):
    """Optional: how ``ug.fit`` compiles its step (``core.py``); the defaults need nothing special."""

    def compile_by_default(self) -> bool:
        """Whether ``ug.fit(compile="auto")`` compiles the step; ``False`` by default."""

    def static_shape_compile_options(self) -> dict[str, Any]:
        """Options to ``compile_function`` for one graph per exact input shape; none by default."""

    def fresh_batches_when_compiled(self) -> bool:
        """Whether a compiled step wants each batch as a tensor of its own; ``False`` by default."""
