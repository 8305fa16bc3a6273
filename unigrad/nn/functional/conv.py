"""Convolution: ``conv1d``, ``conv2d`` and ``conv3d``, with PyTorch's arguments.

Each function checks its input here, once, in Python over shapes (so both
backends raise the same :class:`unigrad.ShapeError`), turns PyTorch's
loose arguments (ints or tuples, ``padding="same"``) into the normalized
form of :mod:`unigrad.nn.reference`, and calls the active backend's
``nn_conv2d`` (``nn_conv3d``): a fused kernel where the backend has one, else
the reference definition. A 1-d convolution runs as a 2-d one over a height-1 image.
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
    static_shape,
    to_2d,
    unlayout,
)
from ._dispatch import current_backend, failed

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "batched_nd",
    "expected_nd",
    "conv_padding",
    "PADDING_MODES",
    "mode_padded",
]

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


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


def batched_nd(x: Array, dims: int, last: bool, where: str) -> tuple[tuple[int, ...], bool]:
    """:func:`batched` for 1 to 3 spatial axes: the shape with a batch axis, and whether it had none."""
    if dims < 3:
        return batched(x, dims, last, where)
    shape = static_shape(x, where)
    if shape is None or len(shape) not in (4, 5):
        wanted = "(N, D, H, W, C)" if last else "(N, C, D, H, W)"
        raise ShapeError(
            f"{where} expects a 5-D input {wanted} (or 4-D without the batch axis), got shape {shape}"
        )
    return ((1, *shape) if len(shape) == 4 else shape), len(shape) == 4


def expected_nd(shape: tuple[int, ...], channels: int, last: bool) -> str:
    """:func:`expected` for 1 to 3 spatial axes: ``(N, 3, D, H, W)``."""
    if len(shape) != 5:
        return expected(shape, channels, last)
    return f"(N, D, H, W, {channels})" if last else f"(N, {channels}, D, H, W)"


def mode_padded(x: Array, pads: tuple[Pair, ...], mode: str, last: bool, where: str) -> Array:
    """``x`` padded on its spatial axes by ``pads`` as ``padding_mode`` says (not ``"zeros"``):
    ``"reflect"`` mirrors without the edge, ``"replicate"`` repeats the edge, ``"circular"`` wraps."""
    dims = len(pads)
    for i, (before, after) in enumerate(pads):
        if not before and not after:
            continue
        axis = i - dims - (1 if last else 0)
        size = int(x.shape[axis])
        limit = size - 1 if mode == "reflect" else size
        if mode != "replicate" and max(before, after) > limit:
            raise ShapeError(
                f"{where}: padding_mode={mode!r} pads at most {limit} on an axis of size {size}, "
                f"got padding {tuple(pads)} for input of shape {shape_of(x)}"
            )

        def part(start: int, stop: int, x: Array = x, axis: int = axis) -> Array:
            return x[(Ellipsis, slice(start, stop)) + (slice(None),) * (-axis - 1)]

        if mode == "reflect":
            head = manipulation.flip(part(1, before + 1), axis=axis)
            tail = manipulation.flip(part(size - 1 - after, size - 1), axis=axis)
        elif mode == "replicate":
            head = manipulation.concat([part(0, 1)] * before, axis=axis) if before else None
            tail = manipulation.concat([part(size - 1, size)] * after, axis=axis) if after else None
        else:
            head, tail = part(size - before, size), part(0, after)
        pieces = [head] if before else []
        pieces += [x] + ([tail] if after else [])
        x = manipulation.concat(pieces, axis=axis)
    return x


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
    shape, unbatched = batched_nd(x, dims, last, where)
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
            f"{expected_nd(shape, in_channels, last)} (weight shape {w_shape}, groups={groups}), "
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
    if dims == 3:
        args3 = (strides, pads, dilations, groups, last)
        try:
            y = current_backend().nn_conv3d(x4, weight, bias, *args3)
        except Exception as exc:
            y = failed(exc, "nn_conv3d", x4, weight, bias, *args3)
        return unlayout(y, unbatched, dims, last)
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


def conv3d(
    input: Array,
    weight: Array,
    bias: Array | None = None,
    stride: Size = 1,
    padding: str | Size = 0,
    dilation: Size = 1,
    groups: int = 1,
    data_format: str = "channels_first",
) -> Array:
    """3-d cross-correlation as ``torch.nn.functional.conv3d`` over NCDHW input (NDHWC with
    ``data_format="channels_last"``); ``weight`` is ``(out, in/groups, kD, kH, kW)``."""
    return _conv(
        input, weight, bias, stride, padding, dilation, groups, data_format, 3, "ug.nn.functional.conv3d"
    )
