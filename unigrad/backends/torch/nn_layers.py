"""Fused PyTorch kernels for the convolution, pooling and normalization functions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance). NHWC
input is permuted to a view: PyTorch runs it as a channels-last NCHW tensor
without a copy, and the result permutes back to a contiguous NHWC tensor.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from unigrad.backends.api import reference

__all__ = [
    "nn_conv2d",
    "nn_max_pool2d",
    "nn_avg_pool2d",
    "nn_batch_norm",
]

Tensor = torch.Tensor
Pair = reference.windows.Pair
Pads = reference.windows.Pads
_SLICED_POOL_FROM = 1 << 16  # elements; measured crossover between 16K (slower) and 128K (3x faster)


def nn_conv2d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    stride: Pair,
    padding: Pads,
    dilation: Pair,
    groups: int,
    channels_last: bool,
) -> Tensor:
    if channels_last:
        x = x.permute(0, 3, 1, 2)
    (top, bottom), (left, right) = padding
    if top == bottom and left == right:
        y = F.conv2d(x, weight, bias, stride, (top, left), dilation, groups)
    else:  # padding="same" with an even kernel; PyTorch pads the same way itself
        y = F.conv2d(F.pad(x, (left, right, top, bottom)), weight, bias, stride, 0, dilation, groups)
    return y.permute(0, 2, 3, 1) if channels_last else y


def nn_max_pool2d(
    x: Tensor,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair,
    ceil_mode: bool,
    channels_last: bool,
) -> Tensor:
    if (
        not channels_last
        and x.device.type == "cpu"
        and x.numel() >= _SLICED_POOL_FROM
        and kernel_size == stride
        and padding == (0, 0)
        and not (x.requires_grad and torch.is_grad_enabled())
    ):
        # PyTorch's NCHW CPU kernel also finds the argmax indices for a backward pass; with no
        # backward to come, the maximum of strided slices over side-by-side windows is ~4x faster
        # (32x16x32x32 or 8x64x56x56, 2x2), but slower on small inputs, where the slices' own
        # overhead shows (8x8x16x16: 2x slower), and over overlapping or padded windows, which
        # read each element more than once or copy the input to pad it (ResNet's 3x3, stride 2,
        # padding 1 over 8x64x112x112: 36 ms sliced, 25 ms torch's)
        return reference.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, channels_last)
    if channels_last:
        x = x.permute(0, 3, 1, 2)
    y = F.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode)
    return y.permute(0, 2, 3, 1) if channels_last else y


def nn_avg_pool2d(
    x: Tensor,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    channels_last: bool,
) -> Tensor:
    if channels_last:
        x = x.permute(0, 3, 1, 2)
    y = F.avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    return y.permute(0, 2, 3, 1) if channels_last else y


def nn_batch_norm(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None,
    bias: Tensor | None,
    training: bool,
    momentum: float,
    eps: float,
    channels_last: bool,
) -> tuple[Tensor, Tensor | None, Tensor | None]:
    if channels_last and x.ndim > 2:
        x = x.movedim(-1, 1)
    # no gradient reaches the statistics, as in the reference definition
    mean, var = _detached(running_mean), _detached(running_var)
    updates = training and mean is not None and var is not None
    if updates:  # PyTorch updates the statistics in place: on copies, so the caller's stay as they were
        mean, var = mean.clone(), var.clone()  # type: ignore[union-attr]
    y = F.batch_norm(x, mean, var, weight, bias, training, momentum, eps)
    if channels_last and x.ndim > 2:
        y = y.movedim(1, -1)
    return (y, mean, var) if updates else (y, None, None)


def _detached(x: Tensor | None) -> Tensor | None:
    return None if x is None else x.detach()
