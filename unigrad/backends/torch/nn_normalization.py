"""Fused PyTorch kernels for group and RMS normalization.

Each takes the normalized arguments of the kernel of the same name in
``unigrad.nn.reference.normalization`` and agrees with it (tests hold the two
to tolerance). Channels-last input is moved to a channels-first view.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["nn_group_norm", "nn_rms_norm"]

Tensor = torch.Tensor


def nn_group_norm(
    x: Tensor, num_groups: int, weight: Tensor | None, bias: Tensor | None, eps: float, channels_last: bool
) -> Tensor:
    if channels_last and x.ndim > 2:
        return F.group_norm(x.movedim(-1, 1), num_groups, weight, bias, eps).movedim(1, -1)
    return F.group_norm(x, num_groups, weight, bias, eps)


def nn_rms_norm(x: Tensor, normalized_shape: tuple[int, ...], weight: Tensor | None, eps: float) -> Tensor:
    return F.rms_norm(x, list(normalized_shape), weight, eps)
