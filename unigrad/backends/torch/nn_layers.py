"""Fused PyTorch kernels for the convolution, pooling, normalization, recurrent and attention functions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance). NHWC
input is permuted to a view: PyTorch runs it as a channels-last NCHW tensor
without a copy, and the result permutes back to a contiguous NHWC tensor.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

from unigrad.backends.api import reference

__all__ = [
    "nn_conv2d",
    "nn_max_pool2d",
    "nn_avg_pool2d",
    "nn_batch_norm",
    "nn_lstm",
    "nn_multi_head_attention",
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
        and not (x.requires_grad and torch.is_grad_enabled())
    ):
        # PyTorch's NCHW CPU kernel also finds the argmax indices for a backward pass; with no
        # backward to come, the maximum of strided slices is ~8x faster (32x16x32x32, 2x2),
        # but slower on small inputs, where the slices' own overhead shows (8x8x16x16: 2x slower)
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


def _direction(
    seq: Tensor, h: Tensor, c: Tensor, weights: Sequence[Tensor], reverse: bool
) -> tuple[Tensor, Tensor, Tensor]:
    if reverse:
        seq = seq.flip(0)
    out, h_n, c_n = torch._VF.lstm(
        seq, (h[None], c[None]), list(weights), len(weights) == 4, 1, 0.0, False, False, False
    )
    return (out.flip(0) if reverse else out), h_n[0], c_n[0]


def nn_lstm(
    x: Tensor,
    hx: tuple[Tensor, Tensor],
    weights: Sequence[Tensor],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
) -> tuple[Tensor, Tensor, Tensor]:
    if dropout and training and num_layers > 1:
        # the dropout masks come from ug.random, to be the same on every backend:
        # the layers run one by one, with unigrad's dropout between them
        return reference.recurrent.lstm_layers(
            x, hx, weights, has_biases, num_layers, dropout, training, bidirectional, batch_first, _direction
        )
    output, h_n, c_n = torch._VF.lstm(
        x, hx, list(weights), has_biases, num_layers, 0.0, training, bidirectional, batch_first
    )
    return output, h_n, c_n


def nn_multi_head_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    separate_weights: tuple[Tensor, Tensor, Tensor] | None,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    key_padding_mask: Tensor | None,
    need_weights: bool,
    attn_mask: Tensor | None,
    average_attn_weights: bool,
    dropout_p: float,
    training: bool,
    batch_first: bool,
) -> tuple[Tensor, Tensor | None]:
    if dropout_p > 0.0 and training:  # the dropout mask must come from ug.random
        return reference.multi_head_attention(
            query,
            key,
            value,
            num_heads,
            in_proj_weight,
            in_proj_bias,
            separate_weights,
            out_proj_weight,
            out_proj_bias,
            key_padding_mask,
            need_weights,
            attn_mask,
            average_attn_weights,
            dropout_p,
            training,
            batch_first,
        )
    if batch_first:
        query, key, value = (t.transpose(0, 1) for t in (query, key, value))
    q_w, k_w, v_w = separate_weights if separate_weights is not None else (None, None, None)
    out, weights = F.multi_head_attention_forward(
        query,
        key,
        value,
        query.shape[-1],
        num_heads,
        in_proj_weight,
        in_proj_bias,
        None,
        None,
        False,
        0.0,
        out_proj_weight,
        out_proj_bias,
        training=training,
        key_padding_mask=key_padding_mask,
        need_weights=need_weights,
        attn_mask=attn_mask,
        use_separate_proj_weight=separate_weights is not None,
        q_proj_weight=q_w,
        k_proj_weight=k_w,
        v_proj_weight=v_w,
        average_attn_weights=average_attn_weights,
    )
    return (out.transpose(0, 1) if batch_first else out), weights
