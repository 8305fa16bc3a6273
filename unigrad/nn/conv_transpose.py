"""``ConvTranspose1d``, ``ConvTranspose2d`` and ``ConvTranspose3d``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from . import init
from .functional._arguments import as_tuple, channels_last, spatial
from .functional.conv_transpose import (
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    transpose_output_padding,
)
from .module import Module
from .parameter import Parameter

__all__ = ["ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]


class _ConvTransposeNd(Module):
    """What the transposed convolutions share: PyTorch's arguments, parameters and initialisation."""

    dims: ClassVar[int]
    function: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: int | Sequence[int] = 0,
        output_padding: int | Sequence[int] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | Sequence[int] = 1,
        padding_mode: str = "zeros",
        dtype: Any = None,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must both "
                f"divide by groups ({groups})"
            )
        if padding_mode != "zeros":
            raise ValueError(
                f"{name}: only padding_mode='zeros' is supported (as PyTorch), got {padding_mode!r}"
            )
        channels_last(data_format, name)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = as_tuple(kernel_size, self.dims, "kernel_size", name)
        self.stride = as_tuple(stride, self.dims, "stride", name)
        self.padding = as_tuple(padding, self.dims, "padding", name)
        self.output_padding = as_tuple(output_padding, self.dims, "output_padding", name)
        self.dilation = as_tuple(dilation, self.dims, "dilation", name)
        if any(
            e >= s and e >= d for e, s, d in zip(self.output_padding, self.stride, self.dilation, strict=True)
        ):
            raise ValueError(
                f"{name}: output_padding {self.output_padding} must be smaller than either stride "
                f"{self.stride} or dilation {self.dilation}"
            )
        self.padding_mode, self.data_format = padding_mode, data_format
        shape = (in_channels, out_channels // groups, *self.kernel_size)
        self.weight = Parameter(init.kaiming_uniform(shape, dtype=dtype))
        fan_in, _ = init.fan_in_and_out(shape)
        bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
        self.bias = Parameter(init.uniform((out_channels,), -bound, bound, dtype)) if bias else None

    def forward(self, x: Any, output_size: Sequence[int] | None = None) -> Any:
        extra = self.output_padding
        if output_size is not None:
            last = self.data_format == "channels_last"
            shape = tuple(int(s) for s in x.shape)
            sizes = spatial(shape if len(shape) == self.dims + 2 else (1, *shape), last)
            extra = transpose_output_padding(
                sizes,
                output_size,
                self.kernel_size,
                self.stride,
                self.padding,
                self.dilation,
                type(self).__name__,
            )
        return type(self).function(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            extra,
            self.groups,
            self.dilation,
            self.data_format,
        )

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}"
        if self.padding != (0,) * self.dims:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.data_format != "channels_first":
            text += f", data_format={self.data_format!r}"
        return text


class ConvTranspose1d(_ConvTransposeNd):
    """1-d transposed convolution over ``(N, C, L)`` input (``(N, L, C)`` if ``data_format="channels_last"``).

    As ``torch.nn.ConvTranspose1d``: weight ``(in_channels, out_channels / groups, kernel_size)``,
    PyTorch's default initialisation drawn from ``ug.random``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> up = ug.nn.ConvTranspose1d(4, 2, kernel_size=4, stride=2, padding=1)
        >>> tuple(up.weight.shape), tuple(up(ug.ones((3, 4, 10))).shape)
        ((4, 2, 4), (3, 2, 20))
    """

    dims = 1
    function = staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    """2-d transposed convolution (the gradient of ``Conv2d``) over NCHW input (NHWC with
    ``data_format="channels_last"``).

    As ``torch.nn.ConvTranspose2d``: ``stride``, ``padding``, ``output_padding``,
    ``groups``, ``dilation``; ``forward(x, output_size=None)``; weight
    ``(in_channels, out_channels / groups, kH, kW)``, bias ``(out_channels,)``,
    initialised as PyTorch does, from ``ug.random``. Only zero padding (as PyTorch).

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> up = ug.nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1)
        >>> tuple(up.weight.shape), tuple(up(ug.ones((2, 16, 8, 8))).shape)
        ((16, 8, 4, 4), (2, 8, 16, 16))
    """

    dims = 2
    function = staticmethod(conv_transpose2d)


class ConvTranspose3d(_ConvTransposeNd):
    """3-d transposed convolution over NCDHW input (NDHWC with ``data_format="channels_last"``).

    As ``torch.nn.ConvTranspose3d``: weight ``(in_channels, out_channels / groups, kD, kH, kW)``,
    PyTorch's arguments and default initialisation, from ``ug.random``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> up = ug.nn.ConvTranspose3d(4, 2, kernel_size=2, stride=2)
        >>> tuple(up.weight.shape), tuple(up(ug.ones((1, 4, 2, 3, 3))).shape)
        ((4, 2, 2, 2, 2), (1, 2, 4, 6, 6))
    """

    dims = 3
    function = staticmethod(conv_transpose3d)
