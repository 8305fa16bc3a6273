"""Convolution: the reference definition of ``F.conv2d`` (and of ``conv1d``, a height-1 image).

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

from typing import Any

from ...ops import manipulation
from ...ops.products import matmul
from .windows import Pads, Pair, channels_first, padded, pool_output_size, restore, windows

__all__ = ["conv2d"]


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
