"""Generic definitions of the convolution, pooling, normalization, recurrent and attention functions.

Written over ``ug`` ops only, with PyTorch's semantics; each backend carries
them as ``nn_<name>`` unless it has a fused kernel that agrees. They take
arguments already checked and normalized by ``_functional_layers.py``:
batched inputs, 2-tuples for sizes, convolution padding as explicit
``((top, bottom), (left, right))`` pairs, and ``channels_last`` as a bool.

The helpers without a place in ``__all__`` (output sizes, pool divisors, the
LSTM layer loop) are shared with the backends' fast paths, so that the two
paths cannot drift apart in their arithmetic of shapes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..autograd import stop_gradient
from ..config import active_backend
from ..dtypes import as_dtype
from ..dtypes import bool as bool_dtype
from ..ops import creation, linalg, manipulation, statistical, unary
from ..ops.conversion import device_of
from ..ops.searching import where

__all__ = [
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "lstm",
    "multi_head_attention",
]

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]


# -- shapes --------------------------------------------------------------------


def pool_output_size(size: int, kernel: int, stride: int, pad: int, dilation: int, ceil_mode: bool) -> int:
    """PyTorch's ``pooling_output_shape``: a last window must start inside the input or left pad."""
    span = dilation * (kernel - 1) + 1
    out = (size + 2 * pad - span + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def ceil_extra(size: int, kernel: int, stride: int, pad: int, dilation: int, out: int) -> int:
    """Padding past the right pad that ``ceil_mode``'s last window reaches into."""
    return max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - (size + 2 * pad))


def pool_pads(
    shape: Sequence[int], kernel: Pair, stride: Pair, padding: Pair, dilation: Pair, ceil_mode: bool
) -> tuple[Pads, Pair]:
    """Explicit ``((top, bottom), (left, right))`` pads of a pool, and its output size."""
    args = [(shape[a], kernel[a], stride[a], padding[a], dilation[a]) for a in (0, 1)]
    outs = [pool_output_size(*axis, ceil_mode) for axis in args]
    pads = [(axis[3], axis[3] + ceil_extra(*axis, out)) for axis, out in zip(args, outs, strict=True)]
    return (pads[0], pads[1]), (outs[0], outs[1])


def avg_pool_divisor(
    shape: Sequence[int],
    kernel: Pair,
    stride: Pair,
    padding: Pair,
    outs: Sequence[int],
    count_include_pad: bool,
    divisor_override: int | None,
) -> np.ndarray[Any, Any] | float:
    """What each window's sum is divided by, as PyTorch's CPU kernel counts it.

    A scalar where every window has the same count, else an ``(OH, OW)`` array.
    Windows that ``ceil_mode`` lets run past the right pad count the pad, not
    the overrun; ``count_include_pad=False`` counts only input elements.
    """
    if divisor_override:
        return float(divisor_override)
    counts = []
    for a in (0, 1):
        start = np.arange(outs[a]) * stride[a] - padding[a]
        end = np.minimum(start + kernel[a], shape[a] + padding[a])
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, shape[a])
        counts.append(end - start)
    divisor = np.outer(counts[0], counts[1]).astype(np.float64)
    return float(divisor.flat[0]) if np.all(divisor == divisor.flat[0]) else divisor


def _as_constant(value: np.ndarray[Any, Any] | float, like: Any) -> Any:
    if isinstance(value, float):
        return value
    return creation.asarray(value, dtype=like.dtype, device=device_of(like))


# -- windows -------------------------------------------------------------------


def _pad(x: Any, pads: Pads, value: float) -> Any:
    """``x`` (N, C, H, W) with ``value`` rows and columns around it."""
    for axis, (before, after) in ((2, pads[0]), (3, pads[1])):
        if before == after == 0:
            continue
        parts = []
        for amount in (before, after):
            shape = list(x.shape)
            shape[axis] = amount
            parts.append(
                creation.full(tuple(shape), value, dtype=x.dtype, device=device_of(x)) if amount else None
            )
        x = manipulation.concat([p for p in (parts[0], x, parts[1]) if p is not None], axis=axis)
    return x


def _windows(padded: Any, kernel: Pair, stride: Pair, dilation: Pair, outs: Sequence[int]) -> list[Any]:
    """One strided slice of ``padded`` per kernel offset, each ``(N, C, OH, OW)``."""
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel, stride, dilation, outs
    return [
        padded[:, :, i * dh : i * dh + (oh - 1) * sh + 1 : sh, j * dw : j * dw + (ow - 1) * sw + 1 : sw]
        for i in range(kh)
        for j in range(kw)
    ]


