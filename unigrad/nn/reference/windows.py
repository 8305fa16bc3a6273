"""What convolution and pooling share: their argument types, output sizes and windows.

Images here are batched NCHW; the kernels move NHWC input to it and back.
The backends' fast paths use :func:`pool_output_size` too, so that the two
paths cannot drift apart in their arithmetic of shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...ops import creation, manipulation
from ...ops.conversion import device_of

__all__ = [
    "Pair",
    "Pads",
    "pool_output_size",
    "padded",
    "windows",
    "channels_first",
    "restore",
]

Pair = tuple[int, int]
"""A size per spatial axis: ``(height, width)``."""
Pads = tuple[Pair, Pair]
"""Explicit padding: ``((top, bottom), (left, right))``."""


def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's ``pooling_output_shape``: a last window must start inside the input or left pad."""
    span = dilation * (kernel - 1) + 1
    out = (size + 2 * pad - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def padded(x: Any, pads: Pads, value: float) -> Any:
    """``x`` (N, C, H, W) with ``value`` rows and columns around it."""
    for axis, (before, after) in ((2, pads[0]), (3, pads[1])):
        if before == after == 0:
            continue
        parts = []
        for amount in (before, after):
            shape = list(x.shape)
            shape[axis] = amount
            parts.append(
                creation.full(tuple(shape), value, dtype=x.dtype, device=device_of(x)) if amount else None
            )
        x = manipulation.concat([p for p in (parts[0], x, parts[1]) if p is not None], axis=axis)
    return x


def windows(padded: Any, kernel: Pair, stride: Pair, dilation: Pair, outs: Sequence[int]) -> list[Any]:
    """One strided slice of ``padded`` per kernel offset, each ``(N, C, OH, OW)``."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, outs
    return [
        padded[:, :, i * dh : i * dh + (oh - 1) * sh + 1 : sh, j * dw : j * dw + (ow - 1) * sw + 1 : sw]
        for i in range(kh)
        for j in range(kw)
    ]


def channels_first(x: Any, channels_last: bool) -> Any:
    """``x`` as NCHW, from NHWC if ``channels_last``."""
    return manipulation.permute_dims(x, (0, 3, 1, 2)) if channels_last else x


def restore(y: Any, channels_last: bool) -> Any:
    """``y`` (NCHW) back in the layout :func:`channels_first` was given."""
    return manipulation.permute_dims(y, (0, 2, 3, 1)) if channels_last else y
