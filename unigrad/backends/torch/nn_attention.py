"""Fused PyTorch kernels for the attention functions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from unigrad.backends.api import reference

__all__ = ["nn_multi_head_attention"]

Tensor = torch.Tensor


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
