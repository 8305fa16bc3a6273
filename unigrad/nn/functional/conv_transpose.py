"""Transposed convolution: ``conv_transpose1d``, ``2d`` and ``3d``, with PyTorch's arguments.

As :mod:`.conv`: the input is checked here, once, over Python ints (the same
:class:`unigrad.ShapeError` on every backend), the arguments normalized, and
the active backend's ``nn_conv_transpose2d`` (``nn_conv_transpose3d``) called: a fused kernel where the
backend has one, else the reference definition. 1-d runs as 2-d over a
height-1 image.

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> x, w = ug.ones((1, 2, 5, 5)), ug.ones((2, 3, 3, 3))
    >>> tuple(F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1).shape)
    (1, 3, 10, 10)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ...errors import ArgumentError, ShapeError
from ...types import Array
from ._arguments import Size, as_tuple, spatial, to_2d
from .conv import checked_operands, public_function, run_kernel

__all__ = ["conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "transpose_output_padding"]


def transpose_output_padding(
    sizes: Sequence[int],
    output_size: Sequence[int],
    kernel: tuple[int, ...],
    stride: tuple[int, ...],
    padding: tuple[int, ...],
    dilation: tuple[int, ...],
    where: str,
) -> tuple[int, ...]:
    """The ``output_padding`` that gives ``output_size`` (PyTorch's ``_output_padding``)."""
    output_size = tuple(int(s) for s in output_size)[-len(kernel) :]
    if len(output_size) != len(kernel):
        raise ArgumentError(f"{where}: output_size must have {len(kernel)} spatial sizes, got {output_size}")
    smallest = [
        (n - 1) * s - 2 * p + d * (k - 1) + 1
        for n, k, s, p, d in zip(sizes, kernel, stride, padding, dilation, strict=True)
    ]
    for want, low, s in zip(output_size, smallest, stride, strict=True):
        if not low <= want < low + s:
            raise ArgumentError(
                f"{where}: requested an output size of {output_size}, but valid sizes range from "
                f"{tuple(smallest)} to {tuple(m + s - 1 for m, s in zip(smallest, stride, strict=True))} "
                f"(for an input of spatial size {tuple(sizes)})"
            )
    return tuple(want - low for want, low in zip(output_size, smallest, strict=True))


def _conv_transpose(
    x: Array,
    weight: Array,
    bias: Array | None,
    stride: Size,
    padding: Size,
    output_padding: Size,
    groups: int,
    dilation: Size,
    data_format: str,
    dims: int,
    where: str,
) -> Array:
    last, shape, unbatched, w_shape = checked_operands(
        x, weight, bias, groups, data_format, dims, where, True
    )
    kernel = w_shape[2:]
    strides = as_tuple(stride, dims, "stride", where)
    pads = as_tuple(padding, dims, "padding", where)
    extras = as_tuple(output_padding, dims, "output_padding", where)
    dilations = as_tuple(dilation, dims, "dilation", where)
    if any(v < 1 for v in (*strides, *dilations)) or any(v < 0 for v in (*pads, *extras)):
        raise ArgumentError(
            f"{where}: stride and dilation must be positive, padding and output_padding non-negative, "
            f"got stride={strides}, dilation={dilations}, padding={pads}, output_padding={extras}"
        )
    if any(e >= s and e >= d for e, s, d in zip(extras, strides, dilations, strict=True)):
        raise ArgumentError(
            f"{where}: output_padding {extras} must be smaller than either stride {strides} "
            f"or dilation {dilations}"
        )
    sizes = spatial(shape, last)
    outs = [
        (n - 1) * s - 2 * p + d * (k - 1) + e + 1
        for n, k, s, p, e, d in zip(sizes, kernel, strides, pads, extras, dilations, strict=True)
    ]
    if any(o < 1 for o in outs):
        raise ShapeError(
            f"{where}: input of spatial size {sizes} with kernel {kernel}, stride {strides}, "
            f"padding {pads} and dilation {dilations} gives an empty output {tuple(outs)}; use less padding"
        )
    if dims == 3:
        args = (strides, pads, extras, dilations, groups, last)
        return run_kernel("nn_conv_transpose3d", x, weight, bias, args, dims, unbatched)
    args = (to_2d(strides, 1), to_2d(pads, 0), to_2d(extras, 0), to_2d(dilations, 1), groups, last)
    return run_kernel("nn_conv_transpose2d", x, weight, bias, args, dims, unbatched)


class _ConvTransposeFunction(Protocol):
    def __call__(
        self,
        input: Array,
        weight: Array,
        bias: Array | None = None,
        stride: Size = 1,
        padding: Size = 0,
        output_padding: Size = 0,
        groups: int = 1,
        dilation: Size = 1,
        data_format: str = "channels_first",
    ) -> Array: ...


def _conv_transpose_nd(dims: int, doc: str) -> _ConvTransposeFunction:
    name = f"conv_transpose{dims}d"
    where = f"ug.nn.functional.{name}"

    def conv_transpose(
        input,
        weight,
        bias=None,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        dilation=1,
        data_format="channels_first",
    ):
        args = (stride, padding, output_padding, groups, dilation, data_format)
        return _conv_transpose(input, weight, bias, *args, dims, where)

    return public_function(conv_transpose, name, doc, _ConvTransposeFunction)


conv_transpose1d = _conv_transpose_nd(
    1, """As ``torch.nn.functional.conv_transpose1d``; ``weight`` is ``(in, out/groups, k)``."""
)
conv_transpose2d = _conv_transpose_nd(
    2,
    """As ``torch.nn.functional.conv_transpose2d`` (the gradient of ``conv2d``);
    ``weight`` is ``(in, out/groups, kH, kW)``. Output size
    ``(n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1``.""",
)
conv_transpose3d = _conv_transpose_nd(
    3,
    """As ``torch.nn.functional.conv_transpose3d`` over NCDHW input (NDHWC with
    ``data_format="channels_last"``); ``weight`` is ``(in, out/groups, kD, kH, kW)``.""",
)
