"""Convolution: ``conv1d`` and ``conv2d``, with PyTorch's arguments.

Each function checks its input here, once, in Python over shapes (so both
backends raise the same :class:`unigrad.ShapeError`), turns PyTorch's
loose arguments (ints or tuples, ``padding="same"``) into the normalized
form of :mod:`unigrad.nn.reference`, and calls the active backend's
``nn_conv2d``: a fused kernel where the backend has one, else the reference
definition. A 1-d convolution runs as a 2-d one over a height-1 image.
Images are NCHW unless ``data_format="channels_last"`` (NHWC).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> x, w = ug.ones((1, 2, 5, 5)), ug.ones((3, 2, 3, 3))
    >>> tuple(F.conv2d(x, w, padding="same").shape)
    (1, 3, 5, 5)
"""

from __future__ import annotations

from ...errors import ShapeError
from ...ops import manipulation
from ...ops._checks import shape_of
from ...types import Array
from ..reference.windows import Pads, Pair
from ._arguments import (
    Size,
    as_tuple,
    batched,
    channels_last,
    channels_of,
    expected,
    layout,
    spatial,
    to_2d,
    unlayout,
)
from ._dispatch import current_backend, failed

__all__ = [
    "conv1d",
    "conv2d",
    "conv_padding",
]


def conv_padding(
    padding: str | Size,
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    where: str,
) -> tuple[Pair, ...]:
    """PyTorch's padding argument as ``(before, after)`` per spatial axis."""
    if padding == "valid":
        return tuple((0, 0) for _ in kernel)
    if padding == "same":
        if any(s != 1 for s in stride):
            raise ValueError(f"{where}: padding='same' needs stride 1 (as PyTorch), got stride {stride}")
        # an odd total goes to the end, as PyTorch pads it
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise ValueError(f"{where}: padding must be 'same', 'valid', an int or ints, got {padding!r}")
    return tuple((p, p) for p in as_tuple(padding, len(kernel), "padding", where))


def _conv(
    x: Array,
    weight: Array,
    bias: Array | None,
    stride: Size,
    padding: str | Size,
    dilation: Size,
    groups: int,
    data_format: str,
    dims: int,
    where: str,
) -> Array:
    last = channels_last(data_format, where)
    shape, unbatched = batched(x, dims, last, where)
    w_shape = shape_of(weight) or ()
    if len(w_shape) != dims + 2:
        raise ShapeError(
            f"{where} expects a {dims + 2}-D weight (out_channels, in_channels/groups, *kernel), "
            f"got shape {w_shape}"
        )
    if groups < 1 or w_shape[0] % groups:
        raise ValueError(
            f"{where}: out_channels {w_shape[0]} (weight shape {w_shape}) must divide by groups={groups}"
        )
    in_channels = w_shape[1] * groups
    if channels_of(shape, last) != in_channels:
        raise ShapeError(
            f"{where}: expected input with {in_channels} channels, shape "
            f"{expected(shape, in_channels, last)} (weight shape {w_shape}, groups={groups}), "
            f"got input of shape {shape_of(x)}"
        )
    if bias is not None and shape_of(bias) != (w_shape[0],):
        raise ShapeError(f"{where}: expected a bias of shape ({w_shape[0]},), got {shape_of(bias)}")
    kernel = w_shape[2:]
    strides = as_tuple(stride, dims, "stride", where)
    dilations = as_tuple(dilation, dims, "dilation", where)
    pads = conv_padding(padding, kernel, strides, dilations, where)
    sizes = spatial(shape, last)
    if any(n + sum(p) < d * (k - 1) + 1 for n, p, k, d in zip(sizes, pads, kernel, dilations, strict=True)):
        raise ShapeError(
            f"{where}: input of spatial size {sizes} (padding {pads}) is smaller than the "
            f"kernel {kernel} (dilation {dilations}); pad the input or use a smaller kernel"
        )
    x4 = layout(x, unbatched, dims, last)
    w4 = manipulation.expand_dims(weight, axis=2) if dims == 1 else weight
    stride2, dilation2 = to_2d(strides, 1), to_2d(dilations, 1)
    pads2: Pads = ((0, 0), pads[0]) if dims == 1 else (pads[0], pads[1])
    try:
        y = current_backend().nn_conv2d(x4, w4, bias, stride2, pads2, dilation2, groups, last)
    except Exception as exc:
        y = failed(exc, "nn_conv2d", x4, w4, bias, stride2, pads2, dilation2, groups, last)
    return unlayout(y, unbatched, dims, last)


def conv1d(
    input: Array,
    weight: Array,
    bias: Array | None = None,
    stride: Size = 1,
    padding: str | Size = 0,
    dilation: Size = 1,
    groups: int = 1,
    data_format: str = "channels_first",
) -> Array:
    """1-d cross-correlation as ``torch.nn.functional.conv1d``; ``weight`` is ``(out, in/groups, k)``."""
    return _conv(
        input, weight, bias, stride, padding, dilation, groups, data_format, 1, "ug.nn.functional.conv1d"
    )


def conv2d(
    input: Array,
    weight: Array,
    bias: Array | None = None,
    stride: Size = 1,
    padding: str | Size = 0,
    dilation: Size = 1,
    groups: int = 1,
    data_format: str = "channels_first",
) -> Array:
    """2-d cross-correlation as ``torch.nn.functional.conv2d``; ``weight`` is ``(out, in/groups, kH, kW)``.

    ``padding`` is an int, two ints, ``"valid"`` or ``"same"`` (stride 1; an odd
    total padding puts the extra row and column at the end, as PyTorch).
    """
    return _conv(
        input, weight, bias, stride, padding, dilation, groups, data_format, 2, "ug.nn.functional.conv2d"
    )
