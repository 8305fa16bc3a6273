"""Adaptive pooling: ``adaptive_avg_pool{1,2,3}d`` and ``adaptive_max_pool{1,2,3}d``, as PyTorch's.

The output size is given; each output index ``i`` of an axis of size ``L``
pools ``[floor(i*L/out), ceil((i+1)*L/out))``. A ``None`` entry of
``output_size`` keeps that axis' size. The kernels (``nn_adaptive_avg_pool``,
``nn_adaptive_max_pool``) take batched channels-first input of any rank.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.adaptive_avg_pool2d(ug.ones((2, 3, 7, 7)), 1).shape)
    (2, 3, 1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...errors import ShapeError
from ...ops.statistical import mean
from ...types import Array
from ._dispatch import current_backend, failed
from .pooling_nd import to_channels_first, unvolumes, volumes

__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
]

OutputSize = int | None | Sequence[int | None]


def _output_size(output_size: OutputSize, sizes: Sequence[int], where: str) -> tuple[int, ...]:
    dims = len(sizes)
    if output_size is None or isinstance(output_size, int):
        given: tuple[int | None, ...] = (output_size,) * dims
    else:
        given = tuple(output_size)
    if len(given) != dims:
        raise ShapeError(f"{where}: output_size must be an int or {dims} ints (or None), got {output_size!r}")
    outs = tuple(size if out is None else int(out) for out, size in zip(given, sizes, strict=True))
    if min(outs) < 1 or min(sizes) < 1:
        raise ShapeError(
            f"{where}: output_size {outs} and input spatial size {tuple(sizes)} must all be positive"
        )
    return outs


def _adaptive(
    input: Array, dims: int, output_size: OutputSize, kind: str, data_format: str, indices: bool = False
) -> Any:
    where = f"ug.nn.functional.adaptive_{kind}_pool{dims}d"
    x, unbatched, last = volumes(input, dims, data_format, where, channels_first=False)
    sizes = x.shape[1:-1] if last else x.shape[2:]
    outs = _output_size(output_size, tuple(int(s) for s in sizes), where)
    if last:
        if kind == "avg" and all(out == 1 for out in outs):
            # a global average of channels-last input: one mean over its own image axes, without
            # the transposes to channels-first and back (each a copy of the input on TensorFlow)
            return mean(input, axis=tuple(range(input.ndim - 1 - dims, input.ndim - 1)), keepdims=True)
        x = to_channels_first(x, dims)
    name = f"nn_adaptive_{kind}_pool" + ("_with_indices" if indices else "")
    try:
        y = getattr(current_backend(), name)(x, outs)
    except Exception as exc:
        y = failed(exc, name, x, outs)
    if indices:
        return tuple(unvolumes(part, dims, unbatched, last) for part in y)
    return unvolumes(y, dims, unbatched, last)


def adaptive_avg_pool1d(input: Array, output_size: OutputSize, data_format: str = "channels_first") -> Array:
    """Mean over adaptive windows of ``(N, C, L)`` input, as ``torch.nn.functional.adaptive_avg_pool1d``."""
    return _adaptive(input, 1, output_size, "avg", data_format)


def adaptive_avg_pool2d(input: Array, output_size: OutputSize, data_format: str = "channels_first") -> Array:
    """Mean over adaptive windows of ``(N, C, H, W)`` input, as ``torch``'s ``adaptive_avg_pool2d``."""
    return _adaptive(input, 2, output_size, "avg", data_format)


def adaptive_avg_pool3d(input: Array, output_size: OutputSize, data_format: str = "channels_first") -> Array:
    """Mean over adaptive windows of ``(N, C, D, H, W)`` input, as ``torch``'s ``adaptive_avg_pool3d``."""
    return _adaptive(input, 3, output_size, "avg", data_format)


def adaptive_max_pool1d(
    input: Array, output_size: OutputSize, return_indices: bool = False, data_format: str = "channels_first"
) -> Any:
    """Maximum over adaptive windows of ``(N, C, L)`` input, as ``torch``'s ``adaptive_max_pool1d``;
    with ``return_indices``, also PyTorch's int64 index of each maximum."""
    return _adaptive(input, 1, output_size, "max", data_format, return_indices)


def adaptive_max_pool2d(
    input: Array, output_size: OutputSize, return_indices: bool = False, data_format: str = "channels_first"
) -> Any:
    """Maximum over adaptive windows of ``(N, C, H, W)`` input, as ``torch``'s ``adaptive_max_pool2d``;
    with ``return_indices``, also PyTorch's int64 flat ``h * W + w`` index of each maximum."""
    return _adaptive(input, 2, output_size, "max", data_format, return_indices)


def adaptive_max_pool3d(
    input: Array, output_size: OutputSize, return_indices: bool = False, data_format: str = "channels_first"
) -> Any:
    """Maximum over adaptive windows of ``(N, C, D, H, W)`` input, as ``torch``'s ``adaptive_max_pool3d``;
    with ``return_indices``, also PyTorch's int64 flat ``(d * H + h) * W + w`` index of each maximum."""
    return _adaptive(input, 3, output_size, "max", data_format, return_indices)
