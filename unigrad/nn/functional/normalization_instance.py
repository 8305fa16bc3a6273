"""Normalization by instance and by neighbourhood: ``instance_norm`` and ``local_response_norm``.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> y = F.instance_norm(ug.asarray([[[1.0, 3.0]]]))
    >>> [round(v, 3) for v in ug.to_numpy(y)[0, 0].tolist()]
    [-1.0, 1.0]
"""

from __future__ import annotations

import math

from ...errors import ArgumentError, ShapeError
from ...types import Array
from ._arguments import channels_last, channels_of, spatial, static_shape
from ._dispatch import current_backend, failed
from .normalization import check_channel_vectors, stats_in_place

__all__ = [
    "instance_norm",
    "instance_norm_stats",
    "local_response_norm",
]


def instance_norm_stats(
    input: Array,
    running_mean: Array | None = None,
    running_var: Array | None = None,
    weight: Array | None = None,
    bias: Array | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
    data_format: str = "channels_first",
    where: str = "ug.nn.functional.instance_norm",
) -> tuple[Array, Array | None, Array | None]:
    """:func:`instance_norm` that returns ``(y, new_running_mean, new_running_var)`` instead of updating."""
    last = channels_last(data_format, where)
    shape = static_shape(input, where)
    if shape is None or len(shape) < 3:
        raise ShapeError(
            f"{where} expects an input with a batch, a channel and spatial axes, got shape {shape}"
        )
    channels = channels_of(shape, last)
    named = (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias))
    check_channel_vectors(named, channels, where)
    if use_input_stats and math.prod(spatial(shape, last)) <= 1:
        raise ArgumentError(f"{where}: expected more than 1 spatial element when training, got shape {shape}")
    if not use_input_stats and (running_mean is None or running_var is None):
        raise ArgumentError(f"{where}: use_input_stats=False needs running_mean and running_var")
    args = (input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps, last)
    try:
        return current_backend().nn_instance_norm(*args)
    except Exception as exc:
        return failed(exc, "nn_instance_norm", *args)


def instance_norm(
    input: Array,
    running_mean: Array | None = None,
    running_var: Array | None = None,
    weight: Array | None = None,
    bias: Array | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
    data_format: str = "channels_first",
) -> Array:
    """Instance normalization as ``torch.nn.functional.instance_norm``; channels on axis 1 (or last).

    Each sample's channels are normalized over their positions. With input
    statistics, given running statistics are updated in place (as in
    :func:`~unigrad.nn.functional.batch_norm`: they must be mutable).
    """
    return stats_in_place(
        running_mean,
        running_var,
        use_input_stats,
        lambda: instance_norm_stats(
            input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps, data_format
        ),
        "ug.nn.functional.instance_norm",
        ", or use the InstanceNorm layers, or instance_norm_stats(), which returns them",
    )


def local_response_norm(
    input: Array, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0
) -> Array:
    """Local response normalization across channels (axis 1), as torch's ``local_response_norm``."""
    where = "ug.nn.functional.local_response_norm"
    shape = static_shape(input, where)
    if shape is None or len(shape) < 3:
        raise ShapeError(f"{where} expects a 3-D or higher input (N, C, *), got shape {shape}")
    if int(size) < 1:
        raise ArgumentError(f"{where}: size must be a positive int, got {size!r}")
    try:
        return current_backend().nn_local_response_norm(input, int(size), alpha, beta, k)
    except Exception as exc:
        return failed(exc, "nn_local_response_norm", input, int(size), alpha, beta, k)
