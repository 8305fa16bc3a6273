"""Fused PyTorch kernels for the 3-d and the adaptive pools.

Each takes the normalized arguments of the kernel of the same name in
``unigrad.nn.reference`` (batched channels-first input) and agrees with its
definition there (tests hold the two to tolerance).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

__all__ = [
    "nn_max_pool3d",
    "nn_avg_pool3d",
    "nn_adaptive_avg_pool",
    "nn_adaptive_max_pool",
    "nn_max_pool2d_with_indices",
    "nn_max_pool3d_with_indices",
    "nn_adaptive_max_pool_with_indices",
    "nn_max_unpool2d",
]

Tensor = torch.Tensor

_ADAPTIVE_AVG: tuple[Callable[..., Tensor], ...] = (
    F.adaptive_avg_pool1d,
    F.adaptive_avg_pool2d,
    F.adaptive_avg_pool3d,
)
_ADAPTIVE_MAX: tuple[Callable[..., Tensor], ...] = (
    F.adaptive_max_pool1d,
    F.adaptive_max_pool2d,
    F.adaptive_max_pool3d,
)


def nn_max_pool3d(
    x: Tensor,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    ceil_mode: bool,
) -> Tensor:
    return F.max_pool3d(x, tuple(kernel_size), tuple(stride), tuple(padding), tuple(dilation), ceil_mode)


def nn_avg_pool3d(
    x: Tensor,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
) -> Tensor:
    return F.avg_pool3d(
        x, tuple(kernel_size), tuple(stride), tuple(padding), ceil_mode, count_include_pad, divisor_override
    )


def nn_adaptive_avg_pool(x: Tensor, output_size: Sequence[int]) -> Tensor:
    return _ADAPTIVE_AVG[len(output_size) - 1](x, tuple(output_size))


def nn_adaptive_max_pool(x: Tensor, output_size: Sequence[int]) -> Tensor:
    return _ADAPTIVE_MAX[len(output_size) - 1](x, tuple(output_size))


def nn_max_pool2d_with_indices(
    x: Tensor,
    kernel_size: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    ceil_mode: bool,
    channels_last: bool,
) -> tuple[Tensor, Tensor]:
    if channels_last:
        x = x.permute(0, 3, 1, 2)
    y, index = F.max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, return_indices=True)
    return (y.permute(0, 2, 3, 1), index.permute(0, 2, 3, 1)) if channels_last else (y, index)


def nn_max_pool3d_with_indices(
    x: Tensor,
    kernel_size: Sequence[int],
    stride: Sequence[int],
    padding: Sequence[int],
    dilation: Sequence[int],
    ceil_mode: bool,
) -> tuple[Tensor, Tensor]:
    args = (tuple(kernel_size), tuple(stride), tuple(padding), tuple(dilation), ceil_mode)
    y, index = F.max_pool3d(x, *args, return_indices=True)
    return y, index


def nn_adaptive_max_pool_with_indices(x: Tensor, output_size: Sequence[int]) -> tuple[Tensor, Tensor]:
    y, index = _ADAPTIVE_MAX[len(output_size) - 1](x, tuple(output_size), return_indices=True)
    return y, index


def nn_max_unpool2d(x: Tensor, indices: Tensor, output_size: tuple[int, int]) -> Tensor:
    # the ATen kernel: F.max_unpool2d only adds its check of output_size, made in ug.nn.functional
    return torch._C._nn.max_unpool2d(x, indices, list(output_size))
