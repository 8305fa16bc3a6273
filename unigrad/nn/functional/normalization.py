"""Normalization: ``layer_norm``, ``rms_norm``, ``batch_norm`` (and ``batch_norm_stats``, which the layers
use), ``group_norm``; ``instance_norm`` and ``local_response_norm`` are in :mod:`.normalization_instance`.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> y = F.layer_norm(ug.asarray([[1.0, 3.0]]), 2)
    >>> [round(v, 3) for v in ug.to_numpy(y)[0].tolist()]
    [-1.0, 1.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ...dtypes import finfo
from ...errors import ArgumentError, BackendError, ShapeError
from ...ops._checks import shape_of
from ...types import Array
from ._arguments import channels_last, channels_of, expected, static_shape
from ._dispatch import current_backend, failed

__all__ = [
    "layer_norm",
    "layer_norm_in",
    "rms_norm",
    "rms_norm_in",
    "batch_norm",
    "batch_norm_stats",
    "group_norm",
    "check_trailing",
    "check_channel_vectors",
]


def layer_norm(
    x: Array,
    normalized_shape: int | Sequence[int],
    weight: Array | None = None,
    bias: Array | None = None,
    eps: float = 1e-5,
) -> Array:
    """Normalize over the trailing ``normalized_shape`` axes (biased variance, as PyTorch)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    return layer_norm_in(x, shape, weight, bias, eps, "ug.nn.functional.layer_norm")


def layer_norm_in(
    x: Array, shape: tuple[int, ...], weight: Array | None, bias: Array | None, eps: float, where: str
) -> Array:
    """:func:`layer_norm` over a normalized shape, its errors naming ``where`` (the layer uses it)."""
    check_trailing(x, shape, weight, bias, where)
    try:
        return current_backend().nn_layer_norm(x, shape, weight, bias, eps)
    except Exception as exc:
        return failed(exc, "nn_layer_norm", x, shape, weight, bias, eps)


def _channel_layout(input: Array, data_format: str, where: str) -> tuple[bool, tuple[int, ...], int]:
    """``(channels last?, shape, channels)`` of an input with a batch and a channel axis, or a ShapeError."""
    last = channels_last(data_format, where)
    shape = static_shape(input, where)
    if shape is None or len(shape) < 2:
        raise ShapeError(f"{where} expects an input with a batch and a channel axis, got shape {shape}")
    return last, shape, channels_of(shape, last)


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
    last, shape, channels = _channel_layout(input, data_format, where)
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
        raise ArgumentError(
            f"{where}: expected more than 1 value per channel when training, got input of shape {shape}"
        )
    if not training and (running_mean is None or running_var is None):
        raise ArgumentError(f"{where}: evaluation (training=False) needs running_mean and running_var")
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
    return stats_in_place(
        running_mean,
        running_var,
        training,
        lambda: batch_norm_stats(
            input, running_mean, running_var, weight, bias, training, momentum, eps, data_format
        ),
        "ug.nn.functional.batch_norm",
        " to use batch statistics only, or use ug.nn.BatchNorm1d/BatchNorm2d, or batch_norm_stats(), "
        "which returns them",
    )


def stats_in_place(
    running_mean: Array | None,
    running_var: Array | None,
    updating: bool,
    compute: Callable[[], tuple[Array, Array | None, Array | None]],
    where: str,
    alternatives: str,
) -> Array:
    """Run ``compute`` (a ``*_stats`` function) and write the new running statistics into the given ones.

    Shared by :func:`batch_norm` and :func:`~.normalization_instance.instance_norm`: when ``updating``,
    the statistics must be mutable (``assign`` on TensorFlow, ``copy_`` on torch), or a BackendError
    naming ``where`` and suggesting ``alternatives`` is raised before anything is computed.
    """
    if updating and running_mean is not None:
        for stat in (running_mean, running_var):
            if not (hasattr(stat, "assign") or hasattr(stat, "copy_")):
                raise BackendError(
                    f"{where} cannot update a {type(stat).__name__} in place; pass "
                    f"variables (ug.nn.Parameter(x, trainable=False)), or None{alternatives}"
                )
    y, new_mean, new_var = compute()
    for stat, new in ((running_mean, new_mean), (running_var, new_var)):
        if new is not None and stat is not None:
            if hasattr(stat, "assign"):
                stat.assign(new)
            else:
                stat.copy_(new)
    return y


