"""Normalization: the reference definitions of ``F.layer_norm`` and ``F.batch_norm``.

See :mod:`unigrad.nn.reference` for what a reference definition is.
"""

from __future__ import annotations

import math
from typing import Any

from ...autograd import stop_gradient
from ...ops import manipulation, statistical, unary

__all__ = [
    "layer_norm",
    "batch_norm",
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
