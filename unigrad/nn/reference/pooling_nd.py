"""Pooling of any rank: the reference definitions of the 3-d pools and the adaptive pools.

Input is batched and channels-first, ``(N, C, *spatial)``; ``ug.nn.functional``
has checked the arguments and moved channels-last input. A box's maximum or
mean is the maximum or mean along one axis after another, so the adaptive
pools reduce one spatial axis at a time: a reshape and one reduction where the
axis divides evenly (ResNet's ``AdaptiveAvgPool2d((1, 1))``), else one slice
per output index with PyTorch's bounds (:func:`adaptive_bounds`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ...ops import creation, manipulation, statistical
from ...ops.conversion import device_of
from .pooling import _as_constant, avg_pool_divisor, ceil_extra
from .windows import pool_output_size

__all__ = [
    "max_pool3d",
    "avg_pool3d",
    "adaptive_avg_pool",
    "adaptive_max_pool",
    "adaptive_bounds",
    "pool_pads_nd",
    "padded_nd",
]


def pool_pads_nd(
    shape: Sequence[int],
    kernel: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    ceil_mode: bool,
) -> tuple[list[tuple[int, int]], list[int]]:
    """Explicit ``(before, after)`` pads per spatial axis, and the output sizes."""
    args = [(shape[a], kernel[a], stride[a], padding[a], dilation[a]) for a in range(len(shape))]
    outs = [pool_output_size(*axis, ceil_mode) for axis in args]
    pads = [(axis[3], axis[3] + ceil_extra(*axis, out)) for axis, out in zip(args, outs, strict=True)]
    return pads, outs


def padded_nd(x: Any, pads: Sequence[tuple[int, int]], value: float) -> Any:
    """``x`` (N, C, *spatial) padded with ``value``: ``(before, after)`` per spatial axis."""
    for axis, (before, after) in enumerate(pads, start=2):
        parts = []
        for amount in (before, after):
            shape = list(x.shape)
            shape[axis] = amount
            parts.append(
                creation.full(tuple(shape), value, dtype=x.dtype, device=device_of(x)) if amount else None
            )
        if before or after:
            x = manipulation.concat([p for p in (parts[0], x, parts[1]) if p is not None], axis=axis)
    return x


def _reduce_windows(
    x: Any,
    kernel: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
    outs: Sequence[int],
    reduce: Callable[..., Any],
) -> Any:
    # one axis at a time: the box reduction is separable for max and sum
    for a, (k, s, d, o) in enumerate(zip(kernel, stride, dilation, outs, strict=True)):
        index: list[Any] = [slice(None)] * len(x.shape)
        taps = []
        for i in range(k):
            index[2 + a] = slice(i * d, i * d + (o - 1) * s + 1, s)
            taps.append(x[tuple(index)])
        x = reduce(manipulation.stack(taps, axis=0), axis=0)
    return x


def max_pool3d(
    x: Any,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    ceil_mode: bool,
) -> Any:
    """Maximum over each window of ``(N, C, D, H, W)`` input; padding never wins (it is -inf)."""
    pads, outs = pool_pads_nd(tuple(x.shape[2:]), kernel_size, stride, padding, dilation, ceil_mode)
    return _reduce_windows(
        padded_nd(x, pads, -math.inf), kernel_size, stride, dilation, outs, statistical.max
    )


def avg_pool3d(
    x: Any,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Any:
    """Mean over each window of ``(N, C, D, H, W)`` input, with PyTorch's count of what a window holds."""
    shape = tuple(int(s) for s in x.shape[2:])
    ones = (1,) * len(shape)
    pads, outs = pool_pads_nd(shape, kernel_size, stride, padding, ones, ceil_mode)
    total = _reduce_windows(padded_nd(x, pads, 0.0), kernel_size, stride, ones, outs, statistical.sum)
    divisor = avg_pool_divisor(shape, kernel_size, stride, padding, outs, count_include_pad, divisor_override)
    return total / _as_constant(divisor, x)


def adaptive_bounds(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's window of output index ``i``: ``[floor(i*size/out), ceil((i+1)*size/out))``."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def _adaptive(x: Any, output_size: Sequence[int], reduce: Callable[..., Any]) -> Any:
    for axis, out in enumerate(output_size, start=2):
        size = int(x.shape[axis])
        if size == out:
            continue
        if out == 1:
            x = reduce(x, axis=axis, keepdims=True)
        elif size % out == 0:
            shape = (*x.shape[:axis], out, size // out, *x.shape[axis + 1 :])
            x = reduce(manipulation.reshape(x, shape), axis=axis + 1)
        else:
            index: list[Any] = [slice(None)] * len(x.shape)
            parts = []
            for start, end in adaptive_bounds(size, out):
                index[axis] = slice(start, end)
                parts.append(reduce(x[tuple(index)], axis=axis, keepdims=True))
            x = manipulation.concat(parts, axis=axis)
    return x


def adaptive_avg_pool(x: Any, output_size: Sequence[int]) -> Any:
    """Mean over PyTorch's adaptive windows; ``len(output_size)`` spatial axes follow ``(N, C)``."""
    return _adaptive(x, output_size, statistical.mean)


def adaptive_max_pool(x: Any, output_size: Sequence[int]) -> Any:
    """Maximum over PyTorch's adaptive windows; ``len(output_size)`` spatial axes follow ``(N, C)``."""
    return _adaptive(x, output_size, statistical.max)
