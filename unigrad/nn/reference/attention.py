"""Attention: the reference definition of the kernel behind ``ug.nn.MultiheadAttention``.

See :mod:`unigrad.nn.reference` for what a reference definition is. Its
projections and softmax run through ``ug.nn.functional``, so they use the
backend's fused kernels where it has them.
"""

from __future__ import annotations

import math
from typing import Any

from ...dtypes import as_dtype
from ...dtypes import bool as bool_dtype
from ...ops import creation, manipulation, statistical
from ...ops.conversion import device_of
from ...ops.products import matmul
from ...ops.searching import where
from ..functional.activation import softmax
from ..functional.dropout import dropout as drop
from ..functional.linear import linear

__all__ = [
    "multi_head_attention",
    "additive_mask",
]


def additive_mask(mask: Any, dtype: Any) -> Any:
    """A boolean mask (True = may not attend) as ``-inf``/0; a float mask as it is."""
    if mask is None:
        return None
    if as_dtype(mask.dtype) == bool_dtype:
        zeros = creation.zeros(tuple(mask.shape), dtype=dtype, device=device_of(mask))
        return where(mask, creation.full_like(zeros, -math.inf), zeros)
    return creation.astype(mask, dtype)


def multi_head_attention(
    query: Any,
    key: Any,
    value: Any,
    num_heads: int,
    in_proj_weight: Any,
    in_proj_bias: Any,
    separate_weights: tuple[Any, Any, Any] | None,
    out_proj_weight: Any,
    out_proj_bias: Any,
    key_padding_mask: Any,
    need_weights: bool,
    attn_mask: Any,
    average_attn_weights: bool,
    dropout_p: float,
    training: bool,
    batch_first: bool,
) -> tuple[Any, Any]:
    """Multi-head attention as ``torch.nn.functional.multi_head_attention_forward``.

    Inputs are ``(N, L, E)`` with ``batch_first`` else ``(L, N, E)``. Weights
    are ``in_proj_weight`` (3E, E), or ``separate_weights`` (q, k, v) when the
    key and value sizes differ from E. Returns ``(output, weights or None)``.
    """
    if not batch_first:
        query, key, value = (manipulation.permute_dims(t, (1, 0, 2)) for t in (query, key, value))
    n, target, embed = (int(s) for s in query.shape)
    source, head_dim = int(key.shape[1]), embed // num_heads
    projections = separate_weights or tuple(in_proj_weight[i * embed : (i + 1) * embed] for i in range(3))
    biases = (
        [None] * 3 if in_proj_bias is None else [in_proj_bias[i * embed : (i + 1) * embed] for i in range(3)]
    )
    q, k, v = (
        manipulation.permute_dims(
            manipulation.reshape(linear(t, w, b), (n, length, num_heads, head_dim)), (0, 2, 1, 3)
        )
        for t, w, b, length in zip(
            (query, key, value), projections, biases, (target, source, source), strict=True
        )
    )
    scores = matmul(q * (1.0 / math.sqrt(head_dim)), manipulation.permute_dims(k, (0, 1, 3, 2)))
    mask = additive_mask(attn_mask, scores.dtype)
    if mask is not None and mask.ndim == 3:
        mask = manipulation.reshape(mask, (n, num_heads, target, source))
    padding = additive_mask(key_padding_mask, scores.dtype)
    if padding is not None:
        padding = manipulation.reshape(padding, (n, 1, 1, source))
        mask = padding if mask is None else mask + padding
    if mask is not None:
        scores = scores + mask
    weights = softmax(scores, axis=-1)
    if dropout_p > 0.0 and training:
        weights = drop(weights, dropout_p, True)
    out = manipulation.reshape(
        manipulation.permute_dims(matmul(weights, v), (0, 2, 1, 3)), (n, target, embed)
    )
    out = linear(out, out_proj_weight, out_proj_bias)
    if not batch_first:
        out = manipulation.permute_dims(out, (1, 0, 2))
    if not need_weights:
        return out, None
    return out, statistical.mean(weights, axis=1) if average_attn_weights else weights