def _channels_first(x: Any, channels_last: bool) -> Any:
    return manipulation.permute_dims(x, (0, 3, 1, 2)) if channels_last else x


def _restore(y: Any, channels_last: bool) -> Any:
    return manipulation.permute_dims(y, (0, 2, 3, 1)) if channels_last else y


# -- convolution and pooling ---------------------------------------------------


def conv2d(
    x: Any,
    weight: Any,
    bias: Any,
    stride: Pair,
    padding: Pads,
    dilation: Pair,
    groups: int,
    channels_last: bool,
) -> Any:
    """Cross-correlation as PyTorch's ``conv2d``, by im2col: windows stacked, one batched matmul."""
    x = _channels_first(x, channels_last)
    n, _, h, w = (int(s) for s in x.shape)
    out_channels, group_channels, kh, kw = (int(s) for s in weight.shape)
    outs = tuple(
        pool_output_size(size + sum(p), k, s, 0, d, False)
        for size, k, s, p, d in zip((h, w), (kh, kw), stride, padding, dilation, strict=True)
    )
    columns = manipulation.stack(_windows(_pad(x, padding, 0.0), (kh, kw), stride, dilation, outs), axis=2)
    # (N, C, kH*kW, OH, OW) -> (N, G, C/G*kH*kW, OH*OW): each group's rows in the weight's order
    columns = manipulation.reshape(columns, (n, groups, group_channels * kh * kw, outs[0] * outs[1]))
    kernels = manipulation.reshape(weight, (groups, out_channels // groups, group_channels * kh * kw))
    y = manipulation.reshape(linalg.matmul(kernels, columns), (n, out_channels, outs[0], outs[1]))
    if bias is not None:
        y = y + manipulation.reshape(bias, (1, out_channels, 1, 1))
    return _restore(y, channels_last)


def max_pool2d(
    x: Any,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    dilation: Pair,
    ceil_mode: bool,
    channels_last: bool,
) -> Any:
    """Maximum over each window; padding never wins (it is -inf)."""
    x = _channels_first(x, channels_last)
    pads, outs = pool_pads(tuple(x.shape[2:]), kernel_size, stride, padding, dilation, ceil_mode)
    windows = _windows(_pad(x, pads, -math.inf), kernel_size, stride, dilation, outs)
    return _restore(statistical.max(manipulation.stack(windows, axis=0), axis=0), channels_last)


def avg_pool2d(
    x: Any,
    kernel_size: Pair,
    stride: Pair,
    padding: Pair,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    channels_last: bool,
) -> Any:
    """Mean over each window, with PyTorch's count of what a window holds."""
    x = _channels_first(x, channels_last)
    shape = tuple(int(s) for s in x.shape[2:])
    pads, outs = pool_pads(shape, kernel_size, stride, padding, (1, 1), ceil_mode)
    windows = _windows(_pad(x, pads, 0.0), kernel_size, stride, (1, 1), outs)
    total = statistical.sum(manipulation.stack(windows, axis=0), axis=0)
    divisor = avg_pool_divisor(shape, kernel_size, stride, padding, outs, count_include_pad, divisor_override)
    return _restore(total / _as_constant(divisor, x), channels_last)


# -- normalization -------------------------------------------------------------


def batch_norm(
    x: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any,
    bias: Any,
    training: bool,
    momentum: float,
    eps: float,
    channels_last: bool,
) -> tuple[Any, Any, Any]:
    """Batch normalization; returns ``(y, new_running_mean, new_running_var)``.

    Training normalizes with the batch's biased variance and moves the running
    variance toward the unbiased one, as PyTorch. The new statistics are
    ``None`` where nothing is updated (evaluation, or no running statistics).
    """
    channel_axis = x.ndim - 1 if channels_last else 1
    axes = tuple(a for a in range(x.ndim) if a != channel_axis)
    shape = tuple(int(x.shape[a]) if a == channel_axis else 1 for a in range(x.ndim))
    new_mean = new_var = None
    if running_mean is not None:  # statistics, not parameters: as PyTorch, no gradient reaches them
        running_mean, running_var = stop_gradient(running_mean), stop_gradient(running_var)
    if training:
        mean = statistical.mean(x, axis=axes, keepdims=True)
        centered = x - mean
        variance = statistical.mean(centered * centered, axis=axes, keepdims=True)
        y = centered * (1.0 / unary.sqrt(variance + eps))
        if running_mean is not None:
            count = math.prod(int(x.shape[a]) for a in axes)
            flat_mean = manipulation.reshape(stop_gradient(mean), (-1,))
            flat_var = manipulation.reshape(stop_gradient(variance), (-1,)) * (count / max(count - 1, 1))
            new_mean = running_mean * (1.0 - momentum) + flat_mean * momentum
            new_var = running_var * (1.0 - momentum) + flat_var * momentum
    else:
        mean = manipulation.reshape(running_mean, shape)
        y = (x - mean) * (1.0 / unary.sqrt(manipulation.reshape(running_var, shape) + eps))
    if weight is not None:
        y = y * manipulation.reshape(weight, shape)
    if bias is not None:
        y = y + manipulation.reshape(bias, shape)
    return y, new_mean, new_var


# -- recurrent -----------------------------------------------------------------

Direction = Callable[[Any, Any, Any, Sequence[Any], bool], tuple[Any, Any, Any]]


def lstm_direction(seq: Any, h: Any, c: Any, weights: Sequence[Any], reverse: bool) -> tuple[Any, Any, Any]:
    """One LSTM layer in one direction over ``seq`` (L, N, I): ``(outputs, h_last, c_last)``.

    Gates in PyTorch's order i, f, g, o. The input projection of every step
    is one matmul before the loop; only ``h @ W_hh.T`` is done per step.
    """
    backend = active_backend()
    sigmoid, tanh = backend.nn_sigmoid, unary.tanh
    w_ih, w_hh, *biases = weights
    hidden = int(w_hh.shape[1])
    projected = linalg.matmul(seq, manipulation.permute_dims(w_ih, (1, 0)))
    for b in biases:
        projected = projected + b
    recurrent = manipulation.permute_dims(w_hh, (1, 0))
    steps = range(int(seq.shape[0]))
    outputs: list[Any] = [None] * len(steps)
    for t in reversed(steps) if reverse else steps:
        gates = projected[t] + linalg.matmul(h, recurrent)
        i, f = sigmoid(gates[:, :hidden]), sigmoid(gates[:, hidden : 2 * hidden])
        g, o = tanh(gates[:, 2 * hidden : 3 * hidden]), sigmoid(gates[:, 3 * hidden :])
        c = f * c + i * g
        h = o * tanh(c)
        outputs[t] = h
    return manipulation.stack(outputs, axis=0), h, c


def lstm_layers(
    x: Any,
    hx: tuple[Any, Any],
    weights: Sequence[Any],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
    direction: Direction = lstm_direction,
) -> tuple[Any, Any, Any]:
    """Stack LSTM layers (and directions), ``direction`` running each; dropout between layers."""
    from .functional import dropout as drop  # functional imports this module

    seq = manipulation.permute_dims(x, (1, 0, 2)) if batch_first else x
    directions = 2 if bidirectional else 1
    per = 4 if has_biases else 2
    h_n, c_n = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(directions):
            index = layer * directions + d
            out, h, c = direction(
                seq, hx[0][index], hx[1][index], weights[index * per : (index + 1) * per], d == 1
            )
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        seq = outs[0] if directions == 1 else manipulation.concat(outs, axis=-1)
        if dropout and training and layer < num_layers - 1:
            seq = drop(seq, dropout, True)
    output = manipulation.permute_dims(seq, (1, 0, 2)) if batch_first else seq
    return output, manipulation.stack(h_n, axis=0), manipulation.stack(c_n, axis=0)


def lstm(
    x: Any,
    hx: tuple[Any, Any],
    weights: Sequence[Any],
    has_biases: bool,
    num_layers: int,
    dropout: float,
    training: bool,
    bidirectional: bool,
    batch_first: bool,
) -> tuple[Any, Any, Any]:
    """A multi-layer LSTM as ``torch._VF.lstm``: ``(output, h_n, c_n)``.

    ``weights`` in PyTorch's flat order: per layer, per direction,
    ``w_ih, w_hh[, b_ih, b_hh]``.
    """
    return lstm_layers(x, hx, weights, has_biases, num_layers, dropout, training, bidirectional, batch_first)


# -- attention -----------------------------------------------------------------


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
    from .functional import dropout as drop  # functional imports this module
    from .functional import linear, softmax

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
    scores = linalg.matmul(q * (1.0 / math.sqrt(head_dim)), manipulation.permute_dims(k, (0, 1, 3, 2)))
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
        manipulation.permute_dims(linalg.matmul(weights, v), (0, 2, 1, 3)), (n, target, embed)
    )
    out = linear(out, out_proj_weight, out_proj_bias)
    if not batch_first:
        out = manipulation.permute_dims(out, (1, 0, 2))
    if not need_weights:
        return out, None
    return out, statistical.mean(weights, axis=1) if average_attn_weights else weights
