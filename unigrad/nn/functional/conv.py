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

import functools
from collections.abc import Callable
from typing import Any, Protocol

from ...errors import ArgumentError, ShapeError
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
    parameter_dtype_error,
    spatial,
    static_shape,
    to_2d,
    unlayout,
)
from ._dispatch import current_backend, failed_explained

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
            raise ArgumentError(f"{where}: padding='same' needs stride 1 (as PyTorch), got stride {stride}")
        # an odd total goes to the end, as PyTorch pads it
        totals = [d * (k - 1) for k, d in zip(kernel, dilation, strict=True)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise ArgumentError(f"{where}: padding must be 'same', 'valid', an int or ints, got {padding!r}")
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


def checked_operands(
    x: Array,
    weight: Array,
    bias: Array | None,
    groups: int,
    data_format: str,
    dims: int,
    where: str,
    transposed: bool,
) -> tuple[bool, tuple[int, ...], bool, tuple[int, ...]]:
    """``(last, batched shape, unbatched, weight shape)`` once the operands of a (transposed)
    convolution agree: a transposed weight is ``(in, out/groups, *kernel)``, not ``(out, in/groups, ...)``."""
    last = channels_last(data_format, where)
    shape, unbatched = batched_nd(x, dims, last, where)
    w_shape = shape_of(weight) or ()
    first, second = ("in_channels", "out_channels") if transposed else ("out_channels", "in_channels")
    if len(w_shape) != dims + 2:
        raise ShapeError(
            f"{where} expects a {dims + 2}-D weight ({first}, {second}/groups, *kernel), got shape {w_shape}"
        )
    if groups < 1 or w_shape[0] % groups:
        raise ArgumentError(
            f"{where}: {first} {w_shape[0]} (weight shape {w_shape}) must divide by groups={groups}"
        )
    in_channels, out_channels = w_shape[0], w_shape[1] * groups
    if not transposed:
        in_channels, out_channels = out_channels, in_channels
    if channels_of(shape, last) != in_channels:
        raise ShapeError(
            f"{where}: expected input with {in_channels} channels, shape "
            f"{expected_nd(shape, in_channels, last)} (weight shape {w_shape}, groups={groups}), "
            f"got input of shape {shape_of(x)}"
        )
    if bias is not None and shape_of(bias) != (out_channels,):
        raise ShapeError(f"{where}: expected a bias of shape ({out_channels},), got {shape_of(bias)}")
    return last, shape, unbatched, w_shape


def run_kernel(
    kernel: str,
    x: Array,
    weight: Array,
    bias: Array | None,
    args: tuple[Any, ...],
    dims: int,
    unbatched: bool,
) -> Array:
    """The backend's ``kernel`` on ``x`` batched (a 1-d input as a height-1 image), its output back in
    ``x``'s layout; ``args`` end with whether ``x`` is channels-last."""
    last = args[-1]
    x4 = layout(x, unbatched, dims, last)
    w4 = manipulation.expand_dims(weight, axis=2) if dims == 1 else weight
    try:
        y = getattr(current_backend(), kernel)(x4, w4, bias, *args)
    except Exception as exc:
        where = f"ug.nn.functional.{kernel.removeprefix('nn_').replace('2d', f'{dims}d')}"
        y = failed_explained(
            exc, kernel, (x4, w4, bias, *args), functools.partial(parameter_dtype_error, where, x, weight)
        )
    return unlayout(y, unbatched, dims, last)


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
    last, shape, unbatched, w_shape = checked_operands(
        x, weight, bias, groups, data_format, dims, where, False
    )
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
    if dims == 3:
        return run_kernel(
            "nn_conv3d", x, weight, bias, (strides, pads, dilations, groups, last), dims, unbatched
        )
    pads2: Pads = ((0, 0), pads[0]) if dims == 1 else (pads[0], pads[1])
    args = (to_2d(strides, 1), pads2, to_2d(dilations, 1), groups, last)
    return run_kernel("nn_conv2d", x, weight, bias, args, dims, unbatched)


class _ConvFunction(Protocol):
    def __call__(
        self,
        input: Array,
        weight: Array,
        bias: Array | None = None,
        stride: Size = 1,
        padding: str | Size = 0,
        dilation: Size = 1,
        groups: int = 1,
        data_format: str = "channels_first",
    ) -> Array: ...


def public_function(function: Callable[..., Any], name: str, doc: str, signature: Any) -> Any:
    """``function`` made the public ``name`` of its module, with ``doc`` and the annotations of the
    protocol ``signature``: the functions that differ only in their rank are written once."""
    function.__name__ = function.__qualname__ = name
    function.__doc__ = doc
    function.__annotations__ = dict(signature.__call__.__annotations__)
    return function


def _conv_nd(dims: int, doc: str) -> _ConvFunction:
    name = f"conv{dims}d"
    where = f"ug.nn.functional.{name}"

    def conv(
        input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, data_format="channels_first"
    ):
        return _conv(input, weight, bias, stride, padding, dilation, groups, data_format, dims, where)

    return public_function(conv, name, doc, _ConvFunction)


conv1d = _conv_nd(
    1, """1-d cross-correlation as ``torch.nn.functional.conv1d``; ``weight`` is ``(out, in/groups, k)``."""
)
conv2d = _conv_nd(
    2,
    """2-d cross-correlation as ``torch.nn.functional.conv2d``; ``weight`` is ``(out, in/groups, kH, kW)``.

    ``padding`` is an int, two ints, ``"valid"`` or ``"same"`` (stride 1; an odd
    total padding puts the extra row and column at the end, as PyTorch).
    """,
)
conv3d = _conv_nd(
    3,
    """3-d cross-correlation as ``torch.nn.functional.conv3d`` over NCDHW input (NDHWC with
    ``data_format="channels_last"``); ``weight`` is ``(out, in/groups, kD, kH, kW)``.""",
)
