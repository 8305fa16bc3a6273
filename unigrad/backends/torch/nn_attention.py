"""Fused PyTorch kernels for the attention functions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance). With
dropout both use the reference definition: its masks must come from
``ug.random``, which torch's fused kernels cannot take.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from unigrad.backends.api import reference

__all__ = ["nn_scaled_dot_product_attention", "nn_multi_head_attention"]

Tensor = torch.Tensor


def nn_scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None,
    dropout_p: float,
    is_causal: bool,
    scale: float,
    enable_gqa: bool,
) -> Tensor:
    if dropout_p > 0.0:
        return reference.scaled_dot_product_attention(
            query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa
        )
    return F.scaled_dot_product_attention(
        query, key, value, attn_mask=attn_mask, is_causal=is_causal, scale=scale, enable_gqa=enable_gqa
    )


def _additive(mask: Tensor, dtype: torch.dtype) -> Tensor:
    if mask.dtype != torch.bool:
        return mask
    return torch.zeros_like(mask, dtype=dtype).masked_fill_(mask, float("-inf"))


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
    bias_k: Tensor | None = None,
    bias_v: Tensor | None = None,
    add_zero_attn: bool = False,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    is_causal: bool = False,
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
            bias_k,
            bias_v,
            add_zero_attn,
            static_k,
            static_v,
            is_causal,
        )
    if batch_first:
        query, key, value = (t.transpose(0, 1) for t in (query, key, value))
    if key_padding_mask is not None and attn_mask is not None and key_padding_mask.dtype != attn_mask.dtype:
        # what torch does to masks of mixed types, without its warning again (ug.nn.functional gave it)
        key_padding_mask, attn_mask = (_additive(m, query.dtype) for m in (key_padding_mask, attn_mask))
    q_w, k_w, v_w = separate_weights if separate_weights is not None else (None, None, None)
    out, weights = F.multi_head_attention_forward(
        query,
        key,
        value,
        query.shape[-1],
        num_heads,
        in_proj_weight,
        in_proj_bias,
        bias_k,
        bias_v,
        add_zero_attn,
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
        static_k=static_k,
        static_v=static_v,
        average_attn_weights=average_attn_weights,
        is_causal=is_causal,
    )
    return (out.transpose(0, 1) if batch_first else out), weights
