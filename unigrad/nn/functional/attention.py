"""Attention as functions: ``multi_head_attention``, the kernel of :class:`ug.nn.MultiheadAttention`.

Not yet public in ``ug.nn.functional`` (torch's counterpart is
``multi_head_attention_forward``): the layer calls it, and attention
functions to come belong here.
"""

from __future__ import annotations

from ...types import Array
from ._dispatch import current_backend, failed

__all__ = ["multi_head_attention"]


def multi_head_attention(
    query: Array,
    key: Array,
    value: Array,
    num_heads: int,
    in_proj_weight: Array | None,
    in_proj_bias: Array | None,
    separate_weights: tuple[Array, Array, Array] | None,
    out_proj_weight: Array,
    out_proj_bias: Array | None,
    key_padding_mask: Array | None,
    need_weights: bool,
    attn_mask: Array | None,
    average_attn_weights: bool,
    dropout_p: float,
    training: bool,
    batch_first: bool,
) -> tuple[Array, Array | None]:
    """The kernel of :class:`ug.nn.MultiheadAttention`, as ``multi_head_attention_forward``."""
    args = (
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
    try:
        return current_backend().nn_multi_head_attention(*args)
    except Exception as exc:
        return failed(exc, "nn_multi_head_attention", *args)
