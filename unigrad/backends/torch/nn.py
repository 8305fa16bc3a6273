"""Fused PyTorch kernels for ``ug.nn.functional``, each agreeing with its ``unigrad.nn.reference``."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from unigrad.backends.api import check_indices

__all__ = [
    "nn_linear",
    "nn_relu",
    "nn_leaky_relu",
    "nn_relu6",
    "nn_gelu",
    "nn_sigmoid",
    "nn_tanh",
    "nn_softmax",
    "nn_log_softmax",
    "nn_erf",
    "nn_layer_norm",
    "nn_embedding",
    "nn_sparse_cross_entropy",
    "nn_ctc_loss",
]

Tensor = torch.Tensor

nn_linear = F.linear
nn_sigmoid = torch.sigmoid
nn_tanh = torch.tanh
nn_erf = torch.special.erf


def nn_relu(x: Tensor, inplace: bool = False) -> Tensor:
    return torch.relu_(x) if inplace else torch.relu(x)


def nn_leaky_relu(x: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    return F.leaky_relu(x, negative_slope, inplace)


def nn_relu6(x: Tensor, inplace: bool = False) -> Tensor:
    return F.relu6(x, inplace)


def nn_gelu(x: Tensor, approximate: str = "none") -> Tensor:
    return F.gelu(x, approximate=approximate)


def nn_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return torch.softmax(x, axis)


def nn_log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return torch.log_softmax(x, axis)


def nn_layer_norm(
    x: Tensor, normalized_shape: tuple[int, ...], weight: Any = None, bias: Any = None, eps: float = 1e-5
) -> Tensor:
    return F.layer_norm(x, tuple(normalized_shape), weight, bias, eps)


def nn_embedding(indices: Tensor, weight: Tensor) -> Tensor:
    # checked first: on CUDA an index out of range is a device-side assert
    if indices.numel():
        low, high = torch.aminmax(indices)
        check_indices("ug.nn.functional.embedding", indices, int(weight.shape[0]), 0, (int(low), int(high)))
    return F.embedding(torch.where(indices < 0, indices + weight.shape[0], indices), weight)


def nn_sparse_cross_entropy(
    logits: Tensor, labels: Tensor, ignore_index: int = -100, reduction: str = "none", ignored: bool = True
) -> Tensor:
    # PyTorch's own reduction: "mean" divides by the samples not ignored, as the definition
    return F.cross_entropy(logits, labels, ignore_index=ignore_index, reduction=reduction)


def nn_ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths: Tensor,
    target_lengths: Tensor,
    blank: int,
    zero_infinity: bool,
) -> Tensor:
    return torch.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, 0, zero_infinity)
