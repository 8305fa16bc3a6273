"""Fused PyTorch kernels for padding and resampling: ``F.pad``, ``F.interpolate``, ``F.grid_sample``,
``F.unfold`` and ``F.fold``.

Each takes the checked arguments of the kernels in ``unigrad.nn.reference``
(``padding``, ``vision``, ``fold``) and agrees with the definition there (tested).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

__all__ = ["nn_pad", "nn_interpolate", "nn_grid_sample", "nn_unfold", "nn_fold"]

Tensor = torch.Tensor
_INTERPOLATING = ("linear", "bilinear", "bicubic", "trilinear")
Pair = tuple[int, int]


def nn_pad(x: Tensor, pad: Sequence[int], mode: str, value: float) -> Tensor:
    return F.pad(x, tuple(pad), mode=mode, value=value if mode == "constant" else None)


def nn_interpolate(
    x: Tensor, size: Sequence[int], scales: Sequence[float] | None, mode: str, align_corners: bool
) -> Tensor:
    corners = align_corners if mode in _INTERPOLATING else None
    if scales is None:
        return F.interpolate(x, size=tuple(size), mode=mode, align_corners=corners)
    # the caller's factors, as given: torch steps by their inverse, as the reference does
    return F.interpolate(
        x, scale_factor=tuple(scales), mode=mode, align_corners=corners, recompute_scale_factor=False
    )


def nn_grid_sample(input: Tensor, grid: Tensor, mode: str, padding_mode: str, align_corners: bool) -> Tensor:
    return F.grid_sample(input, grid, mode=mode, padding_mode=padding_mode, align_corners=align_corners)


def nn_unfold(x: Tensor, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair) -> Tensor:
    return F.unfold(x, kernel, dilation=dilation, padding=padding, stride=stride)


def nn_fold(
    x: Tensor, output_size: Pair, kernel: Pair, dilation: Pair, padding: Pair, stride: Pair
) -> Tensor:
    return F.fold(x, output_size, kernel, dilation=dilation, padding=padding, stride=stride)
