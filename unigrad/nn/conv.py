"""``Conv1d``, ``Conv2d`` and ``Conv3d``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from ..errors import ArgumentError, NotSupportedError, ShapeError
from . import init
from .functional._arguments import as_tuple, channels_last, spatial
from .functional.conv import PADDING_MODES, batched_nd, conv1d, conv2d, conv3d, conv_padding, mode_padded
from .module import Module
from .parameter import Parameter

__all__ = ["Conv1d", "Conv2d", "Conv3d"]


class _ConvBase(Module):
    """What the convolutions and the transposed convolutions share: checks, parameters and repr."""

    dims: ClassVar[int]
    function: ClassVar[Callable[..., Any]]
    padding: str | tuple[int, ...]

    def _setup(
        self,
        in_channels: int,
        out_channels: int,
        groups: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int],
        dilation: int | Sequence[int],
        padding_mode: str,
        data_format: str,
    ) -> str:
        """Checks and stores the arguments both kinds take; returns the layer's name for messages."""
        name = type(self).__name__
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ArgumentError(
                f"{name}: in_channels ({in_channels}) and out_channels ({out_channels}) must both "
                f"divide by groups ({groups})"
            )
        self._check_padding_mode(padding_mode, name)
        channels_last(data_format, name)
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.padding_mode, self.data_format = padding_mode, data_format
        self.kernel_size = as_tuple(kernel_size, self.dims, "kernel_size", name)
        self.stride = as_tuple(stride, self.dims, "stride", name)
        self.dilation = as_tuple(dilation, self.dims, "dilation", name)
        return name

    def _check_padding_mode(self, padding_mode: str, name: str) -> None:
        raise NotSupportedError

    def _init_parameters(self, channels: tuple[int, int], bias: bool, dtype: Any) -> None:
        """PyTorch's default initialisation of a weight ``(*channels, *kernel_size)`` and its bias."""
        shape = (*channels, *self.kernel_size)
        self.weight = Parameter(init.kaiming_uniform(shape, dtype=dtype))
        fan_in, _ = init.fan_in_and_out(shape)
        bound = 1.0 / math.sqrt(fan_in) if fan_in else 0.0
        out_channels = self.out_channels
        self.bias = Parameter(init.uniform((out_channels,), -bound, bound, dtype)) if bias else None

    def extra_repr(self) -> str:
        zeros = (0,) * self.dims
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        text += f", stride={self.stride}"
        if self.padding != zeros:
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        # only the transposed convolutions have an output_padding
        output_padding = getattr(self, "output_padding", zeros)
        if output_padding != zeros:
            text += f", output_padding={output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        if self.data_format != "channels_first":
            text += f", data_format={self.data_format!r}"
        return text


class _ConvNd(_ConvBase):
    """What the convolutions share: PyTorch's arguments, parameters and initialisation."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | Sequence[int],
        stride: int | Sequence[int] = 1,
        padding: str | int | Sequence[int] = 0,
        dilation: int | Sequence[int] = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        dtype: Any = None,
        data_format: str = "channels_first",
    ) -> None:
        super().__init__()
        name = self._setup(
            in_channels, out_channels, groups, kernel_size, stride, dilation, padding_mode, data_format
        )
        # refuses a bad padding now rather than at the first call
        conv_padding(padding, self.kernel_size, self.stride, self.dilation, name)
        self.padding = padding if isinstance(padding, str) else as_tuple(padding, self.dims, "padding", name)
        self._init_parameters((out_channels, in_channels // groups), bias, dtype)

    def _check_padding_mode(self, padding_mode: str, name: str) -> None:
        if padding_mode not in PADDING_MODES:
            raise ArgumentError(f"{name}: padding_mode must be one of {PADDING_MODES}, got {padding_mode!r}")

    def forward(self, x: Any) -> Any:
        padding = self.padding
        if self.padding_mode != "zeros":  # as PyTorch: pad the input, then convolve without padding
            name = type(self).__name__
            last = channels_last(self.data_format, name)
            pads = conv_padding(padding, self.kernel_size, self.stride, self.dilation, name)
            shape, _ = batched_nd(
                x, self.dims, last, name
            )  # a wrong rank is told as the convolution tells it
            sizes = spatial(shape, last)
            spans = tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation, strict=True))
            if any(n + sum(p) < span for n, p, span in zip(sizes, pads, spans, strict=True)):
                raise ShapeError(
                    f"{name}: input of spatial size {sizes} (padding_mode={self.padding_mode!r}, padding "
                    f"{pads}) is smaller than the kernel {self.kernel_size} (dilation {self.dilation})"
                )
            x = mode_padded(x, pads, self.padding_mode, last, name)
            padding = (0,) * self.dims
        return type(self).function(
            x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups, self.data_format
        )


class Conv1d(_ConvNd):
    """1-d convolution over ``(N, C, L)`` input (``(N, L, C)`` with ``data_format="channels_last"``).

    As ``torch.nn.Conv1d``: weight ``(out_channels, in_channels / groups, kernel_size)``,
    PyTorch's default initialisation drawn from ``ug.random``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> conv = ug.nn.Conv1d(4, 8, kernel_size=3, padding="same")
        >>> tuple(conv.weight.shape), tuple(conv(ug.ones((2, 4, 10))).shape)
        ((8, 4, 3), (2, 8, 10))
    """

    dims = 1
    function = staticmethod(conv1d)


class Conv2d(_ConvNd):
    """2-d convolution over NCHW input (NHWC with ``data_format="channels_last"``).

    As ``torch.nn.Conv2d``: ``stride``, ``padding`` (ints, ``"same"`` or
    ``"valid"``), ``dilation`` and ``groups``; weight
    ``(out_channels, in_channels / groups, kH, kW)``, bias ``(out_channels,)``,
    initialised as PyTorch does, from ``ug.random``. ``padding_mode``:
    ``"zeros"``, ``"reflect"``, ``"replicate"`` or ``"circular"``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> conv = ug.nn.Conv2d(3, 16, kernel_size=3, stride=2, padding=1)
        >>> tuple(conv.weight.shape), tuple(conv(ug.ones((8, 3, 32, 32))).shape)
        ((16, 3, 3, 3), (8, 16, 16, 16))
    """

    dims = 2
    function = staticmethod(conv2d)


class Conv3d(_ConvNd):
    """3-d convolution over NCDHW input (NDHWC with ``data_format="channels_last"``).

    As ``torch.nn.Conv3d``: weight ``(out_channels, in_channels / groups, kD, kH, kW)``,
    PyTorch's arguments, padding modes and default initialisation, from ``ug.random``.

    Examples:
        >>> import unigrad as ug
        >>> ug.random.seed(0)
        >>> conv = ug.nn.Conv3d(2, 4, kernel_size=3, padding=1)
        >>> tuple(conv.weight.shape), tuple(conv(ug.ones((1, 2, 4, 5, 6))).shape)
        ((4, 2, 3, 3, 3), (1, 4, 4, 5, 6))
    """

    dims = 3
    function = staticmethod(conv3d)
