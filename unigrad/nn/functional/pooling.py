"""Pooling: ``max_pool1d``/``2d`` and ``avg_pool1d``/``2d``, with PyTorch's arguments.

As in :mod:`.conv`: arguments checked and normalized here, once, then the
active backend's ``nn_<name>`` kernel (fused, or the reference definition).

Examples:
    >>> import unigrad as ug
    >>> import unigrad.nn.functional as F
    >>> tuple(F.max_pool2d(ug.ones((1, 2, 6, 6)), 2).shape)
    (1, 2, 3, 3)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from ...errors import ShapeError
from ...types import Array
from ..reference.windows import pool_output_size
from ._arguments import Size, as_tuple, batched, channels_last, layout, spatial, to_2d, unlayout
from ._dispatch import current_backend, failed
from .conv import public_function

_Result_co = TypeVar("_Result_co", covariant=True)
_Returned = TypeVar("_Returned")

__all__ = [
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "pool_args",
]


def pool_args(
    x: Array,
    dims: int,
    kernel_size: Size,
    stride: Size | None,
    padding: Size,
    dilation: Size,
    ceil_mode: bool,
    data_format: str,
    where: str,
) -> tuple[tuple[int, ...], bool, tuple[int, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...], bool]:
    """Checked pool arguments of any rank: ``(shape, unbatched, kernel, stride, padding, dilation, last)``.

    ``shape`` is the batched input shape; sizes are ``dims`` ints each.
    """
    last = channels_last(data_format, where)
    shape, unbatched = batched(x, dims, last, where)
    kernel = as_tuple(kernel_size, dims, "kernel_size", where)
    strides = kernel if stride is None or stride == () else as_tuple(stride, dims, "stride", where)
    pads = as_tuple(padding, dims, "padding", where)
    dilations = as_tuple(dilation, dims, "dilation", where)
    for k, p, d in zip(kernel, pads, dilations, strict=True):
        if p * 2 > d * (k - 1) + 1:
            raise ShapeError(
                f"{where}: padding {pads} must be at most half of the kernel {kernel} "
                f"(dilation {dilations}), as PyTorch requires"
            )
    sizes = spatial(shape, last)
    outs = [
        pool_output_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(sizes, kernel, strides, pads, dilations, strict=True)
    ]
    if min(outs) < 1:
        raise ShapeError(
            f"{where}: input of spatial size {sizes} is too small for the kernel {kernel} "
            f"(padding {pads}, dilation {dilations}); the output would be {tuple(outs)}"
        )
    return shape, unbatched, kernel, strides, pads, dilations, last


def _max_pool(
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
) -> Array | tuple[Array, Array]:
    # 1-d pools are 2-d pools of a height-1 image: the backends' 2-d kernels serve both
    _, unbatched, kernel1, strides1, pads1, dilations1, last = pool_args(
        input, dims, kernel_size, stride, padding, dilation, ceil_mode, data_format, where
    )
    x = layout(input, unbatched, dims, last)
    kernel, strides, pads = to_2d(kernel1, 1), to_2d(strides1, 1), to_2d(pads1, 0)
    dilations = to_2d(dilations1, 1)
    if return_indices:
        args = (kernel, strides, pads, dilations, ceil_mode, last)
        try:
            y, index = current_backend().nn_max_pool2d_with_indices(x, *args)
        except Exception as exc:
            y, index = failed(exc, "nn_max_pool2d_with_indices", x, *args)
        return unlayout(y, unbatched, dims, last), unlayout(index, unbatched, dims, last)
    try:
        y = current_backend().nn_max_pool2d(x, kernel, strides, pads, dilations, ceil_mode, last)
    except Exception as exc:
        y = failed(exc, "nn_max_pool2d", x, kernel, strides, pads, dilations, ceil_mode, last)
    return unlayout(y, unbatched, dims, last)


def _avg_pool(
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
    _, unbatched, kernel1, strides1, pads1, _, last = pool_args(
        input, dims, kernel_size, stride, padding, 1, ceil_mode, data_format, where
    )
    x = layout(input, unbatched, dims, last)
    kernel, strides, pads = to_2d(kernel1, 1), to_2d(strides1, 1), to_2d(pads1, 0)
    try:
        y = current_backend().nn_avg_pool2d(
            x, kernel, strides, pads, ceil_mode, count_include_pad, divisor_override, last
        )
    except Exception as exc:
        y = failed(
            exc,
            "nn_avg_pool2d",
            x,
            kernel,
            strides,
            pads,
            ceil_mode,
            count_include_pad,
            divisor_override,
            last,
        )
    return unlayout(y, unbatched, dims, last)


def avg_pool1d(
    input: Array,
    kernel_size: Size,
    stride: Size | None = None,
    padding: Size = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    data_format: str = "channels_first",
) -> Array:
    """Mean over windows of ``(N, C, L)`` input, as ``torch.nn.functional.avg_pool1d``."""
    where = "ug.nn.functional.avg_pool1d"
    return _avg_pool(
        input, 1, kernel_size, stride, padding, ceil_mode, count_include_pad, None, data_format, where
    )


class _MaxPoolFunction(Protocol[_Result_co]):
    def __call__(
        self,
        input: Array,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        dilation: Size = 1,
        ceil_mode: bool = False,
        return_indices: bool = False,
        data_format: str = "channels_first",
    ) -> _Result_co: ...


class _AvgPoolFunction(Protocol):
    def __call__(
        self,
        input: Array,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
        data_format: str = "channels_first",
    ) -> Array: ...


def max_pool_function(
    dims: int, doc: str, implementation: Callable[..., _Returned]
) -> _MaxPoolFunction[_Returned]:
    """The public ``max_pool<dims>d``: PyTorch's arguments, then ``implementation(input, dims, ...)``."""
    name = f"max_pool{dims}d"
    where = f"ug.nn.functional.{name}"

    def max_pool(
        input,
        kernel_size,
        stride=None,
        padding=0,
        dilation=1,
        ceil_mode=False,
        return_indices=False,
        data_format="channels_first",
    ):
        args = (kernel_size, stride, padding, dilation, ceil_mode, return_indices, data_format)
        return implementation(input, dims, *args, where)

    function = public_function(max_pool, name, doc, _MaxPoolFunction)
    function.__annotations__["return"] = implementation.__annotations__["return"]
    return function


def avg_pool_function(dims: int, doc: str, implementation: Callable[..., Array]) -> _AvgPoolFunction:
    """The public ``avg_pool<dims>d``: PyTorch's arguments, then ``implementation(input, dims, ...)``."""
    name = f"avg_pool{dims}d"
    where = f"ug.nn.functional.{name}"

    def avg_pool(
        input,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode=False,
        count_include_pad=True,
        divisor_override=None,
        data_format="channels_first",
    ):
        args = (kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, data_format)
        return implementation(input, dims, *args, where)

    return public_function(avg_pool, name, doc, _AvgPoolFunction)


max_pool1d = max_pool_function(
    1,
    """Maximum over windows of ``(N, C, L)`` input, as ``torch.nn.functional.max_pool1d`` (indices too).""",
    _max_pool,
)
max_pool2d = max_pool_function(
    2,
    """Maximum over windows, as ``torch.nn.functional.max_pool2d`` (``stride`` defaults to the kernel).

    ``return_indices=True`` returns ``(output, indices)``: PyTorch's int64
    flat ``h * W + w`` position of each maximum in its plane (for ``max_unpool2d``).
    """,
    _max_pool,
)
avg_pool2d = avg_pool_function(
    2, """Mean over windows, as ``torch.nn.functional.avg_pool2d``, padding counted by default.""", _avg_pool
)
