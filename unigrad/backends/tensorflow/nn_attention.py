"""Fused TensorFlow kernels for the attention functions.

Each takes the normalized arguments of the kernels in ``unigrad.nn.reference``
and agrees with the definition there (tests hold the two to tolerance).
Scaled dot-product attention is one graph of batched raw ops (heads stay an
axis, never a Python loop), so it traces into ``tf.function`` and compiles
with XLA. With dropout it uses the reference definition, whose masks come
from ``ug.random``. Multi-head attention has no kernel of its own here: the
reference definition projects with ``nn_linear`` and, without weights, runs
the kernel below.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from unigrad.backends.api import reference

__all__ = ["nn_scaled_dot_product_attention"]


def nn_scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any,
    dropout_p: float,
    is_causal: bool,
    scale: float,
    enable_gqa: bool,
) -> Any:
    if dropout_p > 0.0:
        return reference.scaled_dot_product_attention(
            query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa
        )
    if enable_gqa and query.shape[-3] != key.shape[-3]:
        repeats = int(query.shape[-3]) // int(key.shape[-3])
        key, value = (tf.repeat(t, repeats, axis=t.shape.rank - 3) for t in (key, value))
    scores = tf.linalg.matmul(query, key, transpose_b=True) * tf.constant(scale, query.dtype)
    if is_causal:
        keep = tf.linalg.band_part(tf.ones((query.shape[-2], key.shape[-2]), tf.bool), -1, 0)
        attn_mask = keep
    if attn_mask is None:
        return tf.linalg.matmul(tf.nn.softmax(scores, axis=-1), value)
    if attn_mask.dtype == tf.bool:
        scores = tf.where(attn_mask, scores, tf.constant(float("-inf"), scores.dtype))
    else:
        scores = scores + attn_mask
    # a row masked out entirely would be 0/0: softmax over zeros there, then 0 (torch's _safe_softmax)
    empty = tf.math.is_inf(tf.reduce_max(scores, axis=-1, keepdims=True))
    zero = tf.zeros((), scores.dtype)
    weights = tf.where(empty, zero, tf.nn.softmax(tf.where(empty, zero, scores), axis=-1))
    return tf.linalg.matmul(weights, value)
