"""Pooling: ``max_pool2d`` and ``avg_pool2d``, with PyTorch's arguments.

As in :mod:`.conv`: arguments checked and normalized here, once, then the
active backend's ``nn_<name>`` kernel (fused, or the reference definition).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.max_pool2d(ug.ones((1, 2, 6, 6)), 2).shape)
    (1, 2, 3, 3)
"""

from __future__ import annotations

from typing import Any

from ...errors import ShapeError
from ...ops import manipulation
from ...types import Array
from ..reference.windows import pool_output_size
from ._arguments import Size, as_tuple, batched, channels_last, spatial, to_2d
from ._dispatch import current_backend, failed

__all__ = [
    "max_pool2d",
    "avg_pool2d",
]


def _pool_args(
    x: Array,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    data_format: str,
    where: str,
) -> tuple[Any, ...]:
    last = channels_last(data_format, where)
    shape, unbatched = batched(x, 2, last, where)
    kernel = to_2d(as_tuple(kernel_size, 2, "kernel_size", where), 1)
    strides = kernel if stride is None or stride == () else to_2d(as_tuple(stride, 2, "stride", where), 1)
    pads = to_2d(as_tuple(padding, 2, "padding", where), 0)
    dilations = to_2d(as_tuple(dilation, 2, "dilation", where), 1)
    for k, p, d in zip(kernel, pads, dilations, strict=True):
        if p * 2 > d * (k - 1) + 1:
            raise ValueError(
                f"{where}: padding {pads} must be at most half of the kernel {kernel} "
                f"(dilation {dilations}), as PyTorch requires"
            )
    sizes = spatial(shape, last)
    outs = [
        pool_output_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(sizes, kernel, strides, pads, dilations, strict=True)
    ]
    if min(outs) < 1:
        raise ShapeError(
            f"{where}: input of spatial size {sizes} is too small for the kernel {kernel} "
            f"(padding {pads}, dilation {dilations}); the output would be {tuple(outs)}"
        )
    x4 = manipulation.expand_dims(x, axis=0) if unbatched else x
    return x4, unbatched, kernel, strides, pads, dilations, last


def max_pool2d(
    input: Array,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
    data_format: str = "channels_first",
) -> Array:
    """Maximum over windows, as ``torch.nn.functional.max_pool2d`` (``stride`` defaults to the kernel).

    ``return_indices=True`` is not supported (the indices are framework-specific).
    """
    where = "ug.nn.functional.max_pool2d"
    if return_indices:
        raise NotImplementedError(f"{where}: return_indices=True is not supported")
    x, unbatched, kernel, strides, pads, dilations, last = _pool_args(
        input, kernel_size, stride, padding, dilation, ceil_mode, data_format, where
    )
    try:
        y = current_backend().nn_max_pool2d(x, kernel, strides, pads, dilations, ceil_mode, last)
    except Exception as exc:
        y = failed(exc, "nn_max_pool2d", x, kernel, strides, pads, dilations, ceil_mode, last)
    return manipulation.squeeze(y, axis=0) if unbatched else y


def avg_pool2d(
    input: Array,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
    data_format: str = "channels_first",
) -> Array:
    """Mean over windows, as ``torch.nn.functional.avg_pool2d``, padding counted by default."""
    where = "ug.nn.functional.avg_pool2d"
    x, unbatched, kernel, strides, pads, _, last = _pool_args(
        input, kernel_size, stride, padding, 1, ceil_mode, data_format, where
    )
    try:
        y = current_backend().nn_avg_pool2d(
            x, kernel, strides, pads, ceil_mode, count_include_pad, divisor_override, last
        )
    except Exception as exc:
        y = failed(
            exc,
            "nn_avg_pool2d",
            x,
            kernel,
            strides,
            pads,
            ceil_mode,
            count_include_pad,
            divisor_override,
            last,
        )
    return manipulation.squeeze(y, axis=0) if unbatched else y
