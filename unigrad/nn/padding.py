"""Padding layers, as ``torch.nn``: ``ZeroPad2d``, ``ConstantPad2d``, ``ReflectionPad2d``, ...

Each is :func:`unigrad.nn.functional.pad` with a fixed ``padding`` tuple (an int
pads every side alike), with torch's arguments and repr.

Examples:
    >>> import unigrad as ug
    >>> tuple(ug.nn.ReflectionPad1d(1)(ug.asarray([[[1.0, 2.0, 3.0]]])).shape)
    (1, 1, 5)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ArgumentError
from . import functional as F
from .module import Module

__all__ = [
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
]


def _padding(name: str, padding: int | Sequence[int], dims: int) -> tuple[int, ...]:
    if isinstance(padding, int):
        return (padding,) * (2 * dims)
    padding = tuple(int(p) for p in padding)
    if len(padding) != 2 * dims:
        raise ArgumentError(f"{name}: padding must be an int or {2 * dims} ints, got {padding}")
    return padding


class _PadNd(Module):
    mode = "constant"
    dims = 1

    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__()
        self.padding = _padding(type(self).__name__, padding, self.dims)

    def forward(self, x: Any) -> Any:
        return F.pad(x, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: int | Sequence[int], value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, x: Any) -> Any:
        return F.pad(x, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dimension with ``value``: ``padding`` is an int or ``(left, right)``."""

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two dimensions with ``value``: ``(left, right, top, bottom)``."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three dimensions with ``value``: ``(left, right, top, bottom, front, back)``."""

    dims = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: int | Sequence[int]) -> None:
        super().__init__(padding, 0.0)

    extra_repr = _PadNd.extra_repr  # torch shows the padding alone, the value being always 0


class ZeroPad1d(_ZeroPadNd):
    """Pad the last dimension with zeros."""

    dims = 1


class ZeroPad2d(_ZeroPadNd):
    """Pad the last two dimensions with zeros."""

    dims = 2


class ZeroPad3d(_ZeroPadNd):
    """Pad the last three dimensions with zeros."""

    dims = 3


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class ReflectionPad1d(_ReflectionPadNd):
    """Pad the last dimension with its reflection (the edge not repeated)."""

    dims = 1


class ReflectionPad2d(_ReflectionPadNd):
    """Pad the last two dimensions with their reflection."""

    dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Pad the last three dimensions with their reflection."""

    dims = 3


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class ReplicationPad1d(_ReplicationPadNd):
    """Pad the last dimension by repeating its edge."""

    dims = 1


class ReplicationPad2d(_ReplicationPadNd):
    """Pad the last two dimensions by repeating their edges."""

    dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Pad the last three dimensions by repeating their edges."""

    dims = 3


class _CircularPadNd(_PadNd):
    mode = "circular"


class CircularPad1d(_CircularPadNd):
    """Pad the last dimension by wrapping around."""

    dims = 1


class CircularPad2d(_CircularPadNd):
    """Pad the last two dimensions by wrapping around."""

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Pad the last three dimensions by wrapping around."""

    dims = 3
