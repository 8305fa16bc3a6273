"""``MaxPool2d`` and ``AvgPool2d``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import functional as F
from .functional._arguments import channels_last
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d"]

Size = int | Sequence[int]


class MaxPool2d(Module):
    """Maximum over ``kernel_size`` windows of NCHW input (NHWC with ``data_format="channels_last"``).

    As ``torch.nn.MaxPool2d``: ``stride`` defaults to ``kernel_size``, padding
    (at most half the kernel) never wins, ``dilation`` and ``ceil_mode`` as
    PyTorch. ``return_indices`` is not supported.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.MaxPool2d(2)(ug.ones((1, 3, 8, 8))).shape)
        (1, 3, 4, 4)
    """

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
        if return_indices:
            raise NotImplementedError("MaxPool2d: return_indices=True is not supported")
        channels_last(data_format, "MaxPool2d")
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.ceil_mode, self.data_format = ceil_mode, data_format

    def forward(self, x: Any) -> Any:
        return F.max_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            data_format=self.data_format,
        )

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}, "
            f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Mean over ``kernel_size`` windows of NCHW input (NHWC with ``data_format="channels_last"``).

    As ``torch.nn.AvgPool2d``: ``stride`` defaults to ``kernel_size``; zero
    padding counts in the mean unless ``count_include_pad=False``;
    ``ceil_mode`` and ``divisor_override`` as PyTorch.

    Examples:
        >>> import unigrad as ug
        >>> tuple(ug.nn.AvgPool2d(2)(ug.ones((1, 3, 8, 8))).shape)
        (1, 3, 4, 4)
    """

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
        channels_last(data_format, "AvgPool2d")
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override, self.data_format = divisor_override, data_format

    def forward(self, x: Any) -> Any:
        return F.avg_pool2d(
            x,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
            self.data_format,
        )

    def extra_repr(self) -> str:
        stride = self.stride or self.kernel_size
        return f"kernel_size={self.kernel_size}, stride={stride}, padding={self.padding}"
