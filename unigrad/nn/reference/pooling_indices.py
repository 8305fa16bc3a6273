"""Max pooling with indices, and its inverse: the reference ``max_pool2d_with_indices``,
``max_pool3d_with_indices``, ``adaptive_max_pool_with_indices`` and ``max_unpool2d``.

An index is PyTorch's: the flat position ``h * W + w`` (``(d * H + h) * W + w``
for volumes) of the maximum in its plane of the unpadded input, the first
maximum in row-major order where a window has several (``argmax`` returns the
first, as PyTorch's scan).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from ...dtypes import int64
from ...ops import binary, creation, manipulation, searching, statistical
from ...ops.conversion import device_of
from .pooling import pool_pads
from .pooling_nd import adaptive_bounds, padded_nd, pool_pads_nd
from .windows import Pair, channels_first, padded, restore, windows

__all__ = [
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "adaptive_max_pool_with_indices",
    "max_unpool2d",
]


def max_pool2d_with_indices(
    x: Any,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair,
    ceil_mode: bool,
    channels_last: bool,
) -> tuple[Any, Any]:
    """``(maximum, index)`` of each window; the index as PyTorch's ``return_indices=True`` (int64)."""
    x = channels_first(x, channels_last)
    height, width = int(x.shape[2]), int(x.shape[3])
    pads, (oh, ow) = pool_pads((height, width), kernel_size, stride, padding, dilation, ceil_mode)
    taps = manipulation.stack(
        windows(padded(x, pads, -math.inf), kernel_size, stride, dilation, (oh, ow)), axis=0
    )
    tap = searching.argmax(taps, axis=0)
    device = device_of(x)
    rows = creation.arange(0, oh * stride[0], stride[0], dtype=int64, device=device) - padding[0]
    cols = creation.arange(0, ow * stride[1], stride[1], dtype=int64, device=device) - padding[1]
    h = manipulation.reshape(rows, (oh, 1)) + binary.floor_divide(tap, kernel_size[1]) * dilation[0]
    w = manipulation.reshape(cols, (1, ow)) + binary.remainder(tap, kernel_size[1]) * dilation[1]
    index = creation.astype(h * width + w, int64)
    return restore(statistical.max(taps, axis=0), channels_last), restore(index, channels_last)


def max_pool3d_with_indices(
    x: Any,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    ceil_mode: bool,
) -> tuple[Any, Any]:
    """``(maximum, index)`` of each window of ``(N, C, D, H, W)`` input; the index flat in ``D * H * W``."""
    sizes = [int(n) for n in x.shape[2:]]
    pads, outs = pool_pads_nd(sizes, kernel_size, stride, padding, dilation, ceil_mode)
    source = padded_nd(x, pads, -math.inf)
    taps = []
    for offsets in itertools.product(*(range(k) for k in kernel_size)):
        index: list[Any] = [slice(None), slice(None)]
        for o, s, d, n in zip(offsets, stride, dilation, outs, strict=True):
            index.append(slice(o * d, o * d + (n - 1) * s + 1, s))
        taps.append(source[tuple(index)])
    stacked = manipulation.stack(taps, axis=0)
    tap = searching.argmax(stacked, axis=0)  # (N, C, *outs): which offset, row-major over the kernel
    device = device_of(x)
    flat = None
    for axis in range(3):
        inner = math.prod(kernel_size[axis + 1 :])
        offset = binary.remainder(binary.floor_divide(tap, inner), kernel_size[axis])
        starts = creation.arange(0, outs[axis] * stride[axis], stride[axis], dtype=int64, device=device)
        shape = [1, 1, 1]
        shape[axis] = outs[axis]
        position = manipulation.reshape(starts - padding[axis], tuple(shape)) + offset * dilation[axis]
        flat = position if flat is None else flat * sizes[axis] + position
    return statistical.max(stacked, axis=0), creation.astype(flat, int64)


def adaptive_max_pool_with_indices(x: Any, output_size: Sequence[int]) -> tuple[Any, Any]:
    """``(maximum, index)`` over PyTorch's adaptive windows of ``(N, C, *spatial)`` input (1 to 3 axes);
    the index flat in the spatial plane, the first maximum in row-major order."""
    n, c = int(x.shape[0]), int(x.shape[1])
    sizes = [int(s) for s in x.shape[2:]]
    values, indices = [], []
    for cell in itertools.product(
        *(adaptive_bounds(size, out) for size, out in zip(sizes, output_size, strict=True))
    ):
        window = x[(slice(None), slice(None), *(slice(start, end) for start, end in cell))]
        extent = [end - start for start, end in cell]
        flat = manipulation.reshape(window, (n, c, -1))
        local = searching.argmax(flat, axis=2)  # row-major within the window
        where = None
        for axis, (start, _) in enumerate(cell):
            inner = math.prod(extent[axis + 1 :])
            position = binary.remainder(binary.floor_divide(local, inner), extent[axis]) + start
            where = position if where is None else where * sizes[axis] + position
        values.append(statistical.max(flat, axis=2))
        indices.append(creation.astype(where, int64))
    shape = (n, c, *output_size)
    value = manipulation.reshape(manipulation.stack(values, axis=2), shape)
    index = manipulation.reshape(manipulation.stack(indices, axis=2), shape)
    return value, index


def max_unpool2d(x: Any, indices: Any, output_size: Pair) -> Any:
    """Each value of ``x`` (N, C, h, w) placed at its flat index in a zero ``(N, C, *output_size)`` plane.

    Written as a comparison of every index with every output position (memory
    ``h * w * H * W`` per plane: a backend with a scatter should fuse this). An
    index that several windows chose holds the one value they share.
    """
    n, c = int(x.shape[0]), int(x.shape[1])
    plane = output_size[0] * output_size[1]
    values = manipulation.reshape(x, (n, c, -1, 1))
    where = manipulation.reshape(indices, (n, c, -1, 1)) == creation.arange(
        plane, dtype=indices.dtype, device=device_of(x)
    )
    hits = creation.astype(where, x.dtype)
    total = statistical.sum(values * hits, axis=2)
    count = statistical.sum(hits, axis=2)
    y = total / binary.maximum(count, creation.ones_like(count))
    return manipulation.reshape(y, (n, c, *output_size))
