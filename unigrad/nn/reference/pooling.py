"""Pooling: the reference definitions of ``F.max_pool2d`` and ``F.avg_pool2d``, and their shapes.

See :mod:`unigrad.nn.reference` for what a reference definition is. The
helpers :func:`pool_pads` and :func:`avg_pool_divisor` serve the backends'
fast paths as well, so that PyTorch's window counting is written once.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...ops import creation, manipulation, statistical
from ...ops.conversion import device_of
from .windows import Pads, Pair, channels_first, padded, pool_output_size, restore, windows

__all__ = [
    "max_pool2d",
    "avg_pool2d",
    "ceil_extra",
    "pool_pads",
    "avg_pool_divisor",
]


def ceil_extra(size: int, kernel: int, stride: int, pad: int, dilation: int, out: int) -> int:
    """Padding past the right pad that ``ceil_mode``'s last window reaches into."""
    return max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - (size + 2 * pad))


def pool_pads(
    shape: Sequence[int], kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceil_mode: bool
) -> tuple[Pads, Pair]:
    """Explicit ``((top, bottom), (left, right))`` pads of a pool, and its output size."""
    args = [(shape[a], kernel[a], stride[a], padding[a], dilation[a]) for a in (0, 1)]
    outs = [pool_output_size(*axis, ceil_mode) for axis in args]
    pads = [(axis[3], axis[3] + ceil_extra(*axis, out)) for axis, out in zip(args, outs, strict=True)]
    return (pads[0], pads[1]), (outs[0], outs[1])


def avg_pool_divisor(
    shape: Sequence[int],
    kernel: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    outs: Sequence[int],
    count_include_pad: bool,
    divisor_override: int | None,
) -> np.ndarray[Any, Any] | float:
    """What each window's sum is divided by, as PyTorch's CPU kernel counts it.

    A scalar where every window has the same count, else an array of the
    output's spatial shape (any rank).
    Windows that ``ceil_mode`` lets run past the right pad count the pad, not
    the overrun; ``count_include_pad=False`` counts only input elements.
    """
    if divisor_override:
        return float(divisor_override)
    counts = []
    for a in range(len(kernel)):
        start = np.arange(outs[a]) * stride[a] - padding[a]
        end = np.minimum(start + kernel[a], shape[a] + padding[a])
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, shape[a])
        counts.append(end - start)
    divisor = functools.reduce(np.multiply.outer, counts).astype(np.float64)
    return float(divisor.flat[0]) if np.all(divisor == divisor.flat[0]) else divisor


def _as_constant(value: np.ndarray[Any, Any] | float, like: Any) -> Any:
    if isinstance(value, float):
        return value
    return creation.asarray(value, dtype=like.dtype, device=device_of(like))


def max_pool2d(
    x: Any,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair,
    ceil_mode: bool,
    channels_last: bool,
) -> Any:
    """Maximum over each window; padding never wins (it is -inf)."""
    x = channels_first(x, channels_last)
    pads, outs = pool_pads(tuple(x.shape[2:]), kernel_size, stride, padding, dilation, ceil_mode)
    slices = windows(padded(x, pads, -math.inf), kernel_size, stride, dilation, outs)
    return restore(statistical.max(manipulation.stack(slices, axis=0), axis=0), channels_last)


def avg_pool2d(
    x: Any,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    channels_last: bool,
) -> Any:
    """Mean over each window, with PyTorch's count of what a window holds."""
    x = channels_first(x, channels_last)
    shape = tuple(int(s) for s in x.shape[2:])
    pads, outs = pool_pads(shape, kernel_size, stride, padding, (1, 1), ceil_mode)
    slices = windows(padded(x, pads, 0.0), kernel_size, stride, (1, 1), outs)
    total = statistical.sum(manipulation.stack(slices, axis=0), axis=0)
    divisor = avg_pool_divisor(shape, kernel_size, stride, padding, outs, count_include_pad, divisor_override)
    return restore(total / _as_constant(divisor, x), channels_last)
