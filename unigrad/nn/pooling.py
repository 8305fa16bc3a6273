"""Window pools: ``MaxPool1d``/``2d``/``3d`` and ``AvgPool1d``/``2d``/``3d``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from . import functional as F
from .functional._arguments import as_tuple, channels_last
from .module import Module

__all__ = [
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
]

Size = int | Sequence[int]


def _single(size: Size) -> tuple[int, ...]:
    return (size,) if isinstance(size, int) else tuple(size)


class _MaxPoolNd(Module):
    """Maximum over ``kernel_size`` windows, as ``torch.nn.MaxPool<n>d``.

    ``stride`` defaults to ``kernel_size``, padding (at most half the kernel)
    never wins, ``dilation`` and ``ceil_mode`` as PyTorch. ``return_indices``
    also returns PyTorch's indices, for ``MaxUnpool<n>d``.
    Channels-first input, or channels-last with
    ``data_format="channels_last"``.
    """

    _pool: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        dilation: Size = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        name = type(self).__name__
        channels_last(data_format, name)
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.ceil_mode, self.return_indices, self.data_format = ceil_mode, return_indices, data_format

    def forward(self, x: Any) -> Any:
        options = {"return_indices": True} if self.return_indices else {}
        return type(self)._pool(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            data_format=self.data_format,
            **options,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}, "
            f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool1d(_MaxPoolNd):
    """Maximum over windows of ``(N, C, L)`` input, as ``torch.nn.MaxPool1d``.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.MaxPool1d(2)(ug.ones((1, 3, 8))).shape)
        (1, 3, 4)
    """

    _pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPoolNd):
    """Maximum over windows of NCHW input (NHWC with ``data_format="channels_last"``), as torch's.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.MaxPool2d(2)(ug.ones((1, 3, 8, 8))).shape)
        (1, 3, 4, 4)
    """

    _pool = staticmethod(F.max_pool2d)


class MaxPool3d(_MaxPoolNd):
    """Maximum over windows of ``(N, C, D, H, W)`` input, as ``torch.nn.MaxPool3d``.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.MaxPool3d(2)(ug.ones((1, 3, 4, 4, 4))).shape)
        (1, 3, 2, 2, 2)
    """

    _pool = staticmethod(F.max_pool3d)


class _AvgPoolNd(Module):
    """Mean over ``kernel_size`` windows, as ``torch.nn.AvgPool<n>d``.

    ``stride`` defaults to ``kernel_size``; zero padding counts in the mean
    unless ``count_include_pad=False``; ``ceil_mode`` and (2-d, 3-d)
    ``divisor_override`` as PyTorch.
    """

    _pool: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        channels_last(data_format, type(self).__name__)
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override, self.data_format = divisor_override, data_format

    def forward(self, x: Any) -> Any:
        options = {} if self.divisor_override is None else {"divisor_override": self.divisor_override}
        return type(self)._pool(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            data_format=self.data_format,
            **options,
        )

    def extra_repr(self) -> str:
        stride = self.stride or self.kernel_size
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"


class AvgPool1d(_AvgPoolNd):
    """Mean over windows of ``(N, C, L)`` input, as ``torch.nn.AvgPool1d``.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.AvgPool1d(2)(ug.ones((1, 3, 8))).shape)
        (1, 3, 4)
    """

    _pool = staticmethod(F.avg_pool1d)

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        data_format: str = "channels_first",
    ) -> None:
        # as torch.nn.AvgPool1d, which keeps its sizes as 1-tuples
        super().__init__(
            _single(kernel_size),
            None if stride is None else _single(stride),
            _single(padding),
            ceil_mode,
            count_include_pad,
            None,
            data_format,
        )


class AvgPool2d(_AvgPoolNd):
    """Mean over windows of NCHW input (NHWC with ``data_format="channels_last"``), as torch's.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.AvgPool2d(2)(ug.ones((1, 3, 8, 8))).shape)
        (1, 3, 4, 4)
    """

    _pool = staticmethod(F.avg_pool2d)


class AvgPool3d(_AvgPoolNd):
    """Mean over windows of ``(N, C, D, H, W)`` input, as ``torch.nn.AvgPool3d``.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.AvgPool3d(2)(ug.ones((1, 3, 4, 4, 4))).shape)
        (1, 3, 2, 2, 2)
    """

    _pool = staticmethod(F.avg_pool3d)


class _MaxUnpoolNd(Module):
    """The inverse of ``MaxPool<n>d(..., return_indices=True)``, as ``torch.nn.MaxUnpool<n>d``.

    Each value goes to its index in zeros of
    ``(size - 1) * stride - 2 * padding + kernel_size`` per axis (or
    ``output_size``, given to ``forward``).
    """

    _dims: ClassVar[int]
    _unpool: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        kernel_size: Size,
        stride: Size | None = None,
        padding: Size = 0,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        name, dims = type(self).__name__, type(self)._dims
        channels_last(data_format, name)
        # kept as tuples, as torch.nn.MaxUnpool<n>d keeps them
        self.kernel_size = as_tuple(kernel_size, dims, "kernel_size", name)
        self.stride = self.kernel_size if stride is None else as_tuple(stride, dims, "stride", name)
        self.padding = as_tuple(padding, dims, "padding", name)
        self.data_format = data_format

    def forward(self, input: Any, indices: Any, output_size: Sequence[int] | None = None) -> Any:
        return type(self)._unpool(
            input, indices, self.kernel_size, self.stride, self.padding, output_size, self.data_format
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpoolNd):
    """The inverse of ``MaxPool1d(..., return_indices=True)``, as ``torch.nn.MaxUnpool1d``."""

    _dims = 1
    _unpool = staticmethod(F.max_unpool1d)


class MaxUnpool2d(_MaxUnpoolNd):
    """The inverse of ``MaxPool2d(..., return_indices=True)``, as ``torch.nn.MaxUnpool2d``.

    Examples:
        >>> import unigrad as ug
        >>> y, index = ug.nn.MaxPool2d(2, return_indices=True)(ug.ones((1, 2, 4, 4)))
        >>> tuple(ug.nn.MaxUnpool2d(2)(y, index).shape)
        (1, 2, 4, 4)
    """

    _dims = 2
    _unpool = staticmethod(F.max_unpool2d)


class MaxUnpool3d(_MaxUnpoolNd):
    """The inverse of ``MaxPool3d(..., return_indices=True)``, as ``torch.nn.MaxUnpool3d``."""

    _dims = 3
    _unpool = staticmethod(F.max_unpool3d)
