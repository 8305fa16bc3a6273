"""Attention as functions, as ``torch.nn.functional``: ``scaled_dot_product_attention`` and
``multi_head_attention_forward``.

Each checks its arguments once, here, over Python ints (so every backend raises
the same error), then runs the active backend's kernel:
``nn_scaled_dot_product_attention`` (torch's fused one on PyTorch, one graph of
raw ops on TensorFlow) and ``nn_multi_head_attention``, the kernel of
:class:`ug.nn.MultiheadAttention`. Attention dropout draws its masks from
:mod:`unigrad.random`, so one seed drops the same weights on every backend.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> q = ug.ones((2, 3, 4, 8))
    >>> tuple(F.scaled_dot_product_attention(q, q, q, is_causal=True).shape)
    (2, 3, 4, 8)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ...dtypes import as_dtype, isdtype
from ...dtypes import bool as bool_dtype
from ...errors import ArgumentError, DTypeError, ShapeError
from ...ops import manipulation
from ...ops._checks import shape_of
from ...types import Array
from ._dispatch import current_backend, failed

__all__ = [
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
    "multi_head_attention",
]

_SDPA = "scaled_dot_product_attention"


# (no import of ._arguments or .dropout here: the reference definitions import this module)
def _shape(x: Any, what: str, where: str) -> tuple[int, ...]:
    shape = shape_of(x)
    if shape is None and getattr(x, "shape", None) is not None:
        raise ShapeError(
            f"{where} needs a {what} of known shape, got {x.shape}; trace the function with fixed "
            "shapes (for tf.function, an input_signature without None dimensions)"
        )
    if shape is None:
        raise ShapeError(f"{where}: {what} must be a tensor, got {type(x).__name__}")
    return shape


def _broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return tuple(int(d) for d in np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def _is_float(x: Any) -> bool:
    return bool(isdtype(as_dtype(x.dtype), "real floating"))


def _is_bool(x: Any) -> bool:
    return as_dtype(x.dtype) == bool_dtype


def attention_kernel(
    query: Array,
    key: Array,
    value: Array,
    attn_mask: Array | None,
    dropout_p: float,
    is_causal: bool,
    scale: float,
    enable_gqa: bool,
) -> Array:
    """The backend's ``nn_scaled_dot_product_attention`` on arguments already checked (``scale`` a float)."""
    args = (query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)
    try:
        return current_backend().nn_scaled_dot_product_attention(*args)
    except Exception as exc:
        return failed(exc, "nn_scaled_dot_product_attention", *args)