def check_trailing(
    x: Array, shape: tuple[int, ...], weight: Array | None, bias: Array | None, where: str
) -> None:
    """``x``'s trailing axes are ``shape``, and so are the weight's and bias's, or a ShapeError."""
    # Only the trailing axes are read: reading the batch axis as an int would fix it in a traced
    # graph (torch.export specializes a dynamic batch read by int()), and unknown ones pass.
    found: tuple[Any, ...] | None
    trailing: tuple[int | None, ...] | None
    try:
        found = tuple(x.shape)
        trailing = tuple(None if d is None else int(d) for d in found[len(found) - len(shape) :])
    except (AttributeError, TypeError, ValueError):  # no shape, or one of unknown rank
        found = trailing = None
    if trailing is not None and len(trailing) < len(shape):
        trailing = None
    if trailing is None or any(f is not None and f != s for f, s in zip(trailing, shape, strict=True)):
        raise ShapeError(
            f"{where}: normalized_shape {shape} expects input of shape (*, {', '.join(map(str, shape))}), "
            f"got shape {found}"
        )
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and shape_of(value) != shape:
            raise ShapeError(f"{where}: {name} of shape {shape_of(value)} expects shape {shape}")


def check_channel_vectors(named: tuple[tuple[str, Array | None], ...], channels: int, where: str) -> None:
    """Each given vector (weight, bias, running statistics) has ``channels`` entries, or a ShapeError."""
    for name, value in named:
        if value is not None and shape_of(value) != (channels,):
            raise ShapeError(
                f"{where}: {name} of shape {shape_of(value)} expects shape ({channels},), "
                "the input's channels"
            )


def rms_norm(
    input: Array,
    normalized_shape: int | Sequence[int],
    weight: Array | None = None,
    eps: float | None = None,
) -> Array:
    """Root-mean-square normalization over the trailing axes, as ``torch.nn.functional.rms_norm``.

    ``eps=None`` is the machine epsilon of the input's dtype (PyTorch >= 2.4).
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    return rms_norm_in(input, shape, weight, eps, "ug.nn.functional.rms_norm")


def rms_norm_in(
    input: Array, shape: tuple[int, ...], weight: Array | None, eps: float | None, where: str
) -> Array:
    """:func:`rms_norm` over a normalized shape, its errors naming ``where`` (the layer uses it)."""
    check_trailing(input, shape, weight, None, where)
    value = float(finfo(input).eps) if eps is None else eps
    try:
        return current_backend().nn_rms_norm(input, shape, weight, value)
    except Exception as exc:
        return failed(exc, "nn_rms_norm", input, shape, weight, value)


def group_norm(
    input: Array,
    num_groups: int,
    weight: Array | None = None,
    bias: Array | None = None,
    eps: float = 1e-5,
    data_format: str = "channels_first",
) -> Array:
    """Group normalization as ``torch.nn.functional.group_norm``; channels on axis 1 (or last)."""
    where = "ug.nn.functional.group_norm"
    last, shape, channels = _channel_layout(input, data_format, where)
    if num_groups <= 0 or channels % num_groups:
        raise ShapeError(
            f"{where}: {channels} channels (input of shape {shape}) cannot be split into "
            f"num_groups={num_groups} groups; expected a number of channels divisible by num_groups"
        )
    check_channel_vectors((("weight", weight), ("bias", bias)), channels, where)
    try:
        return current_backend().nn_group_norm(input, num_groups, weight, bias, eps, last)
    except Exception as exc:
        return failed(exc, "nn_group_norm", input, num_groups, weight, bias, eps, last)
