"""Convolution: the reference definitions of ``F.conv2d`` (``conv1d``: a height-1 image) and ``F.conv3d``.

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

from typing import Any

from ...ops import creation, manipulation
from ...ops.conversion import device_of
from ...ops.products import matmul
from .windows import Pads, Pair, channels_first, padded, pool_output_size, restore, windows

__all__ = ["conv2d", "conv3d", "pad_axis"]

Triple = tuple[int, int, int]
"""A size per spatial axis of a volume: ``(depth, height, width)``."""


def conv2d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Pair,
    padding: Pads,
    dilation: Pair,
    groups: int,
    channels_last: bool,
) -> Any:
    """Cross-correlation as PyTorch's ``conv2d``, by im2col: windows stacked, one batched matmul."""
    x = channels_first(x, channels_last)
    n, _, h, w = (int(s) for s in x.shape)
    out_channels, group_channels, kh, kw = (int(s) for s in weight.shape)
    outs = tuple(
        pool_output_size(size + sum(p), k, s, 0, d, False)
        for size, k, s, p, d in zip((h, w), (kh, kw), stride, padding, dilation, strict=True)
    )
    columns = manipulation.stack(windows(padded(x, padding, 0.0), (kh, kw), stride, dilation, outs), axis=2)
    # (N, C, kH*kW, OH, OW) -> (N, G, C/G*kH*kW, OH*OW): each group's rows in the weight's order
    columns = manipulation.reshape(columns, (n, groups, group_channels * kh * kw, outs[0] * outs[1]))
    kernels = manipulation.reshape(weight, (groups, out_channels // groups, group_channels * kh * kw))
    y = manipulation.reshape(matmul(kernels, columns), (n, out_channels, outs[0], outs[1]))
    if bias is not None:
        y = y + manipulation.reshape(bias, (1, out_channels, 1, 1))
    return restore(y, channels_last)


def pad_axis(x: Any, axis: int, before: int, after: int) -> Any:
    """``x`` with ``before`` and ``after`` zeros along ``axis``; a negative amount crops instead."""
    if before < 0 or after < 0:
        size = int(x.shape[axis])
        index = [slice(None)] * len(x.shape)
        index[axis] = slice(max(-before, 0), size - max(-after, 0))
        x = x[tuple(index)]
        before, after = max(before, 0), max(after, 0)
    parts = []
    for amount in (before, after):
        shape = [int(s) for s in x.shape]
        shape[axis] = amount
        parts.append(creation.zeros(tuple(shape), dtype=x.dtype, device=device_of(x)) if amount else None)
    if parts[0] is None and parts[1] is None:
        return x
    return manipulation.concat([p for p in (parts[0], x, parts[1]) if p is not None], axis=axis)


def conv3d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Triple,
    padding: tuple[Pair, Pair, Pair],
    dilation: Triple,
    groups: int,
    channels_last: bool,
) -> Any:
    """Cross-correlation as PyTorch's ``conv3d``: per depth tap of the kernel, a 2-d convolution of
    the depth slices it meets (depth folded into the batch), summed. ``x`` is NDHWC if ``channels_last``."""
    if channels_last:
        x = manipulation.permute_dims(x, (0, 4, 1, 2, 3))
    x = pad_axis(x, 2, *padding[0])
    n, c, depth, h, w = (int(s) for s in x.shape)
    out_channels, kd = int(weight.shape[0]), int(weight.shape[2])
    out_depth = pool_output_size(depth, kd, stride[0], 0, dilation[0], False)
    total = None
    for tap in range(kd):
        start = tap * dilation[0]
        planes = x[:, :, start : start + (out_depth - 1) * stride[0] + 1 : stride[0]]
        planes = manipulation.reshape(
            manipulation.permute_dims(planes, (0, 2, 1, 3, 4)), (n * out_depth, c, h, w)
        )
        y = conv2d(planes, weight[:, :, tap], None, stride[1:], padding[1:], dilation[1:], groups, False)
        total = y if total is None else total + y
    assert total is not None  # a kernel has at least one depth tap
    _, _, oh, ow = (int(s) for s in total.shape)
    y = manipulation.permute_dims(
        manipulation.reshape(total, (n, out_depth, out_channels, oh, ow)), (0, 2, 1, 3, 4)
    )
    if bias is not None:
        y = y + manipulation.reshape(bias, (1, out_channels, 1, 1, 1))
    return manipulation.permute_dims(y, (0, 2, 3, 4, 1)) if channels_last else y
