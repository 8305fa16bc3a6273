"""Transposed convolution: the reference definitions of ``F.conv_transpose2d`` and ``conv_transpose3d``.

A transposed convolution is the gradient of a convolution: a stride-1
convolution of the input spread out by ``stride`` (``stride - 1`` zeros
between its elements), padded by ``dilation * (kernel - 1) - padding`` on each
side (``output_padding`` more at the end; a negative pad crops), with the
kernel flipped and its input and output channels swapped. ``conv_transpose1d``
runs as the 2-d one over a height-1 image. See :mod:`unigrad.nn.reference`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...ops import creation, manipulation
from ...ops.conversion import device_of
from .conv import Triple, conv2d, conv3d, pad_axis
from .windows import Pair

__all__ = ["conv_transpose2d", "conv_transpose3d"]


def _spread(x: Any, axis: int, rate: int) -> Any:
    """``x`` with ``rate - 1`` zeros between its elements along ``axis``."""
    if rate == 1:
        return x
    shape = [int(s) for s in x.shape]
    size = shape[axis]
    gaps = creation.zeros(
        (*shape[: axis + 1], rate - 1, *shape[axis + 1 :]), dtype=x.dtype, device=device_of(x)
    )
    x = manipulation.concat([manipulation.expand_dims(x, axis=axis + 1), gaps], axis=axis + 1)
    shape[axis] = size * rate
    return pad_axis(manipulation.reshape(x, tuple(shape)), axis, 0, 1 - rate)


def _transposed(
    x: Any,
    weight: Any,
    stride: Sequence[int],
    padding: Sequence[int],
    output_padding: Sequence[int],
    dilation: Sequence[int],
    groups: int,
) -> tuple[Any, Any]:
    """The NC... input and the kernel of the stride-1 convolution that the transposed one is."""
    kernel_size = [int(s) for s in weight.shape[2:]]
    for i, (k, s, p, extra, d) in enumerate(
        zip(kernel_size, stride, padding, output_padding, dilation, strict=True)
    ):
        edge = d * (k - 1) - p
        x = pad_axis(_spread(x, 2 + i, s), 2 + i, edge, edge + extra)
    in_channels, group_out = int(weight.shape[0]), int(weight.shape[1])
    spatial_axes = tuple(range(3, 3 + len(kernel_size)))
    kernel = manipulation.reshape(weight, (groups, in_channels // groups, group_out, *kernel_size))
    kernel = manipulation.permute_dims(kernel, (0, 2, 1, *spatial_axes))
    kernel = manipulation.reshape(kernel, (groups * group_out, in_channels // groups, *kernel_size))
    return x, manipulation.flip(kernel, axis=tuple(a - 1 for a in spatial_axes))


def conv_transpose2d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Pair,
    padding: Pair,
    output_padding: Pair,
    dilation: Pair,
    groups: int,
    channels_last: bool,
) -> Any:
    """PyTorch's ``conv_transpose2d``; ``weight`` is ``(in, out / groups, kH, kW)``."""
    if channels_last:
        x = manipulation.permute_dims(x, (0, 3, 1, 2))
    x, kernel = _transposed(x, weight, stride, padding, output_padding, dilation, groups)
    y = conv2d(x, kernel, bias, (1, 1), ((0, 0), (0, 0)), dilation, groups, False)
    return manipulation.permute_dims(y, (0, 2, 3, 1)) if channels_last else y


def conv_transpose3d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Triple,
    padding: Triple,
    output_padding: Triple,
    dilation: Triple,
    groups: int,
    channels_last: bool,
) -> Any:
    """PyTorch's ``conv_transpose3d``; ``weight`` is ``(in, out / groups, kD, kH, kW)``, ``x`` NDHWC if
    ``channels_last``."""
    if channels_last:
        x = manipulation.permute_dims(x, (0, 4, 1, 2, 3))
    x, kernel = _transposed(x, weight, stride, padding, output_padding, dilation, groups)
    y = conv3d(x, kernel, bias, (1, 1, 1), ((0, 0), (0, 0), (0, 0)), dilation, groups, False)
    return manipulation.permute_dims(y, (0, 2, 3, 4, 1)) if channels_last else y
