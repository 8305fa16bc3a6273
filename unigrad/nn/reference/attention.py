"""Attention: the reference definitions of ``nn_scaled_dot_product_attention`` and
``nn_multi_head_attention``.

See :mod:`unigrad.nn.reference` for what a reference definition is. Its
projections and softmax run through ``ug.nn.functional``, and multi-head
attention without weights runs the backend's ``nn_scaled_dot_product_attention``,
so both use the backend's fused kernels where it has them. Dropout draws its
masks from ``ug.random`` (through ``F.dropout``), so one seed drops the same
weights on every backend.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...dtypes import as_dtype
from ...dtypes import bool as bool_dtype
from ...ops import creation, manipulation, statistical
from ...ops.conversion import device_of
from ...ops.products import matmul, matrix_transpose
from ...ops.searching import where
from ...ops.unary import isinf
from ..functional import attention as functional_attention  # (a module: the two import each other)
from ..functional.activation import softmax
from ..functional.dropout import dropout as drop
from ..functional.linear import linear

__all__ = [
    "scaled_dot_product_attention",
    "multi_head_attention",
    "additive_mask",
]


def additive_mask(mask: Any, dtype: Any) -> Any:
    """A boolean mask (True = may not attend) as ``-inf``/0; a float mask as it is, in ``dtype``."""
    if mask is None:
        return None
    if as_dtype(mask.dtype) == bool_dtype:
        zeros = creation.zeros(tuple(mask.shape), dtype=dtype, device=device_of(mask))
        return where(mask, creation.full_like(zeros, -math.inf), zeros)
    return creation.astype(mask, dtype)


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any,
    dropout_p: float,
    is_causal: bool,
    scale: float,
    enable_gqa: bool,
) -> Any:
    """``softmax(query @ key^T * scale + mask) @ value`` as ``torch.nn.functional``'s.

    A boolean ``attn_mask`` keeps the scores where it is True; a float one is
    added; ``is_causal`` keeps the lower triangle of the top-left ``(L, S)``
    square. A row with no score kept gives 0 (and gradient 0), as torch's.
    """
    if enable_gqa:
        repeats = int(query.shape[-3]) // int(key.shape[-3])
        if repeats > 1:  # torch's repeat_interleave: each key head serves a group of query heads
            key, value = (manipulation.repeat(t, repeats, axis=-3) for t in (key, value))
    scores = matmul(query, matrix_transpose(key)) * scale
    masked = is_causal or attn_mask is not None
    if is_causal:
        target, source = int(query.shape[-2]), int(key.shape[-2])
        keep = np.tril(np.ones((target, source), dtype=bool))
        scores = where(creation.asarray(keep, device=device_of(scores)), scores, -math.inf)
    elif attn_mask is not None and as_dtype(attn_mask.dtype) == bool_dtype:
        scores = where(attn_mask, scores, -math.inf)
    elif attn_mask is not None:
        scores = scores + attn_mask
    if masked:
        # a row masked out entirely would be 0/0: softmax over zeros there, then 0 (torch's _safe_softmax)
        empty = isinf(statistical.max(scores, axis=-1, keepdims=True))
        weights = softmax(where(empty, 0.0, scores), axis=-1)
        weights = where(empty, 0.0, weights)
    else:
        weights = softmax(scores, axis=-1)
    if dropout_p > 0.0:
        weights = drop(weights, dropout_p, True)
    return matmul(weights, value)


def _append(t: Any, column: Any, axis: int) -> Any:
    return manipulation.concat([t, column], axis=axis)


def _pad_mask(mask: Any) -> Any:
    """``mask`` with one more key column that every query may attend (False, or 0.0)."""
    if mask is None:
        return None
    shape = (*tuple(int(d) for d in mask.shape[:-1]), 1)
    return _append(mask, creation.zeros(shape, dtype=mask.dtype, device=device_of(mask)), -1)


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
    bias_k: Any = None,
    bias_v: Any = None,
    add_zero_attn: bool = False,
    static_k: Any = None,
    static_v: Any = None,
    is_causal: bool = False,
) -> tuple[Any, Any]:
    """Multi-head attention as ``torch.nn.functional.multi_head_attention_forward``.

    Inputs are ``(N, L, E)`` with ``batch_first`` else ``(L, N, E)``. Weights
    are ``in_proj_weight`` (3E, E), or ``separate_weights`` (q, k, v) when the
    key and value sizes differ from E. ``bias_k``/``bias_v`` ``(1, 1, E)`` are
    appended to the projected keys and values, then ``static_k``/``static_v``
    ``(N * num_heads, S, E / num_heads)`` replace them, then ``add_zero_attn``
    appends a zero key and value (the masks grow with them, as torch's).
    Returns ``(output, weights or None)``.
    """
    if not batch_first:
        query, key, value = (manipulation.permute_dims(t, (1, 0, 2)) for t in (query, key, value))
    n, target, embed = (int(s) for s in query.shape)
    head_dim = embed // num_heads
    projections = separate_weights or tuple(in_proj_weight[i * embed : (i + 1) * embed] for i in range(3))
    biases = (
        [None] * 3 if in_proj_bias is None else [in_proj_bias[i * embed : (i + 1) * embed] for i in range(3)]
    )
    q, k, v = (linear(t, w, b) for t, w, b in zip((query, key, value), projections, biases, strict=True))
    if bias_k is not None and bias_v is not None:
        k, v = (
            _append(t, manipulation.broadcast_to(manipulation.reshape(b, (1, 1, embed)), (n, 1, embed)), 1)
            for t, b in ((k, bias_k), (v, bias_v))
        )
        attn_mask, key_padding_mask = _pad_mask(attn_mask), _pad_mask(key_padding_mask)

    def heads(t: Any, static: Any) -> Any:
        if static is not None:  # already (N * num_heads, S, head_dim)
            return manipulation.reshape(static, (n, num_heads, int(static.shape[1]), head_dim))
        split = manipulation.reshape(t, (n, int(t.shape[1]), num_heads, head_dim))
        return manipulation.permute_dims(split, (0, 2, 1, 3))

    q, k, v = heads(q, None), heads(k, static_k), heads(v, static_v)
    if add_zero_attn:
        zero = creation.zeros((n, num_heads, 1, head_dim), dtype=k.dtype, device=device_of(k))
        k, v = _append(k, zero, 2), _append(v, zero, 2)
        attn_mask, key_padding_mask = _pad_mask(attn_mask), _pad_mask(key_padding_mask)
    source = int(k.shape[2])
    if not training:
        dropout_p = 0.0
    mask = additive_mask(attn_mask, q.dtype)
    if mask is not None and mask.ndim == 3:
        mask = manipulation.reshape(mask, (n, num_heads, target, source))
    padding = additive_mask(key_padding_mask, q.dtype)
    if padding is not None:
        padding = manipulation.reshape(padding, (n, 1, 1, source))
        mask = padding if mask is None else mask + padding
    if not need_weights:
        # torch's is_causal hint: with neither weights nor a padding mask, the causal mask is implicit
        causal = is_causal and key_padding_mask is None
        mixed = functional_attention.attention_kernel(
            q, k, v, None if causal else mask, dropout_p, causal, 1.0 / math.sqrt(head_dim), False
        )
        weights = None
    else:
        scores = matmul(q * (1.0 / math.sqrt(head_dim)), matrix_transpose(k))
        weights = softmax(scores if mask is None else scores + mask, axis=-1)
        if dropout_p > 0.0:
            weights = drop(weights, dropout_p, True)
        mixed = matmul(weights, v)
    out = manipulation.reshape(manipulation.permute_dims(mixed, (0, 2, 1, 3)), (n, target, embed))
    out = linear(out, out_proj_weight, out_proj_bias)
    if not batch_first:
        out = manipulation.permute_dims(out, (1, 0, 2))
    if weights is None:
        return out, None
    return out, statistical.mean(weights, axis=1) if average_attn_weights else weights
