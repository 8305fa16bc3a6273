"""Fractional max pooling: ``fractional_max_pool2d``/``3d`` (and ``_with_indices``), as PyTorch's.

Graham's fractional max pooling (https://arxiv.org/abs/1412.6071) takes the
maximum over ``kernel_size`` windows whose starts are spread pseudo-randomly so
that an axis of ``L`` inputs gives ``out`` outputs for any ``out <= L - k + 1``.
Per batch row and channel, one sample ``u`` in ``[0, 1)`` per axis places the
windows; output ``i < out - 1`` of an axis starts at
``int((i + u) * alpha) - int(u * alpha)`` with ``alpha = (L - k) / (out - 1)``,
the last at ``L - k``: PyTorch's sequence, computed in the input's dtype as its
kernel does, so that the same samples give the same windows. The samples come
from ``ug.random`` unless ``_random_samples`` (``(N, C, dims)``; for 2-d input
``[..., 0]`` places the width and ``[..., 1]`` the height, as torch's) is given.

Written once over ug ops: every window's flat positions are gathered, the
first maximum of each (row-major, as torch's scan) picked, and the output
gathered at it, so the gradient flows to that one position as torch's does.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.fractional_max_pool2d(ug.ones((1, 2, 9, 9)), 2, output_size=4).shape)
    (1, 2, 4, 4)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ... import random
from ...dtypes import int64, numpy_dtype
from ...errors import ArgumentError, ShapeError
from ...ops import creation, manipulation, searching, unary
from ...ops._checks import shape_of
from ...ops.conversion import device_of
from ...types import Array
from ._arguments import Size, as_tuple
from .pooling_indices import _with_indices
from .pooling_nd import unvolumes, volumes

__all__ = [
    "fractional_max_pool2d",
    "fractional_max_pool3d",
    "fractional_max_pool2d_with_indices",
    "fractional_max_pool3d_with_indices",
]

Ratio = float | Sequence[float]


def output_sizes(
    sizes: Sequence[int], dims: int, output_size: Size | None, output_ratio: Ratio | None, where: str
) -> tuple[int, ...]:
    """The pooled sizes: ``output_size``, or each input size times ``output_ratio`` rounded down."""
    if output_size is None and output_ratio is None:
        raise ArgumentError(f"{where} requires specifying either an output_size or an output_ratio")
    if output_size is not None:
        return as_tuple(output_size, dims, "output_size", where)
    assert output_ratio is not None
    ratios = (output_ratio,) * dims if isinstance(output_ratio, (int, float)) else tuple(output_ratio)
    if len(ratios) != dims:
        raise ArgumentError(f"{where}: output_ratio must be a number or {dims} numbers, got {output_ratio!r}")
    return tuple(int(size * float(ratio)) for size, ratio in zip(sizes, ratios, strict=True))


def _window_starts(sample: Array, size: int, out: int, kernel: int, dtype: Any) -> Array:
    """``(N, C, out)`` int64 starts of one axis' windows, from its ``(N, C)`` samples (torch's sequence)."""
    n, c = (int(s) for s in sample.shape)
    device = device_of(sample)
    last = creation.full((n, c, 1), size - kernel, dtype=int64, device=device)
    if out == 1:
        return last
    # alpha is divided in the samples' precision, as torch's kernel does (scalar_t arithmetic)
    precision = numpy_dtype(sample.dtype)
    alpha = creation.asarray(
        precision.type(size - kernel) / precision.type(out - 1), dtype=sample.dtype, device=device
    )
    u = manipulation.expand_dims(sample, axis=2)
    steps = manipulation.reshape(creation.arange(out - 1, dtype=sample.dtype, device=device), (1, 1, -1))
    starts = unary.floor((steps + u) * alpha) - unary.floor(u * alpha)
    return manipulation.concat([creation.astype(starts, int64), last], axis=2)


def _fractional(
    input: Array,
    dims: int,
    kernel_size: Size,
    output_size: Size | None,
    output_ratio: Ratio | None,
    return_indices: bool,
    samples: Array | None,
    data_format: str,
) -> Any:
    where = f"ug.nn.functional.fractional_max_pool{dims}d"
    kernel = as_tuple(kernel_size, dims, "kernel_size", where)
    if min(kernel) < 1:
        raise ArgumentError(f"{where}: kernel_size must be greater than 0, got {kernel_size!r}")
    x, unbatched, last = volumes(input, dims, data_format, where)
    n, c, *sizes = (int(s) for s in x.shape)
    outs = output_sizes(sizes, dims, output_size, output_ratio, where)
    names = ("time", "height", "width")[3 - dims :]
    for name, size, out, k in zip(names, sizes, outs, kernel, strict=True):
        if out < 1 or out + k - 1 > size:
            raise ShapeError(
                f"{where}: {out} outputs of a {k}-wide pool need an input {name} of at least {out + k - 1}, "
                f"got {size} (input shape {shape_of(input)}); lower output_size or kernel_size"
            )
    if samples is None:
        samples = random.uniform((n, c, dims), dtype=x.dtype, device=device_of(x))
    else:
        given = shape_of(samples)
        if given is None or len(given) != 3 or given[0] < n or given[1] != c or given[2] != dims:
            raise ShapeError(
                f"{where}: _random_samples must have shape ({n}, {c}, {dims}) (batch, channels, one per "
                f"spatial axis), got {given}"
            )
        samples = creation.astype(samples[:n], x.dtype)
    # torch's 2-d kernel reads sample 0 for the width and 1 for the height; its 3-d one 0, 1, 2 for T, H, W
    which = (1, 0) if dims == 2 else tuple(range(dims))
    flat: Any = None
    for axis in range(dims):
        starts = _window_starts(samples[:, :, which[axis]], sizes[axis], outs[axis], kernel[axis], x.dtype)
        offsets = creation.arange(kernel[axis], dtype=int64, device=device_of(x))
        shape = [n, c] + [1] * (2 * dims)
        shape[2 + axis] = outs[axis]
        position = manipulation.reshape(starts, tuple(shape))
        tap_shape = [1, 1] + [1] * (2 * dims)
        tap_shape[2 + dims + axis] = kernel[axis]
        position = position + manipulation.reshape(offsets, tuple(tap_shape))
        flat = position if flat is None else flat * sizes[axis] + position
    # (N, C, every output, every tap of its window), the taps row-major as torch scans them
    taps = manipulation.reshape(
        manipulation.broadcast_to(flat, (n, c, *outs, *kernel)), (n, c, math.prod(outs), math.prod(kernel))
    )
    plane = manipulation.reshape(x, (n, c, -1))
    values = manipulation.reshape(
        manipulation.take_along_axis(plane, manipulation.reshape(taps, (n, c, -1)), axis=2), tuple(taps.shape)
    )
    first = searching.argmax(values, axis=3, keepdims=True)
    index = manipulation.squeeze(manipulation.take_along_axis(taps, first, axis=3), axis=3)
    y = manipulation.reshape(manipulation.take_along_axis(plane, index, axis=2), (n, c, *outs))
    y = unvolumes(y, dims, unbatched, last)
    if not return_indices:
        return y
    return y, unvolumes(manipulation.reshape(index, (n, c, *outs)), dims, unbatched, last)


def fractional_max_pool2d(
    input: Array,
    kernel_size: Size,
    output_size: Size | None = None,
    output_ratio: Ratio | None = None,
    return_indices: bool = False,
    _random_samples: Array | None = None,
    data_format: str = "channels_first",
) -> Any:
    """Fractional max pooling of ``(N, C, H, W)`` input, as ``torch.nn.functional.fractional_max_pool2d``.

    ``output_size`` or ``output_ratio`` (in ``(0, 1)``) sets the output's
    ``(H, W)``; with ``return_indices``, also the int64 flat ``h * W + w``
    index of each maximum. ``_random_samples`` ``(N, C, 2)`` places the windows
    (drawn from ``ug.random`` when not given).
    """
    return _fractional(
        input, 2, kernel_size, output_size, output_ratio, return_indices, _random_samples, data_format
    )


def fractional_max_pool3d(
    input: Array,
    kernel_size: Size,
    output_size: Size | None = None,
    output_ratio: Ratio | None = None,
    return_indices: bool = False,
    _random_samples: Array | None = None,
    data_format: str = "channels_first",
) -> Any:
    """Fractional max pooling of ``(N, C, T, H, W)`` input, as ``torch``'s ``fractional_max_pool3d``.

    As :func:`fractional_max_pool2d`; the indices are flat ``(t * H + h) * W + w``
    and ``_random_samples`` is ``(N, C, 3)``.
    """
    return _fractional(
        input, 3, kernel_size, output_size, output_ratio, return_indices, _random_samples, data_format
    )


fractional_max_pool2d_with_indices = _with_indices(
    fractional_max_pool2d, "fractional_max_pool2d_with_indices"
)
fractional_max_pool3d_with_indices = _with_indices(
    fractional_max_pool3d, "fractional_max_pool3d_with_indices"
)
