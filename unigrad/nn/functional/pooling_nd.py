"""Pooling of 3-d volumes (``max_pool3d``, ``avg_pool3d``) and power-average pooling (``lp_pool*``).

As :mod:`.pooling`: arguments checked here, then the active backend's
``nn_<name>`` kernel, which takes batched channels-first ``(N, C, D, H, W)``
input (channels-last input is moved here, and back).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.max_pool3d(ug.ones((1, 2, 4, 4, 4)), 2).shape)
    (1, 2, 2, 2, 2)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

from ...errors import ShapeError
from ...ops import binary, manipulation, unary
from ...ops._checks import shape_of
from ...types import Array
from ._arguments import Size, as_tuple, channels_last
from ._dispatch import current_backend, failed
from .activation import relu
from .conv import public_function
from .pooling import avg_pool1d, avg_pool2d, avg_pool_function, max_pool_function, pool_args

__all__ = [
    "max_pool3d",
    "avg_pool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
    "volumes",
    "unvolumes",
]


def volumes(
    x: Array, dims: int, data_format: str, where: str, channels_first: bool = True
) -> tuple[Array, bool, bool]:
    """``x`` batched and channels-first, whether it had no batch axis, and whether it was channels-last.

    Checks the rank for ``dims`` spatial axes (``dims`` up to 3), which the
    shared 1-d/2-d helpers do not know for 3-d input. ``channels_first=False``
    leaves the axes as given (see :func:`to_channels_first`).
    """
    last = channels_last(data_format, where)
    shape = shape_of(x)
    if shape is None or len(shape) not in (dims + 1, dims + 2):
        letters = ("D", "H", "W")[3 - dims :] if dims <= 3 else ("...",)
        wanted = ("N", *letters, "C") if last else ("N", "C", *letters)
        raise ShapeError(
            f"{where} expects a {dims + 2}-D input ({', '.join(wanted)}) "
            f"(or {dims + 1}-D without the batch axis), got shape {shape}"
        )
    unbatched = len(shape) == dims + 1
    if unbatched:
        x = manipulation.expand_dims(x, axis=0)
    return (to_channels_first(x, dims) if last and channels_first else x), unbatched, last


def to_channels_first(x: Array, dims: int) -> Array:
    """Batched channels-last ``x`` with ``dims`` spatial axes, channels-first."""
    return manipulation.permute_dims(x, (0, dims + 1, *range(1, dims + 1)))


def unvolumes(y: Array, dims: int, unbatched: bool, last: bool) -> Array:
    """The inverse of :func:`volumes`: ``y`` in the layout and rank the caller's input had."""
    if last:
        y = manipulation.permute_dims(y, (0, *range(2, dims + 2), 1))
    return manipulation.squeeze(y, axis=0) if unbatched else y


def _max_pool3d(
    input: Array,
    dims: int,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    return_indices: bool,
    data_format: str,
    where: str,
) -> Array:
    x, unbatched, last = volumes(input, dims, data_format, where)
    _, _, kernel, strides, pads, dilations, _ = pool_args(
        x, dims, kernel_size, stride, padding, dilation, ceil_mode, "channels_first", where
    )
    if return_indices:
        args = (kernel, strides, pads, dilations, ceil_mode)
        try:
            y, index = current_backend().nn_max_pool3d_with_indices(x, *args)
        except Exception as exc:
            y, index = failed(exc, "nn_max_pool3d_with_indices", x, *args)
        return unvolumes(y, dims, unbatched, last), unvolumes(index, dims, unbatched, last)
    try:
        y = current_backend().nn_max_pool3d(x, kernel, strides, pads, dilations, ceil_mode)
    except Exception as exc:
        y = failed(exc, "nn_max_pool3d", x, kernel, strides, pads, dilations, ceil_mode)
    return unvolumes(y, dims, unbatched, last)


def _avg_pool3d(
    input: Array,
    dims: int,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: int | None,
    data_format: str,
    where: str,
) -> Array:
    x, unbatched, last = volumes(input, dims, data_format, where)
    _, _, kernel, strides, pads, _, _ = pool_args(
        x, dims, kernel_size, stride, padding, 1, ceil_mode, "channels_first", where
    )
    args = (kernel, strides, pads, ceil_mode, count_include_pad, divisor_override)
    try:
        y = current_backend().nn_avg_pool3d(x, *args)
    except Exception as exc:
        y = failed(exc, "nn_avg_pool3d", x, *args)
    return unvolumes(y, dims, unbatched, last)


max_pool3d = max_pool_function(
    3,
    """Maximum over windows of ``(N, C, D, H, W)`` input, as ``torch.nn.functional.max_pool3d``.

    ``return_indices=True`` returns ``(output, indices)``: PyTorch's int64 flat
    ``(d * H + h) * W + w`` position of each maximum in its volume (for ``max_unpool3d``).
    """,
    _max_pool3d,
)
avg_pool3d = avg_pool_function(
    3,
    """Mean over windows of ``(N, C, D, H, W)`` input, as ``torch.nn.functional.avg_pool3d``.""",
    _avg_pool3d,
)


class _LpPoolFunction(Protocol):
    def __call__(
        self,
        input: Array,
        norm_type: float,
        kernel_size: Size,
        stride: Size | None = None,
        ceil_mode: bool = False,
        data_format: str = "channels_first",
    ) -> Array: ...


def _lp_pool_nd(dims: int, average: Callable[..., Array]) -> _LpPoolFunction:
    name = f"lp_pool{dims}d"
    where = f"ug.nn.functional.{name}"

    def lp_pool(input, norm_type, kernel_size, stride=None, ceil_mode=False, data_format="channels_first"):
        # PyTorch's definition: the mean of x**p times the window size, then the p-th root; the
        # sign * relu(abs) step keeps its gradient (0 where a window's sum is 0)
        window = math.prod(as_tuple(kernel_size, dims, "kernel_size", where))
        x = binary.pow(input, float(norm_type))
        out = average(x, kernel_size, stride, 0, ceil_mode, data_format=data_format)
        out = binary.multiply(unary.sign(out), relu(unary.abs(out)))
        return binary.pow(binary.multiply(out, float(window)), 1.0 / float(norm_type))

    doc = f"``(sum of x**p over each window) ** (1/p)``, as ``torch.nn.functional.{name}``."
    return public_function(lp_pool, name, doc, _LpPoolFunction)


lp_pool1d = _lp_pool_nd(1, avg_pool1d)
lp_pool2d = _lp_pool_nd(2, avg_pool2d)
lp_pool3d = _lp_pool_nd(3, avg_pool3d)
