"""The protocol of a backend's ``creation.py``: :class:`Creation`.

Part of :mod:`unigrad.backends.protocol`; import it from there.
"""

from __future__ import annotations

from typing import Any, Protocol

from unigrad.types import Array, DeviceLike, DTypeLike

__all__ = [
    "Creation",
]


class Creation(Protocol):
    """Array API creation functions and ``astype`` (``creation.py``)."""

    def arange(
        self,
        start: float,
        /,
        stop: float | None = None,
        step: float = 1,
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
    ) -> Array:
        """Evenly spaced values in ``[start, stop)``; integers give ``int64``, floats ``float32``."""

    def asarray(
        self,
        obj: Any,
        /,
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        copy: bool | None = None,
    ) -> Array:
        """A tensor of the active backend from a tensor, NumPy array, scalar or nested sequence."""

    def empty(
        self,
        shape: int | tuple[int, ...],
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
    ) -> Array:
        """An uninitialised tensor of ``shape`` (zeros where the framework has no such thing)."""

    def empty_like(
        self, x: Array, /, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None
    ) -> Array:
        """An uninitialised tensor with the shape (and default dtype/device) of ``x``."""

    def eye(
        self,
        n_rows: int,
        n_cols: int | None = None,
        /,
        *,
        k: int = 0,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
    ) -> Array:
        """A 2-d tensor with ones on the ``k``-th diagonal and zeros elsewhere."""

    def from_dlpack(self, x: Any, /, *, device: DeviceLike | None = None, copy: bool | None = None) -> Array:
        """A tensor sharing the memory of any DLPack producer (copied where it must be)."""

    def full(
        self,
        shape: int | tuple[int, ...],
        fill_value: bool | int | float | complex,
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
    ) -> Array:
        """A tensor of ``shape`` filled with ``fill_value``."""

    def full_like(
        self,
        x: Array,
        /,
        fill_value: bool | int | float | complex,
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
    ) -> Array:
        """A tensor shaped like ``x`` filled with ``fill_value``."""

    def linspace(
        self,
        start: float,
        stop: float,
        /,
        num: int,
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        endpoint: bool = True,
    ) -> Array:
        """``num`` evenly spaced values from ``start`` to ``stop``."""

    def meshgrid(self, *arrays: Array, indexing: str = "xy") -> list[Array]:
        """Coordinate grids from 1-d coordinate tensors."""

    def ones(
        self,
        shape: int | tuple[int, ...],
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
    ) -> Array:
        """A tensor of ones."""

    def ones_like(
        self, x: Array, /, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None
    ) -> Array:
        """Ones shaped like ``x``."""

    def tril(self, x: Array, /, *, k: int = 0) -> Array:
        """The lower triangle of the last two axes; the rest zeroed."""

    def triu(self, x: Array, /, *, k: int = 0) -> Array:
        """The upper triangle of the last two axes; the rest zeroed."""

    def zeros(
        self,
        shape: int | tuple[int, ...],
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
    ) -> Array:
        """A tensor of zeros."""

    def zeros_like(
        self, x: Array, /, *, dtype: DTypeLike | None = None, device: DeviceLike | None = None
    ) -> Array:
        """Zeros shaped like ``x``."""

    def astype(
        self, x: Array, dtype: DTypeLike, /, *, copy: bool = True, device: DeviceLike | None = None
    ) -> Array:
        """``x`` cast to ``dtype`` (any unigrad, NumPy or framework dtype)."""
