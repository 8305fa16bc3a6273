"""Normalization: ``layer_norm`` and ``batch_norm`` (and ``batch_norm_stats``, which the layers use).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> y = F.layer_norm(ug.asarray([[1.0, 3.0]]), 2)
    >>> [round(v, 3) for v in ug.to_numpy(y)[0].tolist()]
    [-1.0, 1.0]
"""

from __future__ import annotations

import math

from ...errors import BackendError, ShapeError
from ...ops._checks import shape_of
from ...types import Array
from ._arguments import channels_last, channels_of, expected, static_shape
from ._dispatch import current_backend, failed

__all__ = [
    "layer_norm",
    "batch_norm",
    "batch_norm_stats",
]


def layer_norm(
    x: Array,
    normalized_shape: int | tuple[int, ...],
    weight: Array | None = None,
    bias: Array | None = None,
    eps: float = 1e-5,
) -> Array:
    """Normalize over the trailing ``normalized_shape`` axes (biased variance, as PyTorch)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    try:
        return current_backend().nn_layer_norm(x, shape, weight, bias, eps)
    except Exception as exc:
        return failed(exc, "nn_layer_norm", x, shape, weight, bias, eps)


def batch_norm_stats(
    input: Array,
    running_mean: Array | None,
    running_var: Array | None,
    weight: Array | None = None,
    bias: Array | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
    data_format: str = "channels_first",
) -> tuple[Array, Array | None, Array | None]:
    """:func:`batch_norm` that returns ``(y, new_running_mean, new_running_var)`` instead of updating.

    The layers use it: their running statistics are plain tensors, which
    TensorFlow cannot update in place, so they are replaced.
    """
    where = "ug.nn.functional.batch_norm"
    last = channels_last(data_format, where)
    shape = static_shape(input, where)
    if shape is None or len(shape) < 2:
        raise ShapeError(f"{where} expects an input with a batch and a channel axis, got shape {shape}")
    channels = channels_of(shape, last)
    named = (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias))
    for name, value in named:
        found = shape_of(value) if value is not None else (channels,)
        if found != (channels,):
            want = found[0] if found and len(found) == 1 else "C"
            raise ShapeError(
                f"{where}: {name} of shape {found} expects input of shape "
                f"{expected(shape, want, last)}, got input of shape {shape}"
            )
    if training and math.prod(shape) // channels <= 1:
        raise ValueError(
            f"{where}: expected more than 1 value per channel when training, got input of shape {shape}"
        )
    if not training and (running_mean is None or running_var is None):
        raise ValueError(f"{where}: evaluation (training=False) needs running_mean and running_var")
    try:
        return current_backend().nn_batch_norm(
            input, running_mean, running_var, weight, bias, training, momentum, eps, last
        )
    except Exception as exc:
        return failed(
            exc,
            "nn_batch_norm",
            input,
            running_mean,
            running_var,
            weight,
            bias,
            training,
            momentum,
            eps,
            last,
        )


def batch_norm(
    input: Array,
    running_mean: Array | None,
    running_var: Array | None,
    weight: Array | None = None,
    bias: Array | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
    data_format: str = "channels_first",
) -> Array:
    """Batch normalization as ``torch.nn.functional.batch_norm``; channels on axis 1 (or last).

    In training the running statistics are updated in place, as PyTorch does:
    they must then be mutable (torch tensors, or variables such as
    ``ug.nn.Parameter(x, trainable=False)`` on TensorFlow). The BatchNorm
    layers keep their statistics for you.
    """
    if training and running_mean is not None:
        for stat in (running_mean, running_var):
            if not (hasattr(stat, "assign") or hasattr(stat, "copy_")):
                raise BackendError(
                    f"ug.nn.functional.batch_norm cannot update a {type(stat).__name__} in place; pass "
                    "variables (ug.nn.Parameter(x, trainable=False)), or None to use batch statistics "
                    "only, or use ug.nn.BatchNorm1d/BatchNorm2d, or batch_norm_stats(), which returns them"
                )
    y, new_mean, new_var = batch_norm_stats(
        input, running_mean, running_var, weight, bias, training, momentum, eps, data_format
    )
    for stat, new in ((running_mean, new_mean), (running_var, new_var)):
        if new is not None and stat is not None:
            if hasattr(stat, "assign"):
                stat.assign(new)
            else:
                stat.copy_(new)
    return y