def scaled_dot_product_attention(
    query: Array,
    key: Array,
    value: Array,
    attn_mask: Array | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Array:
    """``softmax(query @ key^T * scale + mask) @ value``, as ``torch.nn.functional``'s.

    ``query`` is ``(..., L, E)``, ``key`` ``(..., S, E)``, ``value`` ``(..., S, Ev)``;
    the leading axes broadcast. A boolean ``attn_mask`` says which scores take
    part (True) and a float one is added; either broadcasts to ``(..., L, S)``.
    ``is_causal`` masks the scores above the diagonal of the top-left ``(L, S)``
    square (with no ``attn_mask``). ``scale`` defaults to ``1 / sqrt(E)``. With
    ``enable_gqa`` the key and value heads (axis -3) are repeated to the query's
    head count. Rows with no score taking part give 0, as torch's. Dropout
    (always applied when ``dropout_p > 0``, as torch's) draws from ``ug.random``.

    Returns:
        ``(..., L, Ev)`` in the inputs' dtype.

    Examples:
        >>> import unigrad as ug
        >>> import unigrad.nn.functional as F
        >>> q, k, v = ug.ones((2, 4, 3, 8)), ug.ones((2, 2, 5, 8)), ug.ones((2, 2, 5, 6))
        >>> tuple(F.scaled_dot_product_attention(q, k, v, enable_gqa=True).shape)
        (2, 4, 3, 6)
    """
    shapes = [_shape(t, name, _SDPA) for t, name in ((query, "query"), (key, "key"), (value, "value"))]
    q_shape, k_shape, v_shape = shapes
    given = ", ".join(f"{name} {s}" for name, s in zip(("query", "key", "value"), shapes, strict=True))
    if min(len(s) for s in shapes) < 2 or q_shape[-1] != k_shape[-1] or k_shape[-2] != v_shape[-2]:
        raise ShapeError(
            f"{_SDPA}: expected query (..., L, E), key (..., S, E) and value (..., S, Ev); got {given}"
        )
    dtypes = {as_dtype(t.dtype) for t in (query, key, value)}
    if len(dtypes) != 1 or not _is_float(query):
        raise DTypeError(
            f"{_SDPA}: query, key and value must have one floating-point dtype, got "
            f"{', '.join(str(as_dtype(t.dtype)) for t in (query, key, value))}"
        )
    batch_k, batch_v = k_shape[:-2], v_shape[:-2]
    if enable_gqa:
        ranked = min(len(s) for s in shapes) > 2
        if not ranked or k_shape[-3] != v_shape[-3] or not k_shape[-3] or q_shape[-3] % k_shape[-3]:
            raise ShapeError(
                f"{_SDPA}: with enable_gqa, key and value need the same number of heads (axis -3), and it "
                f"must divide the query's; got {given}"
            )
        batch_k, batch_v = (*batch_k[:-1], q_shape[-3]), (*batch_v[:-1], q_shape[-3])
    batch = _broadcast(q_shape[:-2], batch_k, batch_v)
    if batch is None:
        raise ShapeError(f"{_SDPA}: the leading axes of query, key and value do not broadcast; got {given}")
    scores = (*batch, q_shape[-2], k_shape[-2])
    if attn_mask is not None:
        if is_causal:
            raise ArgumentError(f"{_SDPA}: give attn_mask or is_causal=True, not both")
        if not (_is_bool(attn_mask) or as_dtype(attn_mask.dtype) == as_dtype(query.dtype)):
            raise DTypeError(
                f"{_SDPA}: attn_mask must be bool or of the query's dtype {as_dtype(query.dtype)}, "
                f"got {as_dtype(attn_mask.dtype)}"
            )
        mask_shape = _shape(attn_mask, "attn_mask", _SDPA)
        if _broadcast(mask_shape, scores) != scores:
            raise ShapeError(
                f"{_SDPA}: attn_mask of shape {mask_shape} does not broadcast to the scores' shape "
                f"{scores} (..., L, S); got {given}"
            )
    if not 0.0 <= dropout_p <= 1.0:
        raise ArgumentError(f"{_SDPA}: dropout probability must be in [0, 1], got {dropout_p}")
    scale = 1.0 / math.sqrt(q_shape[-1]) if scale is None else float(scale)
    return attention_kernel(
        query, key, value, attn_mask, float(dropout_p), bool(is_causal), scale, enable_gqa
    )


def check_masks(
    where: str,
    shapes: tuple[tuple[int, ...], tuple[int, ...]],
    num_heads: int,
    key_padding_mask: Array | None,
    attn_mask: Array | None,
    batched: bool,
    names: tuple[str, str] = ("key_padding_mask", "attn_mask"),
    warn: bool = True,
) -> None:
    """torch's checks of multi-head attention's masks, for inputs ``(L, N, E)``/``(S, N, E)`` or unbatched.

    ``where`` names the caller and ``names`` the two masks there; ``shapes`` are
    the query's and the key's without the feature axis, seq-first: ``(L, N)`` and
    ``(S, N)``, or ``(L,)`` and ``(S,)`` unbatched. ``warn``: torch's deprecation
    warning for masks of two types (left to the attention layer by its callers).
    """
    target, source = shapes[0][0], shapes[1][0]
    n = shapes[0][1] if batched else 1
    padding_name, mask_name = names
    for name, mask in ((padding_name, key_padding_mask), (mask_name, attn_mask)):
        if mask is not None and not (_is_bool(mask) or _is_float(mask)):
            raise DTypeError(
                f"{where}: {name} must be bool or floating point, got dtype {as_dtype(mask.dtype)}"
            )
    if key_padding_mask is not None:
        expected = (n, source) if batched else (source,)
        if (got := _shape(key_padding_mask, padding_name, where)) != expected:
            raise ShapeError(f"{where}: expected {padding_name} of shape {expected}, got {got}")
    if attn_mask is not None:
        masks = ((target, source), (n * num_heads, target, source))
        if (got := _shape(attn_mask, mask_name, where)) not in masks:
            raise ShapeError(f"{where}: expected {mask_name} of shape {masks[0]} or {masks[1]}, got {got}")
        mixed = key_padding_mask is not None and as_dtype(key_padding_mask.dtype) != as_dtype(attn_mask.dtype)
        if warn and mixed:
            warnings.warn(  # torch's words
                f"Support for mismatched {padding_name} and {mask_name} is deprecated. "
                "Use same type for both instead.",
                UserWarning,
                stacklevel=4,  # (past ug.nn.functional's boundary wrapper)
            )


def multi_head_attention_forward(
    query: Array,
    key: Array,
    value: Array,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Array | None,
    in_proj_bias: Array | None,
    bias_k: Array | None,
    bias_v: Array | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Array,
    out_proj_bias: Array | None,
    training: bool = True,
    key_padding_mask: Array | None = None,
    need_weights: bool = True,
    attn_mask: Array | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Array | None = None,
    k_proj_weight: Array | None = None,
    v_proj_weight: Array | None = None,
    static_k: Array | None = None,
    static_v: Array | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Array, Array | None]:
    """Multi-head attention over ``(L, N, E)`` inputs (or unbatched ``(L, E)``), as torch's function.

    Masks as torch's: ``key_padding_mask`` ``(N, S)`` and ``attn_mask`` ``(L, S)``
    or ``(N * num_heads, L, S)``, boolean (True may not attend) or float (added).
    ``is_causal`` is a hint that ``attn_mask`` is the causal mask (which it needs).

    Returns:
        ``(attn_output, attn_weights)``: the weights ``(N, L, S)`` averaged over
        heads, ``(N, num_heads, L, S)`` without ``average_attn_weights``, ``None``
        without ``need_weights``.
    """
    where = "multi_head_attention_forward"
    shapes = tuple(_shape(t, n, where) for t, n in ((query, "query"), (key, "key"), (value, "value")))
    batched = len(shapes[0]) == 3
    if {len(s) for s in shapes} != {len(shapes[0])} or len(shapes[0]) not in (2, 3):
        raise ShapeError(
            f"{where}: query, key and value must all be 3-D (L, N, E) or all 2-D (L, E), got "
            f"{', '.join(map(str, shapes))}"
        )
    if num_heads <= 0 or shapes[0][-1] != embed_dim_to_check or embed_dim_to_check % num_heads:
        raise ShapeError(
            f"{where}: expected a query of embedding size {embed_dim_to_check} divisible by "
            f"num_heads={num_heads}, got query shape {shapes[0]}"
        )
    if shapes[1][:-1] != shapes[2][:-1] or (batched and shapes[0][1] != shapes[1][1]):
        raise ShapeError(
            f"{where}: key and value must have the same length and batch, the query the same batch; "
            f"got {', '.join(map(str, shapes))}"
        )
    if is_causal and attn_mask is None:
        raise ArgumentError(f"{where}: is_causal=True is a hint that needs the causal attn_mask; give it")
    seq_first = (shapes[0][:-1], shapes[1][:-1])
    if static_k is not None:  # the padding mask covers the static keys (torch checks it after the swap)
        static = (_shape(static_k, "static_k", where)[1], *seq_first[1][1:])
        check_masks(where, (seq_first[0], static), num_heads, key_padding_mask, None, batched)
        check_masks(where, seq_first, num_heads, None, attn_mask, batched)
    else:
        check_masks(where, seq_first, num_heads, key_padding_mask, attn_mask, batched)
    separate = (q_proj_weight, k_proj_weight, v_proj_weight) if use_separate_proj_weight else None
    if separate is not None and any(w is None for w in separate):
        raise ArgumentError(f"{where}: use_separate_proj_weight=True needs q_, k_ and v_proj_weight")
    if separate is None and in_proj_weight is None:
        raise ArgumentError(f"{where}: give in_proj_weight, or use_separate_proj_weight=True and the three")
    if not batched:
        query, key, value = (manipulation.expand_dims(t, axis=1) for t in (query, key, value))
        if key_padding_mask is not None:
            key_padding_mask = manipulation.expand_dims(key_padding_mask, axis=0)
    output, weights = multi_head_attention(
        query,
        key,
        value,
        num_heads,
        None if separate is not None else in_proj_weight,
        in_proj_bias,
        separate,
        out_proj_weight,
        out_proj_bias,
        key_padding_mask,
        need_weights,
        attn_mask,
        average_attn_weights,
        dropout_p,
        training,
        False,
        bias_k,
        bias_v,
        add_zero_attn,
        static_k,
        static_v,
        is_causal,
    )
    if not batched:
        output = manipulation.squeeze(output, axis=1)
        weights = None if weights is None else manipulation.squeeze(weights, axis=0)
    return output, weights


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
    bias_k: Array | None = None,
    bias_v: Array | None = None,
    add_zero_attn: bool = False,
    static_k: Array | None = None,
    static_v: Array | None = None,
    is_causal: bool = False,
) -> tuple[Array, Array | None]:
    """The kernel of :class:`ug.nn.MultiheadAttention` on batched, checked arguments (``batch_first``
    picks ``(N, L, E)`` over ``(L, N, E)``)."""
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
        bias_k,
        bias_v,
        add_zero_attn,
        static_k,
        static_v,
        is_causal,
    )
    try:
        return current_backend().nn_multi_head_attention(*args)
    except Exception as exc:
        return failed(exc, "nn_multi_head_attention", *args)
