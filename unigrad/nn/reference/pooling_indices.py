"""Max pooling with indices, and its inverse: the reference ``max_pool2d_with_indices`` and ``max_unpool2d``.

An index is PyTorch's: the flat position ``h * W + w`` of the maximum in its
``(H, W)`` plane of the unpadded input, the first maximum in row-major order
where a window has several (``argmax`` returns the first, as PyTorch's scan).
"""

from __future__ import annotations

import math
from typing import Any

from ...dtypes import int64
from ...ops import binary, creation, manipulation, searching, statistical
from ...ops.conversion import device_of
from .pooling import pool_pads
from .windows import Pair, channels_first, padded, restore, windows

__all__ = [
    "max_pool2d_with_indices",
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
