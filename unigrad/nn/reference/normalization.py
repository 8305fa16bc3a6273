"""Normalization: the reference definitions of ``F.layer_norm``, ``F.batch_norm``, ``F.group_norm``,
``F.instance_norm``, ``F.rms_norm`` and ``F.local_response_norm``.

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

import math
from typing import Any

from ...autograd import stop_gradient
from ...ops import creation, manipulation, statistical, unary
from ...ops.conversion import device_of

__all__ = [
    "layer_norm",
    "batch_norm",
    "group_norm",
    "instance_norm",
    "rms_norm",
    "local_response_norm",
]


def layer_norm(
    x: Any, normalized_shape: tuple[int, ...], weight: Any = None, bias: Any = None, eps: float = 1e-5
) -> Any:
    """Normalize over the trailing ``normalized_shape`` axes with the biased variance, as PyTorch."""
    axes = tuple(range(-len(normalized_shape), 0))
    mean = statistical.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    variance = statistical.mean(centered * centered, axis=axes, keepdims=True)
    y = centered / unary.sqrt(variance + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


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


def _affine(y: Any, weight: Any, bias: Any, shape: tuple[int, ...]) -> Any:
    if weight is not None:
        y = y * manipulation.reshape(weight, shape)
    if bias is not None:
        y = y + manipulation.reshape(bias, shape)
    return y


def _channel_shape(x: Any, channels_last: bool) -> tuple[int, ...]:
    """The broadcast shape of a per-channel vector: ``(1, C, 1, ...)`` or ``(1, ..., 1, C)``."""
    axis = x.ndim - 1 if channels_last else 1
    return tuple(int(x.shape[a]) if a == axis else 1 for a in range(x.ndim))


def group_norm(x: Any, num_groups: int, weight: Any, bias: Any, eps: float, channels_last: bool) -> Any:
    """Normalize each sample's channel groups over their channels and positions (biased variance)."""
    shape = tuple(int(s) for s in x.shape)
    if channels_last:
        grouped = manipulation.reshape(x, (shape[0], -1, num_groups, shape[-1] // num_groups))
        axes: tuple[int, ...] = (1, 3)
    else:
        grouped = manipulation.reshape(x, (shape[0], num_groups, -1))
        axes = (2,)
    mean = statistical.mean(grouped, axis=axes, keepdims=True)
    centered = grouped - mean
    variance = statistical.mean(centered * centered, axis=axes, keepdims=True)
    y = manipulation.reshape(centered * (1.0 / unary.sqrt(variance + eps)), shape)
    return _affine(y, weight, bias, _channel_shape(x, channels_last))


def instance_norm(
    x: Any,
    running_mean: Any,
    running_var: Any,
    weight: Any,
    bias: Any,
    use_input_stats: bool,
    momentum: float,
    eps: float,
    channels_last: bool,
) -> tuple[Any, Any, Any]:
    """Normalize each sample's channels over their positions; returns ``(y, new_mean, new_var)``.

    With input statistics the running ones (where given) move toward the
    batch average of the per-instance means and unbiased variances, as
    PyTorch; the new statistics are ``None`` where nothing is updated.
    """
    axes = tuple(range(1, x.ndim - 1)) if channels_last else tuple(range(2, x.ndim))
    shape = _channel_shape(x, channels_last)
    new_mean = new_var = None
    if running_mean is not None:
        running_mean, running_var = stop_gradient(running_mean), stop_gradient(running_var)
    if use_input_stats:
        mean = statistical.mean(x, axis=axes, keepdims=True)
        centered = x - mean
        variance = statistical.mean(centered * centered, axis=axes, keepdims=True)
        y = centered * (1.0 / unary.sqrt(variance + eps))
        if running_mean is not None:
            count = math.prod(int(x.shape[a]) for a in axes)
            per_mean = statistical.mean(manipulation.reshape(stop_gradient(mean), (x.shape[0], -1)), axis=0)
            per_var = statistical.mean(
                manipulation.reshape(stop_gradient(variance), (x.shape[0], -1)), axis=0
            )
            new_mean = running_mean * (1.0 - momentum) + per_mean * momentum
            new_var = running_var * (1.0 - momentum) + per_var * (momentum * count / max(count - 1, 1))
    else:
        mean = manipulation.reshape(running_mean, shape)
        y = (x - mean) * (1.0 / unary.sqrt(manipulation.reshape(running_var, shape) + eps))
    return _affine(y, weight, bias, shape), new_mean, new_var


def rms_norm(x: Any, normalized_shape: tuple[int, ...], weight: Any, eps: float) -> Any:
    """``x / sqrt(mean(x**2) + eps)`` over the trailing ``normalized_shape`` axes, times ``weight``."""
    axes = tuple(range(-len(normalized_shape), 0))
    y = x * (1.0 / unary.sqrt(statistical.mean(x * x, axis=axes, keepdims=True) + eps))
    return y if weight is None else y * weight


def local_response_norm(x: Any, size: int, alpha: float, beta: float, k: float) -> Any:
    """``x / (k + alpha * mean of x**2 over size neighbouring channels) ** beta``, as PyTorch.

    The window is zero-padded (``size // 2`` channels before, ``(size - 1) // 2``
    after) and always divided by ``size``.
    """
    squares = x * x
    channels = int(x.shape[1])
    parts = []
    for amount in (size // 2, (size - 1) // 2):
        pad_shape = list(int(s) for s in x.shape)
        pad_shape[1] = amount
        parts.append(creation.zeros(tuple(pad_shape), dtype=x.dtype, device=device_of(x)) if amount else None)
    padded = manipulation.concat([p for p in (parts[0], squares, parts[1]) if p is not None], axis=1)
    total = padded[:, 0:channels]
    for offset in range(1, size):
        total = total + padded[:, offset : offset + channels]
    return x / (total * (alpha / size) + k) ** beta
