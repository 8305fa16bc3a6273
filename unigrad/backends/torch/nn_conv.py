"""Fused PyTorch kernels for the transposed and the 3-d convolutions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance).
Channels-last input is permuted to a view, as in ``nn_layers``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from unigrad.backends.api import reference

__all__ = ["nn_conv3d", "nn_conv_transpose2d", "nn_conv_transpose3d"]

Tensor = torch.Tensor
Pair = reference.windows.Pair
Triple = tuple[int, int, int]
_TO_NCDHW, _TO_NDHWC = (0, 4, 1, 2, 3), (0, 2, 3, 4, 1)


def nn_conv3d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Triple,
    padding: tuple[Pair, Pair, Pair],
    dilation: Triple,
    groups: int,
    channels_last: bool,
) -> Tensor:
    if channels_last:
        x = x.permute(*_TO_NCDHW)
    if all(before == after for before, after in padding):
        y = F.conv3d(x, weight, bias, stride, tuple(before for before, _ in padding), dilation, groups)
    else:  # padding="same" with an even kernel
        pads = [amount for pair in reversed(padding) for amount in pair]
        y = F.conv3d(F.pad(x, pads), weight, bias, stride, 0, dilation, groups)
    return y.permute(*_TO_NDHWC) if channels_last else y


def nn_conv_transpose2d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Pair,
    padding: Pair,
    output_padding: Pair,
    dilation: Pair,
    groups: int,
    channels_last: bool,
) -> Tensor:
    if channels_last:
        x = x.permute(0, 3, 1, 2)
    y = F.conv_transpose2d(x, weight, bias, stride, padding, output_padding, groups, dilation)
    return y.permute(0, 2, 3, 1) if channels_last else y


def nn_conv_transpose3d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Triple,
    padding: Triple,
    output_padding: Triple,
    dilation: Triple,
    groups: int,
    channels_last: bool,
) -> Tensor:
    if channels_last:
        x = x.permute(*_TO_NCDHW)
    y = F.conv_transpose3d(x, weight, bias, stride, padding, output_padding, groups, dilation)
    return y.permute(*_TO_NDHWC) if channels_last else y
